"""`tabench grade`: one submission or many, table or JSON, saved in the store; bad answer files fail cleanly."""

import json
import sqlite3

import pytest

from clitools import run, write
from conftest import EXAM
from tabench.store import MIGRATIONS, Store



@pytest.fixture(autouse=True)
def home(fresh_home):
    return fresh_home


def test_one_submission_json(tmp_path):
    answers = write(tmp_path, "alice.json", json.dumps({"6.a": "20", "6.c": "40 ns", "7.a": "Scenario 3"}))
    result = run("grade", EXAM, answers, "--json")
    assert result.exit_code == 0, result.output
    verdicts = {v["part_id"]: v for v in json.loads(result.stdout)}
    assert set(verdicts["6.a"]) == {"submission", "part_id", "verdict", "score", "points", "method", "tags", "rationale", "extracted"}
    assert verdicts["6.a"]["verdict"] == "correct" and verdicts["6.a"]["submission"] == "alice"
    assert verdicts["6.c"]["verdict"] == "incorrect" and verdicts["6.c"]["tags"] == ["wrong_value"]
    assert verdicts["10.a"]["verdict"] == "missing"


def test_table_and_summary(tmp_path):
    answers = write(tmp_path, "bob.json", json.dumps({"6.a": "20", "4.b": "Option D", "6.c": "I am not sure"}))
    result = run("grade", EXAM, answers)
    assert result.exit_code == 0
    assert "score 15/" in result.stdout
    assert "needs review: 6.c" in result.stdout
    assert "not graded (admin): 1 2" in result.stdout


def test_many_submissions_as_json_lines_are_stored(tmp_path, home):
    lines = [
        {"submission": "s1", "part_id": "6.a", "answer": "20"},
        {"submission": "s1", "part_id": "6.b", "answer": "10"},
        {"submission": "s2", "part_id": "6.a", "answer": "45"},
    ]
    answers = write(tmp_path, "class.jsonl", "\n".join(json.dumps(line) for line in lines))
    result = run("grade", EXAM, answers)
    assert result.exit_code == 0
    assert "s1" in result.stdout and "s2" in result.stdout
    with Store(home / "tabench.db") as store:
        rows = {row["name"]: row for row in store.submissions()}
        assert rows["s1"]["score"] == 15 and rows["s2"]["score"] == 0
        assert store.answers(rows["s2"]["id"]) == {"6.a": "45"}
        assert {v.part_id: v.verdict for v in store.verdicts(rows["s1"]["id"])}["6.b"] == "correct"


def test_regrading_replaces_verdicts_and_keeps_answers(tmp_path, home):
    answers = write(tmp_path, "carol.json", json.dumps({"6.a": "20"}))
    assert run("grade", EXAM, answers).exit_code == 0
    answers.write_text(json.dumps({"6.a": "21", "6.b": "10"}))
    assert run("grade", EXAM, answers).exit_code == 0
    with Store(home / "tabench.db") as store:
        (row,) = store.submissions()
        assert store.answers(row["id"]) == {"6.a": "21", "6.b": "10"}
        assert {v.part_id: v.verdict for v in store.verdicts(row["id"])}["6.a"] == "incorrect"


def test_no_store(tmp_path, home):
    answers = write(tmp_path, "dan.json", json.dumps({"6.a": "20"}))
    assert run("grade", EXAM, answers, "--no-store").exit_code == 0
    assert not (home / "tabench.db").exists()


def test_migrations_are_named_and_applied_once(tmp_path):
    path = tmp_path / "db.sqlite"
    Store(path).close()
    with Store(path) as store:
        assert store.migrations() == [name for name, _ in MIGRATIONS]
    count = sqlite3.connect(path).execute("SELECT COUNT(*) FROM _migrations").fetchone()[0]
    assert count == len(MIGRATIONS)


def test_unknown_parts_warn_but_are_kept(tmp_path, home):
    answers = write(tmp_path, "eve.json", json.dumps({"99.z": "hello", "6.a": "20"}))
    result = run("grade", EXAM, answers)
    assert result.exit_code == 0 and "99.z" in result.stderr


@pytest.mark.parametrize("content,message", [
    ("[1, 2]", "not a chat export"),
    ("not json at all", "no answer could be placed"),
    ('{"6.a": ', "not valid JSON"),
    ('{"6.a": {"nested": 1}}', "not text"),
    ('{"submission": "a", "part_id": "6.a", "answer": "1"}\n{broken', "line 2"),
    ('{"submission": "a", "answer": "1"}\n{"submission": "b", "answer": "2"}', "line 1"),
])
def test_bad_answer_files(tmp_path, content, message):
    answers = write(tmp_path, "bad.json", content)
    result = run("grade", EXAM, answers)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_unwritable_store(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("TABENCH_HOME", str(blocker / "sub"))
    answers = write(tmp_path, "f.json", json.dumps({"6.a": "20"}))
    result = run("grade", EXAM, answers)
    assert result.exit_code == 2 and "TABENCH_HOME" in result.stderr


def test_demo_grades_the_bundled_submission():
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "2. Grade" in result.stdout and "score " in result.stdout
    assert "prompt_injection" in result.stdout
