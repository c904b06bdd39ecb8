r"""LaTeX problem sets -> ProblemSet (pure; the loader passes the function that reads `\input` files).

The steps, one module each: includes.py and expand.py (macros, conditionals and includes, before parsing),
walker.py and specs.py (pylatexenc's parser and what it is told about macros and environments), reader.py with
exam.py, homework.py, lists.py and markup.py (nodes -> items and text), build.py (items -> ProblemSet, keys
through key.py).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import PurePath

from ...errors import ParseError
from ...model import ProblemSet
from . import exam, homework, lists, markup
from .build import Builder, front_title
from .expand import Expansion, expand
from .includes import Includes, ReadFile, without_control_characters
from .markup import resolve_references
from .reader import Reader
from .walker import parse_nodes

# characters a document may have once its includes are in (a long exam has 100 000), and once its macros are
# expanded; reading takes about 3 s of CPU per million characters
MAX_CHARS = 2_000_000
MAX_EXPANDED_CHARS = 8_000_000

_MACROS = {**markup.MACROS, **homework.MACROS, **exam.MACROS}
_ENVIRONMENTS = {**markup.ENVIRONMENTS, **lists.ENVIRONMENTS, **exam.ENVIRONMENTS}


def parse_latex(text: str, source: str | None = None, read_file: ReadFile | None = None,
                fallback_title: str = "Problem set") -> ProblemSet:
    """A ProblemSet from LaTeX source (the exam class, or homework written without it)."""
    if len(text) > MAX_CHARS:
        raise ParseError(f"{source or 'the document'}: {len(text) / 1e6:.1f} million characters is over the "
                         f"{MAX_CHARS / 1e6:.0f} million a LaTeX document may have; split it")
    text = without_control_characters(text)
    with _cycle_collection_paused():
        return _parse(text, source, read_file, fallback_title)


def _parse(text: str, source: str | None, read_file: ReadFile | None, fallback_title: str) -> ProblemSet:
    includes = Includes(read_file, MAX_CHARS - len(text), PurePath(source).name if source else None)
    try:
        expansion = expand(text, includes, MAX_EXPANDED_CHARS)
        nodes = parse_nodes(expansion.text, expansion.context)
        reader = _read(nodes, expansion, colour_answers=False)
        if reader.coloured and not reader.root.holds_answer():  # no solutions written out: coloured text is the key
            reader = _read(nodes, expansion, colour_answers=True)
        lists.settle(reader.root)
    except RecursionError:
        raise ParseError(f"{source or 'the document'}: the LaTeX is nested too deeply to read; check it for "
                         "unbalanced braces") from None
    except ParseError as err:
        raise ParseError(f"{source}: {err}" if source else str(err)) from None
    warnings = expansion.warnings + reader.warnings
    title = reader.title or front_title(reader.root) or fallback_title
    return Builder(warnings).problem_set(reader.root, title, source)


@contextmanager
def _cycle_collection_paused():
    """Python's cycle collector pauses while a document is read: it would walk the parse tree's many small objects
    again and again (reading 1.4 MB took 6.4 s of CPU with it, 3.9 s without); it collects them afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read(nodes, expansion: Expansion, colour_answers: bool) -> Reader:
    reader = Reader(_MACROS, _ENVIRONMENTS, homework.environment_for(expansion.roles, expansion.titles),
                    homework.leading_text,
                    homework.leading_node, expansion.code_environments, colour_answers)
    reader.walk(nodes)
    resolve_references(reader.root, reader.labels)
    return reader


__all__ = ["parse_latex", "MAX_CHARS"]
