"""Choice and select-all: the set of chosen labels against the key."""

from __future__ import annotations

from ..model import Blank
from ..read.picks import chosen_labels, committed, committed_leading_label, leading_label
from . import register
from .result import Check
from .rules import apply_rules


def _describe(labels: list[str], blank: Blank | None = None) -> str:
    """'D' for labelled choices; '2 (REPTILE using a …)' where the label is only a position."""
    if not labels:
        return "nothing"
    texts = {c.label: c.text for c in blank.choices} if blank else {}
    shown = []
    for label in labels:
        text = texts.get(label, "")
        shown.append(f"{label} ({text[:24]}{'…' if len(text) > 24 else ''})" if label.isdigit() and text else label)
    return ", ".join(shown)


def _picked(answer: str, blank: Blank) -> tuple[list[str], Check | None]:
    """The chosen labels, or the needs_review check when the key or the answer names no choice."""
    if not blank.correct:
        return [], Check.review("choice", "the key names no correct choice for this blank")
    picked = chosen_labels(answer, blank)
    if not picked:
        return [], Check.review("choice", "no choice found in the answer", None, "no_final_answer")
    return picked, None


def _same(a: list[str] | set[str], b: list[str] | set[str]) -> bool:
    return {x.lower() for x in a} == {x.lower() for x in b}


@register("multiple_choice")
def check_multiple_choice(answer: str, blank: Blank) -> Check:
    picked, review = _picked(answer, blank)
    if review:
        return review
    if len(picked) > 1:
        leading = committed_leading_label(answer, blank) if committed(answer) else leading_label(answer, blank)
        if leading is not None:
            picked = [leading]
        else:
            return Check.review("choice", f"several choices named ({_describe(picked)}); which one is final is unclear",
                                _describe(picked), "ambiguous_choice")
    if _same(picked, blank.correct):
        return Check("correct", 1.0, "choice", f"chose {_describe(picked, blank)}", _describe(picked, blank))
    wrong = Check("incorrect", 0.0, "choice", f"chose {_describe(picked, blank)}; the key is {_describe(blank.correct, blank)}",
                  _describe(picked, blank), ("wrong_choice",))
    return apply_rules(blank, "choice", _describe(picked, blank), wrong, is_value=lambda value: _same(picked, [value]))


@register("select_all")
def check_select_all(answer: str, blank: Blank) -> Check:
    picked, review = _picked(answer, blank)
    if review:
        return review
    chosen, expected = set(picked), set(blank.correct)
    shown = _describe(sorted(chosen, key=_order(blank)), blank)
    if _same(chosen, expected):
        return Check("correct", 1.0, "choice", f"chose exactly {shown}", shown)
    if chosen < expected:
        tag = "subset_of_choices"
    elif chosen > expected:
        tag = "superset_of_choices"
    else:
        tag = "wrong_choice"
    rationale = f"chose {shown}; the key is {_describe(sorted(expected, key=_order(blank)), blank)}"
    per_box = blank.partial_credit or any(rule.when == "per_box" for rule in blank.rules)
    if per_box and blank.choices:
        right_boxes = sum((c.label in chosen) == (c.label in expected) for c in blank.choices)
        fraction = right_boxes / len(blank.choices)
        return Check("partially_correct" if fraction > 0 else "incorrect", fraction, "choice",
                     f"{rationale} ({right_boxes} of {len(blank.choices)} boxes right)", shown, (tag,))
    return apply_rules(blank, "choice", shown, Check("incorrect", 0.0, "choice", rationale, shown, (tag,)))


def _order(blank: Blank):
    positions = {c.label: i for i, c in enumerate(blank.choices)}
    return lambda label: positions.get(label, len(positions))
