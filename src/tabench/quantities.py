"""Numbers with units in answers: find the one the writer commits to, evaluate it safely (pure).

`5 \\times 10^{1}\\,\\mathrm{ns}`, `5e1 ns`, `0.05 µs`, `= 50 ns` at the end of a
derivation, `\\boxed{108}`, "Final answer: 25,600". Evaluation accepts only
numbers and + - * / ^ with bounded exponents, so `10^{10^{10}}` is refused, not computed.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass

from .latex import last_boxed

UNITS = {
    "ps", "ns", "us", "µs", "μs", "ms", "s", "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes",
    "h", "hr", "hrs", "hour", "hours", "day", "days",
    "b", "byte", "bytes", "kb", "mb", "gb", "tb", "kib", "mib", "gib", "tib", "bit", "bits",
    "hz", "khz", "mhz", "ghz", "m", "cm", "mm", "km", "nm", "kg", "g", "mg", "w", "kw", "j", "kj", "%",
    "flop", "flops", "gflops", "tflops",
}
_NUM = r"[-+−]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:[eE][-+−]?\d+)?"
_TIMES_POW10 = r"(?:\s*(?:\\times|\\cdot|×|·|\*)\s*10\s*\^\s*\{?\s*[-+−]?\d+\s*\}?)?"
_UNIT = (
    r"(?:\s*(?:\\[,;! ]|~)*\s*(?:\\(?:mathrm|text|textrm|rm|operatorname|mbox)\s*\{\s*([^{}]{1,12}?)\s*\}"
    r"|([a-zA-Zµμ%]{1,7})(?![a-zA-Z])))?"
)
QUANTITY = re.compile(_NUM + _TIMES_POW10 + _UNIT)
_CUE = re.compile(
    r"(?:final answer|the answer is|answer\s*[:=]|answer is|result\s*[:=]|result is|so the answer|therefore|thus|hence)",
    re.I,
)
_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
MAX_EXPONENT = 400


class NotANumber(ValueError):
    """The text is not a number we can evaluate (or is too large to evaluate safely)."""


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str | None
    text: str


def normalise_unit(unit: str | None) -> str | None:
    if not unit:
        return None
    cleaned = unit.strip().replace("μ", "µ")
    return cleaned if cleaned.lower() in UNITS else None


def evaluate(expression: str) -> float:
    """Evaluate a LaTeX or plain arithmetic expression of numbers; NotANumber if it is not one."""
    python = _to_python(expression)
    try:
        tree = ast.parse(python, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise NotANumber(expression) from None
    value = _eval(tree.body, depth=0)
    if not math.isfinite(value):
        raise NotANumber(expression)
    return float(value)


def _to_python(text: str) -> str:
    if len(text) > 500:
        raise NotANumber("too long")
    text = text.replace("−", "-").replace("×", "*").replace("·", "*")
    text = re.sub(r"\\(?:left|right|displaystyle)", "", text)
    text = re.sub(r"\\[,;!: ]|~", "", text)
    text = re.sub(r"\\(?:times|cdot|ast)", "*", text)
    text = re.sub(r"(\d),(\d{3})(?!\d)", r"\1\2", text)
    for _ in range(20):
        new = re.sub(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"((\1)/(\2))", text)
        new = re.sub(r"\\sqrt\s*\{([^{}]*)\}", r"((\1)**0.5)", new)
        if new == text:
            break
        text = new
    text = text.replace("^", "**").replace("{", "(").replace("}", ")")
    if re.search(r"[^\d.eE+\-*/() ]", text):
        raise NotANumber(text)
    return text


def _eval(node: ast.AST, depth: int) -> float:
    if depth > 40:
        raise NotANumber("too deep")
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _eval(node.operand, depth + 1)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
        left, right = _eval(node.left, depth + 1), _eval(node.right, depth + 1)
        if isinstance(node.op, ast.Pow):
            if abs(right) > MAX_EXPONENT or (abs(left) > 1e6 and abs(right) > 20):
                raise NotANumber("exponent too large to evaluate safely")
            try:
                result = float(left) ** float(right)
            except (OverflowError, ZeroDivisionError):
                raise NotANumber("overflow") from None
            if isinstance(result, complex):
                raise NotANumber("complex")
            return result
        try:
            return {ast.Add: lambda: left + right, ast.Sub: lambda: left - right, ast.Mult: lambda: left * right,
                    ast.Div: lambda: left / right}[type(node.op)]()
        except (ZeroDivisionError, OverflowError):
            raise NotANumber("division by zero") from None
    raise NotANumber("not arithmetic")


def parse_quantity(text: str) -> Quantity | None:
    """'5 \\times 10^{1}\\,\\mathrm{ns}' -> Quantity(50, 'ns'); None when `text` holds no number."""
    text = text.strip().strip("$").strip()
    text = re.sub(r"\\mu\s*(?:\\(?:mathrm|text|textrm|rm)\s*\{\s*([a-zA-Z]{1,3})\s*\}|([a-zA-Z]{1,3})(?![a-zA-Z]))", r"µ\1\2", text)
    unit_match = re.search(
        r"(?:\\(?:mathrm|text|textrm|rm|operatorname|mbox)\s*\{\s*([^{}]{1,12}?)\s*\}|(?<![\\a-zA-Z])([a-zA-Zµμ%]{1,7}))\s*[.,;]?\s*$",
        text,
    )
    unit = normalise_unit((unit_match.group(1) or unit_match.group(2)) if unit_match else None)
    body = text[: unit_match.start()] if unit and unit_match else text
    try:
        return Quantity(evaluate(body.rstrip(" .,;")), unit, text)
    except NotANumber:
        pass
    matches = list(QUANTITY.finditer(text))
    if not matches:
        return None
    rest = text[: matches[-1].start()] + text[matches[-1].end() :]
    rest = re.sub(r"\\(?:text|mathrm|textrm|rm|operatorname|mbox)\s*\{[^{}]*\}|\\[a-zA-Z]+", "", rest)
    if re.search(r"[A-Za-z]", rest):
        return None  # a number inside an expression with variables, such as (L-1) \cdot 10 ns
    return _from_match(matches[-1])


def _from_match(match: re.Match) -> Quantity | None:
    """A number the regex found, unless it is only a piece of a power or a subscript."""
    source, start, end = match.string, match.start(), match.end()
    before = source[max(0, start - 3) : start].replace(" ", "")
    after = source[end : end + 2].lstrip()
    if before.endswith(("^", "^{", "_", "_{")) or after.startswith(("^", "_")):
        return None
    if re.search(r"\\(?!times|cdot|approx|quad|,|;)[a-zA-Z]+\s*\{?\s*$", source[max(0, start - 20) : start]):
        return None  # the argument of \log, \sqrt, ...: not a number on its own
    raw = match.group(0)
    unit = normalise_unit(match.group(1) or match.group(2))
    number_text = raw
    if match.group(1) or match.group(2):
        number_text = raw[: match.start(1 if match.group(1) else 2) - match.start()]
        number_text = re.sub(r"\\(?:mathrm|text|textrm|rm|operatorname|mbox)\s*\{\s*$", "", number_text)
    try:
        return Quantity(evaluate(number_text), unit, raw.strip() if unit else number_text.strip())
    except NotANumber:
        return None


def final_quantity(answer: str) -> Quantity | None:
    """The number (with unit) an answer finally commits to."""
    boxed = last_boxed(answer)
    if boxed is not None:
        quantity = parse_quantity(boxed)
        if quantity is not None:
            return quantity
    cues = list(_CUE.finditer(answer))
    for cue in reversed(cues):
        region = answer[cue.end() : cue.end() + 300].split("\n\n")[0]
        quantity = _last_result(region) or _first_number(region)
        if quantity is not None:
            return quantity
    return _last_result(answer) or _last_math_number(answer) or _last_number(answer)


def _last_math_number(text: str) -> Quantity | None:
    spans = list(_MATH.finditer(text[-4000:]))
    if not spans:
        return None
    return parse_quantity(_math_with_unit(spans[-1]))


def _math_with_unit(math: re.Match) -> str:
    """A math span's body, with a unit written just after the span ('$5 \\cdot 10^{-8}$ s')."""
    body = next(group for group in math.groups() if group is not None)
    after = re.match(r"\s*([a-zA-Zµμ%]{1,7})(?![a-zA-Z])", math.string[math.end() : math.end() + 12])
    if after and normalise_unit(after.group(1)) and not re.search(r"\\(?:text|mathrm)\s*\{", body[-20:]):
        return f"{body} \\text{{{after.group(1)}}}"
    return body


def _last_result(text: str) -> Quantity | None:
    """The right-hand side of the last '=' that is a number ('... = 50\\,\\text{ns}')."""
    results = []
    for span in _MATH.finditer(text):
        body = _math_with_unit(span)
        if "=" in body:
            results.append(body.rsplit("=", 1)[1])
    plain = _MATH.sub(" ", text)
    results += [m.group(1) for m in re.finditer(r"=\s*([^=\n]{1,60}?)(?:[.;,](?:\s|$)|\n|$)", plain)]
    for candidate in reversed(results):
        quantity = parse_quantity(candidate)
        if quantity is not None:
            return quantity
    return None


def _first_number(text: str) -> Quantity | None:
    for match in QUANTITY.finditer(_strip_math_delimiters(text)):
        quantity = _from_match(match)
        if quantity is not None:
            return quantity
    return None


def _last_number(text: str) -> Quantity | None:
    prose = _MATH.sub(" ", text[-4000:])
    for match in reversed(list(QUANTITY.finditer(prose))):
        quantity = _from_match(match)
        if quantity is not None:
            return quantity
    return None


def _strip_math_delimiters(text: str) -> str:
    return re.sub(r"\$|\\\(|\\\)|\\\[|\\\]", " ", text)
