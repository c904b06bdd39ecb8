from __future__ import annotations

"""Commands about reports: report, compare."""

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .. import app as application
from ..app import REPORT_FORMATS
from ..errors import TabenchError
from .base import _fail, _write_bytes, _write_or_print, app, console

@app.command(rich_help_panel="Pipeline")
def report(
    ref: str = typer.Argument("latest", help="A submission id (see `tabench submissions`) or 'latest'."),
    fmt: str = typer.Option("html", "--format", "-f", help="md, html (one offline file), tex, pdf (needs pdflatex), or json (for programs)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write here (default: stdout; pdf: report-ID.pdf)."),
) -> None:
    """The annotated write-up of a graded submission: answers, verdicts, references, executive summary."""
    if fmt not in REPORT_FORMATS:
        _fail(TabenchError(f"unknown format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}"))
    try:
        content, row = application.render_report(ref, fmt)
        if isinstance(content, bytes):
            target = output or Path(f"report-{row['id']}.pdf")
            _write_bytes(content, target)
        elif output is None:
            sys.stdout.write(content)
        else:
            _write_or_print(content.rstrip("\n"), output)
    except TabenchError as err:
        _fail(err)


@app.command(name="compare", rich_help_panel="Pipeline")
def compare_command(
    ids: Optional[list[str]] = typer.Argument(None, help="Submission ids to compare (default: all of --problem-set)."),
    problem_set_path: Optional[Path] = typer.Option(None, "--problem-set", "-p", help="Compare every stored submission of this problem set."),
    as_json: bool = typer.Option(False, "--json", help="Print the numbers as JSON."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write an HTML page with a bar chart and a heat map."),
) -> None:
    """Models x protocols: mean ± standard error over samples, paired differences on the same parts, charts."""
    try:
        title, result = application.compare_stored(ids, problem_set_path)
        if as_json:
            sys.stdout.write(json.dumps(result, indent=2) + "\n")
        else:
            table = Table(title=f"{title}: score over samples", title_justify="left")
            for column in ("model", "protocol", "samples", "mean ± s.e.", "needs review"):
                table.add_column(column)
            for g in result["groups"]:
                error = f" ± {g['standard_error'] * 100:.1f}" if g["standard_error"] is not None else ""
                table.add_row(g["model"], g["protocol"], str(g["samples"]), f"{g['mean'] * 100:.1f}%{error}", str(g["needs_review"]))
            console.print(table)
            for d in result["paired_differences"]:
                error = f" ± {d['standard_error'] * 100:.1f}" if d["standard_error"] is not None else ""
                console.print(f"{d['a']} − {d['b']}: {d['mean_difference'] * 100:+.1f} pp{error} over {d['parts']} parts", highlight=False)
        if output is not None:
            _write_or_print(application.comparison_page(title, result), output)
    except TabenchError as err:
        _fail(err)
