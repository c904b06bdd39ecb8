"""Answer text as safe HTML for pages other than the report (the review page imports `html_rich` from here).

The renderer itself is text_html.py: Markdown parsed once, everything escaped, math as sanitised MathML.
"""

from __future__ import annotations

from .text_html import html_text as html_rich

__all__ = ["html_rich"]
