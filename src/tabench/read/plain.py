"""Math written without LaTeX, as people type it into a form or a chat, read as LaTeX (pure).

| form | example | LaTeX |
| --- | --- | --- |
| Unicode symbols | `σ²`, `β = 10⁻³`, `√2`, `x ≤ 3`, `2×3` | `\\sigma^{2}`, `\\beta = 10^{-3}`, `\\sqrt{2}`, … |
| powers | `x^2`, `x**2`, `e^(-t/2)`, `10^-3` | `x^{2}`, `x^{2}`, `e^{-t/2}`, `10^{-3}` |
| products | `2*x^2 + 3x`, `3·x` | `2 \\cdot x^{2} + 3x` |
| functions | `sqrt(2)/2`, `exp(x)`, `ln(x)`, `log(x)`, `log2(n)`, `log10(x)`, `sin(x)`, `abs(x)` | `\\sqrt{2}/2`, `\\exp(x)`, `\\log_{2}(n)`, … |
| Greek letters by name | `alpha_tau / alpha_t`, `gamma`, `ell` | `\\alpha_{\\tau} / \\alpha_{t}` |
| labels in superscripts | `x^(0)`, `x^(l)` | `x^{(0)}`, `x^{(l)}` |
| constants | `pi`, `inf`, `infinity` | `\\pi`, `\\infty` |
| indices, thousands | `c1`, `x12`, `20,000` | `c_{1}`, `x_{12}`, `20000` |
"""

from __future__ import annotations

import re
from functools import lru_cache

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta", "θ": "theta",
    "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta",
    "Θ": "Theta", "Λ": "Lambda", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega", "ℓ": "ell",
}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ⁿⁱ", "0123456789-+ni")
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉₋₊", "0123456789-+")
_SYMBOLS = {"×": r"\times ", "·": r"\cdot ", "≤": r"\leq ", "≥": r"\geq ", "≠": r"\neq ", "≈": r"\approx ",
            "∞": r"\infty ", "−": "-", "⋅": r"\cdot ", "÷": "/", "±": r"\pm "}
_FUNCTIONS = {"log2": "\\log_{2}", "log10": "\\log_{10}", "sqrt": "\\sqrt", "exp": "\\exp", "ln": "\\ln", "log": "\\log", "sin": "\\sin", "cos": "\\cos",
              "tan": "\\tan", "arcsin": "\\arcsin", "arccos": "\\arccos", "arctan": "\\arctan", "sinh": "\\sinh",
              "cosh": "\\cosh", "tanh": "\\tanh", "max": "\\max", "min": "\\min"}
_CONSTANTS = {"pi": "\\pi", "inf": "\\infty", "infinity": "\\infty", "infty": "\\infty"}
_GREEK_NAMES = sorted(set(GREEK.values()), key=len, reverse=True)
_NAME = re.compile(r"(?<![\\A-Za-z])(" + "|".join(_GREEK_NAMES + list(_FUNCTIONS) + list(_CONSTANTS) + ["abs"]) + r")(?![A-Za-z])")


_THOUSANDS = re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:,\d{3})+(?![\d,.])")
_INDEXED = re.compile(r"(?<![\\A-Za-z0-9_])([A-Za-z])(\d{1,2})(?![\w.])")


def unicode_to_latex(text: str) -> str:
    """Unicode math into LaTeX commands: 'σ²' -> '\\sigma^{2}', 'β = 10⁻³' -> '\\beta = 10^{-3}', '√2' -> '\\sqrt{2}'."""
    if text.isascii():
        return text
    text = re.sub(r"([⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ⁿⁱ]+)", lambda m: "^{" + m.group(1).translate(_SUPERSCRIPTS) + "}", text)
    text = re.sub(r"([₀₁₂₃₄₅₆₇₈₉₋₊]+)", lambda m: "_{" + m.group(1).translate(_SUBSCRIPTS) + "}", text)
    text = re.sub(r"√\s*(\d+|[A-Za-z])", r"\\sqrt{\1}", text)
    text = text.replace("√", "\\sqrt ")
    for char, name in GREEK.items():
        if char in text:
            text = text.replace(char, f"\\{name} ")
    for char, latex in _SYMBOLS.items():
        if char in text:
            text = text.replace(char, latex)
    return re.sub(r"\\([A-Za-z]+) (?=[\^_{}])", r"\\\1", text)


# Typed functions whose parentheses become LaTeX groups: sqrt(2) -> \\sqrt{2}, abs(x) -> \\left|x\\right|.
_BRACKETED = {"\\sqrt": ("\\sqrt{", "}"), "\\abs": ("\\left|", "\\right|")}


def _balanced(text: str, open_index: int) -> int | None:
    """Index of the parenthesis closing the one at `open_index` (bounded scan), or None."""
    depth = 0
    for index in range(open_index, min(len(text), open_index + 400)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    return None


@lru_cache(maxsize=16384)
def plain_to_latex(text: str) -> str:
    """Typed math as LaTeX: '2*x^2 + 3x' -> '2 \\cdot x^{2} + 3x', 'sqrt(2)/2' -> '\\sqrt{2}/2', 'e^(-t/2)' -> 'e^{-t/2}'."""
    text = unicode_to_latex(text).replace("**", "^")
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)  # typed 20,000 is a number, not a list
    text = _INDEXED.sub(r"\1_{\2}", text)  # typed c1 is c_1
    text = _NAME.sub(lambda m: "\\abs" if m.group(1) == "abs" else (
        _FUNCTIONS.get(m.group(1)) or _CONSTANTS.get(m.group(1)) or "\\" + m.group(1)), text)
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "^" and index + 1 < len(text) and text[index + 1] == "(":
            close = _balanced(text, index + 1)
            if close is not None:
                inner = text[index + 2 : close]
                label = re.fullmatch(r"\s*[A-Za-z0-9\\]{1,6}\s*", inner) and not re.fullmatch(r"\s*-?\d+\s*", inner)
                out.append("^{(" + inner.strip() + ")}" if label or re.fullmatch(r"\s*\d+\s*", inner) and _is_label_base(out)
                           else "^{" + inner + "}")
                index = close + 1
                continue
        call = next((name for name in _BRACKETED if text.startswith(name + "(", index)), None)
        close = _balanced(text, index + len(call)) if call else None
        if close is not None:
            opening, closing = _BRACKETED[call]
            out.append(opening + text[index + len(call) + 1 : close] + closing)
            index = close + 1
            continue
        out.append(char)
        index += 1
    text = "".join(out)
    text = re.sub(r"\^\s*(-?\s*\d+(?:\.\d+)?|-?[A-Za-z](?![A-Za-z]))", lambda m: "^{" + m.group(1).replace(" ", "") + "}", text)
    text = re.sub(r"_([A-Za-z0-9]+|\\[A-Za-z]+)", r"_{\1}", text)
    text = re.sub(r"(?<=[\w})])\s*\*\s*(?=[\w\\(])", r" \\cdot ", text)
    return " ".join(text.split())


def _is_label_base(out: list[str]) -> bool:
    """`x^(0)` is a label when its base is a letter (a vector's layer index), not a number (`2^(3)`)."""
    previous = "".join(out[-3:]).rstrip()
    return bool(previous) and previous[-1].isalpha()


_GLUED_CONNECTOR = re.compile(r"(?<=[\d)\]}])(or|and)(?=[A-Za-z(\\\d-])")
_MATHY_TOKEN = re.compile(r"[A-Za-z0-9\\=+\-*/^()_.,{}|<>\[\]]")


@lru_cache(maxsize=16384)
def plain_expressions(text: str) -> tuple[str, ...]:
    """Runs of math-looking words outside $…$, as LaTeX: 'β = 10^-3', 'n(n-1)', 'p/n', 'alpha_tau / alpha_t'
    (not 'messages', not 'a')."""
    latex = unicode_to_latex(re.sub(r"\$[^$]*\$", " ", text))
    latex = _GLUED_CONNECTOR.sub(r" \1 ", latex)  # 'x=1orx=2' is two answers
    latex = _NAME.sub(lambda m: "\\" + m.group(1), latex)
    candidates, run = [], []
    for token in re.split(r"\s+", latex) + [""]:
        bare = token.strip(".,;:!?")
        label = re.fullmatch(r"\(?[A-Za-z]\)", bare) is not None  # '(b)' starts the next answer
        if bare and _mathy(bare) and not label and bare not in ("a", "A", "I"):
            run.append(bare)
            if token == bare:
                continue
        if run:
            candidate = " ".join(run)
            candidate = re.sub(r"^\(?[A-Za-z]\)\s*=?\s*|^=\s*", "", candidate).strip()
            if candidate and candidate not in ("a", "A", "I", "="):
                candidates.append(plain_to_latex(candidate))
            run = []
    return tuple(candidates)


def _mathy(token: str) -> bool:
    without_commands = re.sub(r"\\[A-Za-z]+", "x", token)
    if re.search(r"[A-Za-z]{2,}", without_commands):
        return False
    return bool(_MATHY_TOKEN.search(token))


def looks_like_math(text: str) -> bool:
    """'x + 1' or 'alpha_t / alpha_tau', not 'I do not know'."""
    words = re.findall(r"(?<![\\_^])\b[A-Za-z]{2,}\b", text)
    words = [w for w in words if w.lower() not in _FUNCTIONS and w.lower() not in _CONSTANTS and w not in _GREEK_NAMES]
    return bool(text.strip()) and len(words) <= 1 and not re.search(r"\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\b",
                                                                   re.sub(r"\\[A-Za-z]+", "", text))


def only_math_words(text: str) -> bool:
    """Is every word of `text` math (a function, a constant, a Greek letter's name), as in a typed line of math
    ('c1 = 1, c2 = 1/3', 'sqrt(2)/2', '0 <= min(x) <= 20,000'), not prose ('2n^2 - 2n messages')?"""
    words = re.findall(r"(?<![\\_^])[A-Za-z]{2,}", text)
    return bool(re.search(r"[\d=+\-*/^()]", text)) and all(
        w.lower() in _FUNCTIONS or w.lower() in _CONSTANTS or w in _GREEK_NAMES or w == "abs" for w in words)
