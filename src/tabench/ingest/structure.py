"""Find questions, parts, sub-parts and solution blocks in converter Markdown (pure).

Converter output is messy, so this works line by line, with markdown-it-py
telling which lines are fenced code and which are the 2nd, 3rd, ... items of
an ordered list (a list inside a question, not a run of questions). Question
numbers and part letters must come in sequence (3 after 2, (c) after (b)),
which keeps figure panels, scenarios and inner lists from being read as parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from .points import parse_points, strip_points

_MD = MarkdownIt("commonmark")

_QUESTION = re.compile(
    r"^\s{0,3}(?:#{1,6}\s+)?(?:\*\*|__)?\s*"
    r"(?:(?:Question|Problem|Exercise|Q)\s*(\d{1,6})(?:[.):]|\s+[—–-]\s|\*\*|__|(?=\s)|$)"
    r"|(\d{1,6})(?:\.(?!\d)|\)|:|\s+[—–-]\s|\*\*|__))"
    r"\s*(?:\*\*|__)?\s*(.*)$",
    re.I,
)
_PART = re.compile(
    r"^\s*(?:[-*+]\s+)*(?:#{1,6}\s+)?(?:\*\*|__)?\s*(?:Part\s+)?(?:\(([a-z])\)|([a-z])\))(?:\*\*|__)?[:.]?(?:\*\*|__)?(?:\s+(.*))?$"
)
_ROMAN = re.compile(
    r"^\s*(?:[-*+]\s+)*(?:\*\*|__)?\s*(?:\((i{1,3}|iv|vi{0,3}|ix|x)\)|(i{1,3}|iv|vi{0,3}|ix|x)[.)])(?:\*\*|__)?(?:\s+(.*))?$"
)
_SOLUTION = re.compile(
    r"^\s*(?:>\s*)?(?:[-*+]\s+)?(?:\*\*|__|<b>|\*|_)?\s*(?:Solutions?|Answer|Sol|Reference answer)"
    r"(?:\s*(?:\([^)]*\))?\s*[.:](?:\*\*|__|</b>|\*|_)?[.:]?\s*(.*)|(?:\*\*|__|</b>)\s*())$",
    re.I,
)
_BLANK_LABEL = re.compile(
    r"^\s*(?:\*\*([A-Z][\w ,'/()-]{1,50}?)\s*:\s*\*\*\s*(\([^)]*\))?|([A-Z][\w ,'/()-]{1,50}?)\s*:\s*(\([^)]*\)))\s*$"
)
_PROMPT_AGAIN = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*(?:Select|Choose|Show (?:some|your) work|Circle|Fill in)\b", re.I)
_CAPTION = re.compile(r"^\s*(?:\*\*|__|\*|_)?\s*(?:Figure|Fig\.?|Table)\s*\d+\s*[:.]", re.I)
_END_MATTER = re.compile(r"^\s*(?:#{1,6}\s+)?(?:\*\*)?\s*(?:Contributors|Acknowledg(?:e)?ments)\s*:?\s*(?:\*\*)?\s*:?\s*$", re.I)
_EMPTY_BULLET = re.compile(r"^\s*[-*+]\s*$")
_NOT_BLANK_LABELS = {"solution", "answer", "note", "hint", "proof", "lemma", "example", "remark"}
_ROMANS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]


@dataclass
class Segment:
    role: str  # "prompt" or "solution"
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")


@dataclass
class Node:
    """A question (label None), a part (letter) or a sub-part (roman numeral)."""

    label: str | None
    points: float | None = None
    segments: list[Segment] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    def add(self, role: str, line: str) -> None:
        if not self.segments or self.segments[-1].role != role:
            self.segments.append(Segment(role))
        self.segments[-1].lines.append(line)

    def text(self, role: str) -> str:
        return "\n\n".join(s.text for s in self.segments if s.role == role and s.text.strip()).strip()


@dataclass
class RawQuestion:
    number: int
    title: str
    points: float | None
    node: Node


@dataclass
class Document:
    title: str
    questions: list[RawQuestion]


def split_document(text: str) -> Document:
    """Split normalised Markdown into questions, parts and prompt/solution segments."""
    lines = text.split("\n")
    code_lines, inner_items = _block_info(text, len(lines))
    front: list[str] = []
    questions: list[RawQuestion] = []
    question: RawQuestion | None = None
    part: Node | None = None
    sub: Node | None = None
    role = "prompt"
    ended = False

    for index, line in enumerate(lines):
        if ended:
            break
        current = sub or part or (question.node if question else None)
        if index in code_lines:
            if current is not None:
                current.add(role, line)
            else:
                front.append(line)
            continue
        if _EMPTY_BULLET.match(line):
            continue
        header = _question_header(line, questions, index in inner_items)
        if header is not None:
            number, rest = header
            title, body = _split_title(rest)
            question = RawQuestion(number, title, parse_points(rest), Node(None))
            questions.append(question)
            if body:
                question.node.add("prompt", body)
            part = sub = None
            role = "prompt"
            continue
        if question is None:
            front.append(line)
            continue
        if questions and _END_MATTER.match(line):
            ended = True
            continue
        label_match = _part_label(line, question.node, part, lines, index)
        if label_match is not None:
            kind, label, rest = label_match
            node = Node(label, parse_points(rest))
            if kind == "part":
                question.node.children.append(node)
                part, sub = node, None
            else:
                assert part is not None
                part.children.append(node)
                sub = node
            role = "prompt"
            body = strip_points(rest or "")
            if body:
                node.add(role, body)
            continue
        solution = _SOLUTION.match(line)
        if solution:
            role = "solution"
            current.segments.append(Segment(role))
            if (solution.group(1) or "").strip():
                current.add(role, solution.group(1))
            continue
        if role == "solution" and (is_blank_label(line) or _PROMPT_AGAIN.match(line)):
            role = "prompt"
        current.add(role, line)
    return Document(_title(front), questions)


def _block_info(text: str, line_count: int) -> tuple[set[int], set[int]]:
    """Lines inside fenced code, and first lines of ordered-list items after the first."""
    code: set[int] = set()
    inner: set[int] = set()
    item_counts: list[int] = []
    for token in _MD.parse(text):
        if token.type == "fence" and token.map:
            code.update(range(token.map[0], min(token.map[1], line_count)))
        elif token.type == "ordered_list_open":
            item_counts.append(0)
        elif token.type == "ordered_list_close":
            item_counts.pop()
        elif token.type == "list_item_open" and token.map and item_counts and token.markup in (".", ")"):
            item_counts[-1] += 1
            if item_counts[-1] > 1:
                inner.add(token.map[0])
    return code, inner


def _question_header(line: str, questions: list[RawQuestion], inner_item: bool) -> tuple[int, str] | None:
    match = _QUESTION.match(line)
    if not match or re.match(r"\s*[-*+]\s", line):  # a bullet, not a heading
        return None
    named = match.group(1) is not None
    number = int(match.group(1) or match.group(2))
    rest = match.group(3).strip().rstrip("*_").strip()
    if named and not strip_points(rest):
        rest = f"Question {number} {rest}".strip()
    expected = questions[-1].number + 1 if questions else None
    if expected is not None and number != expected:
        return None
    if expected is None and number > 1 and not named:
        return None
    if inner_item or not rest:
        return None
    return number, rest


def _split_title(rest: str) -> tuple[str, str]:
    """'Honor Code: Please copy ... (1 point)' -> ('Honor Code', 'Please copy ... (1 point)')."""
    clean = strip_points(rest).strip().strip("*_ ").strip()
    head, sep, tail = clean.partition(": ")
    if sep and len(head) <= 60 and tail:
        return head.strip(), rest[rest.find(": ") + 2 :].strip()
    if len(clean) > 100:
        sentence = re.split(r"(?<=[.?!])\s", clean, maxsplit=1)
        return sentence[0].strip(), rest
    return clean, ""


def _part_label(line: str, qnode: Node, part: Node | None, lines: list[str], index: int):
    """('part', 'b', rest) or ('sub', 'ii', rest) when `line` opens the next part or sub-part."""
    roman = _ROMAN.match(line)
    roman_label = (roman.group(1) or roman.group(2)) if roman else None
    roman_next = part is not None and roman_label == _expected_roman(part)
    if roman_next and roman.group(2):  # "i." / "ii)" style is a sub-part even where a letter would fit
        return "sub", roman_label, roman.group(3) or ""
    match = _PART.match(line)
    if match:
        label = match.group(1) or match.group(2)
        expected = chr(ord(qnode.children[-1].label) + 1) if qnode.children else "a"
        rest = match.group(3) or ""
        if label == expected and (parse_points(rest) is not None or not _is_subfigure_run(lines, index)):
            return "part", label, rest
        skipped_one = label == chr(ord(expected) + 1)
        if skipped_one and parse_points(rest) is not None:  # "(c) (5 pts)" where "(b)" got lost in conversion
            return "part", label, rest
    if roman_next:
        return "sub", roman_label, roman.group(3) or ""
    return None


def _expected_roman(part: Node) -> str:
    return _ROMANS[len(part.children)] if len(part.children) < len(_ROMANS) else ""


def _is_subfigure_run(lines: list[str], index: int) -> bool:
    """Panel captions such as '(a) Your model's loss' right above 'Figure 6: ...'."""
    for line in lines[index : index + 12]:
        if not line.strip():
            continue
        if _CAPTION.match(line):
            return True
        match = _PART.match(line)
        if not match or len(line.strip()) > 90:
            return False
    return False


def is_blank_label(line: str) -> bool:
    match = _BLANK_LABEL.match(line)
    if not match:
        return False
    label = (match.group(1) or match.group(3) or "").strip().lower()
    return label.split()[0] not in _NOT_BLANK_LABELS if label else False


def _title(front: list[str]) -> str:
    for line in front:
        if line.lstrip().startswith("#"):
            return line.strip("# *").strip()
    picked = [line.strip(" *#") for line in front if line.strip() and not set(line.strip()) <= set("-=_*")]
    picked = [line for line in picked if len(line) <= 80]
    return " — ".join(" ".join(line.split()) for line in picked[:3])
