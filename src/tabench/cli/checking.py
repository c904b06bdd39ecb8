from __future__ import annotations

"""`tabench check`: grade free-standing (reference, answer) pairs without a problem set."""

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from .. import app as application
from ..errors import TabenchError
from ..summary import short
from .base import _fail, app, console
from .show import STYLES


@app.command(rich_help_panel="Pipeline")
def check(
    file: Path = typer.Argument(..., help='JSON Lines of {"id"?, "gold", "answer", "kind"?, "precision"?}; "pred" is '
                                          'read as "answer", and an "expected" label (1/0) is compared with the verdict.'),
    as_json: bool = typer.Option(False, "--json", help='Print a list of {"id", "verdict", "score", "method", '
                                                       '"rationale", "extracted", "kind", "tags"} in input order.'),
    tolerance: Optional[float] = typer.Option(None, "--tolerance", min=0.0,
                                              help="Relative tolerance for numbers whose reference sets none of its own."),
) -> None:
    """Grade (reference, answer) pairs the way the grader reads answers; the kind comes from the reference when
    the row gives none, `precision` compares numbers to that many decimal places."""
    try:
        checked = application.check_file(file, tolerance=tolerance)
    except TabenchError as err:
        _fail(err)
    if as_json:
        rows = [{key: value for key, value in r.as_dict().items()} for r in checked.results]
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(title=str(file), title_justify="left")
    for column in ("id", "verdict", "kind", "answer read", "why"):
        table.add_column(column, overflow="fold")
    for result in checked.results:
        table.add_row(Text(str(result.id)), Text(result.verdict, style=STYLES.get(result.verdict, "")), Text(result.kind),
                      Text(short(result.extracted or "", 30)), Text(short(result.rationale, 70)))
    console.print(table)
    counts: dict[str, int] = {}
    for result in checked.results:
        counts[result.verdict] = counts.get(result.verdict, 0) + 1
    console.print(", ".join(f"{n} {verdict.replace('_', ' ')}" for verdict, n in counts.items()), highlight=False,
                  markup=False)
    if checked.agreement:
        a = checked.agreement
        console.print(f"agrees with {a['agree']} of {a['labelled']} labels; {a['called_equal_labelled_not']} called equal "
                      f"that are labelled not equal; {a['undecided']} undecided", highlight=False, markup=False)
