"""Cut answering text into labelled answer blocks (pure).

Labels are the writer's own: `### 1. Title`, `Problem 2 — KL divergence`,
`(b)`, `Part (b): ...`, `**ii. ...**`, `Q3(b)`, `1.1.1 Title`. A part label
nests under the last question label (or the question a user turn asked for:
"Solve question 4 parts (d), (e)"), a numeral under the last part, whatever
the heading levels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..ingest.points import strip_points
from .turns import Turn

_FENCE = re.compile(r"^\s*(```|~~~)")
_QUESTION = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*(?:(?:Question|Problem|Exercise|Q)\s*(\d{1,3})|(\d{1,3})(?:[.)]|(?=\s*\([a-h]\))))"
    r"(?:\s*\(([a-h])\))?(?:\s*\((i{1,3}|iv|v|vi{0,3})\))?\s*(?:[—–:.-]\s*)?(?:\*\*|__)?\s*(.*)$",
    re.I,
)
_DOTTED = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:#{1,6}\s*)?(?:\*\*|__)\s*(?:Part\s+|Question\s+|Q)?(\d{1,3})(?:\.([a-h])(?:\.(i{1,3}|iv|v|vi{0,3}))?)?"
    r"\s*[:.)]?\s*(?:\*\*|__)\s*[:.)]?\s*(.*)$",
    re.I,
)
_PLAIN_DOTTED = re.compile(r"^\s*(?:[-*+]\s+)?(\d{1,3})\.([a-h])(?:\.(i{1,3}|iv|v|vi{0,3}))?[.):]?\s+(.*)$")
_DECIMAL = re.compile(r"^\s*(?:#{1,6}\s*)?(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+([A-Z(][^\n]{0,120})$")
_WRITEUP_TOP = re.compile(r"^\s*(?:#{1,6}\s*)?(\d{1,2})\s+([A-Z][^\n]{0,120})$")
_PART = re.compile(
    r"^\s*(?:[-*+]\s+)*(?:#{1,6}\s*)?(?:\*\*|__)?\s*(?:Part\s+\(?([a-h])\)?[:.)]?|\(([a-h])\)|([a-h])\))(?:\*\*|__)?[:.]?\s*(.*)$"
)
_ROMAN = re.compile(r"^\s*(?:[-*+]\s+)*(?:#{1,6}\s*)?(?:\*\*|__)?\s*\(?(i{1,3}|iv|v|vi{0,3})[.)]\s+(.*)$")
_ASKED = re.compile(r"\b(?:solve|answer|do|question)\s+(?:question\s+|problem\s+|q)?(\d{1,3})\b", re.I)
_INDEX_TURN = re.compile(r"\bindex(?:ing)?\b|\blist (?:all )?the questions\b", re.I)
_ROMANS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"]


@dataclass
class Block:
    question: str | None
    part: str | None
    sub: str | None
    title: str
    lines: list[str] = field(default_factory=list)  # the label line (when it says more than the label) and the body
    line: int = 0
    turn: int = 0
    heading: bool = False  # lines[0] is the label line

    @property
    def label(self) -> str:
        return ".".join(x for x in (self.question, self.part, self.sub) if x)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


def answer_blocks(turns: list[Turn]) -> list[Block]:
    """Blocks of every answering turn, labelled with the writer's numbering."""
    blocks: list[Block] = []
    asked: str | None = None
    writeup = len(turns) == 1 and turns[0].role == "document"
    previous_user = ""
    for index, turn in enumerate(turns):
        if turn.role == "user":
            found = _ASKED.search(turn.text)
            asked = found.group(1) if found else asked
            previous_user = turn.text
            continue
        if turn.role != "assistant" and not (writeup and turn.role == "document"):
            continue  # front matter of a chat export, the reader's own sections
        if _INDEX_TURN.search(turn.title) or _INDEX_TURN.search(previous_user):
            continue  # a table of contents of the questions, not answers
        blocks += _blocks_of(turn, index, asked, writeup)
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


def _blocks_of(turn: Turn, turn_index: int, asked: str | None, writeup: bool) -> list[Block]:
    current = Block(asked, None, None, "", [], turn.line, turn_index)
    blocks = [current]
    in_code = False
    for offset, line in enumerate(turn.text.split("\n")):
        if _FENCE.match(line):
            in_code = not in_code
        label = None if in_code else _label(line, current, writeup)
        if label is None:
            current.lines.append(line)
            continue
        question, part, sub, title = label
        title = strip_points(title).strip(" *#")
        current = Block(question, part, sub, title, [line] if title else [], turn.line + offset, turn_index,
                        heading=bool(title))
        blocks.append(current)
    return [b for b in blocks if b.text or b.label]


def _label(line: str, current: Block, writeup: bool):
    stripped = line.strip()
    if not stripped or len(stripped) > 250:
        return None
    dotted = _DOTTED.match(line)  # "**3.a** ...", "**11.d.i**", "**6**": the labels tabench's own prompts ask for
    if dotted:
        return dotted.group(1), dotted.group(2), dotted.group(3), dotted.group(4)
    plain_dotted = _PLAIN_DOTTED.match(line)  # "3.a The answer ...", "11.d.ii: ..."
    if plain_dotted:
        return plain_dotted.group(1), plain_dotted.group(2), plain_dotted.group(3), plain_dotted.group(4)
    decimal = _DECIMAL.match(line)
    if decimal:
        return decimal.group(1), None, None, decimal.group(2)
    if writeup:
        top = _WRITEUP_TOP.match(line)
        if top:
            return top.group(1), None, None, top.group(2)
    marked = stripped.startswith(("#", "**", "__")) or re.match(r"^\s*(?:Question|Problem|Exercise|Q)\s*\d", line, re.I)
    question = _QUESTION.match(line)
    if question and (marked or question.group(3)):
        number = question.group(1) or question.group(2)
        return number, question.group(3), question.group(4), question.group(5)
    part = _PART.match(line)
    if part:
        letter = part.group(1) or part.group(2) or part.group(3)
        if current.part is None or letter > current.part or current.question is None:
            return current.question, letter, None, part.group(4) or ""
    roman = _ROMAN.match(line)
    if roman and current.part:
        numeral = roman.group(1)
        if current.sub is None or _ROMANS.index(numeral) > _ROMANS.index(current.sub):
            return current.question, current.part, numeral, roman.group(2)
    return None
