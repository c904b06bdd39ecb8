"""Benchmarks: `make bench`. Prints one line per measurement; numbers go in the issue notes."""

from __future__ import annotations

import os
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


def bench_ingest_latex() -> None:
    """In-process LaTeX ingest of the largest corpus .tex file (issue 11: median under 100 ms)."""
    from tabench import ingest

    corpus = ROOT.parent / "shared" / "corpus"
    largest = max([*corpus.glob("latex_*/*.tex")], key=lambda path: path.stat().st_size)
    samples = timed(lambda: ingest(largest), repeat=30)
    cpu = []
    for _ in range(10):
        start = time.process_time()
        ingest(largest)
        cpu.append(time.process_time() - start)
    tracemalloc.start()
    ingest(largest)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"ingest {largest.name} ({largest.stat().st_size / 1024:.0f} KB, LaTeX): median "
        f"{statistics.median(samples) * 1000:.1f} ms, min {min(samples) * 1000:.1f} ms, max {max(samples) * 1000:.1f} ms "
        f"over {len(samples)} runs (CPU time median {statistics.median(cpu) * 1000:.1f} ms); "
        f"peak Python memory {peak / 1e6:.1f} MB"
    )


def bench_ingest_with_parsed_forms() -> None:
    from tabench import ingest
    from tabench.key import with_parsed_forms

    start = time.perf_counter()
    with_parsed_forms(ingest(EXAM))
    print(f"ingest 001 with SymPy forms of its expressions (tabench ingest --json): {(time.perf_counter() - start) * 1000:.0f} ms, cold")


def _class_answers(problem_set, students: int, opening: str = "Student {n} writes, after some working:"):
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
            answers[part_id] = f"{opening.format(n=student)}\n\n{form}"
        submissions.append(answers)
    return submissions


def bench_grade() -> None:
    """A class of 200 submissions graded the way `tabench grade` grades a file of them (app.grade_submissions:
    comparisons pipelined with the worker process), then the same class one `tabench.grade` call per submission."""
    from tabench import grade, ingest, worker
    from tabench.app import grade_submissions
    from tabench.checkers.symbolic import compare_expressions

    from tabench.read.units import convert

    start = time.perf_counter()
    grade(ingest(EXAM), {"10.b": "$x$"})  # the SymPy worker process starts once per process
    print(f"grade: starting the SymPy worker process: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    convert(1.0, "microsecond", "nanosecond")  # pint is imported and its registry built at the first conversion
    print(f"grade: loading pint's unit registry (once per process, at the first unit conversion): "
          f"{time.perf_counter() - start:.2f} s")

    for path in (EXAM, SEEDS / "002_c2737d6fc07f4f16.txt"):
        problem_set = ingest(path)
        submissions = _class_answers(problem_set, 200)
        count = count_answers(submissions)
        start, cpu = time.perf_counter(), time.process_time()
        graded = grade_submissions(problem_set, [(f"s{index}", answers) for index, answers in enumerate(submissions)])
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(
            f"grade {path.name[:3]}: {count} checkable answers from 200 submissions in {elapsed:.2f} s "
            f"= {count / elapsed:,.0f} answers/s ({count / cpu:,.0f} per CPU second of this process; the "
            f"{len(graded[0])} gradable parts per submission include the missing ones; comparisons are cached per "
            f"distinct expression, the first of each runs in the worker while the grader reads on)"
        )
    problem_set = ingest(EXAM)
    for label, opening, run in (
            ("one grade() call per submission", "From student {n}:",
             lambda: [grade(problem_set, answers, f"t{index}") for index, answers in enumerate(submissions)]),
            ("grade_submissions", "Student {n} answers:",
             lambda: grade_submissions(problem_set, [(f"t{index}", answers) for index, answers in enumerate(submissions)]))):
        submissions = _class_answers(problem_set, 200, opening)  # new wording: the readers' caches do not help
        worker.forget_comparisons()
        compare_expressions.cache_clear()
        start = time.perf_counter()
        run()
        print(f"grade 001 again with emptied comparison caches (the worker's parser stays warm), {label}: "
              f"{count_answers(submissions) / (time.perf_counter() - start):,.0f} answers/s")
    cold = _class_answers(problem_set, 4)
    worker.forget_comparisons()
    compare_expressions.cache_clear()
    start = time.perf_counter()
    grade_submissions(problem_set, [(f"cold{index}", answers) for index, answers in enumerate(cold)])
    print(f"grade 001, 4 submissions, empty comparison caches: {count_answers(cold) / (time.perf_counter() - start):,.0f} "
          f"answers/s")


def count_answers(submissions) -> int:
    return sum(len(answers) for answers in submissions)


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


def _judged_answers(problem_set, submissions: int) -> list[dict[str, str]]:
    """`submissions` answer sets to every free-form part, each text different (so no judge call is cached)."""
    parts = [p for p in problem_set.parts() if any(b.kind in ("short_text", "derivation", "code") for b in p.blanks)]
    return [{p.id: f"Student {k} on {p.id}: the result follows from the definitions in two steps." for p in parts}
            for k in range(submissions)]


def bench_judge() -> None:
    """Parts judged per second against a loopback judge that answers after 200 ms, at --judge-concurrency
    1, 8 and 32, and the harness's own time per judge call (planning, cache lookup, reading, storing)."""
    import subprocess
    import tempfile

    from tabench import app as application
    from tabench import ingest
    from tabench.answers import SubmissionInput
    from tabench.grade import grade_part
    from tabench.judge import TEMPLATE_NAMES, plan
    from tabench.judging import Judge, JudgeConfig
    from tabench.providers import get_provider
    from tabench.runner import load_templates

    problem_set = ingest(SEEDS / "002_c2737d6fc07f4f16.txt")
    server = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fake_openai.py"), "--delay", "0.2", "--judge"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip()
    try:
        provider = get_provider("openai/bench-judge", url)
        part_id, text = next(iter(_judged_answers(problem_set, 1)[0].items()))
        part = problem_set.part(part_id)
        request = plan(problem_set, part, text, grade_part(part, text), load_templates(names=TEMPLATE_NAMES))
        bare = lambda: provider.complete(request.messages, max_tokens=1024, temperature=0, schema=request.schema)  # noqa: E731
        bare()
        start = time.perf_counter()
        for _ in range(10):
            bare()
        raw = (time.perf_counter() - start) / 10
        for concurrency, submissions in ((1, 2), (8, 8), (32, 24)):
            answers = _judged_answers(problem_set, submissions)
            with tempfile.TemporaryDirectory() as home:
                os.environ["TABENCH_HOME"] = home
                judge = Judge(JudgeConfig(("openai/bench-judge",), url, concurrency=concurrency))
                start = time.perf_counter()
                application.grade_and_store(problem_set, [SubmissionInput(f"s{k}", a) for k, a in enumerate(answers)],
                                            "bench", judge=judge)
                elapsed = time.perf_counter() - start
                summary = judge.summary()
            parts = summary["decided"]
            line = (f"judge, concurrency {concurrency:>2}: {parts} parts of 002 judged in {elapsed:.2f} s = "
                    f"{parts / elapsed:.1f} parts/s (ideal {concurrency / 0.2:.0f}/s at 200 ms a call)")
            if concurrency == 1:
                line += (f"; harness overhead {(elapsed / parts - raw) * 1000:.1f} ms per part on top of "
                         f"{raw * 1000:.1f} ms for the bare call (grading, planning, cache, reading, storing)")
            print(line, flush=True)
    finally:
        server.stdin.close()
        server.wait(timeout=10)


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


def bench_report() -> None:
    """Rendering the report of seed 000 graded against 002 in each format, and compiling its PDF."""
    from tabench import grade, ingest
    from tabench.report.data import build_report
    from tabench.report.html import render_html
    from tabench.report.latex import render_latex
    from tabench.report.markdown import render_markdown
    from tabench.report.pdf import compile_pdf, pdflatex_available
    from tabench.transcripts import import_text

    key = ingest(SEEDS / "002_c2737d6fc07f4f16.txt")
    imported = import_text((SEEDS / "000_aea459260c05754e.txt").read_text(), "000", key)
    answers = imported.answer_map()
    verdicts = grade(key, answers, "000")
    data = build_report(key, verdicts, answers, {"submission": "000"})
    for name, render in (("md", render_markdown), ("html", render_html), ("tex", render_latex)):
        samples = timed(lambda: render(data), repeat=5)
        print(f"report 000 vs 002 as {name}: median {statistics.median(samples) * 1000:.0f} ms "
              f"({len(render(data)) / 1024:.0f} KB)")
    if pdflatex_available():
        start = time.perf_counter()
        pdf = compile_pdf([render_latex(data)])
        print(f"report 000 vs 002 as pdf: {time.perf_counter() - start:.2f} s with pdflatex ({len(pdf) / 1024:.0f} KB)")
    hostile = build_report(key, verdicts, {"1": "a\n" * 40_000, "2.a": "\\[" * 60_000}, {})
    start = time.perf_counter()
    render_html(hostile), render_latex(hostile), render_markdown(hostile)
    print(f"report with 40,000 newlines and 60,000 \\[ in answers, three formats: {time.perf_counter() - start:.1f} s")


def bench_faults() -> None:
    """How fast runs stop and refuse: Ctrl-C with a hung request, a dead server, hostile files (wall time and
    peak memory of the tabench process), eight processes opening a new store at once."""
    import json
    import os
    import signal
    import sqlite3
    import subprocess
    import tempfile

    sys.path.insert(0, str(ROOT / "tests"))
    from bounded import run_bounded, tabench
    from scripted_openai import ScriptedOpenAI
    from tabench.cli import example_path

    def hung(part, nth):
        return "hang" if (part, nth) == ("2.b", 1) else ("delay", 0.1)

    stops = []
    for _ in range(5):
        with tempfile.TemporaryDirectory() as home, ScriptedOpenAI(hung) as server:
            process = subprocess.Popen(tabench("run", example_path(), "--model", "openai/x", "--base-url", server.url,
                                               "--max-concurrency", "2", "--timeout", "600"),
                                       env=dict(os.environ, TABENCH_HOME=home), stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            while not (server.asked["2.b"] and len(server.served()) >= 3):
                time.sleep(0.01)
            start = time.perf_counter()
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
            stops.append(time.perf_counter() - start)
            status = sqlite3.connect(Path(home) / "tabench.db").execute("SELECT status FROM runs").fetchone()[0]
            assert status == "interrupted", status
    print(f"Ctrl-C with a hung request: exit {statistics.median(stops):.2f} s median, {max(stops):.2f} s max over "
          f"{len(stops)} runs (up to 1 s of it waits for replies already on their way)")

    with tempfile.TemporaryDirectory() as home:
        start = time.perf_counter()
        subprocess.run(tabench("run", example_path(), "--model", "openai/x", "--base-url", "http://127.0.0.1:9/v1",
                               "--limit", "1"), env=dict(os.environ, TABENCH_HOME=home), capture_output=True)
        print(f"a dead server: the run fails after {time.perf_counter() - start:.1f} s (3 tries, interpreter start "
              "included)")

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        fifo = folder / "fifo.json"
        os.mkfifo(fifo)
        huge = folder / "huge.md"
        huge.write_text("1. Question\n\n(a) 2 + 2? (1 pt)\n\nSolution: 4\n\n" * 420_000)
        many = folder / "many.md"
        many.write_text("# Big\n" + "".join(f"## {q}. Q{q}\n" + "".join(f"({chr(97 + i)}) x\n" for i in range(25))
                                           for q in range(1, 4001)))
        deep = folder / "deep.json"
        deep.write_text("[" * 100_000 + "]" * 100_000)
        cases = [("/dev/zero as answers", ("grade", EXAM, "/dev/zero")), ("a FIFO as answers", ("grade", EXAM, fifo)),
                 (f"a {huge.stat().st_size / 1e6:.1f} MB document", ("ingest", huge)),
                 ("a 100,000-part key", ("ingest", many)), ("JSON nested 100,000 deep", ("grade", EXAM, deep))]
        env = dict(os.environ, TABENCH_HOME=str(folder / "home"))
        for label, args in cases:
            start = time.perf_counter()
            outcome = run_bounded(tabench(*args), 120, env)
            print(f"hostile input, {label}: exit {outcome.code} after {time.perf_counter() - start:.2f} s, "
                  f"peak {outcome.peak_mb:.0f} MB")

        answers = folder / "a.json"
        answers.write_text(json.dumps({"2.a": "ReLU"}))
        start = time.perf_counter()
        failed = 0
        for round_ in range(3):
            processes = [subprocess.Popen(tabench("grade", example_path(), answers, "--submission", f"s{i}"),
                                          env=dict(os.environ, TABENCH_HOME=str(folder / f"store{round_}")),
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(8)]
            failed += sum(p.wait() != 0 for p in processes)
        print(f"8 graders at once on a new store: {failed} of 24 failed; {(time.perf_counter() - start) / 3:.1f} s "
              "per round")


def bench_pdf() -> None:
    """PDF ingest of the largest corpus PDF: pages per second (the child process that reads the PDF included)."""
    from tabench import ingest
    from tabench.ingest.pdf import read_pages
    from tabench.ingest.pdf_parts import problem_set_from_pages

    corpus = ROOT.parent / "shared" / "corpus" / "pdf"
    largest = max(corpus.glob("*.pdf"), key=lambda path: path.stat().st_size)
    ingest(largest)  # warm-up
    samples = timed(lambda: ingest(largest), repeat=5)
    pages = read_pages(largest)
    start = time.perf_counter()
    problem_set_from_pages(pages, str(largest))
    layout = time.perf_counter() - start
    median = statistics.median(samples)
    print(f"ingest {largest.name} ({largest.stat().st_size / 1024:.0f} KB, {len(pages)} pages): median {median:.2f} s "
          f"= {len(pages) / median:.1f} pages/s over {len(samples)} runs (min {min(samples):.2f} s); of which layout "
          f"and structure in this process {layout:.2f} s, the rest the pdfplumber child process")


def _chat_turns(count: int) -> list[tuple[str, str]]:
    """(question, reply) pairs in the style of a long study session: labelled parts, math, a table, a mark."""
    turns = []
    for index in range(count):
        question = 1 + index % 7
        reply = (f"Here is question {question}.\n\n(a) The variance of the logits is $d_{{model}} = {512 + index}$, so the "
                 "softmax saturates; scale the initialization by $1/\\sqrt{d}$.\n\n"
                 f"(b) With $P = U(0, 1)$ and $Q = U(0, 2)$ we get $D_{{KL}}(P||Q) = \\log 2$ while the reverse is infinite.\n\n"
                 "| part | answer |\n|---|---|\n| (c) | Curve (b) |\n\n✓: Correct\n")
        turns.append((f"Solve question {question} (attempt {index})", reply))
    return turns


def _conversations_json(target_bytes: int) -> str:
    """ChatGPT's conversations.json of about `target_bytes`: many conversations of the shape the app exports."""
    import json

    conversations, size, number = [], 0, 0
    while size < target_bytes:
        mapping = {"root": {"id": "root", "message": None, "parent": None, "children": []}}
        parent = "root"
        for turn, (question, reply) in enumerate(_chat_turns(6)):
            for role, text in (("user", question), ("assistant", reply)):
                node = f"n{number}-{turn}-{role}"
                mapping[node] = {"id": node, "parent": parent, "children": [], "message": {
                    "id": node, "author": {"role": role}, "content": {"content_type": "text", "parts": [text]},
                    "metadata": {}, "recipient": "all"}}
                mapping[parent]["children"].append(node)
                parent = node
        conversation = {"title": f"Study session {number}", "conversation_id": f"c{number}", "mapping": mapping,
                        "current_node": parent}
        size += len(json.dumps(conversation))
        conversations.append(conversation)
        number += 1
    return json.dumps(conversations)


def bench_import_large() -> None:
    """Import time against export size: a long chat as Markdown and ChatGPT's conversations.json, up to 50 MB."""
    import resource

    from tabench import ingest
    from tabench.transcripts import Options, import_text

    key = ingest(SEEDS / "002_c2737d6fc07f4f16.txt")
    for size_mb in (12.5, 25, 50):
        text, count = "", 200
        while len(text) < size_mb * 1e6:
            count *= 2
            text = "".join(f"User: {q}\n\nAssistant: {r}\n" for q, r in _chat_turns(count))
        text = text[: int(size_mb * 1e6)]
        start = time.perf_counter()
        imported = import_text(text, "chat.md", key)
        elapsed = time.perf_counter() - start
        print(f"import a {len(text) / 1e6:.1f} MB Markdown chat ({len(imported.entries)} blocks): {elapsed:.2f} s "
              f"= {elapsed / (len(text) / 1e6):.2f} s/MB")
    for size_mb in (12.5, 25, 50):
        export = _conversations_json(int(size_mb * 1e6))
        start = time.perf_counter()
        imported = import_text(export, "conversations.json", key)
        by_fit = time.perf_counter() - start
        start = time.perf_counter()
        import_text(export, "conversations.json", key, Options(conversation="Study session 3"))
        chosen = time.perf_counter() - start
        print(f"import a {len(export) / 1e6:.1f} MB conversations.json: {by_fit:.2f} s choosing the conversation "
              f"that fits the key ({by_fit / (len(export) / 1e6):.2f} s/MB), {chosen:.2f} s with --conversation")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this benchmark process: {peak:.0f} MB")


def bench_review() -> None:
    """Time to show one part of 200 submissions on the review page: the server's answer, and chromium's load."""
    import json
    import os
    import re
    import tempfile
    import threading
    import urllib.request

    fixture = ROOT / "tests" / "fixtures" / "class_200.jsonl"
    rows = [json.loads(line) for line in fixture.read_text(encoding="utf-8").splitlines()]
    distinct = [dict(row, answer=f"Student {row['submission'][-3:]}: we divide by $\\sqrt{{d_k}}$ because "
                                  f"$\\mathrm{{Var}}(q^\\top k) = d_k$, so the softmax does not saturate "
                                  f"(my note {index}).") if row["part_id"] == "4" else row
                for index, row in enumerate(rows)]
    for label, data in (("3 groups of identical answers", rows), ("200 different answers", distinct)):
        with tempfile.TemporaryDirectory() as home:
            os.environ["TABENCH_HOME"] = home
            from tabench import app as application
            from tabench.web import prepare

            answers = Path(home) / "class.jsonl"
            answers.write_text("\n".join(json.dumps(row) for row in data), encoding="utf-8")
            from tabench.cli import example_path

            application.grade_file(example_path(), answers)
            problem_set_id = application.stored_problem_set_id(example_path())
            served = prepare(0, "bench")
            thread = threading.Thread(target=served.run, daemon=True)
            thread.start()
            token = re.search(r"token=([^&]+)", served.url).group(1)
            port = served.sock.getsockname()[1]
            part_url = f"http://127.0.0.1:{port}/review/{problem_set_id}/4"
            opener = urllib.request.build_opener()
            opener.addheaders = [("Cookie", f"tabench_review_{port}={token}")]
            for _ in range(50):  # wait for the server
                try:
                    opener.open(f"http://127.0.0.1:{port}/sets", timeout=5).read()
                    break
                except OSError:
                    time.sleep(0.1)
            size = len(opener.open(part_url, timeout=60).read())
            samples = timed(lambda: opener.open(part_url, timeout=60).read(), repeat=5)
            line = (f"review page, part 4 of 200 submissions ({label}): server {statistics.median(samples) * 1000:.0f} ms "
                    f"median of {len(samples)} ({size / 1024:.0f} KB)")
            chromium = Path("/usr/bin/chromium")
            if chromium.exists():
                from playwright.sync_api import sync_playwright

                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=str(chromium),
                                                         args=["--headless", "--no-sandbox", "--disable-gpu"])
                    page = browser.new_page()
                    page.goto(served.url)
                    ready, loaded = [], []
                    for _ in range(5):
                        page.goto(part_url)
                        page.wait_for_selector("section.group.current")
                        ready.append(page.evaluate("performance.getEntriesByName('review-ready')[0].startTime"))
                        loaded.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
                    browser.close()
                line += (f"; chromium: keys ready {statistics.median(ready):.0f} ms, page loaded "
                         f"{statistics.median(loaded):.0f} ms after navigation (medians of 5)")
            print(line)
            served.stop()
            thread.join(10)


BENCHES = {"ingest": bench_ingest, "ingest-latex": bench_ingest_latex, "pdf": bench_pdf, "ingest-parsed": bench_ingest_with_parsed_forms,
           "grade": bench_grade, "check": bench_check, "import": bench_import, "import-large": bench_import_large,
           "runs": bench_runs, "judge": bench_judge, "report": bench_report, "faults": bench_faults, "review": bench_review}


def main(names: list[str]) -> None:
    if not EXAM.exists():
        sys.exit(f"bench: {EXAM} is missing; clone tabench beside shared/")
    for name in names or list(BENCHES):
        BENCHES[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
