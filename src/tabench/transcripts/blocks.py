"""Cut answering text into labelled answer blocks (pure, linear in the text).

Labels are the writer's own, in any of the forms `labels.py` reads. They nest:
a part label sits under the last question label (or the question a user turn
asked for: "Solve question 4 parts (d), (e)", "now do question 7"), a numeral
under the last part, whatever the heading levels. A writer keeps one style per
level, so once a question's parts are `(a)`, `(b)`, a list `A)`, `B)` inside
an answer is text; a part label must come after the last one (`(c)` after
`(b)`), so `(a)` quoted inside the answer to (c) is text too. A bare `1)`
right under a question may stand for its first part (kept as a weak label
that alignment may overrule); inside a part it is a list item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .labels import ROMANS, Label, read_label
from .turns import Turn

_FENCE = re.compile(r"\s{0,3}(```|~~~)")
_ASKED = re.compile(
    r"\b(?:(?:solve|answer|do|try)\s+(?:question\s+|problem\s+|exercise\s+|q)?|(?:question|problem|exercise)\s+)#?"
    r"(\d{1,3})(?:\s?\(([a-h])\)(?!\s*,|\s*and\b)|\b)",
    re.I,
)
_INDEX_TURN = re.compile(r"\bindex(?:ing)?\b|\blist (?:all )?the questions\b", re.I)
_QUESTION_WORDS = ("question", "problem", "exercise", "task", "q")
ASKED_CHARS = 3000  # how much of a user turn is kept beside the blocks that answer it


@dataclass
class Block:
    question: str | None  # "3", or a write-up's decimal number "1.1.1"
    part: str | None  # "b", or "2" where the writer numbers parts
    sub: str | None  # "ii"
    title: str
    lines: list[str] = field(default_factory=list)  # the label line (when it says more than the label) and the body
    line: int = 0
    turn: int = 0
    heading: bool = False  # lines[0] is the label line
    strong: bool = True  # False for a bare enumeration ("1)") that may be a list item rather than a label
    asked: str = ""  # the user turn this block answers (what the user asked, for alignment by content)
    part_hint: str | None = None  # a part id the export itself gives the reply (tabench's own run logs)

    @property
    def label(self) -> str:
        return ".".join(x for x in (self.question, self.part, self.sub) if x)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


def answer_blocks(turns: list[Turn]) -> list[Block]:
    """Blocks of every answering turn, labelled with the writer's numbering."""
    blocks: list[Block] = []
    asked: tuple[str | None, str | None] = (None, None)  # the question, and the part when only one is asked for
    writeup = len(turns) == 1 and turns[0].role == "document"
    previous_user = ""
    for index, turn in enumerate(turns):
        if turn.role == "user":
            found = _ASKED.search(turn.text[:ASKED_CHARS])
            asked = (found.group(1), found.group(2)) if found else asked
            previous_user = turn.text
            continue
        if turn.role != "assistant" and not (writeup and turn.role == "document"):
            continue  # front matter of a chat export, the reader's own sections
        if _INDEX_TURN.search(turn.title) or _INDEX_TURN.search(previous_user[:ASKED_CHARS]):
            continue  # a table of contents of the questions, not answers
        blocks += _blocks_of(turn, index, asked, writeup, previous_user[:ASKED_CHARS])
    return blocks if writeup else _without_bare_headings(blocks)


def _without_bare_headings(blocks: list[Block]) -> list[Block]:
    """'## 3. Variational Information Bottleneck' right above '### (a)': a heading, not an answer."""
    kept = []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        body = block.lines[1:] if block.heading else block.lines
        substantive = [line for line in body if line.strip()]
        nested = following is not None and block.label and following.label.startswith(block.label + ".")
        if nested and len(substantive) <= 1:
            # a heading; a line under it (a reader's mark placed before the answer) moves down with it
            insert_at = 1 if following.heading else 0
            following.lines[insert_at:insert_at] = substantive
            continue
        kept.append(block)
    return kept


@dataclass
class _Context:
    """Where the writer is: the question, part and numeral of the last label, and how the parts are written."""

    question: str | None
    part: str | None = None
    sub: str | None = None
    part_style: tuple | None = None  # (case, style) of this question's part labels


def _blocks_of(turn: Turn, turn_index: int, asked: tuple, writeup: bool, asked_text: str) -> list[Block]:
    question, part = asked
    context = _Context(question)  # the part asked for is not the context: the reply may still label it "(a)"
    current = Block(question, part if question else None, None, "", [], turn.line, turn_index, asked=asked_text,
                    part_hint=turn.part_id)
    blocks = [current]
    in_code = False
    for offset, line in enumerate(turn.text.split("\n")):
        if _FENCE.match(line):
            in_code = not in_code
        label = None if in_code or line.lstrip().startswith("|") or "\t" in line else read_label(line)
        placed = _place(label, context, writeup) if label else None
        if placed is None:
            current.lines.append(line)
            continue
        label_question, label_part, sub, strong = placed
        context.question, context.part, context.sub = label_question, label_part, sub
        title = label.title
        current = Block(label_question, label_part, sub, title, [line] if title else [], turn.line + offset, turn_index,
                        heading=bool(title), strong=strong, asked=asked_text, part_hint=turn.part_id)
        blocks.append(current)
    return [b for b in blocks if b.text or b.label and b is not blocks[0]]  # not the empty start of a reply


def _place(label: Label, context: _Context, writeup: bool) -> tuple | None:
    """(question, part, sub, strong) of a new block, or None when the label is text of the current one."""
    components, kinds = label.components, label.kinds
    first_is_number = kinds[0] == "number"
    question_keyword = label.keyword in _QUESTION_WORDS
    if first_is_number and label.keyword != "part":
        if all(kind == "number" for kind in kinds) and len(components) > 1:
            return ".".join(components), None, None, True  # decimal numbering: "1.1.1", "3.2"
        explicit = question_keyword or len(components) > 1 or label.marked
        if label.bare:
            explicit = writeup
        if explicit:
            context.part_style = _style(label) if len(components) > 1 else None
            return components[0], _at(components, 1), _at(components, 2), True
        if writeup and _next_question(label, context):
            context.part_style = None
            return components[0], None, None, False  # "2. Comparing Distributions" in a typed write-up
        return _enumerated_part(label, context)
    if kinds[0] == "number":  # "Part 2"
        return _enumerated_part(label, context, keyword=True)
    value = components[0]
    if kinds[0] == "roman" or kinds[0] == "letter/roman" and _is_numeral(value, context):
        return _numeral(label, value, context)
    return _lettered_part(label, value, context)


def _lettered_part(label: Label, letter: str, context: _Context) -> tuple | None:
    style = _style(label)
    if context.part is not None and context.question is not None:
        later = context.part.isalpha() and letter > context.part or context.part.isdigit()
        if not later:
            return None
        if context.part_style and style != context.part_style and not label.marked and context.part.isalpha():
            return None  # "A)" "B)" choices inside the answer to "(b)"
    if len(letter) > 1 or letter > "h" and not (context.part and ord(letter) == ord(context.part) + 1):
        return None  # parts run (a)…(h); (i) only right after (h)
    context.part_style = style
    sub = label.components[1] if len(label.components) > 1 else None
    return context.question, letter, sub, True


def _enumerated_part(label: Label, context: _Context, keyword: bool = False) -> tuple | None:
    """`1)`, `(2)`, `Part 2` right under a question: its parts numbered instead of lettered."""
    number = label.components[0]
    if context.question is None and not keyword:
        return None  # a numbered list with no question to belong to
    if context.part is not None and not (context.part.isdigit() and int(number) > int(context.part)):
        return None  # a list inside the answer to a part
    if context.part is None and number != "1" and not keyword:
        return None
    context.part_style = _style(label)
    return context.question, number, _at(label.components, 1), keyword or label.marked


def _next_question(label: Label, context: _Context) -> bool:
    """A write-up's `N. Title` line: the next question when N follows the current one and a short title follows."""
    number = int(label.components[0])
    title = label.title
    if label.style != "x." or not title[:1].isupper() or len(title) > 120:
        return False
    current = context.question
    return current is None and number == 1 or current is not None and current.isdigit() and number == int(current) + 1


def _is_numeral(value: str, context: _Context) -> bool:
    """(i), (v), (x): a numeral under a part, unless the parts have run up to the letter before it."""
    if context.part is None:
        return False
    return not (context.part.isalpha() and ord(value) == ord(context.part) + 1 and context.sub is None)


def _numeral(label: Label, numeral: str, context: _Context) -> tuple | None:
    if context.part is None or numeral not in ROMANS:
        return None
    if context.sub is not None and ROMANS.index(numeral) <= ROMANS.index(context.sub):
        return None
    return context.question, context.part, numeral, True


def _style(label: Label) -> tuple:
    return ("upper" if label.upper else "lower", label.style)


def _at(values: tuple, index: int) -> str | None:
    return values[index] if index < len(values) else None
