"""The report as one self-contained HTML file: no script, no network, math as MathML (pure)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .data import ReportData
from .escape import html_rich

_ENV = Environment(loader=PackageLoader("tabench.report", "templates"), autoescape=select_autoescape(["html", "j2"]))


def _rich(text: str) -> Markup:
    return Markup(html_rich(text or ""))  # html_rich escapes everything it does not turn into sanitised MathML


def render_html(data: ReportData) -> str:
    return _ENV.get_template("report.html.j2").render(data=data, rich=_rich)
