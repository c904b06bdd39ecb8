"""The key signals of solution PDFs, read from characters' fonts, colours and the shapes behind them (pure).

| signal | read as |
| --- | --- |
| text in the document's solution colour (its commonest colour of ordinary text) | a solution; option text in it marks its option |
| a filled rectangle in a colour behind words (`\\colorbox`) | those words are the answer of their line; an option on it is marked |
| bold, coloured or highlighted text of one lettered option among plain ones (`\\CorrectChoice`) | that option is the key |
| a filled bubble or ticked box (`●`, `☒`, `■`, `√`) before an option | that option is the key |
"""

from __future__ import annotations

from collections import Counter

from .labels import read_label
from .pdf_lines import Char, Line, Piece, glyph, is_bold

BUBBLES = "○◯☐□⃝"
FILLED = "●◉☒■"
CHECKS = "√✓✔☒■●◉"
LETTERS = "ABCDEFGH"

Lettered = tuple[str, list[tuple[str, str, bool]]]  # (text before the options, [(letter, text, set apart?)])


def colour_key(colour: tuple[float, float, float]) -> tuple:
    return tuple(round(channel, 1) for channel in colour)


def in_link(page, char: Char) -> bool:
    return any(box.contains(char.x0, char.top, char.x1, char.bottom) for box in page.links)


def solution_colour(pages, lines_by_page: dict[int, list[Line]], body: float) -> tuple | None:
    """The colour solutions are printed in: the commonest colour of ordinary text (not code, not links, not bold
    or large print such as coloured titles, not lines that start with a question's or part's label)."""
    by_number = {page.number: page for page in pages}
    counts: Counter = Counter()
    for number, lines in lines_by_page.items():
        for line in lines:
            if line.mono or starts_with_label(line):
                continue  # syntax highlighting colours code, not answers; a coloured header is a header
            for char in line.chars:
                if char.colour is not None and not is_bold(char.font) and char.size <= 1.1 * body \
                        and not in_link(by_number[number], char):
                    counts[colour_key(char.colour)] += 1
    if not counts:
        return None
    colour, count = counts.most_common(1)[0]
    return colour if count >= 20 else None


def starts_with_label(line: Line) -> bool:
    label = read_label(line.plain())
    return label is not None and label.kind in ("question", "question_part", "part", "roman")


def coloured(page, line: Line, colour: tuple | None, share: float) -> bool:
    """Are at least `share` of the line's characters in the solution colour?"""
    if colour is None:
        return False
    marked = sum(1 for c in line.chars if c.colour is not None and colour_key(c.colour) == colour and not in_link(page, c))
    return marked > 0 and marked >= share * len(line.chars)


def on_highlight(page, char: Char) -> bool:
    middle_x, middle_y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
    return any(box.x0 <= middle_x <= box.x1 and box.top <= middle_y <= box.bottom for box in page.highlights)


def highlighted(page, line: Line) -> str:
    """The words of a line set on a highlight, joined by commas."""
    words: list[list[Char]] = []
    previous = None
    for char in line.chars:
        if not on_highlight(page, char):
            previous = None
            continue
        if previous is None or char.x0 - previous.x1 > 0.2 * char.size:
            words.append([])
        words[-1].append(char)
        previous = char
    return ", ".join("".join(glyph(c) for c in word) for word in words)


def run_is_key(page, run: Piece, colour: tuple | None) -> bool:
    if colour is not None and run.colour is not None and colour_key(run.colour) == colour:
        return True
    return any(box.x0 - 2 <= run.x0 and run.x1 <= box.x1 + 2 for box in page.highlights)


def mark_options(page, runs: list[Piece], colour: tuple | None) -> None:
    """A bubble or box whose option text is in the solution colour or highlighted becomes a filled one."""
    for index, run in enumerate(runs):
        stripped = run.text.strip()
        if not stripped or stripped[-1] not in BUBBLES:
            continue
        following = runs[index + 1] if index + 1 < len(runs) else None
        if following is not None and run_is_key(page, following, colour):
            run.text = run.text.rstrip()[:-1] + "●" + (" " if run.text.endswith(" ") else "")


def is_option_line(runs: list[Piece]) -> bool:
    return any(ch in BUBBLES + FILLED for run in runs for ch in run.text)


def lettered(page, line: Line, letters_before: list[str]) -> Lettered | None:
    """Options written 'A. Binomial' (or several on a line, '... A. L2 B. L1 C. none'), each with whether its
    text is set apart; None for other lines. A lone 'B.' line continues a run whose last letter was A."""
    chars = line.chars
    starts = []
    for index, char in enumerate(chars):
        letter = glyph(char)
        if letter not in LETTERS or index + 1 >= len(chars) or glyph(chars[index + 1]) not in ".)":
            continue
        after = chars[index + 2] if index + 2 < len(chars) else None
        before = chars[index - 1] if index else None
        if (before is None or char.x0 - before.x1 > 0.2 * char.size or glyph(before) == "(") \
                and (after is None or after.x0 - chars[index + 1].x1 > 0.15 * char.size):
            starts.append((index - (1 if before is not None and glyph(before) == "(" else 0), letter))
    if not starts:
        return None
    first = chr(ord(letters_before[-1]) + 1) if letters_before else "A"
    if [letter for _, letter in starts] != [chr(ord(first) + k) for k in range(len(starts))]:
        return None
    if starts[0][0] != 0 and len(starts) < 2:
        return None  # one label inside prose is no list of options
    ends = [index for index, _ in starts[1:]] + [len(chars)]
    parts = []
    for (start, letter), end in zip(starts, ends):
        body = chars[start + 2 + (glyph(chars[start]) == "(") : end]
        apart = sum(1 for c in body if is_bold(c.font) or c.colour is not None or on_highlight(page, c))
        parts.append((letter, " ".join(words(body)), bool(body) and apart >= 0.6 * len(body)))
    return " ".join(words(chars[: starts[0][0]])), parts


def keyed_options(options: list[tuple[str, Line, Lettered | None]]) -> list[tuple[str, str, str, Line]]:
    """(text before, what the prompt shows, what the solution shows, line) for a run of option lines: lettered
    options are marked where some, not all, are set apart; the prompt shows every option empty and plain."""
    segments = [segment for _, _, found in options if found for segment in found[1]]
    apart = {id(segment) for segment in segments if segment[2]}
    relative = 0 < len(apart) < len(segments)
    rendered = []
    for text, line, found in options:
        if found is None:
            rendered.append(("", text, text, line))
            continue
        lead, parts = found
        marks = ["●" if relative and id(segment) in apart else "○" for segment in parts]
        shown = " ".join(f"○ ({letter}) {body}" for letter, body, _ in parts)
        keyed = " ".join(f"{mark} {body}" for mark, (_, body, _) in zip(marks, parts))
        rendered.append((lead, shown, keyed, line))
    return rendered


def words(chars: list[Char]) -> list[str]:
    out: list[str] = []
    previous = None
    for char in chars:
        if previous is None or char.x0 - previous.x1 > 0.2 * char.size:
            out.append("")
        out[-1] += glyph(char)
        previous = char
    return [word for word in out if word]
