"""The figures of a problem set, gathered at the edge: the image bytes a run sends with a figure-dependent part.

A PDF figure (page and region) is rendered to PNG by `ingest.pdf.render_figure`; a LaTeX or Markdown figure is
the image file the document names, read only from the document's own folder. What cannot be kept — a missing,
oversized, unreadable or unsupported file, or a path that leaves the folder — is recorded as missing with the
reason, never an error: the part is still asked, with the figure marked not found.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import TabenchError
from .model import Figure, ProblemSet

MAX_FIGURE_BYTES = 5 * 1024 * 1024
MAX_SIDE_PIXELS = 8000  # the largest side the image APIs take (Anthropic's limit; OpenAI resizes below it)
# The extensions tried, in pdflatex's order, for \includegraphics{name} written without one.
GRAPHICS_EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".eps")

# What a file's first bytes say it is: (media type sent to models, or None when it is not sent, and why).
# Example row: a file starting b"\x89PNG\r\n\x1a\n" is sent as image/png.
SIGNATURES: tuple[tuple[bytes, str | None, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ""),
    (b"\xff\xd8\xff", "image/jpeg", ""),
    (b"GIF87a", "image/gif", ""),
    (b"GIF89a", "image/gif", ""),
    (b"%PDF-", "application/pdf", ""),  # a PDF graphic: its first page is rendered to PNG
    (b"%!PS", None, "an EPS graphic, which tabench does not render; convert it to PNG or PDF"),
    (b"\xc5\xd0\xd3\xc6", None, "an EPS graphic, which tabench does not render; convert it to PNG or PDF"),
    (b"<svg", None, "an SVG drawing, which models are not sent; convert it to PNG"),
    (b"<?xml", None, "an SVG or XML file, which models are not sent; convert it to PNG"),
)
PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}


class FigureMissing(Exception):
    """Why one figure could not be kept (a phrase for the warning and the store)."""


@dataclass
class KeptFigure:
    """One figure of one part, as gathered: its image, or why there is none."""

    part_id: str
    position: int  # 0-based, in the part's `figures`
    figure: Figure
    media_type: str | None = None
    data: bytes | None = None
    missing: str | None = None

    @cached_property
    def sha256(self) -> str | None:
        return hashlib.sha256(self.data).hexdigest() if self.data is not None else None

    @property
    def label(self) -> str:
        return f"figure {self.position + 1} of part {self.part_id}"

    @property
    def where(self) -> str:
        figure = self.figure
        return figure.path if figure.path else f"page {figure.page}" if figure.page else "no location"


def gather_figures(problem_set: ProblemSet, document: str | Path, part_ids=None) -> list[KeptFigure]:
    """Every figure of every part (or of the parts `part_ids` names), with its image bytes or the reason it has
    none. `document` is the file the problem set was read from (for a ProblemSet JSON file, its `source` is
    used when that file exists). Each distinct figure is read or rendered once."""
    origin = _origin(problem_set, Path(document))
    seen: dict[tuple, tuple[str | None, bytes | None, str | None]] = {}
    kept = []
    wanted = set(part_ids) if part_ids is not None else None
    for part in problem_set.parts():
        if wanted is not None and part.id not in wanted:
            continue
        for position, figure in enumerate(part.figures):
            where = (figure.path, figure.page, tuple(figure.bbox or ()))
            if where not in seen:
                try:
                    seen[where] = (*_image_of(figure, origin), None)
                except FigureMissing as why:
                    seen[where] = (None, None, str(why))
            media_type, data, missing = seen[where]
            kept.append(KeptFigure(part.id, position, figure, media_type, data, missing))
    return kept


def figure_warnings(figures: list[KeptFigure]) -> list[str]:
    """One line per distinct figure that could not be kept, naming the parts it belongs to."""
    parts_of: dict[tuple[str, str], list[str]] = {}
    for figure in figures:
        if figure.missing is not None:
            parts_of.setdefault((figure.where, figure.missing), []).append(figure.part_id)
    return [f"figure {where} (part{'s' if len(parts) > 1 else ''} {', '.join(parts)}) is not kept: {why}; "
            "a run asks the part with the figure marked not found" for (where, why), parts in parts_of.items()]


def figure_counts(figures: list[KeptFigure]) -> str:
    """'figures: 3 kept, 1 missing (of 4 figure references in 6 parts)'."""
    kept = sum(f.missing is None for f in figures)
    parts = len({f.part_id for f in figures})
    return (f"figures: {kept} kept, {len(figures) - kept} missing ({len(figures)} figure reference(s) in "
            f"{parts} part(s))")


def _origin(problem_set: ProblemSet, document: Path) -> Path:
    """The document figures are relative to: the file itself, or the source a ProblemSet JSON file names."""
    if document.suffix.lower() == ".json" and problem_set.source:
        source = Path(problem_set.source)
        if not source.is_absolute():
            source = document.parent / source if (document.parent / source).is_file() else source
        if source.is_file():
            return source
    return document


def _image_of(figure: Figure, origin: Path) -> tuple[str, bytes]:
    """(media type, bytes) of a figure; FigureMissing with the reason when there is none to send."""
    if figure.path:
        return _image_file(origin.parent, figure.path)
    if figure.page is not None:
        if not _is_pdf(origin):
            raise FigureMissing(f"it is on page {figure.page} of a PDF, and {origin.name} is not that PDF")
        return "image/png", _rendered(origin, figure)
    raise FigureMissing("the document does not say where it is")


def _image_file(folder: Path, written: str) -> tuple[str, bytes]:
    if "://" in written or written.startswith("data:"):
        raise FigureMissing("it is a web address or inline data; only image files next to the document are read")
    relative = Path(written)
    if relative.is_absolute():
        raise FigureMissing("its path is absolute; only files under the document's folder are read")
    base = folder.resolve()
    outside = "it is outside the document's folder; only files under that folder are read"
    if not (base / relative).resolve().is_relative_to(base):  # asked before the file is looked for
        raise FigureMissing(outside)
    resolved = _existing(base / relative).resolve()
    if not resolved.is_relative_to(base):  # a link that leads out of the folder
        raise FigureMissing(outside)
    if not resolved.is_file():
        raise FigureMissing("it is not a regular file")
    size = resolved.stat().st_size
    if size > MAX_FIGURE_BYTES:
        raise FigureMissing(f"{size / 1e6:.1f} MB is over the {MAX_FIGURE_BYTES // 2**20} MB limit for a figure; "
                            "make it smaller")
    try:
        data = resolved.read_bytes()
    except OSError as err:
        raise FigureMissing(f"it cannot be read ({err.strerror or type(err).__name__})") from None
    media_type = _media_type(data)
    if media_type == "application/pdf":
        return "image/png", _rendered(resolved, Figure(page=1))
    return media_type, _checked_image(data, media_type)


def _existing(path: Path) -> Path:
    """The file `path` names, trying the extensions \\includegraphics tries when it has none."""
    if path.exists() or path.suffix.lower() in GRAPHICS_EXTENSIONS:
        if not path.exists():
            raise FigureMissing("the file does not exist")
        return path
    for extension in GRAPHICS_EXTENSIONS:
        candidate = path.with_name(path.name + extension)
        if candidate.exists():
            return candidate
    raise FigureMissing("the file does not exist (also tried " + ", ".join(GRAPHICS_EXTENSIONS) + ")")


def _media_type(data: bytes) -> str:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for signature, media_type, why in SIGNATURES:
        if data.startswith(signature):
            if media_type is None:
                raise FigureMissing(f"it is {why}")
            return media_type
    raise FigureMissing("it is not an image tabench sends (PNG, JPEG, GIF, WebP, or a PDF graphic)")


def _checked_image(data: bytes, media_type: str) -> bytes:
    """The image as read, once Pillow has read its header and checked its structure and size."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=[PIL_FORMATS[media_type]]) as image:
            width, height = image.size
            image.verify()
    except Exception as err:  # noqa: BLE001 - Pillow raises many kinds for a damaged file
        raise FigureMissing(f"it is a damaged {media_type} ({type(err).__name__})") from None
    if max(width, height) > MAX_SIDE_PIXELS:
        raise FigureMissing(f"it is {width}×{height} pixels, over the {MAX_SIDE_PIXELS} pixels models take; "
                            "make it smaller")
    return data


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return b"%PDF-" in handle.read(1024)
    except OSError:
        return False


def _rendered(pdf: Path, figure: Figure) -> bytes:
    from .ingest.pdf import render_figure

    try:
        data = render_figure(pdf, figure)
    except TabenchError as err:
        raise FigureMissing(f"it could not be rendered ({err})") from None
    if len(data) > MAX_FIGURE_BYTES:
        raise FigureMissing(f"rendered, it is {len(data) / 1e6:.1f} MB, over the {MAX_FIGURE_BYTES // 2**20} MB limit")
    return data


def figures_to_show(figures: list[KeptFigure], model_reads_images: bool):
    """(protocols.Figures for the messages, the base64 data of each image by sha256, for the provider)."""
    import base64

    from .protocols import Figures

    kept: dict[str, list[dict]] = {}
    data: dict[str, str] = {}
    for figure in figures:
        if figure.data is None:
            continue
        sha = figure.sha256
        kept.setdefault(figure.part_id, []).append(
            {"label": figure.label, "sha256": sha, "media_type": figure.media_type, "size": len(figure.data)})
        data.setdefault(sha, base64.b64encode(figure.data).decode("ascii"))
    return Figures(kept, model_reads_images), data


def with_image_data(messages: list[dict], data: dict[str, str]) -> list[dict]:
    """The messages as a provider takes them: each attached image with its base64 `data`."""
    if not any(m.get("images") for m in messages):
        return messages
    return [dict(m, images=[dict(image, data=data[image["sha256"]]) for image in m["images"] if image["sha256"] in data])
            if m.get("images") else m for m in messages]
