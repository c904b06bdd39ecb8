from __future__ import annotations

"""Commands about grading: grade, submissions, demo."""

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from ..answers import SubmissionInput, load_submissions
from ..errors import TabenchError
from ..grade import grade as grade_answers
from ..ingest import load_problem_set
from ..model import ProblemSet, Verdict
from ..stats import summarize
from ..store import Store, default_home
from ..summary import BADGES, short
from .app import _fail, app, console, example_path
from .show import _print_import_notes, percent, print_index, print_summary, print_verdicts

def grade_and_store(problem_set: ProblemSet, submissions: list[SubmissionInput], source: str | None,
                    store: bool) -> list[Verdict]:
    verdicts: list[Verdict] = []
    known = {part.id for part in problem_set.parts()}
    db = Store() if store else None
    try:
        key_id = db.save_problem_set(problem_set) if db else None
        for submission in submissions:
            unknown = sorted(set(submission.answers) - known)
            if unknown:
                Console(stderr=True).print(
                    f"tabench: warning: {submission.name}: answers for parts the key does not have were kept but not "
                    f"graded: {' '.join(unknown[:10])}", markup=False, highlight=False, soft_wrap=True)
            graded = grade_answers(problem_set, submission.answers, submission=submission.name)
            if db:
                submission_id = db.save_submission(key_id, submission.name, submission.answers, source)
                db.save_verdicts(submission_id, graded)
                if submission.model or submission.protocol or submission.sample is not None:
                    db.describe_submission(submission_id, submission.model, submission.protocol, submission.sample)
                if submission.trace is not None:
                    db.save_trace(submission_id, submission.trace)
                if submission.annotations:
                    db.save_human_verdicts(submission_id, submission.annotations)
            verdicts += graded
    finally:
        if db:
            db.close()
    return verdicts


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
) -> None:
    """Grade answers against the key, part by part, and save the verdicts in the store ($TABENCH_HOME).

    JSON Lines rows may also carry "model", "protocol" and "sample"; `tabench compare` groups by them."""
    try:
        problem_set = load_problem_set(key)
        submissions = load_submissions(answers, problem_set, default_name=submission)
        for item in submissions:
            item.model = model or item.model
            item.protocol = protocol or item.protocol
        verdicts = grade_and_store(problem_set, submissions, str(answers), store=not no_store)
    except TabenchError as err:
        _fail(err)
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
        with Store() as db:
            rows = db.submissions()
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
        verdicts = grade_and_store(problem_set, submissions, str(answers_path), store=True)
        print_verdicts(verdicts, problem_set, f"demo-student — {problem_set.title}")
        console.print(f"verdicts saved in {default_home() / 'tabench.db'}", highlight=False)
        from .reports import render_report

        content, _ = render_report("latest", "html")
        target = default_home() / "reports" / "demo.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        console.print(f"\n[bold]3. Report[/bold] written to {target}", highlight=False)
    except TabenchError as err:
        _fail(err)
