"""The command line: thin. Errors become one line and exit status 2 here, and only here."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .answers import load_answers
from .errors import TabenchError
from .grade import grade as grade_answers
from .ingest import load_problem_set
from .key import with_parsed_forms
from .model import ProblemSet, Verdict, problem_set_schema
from .stats import summarize
from .store import Store, default_home
from .summary import answer_summary, short

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Grade written answers to course problem sets against the official solutions.",
)
console = Console()


def _fail(err: TabenchError) -> None:
    Console(stderr=True).print(f"tabench: error: {err}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(err.exit_code)


def example_path(name: str = "example.md") -> Path:
    return Path(str(resources.files("tabench") / "examples" / name))


def _write_or_print(text: str, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.write(text + "\n")
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        tmp.replace(output)
    except OSError as err:
        raise TabenchError(f"{output}: cannot write ({err.strerror}); choose another path with -o") from None
    console.print(f"wrote {output}", highlight=False)


def print_index(problem_set: ProblemSet) -> None:
    table = Table(title=problem_set.title, title_justify="left")
    for column in ("id", "kind", "points", "fig", "reference answer"):
        table.add_column(column, overflow="fold")
    for question in problem_set.questions:
        for part in question.parts:
            points = "" if part.points is None else f"{part.points:g}"
            table.add_row(part.id, part.kind, points, "yes" if part.needs_figure else "", answer_summary(part))
    console.print(table)
    parts = problem_set.parts()
    console.print(
        f"{_count(len(problem_set.questions), 'question')}, {_count(len(parts), 'part')}, "
        f"{sum(p.needs_figure for p in parts)} need a figure",
        highlight=False,
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


@app.command()
def ingest(
    document: Path = typer.Argument(..., help="Markdown/text problem set with solutions, or a ProblemSet JSON file."),
    as_json: bool = typer.Option(False, "--json", help="Print the ProblemSet as JSON instead of the index."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the ProblemSet JSON to this file."),
) -> None:
    """Read a problem set and print its question index (id, kind, points, figure flag, answer).

    The JSON (--json, -o) also carries the SymPy form of each reference expression that parses."""
    try:
        problem_set = load_problem_set(document)
        if output is not None or as_json:
            problem_set = with_parsed_forms(problem_set)
        if output is not None:
            _write_or_print(problem_set.model_dump_json(indent=2), output)
        elif as_json:
            _write_or_print(problem_set.model_dump_json(indent=2), None)
        else:
            print_index(problem_set)
    except TabenchError as err:
        _fail(err)


BADGES = {"correct": "✓", "partially_correct": "~", "incorrect": "✗", "needs_review": "?", "missing": "—"}
STYLES = {"correct": "green", "partially_correct": "yellow", "incorrect": "red", "needs_review": "magenta", "missing": "dim"}


def print_verdicts(verdicts: list[Verdict], problem_set: ProblemSet, title: str) -> None:
    table = Table(title=title, title_justify="left")
    for column in ("id", "", "score", "method", "answer read", "why"):
        table.add_column(column, overflow="fold")
    for v in verdicts:
        style = STYLES[v.verdict]
        table.add_row(v.part_id, f"[{style}]{BADGES[v.verdict]} {v.verdict}[/{style}]", f"{v.score:g}/{v.points:g}",
                      v.method, short(v.extracted, 30), short(v.rationale + (f" [{', '.join(v.tags)}]" if v.tags else ""), 60))
    console.print(table)
    print_summary(summarize(verdicts, problem_set))


def print_summary(summary: dict) -> None:
    counts = summary["verdicts"]
    share = summary["score"] / summary["points"] * 100 if summary["points"] else 0.0
    parts = ", ".join(f"{counts[k]} {k.replace('_', ' ')}" for k in BADGES if counts.get(k))
    console.print(f"score {summary['score']:g}/{summary['points']:g} ({share:.1f}%) · {parts}", highlight=False)
    by_kind = ", ".join(
        f"{kind} {info['accuracy'] * 100:.0f}% of {info['decided']}" for kind, info in summary["by_kind"].items()
        if info["accuracy"] is not None
    )
    if by_kind:
        console.print(f"accuracy by kind (decided parts): {by_kind}", highlight=False)
    if summary["tags"]:
        tags = ", ".join(f"{tag} {count}" for tag, count in sorted(summary["tags"].items(), key=lambda kv: -kv[1]))
        console.print(f"tags: {tags}", highlight=False)
    if summary["needs_review"]:
        console.print(f"needs review: {' '.join(summary['needs_review'])}", highlight=False)
    if summary["not_graded"]:
        console.print(f"not graded (admin): {' '.join(summary['not_graded'])}", highlight=False)


def grade_and_store(problem_set: ProblemSet, submissions: dict[str, dict[str, str]], source: str | None,
                    store: bool) -> list[Verdict]:
    verdicts: list[Verdict] = []
    known = {part.id for part in problem_set.parts()}
    db = Store() if store else None
    try:
        key_id = db.save_problem_set(problem_set) if db else None
        for name, answers in submissions.items():
            unknown = sorted(set(answers) - known)
            if unknown:
                Console(stderr=True).print(
                    f"tabench: warning: {name}: answers for parts the key does not have were kept but not graded: "
                    f"{' '.join(unknown[:10])}", markup=False, highlight=False, soft_wrap=True)
            graded = grade_answers(problem_set, answers, submission=name)
            if db:
                db.save_verdicts(db.save_submission(key_id, name, answers, source), graded)
            verdicts += graded
    finally:
        if db:
            db.close()
    return verdicts


@app.command()
def grade(
    key: Path = typer.Argument(..., help="The problem set with solutions (a document or a ProblemSet JSON file)."),
    answers: Path = typer.Argument(
        ..., help='Answers: a JSON object {"part_id": "answer"} (one submission), or JSON Lines of '
        '{"submission", "part_id", "answer"} (many).'),
    as_json: bool = typer.Option(False, "--json", help="Print the verdicts as a JSON list."),
    submission: Optional[str] = typer.Option(None, "--submission", "-s", help="Name of a single submission (default: the file name)."),
    no_store: bool = typer.Option(False, "--no-store", help="Do not save answers and verdicts in the store."),
) -> None:
    """Grade answers against the key, part by part, and save the verdicts in the store ($TABENCH_HOME)."""
    try:
        problem_set = load_problem_set(key)
        submissions = load_answers(answers, default_name=submission)
        verdicts = grade_and_store(problem_set, submissions, str(answers), store=not no_store)
    except TabenchError as err:
        _fail(err)
    if as_json:
        sys.stdout.write(json.dumps([v.model_dump() for v in verdicts], indent=2, ensure_ascii=False) + "\n")
        return
    if len(submissions) == 1:
        name = next(iter(submissions))
        print_verdicts(verdicts, problem_set, f"{name} — {problem_set.title}")
        return
    table = Table(title=problem_set.title, title_justify="left")
    for column in ("submission", "score", "%", "✓", "~", "✗", "?", "—"):
        table.add_column(column)
    for name in submissions:
        mine = [v for v in verdicts if v.submission == name]
        summary = summarize(mine, problem_set)
        counts = summary["verdicts"]
        share = summary["score"] / summary["points"] * 100 if summary["points"] else 0.0
        table.add_row(name, f"{summary['score']:g}/{summary['points']:g}", f"{share:.1f}",
                      *(str(counts.get(k, 0)) for k in BADGES))
    console.print(table)
    print_summary(summarize(verdicts, problem_set))


@app.command()
def schema() -> None:
    """Print the JSON Schema of a ProblemSet (what an edited problem-set file must follow)."""
    sys.stdout.write(json.dumps(problem_set_schema(), indent=2) + "\n")


@app.command()
def demo() -> None:
    """Run the whole job on the bundled example problem set."""
    try:
        path = example_path()
        console.print(f"[bold]1. Ingest[/bold] the bundled example {path}", highlight=False)
        problem_set = load_problem_set(path)
        print_index(problem_set)
        answers_path = example_path("example_answers.json")
        console.print(f"\n[bold]2. Grade[/bold] a bundled submission {answers_path}", highlight=False)
        submissions = load_answers(answers_path, default_name="demo-student")
        verdicts = grade_and_store(problem_set, submissions, str(answers_path), store=True)
        print_verdicts(verdicts, problem_set, f"demo-student — {problem_set.title}")
        console.print(f"verdicts saved in {default_home() / 'tabench.db'}", highlight=False)
    except TabenchError as err:
        _fail(err)


def _version(value: bool) -> None:
    if value:
        console.print(f"tabench {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    pass


def main() -> None:
    app()
