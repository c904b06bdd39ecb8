"""Size limits every reader works within, so that no answer can make reading slow or large (pure).

Scans are linear: each reader walks its text once, and every regex here has no nested quantifier over
the same characters. What is longer than a limit is clipped (an answer keeps its head and its tail, where
the final answer is) or refused (a number or a formula too large to evaluate safely).
"""

from __future__ import annotations

import re

MAX_ANSWER_CHARS = 200_000  # an answer longer than this keeps its first and last halves
MAX_REGION_CHARS = 4_000  # a committed region (after "Final answer:", inside a box) that is read closely
MAX_MATH_CHARS = 2_000  # one formula handed to SymPy
MAX_DISPLAY_CHARS = 50_000  # a $$...$$ or \[...\] span; longer ones are not math
MAX_DIGITS = 300  # digits of one number literal; more is refused, not converted
MAX_EXPONENT = 400  # |exponent| of a power evaluated as a float
MAX_NESTING = 30  # braces, brackets and parentheses inside one formula


def clip(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """`text` if it fits; else its head and its tail (the final answer is at the end)."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return text[:half] + "\n\n" + text[-half:]


def nesting_depth(text: str) -> int:
    """The deepest nesting of { ( [ in `text` (one pass)."""
    depth = deepest = 0
    for char in text:
        if char in "{([":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif char in "})]" and depth:
            depth -= 1
    return deepest


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DIGIT_RUN = re.compile(r"\d{%d,}" % (MAX_DIGITS + 1))
_POWER = re.compile(r"\^\s*(\{|\(|\d+|\\?[A-Za-z]+)")
_FORMATTING = re.compile(r"\\(?:left|right|cdot|times|big|Big|,|;|!)|\s")
MAX_NUMERIC_EXPONENT = 10_000


def refuse_formula(latex: str) -> str | None:
    """Why a formula is refused before SymPy sees it (None when it may be parsed): too long, nested too deep,
    a number of too many digits, a power tower of numbers or a huge numeric power. The worker's CPU and memory
    limits stop what this misses."""
    if len(latex) > MAX_MATH_CHARS:
        return f"a formula of {len(latex)} characters"
    if _CONTROL.search(latex):
        return "control characters in the formula"
    if nesting_depth(latex) > MAX_NESTING:
        return "a formula nested too deep"
    if _DIGIT_RUN.search(latex):
        return f"a number of more than {MAX_DIGITS} digits"
    for match in _POWER.finditer(latex):
        exponent = _group_after(latex, match.start(1))
        base = _group_before(latex, match.start())
        numeric_exponent = not re.search(r"[A-Za-z]", _FORMATTING.sub("", exponent))
        numeric_base = base is not None and not re.search(r"[A-Za-z]", _FORMATTING.sub("", base))
        if numeric_exponent and "^" in exponent:
            return "a power tower"
        if numeric_base and numeric_exponent and base is not None and "^" in base:
            return "a power tower"
        digits = re.sub(r"\D", "", exponent)
        if numeric_base and numeric_exponent and digits and len(digits) <= 12 and int(digits) > MAX_NUMERIC_EXPONENT:
            return f"a power of {int(digits)}"
        if numeric_exponent and len(digits) > 12:
            return "a huge exponent"
    return None


def _group_after(text: str, start: int) -> str:
    """The exponent that starts at `start`: a braced or parenthesised group, or one token."""
    if text[start] in "{(":
        close = _matching(text, start, +1)
        return text[start + 1 : close] if close is not None else text[start + 1 :]
    match = re.match(r"\d+|\\?[A-Za-z]+", text[start:])
    return match.group(0) if match else ""


def _group_before(text: str, caret: int) -> str | None:
    """The base of the power whose caret is at `caret`: a closed group or the number or symbol before it."""
    index = caret - 1
    while index >= 0 and text[index] == " ":
        index -= 1
    if index < 0:
        return None
    if text[index] in ")}]":
        opening = _matching(text, index, -1)
        return text[opening + 1 : index] if opening is not None else None
    match = re.search(r"(\d+(?:\.\d+)?|[A-Za-z])$", text[: index + 1])
    return match.group(1) if match else None


_PARTNER = {"(": ")", "{": "}", "[": "]", ")": "(", "}": "{", "]": "["}


def _matching(text: str, index: int, step: int) -> int | None:
    """Where the bracket at `index` is matched, walking forward (step +1) or back (-1), within MAX_MATH_CHARS."""
    bracket, partner = text[index], _PARTNER[text[index]]
    depth = 0
    stop = min(len(text), index + MAX_MATH_CHARS) if step > 0 else max(-1, index - MAX_MATH_CHARS)
    for position in range(index, stop, step):
        if text[position] == bracket:
            depth += 1
        elif text[position] == partner:
            depth -= 1
            if depth == 0:
                return position
    return None
