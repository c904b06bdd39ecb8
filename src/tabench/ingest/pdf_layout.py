"""PDF pages -> Markdown for the structure finder, with where each Markdown line came from (pure).

- page headers and footers go: lines near the top or bottom edge that repeat on other pages (page numbers
  folded), and bare page numbers;
- two-column pages are read left column first, block by block between full-width lines;
- monospace lines become fenced code, keeping their indentation;
- the key signals of solution PDFs (pdf_keys.py) are written as the Markdown reader knows them: a marked
  option gets a filled bubble `●` in a solution block while the prompt shows every option empty; text in
  the solution colour is a solution (`BEGIN SOLUTION` … `END SOLUTION`), and where it fills blanks inside a
  printed line the prompt shows `____` there; highlighted words are the answer of their line; an answer
  drawn in a box is `\\boxed{}`; bold is `**…**`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .labels import read_label
from .pdf_keys import (BUBBLES, CHECKS, FILLED, coloured, highlighted, is_option_line, keyed_options, lettered,
                       mark_options, run_is_key, solution_colour, starts_with_label)
from .pdf_lines import Char, Line, Piece, body_size, build_lines, pieces

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]|<br\s{0,3}/?>", re.I)
_EDGE = 0.09  # the share of a page's height, top and bottom, where running heads and feet sit


@dataclass(frozen=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    def contains(self, x0: float, top: float, x1: float, bottom: float, slack: float = 1.0) -> bool:
        return x0 >= self.x0 - slack and x1 <= self.x1 + slack and top >= self.top - slack and bottom <= self.bottom + slack

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    frames: list[Box] = field(default_factory=list)  # stroked rectangles (and boxes of four rules)
    highlights: list[Box] = field(default_factory=list)  # filled rectangles in a colour, behind text
    images: list[Box] = field(default_factory=list)
    drawings: list[Box] = field(default_factory=list)  # curves and large filled shapes: vector figures
    links: list[Box] = field(default_factory=list)


@dataclass(frozen=True)
class Origin:
    """Where a Markdown line came from."""

    page: int
    top: float
    bottom: float
    lossy: bool


@dataclass
class Layout:
    text: str
    origins: list[Origin | None]  # one per Markdown line (None for lines the layout added)


def layout_markdown(pages: list[Page]) -> Layout:
    chars = [c for page in pages for c in page.chars]
    body = body_size(chars)
    fonts = Counter(c.font.split("+")[-1][:4].upper() for c in chars if c.text.strip())
    tex_roman_is_text = bool(fonts) and fonts.most_common(1)[0][0] in ("CMR1", "CMR9", "CMR8", "CMR7", "CMBX", "SFRM",
                                                                         "LMRO", "CMSS", "SFSS")
    lines_by_page = {page.number: _reading_order(build_lines(page.number, page.chars, body), page.width, body)
                     for page in pages}
    _drop_furniture(pages, lines_by_page, body)
    colour = solution_colour(pages, lines_by_page, body)
    writer = _Writer(body, tex_roman_is_text, colour, _title_line(pages, lines_by_page, body))
    for page in pages:
        writer.page(page, lines_by_page[page.number])
    return writer.layout()


# ---- reading order and page furniture ---------------------------------------------------------

def _reading_order(lines: list[Line], width: float, body: float) -> list[Line]:
    """Two-column text: each run of lines that leave a gutter free is read left column, then right."""
    gutter = _gutter(lines, width, body)
    if gutter is None:
        return lines
    ordered: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []
    for line in lines:
        if any(c.x0 < gutter < c.x1 for c in line.chars) or _spans(line, gutter, body):
            ordered += left + right
            left, right = [], []
            ordered.append(line)
            continue
        left_chars = [c for c in line.chars if c.x1 <= gutter]
        right_chars = [c for c in line.chars if c.x0 >= gutter]
        if left_chars:
            left.append(Line(line.page, left_chars, line.baseline, line.size,
                             [c for c in line.scripts if c.x1 <= gutter]))
        if right_chars:
            right.append(Line(line.page, right_chars, line.baseline, line.size,
                              [c for c in line.scripts if c.x0 >= gutter]))
    return ordered + left + right


def _spans(line: Line, gutter: float, body: float) -> bool:
    """A centred title crosses the gutter with a word gap, not a column gap."""
    before = [c.x1 for c in line.chars if c.x1 <= gutter]
    after = [c.x0 for c in line.chars if c.x0 >= gutter]
    return bool(before and after) and min(after) - max(before) < 1.5 * body


def _gutter(lines: list[Line], width: float, body: float) -> float | None:
    if len(lines) < 12:
        return None
    spans = [(line.x0, line.x1, _gaps(line, body)) for line in lines]
    best, best_crossing = None, len(lines)
    for step in range(int(0.3 * width), int(0.7 * width), 2):
        crossing = sum(1 for x0, x1, gaps in spans if x0 < step < x1 and not any(a <= step <= b for a, b in gaps))
        if crossing < best_crossing:
            best, best_crossing = float(step), crossing
    if best is None or best_crossing > 0.15 * len(lines):
        return None
    left = sum(1 for line in lines if line.x1 <= best or any(c.x1 <= best for c in line.chars))
    right = sum(1 for line in lines if any(c.x0 >= best for c in line.chars))
    return best if left >= 0.3 * len(lines) and right >= 0.3 * len(lines) else None


def _gaps(line: Line, body: float) -> list[tuple[float, float]]:
    """Spaces in a line wide enough to be a column gutter."""
    chars = sorted(line.chars, key=lambda c: c.x0)
    return [(a.x1, b.x0) for a, b in zip(chars, chars[1:]) if b.x0 - a.x1 >= 1.5 * body]


def _folded(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split())).lower()


def _drop_furniture(pages: list[Page], lines_by_page: dict[int, list[Line]], body: float) -> None:
    """Remove running heads and feet: lines at a page's edge, or set apart as its first or last line, that
    repeat on other pages (page numbers folded), and bare page numbers."""
    heights = {page.number: page.height for page in pages}

    def at_edge(lines: list[Line], index: int) -> bool:
        line, height = lines[index], heights[lines[index].page]
        if line.bottom <= _EDGE * height or line.top >= (1 - _EDGE) * height:
            return True
        ordered = sorted(lines, key=lambda l: l.top)
        if line is ordered[0] and len(ordered) > 1:
            return ordered[1].top - line.bottom > 1.5 * body
        if line is ordered[-1] and len(ordered) > 1:
            return line.top - ordered[-2].bottom > 1.5 * body
        return False

    edges = {number: [i for i in range(len(lines)) if at_edge(lines, i)] for number, lines in lines_by_page.items()}
    counts: Counter = Counter()
    for number, indexes in edges.items():
        counts.update({_folded(lines_by_page[number][i].plain()) for i in indexes})
    repeated = {text for text, count in counts.items() if count >= max(2, 0.3 * len(pages))}
    for number, indexes in edges.items():
        lines = lines_by_page[number]
        drop = {i for i in indexes if _folded(lines[i].plain()) in repeated or _PAGE_NUMBER.match(lines[i].plain().strip())}
        lines_by_page[number] = [line for i, line in enumerate(lines) if i not in drop]


# ---- writing Markdown -------------------------------------------------------------------------

def _title_line(pages: list[Page], lines_by_page: dict[int, list[Line]], body: float) -> Line | None:
    """The largest print in the top part of the first page, when it is larger than the body text."""
    if not pages:
        return None
    first = pages[0]
    candidates = [line for line in lines_by_page[first.number]
                  if line.size >= 1.25 * body and line.top < 0.4 * first.height and read_label(line.plain()) is None]
    return max(candidates, key=lambda line: line.size, default=None)


class _Writer:
    def __init__(self, body: float, tex_roman_is_text: bool, colour: tuple | None, title: Line | None):
        self.body, self.tex_roman_is_text, self.colour, self.title = body, tex_roman_is_text, colour, title
        self.out: list[str] = []
        self.origins: list[Origin | None] = []
        self.previous: Line | None = None
        self.code: list[Line] = []
        self.solution: list[tuple[str, Line]] = []  # full lines of a run in the solution colour
        self.options: list[tuple[str, Line, list | None]] = []  # a run of option lines: (text, line, lettered)
        self.mark: str | None = None  # a check mark or box set on a line of its own, for the next line

    def layout(self) -> Layout:
        self._flush_options()
        self._flush_code()
        self._flush_solution()
        return Layout("\n".join(self.out) + "\n", self.origins)

    def emit(self, text: str, line: Line | None) -> None:
        text = _BREAKS.sub(" ", text)
        if not text.strip() and len(self.out) >= 2 and not self.out[-1].strip() and not self.out[-2].strip():
            return  # no runs of blank lines (the Markdown reader shortens them, and its line numbers must match)
        self.out.append(text)
        self.origins.append(Origin(line.page, line.top, line.bottom, line.lossy) if line is not None else None)

    def page(self, page: Page, lines: list[Line]) -> None:
        for line in lines:
            self.line(page, line)
        self._flush_options()
        self._flush_code()
        self._flush_solution()
        self.emit("", None)
        self.previous = None

    def line(self, page: Page, line: Line) -> None:
        gap = line.top - self.previous.bottom if self.previous is not None else 0.0
        if self.code and line.mono and gap <= 2.5 * self.body:
            pass  # a blank line inside a listing
        elif self.previous is not None and gap > 0.8 * self.body:
            self._flush_code()
            self._flush_solution()
            if not self.options:
                self.emit("", None)
        self.previous = line
        plain = line.plain().strip()
        if plain and all(ch in CHECKS + BUBBLES for ch in plain.replace(" ", "")):
            self.mark = "☒" if any(ch in CHECKS for ch in plain) else "○"
            return
        in_colour = coloured(page, line, self.colour, 0.8) and not starts_with_label(line)  # a header stays one
        if line.mono and not in_colour:
            self._flush_solution()
            self.code.append(line)
            return
        self._flush_code()
        runs = pieces(line, self.tex_roman_is_text)
        if self.mark is not None:
            runs.insert(0, Piece(self.mark + " ", x0=line.x0 - 1, x1=line.x0 - 1))
            self.mark = None
        mark_options(page, runs, self.colour)
        before = [segment[0] for _, _, found in self.options if found for segment in found[1]]
        options = lettered(page, line, before)
        if is_option_line(runs) or options:
            self._flush_solution()
            self.options.append((self._text(page, line, runs, blank_colour=False), line, options))
            return
        self._flush_options()
        if in_colour:
            self.solution.append((self._text(page, line, runs, blank_colour=False), line))
            return
        self._flush_solution()
        if self.colour is not None and coloured(page, line, self.colour, 0.05):
            self.emit(self._text(page, line, runs, blank_colour=True), line)  # what a student sees
            self.solution.append((self._text(page, line, runs, blank_colour=False), line))
            self._flush_solution()
            return
        text = self._text(page, line, runs, blank_colour=False)
        self.emit(f"# {text.strip('* ')}" if line is self.title else text, line)
        picked = highlighted(page, line) if page.highlights else ""
        if picked:  # the printed line stays as a student sees it; the highlighted words are the answer
            self.solution.append((picked, line))
            self._flush_solution()

    # -- pieces of a line --

    def _text(self, page: Page, line: Line, runs: list[Piece], blank_colour: bool) -> str:
        boxes = [box for box in page.frames if box.height <= 3 * self.body and box.top <= line.top + 2
                 and box.bottom >= line.bottom - 2]
        out = []
        for index, run in enumerate(runs):
            text = run.text
            if blank_colour and run_is_key(page, run, self.colour):
                lead = " " if text.startswith(" ") else ""
                out.append(lead + "\\_\\_\\_\\_")
                continue
            if run.math and text.strip() and all(ch in CHECKS + BUBBLES + " " for ch in text.strip()):
                run.math = False  # a box or a check mark, not mathematics
            if run.math:
                core = text.strip()
                if not core:
                    continue
                if any(box.x0 - 3 <= run.x0 and run.x1 <= box.x1 + 3 and box.width <= run.x1 - run.x0 + 30
                       for box in boxes):
                    core = f"\\boxed{{{core}}}"  # an answer drawn in a box
                text = (" " if text.startswith(" ") else "") + f"${core}$"
            elif run.bold and text.strip() and not (index == 0 and read_label(text.strip()) is not None):
                text = (" " if text.startswith(" ") else "") + f"**{text.strip()}**"
            out.append(text)
        text = "".join(out).strip()
        if len(text) > 2 and text[-1] in "☐□■" and not any(ch in BUBBLES + FILLED for ch in text[:-1]):
            text = text[:-1] + "∎"  # the end-of-proof square, not a check box
        return text

    # -- blocks --

    def _flush_options(self) -> None:
        """Options printed with the key marked: the prompt shows them all empty, a solution block marks the key."""
        options, self.options = self.options, []
        if not options:
            return
        rendered = keyed_options(options)
        for lead, _, _, line in rendered:
            if lead:
                self.emit(lead, line)
        self.emit("", None)
        if not any(ch in FILLED for _, _, keyed, _ in rendered for ch in keyed):
            for _, shown, _, line in rendered:
                self.emit(shown, line)
            self.emit("", None)
            return
        for _, shown, _, line in rendered:  # bold or colour set the key apart: the prompt shows neither
            self.emit(re.sub(f"[{FILLED}]", "○", shown).replace("**", ""), line)
        self.solution = [(keyed, line) for _, _, keyed, line in rendered]
        self._flush_solution()

    def _flush_code(self) -> None:
        if not self.code:
            return
        left = min(line.x0 for line in self.code)
        width = min((c.x1 - c.x0 for line in self.code for c in line.chars if c.text.strip()), default=5.0) or 5.0
        self.emit("```", None)
        previous = None
        for line in self.code:
            if previous is not None and line.top - previous.bottom > 0.8 * self.body:
                self.emit("", None)
            indent = " " * max(0, round((line.x0 - left) / width))
            self.emit(indent + line.plain(), line)
            previous = line
        self.emit("```", None)
        self.code = []

    def _flush_solution(self) -> None:
        if not any(text.strip() for text, _ in self.solution):
            self.solution = []
            return
        self.emit("", None)
        self.emit("BEGIN SOLUTION", None)
        self.emit("", None)
        mono = all(line.mono for _, line in self.solution)
        if mono:
            self.emit("```", None)
        for text, line in self.solution:
            self.emit(line.plain() if mono else text, line)
        if mono:
            self.emit("```", None)
        self.emit("", None)
        self.emit("END SOLUTION", None)
        self.emit("", None)
        self.solution = []
