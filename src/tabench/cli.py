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
from .errors import TabenchError
from .ingest import load_problem_set
from .model import ProblemSet, problem_set_schema
from .summary import answer_summary

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
    """Read a problem set and print its question index (id, kind, points, figure flag, answer)."""
    try:
        problem_set = load_problem_set(document)
        if output is not None:
            _write_or_print(problem_set.model_dump_json(indent=2), output)
        elif as_json:
            _write_or_print(problem_set.model_dump_json(indent=2), None)
        else:
            print_index(problem_set)
    except TabenchError as err:
        _fail(err)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a ProblemSet (what an edited problem-set file must follow)."""
    sys.stdout.write(json.dumps(problem_set_schema(), indent=2) + "\n")


@app.command()
def demo() -> None:
    """Run the whole job on the bundled example problem set."""
    try:
        path = example_path()
        console.print(f"[bold]Ingesting the bundled example[/bold] {path}", highlight=False)
        print_index(load_problem_set(path))
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
