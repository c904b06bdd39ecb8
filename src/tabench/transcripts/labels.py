"""The writer's label at the start of a line, in every common form (pure, one pass over the line).

| form | examples | components |
| --- | --- | --- |
| keyword and number | `Question 3`, `Problem 2 —`, `Q5`, `Exercise 4:`, `### Solution to Question 3` | 3 |
| keyword, number, part | `Q3(b)`, `Q5 part (e)`, `Question 11.4(i)`, `**Part 3.a**`, `Q1a)`, `Q2b.` | 3 b |
| number and part | `3(c)`, `3 (b)`, `3.a`, `11.d.ii`, `11.4(i)`, `3c)` | 3 c |
| decimal numbering | `3.1 The loss`, `1.1.1 Effect of ReLU`, `### 2.3 Results` | 3 1 |
| bracketed | `(a)`, `(ii)`, `(d)(ii)`, `(2)` | a |
| closed by `)` or `.` | `a)`, `A)`, `**A)**`, `ii.`, `A.`, `1)`, `1.` | a |
| the word Part | `Part A —`, `Part (b):`, `Part 2` | a |
| marked number | `### 1. Title`, `**6**`, `## 3) Title` | 1 |
| bare number (write-ups) | `1 Introduction` | 1 |

Leading bullets, quote marks, heading hashes and bold or italic markers are skipped first. The scanner reads at
most `MAX_LABEL` characters of a line, so a line of any length costs the same; no pattern can backtrack over it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..ingest.points import strip_points

MAX_LABEL = 160  # a label and the start of its title sit in a line's first characters
MAX_COMPONENTS = 4

ROMANS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")
_KEYWORD = re.compile(
    r"(?:(?:solution|answer|response)s?\s{1,3}(?:to|for)\s{1,3})?"
    r"(question|problem|exercise|task|part|prob\.|ex\.|q)(?![a-z])\s{0,3}(?:no\.\s{0,3}|#\s{0,3})?",
    re.I,
)
_BRACKETED = re.compile(r"\s{0,2}\(\s{0,2}([0-9]{1,3}|[a-zA-Z]|[ivxIVX]{1,4})\s{0,2}\)")
_NUMBER = re.compile(r"[0-9]{1,3}(?![0-9])")
_ROMAN = re.compile(r"(?:viii|vii|iii|vi|iv|ix|ii|i|v|x)(?![a-zA-Z])", re.I)
_LETTER = re.compile(r"[a-zA-Z](?![a-zA-Z])")
_PART_WORD = re.compile(r"[,\s]{1,3}part\s{0,3}", re.I)
_AFTER = re.compile(r"\s{0,3}(?:\*\*|__)?\s{0,3}(?:[:.)]|[—–-](?=\s))?\s{0,3}(?:\*\*|__)?")


@dataclass(frozen=True)
class Label:
    components: tuple[str, ...]  # as written, lower-cased: ("3", "a"), ("11", "4", "i"), ("b",), ("1", "1", "1")
    kinds: tuple[str, ...]  # per component: "number", "letter", "roman", or "letter/roman" (i, v, x)
    keyword: str | None  # question, problem, exercise, task, part, q
    title: str  # the rest of the line: what the writer calls this part
    heading: bool = False
    bold: bool = False
    upper: bool = False  # a capital letter label (A), A)
    style: str = ""  # how the last component is written: "(x)", "x)", "x.", "x" — writers keep one style per level
    bare: bool = False  # a number followed only by a space ("1 Introduction"): a section of a write-up

    @property
    def marked(self) -> bool:
        return self.heading or self.bold or self.keyword is not None


def read_label(line: str) -> Label | None:
    """The label that starts `line`, or None when the line starts with text."""
    start, heading, bold = _lead(line)
    text = line[start:start + MAX_LABEL]
    if not text:
        return None
    position, keyword = 0, None
    found = _KEYWORD.match(text)
    if found:
        keyword = found.group(1).lower().rstrip(".")
        position = found.end()
    components: list[str] = []
    kinds: list[str] = []
    bracketed = False
    upper = False
    while len(components) < MAX_COMPONENTS:
        paren = _BRACKETED.match(text, position)
        spaced = paren is not None and text[position].isspace()
        if paren and (not spaced or kinds == ["number"]):  # "(d)(ii)", "3(c)", "3 (b)"; not "3.d.ii (a) is"
            value = paren.group(1)
            components.append(value.lower())
            kinds.append(_kind(value))
            upper = upper or value.isupper() and value.isalpha()
            bracketed, position = True, paren.end()
            continue
        if components and text.startswith(".", position):
            value, end = _component(text, position + 1)
            if value is not None and (end >= len(text) or text[end] in " \t.:)(*_" or text[end] == "\u2014"):
                components.append(value.lower())
                kinds.append(_kind(value))
                bracketed, position = False, end
                continue
            break
        if kinds == ["number"] and position < len(text) and text[position].isalpha():
            # a part glued to its number: 'Q1a)', 'Q2b.', '3c)', 'Problem 4ii:'; not '2x + 1', '3rd', '1st'
            value, end = _component(text, position)
            closer_after = text[end:end + 1]
            if value is not None and (closer_after in (")", ":") or keyword and closer_after in ("", " ", "\t", ".", "*")):
                components.append(value.lower())
                kinds.append(_kind(value))
                position = end
                continue
            break
        if components and keyword != "part":
            word = _PART_WORD.match(text, position)
            if word and _BRACKETED.match(text, word.end()) or word and _component(text, word.end())[0] is not None:
                position = word.end()
                value, end = _component(text, position)
                if value is None:
                    continue  # the bracketed form is read at the top of the loop
                components.append(value.lower())
                kinds.append(_kind(value))
                bracketed, position = False, end
                continue
        if components:
            break
        value, end = _component(text, position)
        if value is None:
            return None
        components.append(value.lower())
        kinds.append(_kind(value))
        upper = value.isupper() and value.isalpha()
        position = end
    if not components or not _hierarchy(kinds) or components[0] == "0":
        return None
    closer = text[position] if position < len(text) else ""
    style = "(x)" if bracketed else ("x)" if closer == ")" else ("x." if closer == "." else "x"))
    after = _AFTER.match(text, position)
    rest = text[after.end():]
    bold_closed = bold and ("**" in text[position:after.end()] or "__" in text[position:after.end()])
    title = strip_points(line[start + after.end():start + after.end() + 300].strip()).strip(" *_#")
    label = Label(tuple(components), tuple(kinds), keyword, title, heading, bold, upper, style)
    return label if _is_label(label, closer, rest, text, position, bold_closed) else _bare(label, closer, rest)


def _lead(line: str) -> tuple[int, bool, bool]:
    """Where the label would start, past indentation, bullets, quote marks, heading hashes and emphasis."""
    index, size = 0, len(line)
    heading = bold = False
    while index < size:
        char = line[index]
        if char in " \t>":
            index += 1
        elif char == "#":
            heading, index = True, index + 1
        elif line.startswith("**", index) or line.startswith("__", index):
            bold, index = True, index + 2
        elif char in "-+*•◦‣▪" and index + 1 < size and line[index + 1] in " \t":
            index += 2  # a list bullet
        elif char in "*_":
            index += 1  # italics
        else:
            break
    return index, heading, bold


def _component(text: str, position: int) -> tuple[str | None, int]:
    for pattern in (_NUMBER, _ROMAN, _LETTER):
        found = pattern.match(text, position)
        if found:
            return found.group(0), found.end()
    return None, position


def _kind(value: str) -> str:
    lower = value.lower()
    if value.isdigit():
        return "number"
    if lower in ("i", "v", "x"):
        return "letter/roman"
    if lower in ROMANS:
        return "roman"
    return "letter"


def _hierarchy(kinds: list[str]) -> bool:
    """Numbers, then letters, then roman numerals: `3.a.ii`, `11.4(i)`, `1.1.1`; never `e.g.` or `i.e.`."""
    rank = {"number": 0, "letter": 1, "letter/roman": 1, "roman": 2}
    previous = -1
    for index, kind in enumerate(kinds):
        level = rank[kind]
        if kind == "letter/roman" and previous == 1:
            level = 2  # (d)(i): a numeral under a letter
        if kind == "number" and previous == 0:
            level = 0  # 1.1.1, 3.2: decimal numbering
        elif level <= previous:
            return False
        if kind == "letter" and index and kinds[index - 1] in ("letter", "letter/roman"):
            return False
        previous = level
    return True


def _is_label(label: Label, closer: str, rest: str, text: str, position: int, bold_closed: bool) -> bool:
    kinds, components = label.kinds, label.components
    if label.keyword:
        # "Question 3", "Part A —", "Q5 part (e)"; "Part of the answer" is prose
        return components[0].isdigit() or label.keyword == "part" or label.style == "(x)"
    if len(components) > 1:
        if all(kind == "number" for kind in kinds):
            # decimal numbering: "3.1 The loss", "1.1.1 Effect of ReLU"; "3.14 is pi" is a number
            return label.marked or not rest.strip() or rest[:1].isupper() or rest[:1] in "(:[" or closer in ":)"
        return True  # 3.a, 3(c), (d)(ii), 11.4(i)
    if label.style == "(x)":
        return True
    if closer == ")":
        return True  # a) A) 1) ii)
    if closer == ".":  # not ":": "X: Incorrect" and "V: Correct" are a reader's marks
        after = text[position + 1:position + 2]
        return not after or after in " \t*_"  # "A. The", "1. First", but not "a.k.a."
    # "### 6", "**6** The answer", "## 3 —"; not "**2 layers** are enough"
    return components[0].isdigit() and (bold_closed or label.marked and (not rest or not rest[:1].isalnum()))


def _bare(label: Label, closer: str, rest: str) -> Label | None:
    """`1 Introduction`: a write-up's section number followed by a capitalised title."""
    if len(label.components) == 1 and label.kinds[0] == "number" and closer in (" ", "\t") and rest[:1].isupper() \
            and len(rest) <= 120:
        return Label(label.components, label.kinds, label.keyword, label.title, label.heading, label.bold,
                     label.upper, "x", bare=True)
    return None
