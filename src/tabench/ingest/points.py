"""Point values written beside questions and parts (pure)."""

from __future__ import annotations

import re

_POINTS = re.compile(
    r"[(\[]\s*(\d+(?:\.\d+)?)\s*(?:pts?|points?|marks?)\.?(?:\s+(?:or|each|total)\b[^)\]]*)?\s*[)\]]",
    re.I,
)


def parse_points(text: str | None) -> float | None:
    """'(5 pts)', '(10 points)', '[4 pts]', '(1 point or -inf)' -> the number; None when absent."""
    if not text:
        return None
    match = _POINTS.search(text)
    return float(match.group(1)) if match else None


def strip_points(text: str) -> str:
    return _POINTS.sub("", text, count=1).strip()
