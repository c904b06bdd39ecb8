"""PDF problem sets: the text layer read by pdfplumber in a bounded child process, then the Markdown reader.

The edge of PDF ingest: it checks the file, runs `pdf_worker.py` under a CPU-time and memory limit and a
wall-clock timeout, turns what comes back into pages (pdf_layout.Page) and hands them to the pure reader
(pdf_parts.problem_set_from_pages). `render_figure` turns a part's Figure (page and region) into PNG bytes
for whoever stores figures. pdfplumber and pypdfium2 are MIT / Apache-BSD; PyMuPDF (AGPL) is not used.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ..errors import InputError, ParseError
from ..model import Figure, ProblemSet
from .pdf_layout import Box, Page
from .pdf_lines import Char
from .pdf_parts import problem_set_from_pages

MAX_BYTES = 100 * 1024 * 1024
MAX_PAGES = 300
CPU_SECONDS = 120
WALL_SECONDS = 180
MEMORY_BYTES = 2 * 1024 ** 3
_WORKER = Path(__file__).with_name("pdf_worker.py")


def load_pdf(path: str | Path) -> ProblemSet:
    """The problem set of a PDF with a text layer (one clear InputError/ParseError otherwise)."""
    path = Path(path)
    _check_file(path)
    pages = read_pages(path)
    return problem_set_from_pages(pages, source=str(path), fallback_title=path.stem)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file; give the PDF file itself")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: the file is empty; give a PDF with content")
    if size > MAX_BYTES:
        raise InputError(f"{path}: {size / 1e6:.0f} MB is over the {MAX_BYTES / 1e6:.0f} MB limit for a PDF; split it")
    with path.open("rb") as handle:
        head = handle.read(1024)
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    if b"%PDF-" not in head:
        raise InputError(f"{path}: not a PDF (no %PDF header); give a PDF, or a Markdown or notebook file")
    if b"%%EOF" not in tail:
        raise InputError(f"{path}: the PDF is truncated (no %%EOF at its end); download or save it again")


def _worker(arguments: list[str]) -> subprocess.CompletedProcess:
    command = [sys.executable, "-I", str(_WORKER), str(CPU_SECONDS), str(MEMORY_BYTES), *arguments]
    return subprocess.run(command, capture_output=True, timeout=WALL_SECONDS, start_new_session=True, check=False)


def read_pages(path: Path) -> list[Page]:
    """The pages of the PDF at `path`, read in a child process under time and memory limits."""
    try:
        done = _worker(["read", str(path), str(MAX_PAGES)])
    except subprocess.TimeoutExpired:
        raise ParseError(f"{path}: reading the PDF took over {WALL_SECONDS} s and was stopped; "
                         "the file may be damaged or hostile — check it, or convert it to Markdown") from None
    try:
        result = json.loads(done.stdout or b"{}")
    except ValueError:
        result = {}
    if "pages" not in result:
        raise _error(path, result.get("error"), result.get("detail"), done)
    pages = [_page(data) for data in result["pages"]]
    if not any(page.chars for page in pages):
        raise ParseError(f"{path}: the PDF has no text layer (scanned pages?); run OCR on it first "
                         "(e.g. `ocrmypdf in.pdf out.pdf`) and ingest the result")
    return pages


def _error(path: Path, kind: str | None, detail, done: subprocess.CompletedProcess):
    if kind == "pages":
        return InputError(f"{path}: {detail} pages is over the {MAX_PAGES}-page limit for a problem set; split it")
    if kind == "bomb":
        return InputError(f"{path}: a compressed stream in the PDF expands to over {detail / 1e6:.0f} MB "
                          "(a zip bomb?); refusing to read it — check where the file came from")
    if kind == "encrypted":
        return InputError(f"{path}: the PDF is encrypted; save a copy without a password and ingest that")
    if kind == "memory" or (done.returncode != 0 and b"MemoryError" in done.stderr):
        return ParseError(f"{path}: reading the PDF needs more than {MEMORY_BYTES // 2 ** 20:,} MB of memory "
                          "(a stream that expands too far?); the file may be hostile — check it")
    if kind == "missing":
        return ParseError(f"{path}: PDF ingest needs pdfplumber ({detail}); reinstall tabench")
    if done.returncode < 0 or done.returncode in (-9, 137, 152) or kind is None:
        return ParseError(f"{path}: reading the PDF was stopped at the CPU-time or memory limit "
                          f"({CPU_SECONDS} s, {MEMORY_BYTES // 2 ** 20:,} MB); the file may be damaged or hostile — check it")
    return ParseError(f"{path}: cannot be read as a PDF ({detail}); the file may be damaged or truncated — "
                      "save it again or convert it to Markdown")


def _page(data: dict) -> Page:
    def boxes(key):
        return [Box(*values) for values in data.get(key, [])]

    chars = [Char(text, font, size, x0, x1, top, bottom, baseline, tuple(colour) if colour else None)
             for text, font, size, x0, x1, top, bottom, baseline, colour in data.get("chars", [])]
    return Page(number=data["number"], width=data["width"], height=data["height"], chars=chars,
                frames=boxes("frames"), highlights=boxes("highlights"), images=boxes("images"),
                drawings=boxes("drawings"), links=boxes("links"))


def render_figure(path: str | Path, figure: Figure, resolution: int = 150) -> bytes:
    """PNG bytes of a figure: its region of its page (the whole page when it has no region), rendered by
    pypdfium2 in the same bounded child process as reading."""
    path = Path(path)
    if figure.page is None:
        raise InputError(f"{path}: the figure has no page number; only figures located in a PDF can be rendered")
    _check_file(path)
    box = [str(v) for v in (figure.bbox or [0, 0, 0, 0])]
    try:
        done = _worker(["render", str(path), str(figure.page), *box, str(resolution)])
    except subprocess.TimeoutExpired:
        raise ParseError(f"{path}: rendering page {figure.page} took over {WALL_SECONDS} s and was stopped") from None
    if done.returncode != 0 or not done.stdout.startswith(b"\x89PNG"):
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["stopped at its limits"]
        raise ParseError(f"{path}: page {figure.page} could not be rendered ({reason[0][:160]}); check the figure's page")
    return done.stdout
