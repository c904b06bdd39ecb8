"""Math written without LaTeX — 'σ²', 'β = 10^-3', 'n(n-1)' — read as LaTeX-ish candidates (pure)."""

from __future__ import annotations

import re
from functools import lru_cache

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta", "θ": "theta",
    "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta",
    "Θ": "Theta", "Λ": "Lambda", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega", "ℓ": "ell",
}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SYMBOLS = {"×": r"\times ", "·": r"\cdot ", "≤": r"\leq ", "≥": r"\geq ", "≠": r"\neq ", "≈": r"\approx ",
            "∞": r"\infty ", "−": "-", "√": r"\sqrt "}
_WORD = re.compile(r"[A-Za-z]{3,}")


def to_latex(text: str) -> str:
    """Unicode math into LaTeX commands: 'σ²' -> '\\sigma^{2}', 'β = 10⁻³' -> '\\beta = 10^{-3}'."""
    text = re.sub(r"([⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+)", lambda m: "^{" + m.group(1).translate(_SUPERSCRIPTS) + "}", text)
    for char, name in _GREEK.items():
        text = text.replace(char, f"\\{name} ")
    for char, latex in _SYMBOLS.items():
        text = text.replace(char, latex)
    return text


_SIZING = re.compile(r"\\(?:left|right|displaystyle|,|;|!|\s)")
_SPACE = re.compile(r"\s+")
_SINGLE_BRACED = re.compile(r"([\^_])\{(-?[A-Za-z0-9]|\\[A-Za-z]+|-?\d+)\}")


@lru_cache(maxsize=65536)
def canonical(latex: str) -> str:
    """A form in which trivially different writings of the same math compare equal."""
    text = _SIZING.sub("", latex)
    text = text.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    text = _SPACE.sub("", text)
    for _ in range(3):
        text = _SINGLE_BRACED.sub(r"\1\2", text)
    return text


_GREEK_NAMES = "|".join(sorted(set(_GREEK.values()), key=len, reverse=True))
_SPELLED = re.compile(rf"(?<![\\A-Za-z])({_GREEK_NAMES})(?![A-Za-z])")


def plain_expressions(text: str) -> list[str]:
    """Runs of math-looking words outside $...$: 'β = 10^-3', 'n(n-1)', 'p/n', 'alpha_tau / alpha_t'
    (not 'messages', not 'a')."""
    latex = to_latex(re.sub(r"\$[^$]*\$", " ", text))
    latex = _SPELLED.sub(r"\\\1", latex)
    latex = re.sub(r"\^(-?\d+)", r"^{\1}", latex)
    latex = re.sub(r"\\([A-Za-z]+)\s+(?=[\^_])", r"\\\1", latex)  # '\sigma ^{2}' -> '\sigma^{2}'
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
                candidates.append(candidate)
            run = []
    return candidates


def _mathy(token: str) -> bool:
    without_commands = re.sub(r"\\[A-Za-z]+", "x", token)
    if re.search(r"[A-Za-z]{2,}", without_commands):
        return False
    return bool(re.search(r"[A-Za-z0-9\\=+\-*/^]", token))
