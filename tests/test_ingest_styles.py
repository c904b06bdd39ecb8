"""Documents in converter styles the seeds do not use: robustness is the point."""

import pytest

from tabench.errors import ParseError
from tabench.ingest.markdown import parse_markdown

HEADINGS_AND_TASK_BOXES = r"""
Course 101 — Midterm

Question 1 (6 points)

Which optimiser keeps a running average of squared gradients? (select one)

- [ ] SGD
- [ ] Momentum
- [ ] RMSProp

> **Answer.** RMSProp.

Page 1 of 2

Question 2 (4 points)

**Which of these are convex?** (mark all that apply)

- [ ] \(f(x) = x^2\)
- [ ] \(f(x) = -x^2\)
- [ ] \(f(x) = |x|\)

*Solution.*

- [x] \(f(x) = x^2\)
- [ ] \(f(x) = -x^2\)
- [x] \(f(x) = |x|\)

Page 2 of 2
"""


def test_question_word_headings_task_boxes_and_paren_math():
    ps = parse_markdown(HEADINGS_AND_TASK_BOXES)
    assert [p.id for p in ps.parts()] == ["1", "2"]
    first, second = ps.parts()
    assert first.kind == "multiple_choice" and first.points == 6
    assert [c.text for c in first.choices if c.label in first.blanks[0].correct] == ["RMSProp"]
    assert second.kind == "select_all"
    assert [c.text for c in second.choices if c.label in second.blanks[0].correct] == ["$f(x) = x^2$", "$f(x) = |x|$"]
    assert "Page 1 of 2" not in first.prompt + first.solution


FOOTERS_BETWEEN_PARTS = """
**1. Memory Arithmetic (10 pts)**

A model has 7 billion parameters stored in 16-bit floats.

(a) (5 pts) **How many gigabytes do the weights take?**

**Solution:** $7 \\times 10^9 \\times 2 = 14 \\times 10^9$ bytes, that is 14 GB.

CS 000 Fall 2030 Midterm — do not distribute

(b) (5 pts) **How many bytes does one parameter take?**

CS 000 Fall 2030 Midterm — do not distribute

**Solution:** 2 bytes.

CS 000 Fall 2030 Midterm — do not distribute

**2. Honor Code (1 point or $-\\infty$)**

Sign your name below.
"""


def test_repeated_banner_between_parts_is_removed():
    ps = parse_markdown(FOOTERS_BETWEEN_PARTS)
    assert [p.id for p in ps.parts()] == ["1.a", "1.b", "2"]
    b = ps.part("1.b")
    assert "do not distribute" not in b.prompt + b.solution
    assert b.kind == "numeric"
    assert (b.blanks[0].number.value, b.blanks[0].number.unit) == (2, "bytes")
    assert ps.part("2").kind == "admin" and ps.part("2").points == 1


ASSUMPTION_LIST = """
## 1. Warm-up (2 points)

State the bias of the sample mean.

**Solution:** It is unbiased.

## 2. Linear Regression (8 points)

We make the following assumptions:

1. The noise is Gaussian.
2. The features are fixed.
3. The noise has variance \\(\\sigma^2\\).

- (a) (4 pts) **What is the maximum-likelihood estimate of the weights?**

**Solution:** $\\hat{w} = (X^\\top X)^{-1} X^\\top y$.

- (b) (4 pts) **Prove that the estimate is unbiased.**

**Solution:** $E[\\hat w] = (X^\\top X)^{-1} X^\\top X w = w$.

## 3. Wrap-up (1 point)

Who did you work with?
"""


def test_numbered_list_inside_a_question_is_not_questions():
    ps = parse_markdown(ASSUMPTION_LIST)
    assert [p.id for p in ps.parts()] == ["1", "2.a", "2.b", "3"]
    assert "The features are fixed." in ps.questions[1].preamble
    assert ps.part("2.a").kind == "expression"
    assert ps.part("2.a").blanks[0].latex.replace(" ", "") == "\\hat{w}=(X^\\topX)^{-1}X^\\topy"
    assert ps.part("2.b").kind == "derivation"
    assert ps.part("3").kind == "admin"


ROMAN_AND_HTML = """
1. Convolutions

- (a) Consider a $3 \\times 3$ kernel.
  - i. **How many weights does one channel of it have?**

Solution: 9.

  - ii. **Which padding keeps the size?** (select one)

| <input type="checkbox"/> valid | <input type="checkbox"/> same |
|---|---|

<b>Solution:</b> <input type="checkbox" checked/> same

- (b) **What is the output size of a $32 \\times 32$ input with stride 2 and same padding?**

Solution: 16.
"""


def test_roman_sub_parts_html_boxes_and_html_solution_marker():
    ps = parse_markdown(ROMAN_AND_HTML)
    assert [p.id for p in ps.parts()] == ["1.a.i", "1.a.ii", "1.b"]
    assert ps.part("1.a.i").blanks[0].number.value == 9
    ii = ps.part("1.a.ii")
    assert ii.kind == "multiple_choice"
    assert [c.text for c in ii.choices if c.label in ii.blanks[0].correct] == ["same"]
    assert ps.part("1.b").blanks[0].number.value == 16


DISPLAY_MATH_BRACKETS = r"""
### 1) Diffusion (8 pts)

**Derive** the closed form of $\bar\alpha_t$ in terms of the $\beta_i$.

**Solution:** Unrolling the recursion,

\[ \bar\alpha_t = \prod_{i=1}^{t} (1-\beta_i) \]
"""


def test_bracket_display_math_and_paren_question_number():
    ps = parse_markdown(DISPLAY_MATH_BRACKETS)
    part = ps.part("1")
    assert part.kind == "expression" and part.points == 8
    assert part.blanks[0].latex == r"\bar\alpha_t = \prod_{i=1}^{t} (1-\beta_i)"


def test_code_fence_with_numbers_is_not_a_question():
    doc = "1. Code\n\n```\n1 x = 1\n2 y = 2\n3 z = 3\n```\n\n**Implement** the function.\n\n2. Next question\n\nExplain.\n"
    ps = parse_markdown(doc)
    assert [p.id for p in ps.parts()] == ["1", "2"]
    assert "2 y = 2" in ps.part("1").prompt


def test_no_questions_is_a_parse_error():
    with pytest.raises(ParseError, match="no numbered questions"):
        parse_markdown("Just some notes.\n\nNothing numbered here.\n")


def test_same_document_same_ids():
    assert [p.id for p in parse_markdown(ASSUMPTION_LIST).parts()] == [p.id for p in parse_markdown(ASSUMPTION_LIST).parts()]


PLAIN_EXAM = """
Midterm Exam — CS 000

Problem 1: Backpropagation [10 marks]

a) [4 marks] What is the derivative of \\(\\tanh(x)\\)?

**Solution**

\\(1 - \\tanh^2(x)\\)

b) [6 marks] How many multiplications does a 3x3 convolution over a 32x32 input with same padding need?

**Solution**
9216

Problem 2: Optimizers [5 marks]

Which optimizer uses both momentum and per-parameter adaptive learning rates?
A. SGD
B. RMSProp
C. Adam
D. Adagrad

Answer: C

Q3. Short answer (2 marks)

Name the activation that outputs zero for negative inputs.

Answer: ReLU
"""


def test_plain_exam_with_lettered_options_and_bare_solution_headings():
    from tabench import grade

    ps = parse_markdown(PLAIN_EXAM)
    assert [(p.id, p.kind, p.points) for p in ps.parts()] == [
        ("1.a", "expression", 4), ("1.b", "numeric", 6), ("2", "multiple_choice", 5), ("3", "short_text", 2)]
    mc = ps.part("2").blanks[0]
    assert [c.label for c in mc.choices] == ["A", "B", "C", "D"] and mc.correct == ["C"]
    assert [c.text for c in mc.choices][2] == "Adam"
    verdicts = {v.part_id: v.verdict for v in grade(ps, {"1.a": "$\\text{sech}^2 x$... so $1-\\tanh(x)^2$",
                                                       "1.b": "$32 \\times 32 \\times 9 = 9216$",
                                                       "2": "Adam (option C)", "3": "ReLU"})}
    assert verdicts == {"1.a": "correct", "1.b": "correct", "2": "correct", "3": "correct"}


MARKER_STYLE = r"""# CS 229 Problem Set 2 Solutions

## Question 1 [12 points]

Consider logistic regression.

### (a) [4 points]

**Show that** the log-likelihood is concave.

**Solution.** The Hessian is $-X^\top S X$ with $S$ diagonal and positive, so it is negative semidefinite.

### (b) [8 points]

What is the gradient of the log-likelihood with respect to $\theta$?

*Solution.* $\nabla_\theta \ell = X^\top (y - \sigma(X\theta))$

---
CS 229 — Problem Set 2 — page 1

## Question 2 [6 points]

**(a)** Which of the following are valid kernels? Select all that apply.

- [ ] $k(x,z) = x^\top z$
- [ ] $k(x,z) = -x^\top z$
- [ ] $k(x,z) = (x^\top z + 1)^2$

> **Answer.** The first and the third: $x^\top z$ and $(x^\top z+1)^2$.

**(b)** How many support vectors can a hard-margin SVM in $\mathbb{R}^2$ have at minimum?

> **Answer.** 2

---
CS 229 — Problem Set 2 — page 2
"""


def test_heading_levels_for_questions_and_parts_blockquote_answers_and_page_footers():
    ps = parse_markdown(MARKER_STYLE)
    assert [(p.id, p.kind, p.points) for p in ps.parts()] == [
        ("1.a", "derivation", 4), ("1.b", "expression", 8), ("2.a", "select_all", 3), ("2.b", "numeric", 3)]
    select = ps.part("2.a").blanks[0]
    assert select.correct == ["1", "3"]  # "the first and the third"
    assert ps.part("2.b").blanks[0].number.value == 2
    assert "page 1" not in ps.part("1.b").solution and "page 2" not in ps.part("2.b").solution


PIPE_TABLE = """
## 1. Communication (6 points)

Fill in the table for $n$ workers and $p$ parameters.

| Scheme | Messages | Size |
|---|---|---|
| Parameter Server | **Solution:** $2n$ | **Solution:** $p$ |
| Ring | **Solution:** $2n(n-1)$ | **Solution:** $p/n$ |
"""


def test_pipe_table_with_solution_cells():
    part = parse_markdown(PIPE_TABLE).part("1")
    assert [(b.id, b.latex) for b in part.blanks] == [
        ("parameter_server.messages", "2n"), ("parameter_server.size", "p"),
        ("ring.messages", "2n(n-1)"), ("ring.size", "p/n")]
    assert "Solution" not in part.prompt and "| Scheme | Messages | Size |" in part.prompt


def test_a_part_lost_in_conversion_is_reported_not_merged():
    doc = "## 1. Norms (9 pts)\n\n(a) (3 pts) What is $\\|x\\|_2$ for $x=(3,4)$?\n\nSolution: 5.\n\n" \
          "the lost part's text\n\n(c) (3 pts) What is $\\|x\\|_1$ for $x=(3,4)$?\n\nSolution: 7.\n"
    ps = parse_markdown(doc)
    assert [p.id for p in ps.parts()] == ["1.a", "1.c"]
    assert ps.part("1.c").blanks[0].number.value == 7
    assert ps.warnings == ["question 1: no part (b) found between (a) and (c); check the document",
                           "question 1: the parts add up to 6 points, the header says 9"]
