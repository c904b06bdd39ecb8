"""Reviewing by a person: rubric scores worked by hand, review order, groups of identical final answers, and human
verdicts stored as append-only events that reports, listings and comparisons use."""

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from tabench import app as application
from tabench.cli import app, example_path
from tabench.errors import ReviewError
from tabench.model import RubricItem, Verdict
from tabench.review import ReviewAnswer, group_answers, human_grade, merged_rubric, progress, rubric_score
from tabench.store import Store

runner = CliRunner()
CREDITS = [RubricItem(id="a", text="right setup", points=2), RubricItem(id="b", text="right value", points=1.5),
           RubricItem(id="c", text="sign error", points=-1)]
DEDUCTIONS = [RubricItem(id="x", text="no units", points=-1), RubricItem(id="y", text="wrong sign", points=-2)]


@pytest.mark.parametrize("rubric,met,expected", [
    (CREDITS, ["a"], 2.0),
    (CREDITS, ["a", "b"], 3.5),
    (CREDITS, ["a", "b", "c"], 2.5),  # a deduction inside a credit rubric
    (CREDITS, ["c"], 0.0),  # never below 0
    (CREDITS, ["a", "a"], 2.0),  # an item counts once
    (DEDUCTIONS, ["x"], 3.0),  # deductions only: from full marks (4)
    (DEDUCTIONS, ["x", "y"], 1.0),
    ([RubricItem(id="z", text="everything", points=9)], ["z"], 4.0),  # never above the part's points
])
def test_rubric_scores_by_hand(rubric, met, expected):
    assert rubric_score(rubric, met, 4.0) == expected


def test_human_grades():
    assert human_grade("correct", None, [], [], 4) == ("correct", 4.0)
    assert human_grade("incorrect", 3, [], [], 4) == ("incorrect", 0.0)
    assert human_grade("missing", None, [], [], 4) == ("missing", 0.0)
    assert human_grade("partially_correct", 1.5, [], [], 4) == ("partially_correct", 1.5)
    assert human_grade("correct", None, ["a", "b"], CREDITS, 4) == ("partially_correct", 3.5)  # the rubric decides
    assert human_grade("", None, ["x"], DEDUCTIONS, 1) == ("incorrect", 0.0)
    for verdict, score in (("partially_correct", None), ("partially_correct", 4), ("partially_correct", 0),
                           ("needs_review", None), ("great", None), ("partially_correct", float("nan"))):
        with pytest.raises(ReviewError):
            human_grade(verdict, score, [], [], 4)
    with pytest.raises(ReviewError, match="not in this part's rubric"):
        human_grade("correct", None, ["nope"], CREDITS, 4)


def test_reviewers_edits_overlay_the_keys_rubric():
    edits = [{"id": "b", "text": "right value, units", "points": 2.0}, {"id": "r4", "text": "extra", "points": 0.5}]
    merged = merged_rubric(CREDITS, edits)
    assert [(i.id, i.points) for i in merged] == [("a", 2), ("b", 2.0), ("c", -1), ("r4", 0.5)]


def _answer(sid, text, verdict="needs_review", method="none", extracted=None, tags=(), event=None, part="4"):
    automatic = Verdict(submission=f"s{sid}", part_id=part, verdict=verdict, score=0.0, points=4.0, method=method,
                        tags=list(tags), extracted=extracted)
    return ReviewAnswer(sid, f"s{sid}", part, text, automatic, event)


def test_groups_and_review_order():
    answers = [
        _answer(1, "8192 weights", "correct", "numeric", "8192"),
        _answer(2, "It is 128 x 64 = 8192.", "correct", "numeric", "8192"),
        _answer(3, "a   long\nderivation"),
        _answer(4, "a long derivation"),  # the same text, whitespace aside
        _answer(5, "the judge split here", tags=["judge_split"]),
        _answer(6, "8000", "incorrect", "numeric", "8000"),
        _answer(7, "the judge split here", "needs_review", "text", "the judge", tags=["judge_split"]),
    ]
    groups = group_answers(answers)
    assert [[m.submission_id for m in g.members] for g in groups] == [[3, 4], [5, 7], [1, 2], [6]]
    assert [g.rank for g in groups] == [0, 1, 2, 2]
    assert [m.submission_id for m in groups[2].other_texts] == [2]  # same final answer, other working
    assert groups[2].by_final_answer and not groups[0].by_final_answer
    assert groups[0].needs_person == 2 and groups[2].needs_person == 0
    graded = dict(verdict="correct", score=4.0, rubric=[], comment="", tags=[], grader="t", created_at="", source="review")
    answers[2].event = graded
    answers[3].event = dict(graded, verdict=None)  # voided: needs a person again
    assert progress(answers)["4"] == {"answers": 7, "needs_person": 3, "reviewed": 1}
    assert group_answers(answers)[0].mixed


@pytest.fixture
def class_of_three(tmp_path):
    rows = [{"submission": name, "part_id": part, "answer": answer}
            for name, answer4 in (("ann", "divide by sqrt(d_k)"), ("bo", "divide by sqrt(d_k)"), ("cy", "no idea"))
            for part, answer in (("4", answer4), ("3.a", "8192"))]
    path = tmp_path / "class.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    result = runner.invoke(app, ["grade", str(example_path()), str(path)])
    assert result.exit_code == 0, result.output
    return path, application.stored_problem_set_id(example_path())


def test_events_are_append_only_and_the_latest_is_the_verdict_of_record(class_of_three):
    _, problem_set_id = class_of_three
    application.record_review(problem_set_id, "4", [1, 2], verdict="partially_correct", score=3, comment="ok",
                              tags=["Needs Units"], grader="ann-ta")
    application.record_review(problem_set_id, "4", [1], verdict="correct", grader="bo-ta")
    with Store() as db:
        history = db.human_verdict_events(1, "4")
        assert [(e["grader"], e["old_verdict"], e["old_score"], e["verdict"], e["score"]) for e in history] == [
            ("ann-ta", "needs_review", 0.0, "partially_correct", 3.0), ("bo-ta", "partially_correct", 3.0, "correct", 6.0)]
        assert history[0]["tags"] == ["needs_units"]
        latest = {h["part_id"]: h for h in db.human_verdicts(1)}
        assert latest["4"]["verdict"] == "correct" and latest["4"]["grader"] == "bo-ta"
        assert {v.part_id: (v.verdict, v.method, v.score) for v in db.final_verdicts(2)}["4"] == ("partially_correct", "human", 3.0)
        assert {v.part_id: v.verdict for v in db.verdicts(1)}["4"] == "needs_review"  # the machine's stays
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.db.execute("UPDATE human_verdict_events SET score = 99")
        assert "007_human_verdict_events" in db.migrations()
    listed = {row["name"]: row["score"] for row in application.stored_submissions()}
    assert listed == {"ann": 10.0, "bo": 7.0, "cy": 4.0}  # 4 for 3.a, plus the person's grade of part 4
    with Store() as db:
        assert db.review_comments(problem_set_id, "4") == ["ok"]


def test_a_changed_answer_voids_the_persons_verdict(class_of_three, tmp_path):
    path, problem_set_id = class_of_three
    application.record_review(problem_set_id, "4", [1, 2], verdict="correct", grader="t")
    path.write_text(path.read_text().replace('"ann", "part_id": "4", "answer": "divide by sqrt(d_k)"',
                                             '"ann", "part_id": "4", "answer": "multiply by d_k"'))
    assert runner.invoke(app, ["grade", str(example_path()), str(path)]).exit_code == 0
    with Store() as db:
        ann = db.human_verdict_events(1, "4")
        assert [(e["verdict"], e["source"]) for e in ann] == [("correct", "review"), (None, "answer_changed")]
        assert {v.part_id: v.verdict for v in db.final_verdicts(1)}["4"] == "needs_review"
        assert [e["source"] for e in db.human_verdict_events(2, "4")] == ["review"]  # bo's answer did not change
    assert application.review_part(problem_set_id, "4").progress["needs_person"] == 2  # ann again, and cy


def test_a_rubric_change_rescores_only_verdicts_that_use_the_rubric(class_of_three):
    _, problem_set_id = class_of_three
    item = application.edit_rubric(problem_set_id, "4", text="names sqrt(d_k)", points=4, grader="t")["item"]
    application.record_review(problem_set_id, "4", [1], verdict="", rubric_met=[item.id], grader="t")
    application.record_review(problem_set_id, "4", [2], verdict="partially_correct", score=5, grader="t")
    result = application.edit_rubric(problem_set_id, "4", item_id=item.id, text="names sqrt(d_k)", points=5, grader="u")
    assert result["rescored"] == 1
    added = application.edit_rubric(problem_set_id, "4", text="explains the variance", points=1, grader="u")
    assert added["item"].id == "r2" and added["rescored"] == 0  # ann's 5 of 6 is unchanged by a new credit item
    with Store() as db:
        assert [(e["source"], e["score"], e["grader"]) for e in db.human_verdict_events(1, "4")] == [
            ("review", 4.0, "t"), ("rubric", 5.0, "u")]
        assert [e["score"] for e in db.human_verdict_events(2, "4")] == [5.0]
    with pytest.raises(ReviewError):
        application.edit_rubric(problem_set_id, "4", item_id="r9", text="x", points=1, grader="u")
    with pytest.raises(ReviewError):
        application.edit_rubric(problem_set_id, "4", text="", points=1, grader="u")
    with pytest.raises(ReviewError):
        application.edit_rubric(problem_set_id, "4", text="x", points=float("inf"), grader="u")


def test_bad_reviews_are_refused_and_store_nothing(class_of_three):
    _, problem_set_id = class_of_three
    for args, kwargs in (((problem_set_id, "9.z", [1]), {"verdict": "correct"}),
                         (("nope", "4", [1]), {"verdict": "correct"}),
                         ((problem_set_id, "4", [99]), {"verdict": "correct"}),
                         ((problem_set_id, "4", []), {"verdict": "correct"}),
                         ((problem_set_id, "4", [1]), {"verdict": "partially_correct", "score": 7}),
                         ((problem_set_id, "4", [1]), {"verdict": "correct", "comment": "x" * 3000})):
        with pytest.raises(ReviewError):
            application.record_review(*args, grader="t", **kwargs)
    with Store() as db:
        assert db.human_verdict_events() == []


def test_reports_and_comparisons_use_the_persons_verdict_and_show_the_machines(class_of_three):
    _, problem_set_id = class_of_three
    application.record_review(problem_set_id, "4", [3], verdict="incorrect", comment="no reasoning", grader="t")
    application.record_review(problem_set_id, "3.a", [3], verdict="partially_correct", score=2, grader="t")
    markdown = runner.invoke(app, ["report", "3", "--format", "md"]).stdout
    assert "**Automatic:** needs review 0 / 6 — text" in markdown and "**Automatic:** correct 4 / 4 — numeric" in markdown
    assert "**Score: 2 / " in markdown
    report = json.loads(runner.invoke(app, ["report", "3", "--format", "json"]).stdout)
    parts = {p["id"]: p for q in report["questions"] for p in q["parts"]}
    assert parts["3.a"]["verdict"]["method"] == "human" and parts["3.a"]["automatic"]["verdict"] == "correct"
    assert parts["3.a"]["agrees"] is False  # the person disagrees with the checker
    assert report["summary"]["human_agreement"] == {"n": 1, "agree": 0, "share": 0.0, "kappa": 0.0}
    compared = json.loads(runner.invoke(app, ["compare", "3", "--json"]).stdout)
    assert compared["groups"][0]["per_part"]["3.a"] == 0.5


def test_the_page_order_puts_split_judges_after_plain_needs_review(class_of_three):
    _, problem_set_id = class_of_three
    with Store() as db:
        (cy,) = [v for v in db.verdicts(3) if v.part_id == "4"]
        db.save_verdicts(3, [cy.model_copy(update={"method": "judge", "tags": ["judge_split"],
                                                   "rationale": "2 of 3 votes: correct"})])
    groups = application.review_part(problem_set_id, "4").groups
    assert [[m.submission for m in g.members] for g in groups] == [["ann", "bo"], ["cy"]]
    assert [g.rank for g in groups] == [0, 1]
    assert application.review_part(problem_set_id, "4").progress == {"answers": 3, "needs_person": 3, "reviewed": 0}
