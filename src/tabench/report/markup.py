"""Answers, prompts, references and comments read as Markdown with math, for every report format (pure).

Models write Markdown (`### (a)`, `- **…**`, fenced code, `$…$`, `\\[…\\]`), so a report parses it once, with
markdown-it-py, into a syntax tree that the HTML, LaTeX and Markdown writers each walk. Raw HTML is not
markup here: `<b>`, `<!-- … -->` and `<script>` are text, shown as written. Math is found by our own rules
for `$…$`, `$$…$$`, `\\(…\\)`, `\\[…\\]` and display environments (`\\begin{align*}` …): each looks for its
closing delimiter within `MAX_MATH_CHARS`, so no text, however hostile, makes the search quadratic
(mdit-py-plugins' math rules scan to the end of the text for every unclosed opener).
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.tree import SyntaxTreeNode

from .math_allowlist import ENVIRONMENTS, MAX_MATH_CHARS

MAX_TEXT_CHARS = 100_000  # a longer text is cut here, with a note saying how much is not shown
MAX_MATH_LINES = 200
_OPENERS = {"$$": "$$", "\\[": "\\]"}
# Characters that print as nothing or reorder what follows (zero-width spaces, bidi overrides, soft hyphens):
# a report shows each as its code point, so a reader sees what an answer hid.
# Unicode's format characters (category Cf, Unicode 14), as ranges. Example: U+200B zero-width space.
INVISIBLE_RANGES = [
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891),
    (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F),
    (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
]
INVISIBLE = re.compile("[" + "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}"
                                     for low, high in INVISIBLE_RANGES) + "]")


def show_invisible(text: str, mark=lambda char: f"[U+{ord(char):04X}]") -> str:
    """`text` with every invisible formatting character replaced by `mark(char)` (its code point)."""
    return INVISIBLE.sub(lambda match: mark(match.group(0)), text)
_BEGIN = re.compile(r"\\begin\{([A-Za-z]+\*?)\}")


def _escaped(src: str, position: int) -> bool:
    backslashes = 0
    while position - 1 - backslashes >= 0 and src[position - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _inline_math(state: StateInline, silent: bool) -> bool:
    """`$x$` (pandoc's rule: no space inside the dollars, no digit right after the closing one), `$$x$$`,
    `\\(x\\)` and `\\[x\\]` inside a paragraph."""
    src, start = state.src, state.pos
    if src.startswith("\\(", start) or src.startswith("\\[", start):
        closing = "\\)" if src[start + 1] == "(" else "\\]"
        end = src.find(closing, start + 2, start + 2 + MAX_MATH_CHARS + 2)
        kind, skip = ("math_inline" if closing == "\\)" else "math_inline_double"), 2
    elif src.startswith("$$", start) and not _escaped(src, start):
        end = src.find("$$", start + 2, start + 2 + MAX_MATH_CHARS + 2)
        kind, skip = "math_inline_double", 2
    elif src.startswith("$", start) and not _escaped(src, start):
        end, kind, skip = _closing_dollar(src, start), "math_inline", 1
    else:
        return False
    if end < 0 or not src[start + skip : end].strip():
        return False
    if not silent:
        token = state.push(kind, "math", 0)
        token.content = src[start + skip : end]
        token.markup = src[start : start + skip]
    state.pos = end + skip
    return True


def _closing_dollar(src: str, start: int) -> int:
    if start + 1 >= len(src) or src[start + 1].isspace():
        return -1
    position, limit = start + 1, min(len(src), start + 2 + MAX_MATH_CHARS)
    while True:
        end = src.find("$", position, limit)
        if end < 0:
            return -1
        if _escaped(src, end):
            position = end + 1
            continue
        if src[end - 1].isspace() or (end + 1 < len(src) and src[end + 1].isdigit()):
            return -1
        return end


def _block_math(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Display math on lines of its own: `$$ … $$`, `\\[ … \\]`, or `\\begin{align*} … \\end{align*}` (and the
    other display environments the LaTeX writer knows)."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    first = state.src[state.bMarks[start_line] + state.tShift[start_line] : state.eMarks[start_line]]
    begin = _BEGIN.match(first)
    if begin and begin.group(1) in ENVIRONMENTS:
        opener, closing, keep = "", "\\end{" + begin.group(1) + "}", True
    elif first[:2] in _OPENERS:
        opener, closing, keep = first[:2], _OPENERS[first[:2]], False
    else:
        return False
    lines: list[str] = []
    size = 0
    line = start_line
    text = first[len(opener):]
    while line < end_line and line - start_line < MAX_MATH_LINES and size <= MAX_MATH_CHARS:
        if line > start_line:
            text = state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]
        stripped = text.rstrip()
        search_from = len(begin.group(0)) if (keep and line == start_line) else 0
        at = stripped.find(closing, search_from)
        if at >= 0:
            if stripped[at + len(closing):].strip():
                return False  # text after the closing delimiter: leave the line to the inline rule
            lines.append(stripped[: at + len(closing)] if keep else stripped[:at])
            if silent:
                return True
            token = state.push("math_block", "math", 0)
            token.block = True
            token.content = "\n".join(lines)
            token.markup = opener or "env"
            token.map = [start_line, line + 1]
            state.line = line + 1
            return True
        lines.append(text)
        size += len(text) + 1
        line += 1
    return False


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.inline.ruler.before("escape", "tabench_math", _inline_math)
    md.block.ruler.before("fence", "tabench_math_block", _block_math,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    return md


def clip(text: str) -> str:
    """The text, cut at `MAX_TEXT_CHARS` with a note of how much was left out."""
    if len(text) <= MAX_TEXT_CHARS:
        return text
    return text[:MAX_TEXT_CHARS] + f"\n\n*({len(text) - MAX_TEXT_CHARS:,} more characters not shown)*"


CACHED_TEXT_CHARS = 5_000


def _keep_short(parse_text):
    """`parse_text`, keeping the trees of short texts for the next format (writers only read trees); the tree
    of a long text (up to ~40 MB for the longest) is not kept."""
    kept = lru_cache(maxsize=256)(parse_text)
    return lambda text: kept(text) if len(text) <= CACHED_TEXT_CHARS else parse_text(text)


_parse_blocks = _keep_short(lambda text: SyntaxTreeNode(_parser().parse(text)))
_parse_line = _keep_short(lambda text: SyntaxTreeNode(_parser().parseInline(text)))


def parse(text: str) -> SyntaxTreeNode:
    """The Markdown syntax tree of a text (answers, prompts, references, comments)."""
    return _parse_blocks(clip(text or ""))


def parse_inline(text: str) -> SyntaxTreeNode:
    """The tree of one line of inline Markdown (a table cell, a title): no paragraphs, lists or headings."""
    return _parse_line(clip(" ".join((text or "").split())))


_CLOSING = {"$": "$", "$$": "$$", "\\(": "\\)", "\\[": "\\]"}


def math_source(node: SyntaxTreeNode) -> str:
    """A math node as it was written, delimiters included."""
    opener = "" if node.markup == "env" else node.markup
    return opener + node.content + _CLOSING.get(opener, "")


def address(node: SyntaxTreeNode) -> str:
    """Where a link or an image points, with its title: shown as text, never followed."""
    title = node.attrs.get("title")
    return str(node.attrs.get("href", node.attrs.get("src", ""))) + (f' "{title}"' if title else "")


def table_rows(node: SyntaxTreeNode) -> tuple[list[SyntaxTreeNode], int]:
    """A table's rows (its head's first) and its number of columns."""
    rows = [row for section in node.children for row in section.children]
    return rows, max((len(row.children) for row in rows), default=0)


def plain_text(node: SyntaxTreeNode) -> str:
    """What a reader sees of a tree, as plain text (math as its source)."""
    if node.type in ("text", "code_inline", "math_inline", "math_inline_double", "math_block", "fence", "code_block"):
        return node.content
    if node.type in ("softbreak", "hardbreak"):
        return " "
    return "".join(plain_text(child) for child in node.children)


class Writer:
    """Walks a tree; a subclass has one method per node type (`_paragraph`, `_link`, …), or writes a node type
    as its children between two strings (`WRAPS`)."""

    WRAPS: dict[str, tuple[str, str]] = {}

    def write(self, node: SyntaxTreeNode) -> str:
        if node.type in self.WRAPS:
            before, after = self.WRAPS[node.type]
            return before + self.children(node) + after
        method = getattr(self, "_" + node.type, None)
        return method(node) if method else self.children(node)

    def children(self, node: SyntaxTreeNode) -> str:
        return "".join(self.write(child) for child in node.children)

    def math(self, latex: str, display: bool, source: str) -> str:
        """A formula (`latex` without its delimiters; `source` as written) in the writer's format."""
        raise NotImplementedError

    def _math_inline(self, node: SyntaxTreeNode) -> str:
        return self.math(node.content.strip(), False, math_source(node))

    def _math_inline_double(self, node: SyntaxTreeNode) -> str:
        return self.math(node.content.strip(), True, math_source(node))

    def _math_block(self, node: SyntaxTreeNode) -> str:
        return self.math(node.content.strip(), True, math_source(node)).strip("\n") + "\n\n"
