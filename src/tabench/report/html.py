"""The report as one self-contained HTML file: no script, no network, math as MathML (pure)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .data import ReportData
from .text_html import html_inline, html_text

LONG_PROMPT = 600  # characters: a longer prompt is collapsed under its first line

_ENV = Environment(loader=PackageLoader("tabench.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
# Both filters escape everything they do not turn into their own tags or sanitised MathML.
_ENV.filters["md"] = lambda text, heading_shift=3: Markup(html_text(text or "", heading_shift))
_ENV.filters["md_inline"] = lambda text: Markup(html_inline(str(text or "")))


def render_html(data: ReportData) -> str:
    return _ENV.get_template("report.html.j2").render(data=data, long_prompt=LONG_PROMPT)


def render_comparison(title: str, result: dict) -> str:
    """The comparison page: the tables `tabench compare` prints, a bar chart and a heat map."""
    from .charts import bar_chart, heat_map

    return _ENV.get_template("compare.html.j2").render(title=title, result=result, bar=bar_chart(result),
                                                       heat=heat_map(result))
