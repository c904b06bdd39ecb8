from __future__ import annotations

"""Commands about reports: report, compare."""

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from ..errors import TabenchError
from ..ingest import load_problem_set
from ..store import Store
from .app import _fail, _write_bytes, _write_or_print, app, console

REPORT_FORMATS = ("md", "html", "tex", "pdf")


def render_report(ref: str, fmt: str) -> tuple[str | bytes, dict]:
    from ..report.data import build_report
    from ..report.html import render_html
    from ..report.latex import render_latex
    from ..report.markdown import render_markdown
    from ..report.pdf import compile_pdf

    with Store() as db:
        row = db.submission(ref)
        problem_set = db.problem_set(row["problem_set_id"])
        verdicts, answers = db.verdicts(row["id"]), db.answers(row["id"])
        trace, human = db.trace(row["id"]), db.human_verdicts(row["id"])
    meta = {"submission": row["name"], "model": row["model"] or "—", "protocol": row["protocol"] or "—",
            "date": row["created_at"], "problem set": problem_set.title, "source": row["source"] or "—"}
    if row["sample"] is not None:
        meta["sample"] = row["sample"]
    data = build_report(problem_set, verdicts, answers, meta, trace, human)
    if fmt == "md":
        return render_markdown(data), row
    if fmt == "html":
        return render_html(data), row
    if fmt == "tex":
        return render_latex(data), row
    return compile_pdf([render_latex(data), render_latex(data, math=False)]), row


@app.command(rich_help_panel="Pipeline")
def report(
    ref: str = typer.Argument("latest", help="A submission id (see `tabench submissions`) or 'latest'."),
    fmt: str = typer.Option("html", "--format", "-f", help="md, html (one offline file), tex, or pdf (needs pdflatex)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write here (default: stdout; pdf: report-ID.pdf)."),
) -> None:
    """The annotated write-up of a graded submission: answers, verdicts, references, executive summary."""
    if fmt not in REPORT_FORMATS:
        _fail(TabenchError(f"unknown format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}"))
    try:
        content, row = render_report(ref, fmt)
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
    from ..report.compare import Sample, compare

    try:
        if not ids and problem_set_path is None:
            raise TabenchError("give submission ids or --problem-set KEY; `tabench submissions` lists the ids")
        with Store() as db:
            if problem_set_path is not None:
                rows = db.submissions_of(db.save_problem_set(load_problem_set(problem_set_path)))
            else:
                rows = [db.submission(ref) for ref in ids]
            if not rows:
                raise TabenchError("no stored submissions to compare; grade some first")
            samples = [Sample(r["model"] or r["name"], r["protocol"] or "—", db.verdicts(r["id"])) for r in rows]
            title = rows[0]["problem_set"]
        result = compare(samples)
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
            from jinja2 import Environment, PackageLoader, select_autoescape

            from ..report.charts import bar_chart, heat_map

            env = Environment(loader=PackageLoader("tabench.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
            page = env.get_template("compare.html.j2").render(title=title, result=result, bar=bar_chart(result), heat=heat_map(result))
            _write_or_print(page, output)
    except TabenchError as err:
        _fail(err)
