"""Numbers with units: convert, then compare within the key's tolerance; accepted alternatives count."""

from __future__ import annotations

from ..model import Blank, Number
from ..quantities import Quantity, final_quantity, parse_quantity
from ..units import convert
from . import register
from .result import Check


def _close(value: float, reference: Number) -> bool:
    tolerance = max(reference.abs_tol, reference.rel_tol * abs(reference.value), 1e-12)
    return abs(value - reference.value) <= tolerance


def _in_reference_unit(quantity: Quantity, reference: Number) -> tuple[float | None, str | None]:
    """(value in the key's unit, a problem with the units or None)."""
    if quantity.unit and reference.unit and quantity.unit != reference.unit:
        converted = convert(quantity.value, quantity.unit, reference.unit)
        if converted is None:
            return None, f"{quantity.unit} does not convert to {reference.unit}"
        return converted, None
    return quantity.value, None


def _alternatives(blank: Blank) -> list[Number]:
    numbers = []
    for accepted in blank.accepts:
        quantity = parse_quantity(accepted)
        if quantity is not None:
            numbers.append(blank.number.model_copy(update={"value": quantity.value}))
    return numbers


@register("numeric")
def check_numeric(answer: str, blank: Blank) -> Check:
    if blank.number is None:
        return Check.review("numeric", "the key has no reference number for this blank")
    quantity = final_quantity(answer)
    if quantity is None:
        return Check.review("numeric", "no number found in the answer", None, "no_final_answer")
    reference = blank.number
    value, unit_problem = _in_reference_unit(quantity, reference)
    shown = quantity.text
    expected = f"{reference.value:g}" + (f" {reference.unit}" if reference.unit else "")
    if unit_problem:
        return Check("incorrect", 0.0, "numeric", f"{shown}: {unit_problem} (expected {expected})", shown, ("unit_error",))
    if _close(value, reference):
        return Check("correct", 1.0, "numeric", f"{shown} matches {expected}", shown)
    for alternative in _alternatives(blank):
        if _close(value, alternative):
            return Check("correct", 1.0, "numeric", f"{shown} is an alternative the solution accepts", shown)
    tags = ("wrong_value",)
    if quantity.unit and reference.unit and quantity.unit != reference.unit and _close(quantity.value, reference):
        tags = ("unit_error",)
    return Check("incorrect", 0.0, "numeric", f"{shown} ≠ {expected}", shown, tags)
