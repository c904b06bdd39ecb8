"""The command line, one module per group of commands; importing them registers the commands on `app`."""

from . import documents, runs, grading, checking, reports, judging, review, export  # noqa: F401, I001  (registration, in the pipeline's order)
from ..app import example_path
from .base import app, main

__all__ = ["app", "example_path", "main"]
