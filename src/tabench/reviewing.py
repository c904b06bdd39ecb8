"""The application layer's review jobs (what `tabench review`, `tabench export` and the review page call, through
`tabench.app`): the parts that need a person, a person's grades and rubric edits as events, and the grades of
record as tables. Each opens the store, calls the pure rules in review.py and export.py, and returns data."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from .errors import ReviewError, TabenchError
from .ingest import load_problem_set
from .model import Part, ProblemSet, Question, RubricItem
from .review import (AnswerGroup, ReviewAnswer, clean_comment, clean_tags, group_answers, human_grade, merged_rubric,
                     next_part_needing, next_rubric_id, progress, total_progress)
from .store import Store, problem_set_key

EXPORT_FORMATS = ("csv", "json")


def stored_problem_sets() -> list[dict]:
    """Stored problem sets that have submissions: id, title, source, submissions."""
    with Store() as db:
        return db.problem_sets()


def stored_problem_set_id(ref: str | Path) -> str:
    """The stored id of a problem set: its key (a document or ProblemSet file, as it was graded) or a stored id."""
    stored = [row["id"] for row in stored_problem_sets()]
    if Path(ref).is_file():
        problem_set_id = problem_set_key(load_problem_set(ref))
        if problem_set_id in stored:
            return problem_set_id
        raise TabenchError(f"{ref}: no stored submissions of this problem set (was the key edited after grading?); "
                           "grade answers against it first, or see `tabench submissions`")
    matches = [row_id for row_id in stored if row_id.startswith(str(ref))] if str(ref) else []
    if len(matches) != 1:
        raise TabenchError(f"{ref}: not a key file nor the id of a stored problem set; give the key the answers were "
                           "graded against")
    return matches[0]


def _stored_part(db: Store, problem_set_id: str, part_id: str) -> tuple[ProblemSet, Part]:
    if problem_set_id not in {row["id"] for row in db.problem_sets()}:
        raise ReviewError(f"no stored problem set {problem_set_id!r}; reload the page or open its start page")
    problem_set = db.problem_set(problem_set_id)
    try:
        return problem_set, problem_set.part(part_id)
    except KeyError:
        raise ReviewError(f"{problem_set.title} has no part {part_id!r}") from None


def _answers(db: Store, problem_set_id: str, part_id: str | None = None) -> list[ReviewAnswer]:
    return [ReviewAnswer(row["submission_id"], row["submission"], row["part_id"], row["answer"], row["automatic"],
                         row["event"], row["mark"], row["model"], row["protocol"], row["sample"])
            for row in db.part_review_rows(problem_set_id, part_id)]


def _rubric(db: Store, problem_set_id: str, part: Part) -> list[RubricItem]:
    return merged_rubric(part.rubric, db.rubric_items(problem_set_id, part.id))


def _parts_progress(problem_set: ProblemSet, answers: list[ReviewAnswer]) -> list[dict]:
    """Every graded part in document order with its counts: answers, needs_person, reviewed."""
    by_part = progress(answers)
    return [{"id": part.id, "kind": part.kind, "points": part.points, **by_part[part.id]}
            for part in problem_set.parts() if part.id in by_part]


def review_overview() -> list[dict]:
    """Every stored problem set with submissions: its parts in order, with how many answers still need a person."""
    out = []
    with Store() as db:
        for row in db.problem_sets():
            answers = _answers(db, row["id"])
            out.append(dict(row, parts=_parts_progress(db.problem_set(row["id"]), answers),
                            progress=total_progress(progress(answers))))
    return out


@dataclass
class PartReview:
    """What the review page shows for one part of one problem set."""

    problem_set_id: str
    title: str
    part: Part
    question: Question
    rubric: list[RubricItem]
    comments: list[str]
    groups: list[AnswerGroup]  # in review order
    progress: dict  # this part: answers, needs_person, reviewed
    set_progress: dict  # the whole problem set
    parts: list[dict]  # every graded part with its progress, for moving between parts


def review_part(problem_set_id: str, part_id: str) -> PartReview:
    with Store() as db:
        problem_set, part = _stored_part(db, problem_set_id, part_id)
        everything = _answers(db, problem_set_id)
        answers = [answer for answer in everything if answer.part_id == part_id]
        history: dict[int, list[dict]] = {}
        for event in db.human_verdict_events(part_id=part_id, problem_set_id=problem_set_id):
            history.setdefault(event["submission_id"], []).append(event)
        for answer in answers:
            answer.history = history.get(answer.submission_id, [])
        parts = _parts_progress(problem_set, everything)
        return PartReview(problem_set_id, problem_set.title, part, problem_set.question_of(part_id),
                          _rubric(db, problem_set_id, part), db.review_comments(problem_set_id, part_id),
                          group_answers(answers),
                          progress(answers).get(part_id, {"answers": 0, "needs_person": 0, "reviewed": 0}),
                          total_progress(progress(everything)), parts)


def next_to_review(problem_set_id: str | None = None, after: str | None = None,
                   parts: list[dict] | None = None) -> tuple[str, str] | None:
    """(problem set id, part id) of the next part with an answer that needs a person: after part `after` of that
    problem set (wrapping round; `parts`: its parts' progress, when known), else in the other problem sets; None
    when nothing needs a person."""
    if problem_set_id is not None and parts is not None:
        found = next_part_needing(parts, after)
        if found is not None:
            return problem_set_id, found
    with Store() as db:
        for row in sorted(db.problem_sets(), key=lambda r: r["id"] != problem_set_id):  # that problem set first
            if row["id"] == problem_set_id and parts is not None:
                continue
            ordered = _parts_progress(db.problem_set(row["id"]), _answers(db, row["id"]))
            found = next_part_needing(ordered, after if row["id"] == problem_set_id else None)
            if found is not None:
                return row["id"], found
    return None


def record_review(problem_set_id: str, part_id: str, submission_ids: list[int], *, verdict: str,
                  score: float | None = None, rubric_met: list[str] | None = None, comment: str = "",
                  tags: list[str] | None = None, grader: str) -> list[dict]:
    """A person's grade for one part of these submissions (an answer group), stored as one event each."""
    met = list(dict.fromkeys(rubric_met or []))
    comment, tags = clean_comment(comment), clean_tags(tags or [])
    with Store() as db:
        _, part = _stored_part(db, problem_set_id, part_id)
        answers = {answer.submission_id: answer for answer in _answers(db, problem_set_id, part_id)}
        unknown = [sid for sid in submission_ids if sid not in answers]
        if unknown or not submission_ids:
            raise ReviewError(f"submission {unknown[0] if unknown else '(none)'} has no graded answer to part "
                              f"{part_id}; reload the page")
        rubric = _rubric(db, problem_set_id, part)
        events = []
        for sid in dict.fromkeys(submission_ids):
            points = answers[sid].automatic.points
            label, value = human_grade(verdict, score, met, rubric, points)
            events.append({"submission_id": sid, "part_id": part_id, "grader": grader, "verdict": label, "score": value,
                           "points": points, "tags": tags, "comment": comment, "rubric": met, "source": "review"})
        stored = db.record_human_verdicts(events)
        if comment:
            db.use_comment(problem_set_id, part_id, comment, len(stored))
    return stored


def edit_rubric(problem_set_id: str, part_id: str, *, text: str, points: float | None, grader: str,
                item_id: str | None = None) -> dict:
    """Add a rubric item to a part (item_id None) or change one; every human verdict of the part scored by its
    rubric is scored again (a new event where the grade changes). {rubric, item, rescored}."""
    text = " ".join(str(text).split())
    if not text or len(text) > 500:
        raise ReviewError("a rubric item needs a text of 1 to 500 characters")
    if not isinstance(points, (int, float)) or not math.isfinite(points) or abs(points) > 1000:
        raise ReviewError("a rubric item's points are a number (negative for a deduction)")
    with Store() as db:
        _, part = _stored_part(db, problem_set_id, part_id)
        rubric = _rubric(db, problem_set_id, part)
        ids = [item.id for item in rubric]
        if item_id is None:
            item_id = next_rubric_id(rubric)
        elif item_id not in ids:
            raise ReviewError(f"rubric item {item_id!r} is not in part {part_id}'s rubric; reload the page")
        edited = [item if item.id != item_id else RubricItem(id=item_id, text=text, points=float(points))
                  for item in rubric]
        if item_id not in ids:
            edited.append(RubricItem(id=item_id, text=text, points=float(points)))
        for position, item in enumerate(edited):  # the whole rubric, in order, once a part has edits
            db.save_rubric_item(problem_set_id, part_id, item.id, item.text, item.points, position)
        events = []
        for answer in _answers(db, problem_set_id, part_id):
            human = answer.human
            if human is None or not human["rubric"]:
                continue
            label, value = human_grade(human["verdict"], human["score"], human["rubric"], edited, answer.automatic.points)
            if (label, value) != (human["verdict"], human["score"]):
                events.append({"submission_id": answer.submission_id, "part_id": part_id, "grader": grader,
                               "verdict": label, "score": value, "points": answer.automatic.points,
                               "tags": human["tags"], "comment": human["comment"], "rubric": human["rubric"],
                               "source": "rubric"})
        db.record_human_verdicts(events)
    return {"rubric": edited, "item": next(item for item in edited if item.id == item_id), "rescored": len(events)}


def void_reviews_of_changed_answers(db: Store, submission_id: int, before: dict[str, str], after: dict[str, str]):
    """A person's verdict was for the answer they read: when that answer changes, the verdict no longer stands."""
    changed = {part_id for part_id, text in after.items() if part_id in before and before[part_id] != text}
    standing = [event for event in db.human_verdict_events(submission_id, latest_only=True)
                if event["part_id"] in changed and event["verdict"] is not None]
    db.record_human_verdicts([{"submission_id": submission_id, "part_id": event["part_id"], "grader": "tabench",
                               "verdict": None, "comment": "the answer changed after this part was reviewed",
                               "source": "answer_changed"} for event in standing])


def export_grades(problem_set: str | Path | None, fmt: str) -> tuple[str, list[str]]:
    """(the grades of a problem set's submissions as CSV or JSON, warnings): the score sheet, or every verdict."""
    from .export import csv_text, score_sheet, verdict_table

    if fmt not in EXPORT_FORMATS:
        raise TabenchError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if problem_set is None:
        stored = stored_problem_sets()
        if len(stored) != 1:
            listing = "; ".join(f"{row['id']} {row['title']}" for row in stored[:10])
            raise TabenchError("no graded submissions to export; grade some first" if not stored else
                               f"the store holds {len(stored)} problem sets; choose one with --problem-set KEY "
                               f"(its key file, or a stored id: {listing})")
        problem_set_id = stored[0]["id"]
    else:
        problem_set_id = stored_problem_set_id(problem_set)
    with Store() as db:
        key = db.problem_set(problem_set_id)
        answers = _answers(db, problem_set_id)
    waiting = sum(answer.needs_person for answer in answers)
    warnings = [f"{waiting} answer(s) still need a person and count 0; grade them with `tabench review`"] if waiting else []
    if fmt == "json":
        return json.dumps(verdict_table(key, problem_set_id, answers), indent=2, ensure_ascii=False), warnings
    return csv_text(*score_sheet(key, answers)), warnings
