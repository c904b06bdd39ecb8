"""Grading a class with the worker's comparisons pipelined: the grader reads on while the worker decides, and the
verdicts are the ones grading each submission on its own gives."""

import pytest

from test_grade_seeds import checkable_parts, part_answers
from tabench import grade, worker
from tabench.app import grade_submissions
from tabench.checkers.symbolic import compare_expressions
from tabench.worker import Pending, Worker, WorkerLimit


def _class(problem_set, students: int):
    """Every checkable part answered in the key's three ways and two wrong ways (a digit changed, a sign flipped)."""
    variants = {}
    for part in checkable_parts(problem_set):
        forms = part_answers(part)
        variants[part.id] = forms + [forms[0].replace("1", "7"), forms[1].replace("+", "-")]
    return [(f"student{s}", {part_id: forms[(s + i) % len(forms)] for i, (part_id, forms) in enumerate(variants.items())})
            for s in range(students)]


def _empty_caches():
    worker.forget_comparisons()
    compare_expressions.cache_clear()


@pytest.mark.parametrize("doc", ["exam", "hw12"])
def test_a_pipelined_class_gets_the_verdicts_of_one_submission_at_a_time(doc, request):
    problem_set = request.getfixturevalue(doc)
    submissions = _class(problem_set, 10)
    _empty_caches()
    pipelined = grade_submissions(problem_set, submissions)
    _empty_caches()
    one_by_one = [grade(problem_set, answers, name) for name, answers in submissions]
    assert [[(v.part_id, v.verdict, v.score, v.extracted) for v in verdicts] for verdicts in pipelined] == \
        [[(v.part_id, v.verdict, v.score, v.extracted) for v in verdicts] for verdicts in one_by_one]
    by_part = {part.id: part for part in checkable_parts(problem_set)}
    for (name, answers), verdicts in zip(submissions, pipelined):
        for verdict in verdicts:
            if verdict.part_id not in by_part:
                continue
            if answers[verdict.part_id] in part_answers(by_part[verdict.part_id]):  # the key's own answer
                assert verdict.verdict == "correct", (name, verdict.part_id, verdict.rationale)
    expression_parts = [p for p in checkable_parts(problem_set) if p.kind == "expression" and len(p.blanks) == 1]
    wrong = [(v.part_id, v.verdict) for (_, answers), verdicts in zip(submissions, pipelined) for v in verdicts
             if v.part_id in {p.id for p in expression_parts}
             and answers[v.part_id] == part_answers(by_part[v.part_id])[0].replace("1", "7") != part_answers(by_part[v.part_id])[0]]
    if doc == "exam":
        assert len(wrong) >= 3
    assert all(verdict == "incorrect" for _, verdict in wrong), wrong


def test_a_comparison_the_worker_has_not_decided_is_pending_while_deferring():
    gold, answer = ("\\prod_{k=1}^{m} (1-\\gamma_k) + q_{pipe}",), ("\\prod_{k=2}^{m} (1-\\gamma_k) + q_{pipe}",)
    _empty_caches()
    with worker.deferring():
        with pytest.raises(Pending):
            worker.compare(gold, answer)
    assert worker.compare(gold, answer) == ("different", worker.compare(gold, answer)[1])
    with worker.deferring():  # decided now: no longer pending
        assert worker.compare(gold, answer)[0] == "different"


def test_requests_sent_ahead_survive_one_that_ends_the_worker():
    pipe = Worker(hard_cpu_seconds=2)
    first = {"op": "compare", "gold": ["x+1"], "answer": ["1+x"], "precision": None}
    fatal = {"op": "compare", "gold": ["9^{99999999}"], "answer": ["1"], "precision": None}
    last = {"op": "compare", "gold": ["x^2"], "answer": ["x x + 1"], "precision": None}
    try:
        for message in (first, fatal, last):
            pipe.send(message)
        assert pipe.reply(last) is None  # the worker is still on the big power
        assert pipe.request(last)["result"] == "different"  # answered by the worker started after the fatal one
        with pytest.raises(WorkerLimit, match="CPU-time limit"):
            pipe.request(fatal)
        assert pipe.request(first)["result"] == "equal"
    finally:
        pipe.close()


def test_a_closed_worker_is_not_started_again():
    pipe = Worker()
    assert pipe.request({"op": "compare", "gold": ["2x"], "answer": ["x+x"], "precision": None})["result"] == "equal"
    pipe.close()
    with pytest.raises(WorkerLimit, match="could not be started"):
        pipe.request({"op": "compare", "gold": ["3x"], "answer": ["x+2x"], "precision": None})
