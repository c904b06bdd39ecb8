"""Reports cannot be turned against their reader: TeX's ^^ escapes and every other way into a file or a loop,
compiled by a stock pdflatex as a user would; pdflatex's own sandbox; rendering bounded on hostile text."""

import json
import os
import re
import resource
import signal
import subprocess
import time
from pathlib import Path

import pytest

from typer.testing import CliRunner

from child import run_in_child
from conftest import tool_path
from tabench import grade, ingest
from tabench.cli import app, example_path
from tabench.errors import TabenchError
from tabench.report.data import build_report
from tabench.report.latex import render_latex
from tabench.report.pdf import _first_error, compile_pdf

SECRET = "CANARY-SECRET-4242"
runner = CliRunner()


def payloads(canary: str, pwned: str) -> list[str]:
    """Ways to make a LaTeX file read a file, run a command or loop, written in an answer."""
    return [
        f"$\\text{{^^5cinput{{{canary}}}}}$", "$^^5cdef^^5ca{^^5ca}^^5ca$", f"$^^5cinput{{{canary}}}$",
        f"$x^^5cinput{{{canary}}}$", f"$\\text{{^^5cimmediate^^5cwrite18{{touch {pwned}}}}}$",
        f"$\\mathrm{{^^5cinput{{{canary}}}}}$", f"$\\text{{^^5c^^5cinput{{{canary}}}}}$",
        f"$\\operatorname{{^^5cinput{{{canary}}}}}$", f"^^5cinput{{{canary}}} in prose",
        f"$$^^5cinput{{{canary}}}$$", f"\\[ ^^5cinput{{{canary}}} \\]", f"\\( \\text{{^^5cinput{{{canary}}}}} \\)",
        f"$^^\x1cinput{{{canary}}}$", f"$^^5Cinput{{{canary}}}$", f"$\\text{{^^5c}}input{{{canary}}}$",
        f"$\\catcode`\\^=7 ^^5cinput{{{canary}}}$", f"$\\csname input\\endcsname{{{canary}}}$",
        f"$\\input{{{canary}}}$", f"\\input{{{canary}}}", "$\\openin1=CANARY \\read1 to\\x \\x$",
        f"$\\immediate\\write18{{touch {pwned}}}$", f"$\\text{{\\input{{{canary}}}}}$",
        f"$\\begin{{array}}{{^^5cinput{{{canary}}}}} 1 \\end{{array}}$", f"$$\\tag{{^^5cinput{{{canary}}}}} x$$",
        f"$$\\begin{{aligned}} a &= ^^5cinput{{{canary}}} \\end{{aligned}}$$", f"`^^5cinput{{{canary}}}`",
        f"```\n^^5cinput{{{canary}}}\n```", f"![^^5cinput{{{canary}}}](^^5cinput{{{canary}}})",
        f"| a |\n|---|\n| ^^5cinput{{{canary}}} |", "$\\loop\\iftrue\\repeat$", "$\\def\\a{\\a}\\a$",
        f"$\\text{{\\string^^5cinput{{{canary}}}}}$", "$\\end{document}$ \\end{document}",
    ]


def hostile_tex(tmp_path: Path) -> tuple[str, Path, Path]:
    """`tabench grade KEY answers.json --submission NAME` then `tabench report -f tex`, every payload in it."""
    canary = tmp_path / "secret" / "canary.tex"
    canary.parent.mkdir()
    canary.write_text(SECRET + "\n")
    pwned = tmp_path / "pwned"
    part_ids = [p.id for p in ingest(example_path()).parts()]
    answers: dict[str, str] = {}
    for index, payload in enumerate(payloads(str(canary), str(pwned))):
        part_id = part_ids[index % len(part_ids)]
        answers[part_id] = answers.get(part_id, "") + "\n\n" + payload
    answers_file = tmp_path / "answers.json"
    answers_file.write_text(json.dumps(answers))
    graded = runner.invoke(app, ["grade", str(example_path()), str(answers_file), "--submission",
                                 f"^^5cinput{{{canary}}}", "--model", "$^^5cinput{x}$"])
    assert graded.exit_code == 0, graded.output
    tex = tmp_path / "report.tex"
    written = runner.invoke(app, ["report", "latest", "--format", "tex", "-o", str(tex)])
    assert written.exit_code == 0, written.output
    return tex.read_text(), canary, pwned


def _stock_pdflatex(folder: Path, timeout: float) -> subprocess.CompletedProcess | None:
    """pdflatex as a user runs it: the system's defaults (openin_any=a), nothing of ours."""
    process = subprocess.Popen(["pdflatex", "-interaction=nonstopmode", "-recorder", "report.tex"], cwd=folder,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None
    return subprocess.CompletedProcess(process.args, process.returncode, out)


def test_the_tex_report_of_hostile_answers_compiled_by_a_stock_pdflatex_reads_no_file_and_runs_no_loop(tmp_path):
    tool_path("pdflatex")
    source, canary, pwned = hostile_tex(tmp_path)
    assert "^^" not in source and source.isascii()
    folder = tmp_path / "user"
    folder.mkdir()
    (folder / "report.tex").write_text(source)
    result = _stock_pdflatex(folder, timeout=120)
    assert result is not None, "pdflatex was still running after 120 s: a loop got into the report"
    assert result.returncode == 0, result.stdout[-2000:]
    inputs = [line.split(" ", 1)[1] for line in (folder / "report.fls").read_text().splitlines()
              if line.startswith("INPUT ")]
    assert not [path for path in inputs if "canary" in path or "secret" in path]
    outside = [path for path in inputs if not path.startswith(("/usr/share/", "/var/lib/texmf", "/etc/texmf"))
               and not (folder / Path(path).name).exists() and not path.startswith(str(folder))]
    assert outside == []
    outputs = [line.split(" ", 1)[1] for line in (folder / "report.fls").read_text().splitlines()
               if line.startswith("OUTPUT ")]
    assert all(not os.path.isabs(path) or path.startswith(str(folder)) for path in outputs)
    assert not pwned.exists()
    text = subprocess.run([tool_path("pdftotext"), str(folder / "report.pdf"), "-"], capture_output=True,
                          text=True, timeout=60).stdout
    assert SECRET not in text
    assert "5cinput" in text  # the payloads are shown, as text


def test_pdflatex_runs_sandboxed(tmp_path):
    """Hand-written sources, not ours: what pdflatex itself may do when tabench runs it."""
    tool_path("pdflatex")
    canary = tmp_path / "canary.tex"
    canary.write_text(SECRET)
    outside = tmp_path / "written-outside.txt"
    pwned = tmp_path / "pwned"
    head = "\\documentclass{article}\\begin{document}"
    reads = [f"{head}\\input{{{canary}}}\\end{{document}}",
             f"{head}\\newread\\r\\openin\\r={canary} \\read\\r to\\x \\x\\end{{document}}"]
    for source in reads:
        try:
            pdf = compile_pdf([source], timeout=30)
        except TabenchError:
            continue
        assert SECRET.encode() not in pdf
    writes = f"{head}\\immediate\\write18{{touch {pwned}}}\\newwrite\\w\\immediate\\openout\\w={outside}" \
             f"\\immediate\\write\\w{{x}}\\immediate\\closeout\\w ok\\end{{document}}"
    try:
        compile_pdf([writes], timeout=30)
    except TabenchError:
        pass
    assert not pwned.exists() and not outside.exists()


def test_a_looping_source_is_stopped_at_the_deadline():
    tool_path("pdflatex")
    start = time.monotonic()
    with pytest.raises(TabenchError, match="stopped after 3 s"):
        compile_pdf(["\\documentclass{article}\\begin{document}\\def\\a{\\a}\\a\\end{document}"], timeout=3)
    assert time.monotonic() - start < 30  # a hang guard, not a speed measurement: the deadline is 3 s


def test_a_log_with_bytes_that_are_not_utf8_is_read(tmp_path):
    log = tmp_path / "report.log"
    log.write_bytes(b"This is pdfTeX \xd6\xff\n(./report.tex\n! Undefined control sequence \xd6.\nl.12 x\n")
    assert _first_error(log) == "! Undefined control sequence \ufffd."


HOSTILE_TEXTS = {
    "60,000 spaces then a list": " " * 60_000 + "- item",
    "1 MB of nested lists": "".join("  " * (i % 200) + "- x\n" for i in range(20_000))[:1_000_000],
    "\\[ x 60,000": "\\[" * 60_000,
    "40,000 newlines": "a\n" * 40_000,
    "$ x 100,000": "$" * 100_000,
    "$$x lines x 20,000": "$$x\n" * 20_000,
    "\\begin{align} lines x 20,000": "\\begin{align}\n" * 20_000,
    "unclosed \\boxed{ x 10,000": "$\\boxed{" * 10_000,
    "{ x 5,000": "${" * 5_000 + "x" + "}" * 5_000 + "$",
    "[ x 50,000": "[" * 50_000,
    "* x 50,000": "*a" * 50_000,
    "<!-- x 20,000": "<!--" * 20_000,
    "| table 500 columns": "|" + "a|" * 500 + "\n|" + "-|" * 500 + "\n|" + "1|" * 500,
}


def _render_hostile_reports(name: str) -> None:
    from tabench.report.html import render_html
    from tabench.report.markdown import render_markdown

    problem_set = ingest(example_path())
    answers = {part.id: HOSTILE_TEXTS[name] for part in problem_set.parts()[:3]}
    verdicts = [v.model_copy(update={"rationale": HOSTILE_TEXTS[name][:5000]})
                for v in grade(problem_set, {}, "hostile")]
    data = build_report(problem_set, verdicts, answers, {"submission": "hostile"})
    for render in (render_markdown, render_html, render_latex):
        assert render(data)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert peak_kb < 1024 * 1024, f"peak memory {peak_kb / 1024:.0f} MB"


@pytest.mark.parametrize("name", list(HOSTILE_TEXTS))
def test_reports_of_hostile_texts_are_bounded(name):
    run_in_child(_render_hostile_reports, name, timeout=120)


def test_hostile_html_report_embeds_nothing_and_runs_nothing():
    from tabench.report.html import render_html

    problem_set = ingest(example_path())
    answers = {"2.a": "<script>alert(1)</script> ![x](http://evil.example/x.png) [y](javascript:alert(1))",
               "2.b": "$\\phantom{\\boxed{20}}$ and $\\color{white}{\\boxed{20}}$"}
    page = render_html(build_report(problem_set, grade(problem_set, answers, "h"), answers, {}))
    assert "<script" not in page and "<img" not in page and "<a " not in page and "javascript:alert" in page
    assert "<mphantom" not in page and "mathcolor" not in page
    assert re.search(r"\\phantom\{\\boxed\{20\}\}", page)  # shown as its source, so the reader sees it


@pytest.mark.parametrize("answer", ["\\" * 100_000, "x" * 100_000, "é" * 50_000, "$" + "x^" * 999 + "x$ " * 50])
def test_a_report_of_huge_unbroken_answers_compiles(answer):
    tool_path("pdflatex")
    problem_set = ingest(example_path())
    answers = {"2.a": answer, "4": answer}
    data = build_report(problem_set, grade(problem_set, answers, "huge"), answers, {"submission": "huge"})
    source = render_latex(data)
    assert max(len(line) for line in source.splitlines()) < 5000
    assert compile_pdf([source])[:5] == b"%PDF-"
