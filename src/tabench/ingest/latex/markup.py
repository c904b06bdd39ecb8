r"""Text markup as Markdown ingest reads it: bold, emphasis, code, figures, captions, the title (pure)."""

from __future__ import annotations

import re

from pylatexenc.latexwalker import LatexCharsNode

from .reader import Reader, argument
from .tree import Item, ListRecord

_REFERENCE = re.compile("\x00ref:(\\w+):([^\x00]*)\x00")


def reference(command: str, name: str) -> str:
    """A mark for `\\ref{name}`, replaced by the number once the whole document has been read."""
    return f"\x00ref:{command}:{name}\x00"


def resolve_references(item: Item, labels: dict[str, str]) -> None:
    """Put the numbers the compiled document prints (a figure's, a question's, an equation's) in place of
    `\\ref{…}`; a reference to a label tabench did not number stays as written."""
    def number(match) -> str:
        command, name = match.group(1), match.group(2)
        if name not in labels:
            return f"\\{command}{{{name}}}"
        return f"({labels[name]})" if command == "eqref" else labels[name]

    for x in item.content:
        if isinstance(x, ListRecord):
            for entry in x.items:
                resolve_references(entry, labels)
        elif isinstance(x, Item):
            resolve_references(x, labels)
        elif "\x00" in x.text:
            x.text = _REFERENCE.sub(number, x.text)
    for choices in item.choices:
        choices.options = [_REFERENCE.sub(number, option) for option in choices.options]


def wrapped(marker: str):
    """\\textbf{x} -> **x**, \\emph{x} -> *x*: the content between markers."""
    def handler(reader: Reader, node) -> None:
        text, _ = reader.capture([argument(node, 0)] if argument(node, 0) is not None else [])
        if text.strip():
            reader.emit(f"{marker}{text.strip()}{marker}")
    return handler


def inline_code(reader: Reader, node) -> None:
    r"""\texttt{x}, \verb|x|, \lstinline|x| -> `x`."""
    args = node.nodeargd.argnlist if node.nodeargd is not None else []
    last = args[-1] if args else None
    if isinstance(last, LatexCharsNode) and node.macroname != "texttt":
        text = last.chars
    else:
        text, _ = reader.capture([last] if last is not None else [])
    reader.emit(f"`{' '.join(text.split())}`")


def include_graphics(reader: Reader, node) -> None:
    r"""\includegraphics[…]{file}: the figure a question shows (its path as written, under \graphicspath)."""
    arg = argument(node, 2)
    path = arg.latex_verbatim().strip("{} ") if arg is not None else ""
    if reader.graphics_prefix and "/" not in path:
        path = reader.graphics_prefix + path
    reader.add_figure(path or None)


def graphics_path(reader: Reader, node) -> None:
    arg = argument(node, 0)
    source = arg.latex_verbatim() if arg is not None else ""
    first = source.strip()[1:-1].strip().lstrip("{").split("}")[0].strip()
    if first:
        reader.graphics_prefix = first if first.endswith("/") else first + "/"


def caption(reader: Reader, node) -> None:
    r"""\caption{text} -> 'Figure N: text' (or 'Table N: text'), numbered as LaTeX numbers them."""
    kind = "Table" if reader.open_floats and reader.open_floats[-1][0] == "table" else "Figure"
    number = reader.count(kind)
    reader.label_target = str(number)
    text, _ = reader.capture([argument(node, 1)] if argument(node, 1) is not None else [])
    caption_line = f"{kind} {number}: {' '.join(text.split())}"
    figures = reader.item.figures
    if kind == "Figure" and reader.open_floats and len(figures) > reader.open_floats[-1][1]:  # the float's image
        figures[-1].caption = caption_line
    reader.emit(f"\n{caption_line}\n")


def label(reader: Reader, node) -> None:
    reader.label(reader.plain_argument(node, 0))


def ref(reader: Reader, node) -> None:
    reader.emit(reference(node.macroname, reader.plain_argument(node, 0)))


def title(reader: Reader, node) -> None:
    text, _ = reader.capture([argument(node, 1)] if argument(node, 1) is not None else [])
    lines = [" ".join(line.replace("**", "").split()) for line in text.split("\n")]
    if reader.title is None:
        reader.title = " — ".join(line for line in lines if line) or None


def document(reader: Reader, node) -> None:
    """The document's body: what the preamble wrote is not printed."""
    reader.root.content = [x for x in reader.root.content if not hasattr(x, "role")]
    reader.walk(node.nodelist)


def footnote(reader: Reader, node) -> None:
    text, _ = reader.capture([argument(node, 1)] if argument(node, 1) is not None else [])
    if text.strip():
        reader.emit(f" ({text.strip()})")


def loose_item(reader: Reader, node) -> None:
    r"""\item outside a list tabench reads (a list inside a table, say): a bullet."""
    label = argument(node, 0)
    reader.emit("\n" + (reader.plain(label) if label is not None else "-") + " ")


ENVIRONMENTS = {"document": document}
MACROS = {
    "textbf": wrapped("**"), "emph": wrapped("*"), "textit": wrapped("*"), "texttt": inline_code,
    "verb": inline_code, "lstinline": inline_code, "mintinline": inline_code, "includegraphics": include_graphics,
    "graphicspath": graphics_path, "caption": caption, "title": title, "footnote": footnote, "item": loose_item,
    "label": label, "ref": ref, "eqref": ref, "autoref": ref, "cref": ref, "Cref": ref,
}
