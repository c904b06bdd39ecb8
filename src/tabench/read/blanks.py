"""One answer, several blanks: the piece of the answer that answers each blank (pure).

A blank is found by its marker: its letter (`(a)`, `(A)`, `a:`, `**(b)**`, `Blank B`, `Figure (c)`), or a word
of its label (`The bug:`, `For encoder parameters …`); a table's cells by their row's name, as a Markdown row
or as prose that names each row in turn. A free-form blank with no marker of its own reads the whole answer.
"""

from __future__ import annotations

import re

from ..model import FREE_FORM_KINDS, Blank, Part
from .math import math_spans
from .plain import plain_expressions


def split_for_blanks(answer: str, part: Part) -> dict[str, str]:
    """Cut one answer into the pieces that answer each blank of the part."""
    blanks = part.blanks
    if len(blanks) == 1:
        return {blanks[0].id: answer}
    if all("." in blank.id for blank in blanks):
        return _split_table(answer, blanks)
    starts: list[tuple[int, str]] = []
    for blank in blanks:
        position = _marker_position(answer, blank)
        if position is not None:
            starts.append((position, blank.id))
    starts.sort()
    marked = {blank_id for _, blank_id in starts}
    # A free-form blank with no marker of its own (the "show your work" of a choice pair) reads the whole answer.
    pieces = {blank.id: answer for blank in blanks if blank.kind in FREE_FORM_KINDS and blank.id not in marked}
    for index, (position, blank_id) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(answer)
        pieces[blank_id] = answer[position:end]
    return pieces


def _marker_position(answer: str, blank: Blank) -> int | None:
    name = (blank.label or blank.id).strip()
    patterns = []
    letter = re.fullmatch(r"\(?([A-Za-z])\)?", name)
    if letter:
        x = re.escape(letter.group(1))
        patterns = [
            rf"\(\s*(?:\\mathbf\{{)?(?i:{x})\}}?\s*\)",
            rf"(?m)^[ \t#>*-]*(?:\*\*)?(?:Blank\s+|Part\s+|Figure\s+|Fig\.\s*)?\(?(?i:{x})\)?\s*[:.)=]",
            rf"\b(?:blank|figure|fig\.|panel|plot)\s*\(?(?i:{x})\)?",
            rf"\b{x}\s+(?:is|=)\s",
        ]
    else:
        for word in re.findall(r"[A-Za-z]{3,}", name.lower()):
            if word in ("the", "for", "and", "parameters", "code", "should", "work"):
                continue
            patterns.append(rf"(?im)^[ \t#>*-]*(?:\*\*)?[^\n]{{0,25}}\b{re.escape(word)}\w*\b")
            patterns.append(rf"(?i)\b{re.escape(word)}\w*\b")
            break
    for pattern in patterns:
        match = re.search(pattern, answer, flags=re.I if not letter else 0)
        if match:
            return match.start()
    return None


def _split_table(answer: str, blanks: list[Blank]) -> dict[str, str]:
    """Cells of an answer table: a Markdown row per table row, or prose that names each row in turn
    ('All-to-all sends n(n-1) messages of size p; a parameter server ...'), values in column order."""
    rows: dict[str, list[Blank]] = {}
    for blank in blanks:
        rows.setdefault(blank.id.split(".")[0], []).append(blank)
    starts = []
    for row_id, row_blanks in rows.items():
        row_name = (row_blanks[0].label or row_id).split(" / ")[0]
        position = _row_position(answer, row_name)
        if position is not None:
            starts.append((position, row_id))
    starts.sort()
    pieces: dict[str, str] = {}
    for index, (position, row_id) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(answer)
        segment = answer[position:end]
        line = segment.split("\n")[0]
        if line.count("|") >= 2:
            values = [c.strip() for c in line.strip().strip("|").split("|")][1:]
        else:
            values = [m for m, _ in math_spans(segment)] or plain_expressions(segment)
        for column, blank in enumerate(rows[row_id]):
            if column < len(values) and values[column].strip():
                pieces[blank.id] = values[column]
    return pieces


def _row_position(answer: str, row_name: str) -> int | None:
    """Where the answer names a row: 'All-to-All' as 'all-to-all', 'All to all', 'all-to-all communication'."""
    words = [w for w in re.findall(r"[a-z]+", row_name.lower()) if len(w) > 1]
    if not words:
        return None
    pattern = r"\b" + r"[\s\-_]*".join(re.escape(w) for w in words) + r"\b"
    match = re.search(pattern, answer, re.I)
    return match.start() if match else None

