"""The document as the reader finds it: items (document, questions, parts, …) holding text in order (pure).

An item's `content` keeps, in document order, blocks of text (a role: what a student sees, or what only the key
shows), the items below it, and the lists met in its text, which are settled later (a list of parts, a list of
options, or plain text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...model import Figure

PROMPT = "prompt"
SOLUTION = "solution"

_ROMANS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv", "xvi",
           "xvii", "xviii", "xix", "xx"]
_GREEK = "αβγδεζηθικλμνξοπρστυφχψω"


@dataclass
class Block:
    role: str
    text: str


@dataclass
class Choices:
    """The options of one choice question, in document order, and which of them the key marks."""

    options: list[str] = field(default_factory=list)
    correct: list[int] = field(default_factory=list)
    several: bool = False  # check boxes: select all that apply
    labels: list[str] | None = None  # as printed; None: A, B, C… (what the exam class prints)


@dataclass
class Item:
    """The document (level 0), a question (1), a part (2), a sub-part (3) or a sub-sub-part (4)."""

    level: int
    label: str | None = None
    number: int | None = None
    title: str = ""
    points: float | None = None
    bonus: bool = False
    origin: str = "macro"  # how it was opened: macro, list, text, heading, environment
    heading: int | None = None  # opened by a heading of this level (1 = \section)
    parent: Item | None = field(default=None, repr=False)
    content: list = field(default_factory=list)  # Block | Item | ListRecord
    choices: list[Choices] = field(default_factory=list)
    fillins: list[str] = field(default_factory=list)  # answers written into \fillin / \answerline
    figures: list[Figure] = field(default_factory=list)  # figures shown with the question text
    marked: list[str] = field(default_factory=list)  # text the key marks (highlighted, coloured)
    marked_in_prompt: bool = False  # coloured text in what a student sees (an option list's key, maybe)

    def children(self) -> list[Item]:
        return [x for x in self.content if isinstance(x, Item)]

    def blocks(self, role: str) -> list[str]:
        return [x.text for x in self.content if isinstance(x, Block) and x.role == role and x.text.strip()]

    def text(self, role: str) -> str:
        return "\n\n".join(self.blocks(role)).strip()

    def holds_answer(self) -> bool:
        """Does the key say anything here or below (a solution, a marked choice, a filled-in blank)?"""
        if self.blocks(SOLUTION) or self.fillins or self.marked or any(c.correct for c in self.choices):
            return True
        return any(x.holds_answer() for x in self.content if isinstance(x, (Item, ListRecord)))

    def add(self, role: str, text: str, new_block: bool = False) -> None:
        last = self.content[-1] if self.content else None
        if isinstance(last, Block) and last.role == role and not new_block:
            last.text += text
        else:
            self.content.append(Block(role, text))


@dataclass
class ListRecord:
    """An itemize/enumerate met in an item's text: parts, options or plain text, decided when settled."""

    role: str
    style: str  # arabic, alph, Alph, roman, Roman, bullet
    items: list[Item] = field(default_factory=list)

    def holds_answer(self) -> bool:
        return any(item.holds_answer() for item in self.items)


def render_list(record: ListRecord, indent: str = "") -> str:
    """A list as the compiled document shows it: '(a) …', '1. …', '- …' lines."""
    lines = []
    for index, entry in enumerate(record.items):
        if record.style == "bullet":
            marker = "-"
        elif record.style in ("alph", "Alph", "roman", "Roman") and not (entry.label or "").startswith("("):
            marker = f"({entry.label})"
        else:
            marker = entry.label if (entry.label or "").endswith((".", ")")) else f"{entry.label}."
        text = flatten(entry, indent + "   ").strip()
        lines.append(f"{indent}{marker} {text}")
    return "\n".join(lines)


def flatten(item: Item, indent: str = "") -> str:
    """All the text of an item and what it holds, in order, lists written out as lines."""
    pieces = []
    for x in item.content:
        if isinstance(x, Block):
            pieces.append(x.text)
        elif isinstance(x, ListRecord):
            pieces.append("\n" + render_list(x, indent) + "\n")
        elif isinstance(x, Item):
            pieces.append(f"\n({x.label}) " + flatten(x, indent))
    return "".join(pieces)


def list_label(style: str, index: int) -> str:
    """The label the compiled document prints for the item at `index` (0-based) of a list in this style."""
    number = index + 1
    if style == "alph":
        return _letters(number)
    if style == "Alph":
        return _letters(number).upper()
    if style == "roman":
        return _ROMANS[index] if index < len(_ROMANS) else str(number)
    if style == "Roman":
        return (_ROMANS[index] if index < len(_ROMANS) else str(number)).upper()
    if style == "greek":
        return _GREEK[index] if index < len(_GREEK) else str(number)
    return str(number)


def _letters(number: int) -> str:
    text = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def roman_index(label: str) -> int | None:
    return _ROMANS.index(label) if label in _ROMANS else None


def clean_label(text: str) -> str:
    """'(a)' -> 'a', 'ii.' -> 'ii', '3)' -> '3'; what a part id uses."""
    return re.sub(r"[\s().:\[\]]", "", text)
