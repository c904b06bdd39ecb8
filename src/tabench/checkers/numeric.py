"""Numbers with units: convert, then compare within the tolerance the key sets or its writing implies."""

from __future__ import annotations

import math
import re

from ..model import Blank, Number
from ..read.numbers import TooLarge, Written
from ..read.quantities import Quantity, final_quantity, read_quantity
from ..read.units import convert, read_unit
from . import register
from .result import Check
from .rules import apply_rules
from .tolerance import matches


def _in_key_unit(quantity: Quantity, key: Number) -> tuple[list[tuple[float, Written | None]], str | None]:
    """The answer's readings in the key's unit (two when exactly one side is a percentage), or a unit problem."""
    key_unit = read_unit(key.unit) if key.unit else None
    unit = quantity.unit
    written: Written | None = quantity.number
    if unit is not None and key_unit is not None and unit.pint != key_unit.pint:
        factor = convert(1.0, unit.pint, key_unit.pint)
        if factor is None:
            return [], f"{unit.plain or unit.text} does not convert to {key.unit}"
        shift = math.log10(factor) if factor > 0 else 0.5
        written = None if written is None or written.decimals is None or abs(shift - round(shift)) > 1e-9 else \
            Written(written.value * factor, written.text, written.exact, written.decimals - round(shift), written.sig_figs)
        return [(quantity.value * factor, written)], None
    answer_percent = unit is not None and unit.pint == "(percent)"
    key_percent = key_unit is not None and key_unit.pint == "(percent)"
    if answer_percent != key_percent:  # 28 % against 0.28 or 28
        scale = 0.01 if answer_percent else 100.0
        return [(quantity.value, written), (quantity.value * scale, None)], None
    return [(quantity.value, written)], None


def _describe(key: Number) -> str:
    value = key.written or f"{key.value:g}"
    return f"{value} {key.unit}" if key.unit and key.unit not in value else value


@register("numeric")
def check_numeric(answer: str, blank: Blank, *, tolerance: float | None = None, precision: int | None = None) -> Check:
    key = blank.number
    if key is None:
        return Check.review("numeric", "the key has no reference number for this blank")
    if precision is not None:
        key = key.model_copy(update={"decimals": precision})
    try:
        quantity, region = final_quantity(answer)
    except TooLarge as err:
        return Check.review("numeric", f"not evaluated: {err}", None, "too_complex")
    if region is not None and region.malformed:
        return Check.review("numeric", "the math delimiters around the final answer do not close; a person reads it",
                            region.text.strip()[:200], "malformed_math")
    if region is not None and region.hedged:
        return Check.review("numeric", "the answer offers two different values; which one it commits to is unclear",
                            region.text.strip()[:200], "ambiguous_value")
    if quantity is None:
        return _not_a_number(answer, key, precision)
    shown, expected = quantity.text, _describe(key)
    readings, unit_problem = _in_key_unit(quantity, key)
    if unit_problem:
        return Check("incorrect", 0.0, "numeric", f"{shown}: {unit_problem} (expected {expected})", shown, ("unit_error",))
    if any(matches(value, written, key, default_rel_tol=tolerance) for value, written in readings):
        return Check("correct", 1.0, "numeric", f"{shown} matches {expected}", shown)
    for accepted in blank.accepts:
        alternative = _alternative(accepted, key)
        if alternative is not None and any(matches(value, written, key, alternative, tolerance) for value, written in readings):
            return Check("correct", 1.0, "numeric", f"{shown} is an alternative the solution accepts ({accepted})", shown)
    tags = ("wrong_value",)
    if quantity.unit and key.unit and matches(quantity.value, quantity.number, key, default_rel_tol=tolerance):
        tags = ("unit_error",)
    wrong = Check("incorrect", 0.0, "numeric", f"{shown} ≠ {expected}", shown, tags)
    return apply_rules(
        blank, "numeric", shown, wrong,
        is_value=lambda value: (alt := _alternative(value, key)) is not None and any(
            matches(v, w, key, alt, tolerance) for v, w in readings),
        is_opposite=lambda: any(matches(-v, w, key, default_rel_tol=tolerance) for v, w in readings if v != 0))


def _alternative(text: str, key: Number) -> float | None:
    """An accepted answer's value in the key's unit."""
    try:
        quantity = read_quantity(text)
    except TooLarge:
        return None
    if quantity is None:
        return None
    readings, problem = _in_key_unit(quantity, key)
    return None if problem or not readings else readings[0][0]


def _not_a_number(answer: str, key: Number, precision: int | None) -> Check:
    """An answer with no number: math without variables (`4\\sqrt{2}`, `-[0, 1)`) is compared with the key
    symbolically; anything else (`(L-1) \\cdot 10` ns, prose) needs a person."""
    from ..read.expressions import final_expression
    from .symbolic import compare_expressions

    items, _ = final_expression(answer)
    constant = items and not any(re.search(r"(?<!\\)[A-Za-z]", re.sub(r"\\[A-Za-z]+", "", item)) for item in items)
    if constant:
        reference = key.written or f"{key.value!r}"
        result, how = compare_expressions(reference, items, None, None, precision)
        shown = ", ".join(items)
        if result == "equal":
            return Check("correct", 1.0, "numeric", f"{shown} equals {_describe(key)} ({how})", shown)
        if result == "different":
            return Check("incorrect", 0.0, "numeric", f"{shown} ≠ {_describe(key)} ({how})", shown, ("wrong_value",))
    return Check.review("numeric", "no number found in the answer", ", ".join(items) if items else None, "no_final_answer")
