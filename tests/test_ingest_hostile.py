"""Hostile documents: each ends in one clear line (or a problem set), in bounded time and memory.

Every case runs `tabench ingest FILE` in a child process with a hard wall-clock bound (a case that hangs fails
here instead of hanging CI); the child reports its peak memory, its own and its children's (the PDF reader's
worker), measured with `resource`. Timings are not asserted: that is `make bench`'s job.
"""

import json
import subprocess
import sys
import textwrap

import pytest

import pdf_files
from conftest import SHARED

HARD_BOUND = 120  # seconds; a hang guard, not a speed test
MEMORY_MB = 1024

_RUNNER = textwrap.dedent("""
    import resource, sys
    report = sys.argv[1]
    sys.argv = ["tabench", "ingest", sys.argv[2]]
    try:
        from tabench.cli import main
        main()
    finally:
        peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        open(report, "w").write(str(peak // 1024))
""")


def ingest_bounded(path, tmp_path):
    """(exit status, stdout, stderr, peak MB) of `tabench ingest path`, killed after HARD_BOUND seconds."""
    report = tmp_path / "peak.txt"
    try:
        done = subprocess.run([sys.executable, "-c", _RUNNER, str(report), str(path)], capture_output=True,
                              text=True, timeout=HARD_BOUND)
    except subprocess.TimeoutExpired:
        pytest.fail(f"ingest of {path.name} ran past {HARD_BOUND} s and was killed")
    return done.returncode, done.stdout, done.stderr, int(report.read_text())


def assert_one_line_error(result, *words):
    code, _, stderr, peak = result
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code == 2, stderr
    assert len(lines) == 1 and lines[0].startswith("tabench: error:"), stderr
    assert "Traceback" not in stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert peak < MEMORY_MB, f"peak memory {peak} MB"


# ---- PDFs ------------------------------------------------------------------------------------------

def test_truncated_pdf(tmp_path):
    data = (SHARED / "corpus" / "pdf" / "introdatasci_mock_exam_solved.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert_one_line_error(ingest_bounded(path, tmp_path), "truncated")


def test_damaged_pdf(tmp_path):
    path = tmp_path / "damaged.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    assert_one_line_error(ingest_bounded(path, tmp_path), "cannot be read as a PDF")


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(pdf_files.encrypted())
    assert_one_line_error(ingest_bounded(path, tmp_path), "encrypted", "without a password")


def test_two_thousand_pages(tmp_path):
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf_files.many_pages(2000))
    assert_one_line_error(ingest_bounded(path, tmp_path), "2000 pages", "split it")


def test_zip_bomb_stream(tmp_path):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(pdf_files.zip_bomb(400))  # 400 KB that inflate to 400 MB
    assert path.stat().st_size < 1_000_000
    assert_one_line_error(ingest_bounded(path, tmp_path), "zip bomb")


def test_no_text_layer(tmp_path):
    from PIL import Image

    path = tmp_path / "scan.pdf"
    Image.new("RGB", (600, 800), "white").save(path)
    assert_one_line_error(ingest_bounded(path, tmp_path), "no text layer", "OCR")


def test_a_text_file_named_pdf(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_text("1. What is 2 + 2?\n\nSolution: 4\n")
    assert_one_line_error(ingest_bounded(path, tmp_path), "not a PDF")


def test_a_small_good_pdf_reads(tmp_path):
    path = tmp_path / "ok.pdf"
    path.write_bytes(pdf_files.pages_pdf([pdf_files.text_stream(["1. What is 2 + 2?", "Solution: 4",
                                                                 "2. What is 3 + 3?", "Solution: 6"])]))
    code, stdout, stderr, peak = ingest_bounded(path, tmp_path)
    assert code == 0, stderr
    assert "2 questions, 2 parts" in stdout and peak < MEMORY_MB


# ---- notebooks -------------------------------------------------------------------------------------

def test_notebook_with_50_mb_of_outputs_reads(tmp_path):
    big = "A" * (50 * 1024 * 1024)
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "## Question 1\n\nHow many rows does the table have?"},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "len(df)",
         "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"image/png": big}}]},
        {"cell_type": "markdown", "metadata": {}, "source": "**Solution:** 12"}]}
    path = tmp_path / "heavy.ipynb"
    path.write_text(json.dumps(notebook))
    assert path.stat().st_size > 50 * 1024 * 1024
    code, stdout, stderr, peak = ingest_bounded(path, tmp_path)
    assert code == 0, stderr
    assert "1 questions, 1 parts" in stdout or "1 question, 1 part" in stdout
    assert peak < MEMORY_MB, f"peak memory {peak} MB"


@pytest.mark.parametrize("content,words", [
    ('{"nbformat": 4, "cells": [', ("invalid JSON",)),
    ("[" * 200_000 + "]" * 200_000, ("levels deep, over the limit",)),
    ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "markdown"}]}', ("malformed",)),
])
def test_malformed_notebooks(tmp_path, content, words):
    path = tmp_path / "bad.ipynb"
    path.write_text(content)
    assert_one_line_error(ingest_bounded(path, tmp_path), *words)


# ---- Markdown (issue 17: patterns that backtracked) -----------------------------------------------

@pytest.mark.parametrize("name,text", [
    ("spaces_then_item", " " * 60_000 + "\n- item\n"),
    ("nested_list_1mb", "1. Question\n\n" + "".join("  " * i + "- (a) item\n" for i in range(1000))),
    ("newlines", "1. Question\n" + "\n" * 40_000 + "Solution: 4\n"),
    ("quotes", "> " * 200_000 + "1. x\n"),
    ("unclosed_bold", "1. Question\n\n" + "**(a) " * 100_000 + "\n"),
    ("labels", "".join(f"- ({chr(97 + i % 26)}) part\n" for i in range(90_000))),
    ("many_questions", "".join(f"{i}. Q{i}?\nSolution: {i}\n" for i in range(1, 30_000))),
])
def test_hostile_markdown_is_bounded(tmp_path, name, text):
    path = tmp_path / f"{name}.md"
    path.write_text(text)
    code, stdout, stderr, peak = ingest_bounded(path, tmp_path)
    assert code in (0, 2) and "Traceback" not in stderr, stderr
    if code == 2:
        assert len(stderr.strip().splitlines()) == 1
    if name == "many_questions":
        assert "more than 2,000 questions and parts" in stderr
    assert peak < MEMORY_MB, f"peak memory {peak} MB"


# ---- the PDF reader's own limits ----------------------------------------------------------------------

def test_the_pdf_reader_stops_at_its_cpu_time_limit(monkeypatch, tmp_path):
    from tabench.errors import ParseError
    from tabench.ingest import pdf

    path = tmp_path / "long.pdf"
    lines = [f"{n}. What is {n} + {n}?" for n in range(1, 40)]
    path.write_bytes(pdf_files.pages_pdf([pdf_files.text_stream(lines)] * 280))
    monkeypatch.setattr(pdf, "CPU_SECONDS", 1)
    monkeypatch.setattr(pdf, "WALL_SECONDS", HARD_BOUND)
    with pytest.raises(ParseError, match="stopped at the CPU-time or memory limit") as info:
        pdf.load_pdf(path)
    assert "\n" not in str(info.value)


def test_the_pdf_reader_stops_at_its_memory_limit(monkeypatch):
    from tabench.errors import ParseError
    from tabench.ingest import pdf

    monkeypatch.setattr(pdf, "MEMORY_BYTES", 40 * 2 ** 20)  # less than pdfplumber needs to start
    monkeypatch.setattr(pdf, "WALL_SECONDS", HARD_BOUND)
    with pytest.raises(ParseError, match="memory") as info:
        pdf.load_pdf(SHARED / "corpus" / "pdf" / "mit1806_f22_exam1sol.pdf")
    assert "\n" not in str(info.value) and "40 MB" in str(info.value)
