from __future__ import annotations

"""The export command: grades for a gradebook (CSV) or every verdict (JSON)."""

import sys
from pathlib import Path
from typing import Optional

import typer

from .. import app as application
from ..errors import TabenchError
from .base import _fail, _write_bytes, app, warn


@app.command(rich_help_panel="Stored results")
def export(
    problem_set: Optional[str] = typer.Option(None, "--problem-set", "-p", help="The problem set: its key file (as "
                                              "graded) or its stored id (default: the only one in the store)."),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv: one row per submission, a column per part and the "
                            "total (Gradescope, Canvas); json: every verdict, automatic and human."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write here (default: stdout)."),
) -> None:
    """Export the grades of a problem set: a person's verdict where one was given, else the automatic one."""
    try:
        content, warnings = application.export_grades(problem_set, fmt)
        warn(warnings)
        if output is None:
            sys.stdout.write(content if content.endswith("\n") else content + "\n")
        else:
            _write_bytes(content.encode("utf-8"), output)
    except TabenchError as err:
        _fail(err)
