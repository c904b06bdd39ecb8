"""Clean up converter Markdown before it is parsed (pure).

- one kind of newline (also for HTML's `<br>`), NBSP and other odd spaces folded to a plain space, indentation
  written with `&nbsp;` entities removed;
- every check-box glyph turned into one of two canonical boxes;
- `\\( \\)` and `\\[ \\]` math turned into `$ $` and `$$ $$`;
- page headers and footers that repeat wherever a page broke removed;
- runs of more than 64 spaces and of more than two blank lines shortened (they mean nothing in Markdown, and
  the patterns that read a document then never see an unbounded run of white space).
"""

from __future__ import annotations

import re
from collections import Counter

EMPTY_BOX = "☐"
CHECKED_BOX = "☒"

_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BREAK = re.compile(r"<br\s{0,3}/?>[ \t]*\n?", re.I)
_LONG_SPACE = re.compile(r"[ \t]{65,}")
_BLANK_RUN = re.compile(r"\n(?:[ \t]*\n){3,}")
_LEADING_NBSP = re.compile(r"^(?:[ \t]|&nbsp;|&#160;|&emsp;|&ensp;)+", re.M)

_HTML_CHECKED = re.compile(r"<input\b[^>]*\bchecked\b[^>]*/?>", re.I)
_HTML_BOX = re.compile(r"<input\b[^>]*type\s*=\s*[\"']?checkbox[\"']?[^>]*/?>", re.I)
_TASK_CHECKED = re.compile(r"^(\s*[-*+]\s+)\[[xX]\](?=\s)", re.M)
_TASK_EMPTY = re.compile(r"^(\s*[-*+]\s+)\[ \](?=\s)", re.M)
# A tick written just before an empty box (the exam's "✓ ☐ (a)") marks that box.
_TICK_THEN_BOX = re.compile(r"[✓✔√]\s*[☐□○◯]")
_CHECKED_GLYPHS = re.compile(r"[☒☑■●◉]|[✓✔](?=\s)|(?<![\w\\])√(?=\s)")
_EMPTY_GLYPHS = re.compile(r"[☐□○◯❏❑]")

# A math delimiter is a backslash and a bracket after an even run of backslashes, whatever precedes them:
# `\\(x\\)y` and `a\\(\\alpha\\)` are math; in `\\\\[2pt]` and `\\\\(a)` the backslashes are a line break.
_MATH_DELIMITER = re.compile(r"(?<!\\)((?:\\\\)*)\\([()\[\]])")
_DELIMITER_AS_DOLLARS = {"(": "$", ")": "$", "[": "$$", "]": "$$"}

_KNOWN_FURNITURE = re.compile(
    r"^\s*(?:PRINT your name.*|(?:Page|Pg\.?)\s+\d+\s*(?:of|/)\s*\d+|-\s*\d+\s*-|\d+\s*/\s*\d+)\s*$",
    re.I,
)
_FENCE = re.compile(r"^\s*(```|~~~)")
_NOT_FURNITURE = re.compile(r"solution|answer|☐|☒|^\s*[-*+|>#`$]|^\s*\(|^\s*\d+[.)]", re.I)


def normalize(text: str, page_furniture: bool = True) -> str:
    """Return `text` with spaces, boxes, math delimiters and (unless a reader removed it by position already)
    page furniture normalised."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _BREAK.sub("\n", text)
    text = _LONG_SPACE.sub(lambda m: m.group()[:64], text)
    text = _BLANK_RUN.sub("\n\n\n", text)
    text = _LEADING_NBSP.sub(_indentation, text)
    text = normalize_boxes(text)
    text = _normalize_math_delimiters(text)
    return _drop_page_furniture(text) if page_furniture else text


def _indentation(match: re.Match) -> str:
    """'&nbsp;&nbsp;(i)' indents with entities: the label starts the line (as much plain space is kept)."""
    head = match.group()
    return head if "&" not in head else " " * min(3, head.count(" ") + head.count("\t"))


def normalize_boxes(text: str) -> str:
    text = _HTML_CHECKED.sub(CHECKED_BOX, text)
    text = _HTML_BOX.sub(EMPTY_BOX, text)
    text = _TASK_CHECKED.sub(lambda m: m.group(1) + CHECKED_BOX, text)
    text = _TASK_EMPTY.sub(lambda m: m.group(1) + EMPTY_BOX, text)
    text = _TICK_THEN_BOX.sub(CHECKED_BOX, text)
    text = _EMPTY_GLYPHS.sub(EMPTY_BOX, text)
    return _CHECKED_GLYPHS.sub(CHECKED_BOX, text)


def _normalize_math_delimiters(text: str) -> str:
    return _MATH_DELIMITER.sub(lambda m: m.group(1) + _DELIMITER_AS_DOLLARS[m.group(2)], text)


def _drop_page_furniture(text: str) -> str:
    lines = text.split("\n")
    in_fence = [False] * len(lines)
    fenced = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            in_fence[index] = True
        else:
            in_fence[index] = fenced
    counts = Counter(
        _digits_folded(line) for line, code in zip(lines, in_fence) if not code and _could_be_furniture(line)
    )
    # a line repeated 3 times is a running header or footer; twice is enough when it names a page
    repeated = {line for line, count in counts.items() if count >= 3 or (count >= 2 and re.search(r"\bpage\b", line, re.I))}
    kept = []
    for line, code in zip(lines, in_fence):
        if not code and (_KNOWN_FURNITURE.match(line) or _digits_folded(line) in repeated):
            kept.append("")
        else:
            kept.append(line)
    return "\n".join(kept)


def _digits_folded(line: str) -> str:
    """'CS 229 — page 1' and 'CS 229 — page 2' are the same footer."""
    return re.sub(r"\d+", "#", line.strip())


def _could_be_furniture(line: str) -> bool:
    stripped = line.strip()
    return 12 <= len(stripped) <= 100 and not _NOT_FURNITURE.search(stripped) and any(c.isalpha() for c in stripped)
