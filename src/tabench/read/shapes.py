"""Shapes of matrices and arrays (pure): a key `1 \\times 3` answering "what is the size of BC?" is the shape
(1, 3), not the product 3; `3 \\times 1` is another shape.

| form | example |
| --- | --- |
| LaTeX or Unicode times | `$1 \\times 3$`, `1 × 3`, `m \\times n` |
| typed | `1x3`, `3 x 1`, `2*3` (in an answer) |
| words | `1 by 3`, `3 rows and 3 columns` |
| a tuple, as NumPy prints a shape | `(1, 3)` (in an answer) |
"""

from __future__ import annotations

import re

from .final import regions
from .math import strip_markup, without_wrappers

_DIM = r"(\d{1,6}|[A-Za-z])"
# A key that is a shape and nothing else: two or three sizes joined by \times (never '3 \times 10^{8}').
_KEY_SHAPE = re.compile(rf"^\s*{_DIM}\s*(?:\\times|×)\s*{_DIM}(?:\s*(?:\\times|×)\s*{_DIM})?\s*$")
_ANSWER_SHAPE = re.compile(
    rf"(?<![\w.^])(?:{_DIM}\s*(?:\\times|×|[xX*]|\bby\b)\s*{_DIM}(?:\s*(?:\\times|×|[xX*]|\bby\b)\s*{_DIM})?(?![\w.^])"
    rf"|(\d{{1,6}})\s+rows?\s*(?:,|and|by|x|×)\s*(\d{{1,6}})\s+col(?:umn)?s?\b"
    rf"|\((\d{{1,6}})\s*,\s*(\d{{1,6}})\s*\))",
    re.I,
)
_SPACING = re.compile(r"\\[,;! ]")


def key_shape(latex: str) -> tuple[str, ...] | None:
    """The shape a key is, when it is written as sizes joined by \\times ('1 \\times 3', 'n \\times d')."""
    match = _KEY_SHAPE.match(_SPACING.sub(" ", without_wrappers(latex)))
    if match is None:
        return None
    return tuple(size for size in match.groups() if size)


def answer_shape(answer: str) -> tuple[str, ...] | None:
    """The shape an answer commits to: the first one where it commits (a box, a cue, a conclusion, bold), else
    the last one it writes."""
    for region in regions(answer):
        if region.how in ("boxed", "final answer", "conclusion", "bold"):
            shapes = _shapes(region.text)
            if shapes:
                return shapes[0]
    shapes = _shapes(answer)
    return shapes[-1] if shapes else None


def _shapes(text: str) -> list[tuple[str, ...]]:
    flat = strip_markup(_SPACING.sub(" ", without_wrappers(text)))
    return [tuple(size for size in match.groups() if size) for match in _ANSWER_SHAPE.finditer(flat)]
