from __future__ import annotations

"""Commands about reports: report, compare. Names and labels from data are printed as text, never as Rich
markup."""

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from .. import app as application
from ..app import REPORT_FORMATS
from ..errors import TabenchError
from .base import _fail, _write_bytes, app, console

STDOUT = Path("-")


@app.command(rich_help_panel="Pipeline")
def report(
    ref: str = typer.Argument("latest", help="A submission id or name (see `tabench submissions`), or 'latest'."),
    fmt: str = typer.Option("html", "--format", "-f",
                            help="md, html (one offline file), tex, pdf (needs pdflatex), or json (for programs)."),
    output: Optional[Path] = typer.Option(
        None, "-o", "--output",
        help="Write here ('-' for standard output). Default: standard output when it is piped or redirected; "
             "in a terminal, report-ID.FORMAT in the current folder (the path is printed)."),
) -> None:
    """The annotated write-up of a graded submission: executive summary, answers, verdicts, references."""
    if fmt not in REPORT_FORMATS:
        _fail(TabenchError(f"unknown format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}"))
    try:
        content, row = application.render_report(ref, fmt)
        data = content if isinstance(content, bytes) else content.encode("utf-8", errors="replace")
        if output == STDOUT or (output is None and fmt != "pdf" and not sys.stdout.isatty()):
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        _write_bytes(data, output or Path(f"report-{row['id']}.{fmt}"))
    except TabenchError as err:
        _fail(err)


def _error(value: float | None) -> str:
    return f" ± {value * 100:.1f}" if value is not None else ""


@app.command(name="compare", rich_help_panel="Pipeline")
def compare_command(
    ids: Optional[list[str]] = typer.Argument(None, help="Submission ids or names to compare (default: all of --problem-set)."),
    problem_set_path: Optional[Path] = typer.Option(None, "--problem-set", "-p", help="Compare every stored submission of this problem set."),
    baseline: Optional[str] = typer.Option(
        None, "--baseline", "-b", help="The group the others are compared with: a model, or 'MODEL / PROTOCOL' "
                                       "(default: the first group)."),
    as_json: bool = typer.Option(False, "--json", help="Print the numbers as JSON."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write an HTML page with the tables, a bar chart and a heat map."),
) -> None:
    """Models x protocols: mean ± standard error over samples, paired differences against a baseline over the
    parts both answered and decided, charts."""
    try:
        title, result = application.compare_stored(ids, problem_set_path, baseline)
        if as_json:
            sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        else:
            table = Table(title=Text(f"{title}: score over samples"), title_justify="left")
            for column in ("model", "protocol", "samples", "mean ± s.e.", "needs review", "missing"):
                table.add_column(column, overflow="fold")
            for g in result["groups"]:
                table.add_row(Text(g["model"]), Text(g["protocol"]), str(g["samples"]),
                              f"{g['mean'] * 100:.1f}%{_error(g['standard_error'])}", str(g["needs_review"]),
                              str(g["missing"]))
            console.print(table)
            for d in result["paired_differences"]:
                if d["mean_difference"] is None:
                    line = f"{d['a']} − {d['b']}: no part both answered and could be decided"
                else:
                    line = (f"{d['a']} − {d['b']}: {d['mean_difference'] * 100:+.1f} pp{_error(d['standard_error'])} "
                            f"over {d['parts']} parts both answered and decided")
                if d["left_out"]:
                    line += f" ({d['left_out']} left out: no answer or waiting for review)"
                console.print(line, markup=False, highlight=False)
        if output is not None:
            _write_bytes((application.comparison_page(title, result) + "\n").encode("utf-8"), output)
    except TabenchError as err:
        _fail(err)
