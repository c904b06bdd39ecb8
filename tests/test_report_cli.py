"""The report and compare commands as a user types them: what they print, write and refuse."""

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tabench.cli import app, example_path
from tabench.model import Verdict
from tabench.report.charts import cell_colours
from tabench.report.compare import Sample, compare
from tabench.stats import accuracy_by_kind_text, agreement

runner = CliRunner()
KEY = example_path()


def _grade(tmp_path, answers: dict, *options: str):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    result = runner.invoke(app, ["grade", str(KEY), str(path), *options])
    assert result.exit_code == 0, result.output
    return result


def _in_a_terminal(args: list[str], cwd: Path, timeout: float = 120) -> tuple[int, str]:
    """Run `tabench ARGS` with its standard output on a pseudo-terminal, as in a user's shell."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "tabench", *args], cwd=cwd, stdout=follower,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=dict(os.environ, COLUMNS="100"))
    os.close(follower)
    output = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the terminal closed: the command is done
                    break
                if not chunk:
                    break
                output += chunk
            elif process.poll() is not None:
                break
        else:
            process.kill()
            pytest.fail(f"tabench {' '.join(args)} was still running after {timeout:g} s")
        return process.wait(timeout=30), output.decode("utf-8", errors="replace")
    finally:
        os.close(leader)


def test_report_with_no_arguments_in_a_terminal_writes_a_file_and_says_where(tmp_path):
    _grade(tmp_path, {"2.a": "ReLU"})
    status, output = _in_a_terminal(["report"], cwd=tmp_path)
    assert status == 0, output
    assert "<!DOCTYPE" not in output and "<html" not in output and len(output) < 500
    assert "wrote report-1.html" in output
    assert (tmp_path / "report-1.html").read_text().startswith("<!DOCTYPE html>")


def test_report_piped_or_with_dash_goes_to_standard_output(tmp_path):
    _grade(tmp_path, {"2.a": "ReLU"})
    piped = runner.invoke(app, ["report"])  # the test runner's output is not a terminal, as with `| less`
    assert piped.exit_code == 0 and piped.stdout.startswith("<!DOCTYPE html>")
    dash = runner.invoke(app, ["report", "latest", "-f", "md", "-o", "-"])
    assert dash.exit_code == 0 and dash.stdout.startswith("# Intro to Deep Learning")


def test_report_by_the_name_submissions_shows(tmp_path):
    _grade(tmp_path, {"2.a": "ReLU"}, "--submission", "quiz-s1")
    _grade(tmp_path, {"2.a": "Tanh"}, "--submission", "quiz-s2")
    listed = runner.invoke(app, ["submissions", "--json"])
    assert "quiz-s1" in [row["name"] for row in json.loads(listed.stdout)]
    result = runner.invoke(app, ["report", "quiz-s1", "-f", "md"])
    assert result.exit_code == 0, result.output
    assert "quiz-s1" in result.stdout and "The answer is ReLU" not in result.stdout and "ReLU" in result.stdout
    typo = runner.invoke(app, ["report", "quiz-s3", "-f", "md"])
    assert typo.exit_code == 2 and "did you mean" in typo.stderr and "quiz-s1" in typo.stderr
    assert len(typo.stderr.strip().splitlines()) == 1


def test_report_of_a_name_two_problem_sets_share_asks_for_the_id(tmp_path):
    _grade(tmp_path, {"2.a": "ReLU"}, "--submission", "alice")
    other_key = tmp_path / "other.md"
    other_key.write_text(KEY.read_text().replace("Practice Quiz", "Second Quiz"))
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"2.a": "Tanh"}))
    assert runner.invoke(app, ["grade", str(other_key), str(path), "--submission", "alice"]).exit_code == 0
    result = runner.invoke(app, ["report", "alice"])
    assert result.exit_code == 2 and "2 stored submissions are named 'alice' (ids 1, 2); give the id" in result.stderr


def test_grade_summary_says_what_accuracy_is_weighted_by(tmp_path):
    result = _grade(tmp_path, {"2.a": "ReLU", "2.b": "Sigmoid", "6": "(a)"})
    assert "accuracy by kind (share of the points of the parts that could be decided)" in result.stdout
    assert "multiple_choice 43% of 7 points (2 parts)" in " ".join(result.stdout.split())


def test_accuracy_by_kind_text_by_hand():
    summary = {"by_kind": {"numeric": {"accuracy": 0.75, "decided": 3, "decided_points": 8},
                           "code": {"accuracy": None, "decided": 0, "decided_points": 0}}}
    assert accuracy_by_kind_text(summary) == "numeric 75% of 8 points (3 parts)"


@pytest.mark.parametrize("pairs,kappa,note", [
    ([("correct", "correct")] * 4, None, "undefined: both gave every part the same label (correct)"),
    # observed 3/4; expected (2*3 + 2*1)/16 = 0.5; kappa = (0.75 - 0.5) / 0.5 = 0.5
    ([("correct", "correct"), ("correct", "correct"), ("incorrect", "correct"), ("incorrect", "incorrect")], 0.5, ""),
    ([("correct", "incorrect"), ("incorrect", "correct")], -1.0, ""),
])
def test_kappa_by_hand(pairs, kappa, note):
    result = agreement(pairs)
    assert result["kappa"] == (pytest.approx(kappa) if kappa is not None else None)
    assert result["kappa_note"] == note


def test_report_of_a_student_does_not_say_the_model_could_not_see(tmp_path):
    _grade(tmp_path, {"6": "(b)"}, "--submission", "alice")
    text = runner.invoke(app, ["report", "alice", "-f", "md"]).stdout
    assert "1 part(s) depend on a figure that is not in the text" in text
    assert "model" not in text.split("## Executive summary")[1].split("**Accuracy")[0]


def test_kappa_undefined_in_a_report(tmp_path):
    from tabench.report.data import build_report
    from tabench import grade, ingest

    problem_set = ingest(KEY)
    answers = {"2.a": "ReLU", "3.a": "8192"}
    human = [{"part_id": "2.a", "verdict": "correct", "tags": [], "comment": ""},
             {"part_id": "3.a", "verdict": "correct", "tags": [], "comment": ""}]
    data = build_report(problem_set, grade(problem_set, answers, "s"), answers, {}, human=human)
    (row,) = data.tables[-1].rows
    assert data.tables[-1].title == "Agreement with the human reader"
    assert row == ["2", "2", "100%", "undefined: both gave every part the same label (correct)"]


def _verdict(part_id: str, verdict: str, score: float, points: float = 2.0) -> Verdict:
    return Verdict(submission="s", part_id=part_id, verdict=verdict, score=score, points=points, method="numeric")


def test_paired_differences_against_a_baseline_over_the_parts_both_answered():
    # A answers 1 (2/2), 2 (0/2), misses 3; B answers 1 (1/2), 2 (2/2), 3 (2/2); C: 1 needs review, 2 (2/2), 3 (0/2)
    a = [_verdict("1", "correct", 2), _verdict("2", "incorrect", 0), _verdict("3", "missing", 0)]
    b = [_verdict("1", "partially_correct", 1), _verdict("2", "correct", 2), _verdict("3", "correct", 2)]
    c = [_verdict("1", "needs_review", 0), _verdict("2", "correct", 2), _verdict("3", "incorrect", 0)]
    result = compare([Sample("A", "whole", a), Sample("B", "whole", b), Sample("C", "per-part", c)], baseline="B")
    assert result["baseline"] == "B / whole"
    by_pair = {d["a"]: d for d in result["paired_differences"]}
    # A - B over parts 1 and 2: (1 - 0.5) and (0 - 1) -> mean -0.25; s.e. = sd(0.5, -1) / sqrt 2 = 1.0607 / 1.4142
    assert by_pair["A / whole"]["parts"] == 2 and by_pair["A / whole"]["left_out"] == 1
    assert by_pair["A / whole"]["mean_difference"] == pytest.approx(-0.25)
    assert by_pair["A / whole"]["standard_error"] == pytest.approx(0.75)
    # C - B over parts 2 and 3: (1 - 1) and (0 - 1) -> mean -0.5, s.e. 0.5
    assert by_pair["C / per-part"]["parts"] == 2 and by_pair["C / per-part"]["mean_difference"] == pytest.approx(-0.5)
    assert by_pair["C / per-part"]["standard_error"] == pytest.approx(0.5)
    assert set(by_pair) == {"A / whole", "C / per-part"}


def test_heat_map_tells_missing_review_and_wrong_apart():
    a = [_verdict("1", "missing", 0), _verdict("2", "needs_review", 0), _verdict("3", "incorrect", 0),
         _verdict("4", "correct", 2)]
    colours = cell_colours(compare([Sample("A", "whole", a)]))
    missing, review, wrong, right = colours[0]
    assert len({missing, review, wrong, right}) == 4
    assert wrong[0] > wrong[1] and right[1] > right[0]  # red for wrong, green for right


def test_compare_command_with_a_baseline_and_hostile_model_names(tmp_path):
    rows = []
    for sample, answer in enumerate(["ReLU", "Tanh"]):
        rows.append({"submission": f"a-{sample}", "model": "$\\frac{", "protocol": "whole", "sample": sample,
                     "part_id": "2.a", "answer": answer})
    for sample, answer in enumerate(["ReLU", "ReLU"]):
        rows.append({"submission": f"b-{sample}", "model": "[red]b[/red]", "protocol": "per-part", "sample": sample,
                     "part_id": "2.a", "answer": answer})
    path = tmp_path / "runs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    assert runner.invoke(app, ["grade", str(KEY), str(path)]).exit_code == 0
    page = tmp_path / "compare.html"
    result = runner.invoke(app, ["compare", "-p", str(KEY), "--baseline", "[red]b[/red]", "-o", str(page)])
    assert result.exit_code == 0, result.output
    printed = " ".join(result.stdout.split())
    assert "[red]b[/red]" in printed and "$\\frac{ / whole − [red]b[/red] / per-part: -50.0 pp over 1 parts" in printed
    assert page.read_text().count("data:image/png;base64,") == 2
    unknown = runner.invoke(app, ["compare", "-p", str(KEY), "--baseline", "gpt-9"])
    assert unknown.exit_code == 2 and "not a group of this comparison" in unknown.stderr
    by_name = runner.invoke(app, ["compare", "a-0", "b-1", "--json"])
    assert by_name.exit_code == 0 and len(json.loads(by_name.stdout)["groups"]) == 2


def test_markdown_report_of_answers_with_images_and_links_embeds_nothing_remote(tmp_path):
    from markdown_it import MarkdownIt

    _grade(tmp_path, {"6": "(b) ![Final answer: (a)](http://evil.example/x.png)",
                      "4": "see [this](http://evil.example \"Final answer\") and <http://evil.example/a> www.evil.example",
                      "7": "<img src=\"http://evil.example/y.png\"> <iframe src=\"http://evil.example\"></iframe>"})
    result = runner.invoke(app, ["report", "latest", "-f", "md"])
    assert result.exit_code == 0
    tokens = []
    for token in MarkdownIt("commonmark", {"html": True}).enable("table").parse(result.stdout):
        tokens += [token, *(token.children or [])]
    assert [t for t in tokens if t.type in ("image", "link_open")] == []
    raw_html = {t.content.strip() for t in tokens if t.type in ("html_inline", "html_block")}
    assert all(html.startswith(("<details>", "<summary>", "</details>")) for html in raw_html), raw_html
    assert "evil.example/x.png" in result.stdout  # shown as text, in a code span
