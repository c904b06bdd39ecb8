r"""Reading pieces of TeX source as TeX reads them: arguments, groups, control names, file names (pure).

The expander reads definitions and macro arguments from the text itself, before anything is parsed; these are
the small scanners it uses, each of which stops at the end of the text instead of failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_CONTROL_WORD_END = re.compile(r"\\[A-Za-z]+$")
_GROUP_STOP = re.compile(r"\\.|[{}%\]]", re.S)  # what can open, close or hide a group; an escaped character
OPTIONAL_REACH = 5_000  # characters an optional [argument] may have
INLINE_CODE_REACH = 5_000  # characters \verb|…| may have


@dataclass(frozen=True)
class Where:
    """A place in the document, for messages; its line number is counted only when a message is written."""

    text: str
    pos: int
    file: str = ""

    def __str__(self) -> str:
        line = self.text.count("\n", 0, self.pos) + 1
        return f"{self.file} line {line}" if self.file else f"line {line}"


def skip_spaces(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def skip_star(text: str, at: int) -> int:
    at = skip_spaces(text, at)
    return at + 1 if at < len(text) and text[at] == "*" else at


def next_char(text: str, at: int) -> str:
    at = skip_spaces(text, at)
    return text[at] if at < len(text) else ""


def group_end(text: str, at: int, opening: str = "{") -> int | None:
    """The index just past the `{…}` (or `[…]`) group that opens at `at`, or None when it never closes.

    Braces are matched once for the whole text (so that many unclosed groups cost no more than one); an optional
    `[…]` argument is looked for within OPTIONAL_REACH characters."""
    if opening == "{":
        return _closing_braces(text).get(at)
    depth = 0
    index = at
    limit = at + OPTIONAL_REACH
    while True:
        match = _GROUP_STOP.search(text, index, limit)
        if match is None:
            return None
        char, index = match.group(), match.end()
        if char == "%":
            newline = text.find("\n", index, limit)
            if newline == -1:
                return None
            index = newline + 1
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return None
        elif char == "]" and depth == 0:
            return index


@lru_cache(maxsize=8)
def _closing_braces(text: str) -> dict[int, int]:
    """For each `{` of `text` that is closed: the index just past its `}` (escaped braces and comments skipped)."""
    ends: dict[int, int] = {}
    opened: list[int] = []
    index = 0
    while True:
        match = _GROUP_STOP.search(text, index)
        if match is None:
            return ends
        char, index = match.group(), match.end()
        if char == "%":
            newline = text.find("\n", index)
            if newline == -1:
                return ends
            index = newline + 1
        elif char == "{":
            opened.append(match.start())
        elif char == "}" and opened:
            ends[opened.pop()] = index


def read_argument(text: str, at: int) -> tuple[str, int] | None:
    """A mandatory argument: a braced group (without its braces) or one token, as TeX reads it; and its end."""
    at = skip_spaces(text, at)
    if at >= len(text) or text[at] == "}":
        return None
    if text[at] == "{":
        end = group_end(text, at)
        return None if end is None else (text[at + 1 : end - 1], end)
    if text[at] == "\\":
        name, end = read_control_name(text, at)
        return (text[at:end].rstrip(), end) if name is not None else None
    return text[at], at + 1


def read_optional(text: str, at: int) -> tuple[str | None, int]:
    """An optional `[…]` argument and its end; (None, at) when there is none."""
    start = skip_spaces(text, at)
    if start < len(text) and text[start] == "[":
        end = group_end(text, start, "[")
        if end is not None:
            return text[start + 1 : end - 1], end
    return None, at


def read_arguments(text: str, at: int, count: int, default: str | None) -> tuple[list[str] | None, int]:
    """`count` arguments, the first optional when it has a `default`; (None, at) when one is missing."""
    args: list[str] = []
    if default is not None:
        optional, at = read_optional(text, at)
        args.append(default if optional is None else optional)
        count -= 1
    for _ in range(count):
        argument = read_argument(text, at)
        if argument is None:
            return None, at
        args.append(argument[0])
        at = argument[1]
    return args, at


def read_control_name(text: str, at: int) -> tuple[str | None, int]:
    r"""`\name` (also braced: `{\name}`) -> ('name', end)."""
    at = skip_spaces(text, at)
    if at < len(text) and text[at] == "{":
        end = group_end(text, at)
        if end is None:
            return None, at
        name, _ = read_control_name(text[at + 1 : end - 1], 0)
        return name, end
    if at + 1 >= len(text) or text[at] != "\\":
        return None, at
    end = at + 2
    if text[at + 1].isalpha():
        while end < len(text) and text[end].isalpha():
            end += 1
    return text[at + 1 : end], end


def argument_count(text: str | None) -> int:
    """`[2]` of `\\newcommand{\\x}[2]{…}`: 0 to 9."""
    try:
        return max(0, min(9, int((text or "0").strip())))
    except ValueError:
        return 0


def substitute(body: str, args: list[str]) -> str:
    """`#1`…`#9` replaced by the arguments, `##` by `#`; a control word never runs into the letters after it."""
    pieces = []
    index = start = 0
    while index < len(body) - 1:
        if body[index] == "#" and (body[index + 1] == "#" or body[index + 1] in "123456789"):
            number = body[index + 1]
            replacement = "#" if number == "#" else (args[int(number) - 1] if int(number) <= len(args) else "")
            pieces.extend([spaced(body[start:index]), spaced(replacement) if number != "#" else replacement])
            index += 2
            start = index
            continue
        index += 1
    pieces.append(body[start:])
    return "".join(pieces)


def spaced(text: str) -> str:
    """A control word at the end of a piece gets a space, so the letters that follow are not read into it."""
    return text + " " if _CONTROL_WORD_END.search(text) else text


def bare_file_name(text: str, at: int) -> tuple[str, int] | None:
    r"""`\input file` (TeX's own syntax): the name runs to the next space or brace."""
    at = skip_spaces(text, at)
    end = at
    while end < len(text) and text[end] not in " \t\r\n{}\\%":
        end += 1
    return (text[at:end], end) if end > at else None


def delimited(text: str, at: int, braces: bool) -> tuple[int, int, int] | None:
    r"""The text of `|code|` (or `{code}` when `braces`) at `at`: (start, end of the code, end); None when the
    delimiter never comes back on the same line (then it was not inline code)."""
    if at >= len(text):
        return None
    closing = "}" if braces and text[at] == "{" else text[at]
    newline = text.find("\n", at + 1, at + INLINE_CODE_REACH)
    end = text.find(closing, at + 1, newline if newline != -1 else at + INLINE_CODE_REACH)
    return None if end == -1 else (at + 1, end, end + 1)


def inline_code_end(command: str, text: str, at: int) -> int:
    r"""The end of `\verb|…|`, `\lstinline[…]{…}` or `\mintinline{lang}|…|` whose arguments start at `at`."""
    if command == "lstinline":
        _, at = read_optional(text, at)
    elif command == "mintinline":
        argument = read_argument(text, at)
        at = argument[1] if argument else at
    if command == "verb":
        at += 1 if at < len(text) and text[at] == "*" else 0
    else:
        at = skip_spaces(text, at)
    span = delimited(text, at, braces=command != "verb")
    return span[2] if span else min(at + 1, len(text))


def assignment_end(text: str, at: int) -> int:
    r"""The end of `<number> [=] <number>` after \catcode and friends (`\catcode`\@=11`, `\catcode 64 12`)."""
    for index in range(2):
        at = skip_spaces(text, at)
        if index == 1 and at < len(text) and text[at] == "=":
            at = skip_spaces(text, at + 1)
        if at < len(text) and text[at] == "`":
            at += 2 if at + 1 < len(text) and text[at + 1] == "\\" else 1
            at += 1
        elif at < len(text) and text[at] == "\\":
            _, at = read_control_name(text, at)
        else:
            start = at
            if at < len(text) and text[at] in "\"'":  # hexadecimal or octal
                at += 1
                while at < len(text) and text[at].isalnum():
                    at += 1
            while at < len(text) and text[at].isdigit() and text[start] not in "\"'":
                at += 1
    return at
