from __future__ import annotations

"""The command line: thin. Errors become one line and exit status 2 here, and only here."""

import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from .. import __version__
from ..errors import TabenchError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Grade written answers to course problem sets against the official solutions.",
)
# Text from answers, names, documents and transcripts is data: no console reads Rich markup in it ("[/red]" prints
# as written) or colours it by guesswork. Styling is given explicitly, as Text styles.
console = Console(markup=False, highlight=False)
errors = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)


def _fail(err: TabenchError) -> None:
    errors.print(f"tabench: error: {err}")
    raise typer.Exit(err.exit_code)


def warn(lines: list[str]) -> None:
    """Warnings from the application layer, one line each on stderr."""
    for line in lines:
        errors.print(f"tabench: warning: {line}")


def note(lines: list[str]) -> None:
    """What the user should know about what happens next (a resumed run), one line each on stderr."""
    for line in lines:
        errors.print(f"tabench: {line}")


def _write_or_print(text: str, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.write(text + "\n")
        return
    _write_bytes((text + "\n").encode("utf-8"), output)


def _write_bytes(content: bytes, target: Path) -> None:
    """Write through a temporary file, so an interrupted write never leaves half a file behind."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(content)
        tmp.replace(target)
    except OSError as err:
        raise TabenchError(f"{target}: cannot write ({err.strerror}); choose another path with -o") from None
    console.print(f"wrote {target}", highlight=False)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _version(value: bool) -> None:
    if value:
        console.print(f"tabench {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    pass


# Set when the program should end without Python's slow clean-up: a run stopped by Ctrl-C may leave a request
# hanging in a worker thread, and unloading every module takes seconds on a busy machine.
exit_at_once = False


def main() -> None:
    try:
        app()
    except SystemExit as done:
        if not exit_at_once:
            raise
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(done.code if isinstance(done.code, int) else 1)
