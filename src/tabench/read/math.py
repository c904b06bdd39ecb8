"""Where the math is in an answer or a solution, what is boxed, and the markup around it (pure, one pass each).

One table of math delimiters, used by the key and the grader alike:

| delimiter | spans lines | example |
| --- | --- | --- |
| `$$ … $$` | yes | `$$t = 50\\,\\text{ns}$$` |
| `\\[ … \\]` | yes | `\\[ x = 1 \\]` |
| `\\begin{align*} … \\end{align*}` (equation, align, gather, multline, eqnarray) | yes | `\\begin{equation} E = mc^2 \\end{equation}` |
| `\\( … \\)` | no | `\\(x^2\\)` |
| `$ … $` | no, and the closing `$` is not followed by a digit | `$x^2$`, but not `costs $5 and $10` |

A `$` next to a number (`$1,000.99`, `2,74 $`) is a currency sign, `\\$` a literal dollar. An opening
delimiter that never closes is kept in `MathScan.unclosed`: an answer whose final answer sits after one
is malformed. Every search for a closing delimiter starts where the last one ended, so a text of 60,000
`\\[` is read in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .limits import MAX_DISPLAY_CHARS

_OPENER = re.compile(r"\$\$|\$|\\\[|\\\(|\\begin\{(equation|align|alignat|gather|multline|eqnarray|displaymath)\*?\}")
_CLOSER = {"$$": "$$", "\\[": "\\]", "\\(": "\\)", "$": "$"}


@dataclass(frozen=True)
class Span:
    """One piece of math: where it is (delimiters included) and the LaTeX inside."""

    start: int
    end: int
    body: str
    display: bool


@dataclass(frozen=True)
class MathScan:
    spans: tuple[Span, ...]
    unclosed: tuple[int, ...]  # positions of opening delimiters that never close


def _escaped(text: str, index: int) -> bool:
    """Is the character at `index` preceded by an odd number of backslashes?"""
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _currency(text: str, index: int) -> bool:
    """A `$` written against a number: `$1,000.99`, `1,000.99$`, `2,74 $ a`."""
    after = text[index + 1 : index + 2]
    before = text[max(0, index - 2) : index].rstrip(" ")
    return after.isdigit() or (before[-1:].isdigit())


class _NextCloser:
    """The next unescaped occurrence of a closing token at or after a position, found once per token and reused
    while the openers come before it (this keeps a text full of unclosed openers linear)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: dict[str, int] = {}

    def after(self, token: str, position: int) -> int:
        cached = self.found.get(token)
        if cached is not None and (cached == -1 or cached >= position):
            return cached
        index = self.text.find(token, position)
        while index != -1 and _escaped(self.text, index):
            index = self.text.find(token, index + 1)
        self.found[token] = index
        return index


@lru_cache(maxsize=512)
def scan_math(text: str, paragraph_inline: bool = False) -> MathScan:
    """Every math span of `text`, in order, and the openers that never close. With `paragraph_inline`, inline math
    may run over lines up to a blank line, as LaTeX source allows (the key reads documents so; answers keep
    inline math on one line)."""
    spans: list[Span] = []
    unclosed: list[int] = []
    closers = _NextCloser(text)
    line_end = -1
    position = 0
    while True:
        match = _OPENER.search(text, position)
        if match is None:
            break
        start, token = match.start(), match.group(0)
        if _escaped(text, start):
            position = start + 1
            continue
        if token.startswith("\\begin"):
            closer = f"\\end{{{match.group(1)}" + ("*}" if token.endswith("*}") else "}")
            end = closers.after(closer, match.end())
            if end == -1 or end - start > MAX_DISPLAY_CHARS:
                unclosed.append(start)
                position = match.end()
                continue
            spans.append(Span(start, end + len(closer), text[start : end + len(closer)], True))
            position = end + len(closer)
            continue
        closer = _CLOSER[token]
        if token in ("$$", "\\["):
            end = closers.after(closer, match.end())
            if end == -1 or end - start > MAX_DISPLAY_CHARS:
                unclosed.append(start)
                position = match.end()
                continue
            spans.append(Span(start, end + len(closer), text[match.end() : end].strip(), True))
            position = end + len(closer)
            continue
        if start > line_end:
            line_end = text.find("\n\n" if paragraph_inline else "\n", start)
            if line_end == -1:
                line_end = len(text)
        end = _inline_close(text, token, match.end(), line_end)
        if end == -1:
            if token == "\\(" or not _currency(text, start):
                unclosed.append(start)
            position = match.end()
            continue
        spans.append(Span(start, end + len(closer), text[match.end() : end].strip(), False))
        position = end + len(closer)
    return MathScan(tuple(spans), tuple(unclosed))


def _inline_close(text: str, token: str, position: int, line_end: int) -> int:
    """Where an inline span opened just before `position` closes on its line, or -1."""
    closer = _CLOSER[token]
    index = text.find(closer, position, line_end)
    while index != -1 and _escaped(text, index):
        index = text.find(closer, index + 1, line_end)
    if index == -1 or index == position and token == "$":
        return -1
    if token == "$" and text[index + 1 : index + 2].isdigit():
        return -1  # `$5 and $10`: currency, not math
    return index


def math_spans(text: str, paragraph_inline: bool = False) -> list[tuple[str, bool]]:
    """Every piece of math in `text`, as (latex, is_display), in order (see scan_math)."""
    return [(span.body, span.display) for span in scan_math(text, paragraph_inline).spans]


# ---- boxes -------------------------------------------------------------------------------------

_BOX_COMMAND = re.compile(r"\\+(?:boxed|fbox|framebox)\s*(?:\[[^\]\n]{0,20}\]\s*)?\{")
_BRACE = re.compile(r"\\[{}]|[{}]")


@dataclass(frozen=True)
class Box:
    start: int  # where the command starts
    end: int  # after the closing brace
    content: str


@lru_cache(maxsize=256)
def brace_pairs(text: str) -> dict[int, int]:
    """Position of each `{` -> position of its `}`, for the braces that close (one pass; `\\{` is literal)."""
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for match in _BRACE.finditer(text):
        if len(match.group(0)) == 2:
            continue
        if match.group(0) == "{":
            stack.append(match.start())
        elif stack:
            pairs[stack.pop()] = match.start()
    return pairs


@lru_cache(maxsize=512)
def boxes(text: str) -> tuple[Box, ...]:
    """The outermost `\\boxed{…}` (also `\\fbox`, `\\framebox`) of `text` with balanced braces, in order.
    A box that never closes is not a box."""
    if "box" not in text:
        return ()
    commands = {match.end() - 1: match.start() for match in _BOX_COMMAND.finditer(text)}
    if not commands:
        return ()
    pairs = brace_pairs(text)
    found = [Box(start, pairs[brace] + 1, text[brace + 1 : pairs[brace]])
             for brace, start in commands.items() if brace in pairs]
    found.sort(key=lambda box: box.start)
    outer: list[Box] = []
    for box in found:
        if outer and box.start < outer[-1].end:
            continue  # a box inside a box
        outer.append(box)
    return tuple(outer)


def last_boxed(text: str) -> str | None:
    """The content of the last box, or None."""
    found = boxes(text)
    return found[-1].content if found else None


# ---- markup and small LaTeX helpers ------------------------------------------------------------

_HTML_EMPHASIS = re.compile(r"</?(?:b|i|em|strong|sup|sub|u|mark)>")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_EQUATION_NUMBER = re.compile(r"\\(?:quad|qquad)\s*\(\d+\)\s*$|\\tag\*?\{[^}]*\}|\\label\{[^}]*\}|\\nonumber|\\notag")
_TEXT_PREFIX = re.compile(r"^\s*\\text\{[^{}]*\}\s*")
_SPACING = re.compile(r"(?<!\\)\\[,;:! ]|\\quad|\\qquad|~")
# A line break `\\\\` (`\\\\[4pt]`, `\\\\*`) between the lines of a derivation; not `\\\\frac`, a command
# whose backslash was escaped twice. Inside a matrix, cases or an array it separates rows and stays.
_LINE_BREAK = re.compile(r"(?<!\\)\\\\(?![A-Za-z])\*?(?:\s*\[[^\]\[]{0,20}\])?")
_ROWS = re.compile(r"\\begin\{(?:[pbBvV]?matrix|smallmatrix|cases|dcases|array|tabular)\*?\}")
_ALIGN = re.compile(r"\\(?:begin|end)\{(?:align|aligned|alignat|equation|gather|gathered|multline|eqnarray)\*?\}")


_TEXT_WRAPPERS = re.compile(r"\\(?:text|textbf|mathrm|boxed|mathbf)\s*\{([^{}]*)\}|\$")


def without_wrappers(text: str) -> str:
    """`text` with `\\text{…}`, `\\mathrm{…}`, `\\boxed{…}` … replaced by their content and `$` by a space."""
    return _TEXT_WRAPPERS.sub(lambda m: m.group(1) or " ", text)


@lru_cache(maxsize=65536)
def strip_markup(text: str) -> str:
    """Markdown emphasis and stray HTML emphasis removed, white space folded."""
    text = _HTML_EMPHASIS.sub("", text)
    text = _MD_EMPHASIS.sub("", text)
    return " ".join(text.split())


def clean_latex(latex: str) -> str:
    """Drop equation numbers, leading prose (`\\text{We have }`), spacing and end punctuation; of an aligned
    block, keep its last line."""
    latex = _EQUATION_NUMBER.sub("", latex)
    without_prefix = _TEXT_PREFIX.sub("", latex)
    if without_prefix.strip():
        latex = without_prefix
    aligned = bool(_ALIGN.search(latex))
    if aligned:
        latex = _ALIGN.sub("", latex).replace("&", "")
    if aligned or not _ROWS.search(latex):
        latex = _joined_lines([line.strip() for line in _LINE_BREAK.split(latex) if line.strip()], aligned) or latex
    latex = _SPACING.sub(" ", latex)
    latex = latex.strip().rstrip(".,;").strip()
    return " ".join(latex.split())


def _joined_lines(lines: list[str], aligned: bool) -> str:
    """The lines of math broken with `\\\\`, as one: of an aligned block its last line (the result a derivation
    arrives at); else a derivation whose lines continue with `=` is its first side equal to its last line
    (`f(x) = x^2+1 \\\\ = 2x` -> `f(x) = 2x`), and separate lines a list (`k = 45 \\\\ n = 2` -> `k = 45, n = 2`)."""
    if len(lines) <= 1 or aligned:
        return lines[-1] if lines else ""
    if _CONTINUES.match(lines[-1]):
        return f"{split_equation(lines[0])[0]} {lines[-1]}"
    return ", ".join(lines)


_CONTINUES = re.compile(r"^(?:=|\\(?:leq?|geq?|approx|equiv|sim)(?![A-Za-z])|[<>])")


def split_equation(latex: str) -> list[str]:
    """'a = b = c' -> ['a', 'b', 'c'] (top-level '=' only; ':=' counts as '=', '\\leq', '<=', '!=' do not)."""
    parts, current = [], []
    depth = 0
    for index, char in enumerate(latex):
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth = max(0, depth - 1)
        if char == "=" and depth == 0 and latex[index - 1 : index] not in ("<", ">", "!", "\\"):
            parts.append("".join(current).rstrip(":").strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]
