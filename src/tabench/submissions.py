"""Graded submissions into the store, never over another file's (the edge between grading and the store).

Answers are checked against the key before anything is written; a submission's name is chosen and its
answers, verdicts, trace and reader's marks are written under one write lock.
"""

from __future__ import annotations

import re
from pathlib import Path

from .answers import SubmissionInput
from .errors import GradingError
from .model import ProblemSet, Verdict
from .partids import unknown_ids_line
from .reviewing import void_reviews_of_changed_answers
from .store import Store

RUN_SUBMISSION = re.compile(r"run\d+-s\d+")  # the names of a model run's samples



def check_against_key(problem_set: ProblemSet, submission: SubmissionInput) -> list[str]:
    """Warnings for answers to parts the key lacks (with the id meant); a GradingError when nothing is left to
    grade: no answer, or none under an id of the key."""
    known = [part.id for part in problem_set.parts()]
    ids = set(known)
    unknown = [part_id for part_id in submission.answers if part_id not in ids]
    answered = [pid for pid, text in submission.answers.items() if pid in ids and text.strip()]
    if not submission.answers or not any(text.strip() for text in submission.answers.values()):
        raise GradingError(f"{submission.name}: every answer is empty; nothing to grade (nothing was stored)")
    if not answered:
        if unknown:
            raise GradingError(f"{submission.name}: none of its part ids is in the key: "
                               f"{unknown_ids_line(unknown, known)}; use the key's ids (`tabench ingest KEY` lists "
                               "them); nothing was stored")
        raise GradingError(f"{submission.name}: every answer to a part of the key is empty; nothing was stored")
    if unknown:
        return [f"{submission.name}: answers for parts the key does not have were kept but not graded: "
                f"{unknown_ids_line(unknown, known)}"]
    return []


def store_graded(db: Store, key_id: str, problem_set: ProblemSet, submission: SubmissionInput, verdicts: list[Verdict],
                 source: str | None, origin: str | None, replace: bool,
                 parts: list[str] | None) -> tuple[int, list[Verdict], str | None]:
    """Write a graded submission: (its id, its verdicts as stored — under the name it is stored under —, a note
    when that name is not its own)."""
    with db.transaction():  # the name is chosen and written under one lock: two processes cannot collide
        name, note = _stored_name(db, key_id, problem_set, submission, source, origin, replace)
        if name != submission.name:
            verdicts = [v.model_copy(update={"submission": name}) for v in verdicts]
        submission_id = _write(db, key_id, name, submission, verdicts, source, origin, parts)
    return submission_id, verdicts, note


def _stored_name(db: Store, key_id: str, problem_set: ProblemSet, submission: SubmissionInput, source: str | None,
                 origin: str | None, replace: bool) -> tuple[str, str | None]:
    """(the name to store the submission under, a note when it is not the one asked for).

    The same name from the same file is a re-grade. A file named like a stored submission from another file
    (or like a model run's sample, runN-sK) is named from its path (bob/answers); a name the user or the file
    chose is refused unless `replace`."""
    def same_file(row: dict) -> bool:  # rows stored before origins were kept are matched by their source
        return row["run_id"] is None and (row["origin"] == origin if row["origin"] else row["source"] == source)

    def free(name: str) -> bool:
        row = db.submission_named(key_id, name)
        return same_file(row) if row is not None else not RUN_SUBMISSION.fullmatch(name)

    wanted = submission.name
    existing = db.submission_named(key_id, wanted)
    if free(wanted) or (replace and existing is not None and existing["run_id"] is None):
        return wanted, None
    taken = (f"{wanted!r} is already stored from " + (f"run {existing['run_id']}" if existing["run_id"] is not None
                                                       else str(existing["source"]))
             if existing is not None else f"names like {wanted!r} are kept for the samples of model runs")
    if submission.named_by_file and origin:
        stem = Path(origin).with_suffix("").parts
        for depth in range(2, len(stem) + 1):
            candidate = "/".join(stem[-depth:]).lstrip("/")
            if free(candidate):
                return candidate, f"stored as {candidate!r}: {taken} (choose a name with --submission)"
    fix = "give this one another name with --submission NAME"
    if existing is not None and existing["run_id"] is None:
        fix += f", add --replace to replace it, or remove it with `tabench delete submission {existing['id']}`"
    raise GradingError(f"for {problem_set.title!r}, {taken}; {fix}; nothing was stored")


def _write(db: Store, key_id: str, name: str, submission: SubmissionInput, verdicts: list[Verdict],
           source: str | None, origin: str | None, parts: list[str] | None) -> int:
    answers = submission.answers if parts is None else {k: v for k, v in submission.answers.items() if k in parts}
    before = db.answers_of(key_id, name)
    submission_id = db.regrade_submission(key_id, name, source, origin, parts)
    db.save_answers(submission_id, answers)
    # a person's verdict was for the answer they read: it no longer stands when that answer changed or went
    replaced = before if parts is None else {k: v for k, v in before.items() if k in parts}
    void_reviews_of_changed_answers(db, submission_id, replaced,
                                    {part_id: answers.get(part_id, "") for part_id in replaced})
    db.save_verdicts(submission_id, verdicts)
    if submission.model or submission.protocol or submission.sample is not None:
        db.describe_submission(submission_id, submission.model, submission.protocol, submission.sample)
    if submission.trace is not None:
        db.save_trace(submission_id, submission.trace)
    if submission.annotations:
        wanted = set(parts) if parts is not None else None
        db.save_human_verdicts(submission_id, [a for a in submission.annotations
                                               if wanted is None or a["part_id"] in wanted])
    return submission_id
