"""Markdown text (an answer, a prompt, a comment) as safe HTML: escaped, math as sanitised MathML (pure).

Nothing from the text becomes live: links and images are shown as their text and address (a report embeds
nothing remote and links nowhere an answer chose), and raw HTML stays text.
"""

from __future__ import annotations

import html

from markdown_it.tree import SyntaxTreeNode

from .mathml import mathml
from .markup import Writer, address, parse, parse_inline, show_invisible
from .texmath import rewrite

_ALIGN = {"text-align:left": "left", "text-align:center": "center", "text-align:right": "right"}



def math_html(latex: str, display: bool, source: str) -> str:
    """MathML for a formula (written again from its parse when the allowlist takes it), else its source."""
    normalized = rewrite(latex, target="mathml")
    rendered = mathml(normalized if normalized is not None else latex, display)
    if rendered is None:
        return f'<code class="tex">{html.escape(source)}</code>'
    return f'<div class="display-math">{rendered}</div>' if display else rendered


class HtmlWriter(Writer):
    WRAPS = {"bullet_list": ("<ul>\n", "</ul>\n"), "list_item": ("<li>", "</li>\n"),
             "blockquote": ("<blockquote>\n", "</blockquote>\n"), "thead": ("<thead>\n", "</thead>\n"),
             "tbody": ("<tbody>\n", "</tbody>\n"), "tr": ("<tr>", "</tr>\n"), "em": ("<em>", "</em>"),
             "strong": ("<strong>", "</strong>"), "s": ("<s>", "</s>")}

    def __init__(self, heading_shift: int = 3):
        self.heading_shift = heading_shift


    def _text(self, node: SyntaxTreeNode) -> str:
        return show_invisible(html.escape(node.content), lambda char: f'<span class="hidden-char">U+{ord(char):04X}</span>')

    def _softbreak(self, node) -> str:
        return "\n"

    def _hardbreak(self, node) -> str:
        return "<br>\n"

    def _paragraph(self, node) -> str:
        if node.hidden:  # a paragraph of a tight list
            return self.children(node)
        return f"<p>{self.children(node)}</p>\n"

    def _heading(self, node) -> str:
        level = min(6, int(node.tag[1]) + self.heading_shift)
        return f'<h{level} class="in-text">{self.children(node)}</h{level}>\n'

    def _ordered_list(self, node) -> str:
        start = node.attrs.get("start")
        start_attribute = f' start="{int(start)}"' if isinstance(start, (int, str)) and str(start).isdigit() else ""
        return f"<ol{start_attribute}>\n{self.children(node)}</ol>\n"

    def _fence(self, node) -> str:
        return f"<pre><code>{html.escape(node.content)}</code></pre>\n"

    _code_block = _fence

    def _hr(self, node) -> str:
        return "<hr>\n"

    def _table(self, node) -> str:
        return f'<div class="table"><table>\n{self.children(node)}</table></div>\n'

    def _th(self, node) -> str:
        return self._cell(node, "th")

    def _td(self, node) -> str:
        return self._cell(node, "td")

    def _cell(self, node, tag: str) -> str:
        align = _ALIGN.get(str(node.attrs.get("style", "")))
        return f'<{tag}{f" class={align!r}" if align else ""}>{self.children(node)}</{tag}>'

    def _code_inline(self, node) -> str:
        return f"<code>{html.escape(node.content)}</code>"

    def _link(self, node) -> str:
        return f'{self.children(node)} <span class="address">({html.escape(address(node))})</span>'

    def _image(self, node) -> str:
        return (f'<span class="image">[image: {self.children(node)}] '
                f'<span class="address">({html.escape(address(node))})</span></span>')

    def math(self, latex: str, display: bool, source: str) -> str:
        return math_html(latex, display, source)

def html_text(text: str, heading_shift: int = 3) -> str:
    """A Markdown text as HTML blocks."""
    return HtmlWriter(heading_shift).write(parse(text))


def html_inline(text: str) -> str:
    """One line of Markdown as inline HTML (table cells, titles)."""
    return HtmlWriter().write(parse_inline(text))
