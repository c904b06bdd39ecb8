"""The one exception tree of tabench.

Every message names the thing that went wrong and what to do next. Errors are
turned into one-line messages (and exit status 2) only at the CLI edge.
"""


class TabenchError(Exception):
    """Base class: a problem the user can fix. `str(err)` is the one-line message."""

    exit_code = 2


class InputError(TabenchError):
    """A file the user gave us cannot be used (missing, empty, binary, too large, ...)."""


class ParseError(TabenchError):
    """A document was read but holds nothing tabench can use (no questions, bad JSON, ...)."""


class GradingError(TabenchError):
    """Answers could not be matched to a problem set."""


class StoreError(TabenchError):
    """The SQLite store could not be opened or written."""


class ReviewError(TabenchError):
    """A person's grade or rubric change cannot be applied (unknown part, score out of range, ...)."""
