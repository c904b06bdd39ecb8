"""The application layer: what the command line and the web app both call.

Each function does one job of the pipeline over the store (ingest, import, grade, report, compare, list) and
returns data; none prints. Warnings come back as lines for the caller to show. Errors are TabenchError.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .answers import SubmissionInput, load_submissions
from .errors import TabenchError
from .grade import grade as grade_answers
from .ingest import load_problem_set
from .ingest.loader import read_text
from .key import with_parsed_forms
from .model import Part, ProblemSet, Question, RubricItem, Verdict
from .store import Store, problem_set_key

REPORT_FORMATS = ("md", "html", "tex", "pdf", "json")


def example_path(name: str = "example.md") -> Path:
    """A file of the bundled example (the problem set and a submission to it)."""
    return Path(str(resources.files("tabench") / "examples" / name))


def load_key(path: str | Path, parsed_forms: bool = False) -> ProblemSet:
    """A problem set from a document or a ProblemSet JSON file; with `parsed_forms`, SymPy forms of the keys."""
    problem_set = load_problem_set(path)
    return with_parsed_forms(problem_set) if parsed_forms else problem_set


def import_transcript(path: str | Path, key: str | Path | None = None):
    """(Imported, the key's ProblemSet or None): a transcript or write-up split into answers per part."""
    from .transcripts import import_text

    problem_set = load_problem_set(key) if key is not None else None
    return import_text(read_text(path, what="transcript"), str(path), problem_set), problem_set


@dataclass
class Graded:
    """What grading a file produced: the key, the submissions read, their verdicts and warnings to show."""

    problem_set: ProblemSet
    submissions: list[SubmissionInput]
    verdicts: list[Verdict]
    warnings: list[str] = field(default_factory=list)


def grade_file(key: str | Path, answers: str | Path, *, submission: str | None = None, model: str | None = None,
               protocol: str | None = None, store: bool = True) -> Graded:
    """Grade an answers file (or a transcript, imported first) against the key, and store the results."""
    problem_set = load_problem_set(key)
    submissions = load_submissions(answers, problem_set, default_name=submission)
    for item in submissions:
        item.model = model or item.model
        item.protocol = protocol or item.protocol
    verdicts, warnings = grade_and_store(problem_set, submissions, str(answers), store=store)
    return Graded(problem_set, submissions, verdicts, warnings)


def grade_and_store(problem_set: ProblemSet, submissions: list[SubmissionInput], source: str | None,
                    store: bool = True) -> tuple[list[Verdict], list[str]]:
    """(verdicts of every submission, warnings); answers, verdicts, traces and reader's marks are stored."""
    verdicts: list[Verdict] = []
    warnings: list[str] = []
    known = {part.id for part in problem_set.parts()}
    db = Store() if store else None
    try:
        key_id = db.save_problem_set(problem_set) if db else None
        for submission in submissions:
            unknown = sorted(set(submission.answers) - known)
            if unknown:
                warnings.append(f"{submission.name}: answers for parts the key does not have were kept but not "
                                f"graded: {' '.join(unknown[:10])}")
            graded = grade_answers(problem_set, submission.answers, submission=submission.name)
            if db:
                before = db.answers_of(key_id, submission.name)
                submission_id = db.save_submission(key_id, submission.name, submission.answers, source)
                _void_reviews_of_changed_answers(db, submission_id, before, submission.answers)
                db.save_verdicts(submission_id, graded)
                if submission.model or submission.protocol or submission.sample is not None:
                    db.describe_submission(submission_id, submission.model, submission.protocol, submission.sample)
                if submission.trace is not None:
                    db.save_trace(submission_id, submission.trace)
                if submission.annotations:
                    db.save_human_verdicts(submission_id, submission.annotations)
            verdicts += graded
    finally:
        if db:
            db.close()
    return verdicts, warnings


def _void_reviews_of_changed_answers(db: Store, submission_id: int, before: dict[str, str], after: dict[str, str]):
    """A person's verdict was for the answer they read: when that answer changes, the verdict no longer stands."""
    changed = {part_id for part_id, text in after.items() if part_id in before and before[part_id] != text}
    standing = [e for e in db.human_verdict_events(submission_id, latest_only=True)
                if e["part_id"] in changed and e["verdict"] is not None]
    db.record_human_verdicts([{"submission_id": submission_id, "part_id": e["part_id"], "grader": "tabench",
                               "verdict": None, "comment": "the answer changed after this part was reviewed",
                               "source": "answer_changed"} for e in standing])


def stored_submissions() -> list[dict]:
    with Store() as db:
        return db.submissions()


def stored_runs() -> list[dict]:
    """Model runs with their cost (None where the price is unknown)."""
    from .runner import cost_of, load_prices

    with Store() as db:
        rows = db.runs()
    prices = load_prices()
    for row in rows:
        row["cost_usd"] = cost_of(row["model"], row["input_tokens"], row["output_tokens"], prices)
    return rows


def report_data(ref: str | int):
    """(the report's data, the submission's row) for a stored submission."""
    from .report.data import build_report

    with Store() as db:
        row = db.submission(ref)
        problem_set = db.problem_set(row["problem_set_id"])
        verdicts, automatic, answers = db.final_verdicts(row["id"]), db.verdicts(row["id"]), db.answers(row["id"])
        trace, human = db.trace(row["id"]), db.human_verdicts(row["id"])
    meta = {"submission": row["name"], "model": row["model"] or "—", "protocol": row["protocol"] or "—",
            "date": row["created_at"], "problem set": problem_set.title, "source": row["source"] or "—"}
    if row["sample"] is not None:
        meta["sample"] = row["sample"]
    return build_report(problem_set, verdicts, answers, meta, trace, human, automatic), row


def render_report(ref: str | int, fmt: str) -> tuple[str | bytes, dict]:
    """(the report in `fmt`, the submission's row); PDF comes back as bytes."""
    if fmt not in REPORT_FORMATS:
        raise TabenchError(f"unknown format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}")
    data, row = report_data(ref)
    if fmt == "md":
        from .report.markdown import render_markdown

        return render_markdown(data), row
    if fmt == "html":
        from .report.html import render_html

        return render_html(data), row
    if fmt == "json":
        from .report.json import render_json

        return render_json(data), row
    from .report.latex import render_latex

    if fmt == "tex":
        return render_latex(data), row
    from .report.pdf import compile_pdf

    return compile_pdf([render_latex(data), render_latex(data, math=False)]), row


def compare_stored(ids: list[str] | None, problem_set_path: str | Path | None) -> tuple[str, dict]:
    """(the problem set's title, the comparison) of stored submissions: ids, or every one of a problem set."""
    from .report.compare import Sample, compare

    if not ids and problem_set_path is None:
        raise TabenchError("give submission ids or --problem-set KEY; `tabench submissions` lists the ids")
    with Store() as db:
        if problem_set_path is not None:
            rows = db.submissions_of(db.save_problem_set(load_problem_set(problem_set_path)))
        else:
            rows = [db.submission(ref) for ref in ids]
        if not rows:
            raise TabenchError("no stored submissions to compare; grade some first")
        samples = [Sample(r["model"] or r["name"], r["protocol"] or "—", db.final_verdicts(r["id"])) for r in rows]
        title = rows[0]["problem_set"]
    return title, compare(samples)


def comparison_page(title: str, result: dict) -> str:
    """An HTML page with the comparison's bar chart and per-part heat map."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    from .report.charts import bar_chart, heat_map

    env = Environment(loader=PackageLoader("tabench.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("compare.html.j2").render(title=title, result=result, bar=bar_chart(result),
                                                      heat=heat_map(result))


# ---- review: a person grades what the machine could not -------------------------------------------------------

def stored_problem_set_id(ref: str | Path) -> str:
    """The stored id of a problem set: its key (a document or ProblemSet file, as it was graded) or a stored id."""
    with Store() as db:
        stored = [row["id"] for row in db.problem_sets()]
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


def _review_answers(db: Store, problem_set_id: str, part_id: str | None = None):
    from .review import ReviewAnswer

    return [ReviewAnswer(row["submission_id"], row["submission"], row["part_id"], row["answer"], row["automatic"],
                         row["event"], row["mark"], row["model"], row["protocol"], row["sample"])
            for row in db.part_review_rows(problem_set_id, part_id)]


def _rubric(db: Store, problem_set: ProblemSet, problem_set_id: str, part_id: str):
    from .review import merged_rubric

    return merged_rubric(problem_set.part(part_id).rubric, db.rubric_items(problem_set_id, part_id))


def review_overview() -> list[dict]:
    """Every stored problem set with submissions: its parts in order, with how many answers still need a person."""
    from .review import progress, total_progress

    out = []
    with Store() as db:
        for row in db.problem_sets():
            problem_set = db.problem_set(row["id"])
            by_part = progress(_review_answers(db, row["id"]))
            parts = [{"id": p.id, "kind": p.kind, "points": p.points, **by_part[p.id]}
                     for p in problem_set.parts() if p.id in by_part]
            out.append(dict(row, parts=parts, progress=total_progress(by_part)))
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
    groups: list  # review.AnswerGroup, in review order
    progress: dict  # this part: answers, needs_person, reviewed
    set_progress: dict  # the whole problem set
    parts: list[dict]  # every gradable part with its progress, for moving between parts


def review_part(problem_set_id: str, part_id: str) -> PartReview:
    from .errors import ReviewError
    from .review import group_answers, progress, total_progress

    with Store() as db:
        if problem_set_id not in {row["id"] for row in db.problem_sets()}:
            raise ReviewError(f"no stored problem set {problem_set_id!r}; open the review page's start page")
        problem_set = db.problem_set(problem_set_id)
        try:
            part, question = problem_set.part(part_id), problem_set.question_of(part_id)
        except KeyError:
            raise ReviewError(f"{problem_set.title} has no part {part_id!r}") from None
        everything = _review_answers(db, problem_set_id)
        by_part = progress(everything)
        answers = [a for a in everything if a.part_id == part_id]
        history: dict[int, list[dict]] = {}
        for event in db.human_verdict_events(part_id=part_id, problem_set_id=problem_set_id):
            history.setdefault(event["submission_id"], []).append(event)
        for answer in answers:
            answer.history = history.get(answer.submission_id, [])
        return PartReview(problem_set_id, problem_set.title, part, question, _rubric(db, problem_set, problem_set_id, part_id),
                          db.review_comments(problem_set_id, part_id), group_answers(answers),
                          by_part.get(part_id, {"answers": 0, "needs_person": 0, "reviewed": 0}), total_progress(by_part),
                          [{"id": p.id, **by_part[p.id]} for p in problem_set.parts() if p.id in by_part])


def next_to_review(problem_set_id: str | None = None, after: str | None = None,
                   parts: list[dict] | None = None) -> tuple[str, str] | None:
    """(problem set id, part id) of the next part with an answer that needs a person: after part `after` of that
    problem set (wrapping round; `parts`: its parts' progress, when known), else in the other problem sets; None
    when nothing needs a person."""
    from .review import next_part_needing, progress

    if problem_set_id is not None and parts is not None:
        found = next_part_needing(parts, after)
        if found is not None:
            return problem_set_id, found
    with Store() as db:
        stored = db.problem_sets()
        for row in sorted(stored, key=lambda r: r["id"] != problem_set_id):  # that problem set first
            if row["id"] == problem_set_id and parts is not None:
                continue
            by_part = progress(_review_answers(db, row["id"]))
            ordered = [dict(by_part[p.id], id=p.id) for p in db.problem_set(row["id"]).parts() if p.id in by_part]
            found = next_part_needing(ordered, after if row["id"] == problem_set_id else None)
            if found is not None:
                return row["id"], found
    return None


def record_review(problem_set_id: str, part_id: str, submission_ids: list[int], *, verdict: str,
                  score: float | None = None, rubric_met: list[str] | None = None, comment: str = "",
                  tags: list[str] | None = None, grader: str) -> list[dict]:
    """A person's grade for one part of these submissions (an answer group), stored as one event each."""
    from .errors import ReviewError
    from .review import clean_comment, clean_tags, human_grade

    met = list(dict.fromkeys(rubric_met or []))
    comment, tags = clean_comment(comment), clean_tags(tags or [])
    with Store() as db:
        problem_set = db.problem_set(problem_set_id) if problem_set_id in {r["id"] for r in db.problem_sets()} else None
        if problem_set is None or part_id not in {p.id for p in problem_set.parts()}:
            raise ReviewError(f"no part {part_id!r} in stored problem set {problem_set_id!r}; reload the page")
        answers = {a.submission_id: a for a in _review_answers(db, problem_set_id, part_id)}
        unknown = [sid for sid in submission_ids if sid not in answers]
        if unknown or not submission_ids:
            raise ReviewError(f"submission {unknown[0] if unknown else '(none)'} has no graded answer to part "
                              f"{part_id}; reload the page")
        rubric = _rubric(db, problem_set, problem_set_id, part_id)
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


def edit_rubric(problem_set_id: str, part_id: str, *, text: str, points: float, grader: str,
                item_id: str | None = None) -> dict:
    """Add a rubric item to a part (item_id None) or change one; every human verdict of the part scored by its
    rubric is scored again (a new event where the score changes). {rubric, item, rescored}."""
    import math

    from .errors import ReviewError
    from .review import human_grade, merged_rubric, next_rubric_id

    text = " ".join(str(text).split())
    if not text or len(text) > 500:
        raise ReviewError("a rubric item needs a text of 1 to 500 characters")
    if not isinstance(points, (int, float)) or not math.isfinite(points) or abs(points) > 1000:
        raise ReviewError("a rubric item's points are a number (negative for a deduction)")
    with Store() as db:
        if problem_set_id not in {r["id"] for r in db.problem_sets()}:
            raise ReviewError(f"no stored problem set {problem_set_id!r}; reload the page")
        problem_set = db.problem_set(problem_set_id)
        if part_id not in {p.id for p in problem_set.parts()}:
            raise ReviewError(f"{problem_set.title} has no part {part_id!r}")
        rubric = _rubric(db, problem_set, problem_set_id, part_id)
        ids = [item.id for item in rubric]
        if item_id is None:
            item_id = next_rubric_id(rubric)
        elif item_id not in ids:
            raise ReviewError(f"rubric item {item_id!r} is not in part {part_id}'s rubric; reload the page")
        position = ids.index(item_id) if item_id in ids else len(ids)
        db.save_rubric_item(problem_set_id, part_id, item_id, text, float(points), position)
        for index, item in enumerate(rubric):  # keep the key's items in place once the part has edits
            if item.id != item_id:
                db.save_rubric_item(problem_set_id, part_id, item.id, item.text, item.points, index)
        rubric = merged_rubric(problem_set.part(part_id).rubric, db.rubric_items(problem_set_id, part_id))
        events = []
        for answer in _review_answers(db, problem_set_id, part_id):
            human = answer.human
            if human is None or not human["rubric"]:
                continue
            label, value = human_grade(human["verdict"], human["score"], human["rubric"], rubric, answer.automatic.points)
            if (label, value) != (human["verdict"], human["score"]):
                events.append({"submission_id": answer.submission_id, "part_id": part_id, "grader": grader,
                               "verdict": label, "score": value, "points": answer.automatic.points,
                               "tags": human["tags"], "comment": human["comment"], "rubric": human["rubric"],
                               "source": "rubric"})
        db.record_human_verdicts(events)
    item = next(i for i in rubric if i.id == item_id)
    return {"rubric": rubric, "item": item, "rescored": len(events)}


EXPORT_FORMATS = ("csv", "json")


def export_grades(problem_set: str | Path | None, fmt: str) -> tuple[str, list[str]]:
    """(the grades of a problem set's submissions as CSV or JSON, warnings): the score sheet, or every verdict."""
    import json

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
        answers = _review_answers(db, problem_set_id)
    waiting = sum(answer.needs_person for answer in answers)
    warnings = [f"{waiting} answer(s) still need a person and count 0; grade them with `tabench review`"] if waiting else []
    if fmt == "json":
        return json.dumps(verdict_table(key, problem_set_id, answers), indent=2, ensure_ascii=False), warnings
    return csv_text(*score_sheet(key, answers)), warnings


def stored_problem_sets() -> list[dict]:
    """Stored problem sets that have submissions: id, title, source, submissions."""
    with Store() as db:
        return db.problem_sets()
