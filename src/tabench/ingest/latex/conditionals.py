r"""TeX conditionals the expander can settle: their branches, and ifthen's tests (pure)."""

from __future__ import annotations

import re

from pylatexenc.latexwalker import LatexWalkerEndOfStream

from .source import inline_code_end, read_arguments
from .walker import walker

# TeX's conditionals (and the exam class's \ifprintanswers); other \if… names are ordinary macros
TEX_CONDITIONALS = frozenset((
    "ifprintanswers", "iftrue", "iffalse", "if", "ifx", "ifnum", "ifdim", "ifodd", "ifvmode", "ifhmode", "ifmmode",
    "ifinner", "ifvoid", "ifhbox", "ifvbox", "ifeof", "ifcat", "ifcase", "ifdefined", "ifcsname", "iffontchar",
    "ifincsname", "ifpdf", "ifxetex", "ifluatex",
))
_ANSWER_WORDS = ("sol", "answer", "key", "printans")


def answers_switch(name: str) -> bool:
    r"""A switch named for solutions or answers shows the key when on (`\ifsolutions`, `\boolean{solutionCopy}`):
    tabench reads both sides of it, as the key and as the blank exam."""
    lowered = name.lower()
    return any(word in lowered for word in _ANSWER_WORDS)


def branches(text: str, at: int, context, is_conditional, budget: list[int]) -> tuple[str, str, int, bool] | None:
    r"""(true branch, false branch, end, whether each branch balances its braces) of a conditional whose test ends
    at `at`; None when its \fi never comes or the tokens left in `budget[0]` run out (each token read takes one)."""
    scan = walker(text, context)
    nesting = 0
    braces = [0, 0]
    branch = 0
    else_at = None
    pos = at
    while True:
        budget[0] -= 1
        if budget[0] < 0:
            return None
        try:
            token = scan.get_token(pos)
        except LatexWalkerEndOfStream:
            return None
        end = token.pos + token.len
        if token.tok == "macro":
            name = token.arg
            if is_conditional(name):
                nesting += 1
            elif name == "fi":
                if nesting == 0:
                    shown = text[at : else_at[0]] if else_at else text[at : token.pos]
                    hidden = text[else_at[1] : token.pos] if else_at else ""
                    return shown, hidden, end, braces == [0, 0]
                nesting -= 1
            elif name == "else" and nesting == 0:
                else_at = (token.pos, end)
                branch = 1
            elif name in ("verb", "lstinline"):
                end = inline_code_end(name, text, token.pos + len(name) + 1)
        elif token.tok in ("brace_open", "brace_close"):
            braces[branch] += 1 if token.tok == "brace_open" else -1
            if braces[branch] < 0:
                braces[branch] = -(10**6)  # closed a group it did not open: never balanced again
        pos = end


def evaluate(condition: str, switches: dict[str, bool]) -> bool | None:
    r"""ifthen's tests: \equal{a}{b}, \boolean{x}, \isodd{n}, n < m, with \NOT, \AND, \OR; None when unknown."""
    condition = condition.strip()
    for operator, combine in (("\\OR", any), ("\\AND", all)):
        pieces = _split_top(condition, operator)
        if len(pieces) > 1:
            values = [evaluate(piece, switches) for piece in pieces]
            return None if None in values else combine(values)
    if condition.startswith("\\NOT"):
        value = evaluate(condition[4:], switches)
        return None if value is None else not value
    if condition.startswith("\\equal"):
        args, end = read_arguments(condition, len("\\equal"), 2, None)
        if args is not None and not condition[end:].strip():
            return args[0].strip() == args[1].strip()
    match = re.fullmatch(r"\\boolean\s*\{([^}]*)\}", condition)
    if match:
        return switches.get(match.group(1).strip())
    match = re.fullmatch(r"\\isodd\s*\{\s*(-?\d+)\s*\}", condition)
    if match:
        return int(match.group(1)) % 2 == 1
    match = re.fullmatch(r"(-?\d+)\s*([<=>])\s*(-?\d+)", condition)
    if match:
        a, b = int(match.group(1)), int(match.group(3))
        return {"<": a < b, "=": a == b, ">": a > b}[match.group(2)]
    return None


def answers_boolean(condition: str) -> tuple[bool, str] | None:
    r"""`\boolean{solutions}` or `\NOT\boolean{solutions}` of an answers switch: (negated, name); else None."""
    match = re.fullmatch(r"\s*(\\NOT\s*)?\\boolean\{([^}]*)\}\s*", condition)
    if match and answers_switch(match.group(2).strip()):
        return bool(match.group(1)), match.group(2).strip()
    return None


def _split_top(condition: str, operator: str) -> list[str]:
    """The pieces of `condition` between `operator`s outside braces."""
    pieces, depth, start, index = [], 0, 0, 0
    while index < len(condition):
        char = condition[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and condition.startswith(operator, index) \
                and not condition[index + len(operator) : index + len(operator) + 1].isalpha():
            pieces.append(condition[start:index])
            index += len(operator)
            start = index
            continue
        index += 1
    pieces.append(condition[start:])
    return pieces
