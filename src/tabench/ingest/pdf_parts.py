"""PDF pages -> ProblemSet: the Markdown reader over the page layout, then what only the pages know (pure).

- Figures: a part that shows a figure (an image, or a vector drawing) between its label and its solution,
  or whose question shows one before its parts, gets `Part.figures` with the page and region, and
  `needs_figure`; a part whose text asks for a figure that cannot be located gets its whole page.
- Unreliable keys: a numeric or expression key read from PDF math that had to be rebuilt (sub- and
  superscripts, stacked fractions, big operators, glyphs without text) is marked `Blank.unreliable`, so a
  checker never turns a garbled key into a wrong verdict: the judge or a person decides.
"""

from __future__ import annotations

from ..model import Figure, ProblemSet
from .markdown import PartSpan, parse_with_spans
from .normalize import normalize
from .pdf_layout import Box, Layout, Origin, Page, layout_markdown

UNRELIABLE = "read from PDF math that may be garbled (fractions, sub- and superscripts)"


def problem_set_from_pages(pages: list[Page], source: str | None = None, fallback_title: str = "Problem set") -> ProblemSet:
    layout = layout_markdown(pages)
    problem_set, spans = parse_with_spans(layout.text, source, fallback_title, page_furniture=False)
    if len(normalize(layout.text, page_furniture=False).split("\n")) != len(layout.origins) + 1:
        return problem_set  # line numbers do not match the layout: no positions to go by
    regions = {page.number: _figure_regions(page) for page in pages}
    sizes = {page.number: (page.width, page.height) for page in pages}
    starts = sorted({span.first for span in spans.values()} | {span.question for span in spans.values()})
    unreliable = []
    for part in problem_set.parts():
        span = spans.get(part.id)
        if span is None:
            continue
        shown = [(page, box) for page, box in _regions_in(_extent(layout, span.first, _next_start(span, starts, layout)),
                                                           regions) if not _in_solution(layout, span, page, box)]
        if not shown and span.question != span.first:
            first_part = min(s.first for s in spans.values() if s.question == span.question)
            shown = _regions_in(_extent(layout, span.question, first_part), regions)
        if shown:
            part.needs_figure = True
            part.figures = [Figure(page=page, bbox=[box.x0, box.top, box.x1, box.bottom]) for page, box in shown]
        elif part.needs_figure and not part.figures:
            page = _page_of(layout, span.first)
            if page is not None:
                width, height = sizes[page]
                part.figures = [Figure(page=page, bbox=[0.0, 0.0, width, height])]
        if any(_origin(layout, line) is not None and _origin(layout, line).lossy for line in span.solution):
            for blank in part.blanks:
                if blank.kind in ("numeric", "expression"):
                    blank.unreliable = UNRELIABLE
                    if part.id not in unreliable:
                        unreliable.append(part.id)
    if unreliable:
        problem_set.warnings.append(f"the keys of part{'s' if len(unreliable) > 1 else ''} {', '.join(unreliable)} were "
                                    f"{UNRELIABLE}: they are graded by the judge or a person, not checked exactly")
    return problem_set


def _origin(layout: Layout, line: int) -> Origin | None:
    return layout.origins[line] if 0 <= line < len(layout.origins) else None


def _page_of(layout: Layout, line: int) -> int | None:
    for index in range(max(0, line), len(layout.origins)):
        if layout.origins[index] is not None:
            return layout.origins[index].page
    return None


def _next_start(span: PartSpan, starts: list[int], layout: Layout) -> int:
    """The line where the next part or question starts."""
    following = [line for line in starts if line > span.first]
    return following[0] if following else len(layout.origins)


def _in_solution(layout: Layout, span: PartSpan, page: int, box: Box) -> bool:
    """A figure set among the lines of the part's solution (between its first and last line) is the solution's."""
    origins = [o for o in (_origin(layout, line) for line in span.solution) if o is not None and o.page == page]
    if not origins:
        return False
    middle = (box.top + box.bottom) / 2
    return min(o.top for o in origins) <= middle <= max(o.bottom for o in origins)


def _extent(layout: Layout, start: int, end: int) -> list[tuple[int, float, float]]:
    """(page, top, bottom) of the page area from line `start` up to line `end` (exclusive)."""
    origins = [o for o in layout.origins[max(0, start) : max(start, end)] if o is not None]
    if not origins:
        return []
    after = next((o for o in layout.origins[end:] if o is not None), None)
    areas: dict[int, list[float]] = {}
    for origin in origins:
        area = areas.setdefault(origin.page, [origin.top, origin.bottom])
        area[0], area[1] = min(area[0], origin.top), max(area[1], origin.bottom)
    last = origins[-1].page
    if after is not None and after.page == last:
        areas[last][1] = max(areas[last][1], after.top)
    elif after is not None or last in areas:
        areas[last][1] = float("inf")  # to the foot of the page
    return [(page, top, bottom) for page, (top, bottom) in areas.items()]


def _regions_in(extent: list[tuple[int, float, float]], regions: dict[int, list[Box]]) -> list[tuple[int, Box]]:
    found = []
    for page, top, bottom in extent:
        for box in regions.get(page, []):
            middle = (box.top + box.bottom) / 2
            if top <= middle <= bottom:
                found.append((page, box))
    return found


def _figure_regions(page: Page) -> list[Box]:
    """Images, and vector drawings merged into the regions they cover (small marks left out)."""
    boxes = [box for box in page.images if box.width > 20 and box.height > 20]
    drawings = sorted(page.drawings, key=lambda b: (b.top, b.x0))
    merged: list[Box] = []
    for box in drawings:
        for index, other in enumerate(merged):
            if box.x0 <= other.x1 + 6 and box.x1 >= other.x0 - 6 and box.top <= other.bottom + 6 and box.bottom >= other.top - 6:
                merged[index] = Box(min(box.x0, other.x0), min(box.top, other.top), max(box.x1, other.x1),
                                    max(box.bottom, other.bottom))
                break
        else:
            merged.append(box)
    boxes += [box for box in merged if box.width > 40 and box.height > 40]
    return boxes
