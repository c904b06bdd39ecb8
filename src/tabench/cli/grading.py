from __future__ import annotations

"""Commands about grading: grade, submissions, demo."""

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from .. import app as application
from ..answers import load_submissions
from ..errors import TabenchError
from ..ingest import load_problem_set
from ..stats import summarize
from ..store import default_home
from ..summary import BADGES
from ..app import example_path
from ..judging import JudgeConfig
from .base import _fail, app, console, warn
from .judge_options import PROMPTS, judge_options, print_judge_summary
from .documents import ACCEPT_MISMATCH, CONVERSATION, CORRECTIONS
from .show import _print_import_notes, percent, print_compact, print_index, print_summary, print_verdicts, short_date

@app.command(rich_help_panel="Pipeline")
@judge_options
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
    parts: Optional[str] = typer.Option(None, "--parts", help="Grade only these parts (ids or question numbers, e.g. 3.a,6); "
                                        "stored, they replace only those parts."),
    replace: bool = typer.Option(False, "--replace", help="Replace a stored submission of the same name that came from another file."),
    conversation: Optional[str] = CONVERSATION,
    corrections: list[str] = CORRECTIONS,
    accept_mismatch: bool = ACCEPT_MISMATCH,
    judge: Optional[JudgeConfig] = None,
    prompts: Optional[Path] = PROMPTS,
    tolerance: Optional[float] = typer.Option(None, "--tolerance", min=0.0,
                                              help="Relative tolerance for numbers whose key sets none of its own."),
) -> None:
    """Grade answers against the key, part by part, and save the verdicts in the store ($TABENCH_HOME).

    ANSWERS may also be CSV with a part_id,answer header. JSON Lines rows (and CSV columns) may also carry
    "model", "protocol" and "sample"; `tabench compare` groups by them. Grading the same file again replaces
    its stored answers and verdicts; a file whose name is taken by another file's submission is stored under a
    name from its path (bob/answers).
    With --judge, a judge model decides the free-form parts and whatever the checkers leave."""
    try:
        from ..transcripts import Options

        graded = application.grade_file(key, answers, submission=submission, model=model, protocol=protocol,
                                        store=not no_store, judge=judge, parts=parts, replace=replace, tolerance=tolerance,
                                        import_options=Options(conversation, list(corrections), accept_mismatch))
    except TabenchError as err:
        _fail(err)
    warn(graded.warnings)
    _print_graded(graded, as_json)
    if graded.judge is not None:
        print_judge_summary(graded.judge, "latest" if len(graded.submissions) == 1 else "ID", quiet=as_json)


def _print_graded(graded, as_json: bool) -> None:
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
    """List graded submissions in the store (id, name, who answered, problem set, score, date)."""
    try:
        rows = application.stored_submissions()
    except TabenchError as err:
        _fail(err)
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    if not rows:
        console.print("no submissions stored yet; grade some with `tabench grade KEY ANSWERS`, or run a model with "
                      "`tabench run KEY --model provider/model`")
        return
    rows_shown = []
    for row in rows:
        by = " · ".join(str(x) for x in (row["model"], row["protocol"]) if x)
        if row["sample"] is not None:
            by += f" · s{row['sample']}"
        share = f"{row['score'] / row['points'] * 100:.0f}" if row["points"] else ""
        rows_shown.append([str(row["id"]), row["name"], by, row["problem_set"], f"{row['score']:g}/{row['points']:g}",
                           share, short_date(row["created_at"])])
    print_compact([("id", "right", False), ("name", "left", True), ("by", "left", True), ("problem set", "left", True),
                   ("score", "right", False), ("%", "right", False), ("graded", "left", False)], rows_shown)


@app.command(rich_help_panel="Stored results")
def delete(
    kind: str = typer.Argument(..., help="run or submission", metavar="run|submission"),
    ids: list[int] = typer.Argument(..., help="Ids from `tabench runs` or `tabench submissions`."),
) -> None:
    """Remove stored runs (with their submissions) or submissions, with their answers and verdicts.

    A run's replies stay in the response cache, so running it again costs nothing."""
    try:
        lines = application.delete_stored(kind, ids)
    except TabenchError as err:
        _fail(err)
    for line in lines:
        console.print(line)


@app.command(rich_help_panel="More")
def demo() -> None:
    """Run the whole job on the bundled example problem set."""
    try:
        path = example_path()
        console.print(Text.assemble(("1. Ingest", "bold"), f" the bundled example {path}"))
        problem_set = load_problem_set(path)
        print_index(problem_set)
        answers_path = example_path("example_answers.json")
        console.print(Text.assemble("\n", ("2. Grade", "bold"), f" a bundled submission {answers_path}"))
        submissions = load_submissions(answers_path, problem_set, default_name="demo-student")
        verdicts, warnings = application.grade_and_store(problem_set, submissions, str(answers_path), store=True)
        warn(warnings)
        print_verdicts(verdicts, problem_set, f"demo-student — {problem_set.title}")
        console.print(f"verdicts saved in {default_home() / 'tabench.db'}", highlight=False)
        content, _ = application.render_report("latest", "html")
        target = default_home() / "reports" / "demo.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        console.print(Text.assemble("\n", ("3. Report", "bold"), f" written to {target}"))
    except TabenchError as err:
        _fail(err)
