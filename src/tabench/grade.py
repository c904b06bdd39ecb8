"""Answers + key -> one verdict per part (pure). Could-not-grade is `needs_review`, never `incorrect`."""

from __future__ import annotations

from typing import Mapping

from .checkers import Check, checker_for
from .extract import clip, split_for_blanks, without_injections
from .model import Part, ProblemSet, Verdict

NOT_GRADED_KINDS = ("admin",)


def grade(problem_set: ProblemSet, answers: Mapping[str, str | None], submission: str = "submission") -> list[Verdict]:
    """A verdict for every gradable part of `problem_set`; parts without an answer are `missing`."""
    return [
        grade_part(part, answers.get(part.id), submission)
        for part in problem_set.parts()
        if part.kind not in NOT_GRADED_KINDS
    ]


STOPPED_EARLY = {"length": ("truncated", "the reply was cut off at the token limit"),
                 "refusal": ("refused", "the model refused or its reply was filtered"),
                 "malformed": ("malformed_reply", "the reply was malformed (its raw content is kept); needs a person")}


def grade_part(part: Part, answer: str | None, submission: str = "submission", stop_reason: str | None = None) -> Verdict:
    """One part's verdict. A reply cut off at the token limit or refused is not a wrong answer: needs_review."""
    points = part.points if part.points is not None else 1.0
    if stop_reason in STOPPED_EARLY:
        tag, why = STOPPED_EARLY[stop_reason]
        return Verdict(submission=submission, part_id=part.id, verdict="needs_review", score=0.0, points=points,
                       method="none", tags=[tag], rationale=why, extracted=(answer or "")[-200:] or None)
    if answer is None or not str(answer).strip():
        return Verdict(submission=submission, part_id=part.id, verdict="missing", score=0.0, points=points,
                       method="none", tags=[], rationale="no answer", extracted=None)
    text, injected = without_injections(clip(str(answer)))
    verdict = _combine(blank_checks(part, text), points, part, submission)
    if injected:
        verdict.tags.append("prompt_injection")
        verdict.rationale += " (text addressed to the grader was ignored)"
    return verdict


def blank_checks(part: Part, text: str) -> list[tuple[str, Check]]:
    """Each blank's check of an answer whose text addressed to the grader is already taken out."""
    pieces = split_for_blanks(text, part)
    return [(blank.id, _check(pieces.get(blank.id) if len(part.blanks) > 1 else text, blank)) for blank in part.blanks]


def combine_checks(checks: list[tuple[str, Check]], points: float, part: Part, submission: str) -> Verdict:
    """One part's verdict from its blanks' checks (the judge's checks replace those the checkers left)."""
    return _combine(checks, points, part, submission)


def _check(piece: str | None, blank) -> Check:
    if piece is None or not piece.strip():
        return Check("missing", 0.0, "none", "no answer for this blank")
    if blank.unreliable:  # a key that may be garbled (PDF math) never decides: the judge or a person does
        return Check.review("none", f"the reference answer was {blank.unreliable}; needs the judge or a person",
                            piece.strip()[:200], "unreliable_key")
    checker = checker_for(blank.kind)
    if checker is None:
        return Check.review("none", f"{blank.kind.replace('_', ' ')}: needs the judge or a person", piece.strip()[:200])
    try:
        return checker(piece, blank)
    except Exception as err:  # a checker bug must not turn into a wrong answer
        return Check.review("none", f"checker failed ({type(err).__name__}); needs a person", None, "checker_error")


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
