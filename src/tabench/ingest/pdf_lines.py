"""A PDF page's characters -> lines of Markdown text, with what each character's font and colour say (pure).

Characters come from pdfplumber (text, font, size, position, fill colour). A line is a run of characters on
one baseline; smaller characters just above or below it (sub- and superscripts, the numerator and denominator
of a small fraction) join the nearest line and are written back as `^{}`, `_{}` and `\\frac{}{}` inside `$…$`.
That reconstruction is a guess, so such a line is marked `lossy`: a reference answer read from it is not
trusted for exact checking. Bold runs are written `**…**`, monospace lines become code, and runs in a colour
are kept apart (the layout decides what a colour means).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

# Font families that set mathematics (TeX's Computer Modern and AMS fonts, their Latin Modern and other clones).
_MATH_FONTS = re.compile(r"CMMI|CMSY|CMEX|CMBSY|MSAM|MSBM|EUFM|EUSM|EUEX|RSFS|LMMath|STIXMath|CambriaMath|Symbol|"
                         r"txsy|pxsy|txex|pxex|rtxmi|rpxmi|MathJax", re.I)
_TEX_ROMAN = re.compile(r"^(?:CMR|CMBX|CMTI|CMSL|LMRoman|SFRM|SFBX)", re.I)  # text or math digits, by document
_MONO = re.compile(r"Mono|NimbusMon|Courier|\bpcr|CMTT|SFTT|txtt|Typewriter|Consol|Inconsolata|Menlo|LMMono|SourceCode|Code|Fixed",
                   re.I)
_BOLD = re.compile(r"Bold|Black|Heavy|Semibold|Demi|-Medi|CMBX|SFBX|\bBX|Bd\b", re.I)
# Glyphs of symbol fonts that have no Unicode mapping: (font family, character code) -> the box they draw.
# (wasysym: \Circle, \CIRCLE, \Square, \CheckedBox, \XBox; amssymb: \square, \blacksquare; pifont: \ding{51}...)
_SYMBOL_GLYPHS = {("wasy", 35): "○", ("wasy", 32): "●", ("wasy", 36): "●", ("wasy", 50): "☐", ("wasy", 51): "☒",
                  ("wasy", 52): "☒", ("msam", 3): "☐", ("msam", 4): "■", ("ding", 51): "✓", ("ding", 52): "✓",
                  ("ding", 55): "☒", ("ding", 56): "☒", ("ding", 111): "☐", ("ding", 113): "☐", ("ding", 110): "■"}
_CID = re.compile(r"\(cid:(\d+)\)")
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st", "\u20dd": "○", "◯": "○"}


@dataclass(frozen=True)
class Char:
    text: str
    font: str
    size: float
    x0: float
    x1: float
    top: float
    bottom: float
    baseline: float
    colour: tuple[float, float, float] | None = None  # fill colour as RGB; None for black or grey


@dataclass
class Line:
    page: int
    chars: list[Char]
    baseline: float
    size: float
    scripts: list[Char] = field(default_factory=list)  # smaller characters set above or below the baseline
    hidden: int = 0  # glyphs without text set with this line (pieces of big brackets): the math was not all read

    def box(self) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) around the line's characters, scripts included."""
        chars = self.chars + self.scripts
        return min(c.x0 for c in chars), min(c.top for c in chars), max(c.x1 for c in chars), max(c.bottom for c in chars)

    x0 = property(lambda self: self.box()[0])
    top = property(lambda self: self.box()[1])
    x1 = property(lambda self: self.box()[2])
    bottom = property(lambda self: self.box()[3])

    @property
    def mono(self) -> bool:
        return all(_MONO.search(c.font) for c in self.chars)

    @property
    def lossy(self) -> bool:
        """Set in lines: sub/superscripts, fractions, big operators or glyphs without Unicode were rebuilt."""
        return bool(self.scripts or self.hidden) or any(_is_big_operator(c) or _CID.search(c.text) for c in self.chars)

    def plain(self) -> str:
        """The line's text without markup (for comparing lines across pages)."""
        return _join(self.chars, lambda c: glyph(c))


def glyph(char: Char) -> str:
    """The character's text; a glyph of a symbol font without Unicode mapping as the box or bubble it draws."""
    cid = _CID.fullmatch(char.text)
    if cid is None:
        if "\ue000" <= char.text[:1] <= "\uf8ff":
            return ""  # private use: pieces of big brackets
        return _LIGATURES.get(char.text, char.text)
    font = char.font.lower()
    family = next((name for name in ("wasy", "ding", "msam") if name in font), None)
    return _SYMBOL_GLYPHS.get((family, int(cid.group(1))), "") if family else ""


def is_math_font(font: str, tex_roman_is_text: bool) -> bool:
    name = font.split("+")[-1]
    return bool(_MATH_FONTS.search(name)) or (not tex_roman_is_text and bool(_TEX_ROMAN.match(name)))


def is_bold(font: str) -> bool:
    return bool(_BOLD.search(font.split("+")[-1]))


def _is_big_operator(char: Char) -> bool:
    return "CMEX" in char.font or "EUEX" in char.font


def body_size(chars: list[Char]) -> float:
    sizes = [round(c.size, 1) for c in chars if c.text.strip()]
    return statistics.mode(sizes) if sizes else 10.0


def build_lines(page_number: int, chars: list[Char], body: float) -> list[Line]:
    """Characters grouped into lines by baseline, scripts attached to the line they belong to, top to bottom."""
    visible = [c for c in chars if c.text.strip() and glyph(c)]
    ordered = sorted(visible, key=lambda c: (round(c.baseline, 1), c.x0))
    rows: list[Line] = []
    for char in ordered:
        row = rows[-1] if rows else None
        if row is not None and abs(char.baseline - row.baseline) <= max(1.0, 0.2 * min(char.size, row.size)):
            row.chars.append(char)
        else:
            rows.append(Line(page_number, [char], char.baseline, char.size))
    for row in rows:
        row.size = max(c.size for c in row.chars)
    lines = [row for row in rows if not _is_script_row(row, body)]
    scripts = [row for row in rows if _is_script_row(row, body)]
    boxes = {id(line): line.box() for line in lines}
    for row in scripts:
        host = _host(row, lines, body, boxes)
        if host is None:
            lines.append(row)
            boxes[id(row)] = row.box()
        else:
            host.scripts.extend(row.chars)
    for char in (c for c in chars if c.text.strip() and not glyph(c)):
        host = _host(Line(page_number, [char], char.baseline, char.size), lines, 2 * body, boxes)
        if host is not None:
            host.hidden += 1
    for line in lines:
        line.chars.sort(key=lambda c: c.x0)
        line.scripts.sort(key=lambda c: c.x0)
    return sorted(lines, key=lambda line: (line.baseline, line.x0))


def _is_script_row(row: Line, body: float) -> bool:
    return row.size < 0.85 * body


def _host(row: Line, lines: list[Line], body: float, boxes: dict[int, tuple] | None = None) -> Line | None:
    """The full-size line a row of small characters is set against (within 0.75 of a line height, overlapping).
    `boxes` holds the lines' boxes, measured once."""
    best, distance = None, 0.75 * body
    x0, _, x1, _ = row.box()
    for line in lines:
        line_x0, _, line_x1, _ = boxes[id(line)] if boxes else line.box()
        gap = abs(line.baseline - row.baseline)
        if x0 < line_x1 + body and x1 > line_x0 - body and gap <= distance:
            best, distance = line, gap
    return best


# ---- writing a line as Markdown ---------------------------------------------------------------------

@dataclass
class Piece:
    """A run of one style within a line."""

    text: str
    bold: bool = False
    mono: bool = False
    math: bool = False
    colour: tuple[float, float, float] | None = None
    x0: float = 0.0
    x1: float = 0.0


def pieces(line: Line, tex_roman_is_text: bool) -> list[Piece]:
    """The line as styled runs, scripts and fractions written in LaTeX inside math runs."""
    items = _with_scripts(line)
    result: list[Piece] = []
    previous_x1 = None
    for text, char, is_math in items:
        gap = previous_x1 is not None and char.x0 - previous_x1 > 0.2 * max(char.size, 4.0)
        math = is_math or is_math_font(char.font, tex_roman_is_text)
        style = (is_bold(char.font) and not math, bool(_MONO.search(char.font)), math, char.colour)
        last = result[-1] if result else None
        digits_join = last is not None and last.math and (text.isdigit() or text in "=+-−()[],.<>") and not gap \
            and style[3] == last.colour
        if last is not None and ((last.bold, last.mono, last.math, last.colour) == style or digits_join):
            last.text += (" " if gap else "") + text
            last.x1 = char.x1
        else:
            result.append(Piece((" " if gap else "") + text, *style, x0=char.x0, x1=char.x1))
        previous_x1 = max(previous_x1 or char.x1, char.x1)
    return _join_math(result)


_OPERATORS = re.compile(r"[\s\d=+\-−×·*/<>≤≥()\[\],.]*")


def _join_math(runs: list[Piece]) -> list[Piece]:
    """'$Ax$ = $b$' -> '$Ax = b$': operators and digits in the text font between two math runs are math."""
    joined: list[Piece] = []
    index = 0
    while index < len(runs):
        run = runs[index]
        if (joined and joined[-1].math and run.math is False and index + 1 < len(runs) and runs[index + 1].math
                and _OPERATORS.fullmatch(run.text) and not re.search(r"[.,;]\s", run.text)
                and run.colour == joined[-1].colour == runs[index + 1].colour
                and not run.bold and not run.mono):
            after = runs[index + 1]
            joined[-1].text += run.text + after.text
            joined[-1].x1 = after.x1
            index += 2
            continue
        joined.append(run)
        index += 1
    return joined


def _with_scripts(line: Line) -> list[tuple[str, Char, bool]]:
    """(text, the character it stands for, is it math) in reading order, scripts folded in as LaTeX."""
    items = [(glyph(c), c, False) for c in line.chars]
    if not line.scripts:
        return items
    clusters: list[list[Char]] = []
    for char in line.scripts:
        if clusters and char.x0 - max(c.x1 for c in clusters[-1]) < 0.3 * line.size:
            clusters[-1].append(char)
        else:
            clusters.append([char])
    for cluster in clusters:
        latex = _script_latex(cluster, line.baseline, line.size)
        anchor = min(cluster, key=lambda c: c.x0)
        items.append((latex, anchor, True))
    items.sort(key=lambda item: item[1].x0)
    # a base character right before a script is math too (the k of k_{1})
    for index in range(len(items) - 1):
        text, char, is_math = items[index]
        if items[index + 1][2] and not is_math and text.strip() and items[index + 1][1].x0 - char.x1 < 0.5:
            items[index] = (text, char, True)
    return items


def _script_latex(cluster: list[Char], baseline: float, size: float) -> str:
    above = [c for c in cluster if c.baseline < baseline - 0.1 * size]
    below = [c for c in cluster if c.baseline > baseline + 0.1 * size]
    if above and below and _overlap(above, below):
        return f"\\frac{{{_join(above, glyph)}}}{{{_join(below, glyph)}}}"
    if above and not below:
        return f"^{{{_join(cluster, glyph)}}}"
    if below and not above:
        return f"_{{{_join(cluster, glyph)}}}"
    return _join(cluster, glyph)


def _overlap(first: list[Char], second: list[Char]) -> bool:
    a0, a1 = min(c.x0 for c in first), max(c.x1 for c in first)
    b0, b1 = min(c.x0 for c in second), max(c.x1 for c in second)
    return min(a1, b1) - max(a0, b0) > 0.3 * min(a1 - a0, b1 - b0)


def _join(chars: list[Char], text_of) -> str:
    out = ""
    previous = None
    for char in sorted(chars, key=lambda c: c.x0):
        if previous is not None and char.x0 - previous.x1 > 0.2 * max(char.size, 4.0):
            out += " "
        out += text_of(char)
        previous = char
    return out
