from __future__ import annotations

"""Commands about grading: grade, submissions, demo."""

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .. import app as application
from ..answers import load_submissions
from ..errors import TabenchError
from ..ingest import load_problem_set
from ..stats import summarize
from ..store import default_home
from ..summary import BADGES, short
from ..app import example_path
from .base import _fail, app, console, warn
from .documents import ACCEPT_MISMATCH, CONVERSATION, CORRECTIONS
from .show import _print_import_notes, percent, print_index, print_summary, print_verdicts

@app.command(rich_help_panel="Pipeline")
def grade(
    key: Path = typer.Argument(..., help="The problem set with solutions (a document or a ProblemSet JSON file)."),
    answers: Path = typer.Argument(
        ..., help='Answers: a JSON object {"part_id": "answer"} (one submission), JSON Lines of '
        '{"submission", "part_id", "answer"} (many), or a chat transcript / write-up (imported first, '
        'see `tabench import`).'),
    as_json: bool = typer.Option(False, "--json", help="Print the verdicts as a JSON list."),
    submission: Optional[str] = typer.Option(None, "--submission", "-s", help="Name of a single submission (default: the file name)."),
    no_store: bool = typer.Option(False, "--no-store", help="Do not save answers and verdicts in the store."),
    model: Optional[str] = typer.Option(None, "--model", help="Who answered (recorded for reports and comparisons)."),
    protocol: Optional[str] = typer.Option(None, "--protocol", help="How the model was asked: whole, interactive, per-part."),
    conversation: Optional[str] = CONVERSATION,
    corrections: list[str] = CORRECTIONS,
    accept_mismatch: bool = ACCEPT_MISMATCH,
    tolerance: Optional[float] = typer.Option(None, "--tolerance", min=0.0,
                                              help="Relative tolerance for numbers whose key sets none of its own."),
) -> None:
    """Grade answers against the key, part by part, and save the verdicts in the store ($TABENCH_HOME).

    JSON Lines rows may also carry "model", "protocol" and "sample"; `tabench compare` groups by them."""
    try:
        from ..transcripts import Options

        graded = application.grade_file(key, answers, submission=submission, model=model, protocol=protocol,
                                        store=not no_store, tolerance=tolerance,
                                        import_options=Options(conversation, list(corrections), accept_mismatch))
    except TabenchError as err:
        _fail(err)
    warn(graded.warnings)
    problem_set, submissions, verdicts = graded.problem_set, graded.submissions, graded.verdicts
    if as_json:
        sys.stdout.write(json.dumps([v.model_dump() for v in verdicts], indent=2, ensure_ascii=False) + "\n")
        return
    if len(submissions) == 1:
        print_verdicts(verdicts, problem_set, f"{submissions[0].name} — {problem_set.title}")
        imported = submissions[0].imported
        if imported is not None:
            _print_import_notes(imported)
        return
    table = Table(title=problem_set.title, title_justify="left")
    for column in ("submission", "score", "%", "✓", "~", "✗", "?", "—"):
        table.add_column(column)
    for name in (s.name for s in submissions):
        mine = [v for v in verdicts if v.submission == name]
        summary = summarize(mine, problem_set)
        counts = summary["verdicts"]
        table.add_row(name, f"{summary['score']:g}/{summary['points']:g}", f"{percent(summary):.1f}",
                      *(str(counts.get(k, 0)) for k in BADGES))
    console.print(table)
    print_summary(summarize(verdicts, problem_set))


@app.command(rich_help_panel="Stored results")
def submissions(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List graded submissions in the store (id, name, problem set, model, protocol, sample, score)."""
    try:
        rows = application.stored_submissions()
    except TabenchError as err:
        _fail(err)
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    table = Table()
    for column in ("id", "name", "problem set", "model", "protocol", "sample", "score", "date"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(str(row["id"]), row["name"], short(row["problem_set"], 30), row["model"] or "", row["protocol"] or "",
                      "" if row["sample"] is None else str(row["sample"]), f"{row['score']:g}/{row['points']:g}", row["created_at"])
    console.print(table)


@app.command(rich_help_panel="More")
def demo() -> None:
    """Run the whole job on the bundled example problem set."""
    try:
        path = example_path()
        console.print(f"[bold]1. Ingest[/bold] the bundled example {path}", highlight=False)
        problem_set = load_problem_set(path)
        print_index(problem_set)
        answers_path = example_path("example_answers.json")
        console.print(f"\n[bold]2. Grade[/bold] a bundled submission {answers_path}", highlight=False)
        submissions = load_submissions(answers_path, problem_set, default_name="demo-student")
        verdicts, warnings = application.grade_and_store(problem_set, submissions, str(answers_path), store=True)
        warn(warnings)
        print_verdicts(verdicts, problem_set, f"demo-student — {problem_set.title}")
        console.print(f"verdicts saved in {default_home() / 'tabench.db'}", highlight=False)
        content, _ = application.render_report("latest", "html")
        target = default_home() / "reports" / "demo.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        console.print(f"\n[bold]3. Report[/bold] written to {target}", highlight=False)
    except TabenchError as err:
        _fail(err)
