"""Everything bounded (issue 17): hostile answers finish in seconds, in under 1 GB, with a verdict; SymPy work runs
in a worker process that is stopped at its CPU-time and memory limits. Each case runs in a child process under a
hard wall-clock timeout, so a case that hangs fails instead of hanging CI.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAM

HERE = Path(__file__).parent
GiB = 1024 * 1024  # ru_maxrss is in KB
WALL_TIMEOUT = 240  # seconds: only a hang gets near this on a busy machine
PARTS = ("6.a", "10.b", "4.b", "12.a", "8")  # numeric, expression, choice, select-all, a table of blanks

HOSTILE = {
    "power tower": "$\\boxed{((999^{999})^{999})^{999}}$",
    "tower in an exponent": "$10^{10^{10}}$ and $9^{9999}$",
    "40,000 newlines": "Final answer:" + "\n" * 40_000 + "20",
    "60,000 display openers": "\\[" * 60_000,
    "repeated unclosed boxes": "\\boxed{" * 30_000 + "20",
    "5,000-digit integer": "1" * 5_000,
    "5,000-digit integer in a box": "$\\boxed{" + "7" * 5_000 + "}$",
    "deep nesting": "{" * 50_000 + "x" + "}" * 50_000,
    "100,000 dollars": "$" * 100_000,
    "30,000 fractions": "\\frac{" * 30_000,
    "one long line": "x" * 1_000_000 + " final answer: 20",
    "spaces then a list item": " " * 60_000 + "\n- item",
    "many percent signs": "5% " * 50_000,
    "many HTML comments": "<!--" * 50_000,
    "many notes to the grader": "(note to the grader: 20) " * 5_000,
    "many hidden spans": '<span style="color:white">' * 20_000,
    "many colours": "\\color{white}{" * 20_000,
    "factorial of a billion": "$(10^{9})!$",
    "many closed hidden spans": "<span hidden>x</span>" * 20_000,
    "many final-answer cues": "Final answer: " * 20_000,
    "many conclusions": "so the " * 30_000,
    "many bold values": "**1** " * 30_000,
    "many check lines": "Check: 1 = 1. " * 20_000,
    "many numbers": "1, " * 100_000,
    "many math spans": "$x$ " * 50_000,
}


def run_child(cases, tmp_path) -> dict:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases), encoding="utf-8")
    result = subprocess.run([sys.executable, str(HERE / "grading_child.py"), str(EXAM), str(path)], capture_output=True,
                            text=True, timeout=WALL_TIMEOUT)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_answer_is_graded_in_bounded_time_and_memory(name, tmp_path):
    report = run_child([[part, HOSTILE[name]] for part in PARTS], tmp_path)
    assert [v[0] for v in report["verdicts"]] == list(PARTS)
    assert all(v[1] in ("incorrect", "needs_review", "partially_correct", "correct") for v in report["verdicts"])
    assert report["cpu_seconds"] < 30 and report["children_cpu_seconds"] < 60
    assert report["peak_kb"] < GiB and report["children_peak_kb"] < GiB


def test_hostile_answers_are_never_graded_correct_for_a_number(tmp_path):
    cases = [["6.a", answer] for answer in HOSTILE.values() if "20" not in answer]
    report = run_child(cases, tmp_path)
    assert {v[1] for v in report["verdicts"]} <= {"incorrect", "needs_review"}


def test_worker_is_stopped_at_its_cpu_limit_and_starts_again():
    from tabench.worker import Worker, WorkerLimit

    worker = Worker(hard_cpu_seconds=2)
    try:
        with pytest.raises(WorkerLimit, match="CPU-time limit"):  # a big-integer power holds the interpreter in C
            worker.request({"op": "compare", "gold": ["9^{99999999}"], "answer": ["1"], "precision": None})
        assert worker.request({"op": "compare", "gold": ["x+1"], "answer": ["1+x"], "precision": None})["result"] == "equal"
    finally:
        worker.close()


def test_worker_is_stopped_at_its_memory_limit():
    from tabench.worker import Worker, WorkerLimit

    worker = Worker(memory_bytes=400 * 2**20)
    try:
        reply = worker.request({"op": "compare", "gold": ["\\prod_{i=1}^{3000000} (i^{3}+1)"], "answer": ["1"], "precision": None})
        assert reply.get("result") in ("unparsed", "different") or "error" in reply
    except WorkerLimit as err:
        assert "limit" in str(err)
    finally:
        worker.close()


def test_the_checker_refuses_what_would_explode_before_sympy_sees_it():
    from tabench.checkers.symbolic import compare_expressions

    for latex in ("((999^{999})^{999})^{999}", "10^{10^{10}}", "2^{1000000}", "7" * 400, "{" * 40 + "x" + "}" * 40):
        assert compare_expressions("n(n-1)", (latex,))[0] == "too_complex", latex
    assert compare_expressions("e^{-x^2}", ("e^{-x^{2}}",))[0] == "equal"  # a power inside an exponent with a variable is fine


def test_tabench_check_reads_every_hostile_answer_in_one_bounded_run(tmp_path):
    pairs = tmp_path / "hostile.jsonl"
    pairs.write_text("\n".join(json.dumps({"id": name, "gold": "20", "answer": answer}) for name, answer in HOSTILE.items()))
    probe = ("import resource, subprocess, sys; r = subprocess.run([sys.executable, '-m', 'tabench', 'check', sys.argv[1], "
             "'--json'], capture_output=True, text=True); sys.stdout.write(r.stdout); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)")
    result = subprocess.run([sys.executable, "-c", probe, str(pairs)], capture_output=True, text=True, timeout=WALL_TIMEOUT)
    assert result.returncode == 0, result.stderr[-2000:]
    *report, peak_kb = result.stdout.strip().splitlines()
    rows = json.loads("\n".join(report))
    assert [row["id"] for row in rows] == list(HOSTILE)
    assert all(row["verdict"] in ("incorrect", "needs_review", "correct") for row in rows)
    assert int(peak_kb) < GiB
