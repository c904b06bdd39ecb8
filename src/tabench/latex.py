"""Small helpers over math written in Markdown: find it, clean it (pure)."""

from __future__ import annotations

import re
from functools import lru_cache

_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)
_EQUATION_NUMBER = re.compile(r"\\(?:quad|qquad)\s*\(\d+\)\s*$|\\tag\*?\{[^}]*\}|\\label\{[^}]*\}")
_TEXT_PREFIX = re.compile(r"^\s*\\text\{[^}]*\}\s*")
_SPACING = re.compile(r"\\[,;:! ]|\\quad|\\qquad")


def math_spans(text: str) -> list[tuple[str, bool]]:
    """Every `$...$` and `$$...$$` in `text`, as (latex, is_display), in order."""
    spans = []
    for match in _MATH.finditer(text):
        display = match.group(1) is not None
        spans.append(((match.group(1) if display else match.group(2)).strip(), display))
    return spans


def clean_latex(latex: str) -> str:
    """Drop equation numbers, leading prose (`\\text{We have }`), spacing and end punctuation."""
    latex = _EQUATION_NUMBER.sub("", latex)
    latex = _TEXT_PREFIX.sub("", latex)
    latex = _SPACING.sub(" ", latex)
    latex = latex.strip().rstrip(".,;").strip()
    if latex.startswith(r"\begin{aligned}") or latex.startswith(r"\begin{align"):
        latex = re.sub(r"\\(?:begin|end)\{align(?:ed)?\*?\}", "", latex).replace("&", "")
        latex = latex.split(r"\\")[-1].strip()
    return " ".join(latex.split())


def split_equation(latex: str) -> list[str]:
    """'a = b = c' -> ['a', 'b', 'c'] (top-level '=' only; ':=' counts as '=')."""
    parts, depth, current = [], 0, []
    index = 0
    while index < len(latex):
        char = latex[index]
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth -= 1
        if char == "=" and depth == 0 and not latex[index - 1 : index] in ("<", ">", "!", "\\"):
            parts.append("".join(current).rstrip(":").strip())
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current).strip())
    return [part for part in parts if part]


_HTML_EMPHASIS = re.compile(r"</?(?:b|i|em|strong|sup|sub)>")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


@lru_cache(maxsize=65536)
def strip_markup(text: str) -> str:
    """Markdown emphasis and stray HTML removed, white space folded."""
    text = _HTML_EMPHASIS.sub("", text)
    text = _MD_EMPHASIS.sub("", text)
    return " ".join(text.split())


def last_boxed(text: str) -> str | None:
    """The content of the last `\\boxed{...}` (balanced braces), or None."""
    start = text.rfind("\\boxed")
    while start != -1:
        brace = text.find("{", start)
        if brace != -1 and brace - start <= 7:
            depth = 0
            for index in range(brace, min(len(text), brace + 5000)):
                if text[index] == "{":
                    depth += 1
                elif text[index] == "}":
                    depth -= 1
                    if depth == 0:
                        return text[brace + 1 : index]
        start = text.rfind("\\boxed", 0, start)
    return None
