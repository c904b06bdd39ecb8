"""Expressions: the one an answer commits to, and the notation both sides are written in (pure).

`final_expression(text)` reads the first region (final.py) that holds math: a box (several boxes joined in
a list are several items), the math after a cue (pieces of math joined by "and", "or" or commas are several
items), the last equation, the last piece of math, or typed math (plain.py) in the last line.

`normalise(latex, notation)` writes deep-learning and physics notation the way SymPy (through Math-Verify's
LaTeX parser) reads it the same on both sides:

| notation | example | read as |
| --- | --- | --- |
| bold and arrows for vectors | `\\mathbf{W}`, `\\boldsymbol{x}`, `\\vec{v}` | the plain symbol |
| transpose | `W^\\top`, `W^T`, `W^{\\intercal}` | `W_{T}` (a symbol of its own, not a power) |
| layer labels | `x^{(0)}`, `x^(l)` | `x_{0}`, `x_{l}` (a label, not a power) |
| norms | `\\|z\\|_2`, `\\lVert z \\rVert` | one symbol per distinct inside, shared by both sides |
| identity matrix | `\\mathbf{I}` (when the key has it) | 1 (symbols commute here) |
| natural log | `\\log x` | `\\ln x`, unless the document gives another base (`Blank.log_base`, read by ingest) |
| Euler's number | `\\mathrm{e}`, `\\text{e}` | `e` |
| γ | `\\gamma` | a symbol, not Euler's constant |
| e-notation | `1.2e-3` | `1.2 \\times 10^{-3}` |
| dummy indices | `\\prod_{j=1}^{t}(1-\\beta_j)` | the same product over `i` |
| escaped commands | `\\\\frac`, `\\\\boxed` (doubled backslashes) | `\\frac`, `\\boxed` |
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .cues import LIST_JOIN as _LIST_JOIN
from .final import Region, regions
from .limits import MAX_REGION_CHARS
from .math import clean_latex, scan_math, split_equation
from .plain import looks_like_math, only_math_words, plain_expressions, plain_to_latex

_NAMES_NEXT = re.compile(r"(?<![\w])(?:is|are|equals|becomes|was|=)\s*[:,]?\s*$", re.I)
_COMMANDS = ("boxed", "frac", "dfrac", "tfrac", "sqrt", "left", "right", "text", "mathrm", "pi", "cdot", "times", "le", "ge",
             "leq", "geq", "in", "cup", "cap", "infty", "pm", "mp", "alpha", "beta", "gamma", "theta", "lambda", "sigma",
             "mu", "ln", "log", "sin", "cos", "tan", "exp", "neq", "approx", "begin", "end", "mathbf", "circ")
_DOUBLED = re.compile(r"(?<!\\)\\\\(?=(?:" + "|".join(_COMMANDS) + r")(?![A-Za-z]))")


@dataclass
class Notation:
    """What both sides of one comparison share: the symbol for each distinct norm, the identity, the log base."""

    norms: dict[str, str] = field(default_factory=dict)
    identity: bool = False
    log_base: str | None = None  # '2', '10' or 'e' (Blank.log_base); none: the natural log


def final_expression(text: str) -> tuple[tuple[str, ...] | None, Region | None]:
    """(the LaTeX items `text` commits to, the region they were read from); (None, region) when malformed."""
    for region in regions(text):
        if region.malformed:
            return None, region
        items = expression_items(region)
        if items:
            return items, region
    return None, None


def expression_items(region: Region) -> tuple[str, ...]:
    """The math of a region as one or more LaTeX items."""
    if region.how == "boxed":
        return tuple(clean_latex(piece) for piece in region.pieces if piece.strip())
    spans = [span for span in scan_math(region.text).spans if span.body.strip()]
    if spans:
        if region.how in ("last equation", "last math"):
            return tuple(clean_latex(span.body) for span in _listed_before(region.text, spans))
        first = 0
        while first + 1 < len(spans) and _NAMES_NEXT.search(region.text[spans[first].end : spans[first + 1].start]):
            first += 1  # 'the ordered pair $(x, y)$ that solves the system is $(7, 6)$'
        items = [spans[first]]
        for span in spans[first + 1 :]:
            if not _LIST_JOIN.match(region.text[items[-1].end : span.start]):
                break
            items.append(span)
        return tuple(clean_latex(span.body) for span in items)
    if region.how in ("final answer", "conclusion") or region.how == "bold" and looks_like_math(region.text[:MAX_REGION_CHARS]):
        candidates = plain_expressions(region.text[:MAX_REGION_CHARS])
        if candidates and (looks_like_math(region.text.strip(" .")) or len(region.text) <= 80):
            return (clean_latex(candidates[0]),)
    if region.how == "last line":
        line = region.text.strip().strip("*").strip().rstrip(".")
        if 0 < len(line) <= 200 and only_math_words(line):  # a typed line of math: 'c1 = 1, c2 = 1/3, c3 = 0'
            return (clean_latex(plain_to_latex(line)),)
        candidates = plain_expressions(line) if len(line) <= 200 else ()
        if candidates:
            return (clean_latex(candidates[-1]),)
    return ()


_NAME = re.compile(r"^\s*(?:\\?[A-Za-z]+|\\mathrm\{[^{}]*\})(?:_\{?[\w\\{}, ]+\}?|\^\{?\([^)]*\)\}?|'|\([\w, ]*\))*\s*$"
                   r"|^\s*\|[^|]+\|\s*$|^\s*\([\w, ]+\)\s*$|^\s*[A-Za-z_{}\\]+\s*:\s*[A-Za-z_{}\\]+\s*$")


def names_a_value(side: str) -> bool:
    """Does this side of an equation name what the equation defines (`x`, `\\gamma_{\\tau,t}`, `f(x)`, `|AB|`,
    `(p, q)`, `A:B`), rather than state a condition (`7`, `2x + z`)?"""
    return bool(_NAME.match(side))


def _listed_before(text: str, spans) -> list:
    """The last span with the spans before it that a list joins to it ('$1$ and $2$ and $3$')."""
    listed = [spans[-1]]
    for span in reversed(spans[:-1]):
        if not _LIST_JOIN.match(text[span.end : listed[0].start]):
            break
        listed.insert(0, span)
    return listed


def notation_for(reference: str, log_base: str | None = None) -> Notation:
    """The notation shared by a comparison with this reference expression."""
    identity = bool(re.search(r"\\(?:mathbf|boldsymbol|mathbb|bm)\s*\{?\s*I\b", reference))
    return Notation(identity=identity, log_base=log_base)


_NOTATION_STEPS = tuple((re.compile(pattern), replacement) for pattern, replacement in (
    (r"\\(?:left|right|big|Big|bigg|Bigg|displaystyle|textstyle)(?![A-Za-z])", ""),
    (r"\\(?:mathrm|text|operatorname|textrm)\s*\{\s*e\s*\}", "e"),
    (r"\\(?:mathbf|boldsymbol|bm|vec|mathbfit|mathit|mathsf|overrightarrow)\s*\{([^{}]*)\}", r" \1"),
    (r"\\(?:mathbf|boldsymbol|bm|vec)\s*(\\?[A-Za-z])", r"\1"),
    (r"(\d(?:\.\d+)?)[eE]([-+]?\d+)(?![\w])", r"\1\\times 10^{\2}"),
    (r"\\odot|\\ast(?![A-Za-z])", r"\\cdot "),
))
_AFTER_NORMS = tuple((re.compile(pattern), replacement) for pattern, replacement in (
    (r"\^\s*\(([^()]*)\)", r"^{(\1)}"),  # x^(0) is x^{(0)}, a label
    (r"\\ell(?![A-Za-z])", "l"),
    (r"\^\s*\{\s*\(([^{}()]*)\)\s*(\\top|T|\\intercal)?\s*\}", None),  # labels: x^{(0)} -> x_{0}
    (r"\^\s*(?:\{\s*(?:\\top|T|\\intercal|\\mathsf\{T\})\s*\}|\\top|\\intercal|T(?![A-Za-z]))", r"_{T}"),
    (r"_\{([^{}]*),([^{}]*)\}", r"_{\1\2}"),
    (r"\\gamma(?![A-Za-z])", r"\\mathrm{gam}"),
))
_IDENTITY = re.compile(r"(?<![\\A-Za-z_{])I(?![A-Za-z_])")
_LOG = re.compile(r"\\log(?![A-Za-z_])")


@lru_cache(maxsize=32768)
def _notation_steps(latex: str) -> str:
    text = _DOUBLED.sub(r"\\", latex)
    text = clean_latex(text)
    for pattern, replacement in _NOTATION_STEPS:
        text = pattern.sub(replacement, text)
    return text


def normalise(latex: str, notation: Notation) -> str:
    """Deep-learning and physics notation into what SymPy reads the same way on both sides (table above)."""
    text = _norms(_notation_steps(latex), notation.norms)
    for pattern, replacement in _AFTER_NORMS:
        text = pattern.sub(replacement if replacement is not None else _label_superscript, text)
    if notation.identity:  # symbols commute here, so the identity matrix acts as 1 (and is not sqrt(-1))
        text = _IDENTITY.sub("1", text)
    base = notation.log_base if notation.log_base in ("2", "10") else None
    text = _LOG.sub(rf"\\log_{{{base}}}" if base else r"\\ln", text)
    text = _rename_dummy_indices(text)
    return " ".join(text.split())


def _label_superscript(match: re.Match) -> str:
    label = re.sub(r"[^A-Za-z0-9\\]", "", match.group(1))
    suffix = "T" if match.group(2) else ""
    return "_{" + label + suffix + "}"


_NORM = re.compile(r"(?:\\\||\\lVert|\\Vert|\|\|)\s*(.+?)\s*(?:\\\||\\rVert|\\Vert|\|\|)(?:_\{2\}|_2)?")


def _norms(text: str, norms: dict[str, str]) -> str:
    if "|" not in text and "Vert" not in text:
        return text

    def replace(match: re.Match) -> str:
        inside = re.sub(r"\s+", "", match.group(1))
        if inside not in norms:
            norms[inside] = f"\\mathrm{{normv{len(norms) + 1}}}"
        return norms[inside]

    return _NORM.sub(replace, text)


def _rename_dummy_indices(text: str) -> str:
    """`\\prod_{j=1}^{t}(1-\\beta_j)` reads as `\\prod_{i=1}^{t}(1-\\beta_i)`."""
    if "\\prod" not in text and "\\sum" not in text:
        return text
    for match in list(re.finditer(r"\\(?:prod|sum)_\{\s*([a-z])\s*=", text)):
        index = match.group(1)
        if index == "i":
            continue
        if re.search(r"(?<![A-Za-z\\])i(?![A-Za-z])", text.replace(match.group(0), "")):
            continue  # 'i' is taken elsewhere: leave the expression alone
        text = re.sub(rf"(?<![A-Za-z\\]){index}(?![A-Za-z])", "i", text)
    return text


@lru_cache(maxsize=16384)
def canonical(latex: str) -> str:
    """A form in which trivially different writings of the same math compare equal as strings."""
    text = re.sub(r"\\(?:left|right|displaystyle|,|;|!|\s)", "", latex)
    text = text.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    text = re.sub(r"\s+", "", text)
    for _ in range(3):
        text = re.sub(r"([\^_])\{(-?[A-Za-z0-9]|\\[A-Za-z]+|-?\d+)\}", r"\1\2", text)
    return text

