"""Read a PDF's text layer and shapes with pdfplumber, in a child process (run as a script by ingest/pdf.py).

`python pdf_worker.py CPU_SECONDS MEMORY_BYTES read FILE MAX_PAGES` prints one JSON object: {"pages": [...]}
or {"error": kind, "detail": ...}; `... render FILE PAGE X0 TOP X1 BOTTOM DPI` prints the PNG of that region
of the page (pypdfium2; the whole page for a region of zeros). It sets its own CPU-time and memory limits
before it reads anything, and the parent kills it at a wall-clock timeout, so a hostile PDF (a zip-bomb
stream, a pathological content stream, a crash in native code) costs at most those limits and this process.
It imports nothing from tabench.
"""

from __future__ import annotations

import json
import re
import sys
import zlib

RULE = 1.6  # thinner than this (points) a rectangle or line is a rule
STREAM_LIMIT = 32 * 1024 * 1024  # bytes a compressed (non-image) stream may expand to
TOTAL_LIMIT = 128 * 1024 * 1024  # and all of them together
_STREAM = re.compile(rb"stream\r?\n")


def main(path: str, max_pages: int) -> dict:
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    except ImportError as err:
        out_of_memory = not isinstance(err, ModuleNotFoundError) and re.search(r"map|memory|alloc", str(err), re.I)
        return {"error": "memory" if out_of_memory else "missing", "detail": str(err)[:160]}
    except MemoryError:
        return {"error": "memory", "detail": ""}
    expands = _expanding_stream(path)
    if expands:
        return {"error": "bomb", "detail": expands}
    try:
        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
            if count > max_pages:
                return {"error": "pages", "detail": count}
            return {"pages": [_page(page, number) for number, page in enumerate(pdf.pages, start=1)]}
    except MemoryError:
        return {"error": "memory", "detail": ""}
    except RecursionError:
        return {"error": "damaged", "detail": "nested too deeply"}
    except Exception as err:  # pdfminer raises many kinds for damaged files (pdfplumber wraps them)  # noqa: BLE001
        causes = [err, err.__cause__, err.__context__, *[a for a in err.args if isinstance(a, BaseException)]]
        if any(isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) for cause in causes):
            return {"error": "encrypted", "detail": ""}
        if any(isinstance(cause, MemoryError) for cause in causes):
            return {"error": "memory", "detail": ""}
        cause = next((c for c in causes[1:] if isinstance(c, BaseException)), err)
        return {"error": "damaged", "detail": f"{type(cause).__name__}: {str(cause)[:160]}".rstrip(": ")}


def _expanding_stream(path: str) -> int:
    """The size a Flate stream expands past the limits to (a zip bomb), else 0. Image streams are left alone:
    nothing here decodes them. Each stream is inflated in bounded chunks and given up at the limit."""
    with open(path, "rb") as handle:
        data = handle.read()
    total = 0
    for match in _STREAM.finditer(data):
        header = data[max(0, match.start() - 2000) : match.start()]
        header = header[header.rfind(b"obj") :]
        if b"/FlateDecode" not in header or b"/Image" in header:
            continue
        inflater = zlib.decompressobj()
        start = match.end()
        end = data.find(b"endstream", start)
        chunk = data[start : end if end > 0 else len(data)]
        size = 0
        try:
            piece = inflater.decompress(chunk, STREAM_LIMIT + 1)
            size += len(piece)
            while inflater.unconsumed_tail and size <= STREAM_LIMIT:
                piece = inflater.decompress(inflater.unconsumed_tail, STREAM_LIMIT + 1 - size)
                size += len(piece)
        except zlib.error:
            continue  # pdfminer will say what is wrong with it
        total += size
        if size > STREAM_LIMIT or total > TOTAL_LIMIT:
            return max(size, total)
    return 0


def _rgb(colour) -> list[float] | None:
    """A fill colour as RGB, or None for black, grey, white or a pattern."""
    if not isinstance(colour, (list, tuple)) or not all(isinstance(v, (int, float)) for v in colour):
        return None
    if len(colour) == 3:
        r, g, b = colour
    elif len(colour) == 4:
        c, m, y, k = colour
        r, g, b = (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    else:
        return None
    if max(r, g, b) - min(r, g, b) < 0.15:
        return None  # black, grey or white
    return [round(r, 3), round(g, 3), round(b, 3)]


def _box(obj) -> list[float]:
    return [round(obj["x0"], 2), round(obj["top"], 2), round(obj["x1"], 2), round(obj["bottom"], 2)]


def _page(page, number: int) -> dict:
    height_top = float(page.mediabox[3]) if page.mediabox else float(page.height)
    chars = []
    for char in page.chars:
        if not char.get("upright", True) or not char.get("text", "").strip():
            continue
        size = float(char.get("size") or 0) or (char["bottom"] - char["top"])
        baseline = height_top - char["matrix"][5] if char.get("matrix") else char["bottom"]
        if not char["top"] - size <= baseline <= char["bottom"] + size:
            baseline = char["bottom"] - 0.2 * size
        chars.append([char["text"], char.get("fontname", ""), round(size, 2), round(char["x0"], 2),
                      round(char["x1"], 2), round(char["top"], 2), round(char["bottom"], 2), round(baseline, 2),
                      _rgb(char.get("non_stroking_color"))])
    frames, highlights, drawings, rules = [], [], [], []
    for rect in page.rects:
        width, height = rect["x1"] - rect["x0"], rect["bottom"] - rect["top"]
        if width < RULE or height < RULE:
            rules.append(rect)
        elif rect.get("fill") and _rgb(rect.get("non_stroking_color")) is not None:
            highlights.append(_box(rect))
        elif rect.get("fill") and width > 30 and height > 30 and rect.get("non_stroking_color") not in ((1,), (1.0,), [1]):
            drawings.append(_box(rect))  # a filled shape as large as a figure (graphicx's demo boxes)
        elif rect.get("stroke"):
            frames.append(_box(rect))
    rules += [line for line in page.lines]
    frames += _frames_from_rules(rules)
    drawings += [_box(curve) for curve in page.curves[:5000]]
    return {
        "number": number,
        "width": float(page.width),
        "height": float(page.height),
        "chars": chars,
        "frames": frames,
        "highlights": highlights,
        "images": [_box(image) for image in page.images],
        "drawings": drawings,
        "links": [_box(link) for link in page.hyperlinks],
    }


def _frames_from_rules(rules: list) -> list[list[float]]:
    """Rectangles drawn as four rules (TeX's \\fbox, framed boxes)."""
    horizontal = [r for r in rules if r["x1"] - r["x0"] >= RULE][:1500]
    vertical = [r for r in rules if r["bottom"] - r["top"] >= RULE][:1500]
    frames = []
    for top in horizontal:
        for bottom in horizontal:
            if bottom["top"] <= top["top"] + 4 or abs(bottom["x0"] - top["x0"]) > 2 or abs(bottom["x1"] - top["x1"]) > 2:
                continue
            sides = [v for v in vertical if v["top"] <= top["bottom"] + 2 and v["bottom"] >= bottom["top"] - 2
                     and (abs(v["x0"] - top["x0"]) <= 2 or abs(v["x1"] - top["x1"]) <= 2)]
            if len(sides) >= 2:
                frames.append([round(top["x0"], 2), round(top["top"], 2), round(top["x1"], 2), round(bottom["bottom"], 2)])
                break
    return frames


def _limit(cpu_seconds: int, memory_bytes: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: the parent's wall-clock timeout still holds
        return
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def render(path: str, page_number: int, box: list[float], dpi: int) -> bytes:
    import io

    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        page = document[page_number - 1]
        width, height = page.get_size()
        x0, top, x1, bottom = box
        crop = (0, 0, 0, 0) if x1 <= x0 or bottom <= top else \
            (max(0.0, x0), max(0.0, height - bottom), max(0.0, width - x1), max(0.0, top))
        buffer = io.BytesIO()
        page.render(scale=dpi / 72, crop=crop).to_pil().save(buffer, format="PNG")
        return buffer.getvalue()
    finally:
        document.close()


if __name__ == "__main__":
    _limit(int(sys.argv[1]), int(sys.argv[2]))
    if sys.argv[3] == "render":
        sys.stdout.buffer.write(render(sys.argv[4], int(sys.argv[5]), [float(v) for v in sys.argv[6:10]],
                                       int(sys.argv[10])))
    else:
        sys.stdout.write(json.dumps(main(sys.argv[4], int(sys.argv[5]))))
