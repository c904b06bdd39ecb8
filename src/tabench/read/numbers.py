"""Numbers as people write them, and arithmetic on them evaluated safely (pure).

| form | examples | read as |
| --- | --- | --- |
| integer, signs | `25600`, `-5`, `−5`, `+3` | 25600, -5, -5, 3 |
| thousands separators | `25,600`, `7,425,000`, `14{,}916`, `14 {, }916`, `32,\\! 349`, `1\\,000`, `1 000` (plain text) | 25600 … 1000 |
| decimal point | `1000.99`, `.4` | 1000.99, 0.4 |
| decimal comma (plain text, not a 3-digit group) | `1,22`, `1000,99`, `0,111`, `2,74` | 1.22, 1000.99, 0.111, 2.74 |
| scientific | `5e-3`, `1.2E+4`, `2.56 \\times 10^{4}`, `5\\cdot 10^{-8}`, `2.56 x 10^4`, `2.56·10⁴` | 0.005 … 25600 |
| percent | `28%`, `28\\%`, `28 percent`, `28 pct` | 28, marked as a percentage |

Inside math a comma that is not a 3-digit thousands group separates items (`$-2,1$` is two numbers).
A literal of more than MAX_DIGITS digits is refused (TooLarge), not converted; powers have bounded exponents.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from .limits import MAX_DIGITS, MAX_EXPONENT, MAX_NESTING

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SIGN = r"(?P<sign>[-+−])?"
_TIMES_TEN = (r"(?:\s*(?:\\times|\\cdot|×|·|\*|\s[xX]\s)\s*10\s*(?:\^\s*(?:\{\s*(?P<pow1>[-+−]?\d{1,4})\s*\}|(?P<pow2>[-+−]?\d{1,4})"
              r"|\(\s*(?P<pow3>[-+−]?\d{1,4})\s*\))|(?P<pow4>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4})))?")
_EXPONENT = r"(?:[eE](?P<exp>[-+−]?\d{1,4})(?![\w]))?"
_PERCENT = r"(?P<percent>\s*(?:\\?%|\s(?:percent|pct|percentage)\b))?"


def _number_pattern(math: bool) -> re.Pattern:
    if math:
        separator = r"(?:\s*\{\s*,\s*\}\s*|,\\!\s?|\\,|\\!|\\ |,(?=\d{3}(?!\d)))"
        decimal = r"(?P<{name}>[.]\d+|\{{\s*,\s*\}}\d+(?!\d))"
    else:
        separator = r"(?:,(?=\d{3}(?![\d]))|\s*\{\s*,\s*\}\s*|,\\!\s?|\\,|[ \u202f\u2009\u00a0](?=\d{3}(?![\d,.]\d)(?!\d)))"
        decimal = r"(?P<{name}>\.\d+|,\d+(?![.,]?\d))"
    integer = rf"(?:(?P<grouped>[1-9]\d{{0,2}}(?:{separator}\d{{3}})+(?!\d))|(?P<int>\d+))"
    body = rf"(?:{integer}{decimal.format(name='frac')}?|{decimal.format(name='lead')})"
    return re.compile(rf"(?<![\w.\\]){_SIGN}{body}{_EXPONENT}{_TIMES_TEN}{_PERCENT}")


NUMBER_PLAIN = _number_pattern(math=False)
NUMBER_MATH = _number_pattern(math=True)
# The same without group names, to build larger patterns from.
NUMBER_PLAIN_BARE = re.sub(r"\(\?P<\w+>", "(?:", NUMBER_PLAIN.pattern)
NUMBER_MATH_BARE = re.sub(r"\(\?P<\w+>", "(?:", NUMBER_MATH.pattern)


class TooLarge(ValueError):
    """A number or a power too large to evaluate safely."""


class NotANumber(ValueError):
    """The text is not a number (or arithmetic on numbers) that can be evaluated."""


@dataclass(frozen=True)
class Written:
    """A number with how it was written: the places it was rounded to, its significant figures."""

    value: float
    text: str
    exact: bool  # an integer, a fraction or arithmetic on exact numbers; not a decimal that may be rounded
    decimals: int | None = None  # places after the point, shifted by a power of ten (2.56e4 -> -2); None when exact
    sig_figs: int | None = None
    percent: bool = False


def written_number(match: re.Match) -> Written:
    """The number a NUMBER_PLAIN / NUMBER_MATH match stands for."""
    grouped, integer, frac = match.group("grouped"), match.group("int"), match.group("frac") or match.group("lead")
    digits = re.sub(r"\D", "", grouped or integer or "")
    fraction_digits = re.sub(r"\D", "", frac or "")
    if len(digits) + len(fraction_digits) > MAX_DIGITS:
        raise TooLarge(f"a number of {len(digits) + len(fraction_digits)} digits")
    power = next((match.group(g) for g in ("pow1", "pow2", "pow3", "pow4") if match.group(g)), None)
    exponent = int(match.group("exp").replace("−", "-")) if match.group("exp") else 0
    if power:
        exponent += int(power.translate(_SUPERSCRIPT).replace("−", "-"))
    if abs(exponent) > MAX_EXPONENT:
        raise TooLarge(f"a power of ten of {exponent}")
    mantissa = f"{digits or '0'}.{fraction_digits or '0'}"
    value = float(mantissa) * 10.0**exponent
    if match.group("sign") in ("-", "−"):
        value = -value
    significant = (digits + fraction_digits).lstrip("0") or "0"
    exact = not fraction_digits and exponent >= 0
    return Written(value=value, text=match.group(0).strip(), exact=exact,
                   decimals=None if exact else len(fraction_digits) - exponent,
                   sig_figs=len(significant), percent=bool(match.group("percent")))


@lru_cache(maxsize=16384)
def read_number(text: str, math: bool = False) -> Written | None:
    """`text` as one number (surrounding spaces, `$` and a final period allowed), else None."""
    stripped = text.strip().strip("$").strip().rstrip(".").strip()
    pattern = NUMBER_MATH if math else NUMBER_PLAIN
    match = pattern.fullmatch(stripped)
    return written_number(match) if match else None


def numbers_in(text: str, math: bool = False) -> list[tuple[int, int, Written]]:
    """(start, end, number) of every number written in `text`, in order; a too-large one raises TooLarge."""
    pattern = NUMBER_MATH if math else NUMBER_PLAIN
    return [(match.start(), match.end(), written_number(match)) for match in pattern.finditer(text) if match.group(0).strip()]


# ---- safe arithmetic ----------------------------------------------------------------------------

_LATEX_TO_PYTHON = (
    (re.compile(r"\\(?:left|right|displaystyle|textstyle|big|Big|bigg|Bigg)\b"), ""),
    (re.compile(r"(?<!\\)\\[,;!: ]|~"), ""),
    (re.compile(r"\\(?:times|cdot|ast)|[×·∙]"), "*"),
    (re.compile(r"\\div|÷"), "/"),
    (re.compile(r"−"), "-"),
)
_FRAC = re.compile(r"\\[dtc]?frac\s*(?:\{([^{}]*)\}|(\d))\s*(?:\{([^{}]*)\}|(\d))")
_SQRT = re.compile(r"\\sqrt\s*\{([^{}]*)\}|\\sqrt\s*(\d+)")
_ALLOWED = re.compile(r"[\d.eE+\-*/() ]*")


def evaluate(expression: str, math: bool = True) -> tuple[float, bool]:
    """(value, exact) of LaTeX or plain arithmetic on numbers: + - * / ^, \\frac, \\sqrt, powers of ten.
    NotANumber when it is anything else; TooLarge when a power or a literal is too large to evaluate."""
    if len(expression) > 500:
        raise NotANumber("too long to be one number")
    python, exact = _to_python(expression, math)
    try:
        tree = ast.parse(python.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise NotANumber(expression) from None
    value = _eval(tree.body, 0)
    if not math_isfinite(value):
        raise NotANumber(expression)
    return float(value), exact


def math_isfinite(value: float) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _to_python(text: str, math: bool) -> tuple[str, bool]:
    """Python arithmetic for `text`, and whether it is exact (no rounded decimal, no square root)."""
    for pattern, replacement in _LATEX_TO_PYTHON:
        text = pattern.sub(replacement, text)
    for _ in range(MAX_NESTING):
        new = _FRAC.sub(lambda m: f"(({m.group(1) or m.group(2)})/({m.group(3) or m.group(4)}))", text)
        new = _SQRT.sub(lambda m: f"(({m.group(1) or m.group(2)})**0.5)", new)
        if new == text:
            break
        text = new
    exact = "**0.5" not in text
    pieces, position = [], 0
    for start, end, number in numbers_in(text, math):
        pieces.append(text[position:start])
        whole = number.exact and abs(number.value) < 1e15
        literal = str(int(number.value)) if whole else repr(number.value)
        pieces.append(f" ({literal}*0.01) " if number.percent else f" {literal} ")
        exact = exact and number.exact
        position = end
    pieces.append(text[position:])
    python = "".join(pieces).replace("^", "**").replace("{", "(").replace("}", ")")
    python = re.sub(r"(?<=[\d)])\s*\(", "*(", python)  # implicit multiplication: '4\sqrt{2}', '(n+1)(n-1)'
    if not _ALLOWED.fullmatch(python):
        raise NotANumber(text)
    return python, exact


def _eval(node: ast.AST, depth: int) -> float:
    if depth > 2 * MAX_NESTING:
        raise NotANumber("too deeply nested")
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _eval(node.operand, depth + 1)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
        left, right = _eval(node.left, depth + 1), _eval(node.right, depth + 1)
        try:
            if isinstance(node.op, ast.Pow):
                if abs(right) > MAX_EXPONENT or (abs(left) > 1e6 and abs(right) > 20):
                    raise TooLarge("a power too large to evaluate safely")
                result = float(left) ** float(right)
                if isinstance(result, complex):
                    raise NotANumber("complex")
                return result
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return float(left) * float(right)
            return left / right
        except (ZeroDivisionError, OverflowError):
            raise NotANumber("division by zero or overflow") from None
    raise NotANumber("not arithmetic")
