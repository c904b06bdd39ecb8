"""Read a document from disk and hand it to the right parser (the I/O edge of ingest)."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError, ParseError
from ..model import ProblemSet
from .latex import MAX_CHARS as LATEX_MAX_CHARS
from .latex import parse_latex
from .markdown import parse_markdown

MAX_BYTES = 20 * 1024 * 1024
NOTEBOOK_MAX_BYTES = 100 * 1024 * 1024  # outputs (dropped) can be most of a notebook
TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text", ".mmd", ""}


def read_text(path: str | Path, what: str = "document", max_bytes: int | None = None) -> str:
    """The file's text, or an InputError that says what is wrong and what to do."""
    path = Path(path)
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the {what} file inside it")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit for a {what}; split it"
            )
        data = path.read_bytes()
    except PermissionError:
        raise InputError(f"{path}: cannot be read (permission denied); check its permissions") from None
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err.strerror}); check the file") from None
    if not data.strip():
        raise InputError(f"{path}: the file is empty; give a {what} with content")
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: looks like a binary file, not text; give a Markdown, text or JSON {what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(
            f"{path}: not UTF-8 text (bad byte at offset {err.start}); save it as UTF-8 and try again"
        ) from None


def load_problem_set(path: str | Path) -> ProblemSet:
    """A ProblemSet from a document with solutions (Markdown or text, LaTeX, PDF, Jupyter notebook) or a ProblemSet
    JSON file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf" or _starts_with(path, b"%PDF-"):
        from .pdf import load_pdf

        return load_pdf(path)
    if suffix == ".ipynb":
        from .notebook import parse_notebook

        return parse_notebook(read_text(path, what="notebook", max_bytes=NOTEBOOK_MAX_BYTES), source=str(path),
                              fallback_title=path.stem)
    if suffix in (".tex", ".ltx"):
        return _from_latex(path)
    text = read_text(path)
    if suffix == ".json" or text.lstrip().startswith("{"):
        return _from_json(path, text)
    return parse_markdown(text, source=str(path), fallback_title=path.stem)


def _starts_with(path: Path, magic: bytes) -> bool:
    """Does the file begin with these bytes (a PDF under another name)? False for anything unreadable."""
    try:
        if not path.is_file():
            return False
        with path.open("rb") as handle:
            return handle.read(len(magic)) == magic
    except OSError:
        return False


def _from_json(path: Path, text: str) -> ProblemSet:
    try:
        return ProblemSet.model_validate_json(text)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ())) or "top level"
        raise ParseError(
            f"{path}: not a valid ProblemSet JSON ({where}: {first.get('msg')}); compare it with `tabench schema`"
        ) from None


def _from_latex(path: Path) -> ProblemSet:
    text = read_text(path, what="LaTeX document", max_bytes=LATEX_MAX_CHARS)
    return parse_latex(text, source=str(path), read_file=_files_beside(path), fallback_title=path.stem)


def _files_beside(document: Path):
    r"""What `\input{name}` reads: a regular file inside the document's folder (links followed, then checked)."""
    folder = document.parent.resolve()

    def read(name: str) -> str | None:
        path = (folder / name).resolve()
        if not path.is_relative_to(folder):
            raise InputError(f"{name} leads outside the document's folder")
        if not path.is_file():
            return None
        return read_text(path, what="LaTeX include", max_bytes=LATEX_MAX_CHARS)

    return read
