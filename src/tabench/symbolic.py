"""Equivalence of two expressions with SymPy, through Math-Verify's parser and comparison (pure).

These functions run inside the worker process (worker.py), which bounds them in CPU time and memory; call
them through `worker.compare` / `worker.parsed_form`, not directly. Math-Verify's own signal-based timeouts
are off. When the symbolic comparison does not prove two functions equal, or runs out of its CPU budget, a
deterministic numeric test decides: both sides evaluated at fixed sample points.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from .read.math import split_equation

SAMPLE_POINTS = (0.3141, -0.5772, 0.7071, -1.2599, 1.6180, 2.7182)  # fixed, so the test is deterministic


class BudgetExceeded(BaseException):
    """Raised inside the worker when a step runs out of its CPU budget (BaseException: no library catches it)."""


def _quiet() -> None:
    # We bound each comparison ourselves (worker.py); Math-Verify's warning about its own timeouts is noise.
    logging.getLogger("math_verify").setLevel(logging.ERROR)


@lru_cache(maxsize=4096)
def parse_item(latex: str):
    """SymPy form of one LaTeX item, through Math-Verify's normalisation and LaTeX parser (symbols keep their
    case: `W` is not `w`; units were read before); typed arithmetic through its expression parser; None when it
    does not parse."""
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig, latex2sympy, normalize_latex
    from math_verify import ExprExtractionConfig, parse
    from math_verify.grader import should_treat_as_complex

    _quiet()
    text = " ".join(latex.split())
    percent = text.endswith(("\\%", "%"))
    normalised = normalize_latex(text.rstrip("%").rstrip("\\") if percent else text, _normalisation())
    for candidate in (normalised, _last_side(normalised)):
        try:
            expression = latex2sympy(candidate, is_real=not should_treat_as_complex(candidate), convert_degrees=False,
                                     normalization_config=None, conversion_config=ConversionConfig(lowercase_symbols=False))
        except Exception:  # the ANTLR parser and SymPy raise many kinds of errors on odd input
            continue
        if percent:
            from latex2sympy2_extended.latex2sympy2 import convert_to_pct

            expression = convert_to_pct(expression)
        return expression
    found = parse(text, [ExprExtractionConfig()], fallback_mode="no_fallback", parsing_timeout=None)
    return found[0] if found else None


@lru_cache(maxsize=1)
def _normalisation():
    from latex2sympy2_extended.latex2sympy2 import NormalizationConfig

    return NormalizationConfig(basic_latex=True, units=False, malformed_operators=True, nits=True, boxed="all", equations=False)


def _last_side(latex: str) -> str:
    """An equation chain's last side, for one whose left side does not parse ('\\frac{d\\mathcal{E}}{dc_1} = ...')."""
    sides = split_equation(latex)
    return sides[-1] if len(sides) > 1 else latex


def parse_items(items: tuple[str, ...]):
    """One item's SymPy form, or the finite set of several (an answer that lists its values)."""
    from latex2sympy2_extended.sets import FiniteSet

    parsed = [parse_item(item) for item in items]
    if not parsed or any(p is None for p in parsed):
        return None
    if len(parsed) == 1:
        return parsed[0]
    elements = []
    for expression in parsed:
        elements.extend(expression.args if isinstance(expression, FiniteSet) else [expression])
    return FiniteSet(*elements)


def verify_equal(gold, answer, precision: int | None) -> bool:
    """Math-Verify's comparison (sets, intervals, relations, matrices, numbers to `precision` places)."""
    from math_verify import verify

    _quiet()
    rounding = precision if precision is not None else 6
    # `x \in [-2, 7]` and `-2 \le x \le 7` say the same: a relation is compared with a set whichever side it is on.
    if verify(gold, answer, float_rounding=rounding, allow_set_relation_comp=True, timeout_seconds=None):
        return True
    relabelled = drop_decorations(gold, answer)
    return relabelled is not None and bool(verify(relabelled, answer, float_rounding=rounding, allow_set_relation_comp=True,
                                                  timeout_seconds=None))


def drop_decorations(gold, answer):
    """The key with `\\mu_z` read as `\\mu` where the answer writes the plain symbol throughout
    (notation, not substance: Z = V\\sigma_z + \\mu_z against Z = \\mu + \\sigma V)."""
    from sympy import Basic, Product, Sum

    if not isinstance(gold, Basic) or not isinstance(answer, Basic):
        return None
    answer_names = {symbol.name: symbol for symbol in answer.free_symbols if hasattr(symbol, "name")}
    gold_names = {symbol.name for symbol in gold.free_symbols if hasattr(symbol, "name")}
    bound = {str(limit[0]) for node in gold.atoms(Product, Sum) for limit in node.limits}
    substitutions = {}
    for symbol in gold.free_symbols:
        if not hasattr(symbol, "name"):
            continue
        base, _, label = symbol.name.partition("_")
        label = label.strip("{}")
        if label in bound or label in gold_names or label == "T":
            continue  # an index or a transpose, not a label: beta_i is not beta, W^T is not W
        if label and symbol.name not in answer_names and base in answer_names:
            substitutions[symbol] = answer_names[base]
    return gold.xreplace(substitutions) if substitutions else None


def numerically_equal(gold, answer) -> bool | None:
    """Both sides evaluated at fixed sample points: True when they agree at every point that evaluates (three
    at least), False when they differ at one, None when this test does not apply (sets, relations, undefined
    functions, an equation against a bare expression unless the equation names what it defines)."""
    from math_verify.grader import is_assignment_relation
    from sympy import Eq, Expr

    try:
        if isinstance(gold, Eq) and isinstance(answer, Eq):
            gold, answer = gold.lhs - gold.rhs, answer.lhs - answer.rhs
        elif isinstance(gold, Eq) and is_assignment_relation(gold):
            gold = gold.rhs
    except TypeError:
        return None
    if not (isinstance(gold, Expr) and isinstance(answer, Expr)):
        return None
    symbols = sorted(gold.free_symbols | answer.free_symbols, key=lambda s: str(s))
    if any(not getattr(s, "is_Symbol", False) for s in symbols):
        return None
    agreed = 0
    for shift in range(len(SAMPLE_POINTS)):
        values = {s: SAMPLE_POINTS[(i + shift) % len(SAMPLE_POINTS)] + i * 0.1 for i, s in enumerate(symbols)}
        try:
            a = complex(gold.evalf(30, subs=values))
            b = complex(answer.evalf(30, subs=values))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            continue
        if any(v != v or abs(v) == float("inf") for v in (a, b)):
            continue
        if abs(a - b) > 1e-9 * max(1.0, abs(a), abs(b)):
            return False
        agreed += 1
    return True if agreed >= 3 else None


def compare(gold_items: tuple[str, ...], answer_items: tuple[str, ...], precision: int | None, budget) -> dict:
    """{"result": "equal" | "different" | "unparsed", "how": ...}. `budget(seconds)` is a context manager that
    raises BudgetExceeded when the CPU time inside it runs out."""
    with budget(2.0):
        gold = parse_items(gold_items)
        answer = parse_items(answer_items)
    if gold is None or answer is None:
        return {"result": "unparsed", "how": "the key" if gold is None else "the answer"}
    decided = None
    try:
        with budget(3.0):
            decided = verify_equal(gold, answer, precision)
    except BudgetExceeded:
        pass
    if decided:
        return {"result": "equal", "how": "symbolic"}
    # SymPy did not prove them equal (or ran out of time): the same values at fixed points decide for functions
    # of the same variables ('\\sin^6 x + \\cos^6 x' is '1 - 3\\sin^2 x\\cos^2 x', which simplify misses).
    try:
        with budget(2.0):
            numeric = numerically_equal(gold, answer)
    except BudgetExceeded:
        numeric = None
    if numeric is not None and (numeric or decided is None):
        return {"result": "equal" if numeric else "different", "how": "numeric sampling"}
    if decided is None:
        return {"result": "unparsed", "how": "too slow to decide"}
    return {"result": "different", "how": "symbolic"}


def parsed_form(latex: str, budget) -> str | None:
    """`str()` of the SymPy form of a reference expression, for the key; None when it does not parse."""
    with budget(2.0):
        expression = parse_item(latex)
    return str(expression) if expression is not None else None
