"""Reports of the seed submissions as a TA would hand them in: seed 000 graded against homework 12 (002) and
seed 004 against the exam (001). The HTML is opened in headless Chromium; every stored submission compiles to
a PDF whose text (pdftotext) holds the glyphs of the report; every format carries the same tables."""

import os
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from conftest import EXAM, HW12, ROOT, SEEDS, chromium_path, tool_path
from tabench.cli import app

runner = CliRunner()
SEED_000 = SEEDS / "000_aea459260c05754e.txt"
SEED_004 = SEEDS / "004_a98960079fc0cf70.txt"
ARTIFACTS = Path(os.environ.get("TABENCH_ARTIFACTS", ROOT / ".artifacts"))
SCREENSHOT = ARTIFACTS / "report-seed-000-vs-002.png"
GLYPHS = ["☐", "✓", "≈", "×", "“", "”"]


@pytest.fixture(scope="module")
def seed_home(tmp_path_factory):
    """A store holding what the seed tests store: `tabench grade 002 000` and `tabench grade 001 004
    --accept-mismatch` (004 answers homework 3, whose question 5 is the exam's question 6)."""
    home = tmp_path_factory.mktemp("seed-home")
    for key, answers, options in ((HW12, SEED_000, []), (EXAM, SEED_004, ["--accept-mismatch"])):
        result = runner.invoke(app, ["grade", str(key), str(answers), "--json", *options],
                               env={"TABENCH_HOME": str(home)})
        assert result.exit_code == 0, result.output
    return home


def _report(home: Path, ref: str, fmt: str, target: Path) -> Path:
    result = runner.invoke(app, ["report", ref, "--format", fmt, "-o", str(target)], env={"TABENCH_HOME": str(home)})
    assert result.exit_code == 0, result.output
    return target


def test_html_report_of_seed_000_in_headless_chromium(seed_home, tmp_path):
    from playwright.sync_api import sync_playwright

    page_file = _report(seed_home, "1", "html", tmp_path / "report.html")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            requests = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(page_file.as_uri())
            formulas = page.evaluate("""() => [...document.querySelectorAll('math')].map(m => {
                const style = getComputedStyle(m);
                return {scroll: m.scrollWidth, client: m.clientWidth, x: style.overflowX, y: style.overflowY,
                        text: m.textContent.slice(0, 40)}; })""")
            assert len(formulas) > 100
            assert [f for f in formulas if f["x"] != "visible" or f["y"] != "visible"] == []  # nothing to scroll
            assert [f for f in formulas if f["scroll"] > f["client"]] == []
            rendered = page.evaluate("""() => { const body = document.body.cloneNode(true);
                body.querySelectorAll('pre, code, math').forEach(e => e.remove());
                body.querySelectorAll('details').forEach(e => e.setAttribute('open', ''));
                return body.textContent; }""")
            assert "###" not in rendered and "**" not in rendered
            raw_latex = page.evaluate("""() => [...document.querySelectorAll('.reference, .verdict')].map(e => {
                const copy = e.cloneNode(true); copy.querySelectorAll('pre, code, math').forEach(m => m.remove());
                return copy.textContent; }).filter(text => /\\\\[A-Za-z]+|\\$/.test(text))""")
            assert raw_latex == []  # references and rationales show their formulas as math
            assert "Debugging Transformers" in rendered and "Asymmetry of KL Divergence" in rendered
            summary = page.evaluate("""() => { const s = document.querySelector('#summary h2').getBoundingClientRect();
                const score = document.querySelector('.score').getBoundingClientRect();
                return {top: s.top, score: score.bottom}; }""")
            assert summary["top"] < 300 and summary["score"] < 800  # the summary is in the first screen
            assert page.evaluate("document.querySelectorAll('#summary table').length") >= 4
            assert page.evaluate("document.querySelectorAll('script, img, a[href], iframe').length") == 0
            assert [url for url in requests if not url.startswith("file:")] == []
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
            assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            phone = browser.new_page(viewport={"width": 420, "height": 900})
            phone.goto(page_file.as_uri())
            assert phone.evaluate("document.documentElement.scrollWidth") <= 420  # wide formulas scroll in their box
            assert phone.evaluate("[...document.querySelectorAll('math')].filter(m => m.scrollWidth > m.clientWidth)"
                                  ".length") == 0
        finally:
            browser.close()


def _pdf_text(pdf: Path) -> str:
    return subprocess.run([tool_path("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          timeout=60, check=True).stdout


def _visible_markdown_text(markdown: str) -> str:
    md = MarkdownIt("commonmark").enable("table")
    return "".join(token.content for token in md.parse(markdown) if token.type == "inline")


@pytest.mark.parametrize("ref", ["1", "2"])
def test_pdf_of_every_stored_seed_submission_compiles_with_its_glyphs(seed_home, tmp_path, ref):
    tool_path("pdflatex")
    pdf = _report(seed_home, ref, "pdf", tmp_path / "report.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = _pdf_text(pdf)
    markdown = _report(seed_home, ref, "md", tmp_path / "report.md").read_text()
    present = [glyph for glyph in GLYPHS if glyph in _visible_markdown_text(markdown)]
    assert {"☐", "✓", "“", "”"} <= set(present)
    assert [glyph for glyph in present if glyph not in text] == []
    assert text.count("☐") >= markdown.count("☐") // 2  # not turned into '?'
    assert "\ufffd" not in text


def test_seed_pdfs_hold_every_glyph(seed_home, tmp_path):
    tool_path("pdflatex")
    text = "".join(_pdf_text(_report(seed_home, ref, "pdf", tmp_path / f"{ref}.pdf")) for ref in ("1", "2"))
    assert [glyph for glyph in GLYPHS if glyph not in text] == []


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.captions, self.cells, self._in = [], [], None

    def handle_starttag(self, tag, attrs):
        self._in = tag if tag in ("caption", "td") else self._in

    def handle_endtag(self, tag):
        self._in = None if tag in ("caption", "td") else self._in

    def handle_data(self, data):
        if self._in == "caption":
            self.captions.append(data.strip())
        elif self._in == "td" and data.strip():
            self.cells.append(data.strip())


def test_every_format_carries_the_same_tables(seed_home, tmp_path, monkeypatch):
    from tabench.app import report_data
    from tabench.report.texchars import tex_text

    monkeypatch.setenv("TABENCH_HOME", str(seed_home))
    data, _ = report_data("1")
    titles = [table.title for table in data.tables]
    assert titles == ["Accuracy by kind of part", "Score by question", "Parts that depend on a figure",
                      "Parts that need review", "Agreement with the human reader"]
    html_tables = _Tables()
    html_tables.feed(_report(seed_home, "1", "html", tmp_path / "r.html").read_text())
    markdown = _report(seed_home, "1", "md", tmp_path / "r.md").read_text()
    tex = _report(seed_home, "1", "tex", tmp_path / "r.tex").read_text()
    md_rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert html_tables.captions == titles
    for table in data.tables:
        assert f"**{table.title}**" in markdown
        assert f"\\textbf{{{tex_text(table.title)}}}" in tex
        for row in table.rows:
            first = row[0]
            assert any(cell.startswith(first.split()[0]) for cell in html_tables.cells), (table.title, first)
            assert any(first.split()[0].replace("_", "\\_") in line for line in md_rows), (table.title, first)
    assert "undefined: both gave every part the same label (correct)" in " ".join(html_tables.cells)
    assert "1.00" not in " ".join(row[-1] for row in data.tables[-1].rows)
