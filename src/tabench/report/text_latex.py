"""Markdown text (an answer, a prompt, a comment) as LaTeX: prose escaped, math rewritten from its parse (pure).

Links and images become their text and address in typewriter type (the report has no `\\href`, no
`\\includegraphics`). A formula the allowlist refuses (see texmath.py) is shown as its escaped source.
Lists and quotes deeper than LaTeX allows are written flat.
"""

from __future__ import annotations

import re

from .markup import Writer, address, parse, parse_inline, table_rows
from .texchars import tex_text
from .texmath import rewrite

MAX_NESTING = 3  # itemize/enumerate/quote levels; LaTeX stops at 4 lists and 6 nested environments
MAX_TABLE_COLUMNS = 8
_SPACES = re.compile(r"(\s+)")
BREAK_EVERY = 24


def breakable(text: str) -> str:
    """Text escaped for typewriter type, with a break allowed every 24 characters of a long word (addresses,
    code, formula sources), so it wraps instead of running off the page."""
    return "".join(
        r"\allowbreak{}".join(tex_text(word[i : i + BREAK_EVERY]) for i in range(0, len(word), BREAK_EVERY))
        if len(word) > BREAK_EVERY else tex_text(word)
        for word in _SPACES.split(text)
    )


def tabular(rows: list[list[str]], header: bool = True) -> str:
    """Rows of LaTeX cells as a ruled table as wide as the text, in columns of equal width (the first row in
    bold when it is a header)."""
    width = max(len(row) for row in rows)
    column = f"p{{\\dimexpr {0.96 / width:.3f}\\linewidth-2\\tabcolsep\\relax}}"
    lines = []
    for index, row in enumerate(rows):
        cells = row + [""] * (width - len(row))
        if header and index == 0:
            cells = ["\\textbf{" + cell + "}" for cell in cells]
        lines.append(" & ".join(cells) + " \\\\\\hline")
    return "{\\small\\begin{tabular}{|" + "|".join([column] * width) + "|}\\hline\n" + "\n".join(lines) + "\n\\end{tabular}}"


def source_tex(source: str) -> str:
    """A formula, or any text, shown as it was written, in typewriter type."""
    return "\\texttt{" + breakable(" ".join(source.split())) + "}"


def math_tex(latex: str, display: bool, source: str, math: bool = True) -> str:
    rewritten = rewrite(latex, "latex") if math else None
    if rewritten is None or not rewritten.strip():
        shown = source_tex(source)
        return f"\n\n{shown}\n\n" if display else shown
    return f"\n\\[{rewritten}\\]\n" if display else f"${rewritten}$"


class LatexWriter(Writer):
    WRAPS = {"em": ("\\emph{", "}"), "strong": ("\\textbf{", "}"), "s": ("[struck out: ", "]")}

    def __init__(self, math: bool = True):
        self.math_allowed = math
        self.depth = 0

    def _text(self, node) -> str:
        return tex_text(node.content)

    def _softbreak(self, node) -> str:
        return "\n"

    def _hardbreak(self, node) -> str:
        return "\\newline{}\n"

    def _paragraph(self, node) -> str:
        inner = self.children(node).strip("\n")
        return inner + ("\n" if node.hidden else "\n\n")

    def _heading(self, node) -> str:
        return "\n\\par\\textbf{" + self.children(node) + "}\\par\\nopagebreak\n\n"

    def _nested(self, node, begin: str, end: str, item_marker) -> str:
        if self.depth >= MAX_NESTING:
            return "".join(f"\\par {item_marker(i)} " + self.write(child) for i, child in enumerate(node.children))
        self.depth += 1
        try:
            items = "".join(f"\\item{item_marker(i, True) or '{}'} " + self.write(child)
                            for i, child in enumerate(node.children))
        finally:
            self.depth -= 1
        return f"\n{begin}\n{items}{end}\n"

    def _bullet_list(self, node) -> str:
        return self._nested(node, "\\begin{itemize}", "\\end{itemize}", lambda i, inside=False: "" if inside else "--")

    def _ordered_list(self, node) -> str:
        start = node.attrs.get("start", 1)
        first = int(start) if str(start).isdigit() else 1
        return self._nested(node, "\\begin{itemize}", "\\end{itemize}",
                            lambda i, inside=False: f"[{first + i}.]" if inside else f"{first + i}.")

    def _list_item(self, node) -> str:
        return self.children(node).strip("\n") + "\n"

    def _blockquote(self, node) -> str:
        if self.depth >= MAX_NESTING:
            return self.children(node)
        self.depth += 1
        try:
            return "\n\\begin{quote}\n" + self.children(node).strip("\n") + "\n\\end{quote}\n"
        finally:
            self.depth -= 1

    def _fence(self, node) -> str:
        lines = node.content.rstrip("\n").split("\n")
        written = []
        for line in lines:
            indent = len(line) - len(line.lstrip(" "))
            body = breakable(line.strip(" "))
            written.append((f"\\hspace*{{{indent * 0.5:g}em}}" if indent else "") + (body or "\\mbox{}"))
        # `\\{}`: a line break that cannot take the next line's "[" as its optional argument
        return "\n\\begin{flushleft}\\ttfamily\\small\n" + "\\\\{}\n".join(written) + "\n\\end{flushleft}\n"

    _code_block = _fence

    def _hr(self, node) -> str:
        return "\n\\par\\noindent\\rule{\\linewidth}{0.4pt}\\par\n"

    def _table(self, node) -> str:
        rows, width = table_rows(node)
        if not width or width > MAX_TABLE_COLUMNS:
            return "".join("\\par " + " \\textbar{} ".join(self.children(cell) for cell in row.children) + "\n"
                           for row in rows)
        cells = [[self.children(cell) for cell in row.children] for row in rows]
        return "\n\n" + tabular(cells, header=node.children[0].type == "thead") + "\n\n"

    def _code_inline(self, node) -> str:
        return "\\texttt{" + breakable(node.content) + "}"

    def _link(self, node) -> str:
        return self.children(node) + " (\\texttt{" + breakable(address(node)) + "})"

    def _image(self, node) -> str:
        return "[image: " + self.children(node) + "] (\\texttt{" + breakable(address(node)) + "})"

    def math(self, latex: str, display: bool, source: str) -> str:
        return math_tex(latex, display, source, self.math_allowed)


def latex_text(text: str, math: bool = True) -> str:
    """A Markdown text as LaTeX paragraphs (`math=False`: every formula as its source)."""
    return LatexWriter(math).write(parse(text)).strip("\n")


def latex_inline(text: str, math: bool = True) -> str:
    """One line of Markdown as inline LaTeX (table cells, titles)."""
    return LatexWriter(math).write(parse_inline(text)).strip("\n")
