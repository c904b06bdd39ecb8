"""Symbolic equivalence of LaTeX expressions: our normalisers, then Math-Verify/SymPy (pure).

Math-Verify's own signal-based timeouts are switched off (they crash outside the
main thread); each comparison runs in a daemon thread and is abandoned after
`TIMEOUT_SECONDS`. Inputs that could explode (power towers, huge numbers,
deep nesting) are refused before SymPy sees them.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

from .latex import clean_latex, split_equation

TIMEOUT_SECONDS = 2.0
MAX_LATEX_CHARS = 1500
MAX_DEPTH = 30


class TooComplex(ValueError):
    """The expression is refused before parsing (could hang or exhaust memory)."""


def guard(latex: str) -> None:
    if len(latex) > MAX_LATEX_CHARS:
        raise TooComplex(f"expression of {len(latex)} characters")
    depth = deepest = 0
    for char in latex:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise TooComplex("nesting too deep")
    if re.search(r"\^\s*\{[^{}]*\^", latex) or re.search(r"\^\s*\{?\s*\d{4,}", latex) or re.search(r"\d{40,}", latex):
        raise TooComplex("power tower or huge number")
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", latex):
        raise TooComplex("control characters")


def normalise(latex: str, norms: dict[str, str]) -> str:
    """Deep-learning notation into something SymPy reads the same way on both sides.

    `norms` maps each distinct norm's inside to one symbol; share it between the
    two sides of a comparison.
    """
    text = clean_latex(latex)
    text = re.sub(r"\\(?:left|right|big|Big|bigg|Bigg|displaystyle|textstyle)\b", "", text)
    text = re.sub(r"\\(?:mathbf|boldsymbol|bm|vec|mathbfit|mathit|mathsf)\s*\{([^{}]*)\}", r" \1", text)
    text = re.sub(r"\\(?:mathbf|boldsymbol|bm|vec)\s*(\\?[A-Za-z])", r"\1", text)
    text = re.sub(r"\\(?:text|mathrm|textrm)\s*\{\s*(?:ns|us|µs|ms|s|GB|MB|KB|bytes?|params?|parameters)\s*\}", "", text)
    text = re.sub(r"(\d(?:\.\d+)?)[eE]([-+]?\d+)\b", r"\1\\times 10^{\2}", text)
    text = text.replace("\\odot", "\\cdot").replace("\\ast", "\\cdot")
    text = _norms(text, norms)
    text = re.sub(r"\^\s*\(([^()]*)\)", r"^{(\1)}", text)  # x^(0) is x^{(0)}, a label
    text = re.sub(r"\\ell(?![A-Za-z])", "l", text)
    text = re.sub(r"\^\s*\{\s*\(([^{}()]*)\)\s*(\\top|T|\\intercal)?\s*\}", _label_superscript, text)
    text = re.sub(r"\^\s*(?:\{\s*(?:\\top|T|\\intercal|\\mathsf\{T\})\s*\}|\\top|\\intercal|T(?![A-Za-z]))", r"_{T}", text)
    text = re.sub(r"_\{([^{}]*),([^{}]*)\}", r"_{\1\2}", text)
    text = re.sub(r"\\gamma(?![A-Za-z])", r"\\mathrm{gam}", text)
    # Symbols commute here, so the identity matrix acts as 1 (and must not be read as sqrt(-1)).
    text = re.sub(r"(?<![\\A-Za-z_{])I(?![A-Za-z_])", "1", text)
    text = _rename_dummy_indices(text)
    return " ".join(text.split())


def _label_superscript(match: re.Match) -> str:
    label = re.sub(r"[^A-Za-z0-9\\]", "", match.group(1))
    suffix = "T" if match.group(2) else ""
    return "_{" + label + suffix + "}"


def _norms(text: str, norms: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        inside = re.sub(r"\s+", "", match.group(1))
        if inside not in norms:
            norms[inside] = f"\\mathrm{{normv{len(norms) + 1}}}"
        return norms[inside]

    pattern = r"(?:\\\||\\lVert|\\Vert|\|\|)\s*(.+?)\s*(?:\\\||\\rVert|\\Vert|\|\|)(?:_\{2\}|_2)?"
    return re.sub(pattern, replace, text)


def _rename_dummy_indices(text: str) -> str:
    """`\\prod_{j=1}^{t}(1-\\beta_j)` reads as `\\prod_{i=1}^{t}(1-\\beta_i)`."""
    for match in list(re.finditer(r"\\(?:prod|sum)_\{\s*([a-z])\s*=", text)):
        index = match.group(1)
        if index == "i":
            continue
        if re.search(r"(?<![A-Za-z\\])i(?![A-Za-z])", text.replace(match.group(0), "")):
            continue  # 'i' is taken elsewhere: leave the expression alone
        text = re.sub(rf"(?<![A-Za-z\\]){index}(?![A-Za-z])", "i", text)
    return text


def final_side(latex: str) -> str:
    """The right-most side of an equation chain ('\\gamma = a = b' -> 'b')."""
    sides = split_equation(clean_latex(latex))
    return sides[-1] if sides else latex


@lru_cache(maxsize=8192)
def _parse(latex: str):
    """SymPy form of an already isolated LaTeX expression; None when it does not parse."""
    from latex2sympy2_extended import latex2sympy
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig, NormalizationConfig

    try:
        expression = latex2sympy(
            latex,
            normalization_config=NormalizationConfig(
                basic_latex=True, units=False, malformed_operators=True, nits=True, boxed="all", equations=False
            ),
            conversion_config=ConversionConfig(lowercase_symbols=False),
        )
    except Exception:  # the ANTLR parser and SymPy raise many kinds of errors on odd input
        return None
    return expression if hasattr(expression, "free_symbols") else None


def parsed_form(latex: str) -> str | None:
    """`str()` of the SymPy form of a reference expression, for the key; None when it does not parse."""
    try:
        text = normalise(final_side(latex), {})
        guard(text)
    except TooComplex:
        return None
    expression = _bounded(lambda: _parse(text))
    return str(expression) if expression is not None else None


def _verify(gold, target) -> bool:
    from math_verify import verify

    # We bound each comparison ourselves (see _bounded); its warning about that is noise for users.
    logging.getLogger("math_verify").setLevel(logging.ERROR)

    return bool(verify(gold, target, timeout_seconds=None))


@lru_cache(maxsize=16384)
def equivalent(reference: str, answer: str) -> bool | None:
    """True/False when SymPy decides; None when it cannot parse either side or runs out of time."""
    norms: dict[str, str] = {}
    gold_text, answer_text = normalise(final_side(reference), norms), normalise(final_side(answer), norms)
    guard(gold_text)
    guard(answer_text)
    if re.sub(r"\s", "", gold_text) == re.sub(r"\s", "", answer_text):
        return True
    _load_parser()
    return _bounded(lambda: _compare(gold_text, answer_text))


@lru_cache(maxsize=1)
def _load_parser() -> None:
    """Import Math-Verify and build the LaTeX parser once, outside the time bound: a process's first comparison
    must not run out of time (and be cached as undecided) because loading took a second on a busy machine."""
    _parse("x + 1")
    _verify(_parse("x + 1"), _parse("1 + x"))


def _compare(gold_text: str, answer_text: str) -> bool | None:
    gold, target = _parse(gold_text), _parse(answer_text)
    if gold is None or target is None:
        return None
    if _verify(gold, target):
        return True
    relabelled = _drop_decorations(gold, target)
    return relabelled is not None and _verify(relabelled, target)


def _drop_decorations(gold, target):
    """The key with `\\mu_z` read as `\\mu` where the answer writes the plain symbol throughout
    (notation, not substance: Z = V\\sigma_z + \\mu_z against Z = \\mu + \\sigma V)."""
    from sympy import Product, Sum

    answer_names = {symbol.name: symbol for symbol in target.free_symbols}
    gold_names = {symbol.name for symbol in gold.free_symbols}
    bound = {str(limit[0]) for node in gold.atoms(Product, Sum) for limit in node.limits}
    substitutions = {}
    for symbol in gold.free_symbols:
        base, _, label = symbol.name.partition("_")
        label = label.strip("{}")
        if label in bound or label in gold_names or label == "T":
            continue  # an index or a transpose, not a label: beta_i is not beta, W^T is not W
        if label and symbol.name not in answer_names and base in answer_names:
            substitutions[symbol] = answer_names[base]
    return gold.xreplace(substitutions) if substitutions else None


def _bounded(fn):
    result: list = []

    def run() -> None:
        try:
            result.append(fn())
        except Exception:  # SymPy raises many kinds of errors on odd input: "could not decide"
            result.append(None)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(TIMEOUT_SECONDS)
    return result[0] if result else None
