"""Expressions: symbolic equivalence of the answer's final expression with the key's."""

from __future__ import annotations

from ..expressions import final_expression
from ..model import Blank
from ..symbolic import TooComplex, equivalent, final_side
from . import register
from .result import Check


@register("expression")
def check_expression(answer: str, blank: Blank) -> Check:
    if not blank.latex:
        return Check.review("symbolic", "the key has no reference expression for this blank")
    extracted = final_expression(answer)
    if extracted is None:
        return Check.review("symbolic", "no expression found in the answer", None, "no_final_answer")
    shown = final_side(extracted)
    undecided = False
    for reference in [blank.latex, *blank.accepts]:
        try:
            result = equivalent(reference, extracted)
        except TooComplex as err:
            return Check.review("symbolic", f"not checked: {err}", shown[:200], "too_complex")
        if result:
            how = "is equivalent to the key" if reference == blank.latex else "matches an accepted form"
            return Check("correct", 1.0, "symbolic", f"{shown[:120]} {how}", shown)
        undecided = undecided or result is None
    if undecided:
        return Check.review("symbolic", f"could not decide whether {shown[:120]} equals {final_side(blank.latex)}", shown)
    return Check("incorrect", 0.0, "symbolic", f"{shown[:120]} is not equivalent to {final_side(blank.latex)}",
                 shown, ("wrong_value",))
