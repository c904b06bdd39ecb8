"""Choices in a prompt or a solution: groups of check boxes and lettered options, and which are marked (pure).

Boxes are already canonical here (ingest/normalize.py): ☐ empty, ☒ marked. What an answer picks is read in
picks.py.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

from ..model import Choice
from .math import math_spans, strip_markup

BOX = re.compile(r"[☐☒]")
_LABEL = re.compile(r"^\s*(?:\*\*([A-Za-z0-9])\*\*|\(([A-Za-z0-9])\)|([A-Z])[.)])(?=\s|$)")
_GROUP_NAME = re.compile(r"\(([A-Z])\)")
_TABLE_RULE = re.compile(r"^\s*(?:[-*+]\s+)?\|?\s*:?-{2,}")
_NORM_BAR = re.compile(r"\\ (?=[\w\\(])|\\ (?=_)")


@dataclass
class Option:
    text: str
    marked: bool


@dataclass
class ChoiceGroup:
    """One row or list of boxes. `name` is the row's label ('For encoder parameters θ_e', '(a)', 'A')."""

    name: str | None
    options: list[Option] = field(default_factory=list)
    row: bool = False  # the name stands on the same line as the boxes

    def to_choices(self) -> list[Choice]:
        choices = []
        explicit = [_explicit_label(option.text) for option in self.options]
        use_explicit = all(explicit) and len(set(explicit)) == len(explicit)
        for index, option in enumerate(self.options):
            label = explicit[index] if use_explicit else str(index + 1)
            text = clean_option(option.text)
            without_label = re.sub(r"^\(([A-Z])\)\s+", "", text)  # "(C) Adam" -> "Adam"; "(a)" alone stays
            choices.append(Choice(label=label, text=without_label if use_explicit and without_label else text))
        return choices


def clean_option(text: str) -> str:
    return strip_markup(text).strip(" |")


def _explicit_label(text: str) -> str | None:
    match = _LABEL.match(text)
    if not match:
        return None
    return next(group for group in match.groups() if group)


# Lettered options, one per line: 'A. SGD', '(B) Adam', 'C) RMSProp'; in lower case 'a. Normal', 'b) Poisson'
# (as quiz generators and LMS exports write them; '(a)' in lower case is a part's label, not an option).
_LETTERED = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*)?(?:\(([A-H])\)|([A-H])[.)]|([a-h])[.)])(?:\*\*)?\s+(\S.*)$")


def _boxes_for_lettered_lists(text: str) -> str:
    """Lettered option lines (two or more, lettered in order from A or a, one case) become unmarked boxes
    labelled in upper case: 'b) Poisson' is option B."""
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        run = []
        while index + len(run) < len(lines):
            match = _LETTERED.match(lines[index + len(run)])
            letter = match and (match.group(1) or match.group(2) or match.group(3))
            first = run[0].group(3) is not None if run else None
            if not match or letter.upper() != chr(ord("A") + len(run)) or (run and first != (match.group(3) is not None)):
                break
            run.append(match)
        if len(run) >= 2:
            for offset, match in enumerate(run):
                letter = (match.group(1) or match.group(2) or match.group(3)).upper()
                lines[index + offset] = f"☐ ({letter}) {match.group(4)}"
            index += len(run)
        else:
            index += 1
    return "\n".join(lines)


def find_groups(text: str) -> list[ChoiceGroup]:
    """Groups of boxes in `text`: a table is one group (read column by column), a line with a
    label before its boxes is a row of its own, consecutive plain box lines form one list;
    lettered lines ('A. SGD', 'B. Adam') count as boxes."""
    text = _boxes_for_lettered_lists(text)
    groups: list[ChoiceGroup] = []
    table_rows: list[list[str]] = []
    pending_name: str | None = None
    current: ChoiceGroup | None = None

    def flush_table() -> None:
        nonlocal table_rows
        if table_rows:
            group = ChoiceGroup(pending_name)
            width = max(len(row) for row in table_rows)
            for column in range(width):
                for row in table_rows:
                    if column < len(row):
                        group.options.extend(_options(row[column]))
            groups.append(group)
            table_rows = []

    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.lstrip("-*+ ").startswith("|") and stripped.count("|") >= 2 and not _TABLE_RULE.match(stripped):
            cells = [cell for cell in stripped.lstrip("-*+ ").strip("|").split("|")]
            if any(BOX.search(cell) for cell in cells):
                table_rows.append([_repair_norms(cell) for cell in cells if BOX.search(cell)])
                current = None
            continue
        flush_table()
        if not stripped or _TABLE_RULE.match(stripped):
            continue
        if not BOX.search(stripped):
            current = None
            named = _GROUP_NAME.search(stripped)
            pending_name = named.group(1) if named and len(stripped) < 80 else None
            continue
        prefix = strip_markup(BOX.split(stripped, maxsplit=1)[0]).strip(" -*+:")
        options = _options(stripped)
        if prefix:
            groups.append(ChoiceGroup(prefix, options, row=True))
            current = None
        else:
            if current is None:
                current = ChoiceGroup(pending_name)
                groups.append(current)
                pending_name = None
            current.options.extend(options)
    flush_table()
    return [group for group in groups if group.options]


def _options(text: str) -> list[Option]:
    options = []
    for match in re.finditer(r"([☐☒])([^☐☒]*)", text):
        body = match.group(2).strip()
        if body:
            options.append(Option(body, match.group(1) == "☒"))
    return options


def _repair_norms(cell: str) -> str:
    """Table converters eat the bars of `\\|x\\|`, leaving `\\ x\\ `: put them back inside math."""
    return re.sub(r"\$(.+?)\$", lambda m: "$" + _NORM_BAR.sub(r"\\|", m.group(1)) + "$", cell)


@lru_cache(maxsize=16384)
def normalise_choice_text(text: str) -> str:
    text = strip_markup(text).lower()
    text = re.sub(r"[\s$]+", "", text)
    return text.strip(".,;:()")


def match_option(text: str, choices: list[Choice]) -> str | None:
    """The label of the choice whose text is `text` (ignoring markup, case and spaces)."""
    wanted = normalise_choice_text(text)
    for choice in choices:
        if normalise_choice_text(choice.text) == wanted:
            return choice.label
    for choice in choices:
        have = normalise_choice_text(choice.text)
        if wanted and (have.startswith(wanted) or wanted.startswith(have)):
            return choice.label
    return None


def math_of(text: str) -> list[str]:
    return [re.sub(r"\s+", "", latex) for latex, _ in math_spans(text)]
