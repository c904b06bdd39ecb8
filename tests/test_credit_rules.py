"""Partial credit from the solution's grading notes: rules of the blank, visible in `ingest --json`, editable, applied
by the checkers; what a checker cannot test goes on to the judge or a person."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tabench import grade, ingest
from tabench.cli import app
from tabench.model import ProblemSet
from tabench.read.credit import RULES, credit_rules, credit_share

QUIZ = Path(__file__).parent / "data" / "quiz_with_grading_notes.md"


@pytest.mark.parametrize("when,pattern,example", RULES)
def test_every_rule_of_the_table_reads_its_example(when, pattern, example):
    assert [rule.when for rule in credit_rules(example)] == [when]


@pytest.mark.parametrize("text,share", [("half credit", 0.5), ("full credit", 1.0), ("3 of the 5 points", 0.6),
                                        ("3/5 points", 0.6), ("40% credit", 0.4), ("no credit", 0.0)])
def test_credit_shares(text, share):
    assert credit_share(text) == pytest.approx(share)


def test_notes_that_are_not_rules():
    assert credit_rules("We compute the gradient with the chain rule.") == []
    assert credit_rules("Partial credit was generous this year.") == []  # no share to apply


@pytest.fixture(scope="module")
def quiz():
    return ingest(QUIZ)


def test_rules_are_rules_of_the_blank(quiz):
    rules = {part.id: [(r.when, r.value, r.credit) for r in part.blanks[0].rules] for part in quiz.parts()}
    assert rules["1.a"] == [("answer_is", "1000", 0.6)]
    assert rules["1.b"] == [("sign_error", None, 0.5)]
    assert rules["1.c"] == [("omits", "the bias terms", 0.6)]
    assert rules["2"] == [("per_box", None, 1.0)]
    assert rules["3"] == [("any_answer", None, 1.0)]


def test_rules_are_visible_in_ingest_json():
    result = CliRunner().invoke(app, ["ingest", str(QUIZ), "--json"])
    assert result.exit_code == 0, result.output
    blank = ProblemSet.model_validate_json(result.stdout).part("1.b").blanks[0]
    assert blank.rules[0].when == "sign_error" and blank.rules[0].note == "A sign error gets half credit."


@pytest.mark.parametrize("part_id,answer,verdict,score", [
    ("1.a", "1010", "correct", 5),
    ("1.a", "$100 \\times 10 = 1000$", "partially_correct", 3),
    ("1.a", "1001", "incorrect", 0),
    ("1.b", "$f'(x) = -2x$", "correct", 5),
    ("1.b", "$f'(x) = 2x$", "partially_correct", 2.5),
    ("1.b", "$f'(x) = -x$", "incorrect", 0),
    ("1.c", "112", "correct", 5),
    ("1.c", "108", "needs_review", 0),  # maybe the bias terms left out: a checker cannot tell, the judge or a person can
    ("2", "choices 1 and 3", "correct", 6),
    ("2", "choices 1 and 2", "partially_correct", 3),
    ("3", "7", "correct", 1),
])
def test_checkers_apply_the_rules(quiz, part_id, answer, verdict, score):
    result = {v.part_id: v for v in grade(quiz, {part_id: answer})}[part_id]
    assert (result.verdict, result.score) == (verdict, score), result.rationale
    if verdict == "partially_correct" and part_id != "2":
        assert "partial_credit_rule" in result.tags and "the solution's note gives" in result.rationale


def test_edited_rules_are_applied(quiz, tmp_path):
    edited = json.loads(quiz.model_dump_json())
    for question in edited["questions"]:
        for part in question["parts"]:
            if part["id"] == "1.b":
                part["blanks"][0]["rules"][0]["credit"] = 0.8
            if part["id"] == "1.a":
                part["blanks"][0]["rules"] = []
    path = tmp_path / "quiz.json"
    path.write_text(json.dumps(edited))
    verdicts = {v.part_id: v for v in grade(ingest(path), {"1.a": "1000", "1.b": "$2x$"})}
    assert verdicts["1.b"].score == 4.0
    assert verdicts["1.a"].verdict == "incorrect"
