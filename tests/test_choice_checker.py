"""Choice and select-all answers, checked against the seed keys' own blanks."""

import pytest

from tabench.checkers.choice import check_multiple_choice, check_select_all
from tabench.model import Blank, Choice


def check(part, answer, blank_index=0):
    blank = part.blanks[blank_index]
    checker = check_select_all if blank.kind == "select_all" else check_multiple_choice
    return checker(answer, blank)


MC = [
    # exam 4(b): key D
    ("4.b", "**Option D** is correct.", "correct"),
    ("4.b", "D", "correct"),
    ("4.b", "The answer is (D): add it on line 9.", "correct"),
    ("4.b", "☒ **D** on line 9 above", "correct"),
    ("4.b", "- [x] D on line 9 above", "correct"),
    ("4.b", "Option A is where L2 regularization goes, but for decoupled weight decay the answer is D.", "correct"),
    ("4.b", "Final answer: A", "incorrect"),
    ("4.b", "**Option B** is correct.", "incorrect"),
    ("4.b", "☒ **A** on line 6 above", "incorrect"),
    ("4.b", "I am not sure.", "needs_review"),
    # exam 7(a): Scenario 3
    ("7.a", "Scenario 3.", "correct"),
    ("7.a", "**Scenario 3** (full fine-tuning) changes the foundation weights.", "correct"),
    ("7.a", "The answer is Scenario 3 because only it updates the base model.", "correct"),
    ("7.a", "choice 3", "correct"),
    ("7.a", "☒ Scenario 3", "correct"),
    ("7.a", "Scenario 1.", "incorrect"),
    ("7.a", "None of the above", "incorrect"),
    ("7.a", "Final answer: Scenario 2", "incorrect"),
    # exam 7(c): REPTILE
    ("7.c", "REPTILE.", "correct"),
    ("7.c", "REPTILE, because MAML would need gradients through 10 inner steps.", "correct"),
    ("7.c", "MAML is too expensive here; the answer is REPTILE.", "correct"),
    ("7.c", "MAML.", "incorrect"),
    ("7.c", "MAML with k = 10, since it is exact.", "incorrect"),
    ("7.c", "Both MAML and REPTILE could work.", "needs_review"),
    ("7.c", "**Answer: REPTILE.** MAML would need second-order gradients through 10 steps.", "correct"),
    ("7.c", "Answer: MAML. REPTILE only approximates the meta-gradient.", "incorrect"),
    # exam 11(c): options not printed, key (b)
    ("11.c", "(b)", "correct"),
    ("11.c", "**Selection: Curve (b)**", "correct"),
    ("11.c", "Curve (b): validation error first drops, then rises.", "correct"),
    ("11.c", "Curve (d)", "incorrect"),
    # exam 11(d)(ii): key (a)
    ("11.d.ii", "**ii. Better Latent Space: Selection: Figure (a) ( $\\beta = 10^{-3}$ )**", "correct"),
    ("11.d.ii", "☒ (a)", "correct"),
    ("11.d.ii", "Figure (c) is best.", "incorrect"),
]


@pytest.mark.parametrize("pid,answer,expected", MC)
def test_multiple_choice(exam, pid, answer, expected):
    assert check(exam.part(pid), answer).verdict == expected


SELECT_ALL = [
    # exam 7(d): all three
    ("7.d", "All three.", "correct", ()),
    ("7.d", "All of the above.", "correct", ()),
    ("7.d", "Choices 1, 2 and 3", "correct", ()),
    ("7.d", "☒ During meta-learning, include occasional gradient updates to A and B on random subsets of the original training data with the original self-supervised training loss.\n☒ During meta-learning, include occasional gradient updates to A and B using the original self-supervised training loss but on the new training data from the training family of tasks.\n☒ After your meta-learning updates are done, reinitialize the A matrices to zero before actually fine-tuning on new tasks.", "correct", ()),
    ("7.d", "Choices 1 and 3", "incorrect", ("subset_of_choices",)),
    ("7.d", "Only the first one: choice 1.", "incorrect", ("subset_of_choices",)),
    # exam 12(a): choices 2 and 4 (column-major numbering)
    ("12.a", "choices 2 and 4", "correct", ()),
    ("12.a", "Choices 4 and 2.", "correct", ()),
    ("12.a", "$\\|f(\\mathbf{x}')\\|_2 = a\\|f(\\mathbf{x})\\|_2$ and $\\|\\mathbf{g}^{(x')}\\|_2 = \\|\\mathbf{g}^{(x)}\\|_2$", "correct", ()),
    ("12.a", "choices 1 and 4", "incorrect", ("wrong_choice",)),
    ("12.a", "choice 2", "incorrect", ("subset_of_choices",)),
    ("12.a", "choices 2, 4 and 6", "incorrect", ("superset_of_choices",)),
    # exam 12(c): choices 1 and 6
    ("12.c", "Choices 1 and 6.", "correct", ()),
    ("12.c", "choices 1 and 5", "incorrect", ("wrong_choice",)),
    # exam 12(d): 1, 3, 6
    ("12.d", "(Choice 1, 3, 6)", "correct", ()),
    ("12.d", "Choices 1, 3 and 6 are true.", "correct", ()),
    ("12.d", "Choices 1, 3, 5", "incorrect", ("wrong_choice",)),
    ("12.d", "Choices 1 and 3", "incorrect", ("subset_of_choices",)),
    ("12.d", "Choices 1, 2, 3, 6", "incorrect", ("superset_of_choices",)),
    ("12.d", "I cannot tell.", "needs_review", ("no_final_answer",)),
    ("12.d", "Type 1 and Type 2 are both encoder-style and not equivalent (1, 3, 6).", "correct", ()),
    ("12.d", "True statements: (1, 3, 5).", "incorrect", ("wrong_choice",)),
]


@pytest.mark.parametrize("pid,answer,expected,tags", SELECT_ALL)
def test_select_all(exam, pid, answer, expected, tags):
    result = check(exam.part(pid), answer)
    assert result.verdict == expected
    assert result.tags == tags


ROWS = [
    ("encoder", "Task Loss AND Latent Regularizer.", "correct"),
    ("encoder", "☒ task loss ☒ latent regularizer", "correct"),
    ("encoder", "task loss", "incorrect"),
    ("decoder", "Gradient contributors: Task Loss only.", "correct"),
    ("decoder", "☒ task loss ☐ latent regularizer", "correct"),
    ("decoder", "☒ task loss ☒ latent regularizer", "incorrect"),
]


@pytest.mark.parametrize("row,answer,expected", ROWS)
def test_rows_of_boxes(hw12, row, answer, expected):
    part = hw12.part("3.b")
    index = [b.id for b in part.blanks].index(row)
    assert check(part, answer, index).verdict == expected


def test_per_box_partial_credit():
    blank = Blank(id="answer", kind="select_all", partial_credit=True, correct=["1", "3"],
                  choices=[Choice(label=str(i), text=t) for i, t in enumerate(["alpha", "beta", "gamma", "delta"], 1)])
    result = check_select_all("choices 1 and 2", blank)
    assert result.verdict == "partially_correct"
    assert result.fraction == pytest.approx(0.5)
    assert check_select_all("choices 1 and 3", blank).fraction == 1.0


def test_no_partial_credit_by_default(exam):
    assert check(exam.part("7.d"), "Choices 1 and 3").fraction == 0.0


PLAIN_TEXT_BLANKS = [
    ("5", "(A) = μ and (B) = σ².", {"a": "correct", "b": "correct"}),
    ("5", "(A) = 2μ and (B) = σ².", {"a": "incorrect", "b": "correct"}),
    ("11.d.i", "(a) β = 10^-3, (b) β = 10^-6, (c) β = 1", {"a": "correct", "b": "correct", "c": "correct"}),
    ("11.d.i", "(a) β = 10⁻⁶, (b) β = 10⁻³, (c) β = 10⁰", {"a": "incorrect", "b": "incorrect", "c": "correct"}),
]


@pytest.mark.parametrize("pid,answer,expected", PLAIN_TEXT_BLANKS)
def test_unicode_and_plain_text_math_in_choice_blanks(exam, pid, answer, expected):
    from tabench.read.blanks import split_for_blanks

    part = exam.part(pid)
    pieces = split_for_blanks(answer, part)
    got = {blank.id: check(part, pieces.get(blank.id, ""), index).verdict
           for index, blank in enumerate(part.blanks) if blank.id in expected}
    assert got == expected
