"""Hand-labelled answers to documents the grader was not built on (tests/data/labelled): how often the grader's
verdict disagrees with the label, and how often it cannot decide.

`dev.jsonl` (135 answers: the DS100 final, the introdatasci exam, MIT 18.06 exam 1, CST463 lab 1, seed 001) was
used to find and fix reading errors. `heldout.jsonl` (110 answers: MIT 18.06 fall 22 exam 1, CMC CSCI145, STAT50
quizzes, MATH307, Harvard CS181, seed 002) was written by someone else from the documents alone and is kept for
measurement. Each row says its style and why its label holds. The bounds below are the measured counts with a
margin of one or two: a change that makes the grader read these answers worse fails here.
"""

import pytest

from labelled import grade_rows, rows, summary

BOUNDS = {  # name: (most disagreements, most undecided, most wrong answers called correct)
    "dev": (5, 13, 2),
    "heldout": (13, 16, 2),
}


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_verdicts_agree_with_the_labels(name):
    labelled = rows(name)
    assert len(labelled) >= 100 and {row["label"] for row in labelled} == {"correct", "incorrect"}
    counts = summary(grade_rows(labelled))
    most_disagree, most_undecided, most_wrong_correct = BOUNDS[name]
    assert counts["disagree"] <= most_disagree, counts
    assert counts["undecided"] <= most_undecided, counts
    assert counts["wrong_called_correct"] <= most_wrong_correct, counts
