"""Answers + key -> one verdict per part (pure). Could-not-grade is `needs_review`, never `incorrect`.

Each answer is first reduced to what a reader sees (read/visible.py): hidden text and text addressed to the
grader are kept out of it, tagged (`hidden_text`, `prompt_injection`) and quoted in the rationale.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping

from .checkers import Check, checker_for, run_checker
from .model import Part, ProblemSet, Verdict
from .read.blanks import split_for_blanks
from .read.visible import visible

NOT_GRADED_KINDS = ("admin",)


def grade(problem_set: ProblemSet, answers: Mapping[str, str | None], submission: str = "submission", *,
          tolerance: float | None = None) -> list[Verdict]:
    """A verdict for every gradable part of `problem_set`; parts without an answer are `missing`.
    `tolerance` is a relative tolerance for numbers whose key sets none of its own."""
    return [grade_part(part, answers.get(part.id), submission, tolerance=tolerance) for part in gradable_parts(problem_set)]


def gradable_parts(problem_set: ProblemSet) -> list[Part]:
    """The parts that get a verdict, in document order."""
    return [part for part in problem_set.parts() if part.kind not in NOT_GRADED_KINDS]


STOPPED_EARLY = {"length": ("truncated", "the reply was cut off at the token limit"),
                 "refusal": ("refused", "the model refused or its reply was filtered"),
                 "malformed": ("malformed_reply", "the reply was malformed (its raw content is kept); needs a person")}


def grade_part(part: Part, answer: str | None, submission: str = "submission", stop_reason: str | None = None, *,
               tolerance: float | None = None, precision: int | None = None) -> Verdict:
    """One part's verdict. A reply cut off at the token limit or refused is not a wrong answer: needs_review."""
    points = part.points if part.points is not None else 1.0
    if stop_reason in STOPPED_EARLY:
        tag, why = STOPPED_EARLY[stop_reason]
        return Verdict(submission=submission, part_id=part.id, verdict="needs_review", score=0.0, points=points,
                       method="none", tags=[tag], rationale=why, extracted=(answer or "")[-200:] or None)
    if answer is None or not str(answer).strip():
        return Verdict(submission=submission, part_id=part.id, verdict="missing", score=0.0, points=points,
                       method="none", tags=[], rationale="no answer", extracted=None)
    seen = visible(str(answer))
    verdict = _combine(blank_checks(part, seen.text, tolerance=tolerance, precision=precision), points, part, submission)
    if seen.reordered and verdict.verdict in ("correct", "incorrect", "partially_correct"):
        verdict.verdict, verdict.score = "needs_review", 0.0
    for tag in seen.tags:
        if tag not in verdict.tags:
            verdict.tags.append(tag)
    note = seen.note()
    if note:
        verdict.rationale = f"{verdict.rationale} ({note})"[:900]
    return verdict


def blank_checks(part: Part, text: str, **options) -> list[tuple[str, Check]]:
    """Each blank's check of an answer already reduced to what a reader sees (read.visible)."""
    text = without_own_label(text, part)
    pieces = split_for_blanks(text, part)
    return [(blank.id, check_blank(pieces.get(blank.id) if len(part.blanks) > 1 else text, blank, **options))
            for blank in part.blanks]


def combine_checks(checks: list[tuple[str, Check]], points: float, part: Part, submission: str) -> Verdict:
    """One part's verdict from its blanks' checks (the judge's checks replace those the checkers left)."""
    return _combine(checks, points, part, submission)


def check_blank(piece: str | None, blank, **options) -> Check:
    """One blank's check; a checker that fails is a person's job, not a wrong answer."""
    if piece is None or not piece.strip():
        return Check("missing", 0.0, "none", "no answer for this blank")
    if blank.unreliable:  # a key that may be garbled (PDF math) never decides: the judge or a person does
        return Check.review("none", f"the reference answer was {blank.unreliable}; needs the judge or a person",
                            piece.strip()[:200], "unreliable_key")
    checker = checker_for(blank.kind)
    if checker is None:
        return Check.review("none", f"{blank.kind.replace('_', ' ')}: needs the judge or a person", piece.strip()[:200])
    try:
        return run_checker(checker, piece, blank, **options)
    except Exception as err:  # a checker bug must not turn into a wrong answer
        return Check.review("none", f"checker failed ({type(err).__name__}); needs a person", None, "checker_error")


def without_own_label(text: str, part: Part) -> str:
    """The answer without the part's own label at its start (`**(a)** Scenario 3`, `7.a:`, `Part (a):`): the
    label names the part, it is not a choice or a value."""
    match = _own_label(part.id, part.label).match(text)
    if match and text[match.end() :].strip():
        return text[match.end() :]
    return text


@lru_cache(maxsize=4096)
def _own_label(part_id: str, label: str | None) -> re.Pattern:
    forms = [re.escape(part_id) + r"(?![\w])"]
    if label:
        escaped = re.escape(label)
        forms += [rf"\({escaped}\)", rf"{escaped}[.):](?=\s)"]
        if "." in part_id:
            forms.append(rf"{re.escape(part_id.split('.')[0])}\s*\({escaped}\)")
    return re.compile(rf"^\s*(?:#+\s*)?(?:\*\*|__)?\s*(?:part\s+|question\s+|q)?(?:{'|'.join(forms)})\s*(?:\*\*|__)?\s*[:.\-–]?\s*"
                      r"(?:\*\*|__)?", re.I)


def _combine(checks: list[tuple[str, Check]], points: float, part: Part, submission: str) -> Verdict:
    results = [check for _, check in checks]
    tags: list[str] = []
    for check in results:
        tags += [tag for tag in check.tags if tag not in tags]
    fraction = sum(check.fraction for check in results) / len(results)
    labels = {check.verdict for check in results}
    if labels == {"missing"}:
        # There is an answer, but no piece of it could be placed under any blank.
        label = "needs_review"
        tags.append("no_final_answer")
    elif "needs_review" in labels:
        label = "needs_review"
    elif fraction >= 1.0 - 1e-9:
        label = "correct"
    elif fraction <= 1e-9 and labels <= {"incorrect", "missing"}:
        label = "incorrect"
    else:
        label = "partially_correct"
    methods = [check.method for check in results if check.method != "none"]
    method = methods[0] if methods else "none"
    if len(checks) == 1:
        rationale, extracted = results[0].rationale, results[0].extracted
    else:
        rationale = "; ".join(f"{blank_id}: {check.rationale}" for blank_id, check in checks)
        shown = [f"{blank_id}: {check.extracted}" for blank_id, check in checks if check.extracted]
        extracted = "; ".join(shown) or None
    return Verdict(submission=submission, part_id=part.id, verdict=label, score=round(fraction * points, 6),
                   points=points, method=method, tags=tags, rationale=rationale[:600], extracted=extracted)
