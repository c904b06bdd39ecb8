r"""Lists in a document: how they are labelled, and what each one is once the whole document is read (pure).

An itemize/enumerate is read as items of its own; `settle` then decides: the items of a list whose items hold
answers are parts (at the top, questions); short items that ask nothing, some marked (coloured, highlighted,
ticked) or lettered (A), (B), are the options of a choice; a list of parts followed by a list of answers of the
same length is paired item by item; any other list is text.
"""

from __future__ import annotations

import re

from pylatexenc.latexwalker import LatexMacroNode

from .reader import Reader, argument
from .specs import LIST_ENVIRONMENTS
from .tree import PROMPT, SOLUTION, Block, Choices, Item, ListRecord, clean_label, flatten, list_label, render_list

_CHECK_GLYPHS = ("✓", "✔", "☒", "\\checkmark", "☑")
_ENUMERATE_TEMPLATE = re.compile(r"\{[^{}]*\}")
_LABEL_MACROS = (("\\alph", "alph"), ("\\Alph", "Alph"), ("\\roman", "roman"), ("\\Roman", "Roman"),
                 ("\\arabic", "arabic"))
_DEFAULT_STYLES = {1: "arabic", 2: "alph", 3: "roman", 4: "Alph"}


def list_style(node, depth: int, enumerated: bool) -> tuple[str, int]:
    r"""How an enumerate labels its items: `[(a)]` (enumerate), `[label=(\roman*)]` (enumitem), else by depth."""
    if not enumerated:
        return "bullet", 1
    arg = argument(node, 0)
    source = arg.latex_verbatim()[1:-1] if arg is not None else ""
    start = re.search(r"start\s*=\s*(\d+)", source)
    start = int(start.group(1)) if start else 1
    for macro, style in _LABEL_MACROS:
        if macro in source:
            return style, start
    if source and "=" not in source:
        template = _ENUMERATE_TEMPLATE.sub("", source)
        for char in template:
            if char in "aAiI1":
                return {"a": "alph", "A": "Alph", "i": "roman", "I": "Roman", "1": "arabic"}[char], start
    return _DEFAULT_STYLES.get(depth, "arabic"), start


def list_environment(reader: Reader, node) -> None:
    """An itemize/enumerate: its items are walked as items of their own, settled later (`settle`)."""
    enumerated = node.environmentname not in ("itemize", "itemize*", "compactitem", "description")
    style, start = list_style(node, reader.enumerate_depth + (1 if enumerated else 0), enumerated)
    record = ListRecord(reader.role, style)
    owner, role = reader.item, reader.role
    owner.content.append(record)
    reader.enumerate_depth += 1 if enumerated else 0
    try:
        for child in node.nodelist or ():
            if isinstance(child, LatexMacroNode) and child.macroname == "item":
                explicit = argument(child, 0)
                item = Item(level=owner.level + 1, origin="list", parent=owner)
                index = len(record.items)
                item.label = reader.plain(explicit) if explicit is not None else list_label(style, start - 1 + index)
                record.items.append(item)
                reader.item, reader.role, reader.para_start = item, role, True
            elif not record.items:
                reader.item = owner
                reader.visit(child)
            else:
                reader.visit(child)
    finally:
        reader.enumerate_depth -= 1 if enumerated else 0
        reader.item, reader.role = owner, role
        reader.paragraph()


def settle(item: Item) -> None:
    """Decide what each list in the tree is, pair parts with their solutions, and give content that follows an
    item's last part (a solution after `\\end{parts}`) to that part."""
    _options_lists(item)
    _pair_lists(item)
    _place_lists(item)
    _trailing_to_last_child(item)
    for child in item.children():
        settle(child)


def _options_lists(item: Item) -> None:
    for index, record in enumerate(item.content):
        if not isinstance(record, ListRecord) or record.role != PROMPT or not _is_options(record):
            continue
        options = [flatten(option).strip() for option in record.items]
        correct = [i for i, option in enumerate(record.items) if _marked_option(option, options[i])]
        labels = [option.label if record.style in ("Alph", "alph") else list_label("Alph", i)
                  for i, option in enumerate(record.items)]
        item.choices.append(Choices(options=options, correct=correct, labels=labels))
        lines = [f"{label}. {text}" for label, text in zip(labels, options)]
        item.content[index] = Block(PROMPT, "\n" + "\n".join(lines) + "\n")


def _is_options(record: ListRecord) -> bool:
    """Short items that ask nothing, some (not all) marked, or lettered (A), (B): the options of a choice."""
    if len(record.items) < 2:
        return False
    for option in record.items:
        if option.children() or any(isinstance(x, ListRecord) for x in option.content):
            return False
        if option.blocks(SOLUTION) and not option.marked:  # an answer of its own, not a coloured option
            return False
        text = flatten(option)
        if len(text) > 300 or "?" in re.sub(r"\$[^$]*\$", "", text):
            return False
    marked = [option for option in record.items if _marked_option(option, flatten(option))]
    return record.style == "Alph" or 0 < len(marked) < len(record.items)


def _marked_option(option: Item, text: str) -> bool:
    return option.marked_in_prompt or bool(option.marked) or any(glyph in text for glyph in _CHECK_GLYPHS)


def _pair_lists(item: Item) -> None:
    """A list of parts and, later, a list of the same length in the solution: item i answers part i."""
    used: set[int] = set()
    for index, record in enumerate(item.content):
        if not isinstance(record, ListRecord) or record.role != PROMPT or record.holds_answer():
            continue
        for later in range(index + 1, len(item.content)):
            answers = item.content[later]
            if isinstance(answers, ListRecord) and answers.role == PROMPT:
                break  # the answers to a list come before the next list of parts
            if isinstance(answers, ListRecord) and answers.role == SOLUTION and later not in used \
                    and len(answers.items) == len(record.items):
                for part, answer in zip(record.items, answers.items):
                    _move_content(answer, part)
                used.add(later)
                break
    item.content = [x for i, x in enumerate(item.content) if i not in used]


def _move_content(source: Item, target: Item) -> None:
    for x in source.content:
        if isinstance(x, Item):
            x.parent = target
        target.content.append(x)
    target.marked.extend(source.marked)
    target.fillins.extend(source.fillins)
    target.choices.extend(source.choices)


def _place_lists(item: Item) -> None:
    """A list whose items hold answers is a list of parts (or, at the top, of questions); any other is text."""
    content = []
    for x in item.content:
        if isinstance(x, ListRecord) and x.role == PROMPT and x.holds_answer():
            for child in x.items:
                child.parent = item
                if item.level == 0:
                    child.number = int(child.label) if (child.label or "").isdigit() else None
                    child.label = None
                else:
                    child.label = clean_label(child.label or "") or None
                content.append(child)
        elif isinstance(x, ListRecord):
            content.append(Block(x.role, "\n" + render_list(x) + "\n"))
        else:
            content.append(x)
    item.content = content


def _trailing_to_last_child(item: Item) -> None:
    children = [i for i, x in enumerate(item.content) if isinstance(x, Item)]
    if not children:
        return
    last = children[-1]
    trailing = item.content[last + 1 :]
    if any(isinstance(x, Block) and x.role == SOLUTION and x.text.strip() for x in trailing):
        item.content[last].content.extend(trailing)
        item.content = item.content[: last + 1]


ENVIRONMENTS = {name: list_environment for name in LIST_ENVIRONMENTS}
