"""Tolerance that matches intent: the key's own tolerance first, then how the key and the answer are written;
`--tolerance` is a default for keys without their own."""

import json

import pytest
from typer.testing import CliRunner

from tabench.checkers.tolerance import matches
from tabench.cli import app
from tabench.model import Number
from tabench.read.numbers import read_number


def key(written, **fields):
    return Number(value=read_number(written).value, written=written, **fields)


def answer(written):
    number = read_number(written)
    return number.value, number


ROWS = [
    # (key, answer, accepted, why)
    (key("16.4"), "16.38", True, "a rounded key accepts what rounds to it (issue 10)"),
    (key("16.4"), "16.44", True, "half a unit of the last place"),
    (key("16.4"), "16.46", False, "beyond half a unit"),
    (key("16.4"), "16", False, "fewer significant figures than the key"),
    (key("16.4", approximate=True), "16.3", True, "'about 16.4' allows 1 %"),
    (key("16.4", approximate=True), "16.0", False, "beyond 1 %"),
    (key("16.38"), "16.4", True, "a coarser answer with 3 significant figures"),
    (key("16.38"), "16.3", False, "rounded the wrong way"),
    (Number(value=1 / 3, written="1/3"), "0.333", True, "an exact key accepts 3 significant figures"),
    (Number(value=1 / 3, written="1/3"), "0.3333", True, ""),
    (Number(value=2 / 3, written="2/3"), "0.666", True, "truncated"),
    (Number(value=2 / 3, written="2/3"), "0.667", True, "rounded"),
    (Number(value=1 / 3, written="1/3"), "0.33", False, "two significant figures"),
    (Number(value=1 / 3, written="1/3"), "0.334", False, ""),
    (key("25600"), "25601", False, "an integer key is exact"),
    (key("25600"), "25600.0", True, ""),
    (key("0.5"), "0.54", False, "a one-figure decimal is exact, not rounded"),
    (key("98.12", abs_tol=0.77), "98.8", True, "the key's own tolerance (± 0.77)"),
    (key("98.12", abs_tol=0.77), "98.95", False, ""),
    (key("3.14159", decimals=2), "3.14", True, "precision: compared to 2 places"),
    (key("3.14159", decimals=4), "3.14", False, ""),
]


@pytest.mark.parametrize("reference,written,accepted,why", ROWS)
def test_tolerance_rules(reference, written, accepted, why):
    value, number = answer(written)
    assert matches(value, number, reference) is accepted, why


def test_default_tolerance_only_where_the_key_has_none():
    value, number = answer("101")
    assert matches(value, number, key("100")) is False
    assert matches(value, number, key("100"), default_rel_tol=0.02) is True
    assert matches(value, number, key("100", abs_tol=0.5), default_rel_tol=0.02) is False  # the key's own wins


def test_grade_tolerance_option(tmp_path):
    from conftest import EXAM

    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"7.b": "25700"}))
    runner = CliRunner()
    strict = json.loads(runner.invoke(app, ["grade", str(EXAM), str(answers), "--json", "--no-store"]).stdout)
    loose = json.loads(runner.invoke(app, ["grade", str(EXAM), str(answers), "--json", "--no-store",
                                           "--tolerance", "0.01"]).stdout)
    assert {v["part_id"]: v["verdict"] for v in strict}["7.b"] == "incorrect"
    assert {v["part_id"]: v["verdict"] for v in loose}["7.b"] == "correct"
    assert runner.invoke(app, ["grade", str(EXAM), str(answers), "--tolerance", "-1"]).exit_code == 2
