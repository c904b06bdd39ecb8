"""Markdown text (an answer, a prompt, a comment) written again as safe Markdown for the Markdown report (pure).

An answer's Markdown is not pasted into the report: it is parsed, then written again, so nothing in it can
act on the report's reader. Links and images become their text and address in a code span (no remote
image is fetched, no link is live, and a bare address is in a code span so viewers do not link it); raw
HTML is escaped text; headings become bold lines (the report's outline stays the report's); formulas are
rewritten from their parse (texmath.py) or shown as their source in a code span.
"""

from __future__ import annotations

import re

from .markup import Writer, address, parse, parse_inline, show_invisible, table_rows
from .texmath import rewrite

_ESCAPED = re.compile(r"([\\`*_\[\]|$~<>&])")
_LINE_START = re.compile(r"^(\s*)(\d+[.)]|[-+#=])", re.M)
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_ADDRESS = re.compile(r"\b(?:https?|ftp|file)://\S+|\bwww\.\S+", re.I)


def code_span(text: str) -> str:
    """Text in a code span whose fence is longer than any run of backticks inside it."""
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def escape_markdown(text: str, block: bool = False) -> str:
    """Plain text that Markdown shows as written; web addresses in code spans, so no viewer links them.
    `block`: the text may start a line of a block, where `1.`, `-`, `#` would start a list or a heading."""
    out: list[str] = []
    position = 0
    for match in _ADDRESS.finditer(text):
        out.append(_escape(text[position : match.start()], block and position == 0))
        out.append(code_span(match.group(0)))
        position = match.end()
    out.append(_escape(text[position:], block and position == 0))
    return "".join(out)


def _escape(text: str, line_start: bool) -> str:
    escaped = _ESCAPED.sub(lambda m: {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(m.group(1), "\\" + m.group(1)), text)
    if not line_start:
        return escaped
    return _LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], escaped, count=1)


def math_markdown(latex: str, display: bool, source: str) -> str:
    rewritten = rewrite(latex, "latex")
    if rewritten is None or not rewritten.strip():
        return code_span(source)
    rewritten = " ".join(rewritten.replace("<", "\\lt ").replace(">", "\\gt ").split())
    return f"\n$$\n{rewritten}\n$$\n" if display else f"${rewritten}$"


def _indent(block: str, first: str, rest: str) -> str:
    lines = block.strip("\n").split("\n")
    return "\n".join([first + lines[0]] + [(rest + line) if line.strip() else "" for line in lines[1:]])


class MarkdownWriter(Writer):
    WRAPS = {"em": ("*", "*"), "strong": ("**", "**"), "s": ("~~", "~~")}

    def __init__(self, block: bool = True):
        self.block = block
        self.at_line_start = block

    def children(self, node) -> str:
        out = []
        previous = None
        for child in node.children:
            self.at_line_start = self.block and (previous is None or previous.type in ("softbreak", "hardbreak"))
            out.append(self.write(child))
            previous = child
        return "".join(out)

    def _text(self, node) -> str:
        return escape_markdown(show_invisible(node.content), block=self.at_line_start)

    def _softbreak(self, node) -> str:
        return "\n"

    def _hardbreak(self, node) -> str:
        return "\\\n"

    def _paragraph(self, node) -> str:
        return self.children(node).strip("\n") + ("\n" if node.hidden else "\n\n")

    def _heading(self, node) -> str:
        return "**" + self.children(node).strip() + "**\n\n"

    def _bullet_list(self, node) -> str:
        return "".join(_indent(self.write(item), "- ", "  ") + "\n" for item in node.children) + "\n"

    def _ordered_list(self, node) -> str:
        start = node.attrs.get("start", 1)
        first = int(start) if str(start).isdigit() else 1
        items = []
        for offset, item in enumerate(node.children):
            marker = f"{first + offset}. "
            items.append(_indent(self.write(item), marker, " " * len(marker)) + "\n")
        return "".join(items) + "\n"

    def _list_item(self, node) -> str:
        return self.children(node).strip("\n") or " "

    def _blockquote(self, node) -> str:
        inner = self.children(node).strip("\n")
        return "\n".join("> " + line if line.strip() else ">" for line in inner.split("\n")) + "\n\n"

    def _fence(self, node) -> str:
        content = node.content.rstrip("\n")
        longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"{fence}\n{content}\n{fence}\n\n"

    _code_block = _fence

    def _hr(self, node) -> str:
        return "---\n\n"

    def _table(self, node) -> str:
        rows, width = table_rows(node)
        if not width:
            return ""
        lines = []
        for index, row in enumerate(rows):
            cells = [_UNESCAPED_PIPE.sub(r"\\|", self.children(cell).replace("\n", " ")) for cell in row.children]
            cells += [""] * (width - len(row.children))
            lines.append("| " + " | ".join(cells) + " |")
            if index == 0:
                lines.append("|" + " --- |" * width)
        return "\n".join(lines) + "\n\n"

    def _code_inline(self, node) -> str:
        return code_span(node.content)

    def _link(self, node) -> str:
        return self.children(node) + " (" + code_span(address(node)) + ")"

    def _image(self, node) -> str:
        return "\\[image: " + self.children(node) + "\\] (" + code_span(address(node)) + ")"

    def math(self, latex: str, display: bool, source: str) -> str:
        return math_markdown(latex, display, source)


def markdown_text(text: str) -> str:
    """A Markdown text, written again safely (blocks)."""
    return MarkdownWriter().write(parse(text)).strip("\n")


def markdown_inline(text: str) -> str:
    """One line of Markdown written again for a table cell or a title (pipes escaped)."""
    return MarkdownWriter(block=False).write(parse_inline(text)).strip("\n").replace("\n", " ")
