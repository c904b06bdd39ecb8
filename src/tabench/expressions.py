"""The expression an answer commits to (pure)."""

from __future__ import annotations

import re

from .extract import COMMIT_CUE, committed_region
from .latex import clean_latex, last_boxed, math_spans
from .plain_math import plain_expressions

_PLAIN_EQUATION = re.compile(r"([^\n=]{1,80}=[^\n=]{1,200})$")


def final_expression(answer: str) -> str | None:
    """`\\boxed{}` content, else the math after the last 'so the answer is', else the last
    displayed equation, else the last inline math with '=', else the last math, else a plain
    'x = ...' line."""
    boxed = last_boxed(answer)
    if boxed is not None:
        return clean_latex(boxed)
    region = committed_region(answer)
    if region:
        spans = math_spans(region)
        if spans:
            return clean_latex(spans[-1][0])
    spans = math_spans(answer)
    for wanted in (lambda s: "=" in s[0], lambda s: True):
        picked = [s for s in spans if wanted(s)]
        if picked:
            return clean_latex(picked[-1][0])
    if region:
        plain = plain_expressions(region)
        if plain:
            return clean_latex(plain[-1])
    if len(answer.strip()) <= 200:  # a short answer in plain text: 'n(n-1)', 'alpha_tau / alpha_t'
        plain = plain_expressions(answer)
        if plain:
            return clean_latex(plain[-1])
    for line in reversed(answer.strip().split("\n")):
        match = _PLAIN_EQUATION.search(line.strip())
        if match and not COMMIT_CUE.search(match.group(1)) and _looks_like_math(match.group(1)):
            return clean_latex(match.group(1))
    last = answer.strip().split("\n")[-1].strip() if answer.strip() else ""
    return clean_latex(last) if 0 < len(last) <= 120 and _looks_like_math(last) else None


def _looks_like_math(text: str) -> bool:
    """'x + 1' or 'alpha_t / alpha_tau', not 'I do not know'."""
    words = re.findall(r"(?<![\\_^])\b[A-Za-z]{2,}\b", text)
    return bool(text.strip()) and len(words) <= 2 and not re.search(r"\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\b", text)
