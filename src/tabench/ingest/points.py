"""Point values written beside questions and parts (pure).

| written | points | terms |
| --- | --- | --- |
| `(5 pts)`, `(10 points)`, `[4 pts]`, `[10 marks]`, `(4 pt)` | 5, 10, 4, 10, 4 | — |
| `(1 point or -∞)`, `(3 points each)` | 1, 3 | — |
| `(5+5 points)` | 10 | 5, 5 (the parts' points, in order) |
| `(6+6+6+6+6+6=36 points)` | 36 | 6 × 6 |
"""

from __future__ import annotations

import re

_NUMBER = r"\d+(?:\.\d+)?"
_POINTS = re.compile(
    rf"[(\[]\s{{0,3}}(?P<terms>{_NUMBER}(?:\s?\+\s?{_NUMBER})*)(?:\s?=\s?(?P<total>{_NUMBER}))?\s{{0,3}}"
    r"(?:pts?|points?|marks?)\.?(?:\s{1,3}(?:or|each|total)\b[^)\]\n]{0,80})?\s{0,3}[)\]]",
    re.I,
)
_WINDOW = 400  # point values sit near a label: only this much of the text is searched


def _match(text: str | None):
    return _POINTS.search(text[:_WINDOW]) if text else None


def parse_points(text: str | None) -> float | None:
    """'(5 pts)', '(10 points)', '[4 pts]', '(1 point or -inf)', '(5+5 points)' -> the number; None when absent."""
    match = _match(text)
    if not match:
        return None
    if match.group("total"):
        return float(match.group("total"))
    return sum(float(term) for term in re.findall(_NUMBER, match.group("terms")))


def point_terms(text: str | None) -> list[float]:
    """The summands of '(5+5 points)': [5.0, 5.0]; [] for a single value."""
    match = _match(text)
    if not match:
        return []
    terms = [float(term) for term in re.findall(_NUMBER, match.group("terms"))]
    return terms if len(terms) > 1 else []


def strip_points(text: str) -> str:
    match = _match(text)
    if not match:
        return text.strip()
    return (text[: match.start()] + text[match.end() :]).strip()


def strip_leading_points(text: str) -> str:
    """'(4 points) Compute ...' -> 'Compute ...'; points elsewhere in the text stay."""
    match = _match(text)
    return text[match.end() :].strip() if match and not text[: match.start()].strip() else text
