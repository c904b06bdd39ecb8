"""`tabench agreement`: seed 004's imported reader's verdicts against a scripted judge, numbers checked by hand."""

import json
from fractions import Fraction

import pytest
from typer.testing import CliRunner

from conftest import EXAM, SEEDS
from fake_openai import FakeOpenAI, completion, judge_reply
from tabench import ingest
from tabench.cli import app
from tabench.model import Blank, Part, ProblemSet, Question

runner = CliRunner()
SEED_004 = SEEDS / "004_a98960079fc0cf70.txt"

# 004 answers homework 3, whose key is not among the seeds: its parts as 004's own question index lists them.
# Question 5 is the exam's question 6 (Tensor Rematerialization), with the exam's reference answers.
HW3 = {
    1: ("Maximal Update Parameterization", "derivation", {
        "a": "Scaling of expected squared RMS norm of $y=Wx$ at initialization.",
        "b": "Scaling of expected RMS norm squared of unscaled feature change during training.",
        "c": "Why the update rule only depends on d_1."}),
    3: ("Maximal Update Parameterization Research", "short_text", {
        "a": "Analysis of Figure 1 from the paper.", "b": "Analysis of Table 3 from the paper.",
        "c": "Analysis of Desideratum 1 and Condition 1 from a research paper."}),
    4: ("Policy Gradient and the Reparameterization Gradient Estimator", "derivation", {
        "a": "Express the gradient of F(mu) as an expectation for a Gaussian distribution (policy gradient).",
        "b": "Rewrite F(mu) using an expectation over a standard normal distribution.",
        "c": "Express the gradient of F(mu) using an expectation over p_{mu=0}(x) (reparameterization).",
        "d": "General policy gradient estimator.", "e": "General reparameterization gradient estimator."}),
}

# What the scripted judge says (the reader's verdicts, from truth/verdicts.json, in the comments).
JUDGE = {"1.a": "correct",             # reader: correct
         "1.b": "correct",             # reader: partially_correct   <- differ
         "1.c": "correct",             # reader: correct
         "3.a": "incorrect",           # reader: incorrect
         "3.b": "partially_correct",   # reader: correct             <- differ
         "3.c": "incorrect",           # reader: incorrect
         "4.a": "correct", "4.b": "correct",  # reader: correct, correct
         "4.c": "incorrect",           # reader: correct             <- differ
         "4.d": "correct", "4.e": "correct"}  # reader: correct, correct
SCORES = {"correct": 1.0, "partially_correct": 0.5, "incorrect": 0.0}


def hw3_key(tmp_path):
    questions = [Question(number=n, title=title, parts=[
        Part(id=f"{n}.{label}", label=label, kind=kind, points=5, prompt=prompt,
             solution=f"The staff's solution to homework 3, question {n}({label}).", blanks=[Blank(id="answer", kind=kind)])
        for label, prompt in parts.items()]) for n, (title, kind, parts) in HW3.items()]
    six = ingest(EXAM).questions[5]
    assert six.number == 6 and six.title.startswith("Tensor Rematerialization")
    questions.append(six.model_copy(update={"number": 5, "parts": [
        part.model_copy(update={"id": "5." + part.id.split(".")[1]}) for part in six.parts]}))
    path = tmp_path / "hw3.json"
    path.write_text(ProblemSet(title="Homework 3", questions=questions).model_dump_json())
    return path


@pytest.fixture
def graded_004(tmp_path, monkeypatch):
    monkeypatch.setenv("TABENCH_HOME", str(tmp_path))
    key = hw3_key(tmp_path)

    def respond(body):
        part = body["messages"][1]["content"].split()[1]
        return 200, completion(judge_reply(body, JUDGE[part], SCORES[JUDGE[part]])), {}

    with FakeOpenAI(respond=respond) as judge:
        result = runner.invoke(app, ["grade", str(key), str(SEED_004), "--judge", "openai/j", "--judge-base-url",
                                     judge.url, "--json"])
    assert result.exit_code == 0, result.output
    return key, {v["part_id"]: v for v in json.loads(result.stdout)}


def test_agreement_with_the_reader_of_004(graded_004):
    key, verdicts = graded_004
    assert {pid for pid, v in verdicts.items() if v["method"] == "judge"} == set(JUDGE)
    # 5.a-5.c are numbers: the exam's key decides them with the numeric checker, so they are not compared
    assert {verdicts[p]["method"] for p in ("5.a", "5.b", "5.c")} == {"numeric"}
    result = runner.invoke(app, ["agreement", "--problem-set", str(key), "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    # 11 judged parts, 8 agree (all but 1.b, 3.b, 4.c).
    assert (got["n"], got["agree"]) == (11, 8) and got["accuracy"] == pytest.approx(8 / 11)
    # reader: correct 8, partially 1, incorrect 2; judge: correct 7, partially 1, incorrect 3
    # chance agreement (8*7 + 1*1 + 2*3) / 11^2 = 63/121; kappa = (88/121 - 63/121) / (1 - 63/121) = 25/58
    assert got["kappa"] == pytest.approx(float(Fraction(25, 58)))
    assert got["confusion"] == {  # rows: the reader; columns: the judge
        "correct": {"correct": 6, "partially_correct": 1, "incorrect": 1},
        "partially_correct": {"correct": 1, "partially_correct": 0, "incorrect": 0},
        "incorrect": {"correct": 0, "partially_correct": 0, "incorrect": 2}}
    # derivations (1.a-c, 4.a-e): 6 of 8 agree; reader correct 7, partially 1; judge correct 7, incorrect 1;
    # chance 49/64, kappa = (48/64 - 49/64) / (15/64) = -1/15
    derivation = got["by_kind"]["derivation"]
    assert (derivation["n"], derivation["agree"]) == (8, 6)
    assert derivation["kappa"] == pytest.approx(-1 / 15)
    # short text (3.a-c): 2 of 3; reader correct 1, incorrect 2; judge partially 1, incorrect 2;
    # chance 4/9, kappa = (6/9 - 4/9) / (5/9) = 2/5
    short = got["by_kind"]["short_text"]
    assert (short["n"], short["agree"], short["kappa"]) == (3, 2, pytest.approx(0.4))
    # one part, one label each side: kappa is undefined (not 1.00), and says so
    assert got["by_part"]["1.a"]["kappa"] is None and got["by_part"]["1.a"]["kappa_note"].startswith("undefined")
    assert [(d["part_id"], d["human"], d["judge"]) for d in got["differ"]] == [
        ("1.b", "partially_correct", "correct"), ("3.b", "correct", "partially_correct"), ("4.c", "correct", "incorrect")]
    assert (got["judge_undecided"], got["not_judged"]) == (0, 3)


def test_agreement_in_the_terminal(graded_004):
    key, _ = graded_004
    result = runner.invoke(app, ["agreement", "--problem-set", str(key)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "accuracy 72.7% (8 of 11), Cohen's κ 0.43" in text
    assert "not compared: 0 the judge left to review, 3 decided by a checker or not judged" in text
    assert "differ: 004_a98960079fc0cf70 1.b (derivation): person partially_correct, judge correct" in text
    assert "undefined" in text


def test_agreement_needs_submissions(tmp_path, monkeypatch):
    monkeypatch.setenv("TABENCH_HOME", str(tmp_path))
    result = runner.invoke(app, ["agreement"])
    assert result.exit_code == 2 and "give submission ids or --problem-set KEY" in result.stderr
    result = runner.invoke(app, ["agreement", "7"])
    assert result.exit_code == 2 and "no submission '7'" in result.stderr
