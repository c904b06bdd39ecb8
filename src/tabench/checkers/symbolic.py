"""Expressions: the answer's final expression against the key's, symbolically (in the worker process)."""

from __future__ import annotations

import re
from functools import lru_cache

from .. import worker
from ..model import Blank, Number
from ..read.expressions import canonical, final_expression, names_a_value, normalise, notation_for
from ..read.math import split_equation
from ..read.limits import refuse_formula
from ..read.numbers import NotANumber, TooLarge, evaluate, read_number
from ..read.shapes import answer_shape, key_shape
from . import register
from .result import Check
from .rules import apply_rules
from .tolerance import matches


def _numbers_decide(gold: str, answer: str, tolerance: float | None, precision: int | None) -> bool | None:
    """Both sides plain numbers: compared here, with the tolerance rules (None when either is not a number,
    or a percentage is involved, which the symbolic comparison reads)."""
    if "%" in gold + answer:
        return None
    try:
        gold_value, _ = evaluate(gold)
        answer_value, answer_exact = evaluate(answer)
    except (NotANumber, TooLarge, ValueError):
        return None
    written = read_number(answer, math=True)
    key = Number(value=gold_value, written=gold, decimals=precision)
    return matches(answer_value, written, key, default_rel_tol=tolerance)


@lru_cache(maxsize=65536)
def compare_expressions(reference: str, items: tuple[str, ...], log_base: str | None = None, tolerance: float | None = None,
                        precision: int | None = None) -> tuple[str, str]:
    """("equal" | "different" | "unparsed" | "too_complex", how) for one reference against the answer's items
    (cached: a class's answers repeat)."""
    notation = notation_for(reference, log_base)
    gold = (normalise(reference, notation),)
    answer = tuple(normalise(item, notation) for item in items)
    for latex in gold + answer:
        reason = refuse_formula(latex)
        if reason:
            return "too_complex", reason
    if len(answer) == 1:
        gold, answer = _defined_values(gold[0], answer[0])
    if canonical(gold[0]) == canonical(", ".join(answer)):
        return "equal", "the same expression"
    if len(answer) == 1:
        decided = _numbers_decide(gold[0], answer[0], tolerance, precision)
        if decided is not None:
            return ("equal" if decided else "different"), "numeric"
    return worker.compare(gold, answer, precision)


def _defined_values(gold: str, answer: str) -> tuple[tuple[str], tuple[str]]:
    """A key that defines a quantity (`\\gamma_{\\tau,t} = \\frac{...}{...}`) or works out a number (`\\frac{7}{28} = 0.25`)
    is answered by its value alone, or by an equation for the same quantity: compare the values (as Math-Verify
    does, and cheaper to parse). A key that states a condition (`7 = 11a + c`, `2x + 4y = 3`) is compared as the
    equation it is."""
    if _listed(gold) or _listed(answer):  # 'AB = 4, CD = 5' is a list of equations: compared whole
        return (gold,), (answer,)
    gold_sides = split_equation(gold) if "=" in gold else []
    computation = len(gold_sides) >= 2 and all(_is_arithmetic(side) for side in gold_sides)  # '\\frac{7}{28} = 0.25'
    if len(gold_sides) < 2 or not (names_a_value(gold_sides[0]) or computation):
        return (gold,), (answer,)
    answer_sides = split_equation(answer) if "=" in answer else [answer]
    if len(answer_sides) == 1:
        return (gold_sides[-1],), (answer,)
    if computation and _is_arithmetic(answer_sides[-1]):  # '\\frac{7}{28} = 0.25' against 'P = \\frac{14}{28} = \\frac12'
        return (gold_sides[-1],), (answer_sides[-1],)
    if _quantity_name(answer_sides[0]) == _quantity_name(gold_sides[0]):
        return (gold_sides[-1],), (answer_sides[-1],)
    return (gold,), (answer,)


def _quantity_name(side: str) -> str:
    """The name an equation's left side gives: `v(x,y)` and `v` name the same function, `z` and `Z` the same letter
    (an answer writes the key's quantity in its own case)."""
    name = re.sub(r"\([^()]*\)$", "", canonical(side)) or canonical(side)
    return name.lower() if len(name) == 1 else name


@register("expression")
def check_expression(answer: str, blank: Blank, *, tolerance: float | None = None, precision: int | None = None) -> Check:
    if not blank.latex:
        return Check.review("symbolic", "the key has no reference expression for this blank")
    shape = key_shape(blank.latex)
    if shape is not None:
        return _check_shape(answer, shape)
    items, region = final_expression(answer)
    if region is not None and region.malformed:
        return Check.review("symbolic", "the math delimiters around the final answer do not close; a person reads it",
                            region.text.strip()[:200], "malformed_math")
    if not items:
        return Check.review("symbolic", "no expression found in the answer", None, "no_final_answer")
    shown = ", ".join(items)
    undecided = None
    for reference in [blank.latex, *blank.accepts]:
        result, how = compare_expressions(reference, items, blank.log_base, tolerance, precision)
        if result == "equal":
            phrase = "is equivalent to the key" if reference == blank.latex else "matches an accepted form"
            return Check("correct", 1.0, "symbolic", f"{shown[:120]} {phrase} ({how})", shown)
        if result == "too_complex":
            return Check.review("symbolic", f"not checked: {how}", shown[:200], "too_complex")
        if result == "unparsed":
            undecided = how
    if undecided:
        return Check.review("symbolic", f"could not decide whether {shown[:120]} equals {blank.latex[:120]} "
                            f"({undecided} could not be read)", shown)
    wrong = Check("incorrect", 0.0, "symbolic", f"{shown[:120]} is not equivalent to {blank.latex[:120]}", shown, ("wrong_value",))
    return apply_rules(
        blank, "symbolic", shown, wrong,
        is_value=lambda value: compare_expressions(value, items, blank.log_base, tolerance, precision)[0] == "equal",
        is_opposite=lambda: compare_expressions(f"-\\left({_right_side(blank.latex)}\\right)", items, blank.log_base,
                                                tolerance, precision)[0] == "equal")


def _check_shape(answer: str, shape: tuple[str, ...]) -> Check:
    """A key that is a shape (`1 \\times 3`): the answer's shape, in order, not the product of its sizes."""
    given = answer_shape(answer)
    expected = " × ".join(shape)
    if given is None:
        return Check.review("symbolic", f"no shape found in the answer (the key is the shape {expected})", None,
                            "no_final_answer")
    shown = " × ".join(given)
    if [size.lower() for size in given] == [size.lower() for size in shape]:
        return Check("correct", 1.0, "symbolic", f"{shown} is the key's shape", shown)
    return Check("incorrect", 0.0, "symbolic", f"the shape {shown} is not {expected}", shown, ("wrong_value",))


def _listed(latex: str) -> bool:
    """Is there a comma or a semicolon outside every bracket (a list, not `f(x, y)` or `x_{i,j}`)?"""
    depth = 0
    for char in latex:
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth = max(0, depth - 1)
        elif char in ",;" and depth == 0:
            return True
    return False


def _is_arithmetic(latex: str) -> bool:
    try:
        evaluate(latex)
    except (NotANumber, TooLarge, ValueError):
        return False
    return True


def _right_side(latex: str) -> str:
    sides = split_equation(latex)
    return sides[-1] if sides else latex
