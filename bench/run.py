"""Benchmarks: `make bench`. Prints one line per measurement; numbers go in the issue notes."""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
EXAM = SEEDS / "001_13a6aa9ecbbfac5a.txt"


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm-up: regex compilation, imports
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def bench_ingest() -> None:
    from tabench import ingest

    samples = timed(lambda: ingest(EXAM), repeat=30)
    tracemalloc.start()
    ingest(EXAM)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = EXAM.stat().st_size / 1024
    print(
        f"ingest 001 ({size:.0f} KB): median {statistics.median(samples) * 1000:.1f} ms, "
        f"min {min(samples) * 1000:.1f} ms, max {max(samples) * 1000:.1f} ms over {len(samples)} runs; "
        f"peak Python memory {peak / 1e6:.1f} MB"
    )


def bench_ingest_with_parsed_forms() -> None:
    from tabench import ingest
    from tabench.key import with_parsed_forms

    start = time.perf_counter()
    with_parsed_forms(ingest(EXAM))
    print(f"ingest 001 with SymPy forms of its expressions (tabench ingest --json): {(time.perf_counter() - start) * 1000:.0f} ms, cold")


def _class_answers(problem_set, students: int):
    """A class of `students` submissions: every checkable part answered in one of several forms
    (the key's own answer three ways and a near-miss), each wrapped in different prose."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_grade_seeds import checkable_parts, part_answers

    variants = {}
    for part in checkable_parts(problem_set):
        forms = part_answers(part)
        variants[part.id] = forms + [forms[0].replace("1", "7")]
    submissions = []
    for student in range(students):
        answers = {}
        for index, (part_id, forms) in enumerate(variants.items()):
            form = forms[(student + index) % len(forms)]
            answers[part_id] = f"Student {student} writes, after some working:\n\n{form}"
        submissions.append(answers)
    return submissions


def bench_grade() -> None:
    from tabench import grade, ingest

    start = time.perf_counter()
    grade(ingest(EXAM), {"10.b": "$x$"})  # the SymPy worker process starts once per process
    print(f"grade: starting the SymPy worker process: {time.perf_counter() - start:.2f} s")

    for path in (EXAM, SEEDS / "002_c2737d6fc07f4f16.txt"):
        problem_set = ingest(path)
        submissions = _class_answers(problem_set, 200)
        count = sum(len(answers) for answers in submissions)
        start, cpu = time.perf_counter(), time.process_time()
        for index, answers in enumerate(submissions):
            grade(problem_set, answers, f"s{index}")
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        graded_parts = len(grade(problem_set, submissions[0]))
        print(
            f"grade {path.name[:3]}: {count} checkable answers from 200 submissions in {elapsed:.2f} s "
            f"= {count / elapsed:,.0f} answers/s ({count / cpu:,.0f} per CPU second of this process; the "
            f"{graded_parts} gradable parts per submission include the missing ones; comparisons are cached per "
            f"distinct expression, the first of each runs in the worker)"
        )
    from tabench import worker
    from tabench.checkers.symbolic import compare_expressions

    problem_set = ingest(EXAM)
    cold = _class_answers(problem_set, 4)
    worker.compare.cache_clear()
    compare_expressions.cache_clear()
    start = time.perf_counter()
    count = 0
    for index, answers in enumerate(cold):
        grade(problem_set, answers, f"cold{index}")
        count += len(answers)
    print(f"grade 001 cold (empty comparison caches): {count / (time.perf_counter() - start):,.0f} answers/s")


def bench_check() -> None:
    """`tabench check` over Math-Verify's 270 test cases, timed against Math-Verify's own parse + verify on the same
    cases in the same run (both with a warm process: parsers loaded once before timing)."""
    import json
    import logging

    from math_verify import parse, verify

    from tabench import check
    from tabench.app import check_file

    cases = ROOT.parent / "shared" / "external" / "math_verify_cases.jsonl"
    rows = [json.loads(line) for line in cases.read_text().splitlines()]
    logging.getLogger("math_verify").setLevel(logging.ERROR)
    verify(parse("$x$"), parse("$x$"))
    check("$x$", "$x$")
    start = time.perf_counter()
    agree_mv = sum(bool(verify(parse(r["gold"]), parse(r["pred"]))) == bool(r["expected"]) for r in rows)
    math_verify_seconds = time.perf_counter() - start
    start = time.perf_counter()
    checked = check_file(cases)
    tabench_seconds = time.perf_counter() - start
    a = checked.agreement
    print(f"check: Math-Verify's 270 cases: tabench check {tabench_seconds:.2f} s ({a['agree']}/270 agree, "
          f"{a['called_equal_labelled_not']} not-equal called equal, {a['undecided']} undecided); Math-Verify parse + "
          f"verify with its defaults {math_verify_seconds:.2f} s ({agree_mv}/270 agree); ratio "
          f"{tabench_seconds / math_verify_seconds:.2f}")


def bench_runs() -> None:
    """Harness overhead per model call and parts per second against a loopback server that answers at once."""
    import tempfile

    sys.path.insert(0, str(ROOT / "tests"))
    from tabench import ingest
    from tabench.cli import example_path
    from tabench.providers import get_provider
    from tabench.runner import RunConfig, Runner, load_templates
    from tabench.store import Store

    problem_set = ingest(example_path())
    from tabench import grade

    grade(problem_set, {"2.c": "$x$", "5.a": "$y$"})  # load SymPy and the LaTeX parser once (about 0.7 s), as a long run would
    import subprocess

    # The server runs in its own process, so that it does not share this process's GIL with the harness.
    server_process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fake_openai.py")], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
    url = server_process.stdout.readline().strip()
    try:
        provider = get_provider("openai/bench", url)
        messages = [{"role": "user", "content": "**2.a** hello"}]
        provider.complete(messages, max_tokens=8, temperature=0)
        calls = 200
        start = time.perf_counter()
        for _ in range(calls):
            provider.complete(messages, max_tokens=8, temperature=0)
        raw = (time.perf_counter() - start) / calls
        for concurrency in (1, 8, 32):
            with tempfile.TemporaryDirectory() as home:
                store = Store(Path(home) / "tabench.db")
                config = RunConfig(model="openai/bench", protocol="per-part", samples=20, temperature=0.5,
                                   max_concurrency=concurrency, base_url=url)
                runner = Runner(store, problem_set, config, provider, load_templates())
                start = time.perf_counter()
                run_id = runner.start()
                runner.run(run_id)
                elapsed = time.perf_counter() - start
                parts = len(store.run_calls(run_id))
                store.close()
            line = f"run per-part, concurrency {concurrency:>2}: {parts} parts in {elapsed:.2f} s = {parts / elapsed:,.0f} parts/s"
            if concurrency == 1:
                line += (f"; harness overhead {(elapsed / parts - raw) * 1000:.1f} ms per call on top of "
                         f"{raw * 1000:.1f} ms for the bare HTTP call (store, grading, trace)")
            print(line)
    finally:
        server_process.stdin.close()
        server_process.wait(timeout=10)


def bench_import() -> None:
    from tabench import ingest
    from tabench.transcripts import import_text

    key = ingest(SEEDS / "002_c2737d6fc07f4f16.txt")
    text = (SEEDS / "000_aea459260c05754e.txt").read_text()
    samples = timed(lambda: import_text(text, "000", key), repeat=20)
    print(f"import 000 against 002: median {statistics.median(samples) * 1000:.1f} ms")
    big = "User: Solve question 3\n\nAssistant: " + "".join(f"(a) answer $x_{i} = {i}$ ✓: Correct\n\n" for i in range(100_000))
    start = time.perf_counter()
    import_text(big, "big", key)
    print(f"import a {len(big) / 1e6:.1f} MB transcript: {time.perf_counter() - start:.2f} s")


BENCHES = {"ingest": bench_ingest, "ingest-parsed": bench_ingest_with_parsed_forms, "grade": bench_grade,
           "check": bench_check, "import": bench_import, "runs": bench_runs}


def main(names: list[str]) -> None:
    if not EXAM.exists():
        sys.exit(f"bench: {EXAM} is missing; clone tabench beside shared/")
    for name in names or list(BENCHES):
        BENCHES[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
