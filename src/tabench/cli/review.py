from __future__ import annotations

"""The review command: a local web page where a person grades what the machine could not."""

import getpass
import os
import webbrowser
from typing import Optional

import typer

from .. import app as application
from ..errors import TabenchError
from .base import _fail, app, console


def _default_grader() -> str:
    try:
        return os.environ.get("USER") or getpass.getuser()
    except Exception:  # no user name in this environment (a container without a passwd entry)
        return "grader"


@app.command(rich_help_panel="Pipeline")
def review(
    problem_set: Optional[str] = typer.Option(None, "--problem-set", "-p", help="Start on this problem set: its key "
                                              "file (as graded) or its stored id (default: the first that needs review)."),
    port: int = typer.Option(0, "--port", min=0, max=65535, help="Port on 127.0.0.1 (default: any free port)."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Only print the URL; do not open a browser."),
    grader: Optional[str] = typer.Option(None, "--grader", help="Your name on the verdicts you give (default: $USER)."),
    blind: bool = typer.Option(False, "--blind", help="Start in blind mode: submission and model names hidden."),
) -> None:
    """Grade by hand what the machine could not: a keyboard-driven page on 127.0.0.1, one part across submissions.

    The printed URL carries a random token and opens on the first answer that needs review. Human verdicts are
    stored as events (who, when, old and new verdict); reports and exports use the latest. Stop with Ctrl-C."""
    from ..web import prepare

    name = " ".join((grader or _default_grader()).split())[:80]
    try:
        if not name:
            raise TabenchError("--grader needs a name")
        problem_set_id = application.stored_problem_set_id(problem_set) if problem_set is not None else None
        served = prepare(port, name, problem_set_id, blind)
    except TabenchError as err:
        _fail(err)
    try:
        console.print(f"tabench review: grading as {name}; open {served.url}", highlight=False, soft_wrap=True)
        console.print("stop with Ctrl-C", highlight=False)
        if not no_browser:
            webbrowser.open(served.url)
        served.run()
    except KeyboardInterrupt:
        pass
    console.print("tabench review: stopped", highlight=False)
