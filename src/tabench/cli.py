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
from .answers import SubmissionInput, load_submissions
from .errors import TabenchError
from .grade import grade as grade_answers
from .ingest import load_problem_set
from .ingest.loader import read_text
from .transcripts import import_text
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
        console.print(f"accuracy by kind (answered parts that could be decided): {by_kind}", highlight=False)
    if summary["tags"]:
        tags = ", ".join(f"{tag} {count}" for tag, count in sorted(summary["tags"].items(), key=lambda kv: -kv[1]))
        console.print(f"tags: {tags}", highlight=False)
    if summary["needs_review"]:
        console.print(f"needs review: {' '.join(summary['needs_review'])}", highlight=False)
    if summary["not_graded"]:
        console.print(f"not graded (admin): {' '.join(summary['not_graded'])}", highlight=False)


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
                if submission.trace is not None:
                    db.save_trace(submission_id, submission.trace)
                if submission.annotations:
                    db.save_human_verdicts(submission_id, submission.annotations)
            verdicts += graded
    finally:
        if db:
            db.close()
    return verdicts


@app.command()
def grade(
    key: Path = typer.Argument(..., help="The problem set with solutions (a document or a ProblemSet JSON file)."),
    answers: Path = typer.Argument(
        ..., help='Answers: a JSON object {"part_id": "answer"} (one submission), JSON Lines of '
        '{"submission", "part_id", "answer"} (many), or a chat transcript / write-up (imported first, '
        'see `tabench import`).'),
    as_json: bool = typer.Option(False, "--json", help="Print the verdicts as a JSON list."),
    submission: Optional[str] = typer.Option(None, "--submission", "-s", help="Name of a single submission (default: the file name)."),
    no_store: bool = typer.Option(False, "--no-store", help="Do not save answers and verdicts in the store."),
) -> None:
    """Grade answers against the key, part by part, and save the verdicts in the store ($TABENCH_HOME)."""
    try:
        problem_set = load_problem_set(key)
        submissions = load_submissions(answers, problem_set, default_name=submission)
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
        share = summary["score"] / summary["points"] * 100 if summary["points"] else 0.0
        table.add_row(name, f"{summary['score']:g}/{summary['points']:g}", f"{share:.1f}",
                      *(str(counts.get(k, 0)) for k in BADGES))
    console.print(table)
    print_summary(summarize(verdicts, problem_set))


def _print_import_notes(imported) -> None:
    if imported.annotations:
        agreed = ", ".join(f"{a.part_id}: {a.verdict or '—'}" for a in imported.annotations)
        console.print(f"reader's verdicts imported: {agreed}", highlight=False)
    if imported.unaligned:
        console.print(f"blocks that fit no part: {len(imported.unaligned)} (see `tabench import --json`)", highlight=False)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A chat export (Markdown with turn markers, {role, content} JSON, ChatGPT's "
                                         "conversations.json), a report that quotes a prompt and a reply, or a write-up."),
    key: Optional[Path] = typer.Option(None, "--key", "-k", help="Align answers to the part ids of this problem set."),
    as_json: bool = typer.Option(False, "--json", help='Print {"answers", "annotations", "unaligned", "missing"} as JSON.'),
) -> None:
    """Split a transcript or write-up into answers per part; a reader's ✓/✗ marks become human verdicts."""
    try:
        problem_set = load_problem_set(key) if key is not None else None
        imported = import_text(read_text(file, what="transcript"), str(file), problem_set)
    except TabenchError as err:
        _fail(err)
    if as_json:
        sys.stdout.write(json.dumps(imported.as_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{file.name}" + (f" against {problem_set.title}" if problem_set else ""), title_justify="left")
    for column in ("part", "answer begins", "confidence", "reader's verdict"):
        table.add_column(column, overflow="fold")
    marks = {a.part_id: a for a in imported.annotations}
    for answer in imported.answers:
        mark = marks.get(answer.part_id)
        table.add_row(answer.part_id, short(answer.text, 50), f"{answer.confidence:.2f}",
                      (f"{mark.verdict or '?'}" + (f" [{', '.join(mark.tags)}]" if mark.tags else "")) if mark else "")
    console.print(table)
    if imported.missing:
        console.print(f"parts with no answer: {' '.join(imported.missing)}", highlight=False)
    for block in imported.unaligned:
        console.print(f"fits no part (line {block['line']}): {short(block['text'], 70)}", highlight=False)


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
        submissions = load_submissions(answers_path, problem_set, default_name="demo-student")
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
