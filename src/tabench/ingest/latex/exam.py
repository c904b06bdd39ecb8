r"""The exam document class: questions, parts, choices, fill-ins and solutions, as the class numbers them (pure).

`\question` opens question N+1 (numbered on across sections, as the class does), `\part` part a, b, …,
`\subpart` i, ii, …, `\subsubpart` α, β, … (the class prints \greek); `[pts]` gives points, `\bonus…` marks
bonus points. Choices are labelled A, B, C… in document order; `\CorrectChoice` keys them.
"""

from __future__ import annotations

import re

from pylatexenc.latexwalker import LatexMacroNode

from .reader import Reader, argument
from .specs import CHOICE_LISTS, EXAM_ITEMS, EXAM_LISTS, EXAM_SOLUTIONS, PRINT_ANSWERS, SOLUTION_ENVIRONMENT
from .tree import PROMPT, SOLUTION, Choices, Item, list_label

_LABEL_STYLE = {2: "alph", 3: "roman", 4: "greek"}
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")
BLANK = " ______ "


def points_of(node) -> float | None:
    r"""'5', '2.5', '1\half' -> the number; None when absent or unreadable."""
    if node is None:
        return None
    text = node.latex_verbatim().strip("[]{} ")
    half = 0.5 if "\\half" in text else 0.0
    match = _NUMBER.search(text)
    if match is None:
        return half or None
    return float(match.group()) + half


def open_item(reader: Reader, node) -> None:
    r"""\question, \part, \subpart, \subsubpart and their bonus and titled forms."""
    level, bonus = EXAM_ITEMS[node.macroname]
    titled = "titled" in node.macroname
    owner = _owner(reader, level)
    if owner.level < level - 1:  # `\part{Title}` of a book, outside any question: a heading, not a part
        return
    title = reader.plain(argument(node, 0)) if titled else ""
    points = points_of(argument(node, 1 if titled else 0))
    item = Item(level=level, points=points, bonus=bonus, title=title, origin="macro", parent=owner)
    if level == 1:
        reader.question_number += 1
        item.number = reader.question_number
    else:
        siblings = [x for x in owner.children() if x.origin == "macro"]
        item.label = list_label(_LABEL_STYLE[level], len(siblings))
    owner.content.append(item)
    reader.open(item)


def _owner(reader: Reader, level: int) -> Item:
    """The item that holds items of `level`: the owner of the innermost open list of that level, else the
    nearest enclosing item one level up (a \\part written outside `parts`)."""
    for owner, list_level in reversed(reader.containers):
        if list_level == level:
            return owner
    item = reader.item
    while item.level >= level and item.parent is not None:
        item = item.parent
    return item


def item_list(reader: Reader, node) -> None:
    r"""questions, parts, subparts, subsubparts: the items they hold belong to the item they sit in."""
    level = EXAM_LISTS[node.environmentname]
    owner = reader.item
    while owner.level >= level and owner.parent is not None:
        owner = owner.parent
    reader.containers.append((owner, level))
    reader.item = owner
    try:
        reader.walk(node.nodelist)
    finally:
        reader.containers.pop()
        reader.item, reader.role = owner, PROMPT
        reader.paragraph()


def choices(reader: Reader, node) -> None:
    r"""choices, oneparchoices, checkboxes, oneparcheckboxes: options A, B, C…; \CorrectChoice keys them."""
    found = Choices(several=CHOICE_LISTS[node.environmentname])
    groups: list[tuple[bool, list]] = []
    for child in _as_printed_with_answers(node.nodelist or ()):
        if isinstance(child, LatexMacroNode) and child.macroname in ("choice", "CorrectChoice"):
            groups.append((child.macroname == "CorrectChoice", []))
        elif groups:
            groups[-1][1].append(child)
        else:
            reader.visit(child)
    marked_options = []
    for index, (correct, nodes) in enumerate(groups):
        text, scratch = reader.capture(nodes, role=PROMPT)
        found.options.append(" ".join(text.split()))
        if correct:
            found.correct.append(index)
        if scratch.marked_in_prompt or scratch.marked:
            marked_options.append(index)
    if not found.correct and marked_options:  # no \CorrectChoice, but the key is coloured in
        found.correct = marked_options
    reader.item.choices.append(found)
    lines = [f"{list_label('Alph', index)}. {text}" for index, text in enumerate(found.options)]
    reader.emit("\n" + "\n".join(lines) + "\n")
    reader.para_start = True


def _as_printed_with_answers(nodes) -> list:
    r"""`\ifprintanswers\CorrectChoice\else\choice\fi` among options: the options as the key prints them."""
    flat = []
    for child in nodes:
        shown = argument(child, 0) if isinstance(child, LatexMacroNode) and child.macroname == PRINT_ANSWERS else None
        inner = getattr(shown, "nodelist", None) or []
        if any(isinstance(n, LatexMacroNode) and n.macroname in ("choice", "CorrectChoice") for n in inner):
            flat.extend(inner)
        else:
            flat.append(child)
    return flat


def solution(reader: Reader, node) -> None:
    with reader.as_role(SOLUTION):
        reader.walk(node.nodelist)


def fill_in(reader: Reader, node) -> None:
    r"""\fillin[answer][width], \answerline[answer]: a blank in the text whose answer the key prints."""
    answer = argument(node, 0)
    text = " ".join(reader.capture([answer], role=SOLUTION)[0].split()) if answer is not None else ""
    reader.item.fillins.append(text)
    reader.emit(BLANK)


def print_answers(reader: Reader, node) -> None:
    r"""`\ifprintanswers X \else Y \fi` (as the expander wrote it): X only in the key, Y only in the blank exam."""
    shown, hidden = argument(node, 0), argument(node, 1)
    if shown is not None:
        with reader.as_role(SOLUTION):
            reader.visit(shown)
    if hidden is not None:
        reader.visit(hidden)


def uplevel(reader: Reader, node) -> None:
    r"""\uplevel{text}: text of the enclosing question, shared by the parts that follow."""
    item = reader.item
    if reader.containers:
        reader.item = reader.containers[-1][0]
    reader.walk_arg(node, 0)
    reader.item = item


def set_counter(reader: Reader, node) -> None:
    if reader.plain_argument(node, 0) == "question":
        value = points_of(argument(node, 1))
        if value is not None:
            reader.question_number = int(value)


MACROS = {name: open_item for name in EXAM_ITEMS}
MACROS.update({"fillin": fill_in, "answerline": fill_in, PRINT_ANSWERS: print_answers, "uplevel": uplevel,
               "setcounter": set_counter})
ENVIRONMENTS = {name: item_list for name in EXAM_LISTS}
ENVIRONMENTS.update({name: choices for name in CHOICE_LISTS})
ENVIRONMENTS.update({name: solution for name in EXAM_SOLUTIONS + (SOLUTION_ENVIRONMENT,)})
