"""Rubrics: the criteria a judge marks met or not, and the score they give (pure).

A part's rubric is what the staff wrote (`Part.rubric`, editable in the ProblemSet JSON) or, at ingest, what
the solution's own grading notes say; without either the judge grades against the reference with one implicit
item. The score is the points of the items met, clipped to the part's points: items may add up ("2 points for
the gradient") or be alternatives ("citing part (a) also earns full credit"). The same rule scores a person's
rubric grade on the review page, where reviewers also edit a part's rubric (the judge then uses their edits).
"""

from __future__ import annotations

import re

from ..model import Part, ProblemSet, RubricItem
from ..review import rubric_score

IMPLICIT_ID = "reference"
IMPLICIT_TEXT = "The answer reaches the reference solution's result, by reasoning the reference would accept."

# Grading notes inside a solution: sentences that say what earns credit. One row per form, with an example.
# (pattern, points: "full" = the part's points, "half", or "number" = the number the pattern captures)
NOTE_FORMS: list[tuple[re.Pattern, str, str]] = [
    (re.compile(r"\bfull (?:credit|marks|points)\b", re.I), "full",
     "Simply citing part (a) ... will also be given full credit."),
    (re.compile(r"\b(?:half|partial) (?:credit|marks)\b", re.I), "half",
     "Partial credit for the right idea with a sign error."),
    (re.compile(r"(?<![\w.])(?P<n>\d+(?:\.\d+)?)\s*(?:points?|pts?\.?|marks?)\b"
                r"(?=[^.]*?\b(?:for|if|when)\b)|\b(?:got|earned?|earns|award(?:ed)?|receives?|given)\s+"
                r"(?P<m>\d+(?:\.\d+)?)\s*(?:points?|pts?\.?|marks?)\b", re.I), "number",
     "If you said TRUE ... then you got 0.5 points. / 2 points for the gradient."),
]
_NEGATED = re.compile(r"\b(?:not|no|never|without)\b[^.]{0,40}\b(?:credit|points?|marks?)\b|n't\b[^.]{0,40}\bcredit\b"
                      r"|\b(?:deduct\w*|lose|loses|lost|minus|penalt\w*)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])|\n\s*\n")


def implicit_rubric(points: float) -> list[RubricItem]:
    return [RubricItem(id=IMPLICIT_ID, text=IMPLICIT_TEXT, points=points)]


def rubric_from_solution(solution: str, points: float | None) -> list[RubricItem]:
    """A first rubric from the solution's grading notes: the reference itself (full points), then one item per
    note with the points it names. [] when the solution has no grading notes (the judge then uses the implicit item)."""
    full = points if points is not None else 1.0
    notes: list[RubricItem] = []
    for sentence in _SENTENCE.split(solution):
        sentence = " ".join(sentence.split())
        if not sentence or _NEGATED.search(sentence):
            continue
        worth = _note_points(sentence, full)
        if worth is not None and 0 < worth <= full:
            notes.append(RubricItem(id=f"note{len(notes) + 1}", text=sentence[:400], points=worth))
    return implicit_rubric(full) + notes if notes else []


def _note_points(sentence: str, full: float) -> float | None:
    for pattern, worth, _example in NOTE_FORMS:
        match = pattern.search(sentence)
        if not match:
            continue
        if worth == "full":
            return full
        if worth == "half":
            return full / 2
        return float(match.group("n") or match.group("m"))
    return None


def with_derived_rubrics(problem_set: ProblemSet) -> ProblemSet:
    """`problem_set` with a rubric from the grading notes on every part that has none (a rubric already there,
    e.g. edited by hand in the JSON, is kept)."""
    derived = {part.id: rubric_from_solution(part.solution, part.points) for part in problem_set.parts()
               if not part.rubric and part.kind != "admin"}
    if not any(derived.values()):
        return problem_set
    copy = problem_set.model_copy(deep=True)
    for part in copy.parts():
        part.rubric = part.rubric or derived.get(part.id, [])
    return copy


def effective_rubric(part: Part, points: float, whole_part: bool) -> tuple[list[RubricItem], bool]:
    """(the rubric the judge marks, whether it is the implicit one). A part's own rubric covers the whole part;
    when the judge decides only some of its answer fields, it grades those against the reference."""
    if whole_part and part.rubric:
        return list(part.rubric), False
    return implicit_rubric(points), True


def fraction_met(rubric: list[RubricItem], met: dict[str, bool], points: float) -> float:
    """The share of the part's points the items met give, scored as a person's rubric grade is (review.rubric_score:
    points of the items met, within 0 and the part's points; a rubric of deductions only starts from full marks)."""
    if points <= 0:
        return 1.0 if all(met.get(item.id, False) for item in rubric) else 0.0
    return rubric_score(rubric, [item.id for item in rubric if met.get(item.id)], points) / points
