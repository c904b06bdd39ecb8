"""Find questions, parts, sub-parts and solution blocks in Markdown (pure).

A small grammar read line by line over markdown-it-py's block structure (`blocks.py`) and the labels lines
start with (`labels.py`):

    document := front question*            question := QUESTION body part*
    part     := PART body sub*             sub      := SUB body
    body     := (prompt | solution)*       solution := MARKER text | <details><summary>Answer</summary> text </details>
                                                        | BEGIN SOLUTION text END SOLUTION

Which label opens what is decided by sequence (question 3 comes after 2, part (c) after (b), sub-part ii
after i) and by the block a line sits in: the 2nd item of a numbered list continues a list of questions
only when its 1st item was one; a part is not a heading of higher rank than its question; a heading of the
question's rank that is no label ends the question. A solution marker standing alone before the parts'
own labels again ("Solutions:" then "(a) ... (b) ...") starts a solution section: those labels send the
answers to the parts already asked instead of opening new ones; the same one level up for an answer key
after all the questions. Where the grammar has to guess (a question number skipped, a label written
twice), it says so in `Document.warnings`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ParseError
from .blocks import LineInfo, line_infos
from .labels import HEAD, ROMANS, Label, read_details, read_label
from .points import parse_points, point_terms, strip_leading_points, strip_points

_BLANK_LABEL = re.compile(
    r"(?:\*\*([A-Z][\w ,'/()-]{1,50}?)\s?:\s?\*\*\s?(\([^)]{0,80}\))?|([A-Z][\w ,'/()-]{1,50}?)\s?:\s?(\([^)]{0,80}\)))$"
)
_PROMPT_AGAIN = re.compile(r"(?:[-*+]\s)?(?:\*\*|__)?\s?(?:Select|Choose|Show (?:some|your) work|Circle|Fill in)\b", re.I)
_CAPTION = re.compile(r"(?:\*\*|__|\*|_)?\s?(?:Figure|Fig\.?|Table)\s?\d+\s?[:.]", re.I)
_END_MATTER = re.compile(r"(?:#{1,6}\s)?(?:\*\*)?\s?(?:Contributors|Acknowledg(?:e)?ments)\s?:?\s?(?:\*\*)?\s?:?$", re.I)
_NOT_BLANK_LABELS = {"solution", "answer", "note", "hint", "proof", "lemma", "example", "remark"}
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
MAX_LINES = 100_000
MAX_PARTS = 2_000
_MAX_GAP = 10  # question numbers a heading may skip (with a warning)
_LOOKAHEAD = 40  # lines to look for the first label after a lone solution marker


def _head(line: str) -> str:
    """The start of a stripped line: the part any line-level pattern here looks at (bounded work per line)."""
    return line.strip()[:HEAD]


@dataclass
class Segment:
    role: str  # "prompt" or "solution"
    lines: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # the source line of each line

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
    line: int = -1  # the source line that opened it
    point_terms: list[float] = field(default_factory=list)  # "(5+5 points)": the points of its children

    def add(self, role: str, line: str, number: int = -1) -> None:
        if not self.segments or self.segments[-1].role != role:
            self.segments.append(Segment(role))
        self.segments[-1].lines.append(line)
        self.segments[-1].numbers.append(number)

    def text(self, role: str) -> str:
        return "\n\n".join(s.text for s in self.segments if s.role == role and s.text.strip()).strip()

    def lines(self, role: str | None = None) -> list[int]:
        """Source lines of this node's own text (of one role, or all)."""
        return [n for s in self.segments if role is None or s.role == role for n in s.numbers if n >= 0]


@dataclass
class RawQuestion:
    number: int
    title: str
    points: float | None
    node: Node
    style: tuple = ()  # (heading level, word, bold) of its header


@dataclass
class Document:
    title: str
    questions: list[RawQuestion]
    warnings: list[str] = field(default_factory=list)


def split_document(text: str, name: str = "the document") -> Document:
    """Split normalised Markdown into questions, parts and prompt/solution segments."""
    lines = text.split("\n")
    if len(lines) > MAX_LINES:
        raise ParseError(f"{name}: {len(lines):,} lines is over the {MAX_LINES:,}-line limit for a problem set; split it")
    return _Reader(lines, line_infos(text, len(lines)), name).read()


def next_child(children: list[Node], digits: bool = False) -> str:
    """The label of the part that follows `children`: (c) after (b), (iii) after (ii) when they began at (i),
    3 after 2; "a" (or "1" for `digits`) for the first."""
    if not children:
        return "1" if digits else "a"
    first, last = children[0].label or "", children[-1].label or ""
    if first == "i" and last in ROMANS:
        index = ROMANS.index(last)
        return ROMANS[index + 1] if index + 1 < len(ROMANS) else ""
    if last.isdigit():
        return str(int(last) + 1)
    return chr(ord(last) + 1) if len(last) == 1 else ""


class _Reader:
    def __init__(self, lines: list[str], infos: list[LineInfo], name: str):
        self.lines, self.infos, self.name = lines, infos, name
        self.nodes = 0
        self.warnings_before_questions = 0
        self.front: list[str] = []
        self.questions: list[RawQuestion] = []
        self.question: RawQuestion | None = None
        self.part: Node | None = None
        self.sub: Node | None = None
        self.role = "prompt"
        self.ended = False
        self.outside = False  # after a heading that closed the last question
        self.front_heading = 0  # the level of the last heading before the first question
        self.section: str | None = None  # "question" or "document": labels lead to answers of what was asked
        self.question_lists: set[int] = set()  # numbered lists whose items are questions
        self.details: list[str] = []  # roles to restore at each </details>
        self.warnings: list[str] = []

    @property
    def current(self) -> Node | None:
        return self.sub or self.part or (self.question.node if self.question else None)

    def read(self) -> Document:
        for index, line in enumerate(self.lines):
            if self.ended:
                break
            self._line(index, line)
        return Document(_title(self.front), self.questions, self.warnings)

    # ---- one line --------------------------------------------------------------------------------

    def _line(self, index: int, line: str) -> None:
        info = self.infos[index]
        if info.fence:
            self._add(line, index)
            return
        if self.role == "prompt" and not info.html:
            pieces = split_inline_parts(line)
            if len(pieces) > 1:  # "... (a) Give ... (b) State ...": each part on a line of its own
                for piece in pieces:
                    self._one(index, piece, info)
                return
        self._one(index, line, info)

    def _one(self, index: int, line: str, info: LineInfo) -> None:
        stripped = line.strip()
        if stripped in ("-", "*", "+"):
            return
        if stripped.startswith("<") and self._details(line, index):
            return
        label = read_label(line) if stripped else None
        if self._question_header(index, label, info):
            return
        if self.question is None:
            if info.heading:
                self.front_heading = info.heading  # the section the questions will sit in
            self.front.append(line)
            return
        if _END_MATTER.match(_head(line)):
            self.ended = True
            return
        if label is None and info.heading and self._closes_question(info):
            self.outside = True
            return
        if self.outside:
            return
        if label is not None and self._part(index, label):
            return
        if label is not None and label.kind == "solution":
            self._solution(index, label)
            return
        if label is not None and label.kind == "solution_end":
            self.role = "prompt"
            return
        if self.role == "solution" and (is_blank_label(line) or _PROMPT_AGAIN.match(_head(line))):
            self.role = "prompt"
        self._add(line, index)

    def _add(self, line: str, index: int) -> None:
        current = self.current
        if current is None:
            self.front.append(line)
        elif not self.outside:
            current.add(self.role, line, index)

    def _details(self, line: str, index: int) -> bool:
        """`<details>` blocks: a summary naming an answer makes the block a solution. True when the line is done."""
        details = read_details(line)
        if details is None:
            return False
        if details.opens:
            self.details.append(self.role)
        if details.is_solution and self.current is not None:
            self.role = "solution"
            self.current.segments.append(Segment("solution"))
            if not details.remainder:
                self._section_after(index, heading=False)
        if details.remainder:
            self._add(details.remainder, index)
        if details.closes:
            self.role = self.details.pop() if self.details else "prompt"
            if self.section == "document":
                self.section = None
        return True

    # ---- questions -------------------------------------------------------------------------------

    def _question_header(self, index: int, label: Label | None, info: LineInfo) -> bool:
        if label is None or label.kind not in ("question", "question_part"):
            return False
        if label.bullets or label.quote or label.indent > 3:
            return False
        if self.section == "document" and self._route_question(label, index):
            return True
        if self._next_numbered_item(label, index):
            return False  # "2." after item 1 of a question that numbers its own answered items
        number = label.number
        expected = self.questions[-1].number + 1 if self.questions else None
        if info.item >= 1 and info.list_id not in self.question_lists:
            return False  # the 2nd, 3rd, ... item of a numbered list inside a question
        gap = False
        if expected is None:
            if number > 1 and label.word is None and not label.heading:
                return False
        elif number != expected:
            if number == 1 and self._stronger(label):
                self._restart()  # "Problem 1" after "1.", "2." of the instructions: those were no questions
                expected = None
            elif not (expected < number <= expected + _MAX_GAP and self._same_style(label)):
                if number < expected and self._same_style(label) and label.kind == "question":
                    self.warnings.append(f"question numbering goes back to {number} after {expected - 1} "
                                         "(a new section?); the questions from there on are not read as new ones; "
                                         "number the questions uniquely")
                return False
            else:
                gap = True
        if label.kind == "question_part":
            if label.word is None and not label.heading and not label.bold:
                return False
            if label.letter not in ("a", "1", "i"):
                return False  # a question opens with its first part, not "18.06"
            rest = ""
        else:
            rest = label.rest.strip().rstrip("*_").strip()
            if not rest and label.word is None:
                return False
            if label.word is not None and not strip_points(rest).strip(" :.-—–*_"):
                word = label.word if len(label.word) > 1 else "Question"
                rest = f"{word.capitalize()} {number} {rest}".strip()
        if gap:
            skipped = ", ".join(str(n) for n in range(expected, number))
            self.warnings.append(f"no question {skipped} found before question {number}; check the document's numbering")
        inner = read_label(label.rest) if label.kind == "question" and label.rest else None
        if inner is not None and inner.kind == "part" and inner.letter == "a" and not inner.weak:
            self._open_question(index, label, number, "", info)  # "1. (a) ...": the question and its first part
            self._open_part(index, inner, "a", inner.rest)
            return True
        self._open_question(index, label, number, rest, info)
        if label.kind == "question_part":
            self._open_part(index, label, label.letter, label.rest)
        return True

    def _open_question(self, index: int, label: Label, number: int, rest: str, info: LineInfo) -> None:
        self._count()
        if not self.questions:
            self.warnings_before_questions = len(self.warnings)
        title, body = _split_title(rest, self._continued(index)) if rest else (f"Question {number}", "")
        node = Node(None, line=index, point_terms=point_terms(rest))
        question = RawQuestion(number, title, parse_points(rest), node,
                               style=(label.heading, (label.word or "").lower(), label.bold))
        self.questions.append(question)
        self.question = question
        if body:
            node.add("prompt", body, index)
        if info.item == 0 and info.list_id is not None and info.ordered:
            self.question_lists.add(info.list_id)
        self.part = self.sub = None
        self.role = "prompt"
        self.outside = False
        self.section = None

    def _stronger(self, label: Label) -> bool:
        """A header marked more strongly (heading > word > bold > plain) than every question read so far."""
        def strength(heading: int, word: str, bold: bool) -> int:
            return 4 * bool(heading) + 2 * bool(word) + bool(bold)

        mine = strength(label.heading, label.word or "", label.bold)
        return all(strength(*question.style) < mine for question in self.questions)

    def _restart(self) -> None:
        self.questions, self.question, self.part, self.sub = [], None, None, None
        self.question_lists = set()
        del self.warnings[self.warnings_before_questions :]
        self.nodes = 0

    def _continued(self, index: int) -> bool:
        """Does the next line go on with the same sentence (a lower-case start, no label)?"""
        following = self.lines[index + 1] if index + 1 < len(self.lines) else ""
        head = _head(following)
        return bool(head) and head[0].islower() and read_label(following) is None

    def _same_style(self, label: Label) -> bool:
        """A header written as the last question's was (a heading of its level, its word, its bold)."""
        if not self.questions:
            return False
        style = (label.heading, (label.word or "").lower(), label.bold)
        return style == self.questions[-1].style and bool(label.heading or label.word or label.bold)

    def _closes_question(self, info: LineInfo) -> bool:
        """A heading of the current question's rank or higher that is no label ends that question; for questions
        that are no headings, one of the rank of the section they began in ("## Problems" ... "## Connections")."""
        level = (self.question.style[0] if self.question and self.question.style else 0) or self.front_heading
        return bool(level) and info.heading <= level

    def _route_question(self, label: Label, index: int) -> bool:
        """In an answer key after the questions: '3.' leads to question 3's solution."""
        found = next((q for q in self.questions if q.number == label.number), None)
        if found is None:
            return False
        self.question, self.part, self.sub = found, None, None
        rest = label.rest if label.kind == "question" else ""
        inner = read_label(rest) if rest else None
        if inner is not None and inner.kind in ("part", "roman") and self._route_part(inner.letter or inner.roman,
                                                                                       inner.rest, index):
            return True  # "2. (a) ..."
        self._start_solution(rest, index)
        if label.kind == "question_part":
            self._route_part(label.letter, label.rest, index)
        return True

    # ---- parts and sub-parts ---------------------------------------------------------------------

    def _part(self, index: int, label: Label) -> bool:
        """Open (or, in a solution section, go to) the part or sub-part `label` names. True when it did."""
        qnode = self.question.node
        if label.kind == "question_part":
            if label.number != self.question.number:
                return False
            if label.word is None and not label.heading and not label.bold:
                return False
            letter: str | None = label.letter
        elif label.kind in ("part", "roman"):
            letter = label.letter
        elif label.kind == "question" and label.word is None and not label.heading and not label.quote:
            return self._numbered_item(index, label, qnode)
        else:
            return False
        if label.quote:
            return False
        if label.kind != "question_part" and 0 < label.heading <= self.question.style[0]:
            return False  # "## Part I" above a "## Question" is a section, not a part
        if self.section is not None:
            return self._route_part(letter or label.roman, label.rest, index)
        decision = self._part_decision(label, letter, qnode, index)
        if decision is None:
            return False
        level, name = decision
        if level == "part":
            self._open_part(index, label, name, label.rest)
        else:
            self._count()
            node = Node(name, parse_points(label.rest), line=index)
            self.part.children.append(node)
            self.sub = node
            self._open_body(node, label.rest, index)
        return True

    def _numbered_item(self, index: int, label: Label, qnode: Node) -> bool:
        """'1.', '2.', ... inside a question: an item with its own answer is a part (1.1, 1.2, ...); a numbered
        list without answers (assumptions, steps, rules) stays text."""
        if self.section is not None or (qnode.children and not (qnode.children[0].label or "").isdigit()):
            return False
        if str(label.number) != next_child(qnode.children, digits=True) or not self._has_own_solution(index):
            return False
        self._open_part(index, label, str(label.number), label.rest)
        return True

    def _next_numbered_item(self, label: Label, index: int) -> bool:
        children = self.question.node.children if self.question else []
        return (bool(children) and (children[0].label or "").isdigit() and label.word is None and not label.heading
                and str(label.number) == next_child(children, digits=True) and self._has_own_solution(index))

    def _has_own_solution(self, index: int) -> bool:
        """Does a solution marker come after line `index` before the next label?"""
        for line in self.lines[index + 1 : index + 1 + _LOOKAHEAD]:
            if not line.strip():
                continue
            details = read_details(line) if line.lstrip().startswith("<") else None
            if details is not None and details.is_solution:
                return True
            label = read_label(line)
            if label is not None:
                return label.kind == "solution"
        return False

    def _part_decision(self, label: Label, letter: str | None, qnode: Node, index: int) -> tuple[str, str] | None:
        """('part', 'b') or ('sub', 'ii') when `label` opens the next part or sub-part, else None."""
        part = self.part
        roman = label.roman
        roman_next = part is not None and roman is not None and roman == _expected_sub(part)
        if roman_next and not label.paren and label.kind == "roman":
            return "sub", roman  # "i." / "ii)" is a sub-part even where a letter would fit
        children = qnode.children
        last = children[-1].label if children else None
        roman_parts = bool(children) and children[0].label == "i"
        expected = next_child(children, digits=bool(letter and letter.isdigit()))
        if letter is not None and not roman_parts:
            points = parse_points(label.rest)
            skipped = next_child(children + [Node(expected)]) if expected else ""
            if label.weak and not (label.heading or label.bold or points is not None):
                pass
            elif letter == expected and (points is not None or label.heading or not self._subfigure_run(index)):
                return "part", letter
            elif letter == skipped and points is not None:  # "(c) (5 pts)" where (b) got lost in conversion
                return "part", letter
            elif letter == last and label.heading and expected:
                self.warnings.append(f"question {self.question.number}: part ({letter}) is written twice; "
                                     f"the second is taken as ({expected}); check the document")
                return "part", expected
        if roman_next:
            return "sub", roman
        if roman == "i" and not children:
            return "part", roman  # "(i)", "(ii)" as the parts of a question without letters
        if roman is not None and roman_parts and roman == expected and not (part and part.children):
            return "part", roman
        return None

    def _count(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_PARTS:
            raise ParseError(f"{self.name}: more than {MAX_PARTS:,} questions and parts; split the document")

    def _open_part(self, index: int, label: Label, name: str, rest: str) -> None:
        self._count()
        inner = read_label(rest) if rest else None
        first_sub = inner is not None and inner.kind in ("part", "roman") and inner.roman == "i" and not inner.quote
        node = Node(name, None if first_sub else parse_points(rest), line=index,
                    point_terms=[] if first_sub else point_terms(rest))
        self.question.node.children.append(node)
        self.part, self.sub = node, None
        if first_sub:  # "(d) i. (4 points) ...": the part and its first sub-part on one line
            sub = Node("i", parse_points(inner.rest), line=index)
            node.children.append(sub)
            self.sub = sub
            self._open_body(sub, inner.rest, index)
            return
        self._open_body(node, rest, index)

    def _open_body(self, node: Node, rest: str, index: int) -> None:
        self.role = "prompt"
        body = strip_points(rest or "")
        if body:
            node.add("prompt", body, index)

    def _subfigure_run(self, index: int) -> bool:
        """Panel captions such as '(a) Your model's loss' right above 'Figure 6: ...'."""
        for line in self.lines[index : index + 12]:
            head = _head(line)
            if not head:
                continue
            if _CAPTION.match(head):
                return True
            label = read_label(line)
            if label is None or label.kind != "part" or len(head) > 90:
                return False
        return False

    # ---- solutions -------------------------------------------------------------------------------

    def _solution(self, index: int, label: Label) -> None:
        rest = label.rest
        self._start_solution(rest, index)
        if not rest.strip():
            self._section_after(index, bool(label.heading))

    def _section_after(self, index: int, heading: bool) -> None:
        """A solution block that starts with the first part's label again answers the parts asked before it; one
        that starts with the first question's label (a heading, or written as the questions' headers are) is an
        answer key for the questions."""
        first = self._first_label_after(index)
        if first is None or self.question is None:
            return
        qnode = self.question.node
        if first.kind in ("part", "roman") and qnode.children and self.part is not qnode.children[0] \
                and (first.letter or first.roman) == qnode.children[0].label:
            self.section = "question"
        elif first.kind in ("question", "question_part") and len(self.questions) > 1 \
                and first.number == self.questions[0].number \
                and (heading or (self._same_style(first) and first.kind == "question")):
            self.section = "document"

    def _start_solution(self, text: str, index: int) -> None:
        self.role = "solution"
        self.current.segments.append(Segment("solution"))
        if text.strip():
            self.current.add("solution", text, index)

    def _first_label_after(self, index: int) -> Label | None:
        for line in self.lines[index + 1 : index + 1 + _LOOKAHEAD]:
            if line.strip():
                return read_label(line)
        return None

    def _route_part(self, name: str | None, rest: str, index: int) -> bool:
        """In a solution section: the label leads to the answer of a part already asked."""
        qnode = self.question.node
        if name is None:
            return False
        target = next((c for c in qnode.children if c.label == name), None)
        if target is None and self.part is not None:
            target = next((c for c in self.part.children if c.label == name), None)
            if target is not None:
                self.sub = target
                self._start_solution(rest, index)
                return True
        if target is None:
            return False
        if target is self.part and self.sub is None and target.text("solution"):
            position = qnode.children.index(target)
            later = qnode.children[position + 1] if position + 1 < len(qnode.children) else None
            following = later.label if later is not None else ""
            if later is not None and not later.text("solution"):
                self.warnings.append(f"question {self.question.number}: the solution of ({name}) is written twice; "
                                     f"the second is taken as the solution of ({following}); check the document")
                target = later
        self.part, self.sub = target, None
        self._start_solution(rest, index)
        return True


_INLINE_LABEL = re.compile(r"(?<=[.?!:])\s+(?=(?:\*\*)?\(([a-z]|[ivx]{2,4})\)(?:\*\*)?\s)")


def split_inline_parts(line: str) -> list[str]:
    """'P1. Text. (a) Give x. (b) State y.' -> the text and one piece per part, when two or more labels in
    sequence ((a), (b), ... or (i), (ii), ...) each start a sentence of the line."""
    if "(" not in line or len(line) > 20_000:
        return [line]
    cuts = [(match.start(), match.end(), match.group(1)) for match in _INLINE_LABEL.finditer(line)]
    if not cuts:
        return [line]
    labels = [label for _, _, label in cuts]
    leading = read_label(line)
    if leading is not None and leading.kind in ("part", "roman") and (leading.letter or leading.roman):
        labels.insert(0, leading.letter if leading.letter and leading.letter not in ROMANS[1:] else leading.roman)
    if len(labels) < 2 or not _in_sequence(labels):
        return [line]
    pieces, start = [], 0
    for begin, end, _ in cuts:
        pieces.append(line[start:begin])
        start = end
    pieces.append(line[start:])
    return [piece for piece in pieces if piece.strip()]


def _in_sequence(labels: list[str]) -> bool:
    if all(label in ROMANS for label in labels) and labels[0] == "i":
        return labels == ROMANS[: len(labels)]
    if all(len(label) == 1 for label in labels):
        return all(ord(b) - ord(a) == 1 for a, b in zip(labels, labels[1:]))
    return False


def _expected_sub(part: Node) -> str:
    return ROMANS[len(part.children)] if len(part.children) < len(ROMANS) else ""


def _split_title(rest: str, continued: bool = False) -> tuple[str, str]:
    """'Honor Code: Please copy ... (1 point)' -> ('Honor Code', 'Please copy ... (1 point)')."""
    clean = strip_points(rest).strip().strip("*_ ").strip()
    clean = clean.rstrip(":").strip()
    head, sep, tail = clean.partition(": ")
    if sep and len(head) <= 60 and tail:
        return head.strip(), rest[rest.find(": ") + 2 :].strip()
    if len(clean) > 100 or _is_ask(clean) or continued:
        sentence = re.split(r"(?<=[.?!])\s", clean, maxsplit=1)
        return sentence[0].strip(), strip_leading_points(rest)
    return clean, ""


def _is_ask(text: str) -> bool:
    """'A fair die is rolled twice. How many outcomes ...?': the question itself on its number's line, not a title."""
    return text.endswith("?") or (text.endswith(".") and len(text.split()) >= 3)


def is_blank_label(line: str) -> bool:
    """'**The bug:**', 'The fix (code): (brief)': the name of an answer field of a part."""
    match = _BLANK_LABEL.match(_head(line))
    if not match:
        return False
    label = (match.group(1) or match.group(3) or "").strip().lower()
    return label.split()[0] not in _NOT_BLANK_LABELS if label else False


def _title(front: list[str]) -> str:
    front = [_TAG.sub("", line) for line in front]
    for line in front:
        if line.lstrip().startswith("#"):
            return line.strip("# *").strip()
    picked = [line.strip(" *#") for line in front if line.strip() and not set(line.strip()) <= set("-=_*")]
    picked = [line for line in picked if len(line) <= 80]
    return " — ".join(" ".join(line.split()) for line in picked[:3])
