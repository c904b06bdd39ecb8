"""tabench's command line run in-process by tests, and the answer files they write."""

import json

from typer.testing import CliRunner

from tabench.cli import app

runner = CliRunner()


def run(*args):
    """`tabench ARGS…` in this process (paths and numbers may be given as they are)."""
    return runner.invoke(app, [str(a) for a in args])


def write(folder, name, content):
    """folder/name holding `content`: text as it is, anything else as JSON."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path
