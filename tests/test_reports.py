"""Reports: Markdown/HTML snapshots of the demo, the HTML in headless Chromium, LaTeX through pdflatex,
and comparisons whose means and standard errors are checked by hand."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import chromium_path
from tabench import grade, ingest
from tabench.cli import app, example_path
from tabench.model import Verdict
from tabench.report.compare import Sample, compare
from tabench.report.data import build_report
from tabench.report.escape import safe_math, tex_escape
from tabench.report.html import render_html
from tabench.report.latex import render_latex
from tabench.report.markdown import render_markdown
from tabench.report.pdf import compile_pdf

SNAPSHOTS = Path(__file__).parent / "snapshots"
runner = CliRunner()
META = {"submission": "demo-student", "model": "—", "protocol": "—", "date": "2026-01-01T00:00:00+00:00",
        "problem set": "Intro to Deep Learning — Practice Quiz (with solutions)", "source": "example_answers.json"}
HOSTILE = {
    "2.a": "<script>window.pwned = 1; document.title = 'PWNED'</script> ReLU <img src=x onerror=\"window.pwned=2\">",
    "2.c": "$\\text{<script>window.pwned=3</script>}$ and $\\sigma(x)(1-\\sigma(x))$",
    "3.a": "& % $ # _ { } ~ ^ \\ \\input{/etc/passwd} \\write18{touch /tmp/tabench-pwned} \\immediate\\write18{id} 8192",
    "3.b": "$\\input{/etc/passwd}$ then $$\\frac{a}{b} \\write18{x}$$ and $x_1 & y$ 16384 ns",
    "4": "Divide by $\\sqrt{d_k}$ \u2014 tab\there, nul\x00, emoji \U0001F600, <b>bold?</b> 100% of #1 ~ {braces}",
}


def demo_report():
    problem_set = ingest(example_path())
    answers = json.loads(example_path("example_answers.json").read_text())
    verdicts = grade(problem_set, answers, "demo-student")
    return build_report(problem_set, verdicts, answers, META, trace=[{"role": "user", "text": "Answer every question."}])


def hostile_report():
    problem_set = ingest(example_path())
    verdicts = grade(problem_set, HOSTILE, "hostile")
    return build_report(problem_set, verdicts, HOSTILE, dict(META, submission="hostile <b>name</b> & co"))


@pytest.mark.parametrize("name,render", [("demo_report.md", render_markdown), ("demo_report.html", render_html)])
def test_demo_report_snapshots(name, render):
    rendered = render(demo_report())
    snapshot = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(rendered, encoding="utf-8")
    assert rendered == snapshot.read_text(encoding="utf-8"), f"run UPDATE_SNAPSHOTS=1 pytest {__file__} to accept changes"


def test_markdown_report_content():
    text = render_markdown(demo_report())
    assert "**Score: 27 / 47 (57.4%)**" in text
    assert "### 6 ✗ (needs the figure)" in text
    assert "prompt_injection" in text and "Key observations" in text


def test_html_escapes_everything_from_answers():
    page = render_html(hostile_report())
    assert "<script>" not in page and "onerror=\"window" not in page
    assert "&lt;script&gt;window.pwned = 1" in page
    assert "hostile &lt;b&gt;name&lt;/b&gt; &amp; co" in page
    assert "<math" in page


def test_html_in_headless_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(hostile_report()), encoding="utf-8")
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=args)
        try:
            page = browser.new_page(viewport={"width": 420, "height": 900})
            requests = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(page_file.as_uri())
            assert page.evaluate("document.querySelectorAll('math').length") >= 5
            assert page.evaluate("document.querySelector('math mfrac') !== null")
            assert page.evaluate("typeof window.pwned") == "undefined"
            assert page.title() != "PWNED"
            assert page.evaluate("document.querySelectorAll('script').length") == 0
            assert page.evaluate("document.documentElement.scrollWidth") <= 440  # readable on a phone
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
            assert [url for url in requests if not url.startswith("file:")] == []
        finally:
            browser.close()


def test_latex_escaping():
    assert tex_escape("& % $ # _ { } ~ ^ \\") == r"\& \% \$ \# \_ \{ \} \textasciitilde{} \textasciicircum{} \textbackslash{}"
    assert safe_math(r"\frac{\alpha_\tau}{\alpha_t}") and safe_math(r"\|x\|_2 \leq \sqrt{d}")
    for hostile in [r"\input{/etc/passwd}", r"\write18{ls}", r"x_1 & y", r"\def\x{y}", r"\text{\input{a}}", r"a}{", r"\catcode"]:
        assert not safe_math(hostile), hostile


def test_latex_report_with_special_characters_compiles(tmp_path):
    if not shutil.which("pdflatex"):
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing in CI: .ci/run should install it")
        pytest.skip("pdflatex is not installed")
    source = render_latex(hostile_report())
    assert "\\input{/etc/passwd}" not in source and "\\write18{" not in source
    assert "\\textbackslash{}input\\{/etc/passwd\\}" in source
    pdf = compile_pdf([source])
    assert pdf[:5] == b"%PDF-"
    assert not Path("/tmp/tabench-pwned").exists()
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
        assert "input{/etc/passwd}" in text.replace(" ", "") or "\\input{/etc/passwd}" in text
        assert "root:x:0:0" not in text


def test_report_command_formats(tmp_path, monkeypatch):
    monkeypatch.setenv("TABENCH_HOME", str(tmp_path / "home"))
    assert runner.invoke(app, ["demo"]).exit_code == 0
    assert (tmp_path / "home" / "reports" / "demo.html").read_text().startswith("<!DOCTYPE html>")
    md = runner.invoke(app, ["report", "latest", "--format", "md"])
    assert md.exit_code == 0 and "## Executive summary" in md.stdout
    out = tmp_path / "r.tex"
    assert runner.invoke(app, ["report", "1", "-f", "tex", "-o", str(out)]).exit_code == 0
    assert out.read_text().startswith("\\documentclass")
    if shutil.which("pdflatex"):
        pdf = tmp_path / "r.pdf"
        assert runner.invoke(app, ["report", "latest", "-f", "pdf", "-o", str(pdf)]).exit_code == 0
        assert pdf.read_bytes()[:5] == b"%PDF-"
    missing = runner.invoke(app, ["report", "99"])
    assert missing.exit_code == 2 and "no submission" in missing.stderr
    bad = runner.invoke(app, ["report", "latest", "-f", "docx"])
    assert bad.exit_code == 2 and "unknown format" in bad.stderr


def test_pdf_without_pdflatex_says_how_to_get_it(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    from tabench.errors import TabenchError

    with pytest.raises(TabenchError, match="apt-get install texlive"):
        compile_pdf(["\\documentclass{article}"])


def _verdicts(scores: dict[str, float]) -> list[Verdict]:
    return [Verdict(submission="s", part_id=pid, verdict="correct" if score == 1 else "incorrect", score=score * 2,
                    points=2.0, method="numeric") for pid, score in scores.items()]


def test_comparison_means_and_standard_errors_by_hand():
    # model A, 3 samples, shares 1.0, 0.5, 0.75 -> mean 0.75, sd 0.25, s.e. 0.25/sqrt(3) = 0.144338
    # model B, 2 samples, shares 0.25, 0.75 -> mean 0.5, sd 0.353553, s.e. 0.25
    a = [_verdicts({"1": 1, "2": 1}), _verdicts({"1": 1, "2": 0}), _verdicts({"1": 1, "2": 0.5})]
    b = [_verdicts({"1": 0.5, "2": 0}), _verdicts({"1": 1, "2": 0.5})]
    result = compare([Sample("A", "whole", v) for v in a] + [Sample("B", "whole", v) for v in b])
    group_a, group_b = result["groups"]
    assert group_a["samples"] == 3 and group_a["mean"] == pytest.approx(0.75)
    assert group_a["standard_error"] == pytest.approx(0.25 / 3 ** 0.5)
    assert group_b["mean"] == pytest.approx(0.5) and group_b["standard_error"] == pytest.approx(0.25)
    # per part: A = {1: 1.0, 2: 0.5}, B = {1: 0.75, 2: 0.25}; B - A = {-0.25, -0.25}: mean -0.25, s.e. 0
    (difference,) = result["paired_differences"]
    assert difference["mean_difference"] == pytest.approx(-0.25) and difference["standard_error"] == pytest.approx(0.0)
    assert group_a["per_part"] == {"1": 1.0, "2": pytest.approx(0.5)}


def test_compare_command_over_stored_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("TABENCH_HOME", str(tmp_path / "home"))
    key = example_path()
    rows = []
    for sample, answer in enumerate(["ReLU", "Tanh", "ReLU"]):
        rows.append({"submission": f"m1-{sample}", "model": "m1", "protocol": "whole", "sample": sample, "part_id": "2.a", "answer": answer})
        rows.append({"submission": f"m1-{sample}", "model": "m1", "protocol": "whole", "sample": sample, "part_id": "3.a", "answer": "8192"})
    for sample, answer in enumerate(["8192", "8000"]):
        rows.append({"submission": f"m2-{sample}", "model": "m2", "protocol": "per-part", "sample": sample, "part_id": "3.a", "answer": answer})
    answers = tmp_path / "runs.jsonl"
    answers.write_text("\n".join(json.dumps(r) for r in rows))
    assert runner.invoke(app, ["grade", str(key), str(answers)]).exit_code == 0
    result = runner.invoke(app, ["compare", "--problem-set", str(key), "--json"])
    assert result.exit_code == 0, result.output
    groups = {g["model"]: g for g in json.loads(result.stdout)["groups"]}
    assert groups["m1"]["samples"] == 3 and groups["m2"]["samples"] == 2
    assert groups["m1"]["protocol"] == "whole"
    page = tmp_path / "compare.html"
    assert runner.invoke(app, ["compare", "1", "2", "4", "-o", str(page)]).exit_code == 0
    html_text = page.read_text()
    assert html_text.count("data:image/png;base64,") == 2
