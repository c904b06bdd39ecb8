"""Jupyter notebooks (nbformat 3 and 4) -> Markdown for the structure finder (pure).

Markdown cells are kept as text and code cells become fenced code; outputs are dropped before nbformat
sees the notebook (a notebook's outputs can be most of its size). Solutions are found as in Markdown (a
`### Solution` or `# SOLUTION` heading, `**SOLUTION:**`), plus the markers of the grading tools:

| marker | tool | read as |
| --- | --- | --- |
| cell metadata `nbgrader.solution: true` | nbgrader | the whole cell is solution |
| `### BEGIN SOLUTION` ... `### END SOLUTION` in a code cell | nbgrader | the lines between are solution code |
| `# BEGIN SOLUTION` ... `# END SOLUTION` in a code cell, or as raw cells around cells | otter-grader | the same |
| `x = 2  # SOLUTION` | otter-grader | that line is solution code |
| a code cell whose first line is `# SOLUTION` | hand-made solution notebooks | the cell is solution code |
| raw cells `# BEGIN TESTS` ... `# END TESTS` | otter-grader | hidden tests: dropped |
"""

from __future__ import annotations

import json
import logging
import re

from ..errors import ParseError
from ..model import ProblemSet
from .markdown import parse_markdown

_BEGIN = re.compile(r"^\s*#+\s*BEGIN SOLUTION\b.*$")
_END = re.compile(r"^\s*#+\s*END SOLUTION\b.*$")
_SOLUTION_LINE = re.compile(r"#\s*SOLUTION(?:\s+NO PROMPT)?\s*$")
_SOLUTION_CELL = re.compile(r"^\s*#+\s*solution\s*:?\s*$", re.I)
_RAW_MARKER = re.compile(r"^\s*#\s*(BEGIN|END)\s+(SOLUTION|TESTS|QUESTION|PROMPT)\b", re.I)


def parse_notebook(text: str, source: str | None = None, fallback_title: str = "Notebook") -> ProblemSet:
    return parse_markdown(notebook_markdown(text, source or "the notebook"), source, fallback_title)


def notebook_markdown(text: str, name: str = "the notebook") -> str:
    """The notebook as Markdown: cells in order, code fenced, solutions marked for the structure finder."""
    notebook = _read(text, name)
    language = _language(notebook)
    out: list[str] = []
    raw_solution = False  # between otter's "# BEGIN SOLUTION" and "# END SOLUTION" raw cells
    in_tests = False
    for cell in notebook.cells:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        kind = cell.get("cell_type")
        if kind == "raw":
            marker = _RAW_MARKER.match(source)
            if marker:
                begin = marker.group(1).upper() == "BEGIN"
                if marker.group(2).upper() == "SOLUTION":
                    raw_solution = begin
                    out.append("BEGIN SOLUTION" if begin else "END SOLUTION")
                elif marker.group(2).upper() == "TESTS":
                    in_tests = begin
            continue
        if in_tests:
            continue
        metadata = cell.get("metadata") or {}
        graded_solution = bool((metadata.get("nbgrader") or {}).get("solution")) and not raw_solution
        if graded_solution:
            out.append("BEGIN SOLUTION")
        if kind == "markdown":
            out.append(source.strip("\n"))
        elif kind == "code":
            out.append(_code(source, language, whole_solution=graded_solution or raw_solution))
        if graded_solution:
            out.append("END SOLUTION")
    return "\n\n".join(piece for piece in out if piece.strip()) + "\n"


def _read(text: str, name: str):
    import nbformat

    try:
        data = json.loads(text)
    except RecursionError:
        raise ParseError(f"{name}: its JSON is nested too deeply to be a notebook; check the file") from None
    except ValueError as err:
        raise ParseError(f"{name}: not a Jupyter notebook (invalid JSON: {str(err)[:120]}); "
                         "save it again from Jupyter") from None
    if not isinstance(data, dict) or "nbformat" not in data:
        raise ParseError(f"{name}: JSON without an 'nbformat' field is not a Jupyter notebook; give an .ipynb file")
    major = data.get("nbformat")
    if major not in (3, 4):
        raise ParseError(f"{name}: nbformat {major!r} is not supported (3 and 4 are); save it with a current Jupyter")
    for cell in _cells(data):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell.pop("attachments", None)
    quiet = logging.getLogger("traitlets")  # nbformat logs what it raises; the error below says it in one line
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        notebook = nbformat.convert(nbformat.from_dict(data), 4)
    except Exception as err:  # nbformat raises several kinds for a malformed notebook
        raise ParseError(f"{name}: a malformed nbformat {major} notebook ({type(err).__name__}); "
                         "save it again from Jupyter") from None
    finally:
        quiet.setLevel(level)
    if not isinstance(notebook.get("cells"), list):
        raise ParseError(f"{name}: the notebook has no list of cells; save it again from Jupyter")
    return notebook


def _cells(data: dict) -> list:
    if data.get("nbformat") == 3:
        return [cell for sheet in data.get("worksheets") or [] if isinstance(sheet, dict)
                for cell in sheet.get("cells") or []]
    cells = data.get("cells")
    return cells if isinstance(cells, list) else []


def _language(notebook) -> str:
    metadata = notebook.get("metadata") or {}
    language = (metadata.get("language_info") or {}).get("name") or (metadata.get("kernelspec") or {}).get("language")
    return language if isinstance(language, str) and re.fullmatch(r"[\w+#-]{1,20}", language) else ""


def _code(source: str, language: str, whole_solution: bool) -> str:
    """A code cell as fenced code, its solution lines (between markers, or marked '# SOLUTION') as solution."""
    if whole_solution:
        return _fence(source, language)
    lines = source.split("\n")
    first = next((k for k, line in enumerate(lines) if line.strip()), None)
    if first is not None and _SOLUTION_CELL.match(lines[first]):  # a cell that opens with "# SOLUTION"
        code = "\n".join(lines[first + 1 :])
        return f"BEGIN SOLUTION\n\n{_fence(code, language)}\n\nEND SOLUTION" if code.strip() else ""
    pieces: list[str] = []
    run: list[str] = []
    solution = False

    def flush() -> None:
        if any(line.strip() for line in run):
            fenced = _fence("\n".join(run), language)
            pieces.append(f"BEGIN SOLUTION\n\n{fenced}\n\nEND SOLUTION" if solution else fenced)
        run.clear()

    for line in source.split("\n"):
        if _BEGIN.match(line):
            flush()
            solution = True
        elif _END.match(line):
            flush()
            solution = False
        elif not solution and _SOLUTION_LINE.search(line):
            flush()
            solution = True
            run.append(_SOLUTION_LINE.sub("", line).rstrip())
            flush()
            solution = False
        else:
            run.append(line)
    flush()
    return "\n\n".join(pieces)


def _fence(code: str, language: str) -> str:
    fence = "```"
    while fence in code:
        fence += "`"
    return f"{fence}{language}\n{code.strip(chr(10))}\n{fence}"
