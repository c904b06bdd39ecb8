from __future__ import annotations

"""Commands about documents: ingest, import, schema."""

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .. import app as application
from ..errors import TabenchError
from ..model import problem_set_schema
from .base import _fail, _write_or_print, app, note, warn
from .show import print_import, print_index

@app.command(rich_help_panel="Pipeline")
def ingest(
    document: Path = typer.Argument(..., help="A problem set with solutions: Markdown or text, LaTeX (.tex), a PDF "
                                              "with a text layer, a Jupyter notebook (.ipynb), or a ProblemSet JSON "
                                              "file."),
    as_json: bool = typer.Option(False, "--json", help="Print the ProblemSet as JSON instead of the index."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the ProblemSet JSON to this file."),
) -> None:
    """Read a problem set and print its question index (id, kind, points, figure flag, answer).

    The JSON (--json, -o) also carries the SymPy form of each reference expression that parses."""
    try:
        problem_set = application.load_key(document, parsed_forms=output is not None or as_json)
        warn(application.key_warnings(problem_set))
        counts, *missing = application.ingest_figures(document, problem_set) or [None]
        if counts:
            note([counts])
        warn(missing)
        if output is not None:
            _write_or_print(problem_set.model_dump_json(indent=2), output)
        elif as_json:
            _write_or_print(problem_set.model_dump_json(indent=2), None)
        else:
            print_index(problem_set)
    except TabenchError as err:
        _fail(err)


# How a transcript is imported, for `import` and for `grade` given a transcript.
CONVERSATION = typer.Option(None, "--conversation", "-c", help="A transcript: which conversation of an export that "
                            "holds several (its number, id or part of its title).")
CORRECTIONS = typer.Option([], "--map", help='A transcript: put a block under another part, "block 3=5.b" (or '
                           '"block 3=none"; `tabench import` lists the blocks); repeat it for more.')
ACCEPT_MISMATCH = typer.Option(False, "--accept-mismatch", help="A transcript that does not fit the key: go on "
                               "(where its numbering is another document's, its answers are placed by content).")


@app.command("import", rich_help_panel="Pipeline")
def import_(
    file: Path = typer.Argument(..., help="A chat export (ChatGPT's conversations.json, Claude's or Gemini's export, "
                                         "AI Studio, an inspect_ai log, {role, content} JSON, a chat copied from "
                                         "the browser or written out with speaker lines) or a typed write-up."),
    key: Optional[Path] = typer.Option(None, "--key", "-k", help="Align answers to the part ids of this problem set."),
    as_json: bool = typer.Option(False, "--json", help="Print every block with its placement, the answers, the "
                                                       "reader's marks and what fit nowhere, as JSON (edit part_id "
                                                       "and grade the file to correct a placement)."),
    conversation: Optional[str] = CONVERSATION,
    corrections: list[str] = CORRECTIONS,
    accept_mismatch: bool = ACCEPT_MISMATCH,
) -> None:
    """Split a transcript or write-up into answers per part; a reader's ✓/✗ marks become human verdicts."""
    from ..transcripts import Options

    options = Options(conversation, list(corrections), accept_mismatch)
    try:
        imported, problem_set = application.import_transcript(file, key, options)
    except TabenchError as err:
        _fail(err)
    if as_json:
        sys.stdout.write(json.dumps(imported.as_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    print_import(imported, file.name + (f" against {problem_set.title}" if problem_set else ""))


@app.command(rich_help_panel="More")
def schema() -> None:
    """Print the JSON Schema of a ProblemSet (what an edited problem-set file must follow)."""
    sys.stdout.write(json.dumps(problem_set_schema(), indent=2) + "\n")
