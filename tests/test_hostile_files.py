"""Hostile input files: each case ends within a hard bound with one line and exit 2, under 1 GB of memory.

Device files, FIFOs, huge or deeply nested files and oversized keys are refused before they are read whole.
The bounds are generous (the machine may be busy); the point is that nothing hangs or grows without limit.
"""

import json
import os
import string

import pytest

from bounded import run_bounded, tabench
from conftest import EXAM

BOUND = 60  # seconds per case
ONE_GB = 1024


@pytest.fixture
def env(tmp_path):
    return dict(os.environ, TABENCH_HOME=str(tmp_path / "home"))


def refused(outcome, *fragments):
    assert outcome.code == 2, outcome.stderr
    assert "Traceback" not in outcome.stderr and len(outcome.stderr.strip().splitlines()) == 1, outcome.stderr
    for fragment in fragments:
        assert fragment in outcome.stderr, outcome.stderr
    assert outcome.peak_mb < ONE_GB, f"{outcome.peak_mb:.0f} MB"


def commands_reading(path):
    """Every command that reads a user's file, with `path` in the place of that file."""
    return [("ingest", path), ("grade", path, EXAM), ("grade", EXAM, path), ("import", path),
            ("import", EXAM, "--key", path)]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_device_files_are_refused_at_once(env, device):
    for args in commands_reading(device):
        refused(run_bounded(tabench(*args), BOUND, env), device, "not a regular file")


def test_a_fifo_is_refused_without_waiting_for_a_writer(env, tmp_path):
    fifo = tmp_path / "answers.json"
    os.mkfifo(fifo)
    for args in commands_reading(fifo):
        refused(run_bounded(tabench(*args), BOUND, env), "not a regular file")


def test_a_fifo_as_prompt_template_is_refused(env, tmp_path):
    folder = tmp_path / "prompts"
    folder.mkdir()
    os.mkfifo(folder / "per_part.txt")
    refused(run_bounded(tabench("run", EXAM, "--model", "openai/x", "--prompts", folder, "--dry-run"), BOUND, env),
            "not a regular file")


def test_a_huge_document_is_refused_before_it_is_read(env, tmp_path):
    document = tmp_path / "huge.md"
    block = "1. Question\n\n(a) What is 2 + 2? (1 pt)\n\nSolution: 4\n\n" * 1000
    with document.open("w") as out:
        while out.tell() < 19_900_000:
            out.write(block)
    refused(run_bounded(tabench("ingest", document), BOUND, env), "over the 2 MB limit for a document")
    refused(run_bounded(tabench("grade", document, EXAM), BOUND, env), "limit")


def test_a_100000_part_key_is_refused_early(env, tmp_path):
    questions = [{"number": q, "title": f"Q{q}", "parts": [
        {"id": f"{q}.{letter}", "kind": "numeric", "prompt": "2 + 2?", "solution": "4"} for letter in string.ascii_lowercase[:25]]}
        for q in range(1, 4001)]
    as_json = tmp_path / "key.json"
    as_json.write_text(json.dumps({"title": "big", "questions": questions}))
    refused(run_bounded(tabench("ingest", as_json), BOUND, env), "limit")
    lines = ["# Big"]
    for q in range(1, 4001):
        lines.append(f"## {q}. Question {q}")
        lines += [f"({letter}) x" for letter in string.ascii_lowercase[:25]]
    as_markdown = tmp_path / "key.md"
    as_markdown.write_text("\n".join(lines))
    refused(run_bounded(tabench("ingest", as_markdown), BOUND, env), "line limit for a problem set")


def test_a_key_with_the_most_lines_allowed_but_too_many_parts_is_refused_early(env, tmp_path):
    lines = ["# Big"]
    number = 0
    while len(lines) < 99_900:
        number += 1
        lines.append(f"## {number}. Question {number}")
        lines += [f"({letter}) x" for letter in string.ascii_lowercase]
    key = tmp_path / "key.md"
    key.write_text("\n".join(lines[:99_900]))
    refused(run_bounded(tabench("ingest", key), BOUND, env), "2,000 questions and")


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deeply_nested_json_gets_one_line(env, tmp_path, depth):
    nested = tmp_path / "nested.json"
    nested.write_text('{"a": ' * depth + "1" + "}" * depth)
    listed = tmp_path / "listed.json"
    listed.write_text("[" * depth + "]" * depth)
    for path in (nested, listed):
        for args in commands_reading(path):
            refused(run_bounded(tabench(*args), BOUND, env), f"nested {depth} levels deep")


def test_an_oversized_answers_file_is_refused_before_it_is_read(env, tmp_path):
    answers = tmp_path / "class.jsonl"
    with answers.open("wb") as out:
        out.truncate(70_000_000)  # sparse: 70 MB that take no disk
    refused(run_bounded(tabench("grade", EXAM, answers), BOUND, env), "70.0 MB is over the 67.1 MB limit")


def test_a_submission_of_200000_answers_is_refused(env, tmp_path):
    answers = tmp_path / "many.jsonl"
    answers.write_text("".join(json.dumps({"submission": "s", "part_id": f"{i}.zz", "answer": "1"}) + "\n"
                               for i in range(200_000)))
    refused(run_bounded(tabench("grade", EXAM, answers), BOUND, env), "s has 200,000 answers, more than the 2,000 parts")
