"""The command line: index, JSON, -o, schema, edited JSON, and one-line errors with exit status 2."""

import json
import subprocess
import sys

from typer.testing import CliRunner

from conftest import EXAM, HW12
from tabench.cli import app
from tabench.ingest import loader

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_index_table_lists_every_part():
    result = run("ingest", EXAM)
    assert result.exit_code == 0
    for pid in ("3.a", "11.d.ii", "12.f"):
        assert f"│ {pid} " in result.stdout
    assert "31 parts" not in result.stdout  # 30 parts in the exam
    assert "12 questions, 30 parts, 3 need a figure" in result.stdout


def test_json_has_the_fields_users_edit(tmp_path):
    result = run("ingest", HW12, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    part = data["questions"][6]["parts"][1]
    assert part["id"] == "7.b"
    for field in ("id", "kind", "points", "needs_figure", "prompt", "choices", "solution", "blanks"):
        assert field in part
    assert part["blanks"][0]["number"]["value"] == 25600


def test_output_file_and_edited_json_is_accepted(tmp_path):
    out = tmp_path / "key.json"
    assert run("ingest", EXAM, "-o", out).exit_code == 0
    data = json.loads(out.read_text())
    data["questions"][2]["parts"][0]["blanks"][0]["accepts"].append("116")
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    result = run("ingest", edited, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["questions"][2]["parts"][0]["blanks"][0]["accepts"] == ["112", "116"]


def test_schema_is_json_schema():
    result = run("schema")
    schema = json.loads(result.stdout)
    assert schema["title"] == "ProblemSet"
    assert "Part" in schema["$defs"] and "Blank" in schema["$defs"]


def _error_of(path):
    result = run("ingest", path)
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in result.output
    assert message.startswith("tabench: error: ")
    return message


def test_missing_file(tmp_path):
    assert "no such file" in _error_of(tmp_path / "nope.md")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.md"
    path.write_text("  \n\n")
    assert "empty" in _error_of(path)


def test_binary_file(tmp_path):
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    assert "binary" in _error_of(path)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes("1. Qu\xe9stion\n\nSolution: 3.\n".encode("latin-1"))
    assert "UTF-8" in _error_of(path)


def test_no_questions(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("Some notes without any numbered question.\n")
    assert "no numbered questions" in _error_of(path)


def test_folder(tmp_path):
    assert "folder" in _error_of(tmp_path)


def test_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "MAX_BYTES", 1000)
    path = tmp_path / "big.md"
    path.write_text("1. Big\n\n" + "x" * 2000)
    assert "limit" in _error_of(path)


def test_bad_problem_set_json(tmp_path):
    path = tmp_path / "key.json"
    path.write_text('{"title": "x", "questions": [{"number": "one"}]}')
    assert "not a valid ProblemSet JSON" in _error_of(path)


def test_a_broken_pdf_says_what_to_do(tmp_path):
    path = tmp_path / "exam.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert "truncated" in _error_of(path) and "save it again" in _error_of(path)


def test_unwritable_output(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("ingest", EXAM, "-o", blocker / "sub" / "key.json")
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_python_dash_m_entry_point():
    result = subprocess.run([sys.executable, "-m", "tabench", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("tabench ")


def test_demo_runs_on_the_bundled_example():
    result = run("demo")
    assert result.exit_code == 0
    assert "8 questions, 12 parts, 1 need a figure" in result.stdout
