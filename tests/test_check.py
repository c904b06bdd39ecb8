"""`tabench check` and `tabench.check`: free-standing (reference, answer) pairs, measured on Math-Verify's own tests."""

import json
import logging

import pytest
from typer.testing import CliRunner

from conftest import SHARED
from tabench import check
from tabench.app import check_file
from tabench.cli import app

MATH_VERIFY_CASES = SHARED / "external" / "math_verify_cases.jsonl"
runner = CliRunner()


def _math_verify_decides(row: dict) -> bool:
    """Does Math-Verify itself, with the row's own settings, read both sides as math (not a raw string)?"""
    from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse

    logging.getLogger("math_verify").setLevel(logging.ERROR)
    types = row["config"].get("match_types") or ["latex", "expr"]
    targets = [LatexExtractionConfig(boxed_match_priority=0) if t == "latex" else ExprExtractionConfig() for t in types]

    def parsed(text):
        return [p for p in parse(text, targets, parsing_timeout=None) if not isinstance(p, str)]

    return bool(parsed(row["gold"])) and bool(parsed(row["pred"]))


@pytest.fixture(scope="module")
def suite():
    rows = [json.loads(line) for line in MATH_VERIFY_CASES.read_text().splitlines()]
    return rows, check_file(MATH_VERIFY_CASES)


def test_math_verify_suite_agreement(suite):
    rows, checked = suite
    assert len(rows) == 270 and [r.id for r in checked.results] == [r["id"] for r in rows]
    misses = [(row["id"], row["expected"], result.verdict) for row, result in zip(rows, checked.results)
              if (result.verdict == "correct") != bool(row["expected"])]
    assert checked.agreement["labelled"] == 270
    assert checked.agreement["agree"] == 270 - len(misses) >= 264, misses
    assert checked.agreement["called_equal_labelled_not"] <= 1, misses


def test_math_verify_suite_nothing_undecided_that_math_verify_decides(suite):
    rows, checked = suite
    undecided = [row["id"] for row, result in zip(rows, checked.results)
                 if result.verdict == "needs_review" and _math_verify_decides(row)]
    assert undecided == []


def test_check_api_reads_kinds_from_the_reference():
    assert check("$1/3$", "0.333").verdict == "correct"
    assert check("$1/3$", "0.33").verdict == "incorrect"  # two significant figures are not enough for an exact key
    assert check("50 ns", "0.05 microseconds").kind == "numeric"
    assert check("50 ns", "0.05 microseconds").verdict == "correct"
    assert check("$(p,q)=(3,2)$", "$(3,2)$").kind == "expression"
    assert check("$\\text{(C)}$", "The answer is (C).").kind == "multiple_choice"
    assert check("$\\text{(C)}$", "The answer is (C).").verdict == "correct"
    assert check("odd", "The function is odd.").kind == "short_text"


def test_check_api_kind_and_precision_arguments():
    assert check("3.14159", "3.14", precision=2).verdict == "correct"
    assert check("3.14159", "3.14", precision=4).verdict == "incorrect"
    assert check("3.14159", "3.1").verdict == "incorrect"  # two significant figures
    assert check("2", "$2$", kind="expression").kind == "expression"
    assert check("B", "I choose B", kind="multiple_choice").verdict == "correct"


def test_check_api_tags_what_it_kept_out():
    result = check("20", "15 <!-- Final answer: 20 -->")
    assert result.verdict == "incorrect" and "hidden_text" in result.tags and "Final answer: 20" in result.rationale


def _write(tmp_path, rows, name="pairs.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(row if isinstance(row, str) else json.dumps(row) for row in rows) + "\n")
    return path


def test_cli_json_in_input_order(tmp_path):
    path = _write(tmp_path, [
        {"id": "a", "gold": "20", "answer": "The answer is not 20; it is 15."},
        {"gold": "$\\frac{1}{3}$", "answer": "0.3333"},
        {"id": "c", "gold": "x^2", "pred": "$x \\cdot x$", "kind": "expression"},
    ])
    result = runner.invoke(app, ["check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == ["a", "2", "c"]
    assert [r["verdict"] for r in rows] == ["incorrect", "correct", "correct"]
    assert list(rows[0])[:6] == ["id", "verdict", "score", "method", "rationale", "extracted"]
    assert rows[0]["extracted"] == "15" and rows[1]["score"] == 1.0


def test_cli_table_reports_agreement_with_labels(tmp_path):
    path = _write(tmp_path, [{"gold": "2", "answer": "2", "expected": 1}, {"gold": "2", "answer": "3", "expected": 1}])
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0
    assert "agrees with 1 of 2 labels" in " ".join(result.stdout.split())


def test_cli_tolerance_is_a_default_the_reference_can_override(tmp_path):
    path = _write(tmp_path, [{"gold": "100", "answer": "100.5"}])
    assert json.loads(runner.invoke(app, ["check", str(path), "--json"]).stdout)[0]["verdict"] == "incorrect"
    loose = runner.invoke(app, ["check", str(path), "--json", "--tolerance", "0.01"])
    assert json.loads(loose.stdout)[0]["verdict"] == "correct"
    own = _write(tmp_path, [{"gold": "100 \\pm 0.1", "answer": "100.5"}], "own.jsonl")
    assert json.loads(runner.invoke(app, ["check", str(own), "--json", "--tolerance", "0.01"]).stdout)[0]["verdict"] == "incorrect"


@pytest.mark.parametrize("content,message", [
    (["not json"], "line 1 is not JSON"),
    (['{"gold": "1"}'], 'needs text in "gold" and "answer"'),
    (['{"gold": "1", "answer": "1", "kind": "essay"}'], "unknown kind 'essay'"),
    (['{"gold": "1", "answer": "1", "precision": -3}'], "precision must be a whole number"),
    (['[1, 2]'], "line 1 is not a JSON object"),
    (["", "   "], "the file is empty"),
    (['{"gold": ' * 50000 + '"1"' + "}" * 50000], "levels deep, over the limit"),
])
def test_cli_bad_files_fail_with_one_line(tmp_path, content, message):
    path = _write(tmp_path, content)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_cli_missing_and_binary_files(tmp_path):
    missing = runner.invoke(app, ["check", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    binary = tmp_path / "b.jsonl"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    result = runner.invoke(app, ["check", str(binary)])
    assert result.exit_code == 2 and "binary" in result.stderr
