"""The command line, one module per group of commands; importing them registers the commands on `app`."""

from . import documents, grading, reports, runs  # noqa: F401  (registration)
from .app import app, example_path, main

__all__ = ["app", "example_path", "main"]
