"""Where each line of a Markdown document sits in its block structure, from markdown-it-py's token stream (pure).

The structure finder reads labels line by line (converter output puts a part label on any line of a
paragraph), but decides with the block each line belongs to: a heading and its level, a list item (which
list, which item, how deep), a blockquote, an HTML block, or fenced code.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark").disable(["inline", "text_join"])  # the block structure is all this needs


@dataclass
class LineInfo:
    fence: bool = False  # inside fenced code (the fence lines included)
    heading: int = 0  # level of an ATX heading line ("## Title"), else 0
    html: bool = False  # inside an HTML block
    quote: int = 0  # blockquote depth
    list_id: int | None = None  # the innermost list holding this line
    item: int = -1  # on the first line of a list item: its index in the list (0 for the first item)
    ordered: bool = False  # that list is numbered
    depth: int = 0  # how many lists hold this line


def line_infos(text: str, line_count: int) -> list[LineInfo]:
    """One LineInfo per line of `text` (which has `line_count` lines)."""
    infos = [LineInfo() for _ in range(line_count)]
    containers: list[tuple[str, int]] = []  # (kind, list id) from the outside in
    item_counts: dict[int, int] = {}
    next_list = 0

    def span(token) -> range:
        return range(token.map[0], min(token.map[1], line_count)) if token.map else range(0)

    def mark_context(lines: range) -> None:
        quote = sum(1 for kind, _ in containers if kind == "quote")
        lists = [(kind, ident) for kind, ident in containers if kind != "quote"]
        for index in lines:
            info = infos[index]
            info.quote = max(info.quote, quote)
            if lists:
                kind, ident = lists[-1]
                if info.list_id is None or len(lists) > info.depth:
                    info.list_id, info.ordered, info.depth = ident, kind == "ordered", len(lists)

    for token in _MD.parse(text):
        kind = token.type
        if kind == "blockquote_open":
            containers.append(("quote", -1))
            mark_context(span(token))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            containers.append(("ordered" if kind == "ordered_list_open" else "bullet", next_list))
            item_counts[next_list] = 0
            next_list += 1
            mark_context(span(token))
        elif kind in ("blockquote_close", "bullet_list_close", "ordered_list_close"):
            if containers:
                containers.pop()
        elif kind == "list_item_open" and token.map and containers:
            ident = containers[-1][1]
            mark_context(span(token))
            first = infos[token.map[0]] if token.map[0] < line_count else None
            if first is not None:
                first.item = item_counts.get(ident, 0)
            item_counts[ident] = item_counts.get(ident, 0) + 1
        elif kind == "heading_open" and token.markup.startswith("#") and token.map and token.map[0] < line_count:
            infos[token.map[0]].heading = int(token.tag[1])
        elif kind == "fence":
            for index in span(token):
                infos[index].fence = True
        elif kind == "html_block":
            for index in span(token):
                infos[index].html = True
    return infos
