"""`tabench export`: the score sheet of a class of 200 (CSV, one row per submission) with totals checked against
points worked out by hand from the key, the full verdict table (JSON), and clear errors."""

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tabench import app as application
from tabench.cli import app, example_path
from tabench.store import Store

runner = CliRunner()
CLASS_200 = Path(__file__).parent / "fixtures" / "class_200.jsonl"

# Points of each answer variant in the fixture, read off the bundled example's key by hand
# (src/tabench/examples/example.md): 2.a 3 pts, 2.b 4, 3.a 4, 3.b 4, 6 4.
POINTS = {
    "2.a": {"ReLU": 3, "Tanh": 0, "The answer is ReLU.": 3},
    "2.b": {"Sigmoid and Tanh": 4, "ReLU and Absolute value": 0, "Sigmoid": 0},
    "3.a": {"8192": 4, "8256": 4, "8000": 0},  # 8256 counts the biases: the key accepts it
    "3.b": {"16384 ns": 4, "16.384 µs": 4, "8192 ns": 0},
    "6": {"(c)": 4, "(b)": 0},
}
# Part 4 (6 pts) is free-form: the machine leaves it to a person, who grades each of its three texts once.
PERSON = {"variance": ("correct", None, 6.0), "normalise": ("partially_correct", 2.5, 2.5), "faster": ("incorrect", None, 0.0)}
PARTS = ["2.a", "2.b", "2.c", "3.a", "3.b", "4", "5.a", "5.b", "6", "7", "8"]  # every graded part (1 is admin)


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def expected_totals() -> dict[str, float]:
    totals: dict[str, float] = {}
    for line in CLASS_200.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["part_id"] == "4":
            points = next(p for word, (_, _, p) in PERSON.items() if word in row["answer"])
        else:
            points = POINTS[row["part_id"]][row["answer"]]
        totals[row["submission"]] = totals.get(row["submission"], 0) + points
    return totals


@pytest.fixture
def graded_class():
    assert invoke("grade", example_path(), CLASS_200).exit_code == 0
    problem_set_id = application.stored_problem_set_id(example_path())
    groups = application.review_part(problem_set_id, "4").groups
    assert len(groups) == 3
    for group in groups:
        verdict, score, _ = next(v for word, v in PERSON.items() if word in group.first.answer)
        application.record_review(problem_set_id, "4", [m.submission_id for m in group.members], verdict=verdict,
                                  score=score, grader="ta")
    return problem_set_id


def test_csv_of_a_class_of_200_opens_as_a_table_with_the_right_totals(graded_class, tmp_path):
    out = tmp_path / "grades.csv"
    result = invoke("export", "--format", "csv", "-o", out)
    assert result.exit_code == 0, result.output
    assert "still need a person" not in result.stderr
    raw = out.read_bytes().decode("utf-8")
    table = list(csv.reader(io.StringIO(raw)))
    assert table[0] == ["submission", *PARTS, "total"]
    assert len(table) == 201 and {len(row) for row in table} == {len(PARTS) + 2}
    # as a spreadsheet opens it: every score cell is a number
    connection = sqlite3.connect(":memory:")
    connection.execute(f"CREATE TABLE grades (submission TEXT, {', '.join(f'p{i} REAL' for i in range(len(PARTS)))}, total REAL)")
    connection.executemany(f"INSERT INTO grades VALUES ({', '.join('?' * (len(PARTS) + 2))})",
                           [[row[0], *map(float, row[1:])] for row in table[1:]])
    expected = expected_totals()
    totals = dict(connection.execute("SELECT submission, total FROM grades"))
    assert totals == pytest.approx(expected)
    assert sorted(set(expected.values())) != [min(expected.values())]  # the class is not all alike
    parts_sum = connection.execute(f"SELECT COUNT(*) FROM grades WHERE abs(total - ({' + '.join(f'p{i}' for i in range(len(PARTS)))})) > 1e-9")
    assert parts_sum.fetchone()[0] == 0
    by_name = {row[0]: dict(zip(table[0], row)) for row in table[1:]}
    first = {row["part_id"]: row["answer"] for row in map(json.loads, CLASS_200.read_text(encoding="utf-8").splitlines())
             if row["submission"] == "student001"}
    assert {pid: by_name["student001"][pid] for pid in POINTS} == {pid: f"{POINTS[pid][first[pid]]:g}" for pid in POINTS}
    assert by_name["student001"]["8"] == "0"  # not answered


def test_json_export_is_the_full_verdict_table(graded_class):
    result = invoke("export", "--format", "json", "--problem-set", example_path())
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["problem_set"]["id"] == graded_class and [p["id"] for p in data["parts"]] == PARTS
    rows = data["verdicts"]
    assert len(rows) == 200 * len(PARTS)
    part4 = [r for r in rows if r["part_id"] == "4"]
    assert {r["automatic"]["verdict"] for r in part4} == {"needs_review"}
    assert {r["final"]["by"] for r in part4} == {"human"} and {r["human"]["grader"] for r in part4} == {"ta"}
    texts = [json.loads(line)["answer"] for line in CLASS_200.read_text(encoding="utf-8").splitlines()
             if json.loads(line)["part_id"] == "4"]
    finals = [(r["final"]["verdict"], r["final"]["score"]) for r in part4]
    for word, (verdict, _, score) in PERSON.items():
        assert finals.count((verdict, score)) == sum(word in text for text in texts)
    checked = next(r for r in rows if r["part_id"] == "3.a" and r["submission"] == "student001")
    assert checked["human"] is None and checked["final"]["by"] == "automatic" and checked["automatic"]["method"] == "numeric"


def test_a_stored_id_names_the_problem_set_too(graded_class):
    by_id = invoke("export", "--problem-set", graded_class[:8])
    assert by_id.exit_code == 0 and by_id.stdout.startswith("submission,2.a")


def test_answers_still_waiting_for_a_person_are_said(tmp_path):
    answers = tmp_path / "one.json"
    answers.write_text(json.dumps({"4": "scaling helps", "3.a": "8192"}))
    assert invoke("grade", example_path(), answers, "--submission", "=HYPERLINK(\"http://evil.example\")").exit_code == 0
    result = invoke("export")
    assert result.exit_code == 0
    assert "1 answer(s) still need a person and count 0" in result.stderr
    (row,) = list(csv.reader(io.StringIO(result.stdout)))[1:]
    assert row[0] == "'=HYPERLINK(\"http://evil.example\")"  # a spreadsheet shows it, does not run it
    assert row[-1] == "4"


def test_export_errors_are_one_line(tmp_path):
    empty = invoke("export")
    assert empty.exit_code == 2 and "no graded submissions to export" in empty.stderr
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"6.a": "20"}))
    assert invoke("grade", example_path(), answers).exit_code == 0
    other = tmp_path / "other.md"
    other.write_text(example_path().read_text().replace("Practice Quiz", "Second Quiz"))
    assert invoke("grade", other, answers).exit_code == 0
    two = invoke("export")
    assert two.exit_code == 2 and "holds 2 problem sets; choose one with --problem-set" in two.stderr
    assert "Traceback" not in two.output
    unknown = invoke("export", "--problem-set", tmp_path / "no-such-key.md")
    assert unknown.exit_code == 2 and "not a key file nor the id of a stored problem set" in unknown.stderr
    edited = tmp_path / "edited.md"
    edited.write_text(example_path().read_text().replace("Practice Quiz", "Edited Quiz"))
    never = invoke("export", "--problem-set", edited)
    assert never.exit_code == 2 and "no stored submissions of this problem set" in never.stderr
    with Store() as db:  # looking a key up stores nothing
        assert db.db.execute("SELECT COUNT(*) FROM problem_sets").fetchone()[0] == 2
    bad = invoke("export", "--problem-set", other, "--format", "xlsx")
    assert bad.exit_code == 2 and "unknown format 'xlsx'" in bad.stderr


@pytest.mark.parametrize("name,shown", [("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
                                        ("\tx", "'\tx"), ("ann", "ann"), ("1 2", "1 2")])
def test_csv_cells_a_spreadsheet_would_run_are_quoted(name, shown):
    from tabench.export import csv_text

    (row,) = list(csv.reader(io.StringIO(csv_text(["submission", "1", "total"], [[name, 2.5, 2.5]]))))[1:]
    assert row == [shown, "2.5", "2.5"]
