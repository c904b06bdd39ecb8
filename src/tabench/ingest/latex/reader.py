"""Walk pylatexenc's node tree into items and text (pure).

Text is written the way Markdown ingest sees a document: math stays LaTeX source between `$…$` / `$$…$$`, code is
fenced, tables are pipe rows, bold is `**…**`. Each piece of text has a role: what a student sees (prompt) or what
only the key shows (solution). The exam class (exam.py) and homework conventions (homework.py) plug in handlers for
the macros and environments that open questions and parts; the rest is here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import contextmanager

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latex2text import get_default_latex_context_db as text_db
from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexCommentNode,
    LatexEnvironmentNode,
    LatexGroupNode,
    LatexMacroNode,
    LatexMathNode,
    LatexSpecialsNode,
)

from ...model import Figure
from .specs import (
    CODE_ENVIRONMENTS,
    CONTENT_MACROS,
    FIGURE_ENVIRONMENTS,
    HIDDEN_ENVIRONMENTS,
    LAYOUT_MACROS,
    MARKING_MACROS,
    MATH_ENVIRONMENTS,
    NEUTRAL_COLOURS,
    SPACE_MACROS,
    TABLE_ENVIRONMENTS,
    TEXT_SYMBOLS,
)
from .tree import PROMPT, SOLUTION, Item, flatten

Handler = Callable[["Reader", object], None]

_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_CELL, _ROW = "\x1f", "\x1e"
_MARKS = re.compile(r"\*\*|(?<!\\)[*`]")
_NUMBERED_MATH = ("equation", "align", "eqnarray", "gather", "multline", "flalign", "alignat")
_NO_NUMBER = re.compile(r"\\(?:nonumber|notag)\b")
_LABEL = re.compile(r"\\label\{([^}]*)\}")
_SWITCHES = {"bf": "**", "bfseries": "**", "it": "*", "em": "*", "itshape": "*", "sl": "*", "tt": "`", "ttfamily": "`"}
_MATH = re.compile(r"(\$\$.*?\$\$|\$.*?\$)", re.S)
_INLINE_MATH_ENVIRONMENTS = ("math",)
_PLAIN_MATH_ENVIRONMENTS = ("equation", "equation*", "displaymath", "dmath", "dmath*")
WRAPPERS = frozenset((
    "document", "center", "flushleft", "flushright", "minipage", "quote", "quotation", "abstract", "framed",
    "mdframed", "tcolorbox", "multicols", "multicols*", "small", "footnotesize", "large", "samepage", "adjustbox",
    "spacing", "singlespace", "onehalfspace", "doublespace", "EnvUplevel", "EnvFullwidth", "coverpages",
    "titlepage", "table", "table*", "centering", "landscape", "subequations", "alltt",
))
_HEADING_LEVELS = {"chapter": 0, "section": 1, "subsection": 2, "subsubsection": 3, "paragraph": 4, "subparagraph": 5}
_TEXT = LatexNodes2Text(latex_context=text_db(), math_mode="verbatim", strict_latex_spaces=True)
_TEXT_DB = text_db()
_CLOCK_MACROS = ("today",)  # pylatexenc's text for \today is the date it was imported: kept as written instead


class Reader:
    def __init__(self, macros: dict[str, Handler], environments: dict[str, Handler],
                 handler_for: Callable[[str], Handler | None], leading_text: Callable, leading_node: Callable,
                 code_environments: set[str], colour_answers: bool = False):
        self.root = Item(level=0, origin="document")
        self.item = self.root
        self.role = PROMPT
        self.para_start = True
        self.macro_handlers = macros
        self.environment_handlers = environments
        self.handler_for = handler_for  # environments named by the document (a solution, a problem)
        self.leading_text = leading_text
        self.leading_node = leading_node
        self.code_environments = code_environments
        self.colour_answers = colour_answers
        self.coloured = False  # the document colours or highlights some of its text
        self.containers: list[tuple[Item, int]] = []  # open exam lists: (owner, level of their items)
        self.enumerate_depth = 0
        self.question_number = 0  # the last question's number (the exam class numbers on across sections)
        self.numbers: dict[str, int] = {}  # figures and tables counted as LaTeX numbers them
        self.open_floats: list[tuple[str, int]] = []  # ('figure' or 'table', figures the item had before it)
        self.capturing = 0
        self.in_table = False
        self.open_environments: list[str] = []  # environments tabench has no rule for, innermost last
        self.equation_number = 0
        self.labels: dict[str, str] = {}  # \label name -> the number the document prints for it
        self.label_target: str | None = None  # what a \label here would refer to
        self.title: str | None = None
        self.graphics_prefix = ""
        self.warnings: list[str] = []
        self._warned: set[str] = set()

    # ---- walking ---------------------------------------------------------------------------------------------

    def walk(self, nodes) -> None:
        nodes = list(nodes or ())
        index = 0
        while index < len(nodes):
            node = nodes[index]
            index += 1
            if node is None:
                continue
            if isinstance(node, LatexMacroNode):
                if node.macroname == "color" and self.colour_of(node, 1):
                    self.marked(nodes[index:])  # `{\color{red} …}` colours the rest of its group
                    return
                if self.unknown(node):  # kept as written, with the braced arguments that follow it
                    source = node.latex_verbatim()
                    while index < len(nodes) and isinstance(nodes[index], LatexGroupNode):
                        source += nodes[index].latex_verbatim()
                        index += 1
                    self.emit(source)
                    continue
            self.visit(node)

    def visit(self, node) -> None:
        if self.para_start and not self.capturing and isinstance(node, (LatexGroupNode, LatexMacroNode)) \
                and self.leading_node(self, node):
            return
        if isinstance(node, LatexCharsNode):
            self.chars(node.chars)
        elif isinstance(node, LatexGroupNode):
            self.group(node.nodelist or [])
        elif isinstance(node, LatexMathNode):
            self.math(node)
        elif isinstance(node, LatexMacroNode):
            self.macro(node)
        elif isinstance(node, LatexEnvironmentNode):
            self.environment(node)
        elif isinstance(node, LatexSpecialsNode):
            self.emit(node.specials_chars)
        elif not isinstance(node, LatexCommentNode):
            self.emit(node.latex_verbatim())

    def group(self, nodes) -> None:
        """`{…}`; `{\\bf …}`, `{\\em …}`, `{\\tt …}` as bold, emphasis, code."""
        first = next((n for n in nodes if not (isinstance(n, LatexCharsNode) and not n.chars.strip())), None)
        marker = _SWITCHES.get(first.macroname) if isinstance(first, LatexMacroNode) else None
        if marker is None:
            self.walk(nodes)
            return
        text, _ = self.capture(nodes[nodes.index(first) + 1 :])
        if text.strip():
            self.emit(f"{marker}{text.strip()}{marker}")

    def walk_arg(self, node, index: int) -> None:
        arg = argument(node, index)
        if arg is not None:
            self.visit(arg)

    # ---- text ------------------------------------------------------------------------------------------------

    def chars(self, text: str) -> None:
        if self.in_table:
            text = text.replace("&", _CELL)
        text = text.replace("~", " ").replace("``", '"').replace("''", '"').replace("---", "—").replace("--", "–")
        for index, piece in enumerate(_PARAGRAPH.split(text)):
            if index:
                self.paragraph()
            if self.para_start:
                piece = piece.lstrip()
                if piece and not self.capturing:
                    piece = self.leading_text(self, piece)
            if piece:
                self.emit(piece)

    def emit(self, text: str) -> None:
        self.item.add(self.role, text)
        if text.strip():
            self.para_start = False

    def paragraph(self) -> None:
        self.item.add(self.role, "\n\n")
        self.para_start = True

    def new_block(self) -> None:
        self.item.add(self.role, "", new_block=True)

    @contextmanager
    def as_role(self, role: str):
        """Text inside is `role` (a solution, say) and is a segment of its own."""
        saved = self.role
        self.role = role
        self.new_block()
        self.para_start = True
        try:
            yield
        finally:
            self.role = saved
            self.new_block()
            self.para_start = True

    def capture(self, nodes, role: str | None = None, table: bool = False) -> tuple[str, Item]:
        """The text of `nodes` alone (an option, a table, a title), and the scratch item it was written into."""
        saved = (self.item, self.role, self.para_start, self.in_table)
        scratch = Item(level=self.item.level, parent=self.item)
        self.item, self.role, self.in_table = scratch, role or self.role, table or self.in_table
        self.capturing += 1
        try:
            self.walk(nodes)
        finally:
            self.capturing -= 1
            self.item, self.role, self.para_start, self.in_table = saved
        self.item.figures.extend(scratch.figures)
        text = flatten(scratch)
        return text, scratch

    def plain(self, node) -> str:
        """The words of a node, without markup (to read a label or a heading)."""
        if node is None:
            return ""
        text, _ = self.capture([node])
        return _words(text)

    # ---- math, code, tables, figures ---------------------------------------------------------------------------

    def math(self, node) -> None:
        source = "".join(n.latex_verbatim() for n in node.nodelist or ()).strip()
        if node.displaytype == "inline":
            self.emit(f"${source}$")
        else:
            self.emit(f"\n$${source}$$\n")

    def math_environment(self, node) -> None:
        name = node.environmentname
        source = "".join(n.latex_verbatim() for n in node.nodelist or ()).strip()
        self.number_equations(name, source)
        if name in _INLINE_MATH_ENVIRONMENTS:
            self.emit(f"${source}$")
        elif name in _PLAIN_MATH_ENVIRONMENTS:
            self.emit(f"\n$${source}$$\n")
        else:
            self.emit(f"\n$$\\begin{{{name}}}{source}\\end{{{name}}}$$\n")

    def number_equations(self, name: str, source: str) -> None:
        """Count the equation numbers a numbered display prints, and note the labels they carry."""
        if name.endswith("*") or name not in _NUMBERED_MATH:
            return
        lines = source.split("\\\\") if name not in ("equation", "multline") else [source]
        for line in lines:
            if not line.strip() or _NO_NUMBER.search(line):
                continue
            self.equation_number += 1
            for label in _LABEL.findall(line):
                self.labels[label] = str(self.equation_number)

    def count(self, kind: str) -> int:
        self.numbers[kind] = self.numbers.get(kind, 0) + 1
        return self.numbers[kind]

    def open(self, item: Item) -> None:
        """Go on writing into `item`, a question or part just opened: its text starts here."""
        self.item, self.role, self.para_start = item, PROMPT, True
        self.label_target = str(item.number) if item.level == 1 else item.label

    def label(self, name: str) -> None:
        if self.label_target is not None:
            self.labels.setdefault(name, self.label_target)

    def code(self, node) -> None:
        name = node.environmentname
        if name in HIDDEN_ENVIRONMENTS:
            return
        args = node.nodeargd.argnlist if node.nodeargd else []
        body = args[-1].chars if args and isinstance(args[-1], LatexCharsNode) else ""
        if name == "tikzpicture":
            self.add_figure(None, "TikZ drawing")
            return
        language = CODE_ENVIRONMENTS.get(name, ("", ""))[1] or _language(args[:-1])
        body = body.strip("\n")
        self.emit(f"\n```{language}\n{body}\n```\n")

    def table(self, node) -> None:
        text, _ = self.capture(node.nodelist, table=True)
        rows = [[" ".join(cell.split()) for cell in row.split(_CELL)] for row in text.split(_ROW)]
        rows = [row for row in rows if any(row)]
        if rows:
            self.emit("\n" + "\n".join("| " + " | ".join(row) + " |" for row in rows) + "\n")

    def add_figure(self, path: str | None, caption: str = "") -> None:
        if self.role == PROMPT:
            self.item.figures.append(Figure(path=path, caption=caption))
        self.emit(f"[figure: {path or caption}]")

    # ---- macros ----------------------------------------------------------------------------------------------

    def macro(self, node) -> None:
        name = node.macroname
        handler = self.macro_handlers.get(name)
        if handler is not None:
            handler(self, node)
        elif name in ("\\", "newline"):  # a line break: a label may open the next line, as in Markdown
            self.emit(_ROW if self.in_table else "\n")
            self.para_start = not self.in_table
        elif name == "par":
            self.paragraph()
        elif name in TEXT_SYMBOLS:
            self.emit(TEXT_SYMBOLS[name])
        elif name in SPACE_MACROS:
            self.emit(" ")
        elif name in LAYOUT_MACROS:
            return
        elif name in MARKING_MACROS:
            self.marking_macro(node)
        elif name in CONTENT_MACROS:
            for index in CONTENT_MACROS[name][1]:
                self.walk_arg(node, index)
        else:
            self.emit(self.symbol(node))

    def unknown(self, node) -> bool:
        """A macro no rule here and no text table of pylatexenc knows."""
        name = node.macroname
        if name in self.macro_handlers or name in TEXT_SYMBOLS or name in LAYOUT_MACROS or name in CONTENT_MACROS \
                or name in SPACE_MACROS \
                or name in MARKING_MACROS or name in ("\\", "newline", "par"):
            return False
        return name in _CLOCK_MACROS or _TEXT_DB.get_macro_spec(name) is None

    def symbol(self, node) -> str:
        """A macro pylatexenc has a text for (`\\'e`, `\\alpha`, `\\ss`): that text; else its source."""
        try:
            return _TEXT.macro_node_to_text(node)
        except Exception:  # noqa: BLE001 - a text table entry that cannot render this node: keep the source
            return node.latex_verbatim()

    def colour_of(self, node, index: int) -> bool:
        """Is the colour argument at `index` a marking colour (not black or grey)?"""
        colour = self.plain_argument(node, index).lower()
        return bool(colour) and colour.split("!")[0] not in NEUTRAL_COLOURS

    def plain_argument(self, node, index: int) -> str:
        arg = argument(node, index)
        return arg.latex_verbatim().strip("{} ") if arg is not None else ""

    def marking_macro(self, node) -> None:
        name = node.macroname
        if name == "color":
            return  # a colour switch outside a group: nothing to mark
        content = CONTENT_MACROS[name][1][0]
        colour_index = {"hl": None, "highlight": None, "fcolorbox": 3}.get(name, 1)
        if colour_index is not None and not self.colour_of(node, colour_index):
            self.walk_arg(node, content)
            return
        arg = argument(node, content)
        self.marked([arg] if arg is not None else [])

    def marked(self, nodes) -> None:
        """Coloured or highlighted text: in a solution it is what the key marks; elsewhere, maybe a keyed option."""
        if self.role == SOLUTION:
            text, _ = self.capture(nodes)
            if text.strip():
                self.item.marked.append(_words(text))
            self.emit(text)
        elif self.colour_answers and not self.capturing:
            with self.as_role(SOLUTION):
                text, _ = self.capture(nodes)
                self.item.marked.append(_words(text))
                self.emit(text)
        else:
            self.coloured = True
            self.item.marked_in_prompt = True
            self.walk(nodes)

    # ---- environments ----------------------------------------------------------------------------------------

    def environment(self, node) -> None:
        display = node.environmentname not in _INLINE_MATH_ENVIRONMENTS
        if display:  # a display starts a paragraph and ends one
            self.para_start = True
        self.display_environment(node)
        if display:
            self.emit("\n")
            self.para_start = True

    def display_environment(self, node) -> None:
        name = node.environmentname
        handler = self.environment_handlers.get(name) or self.handler_for(name)
        if handler is not None:
            handler(self, node)
        elif name in MATH_ENVIRONMENTS:
            self.math_environment(node)
        elif name in self.code_environments:
            self.code(node)
        elif name in TABLE_ENVIRONMENTS:
            self.table(node)
        elif name in FIGURE_ENVIRONMENTS or name in WRAPPERS:
            floating = name in FIGURE_ENVIRONMENTS or name.startswith("table")
            if floating:
                self.open_floats.append(("table" if name.startswith("table") else "figure", len(self.item.figures)))
            try:
                self.walk(node.nodelist)
            finally:
                if floating:
                    self.open_floats.pop()
        else:
            self.open_environments.append(name)
            try:
                self.walk(node.nodelist)
            finally:
                self.open_environments.pop()

    # ---- messages --------------------------------------------------------------------------------------------

    def place(self) -> str:
        """Where the reader is, as a part id ('3.b'), for messages."""
        labels, item = [], self.item
        while item is not None and item.level > 0:
            labels.append(str(item.number or "?") if item.level == 1 else item.label or "?")
            item = item.parent
        return ".".join(reversed(labels)) or "before the first question"

    def warn(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self.warnings.append(message)


def argument(node, index: int):
    """The node of argument `index` of a macro or environment, or None when it was not given."""
    args = node.nodeargd.argnlist if getattr(node, "nodeargd", None) is not None else None
    if not args or index >= len(args):
        return None
    return args[index]


def _words(text: str) -> str:
    """Text without Markdown emphasis or code marks (math left as it is), on one line."""
    pieces = _MATH.split(text)
    return " ".join("".join(p if i % 2 else _MARKS.sub("", p) for i, p in enumerate(pieces)).split())


def heading_level(name: str) -> int | None:
    return _HEADING_LEVELS.get(name)


def _language(args) -> str:
    for arg in args:
        if arg is None:
            continue
        source = arg.latex_verbatim().strip("{}[] ")
        match = re.search(r"language\s*=\s*\{?([\w+#-]+)", source)
        if match:
            return match.group(1).lower()
        if re.fullmatch(r"[\w+#-]+", source):
            return source.lower()
    return ""
