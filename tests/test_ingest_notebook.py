"""Jupyter notebooks: the corpus's solution notebooks, nbgrader and otter markers, nbformat 3 and 4, bad files."""

import json

import nbformat
import pytest
from nbformat import v3, v4

from conftest import SHARED
from tabench.errors import TabenchError
from tabench.ingest import load_problem_set

CORPUS = SHARED / "corpus" / "notebook"


def test_ds100_discussion_five_questions_with_solution_cells():
    problem_set = load_problem_set(CORPUS / "ds100_sp17_disc09_solution.ipynb")
    assert problem_set.title == "Regression and Featurization"
    assert [p.id for p in problem_set.parts()] == ["1", "2", "3", "4", "5"]
    part = problem_set.part("3")
    assert part.solution.startswith("Adding a new feature will always decrease training error!")
    assert "Chinese Literature" in part.prompt and "always decrease training error" not in part.prompt
    assert all("<br>" not in p.prompt for p in problem_set.parts())
    # question 1 shows its plots as images: a figure-dependent part that names its files
    first = problem_set.part("1")
    assert first.needs_figure and [f.path for f in first.figures] == ["images/Linearwithpreds.png", "images/poly.png"]
    assert problem_set.warnings == []


def test_mit_pset_solution_cells_after_the_parts_go_to_each_part():
    problem_set = load_problem_set(CORPUS / "mit1806_f22_pset3sol.ipynb")
    assert [p.id for p in problem_set.parts()] == ["1.a", "1.b", "2.a", "2.b", "3.a", "3.b", "4.a", "4.b", "4.c", "4.d"]
    assert [p.points for p in problem_set.parts()] == [5, 5, 5, 5, 5, 5, 3, 3, 3, 3]  # "(5+5 points)", "(3+3+3+3 points)"
    assert "\\boxed{r = 4}" in problem_set.part("1.a").solution
    assert problem_set.part("1.a").prompt.startswith("Give the rank of $D$")
    assert "\\boxed" not in problem_set.part("1.b").prompt
    # the staff wrote "(c)" twice in problem 4's solution: the second is (d)'s, and ingest says so
    assert problem_set.part("4.d").solution.startswith("The solutions *must exist* and are *unique*")
    assert problem_set.warnings == ["question 4: the solution of (c) is written twice; the second is taken as the "
                                    "solution of (d); check the document"]


def _write(tmp_path, notebook, name="nb.ipynb"):
    path = tmp_path / name
    path.write_text(nbformat.writes(notebook))
    return path


def test_nbgrader_solution_cells_and_code_markers(tmp_path):
    notebook = v4.new_notebook(cells=[
        v4.new_markdown_cell("# Lab 3"),
        v4.new_markdown_cell("## Question 1 (2 points)\n\nWrite a function `square(x)` that returns $x^2$."),
        v4.new_code_cell("def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION",
                         outputs=[v4.new_output("stream", text="x" * 1000)]),
        v4.new_markdown_cell("## Question 2 (1 point)\n\nWhat is the derivative of $x^2$?"),
        v4.new_markdown_cell("$2x$", metadata={"nbgrader": {"solution": True, "grade": True, "grade_id": "q2"}}),
        v4.new_markdown_cell("## Question 3 (1 point)\n\nHow many bytes are in a kibibyte?"),
        v4.new_code_cell("answer = 1024  # SOLUTION\nprint(answer)"),
    ])
    problem_set = load_problem_set(_write(tmp_path, notebook))
    assert [(p.id, p.points) for p in problem_set.parts()] == [("1", 2), ("2", 1), ("3", 1)]
    first = problem_set.part("1")
    assert "return x * x" in first.solution and "return x * x" not in first.prompt
    assert "def square(x):" in first.prompt and "x" * 100 not in first.prompt  # outputs are dropped
    assert problem_set.part("2").solution == "$2x$"
    assert problem_set.part("2").kind == "expression" and problem_set.part("2").blanks[0].latex == "2x"
    third = problem_set.part("3")
    assert "answer = 1024" in third.solution and "answer = 1024" not in third.prompt and "print(answer)" in third.prompt


def test_otter_raw_cells_mark_solutions_and_drop_tests(tmp_path):
    notebook = v4.new_notebook(cells=[
        v4.new_markdown_cell("**Question 1.** What is the mean of 2, 4 and 6?"),
        v4.new_raw_cell("# BEGIN SOLUTION"),
        v4.new_markdown_cell("The mean is 4."),
        v4.new_raw_cell("# END SOLUTION"),
        v4.new_raw_cell("# BEGIN TESTS"),
        v4.new_code_cell("assert mean == 4"),
        v4.new_raw_cell("# END TESTS"),
        v4.new_markdown_cell("**Question 2.** Name a measure of spread."),
        v4.new_markdown_cell("# SOLUTION\n\nThe standard deviation."),
    ])
    problem_set = load_problem_set(_write(tmp_path, notebook))
    assert [p.id for p in problem_set.parts()] == ["1", "2"]
    assert problem_set.part("1").solution == "The mean is 4."
    assert "assert mean" not in problem_set.part("1").prompt + problem_set.part("1").solution
    assert problem_set.part("2").solution == "The standard deviation."


def test_nbformat_3_notebooks_are_read(tmp_path):
    notebook = v3.new_notebook(worksheets=[v3.new_worksheet(cells=[
        v3.new_text_cell("markdown", source="### Problem 1\n\nHow many sides does a hexagon have?"),
        v3.new_text_cell("markdown", source="**Solution:** 6"),
        v3.new_code_cell(input="print(6)", outputs=[v3.new_output("stream", output_text="6")]),
        v3.new_text_cell("markdown", source="### Problem 2\n\nHow many sides does a square have?\n\n**Solution:** 4"),
    ])])
    path = tmp_path / "old.ipynb"
    path.write_text(nbformat.writes(notebook, version=3))
    assert json.loads(path.read_text())["nbformat"] == 3
    problem_set = load_problem_set(path)
    assert [(p.id, p.blanks[0].number.value) for p in problem_set.parts()] == [("1", 6), ("2", 4)]
    assert "print(6)" in problem_set.part("1").solution  # a code cell after the solution marker is solution code


@pytest.mark.parametrize("content,message", [
    ('{"cells": [', "invalid JSON"),
    ('{"cells": []}', "not a Jupyter notebook"),
    ('{"nbformat": 2, "cells": []}', "nbformat 2 is not supported"),
    ('{"nbformat": 4, "nbformat_minor": 5, "cells": "oops", "metadata": {}}', "notebook"),
    ("[" * 100_000 + "]" * 100_000, "levels deep, over the limit"),
])
def test_malformed_notebooks_are_one_line(tmp_path, content, message):
    path = tmp_path / "bad.ipynb"
    path.write_text(content)
    with pytest.raises(TabenchError, match=message) as info:
        load_problem_set(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_a_code_cell_opening_with_a_solution_comment_is_solution_code(tmp_path):
    notebook = v4.new_notebook(cells=[
        v4.new_markdown_cell("## Question 1\n\nWrite `mean(xs)`."),
        v4.new_code_cell("# SOLUTION\ndef mean(xs):\n    return sum(xs) / len(xs)"),
        v4.new_markdown_cell("## Question 2\n\nWhat does `mean([])` raise?\n\n**Answer:** ZeroDivisionError"),
    ])
    problem_set = load_problem_set(_write(tmp_path, notebook))
    first = problem_set.part("1")
    assert "return sum(xs) / len(xs)" in first.solution and "def mean" not in first.prompt
    assert problem_set.part("2").solution == "ZeroDivisionError"
