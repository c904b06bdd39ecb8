from __future__ import annotations

"""Commands about documents: ingest, import, schema."""

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .. import app as application
from ..errors import TabenchError
from ..model import problem_set_schema
from ..summary import short
from .base import _fail, _write_or_print, app, console, warn
from .show import print_index

@app.command(rich_help_panel="Pipeline")
def ingest(
    document: Path = typer.Argument(..., help="Markdown/text problem set with solutions, or a ProblemSet JSON file."),
    as_json: bool = typer.Option(False, "--json", help="Print the ProblemSet as JSON instead of the index."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the ProblemSet JSON to this file."),
) -> None:
    """Read a problem set and print its question index (id, kind, points, figure flag, answer).

    The JSON (--json, -o) also carries the SymPy form of each reference expression that parses."""
    try:
        problem_set = application.load_key(document, parsed_forms=output is not None or as_json)
        warn(application.key_warnings(problem_set))
        if output is not None:
            _write_or_print(problem_set.model_dump_json(indent=2), output)
        elif as_json:
            _write_or_print(problem_set.model_dump_json(indent=2), None)
        else:
            print_index(problem_set)
    except TabenchError as err:
        _fail(err)


@app.command("import", rich_help_panel="Pipeline")
def import_(
    file: Path = typer.Argument(..., help="A chat export (Markdown with turn markers, {role, content} JSON, ChatGPT's "
                                         "conversations.json), a report that quotes a prompt and a reply, or a write-up."),
    key: Optional[Path] = typer.Option(None, "--key", "-k", help="Align answers to the part ids of this problem set."),
    as_json: bool = typer.Option(False, "--json", help='Print {"answers", "annotations", "unaligned", "missing"} as JSON.'),
) -> None:
    """Split a transcript or write-up into answers per part; a reader's ✓/✗ marks become human verdicts."""
    try:
        imported, problem_set = application.import_transcript(file, key)
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


@app.command(rich_help_panel="More")
def schema() -> None:
    """Print the JSON Schema of a ProblemSet (what an edited problem-set file must follow)."""
    sys.stdout.write(json.dumps(problem_set_schema(), indent=2) + "\n")
