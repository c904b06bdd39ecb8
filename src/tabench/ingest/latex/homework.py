r"""How course staff write homework without the exam class: problems, parts and solutions (pure).

Questions: `\section*{Problem 3}`, `{\bf Problem 1 (25 pts):}`, `\textbf{Question 2.}`, an environment named or
titled like a problem (`\newtheorem{problem}{Problem}`), or the items of a list whose items hold solutions.
Parts: `(a)`/`(i)` opening a paragraph, or the items of a list in a question. Solutions: an environment named like
one (`solution`, `sol`, `proof`, a `\solution{…}` macro), or a paragraph or heading that starts `Solution:` — from
there to the next question or part. A list of parts in the question and a list of the same length in its solution
are paired item by item (lists.py).
"""

from __future__ import annotations

import re

from ..points import parse_points, strip_points
from .reader import Reader, argument, heading_level
from .specs import question_like, solution_like
from .tree import PROMPT, SOLUTION, Item, list_label, roman_index

# `Problem 3`, `Question 2.`, `Exercise 1:`, `Q4` — the word, the number, what follows
_QUESTION = re.compile(r"(?:Problem|Question|Exercise|Exercice|Q)\s*\.?\s*(\d{1,3})(?![\d.,]\d)\s*(.*)", re.I | re.S)
# in running text the number must end the label: `Problem 2.`, `Problem 2 (10 pts)`, not `Problem 2 asks`
_TEXT_QUESTION_END = re.compile(r"(?:[.:)—–-]|\(|$)")
_SOLUTION = re.compile(
    r"(?:(?:Alternative|Alternate|Another|Sample|Reference|Model|Official|Full|Short|Complete)\s+)?"
    r"(?:Solutions?|Answers?|Sol|Soln|Proof)\b\s*(?:\d+|\([^)]{0,40}\))?\s*(?:[:.](?:\s|$)|$)",
    re.I,
)
_PART = re.compile(r"(?:Part\s+)?\(([a-z]|[ivx]{1,4})\)\s*|([a-z]|[ivx]{1,4})\)\s+", re.I)
_LEADING_POINTS = re.compile(r"\s*[(\[][^()\[\]]{1,30}[)\]]\s*")
_LABEL_NODES = ("textbf", "textit", "emph", "underline", "textsc", "textsf", "uline")


# ---- labels at the start of a paragraph ---------------------------------------------------------------------------

def leading_text(reader: Reader, text: str) -> str:
    """Act on a label that opens a paragraph or line of running text; return the text left to write."""
    text = _take_points(reader, text)
    rest = _label(reader, text, "text")
    return text if rest is None else _take_points(reader, rest)


def _take_points(reader: Reader, text: str) -> str:
    """Points written first in a question or part just opened (`\textbf{Problem 1.} (4 pts) …`, `(a) [3 pts] …`)
    are its points."""
    item = reader.item
    if item.level >= 1 and item.points is None and not "".join(item.blocks(PROMPT)).strip():
        points = _LEADING_POINTS.match(text)
        if points and parse_points(points.group()) is not None:
            item.points = parse_points(points.group())
            return text[points.end():]
    return text


def leading_node(reader: Reader, node) -> bool:
    r"""Act on a bold or braced label that opens a paragraph (`\textbf{Problem 2.}`, `{\bf (a)}`); True if it was
    one."""
    name = getattr(node, "macroname", None)
    if name is not None and name not in _LABEL_NODES:
        return False
    text = reader.plain(node)
    if not text or len(text) > 200:
        return False
    rest = _label(reader, text, "node")
    if rest is None:
        return False
    if rest:
        reader.emit(rest)
    return True


def heading(reader: Reader, node) -> None:
    r"""\section{…} and friends: a problem, a solution, a part, or a heading of the text."""
    level = heading_level(node.macroname)
    title = reader.plain(argument(node, 2))
    if not reader.capturing:
        if _label(reader, title, "heading", level) is not None:
            return
        question = _question_of(reader.item)
        if question is not None and question.heading is not None and level <= question.heading:
            reader.item, reader.role = reader.root, PROMPT  # the problem's section is over
    reader.paragraph()
    reader.emit(f"**{title}**")
    reader.paragraph()


def _label(reader: Reader, text: str, where: str, level: int | None = None) -> str | None:
    """Act on the label `text` opens with (a problem, a solution, a part) and return the text after it; None when
    it opens with none. `where`: 'text' (running text: the label is a prefix, the rest is the question's text),
    'node' (a bold label: the rest is the problem's title), 'heading' (the whole heading is the label)."""
    whole = where == "heading"
    match = _QUESTION.match(text)
    if match and (where != "text" or _TEXT_QUESTION_END.match(match.group(2))) \
            and _may_open_question(reader, int(match.group(1))):
        number, rest, label = int(match.group(1)), match.group(2), _title(text[: match.start(2)])
        points = parse_points(rest)
        if where == "text":
            _open_question(reader, number, label, points, "text")
            return (strip_points(rest) if points is not None else rest).lstrip(".:)—–- ")
        title = strip_points(rest).strip(" .:()—–-") or label
        _open_question(reader, number, title, points, "heading" if whole else "text", level)
        return ""
    match = _SOLUTION.fullmatch(text.strip()) if whole else _SOLUTION.match(text)
    if match:
        _start_solution(reader)
        return "" if whole else text[match.end():]
    match = _PART.fullmatch(text.strip()) if whole else _PART.match(text)
    if match and _part(reader, (match.group(1) or match.group(2)).lower()):
        return "" if whole else text[match.end():]
    return None


def _may_open_question(reader: Reader, number: int) -> bool:
    if reader.capturing or any(level == 1 for _, level in reader.containers):
        return False  # inside the exam class's questions: \question numbers them
    item = reader.item
    while item is not None and item.level > 0:
        if item.origin in ("macro", "list"):  # in an exam question or a list item: not a place for a new question
            return False
        item = item.parent
    return reader.question_number == 0 or number == reader.question_number + 1


def _open_question(reader: Reader, number: int, title: str, points, origin: str, heading_at: int | None = None):
    question = Item(level=1, number=number, title=title, points=points, origin=origin, parent=reader.root,
                    heading=heading_at)
    reader.root.content.append(question)
    reader.question_number = number
    reader.open(question)


def _title(label: str) -> str:
    return " ".join(label.replace("*", "").split()).strip(" .:")


def _start_solution(reader: Reader) -> None:
    if reader.open_environments and reader.role == PROMPT:
        name = reader.open_environments[-1]
        reader.warn(f"environment:{name}", f"{reader.place()}: \\begin{{{name}}} holds a block that starts like a "
                                           "solution; it is read as the solution (rename the environment if that "
                                           "is wrong)")
    reader.role = SOLUTION
    reader.new_block()


def _question_of(item: Item) -> Item | None:
    while item is not None and item.level > 1:
        item = item.parent
    return item if item is not None and item.level == 1 else None


def _part(reader: Reader, label: str) -> bool:
    """`(b)` opening a paragraph or a line: the part of that label met before (in a solution: its answer), or
    else, in the question's text, the next part (or sub-part)."""
    item = reader.item
    if item.level == 0:
        return False
    for holder in (item, item.parent, item.parent.parent if item.parent else None):
        if holder is None:
            continue
        if holder is item and item.label == label:
            return True
        for child in holder.children():
            if child.label == label:  # a part met before: what follows belongs to it (its answer, its figure)
                reader.item = child
                reader.new_block()
                return True
    if reader.role == SOLUTION:
        return False
    for owner in (item, item.parent) if item.level >= 2 else (item,):
        if owner is not None and owner.level >= 1 and _next_label(owner) and label in _next_label(owner):
            child = Item(level=owner.level + 1, label=label, origin="text", parent=owner)
            owner.content.append(child)
            reader.open(child)
            return True
    return False


def _next_label(owner: Item) -> tuple[str, ...]:
    """The labels the next text part of `owner` may have: (a) or (i) to start, then the one after the last."""
    children = owner.children()
    if any(child.origin != "text" for child in children):
        return ()
    labels = [child.label for child in children]
    if not labels:
        return ("a", "i") if owner.level == 1 else ("i", "a")
    if labels[0] == "i" and roman_index(labels[-1]) is not None:
        following = roman_index(labels[-1]) + 1
        return (list_label("roman", following),)
    last = labels[-1]
    return (chr(ord(last) + 1),) if len(last) == 1 and last < "z" else ()


# ---- environments named by course staff ---------------------------------------------------------------------------

def solution_environment(reader: Reader, node) -> None:
    with reader.as_role(SOLUTION):
        reader.walk(node.nodelist)


def question_environment(titles: dict[str, str]):
    r"""`\begin{problem}` (a theorem-like or custom environment): question N+1, titled as the document prints it
    ('Problem 3', or its optional argument); it runs to the next question."""
    def handler(reader: Reader, node) -> None:
        if reader.capturing or reader.containers or reader.item.level > 1:
            reader.walk(node.nodelist)
            return
        number = reader.question_number + 1
        given = reader.plain(argument(node, 0)) if node.nodeargd and node.nodeargd.argspec.startswith("[") else ""
        name = node.environmentname
        title = given or f"{titles.get(name) or name.capitalize()} {number}"
        _open_question(reader, number, title, parse_points(given), "environment")
        reader.walk(node.nodelist)
    return handler


def environment_for(roles: dict[str, str], titles: dict[str, str]):
    """The handler of an environment tabench has no rule for, by the role its name or definition gives it."""
    question = question_environment(titles)

    def handler_for(name: str):
        role = roles.get(name)
        if role == "solution" or (role is None and solution_like(name)):
            return solution_environment
        if role == "question" or (role is None and question_like(name)):
            return question
        return None
    return handler_for


MACROS = {name: heading for name in ("chapter", "section", "subsection", "subsubsection", "paragraph",
                                     "subparagraph")}
