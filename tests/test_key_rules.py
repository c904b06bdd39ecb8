"""Rules of the answer key and its readers found on documents the tool was not built on (issues 10, 11, 12, 16
follow-ups). One table per rule, several forms each, with where the form comes from; each table also holds
the near misses that must stay as they were."""

import pytest

from conftest import SHARED
from tabench import ingest
from tabench.checkers.symbolic import check_expression
from tabench.ingest.normalize import normalize
from tabench.key import build_blanks, numeric_answer
from tabench.model import Blank
from tabench.read.math import clean_latex
from tabench.read.picks import chosen_labels
from tabench.read.quantities import read_quantity, values_in
from tabench.transcripts.labels import read_label

CORPUS = SHARED / "corpus"


# ---- 1. a value with an explicit ± is a numeric key with that tolerance ------------------------------------

@pytest.mark.parametrize("written,value,spread", [
    (r"2,200 \pm 200", 2200, 200),  # stat50 quiz 1, 2(a): `$2,200 \pm 200$`
    (r"98.12 \pm 0.77\,\text{ms}", 98.12, 0.77),  # seed 002's reported means, written as LaTeX
    (r"25{,}600 \pm 1{,}000", 25600, 1000),  # a braced thousands separator on both sides
    (r"50 \pm 5\%", 50, 2.5),  # a relative spread
])
def test_a_plus_minus_in_math_is_the_spread(written, value, spread):
    quantity = read_quantity(written)
    assert quantity.value == value and quantity.spread == pytest.approx(spread)


def test_a_plus_minus_in_prose_reads_a_grouped_spread_and_two_roots_are_no_spread():
    assert values_in("about 2,200 ± 1,000 loans")[0].quantity.spread == 1000  # was read as ± 1
    assert read_quantity(r"1 \pm \sqrt{19}") is None  # two roots, not a measured value


def test_the_stat50_key_is_numeric_with_its_tolerance_and_grades_by_it():
    part = ingest(CORPUS / "latex_exam" / "stat50_quiz1.tex").part("2.a")
    number = part.blanks[0].number
    assert part.kind == "numeric" and (number.value, number.abs_tol) == (2200, 200)
    from tabench.grade import grade_part
    assert grade_part(part, "About 2,350 loans.").verdict == "correct"
    assert grade_part(part, "2,500 loans").verdict == "incorrect"


@pytest.mark.parametrize("solution,expected", [
    ("- **negative ELBO** : 98.12 ± 0.77\n- **KL-Divergence** : 20.38 ± 0.38",  # seed 002 4.a, as it is written
     [("negative_elbo", 98.12, 0.77, None), ("kl_divergence", 20.38, 0.38, None)]),
    ("- latency: $16.4 \\pm 0.2\\,\\mu s$\n- memory: 12.5 ± 10% GiB",  # units and a relative spread kept
     [("latency", 16.4, 0.2, "µs"), ("memory", 12.5, 1.25, "GiB")]),
])
def test_a_list_of_named_measured_values_is_one_numeric_blank_each(solution, expected):
    _, blanks = build_blanks("4.a", "Train it, then report the following numbers.", [solution], [])
    assert [(b.id, b.number.value, pytest.approx(b.number.abs_tol), b.number.unit) for b in blanks] == expected


def test_a_list_of_named_values_without_a_spread_is_not_read_as_measured_values():
    _, blanks = build_blanks("2", "Report the following numbers.", ["- learning rate: 0.01\n- batch size: 64"], [])
    assert all(b.number is None or b.number.abs_tol is None for b in blanks)


# ---- 2. LaTeX line breaks inside a key -----------------------------------------------------------------------

@pytest.mark.parametrize("latex,expected", [
    (r"f(x) = x^2 + 1 \\ = 2x", "f(x) = 2x"),  # a derivation continued on the next line with '='
    (r"\begin{aligned} f &= 1 + 1 \\ &= 2 \end{aligned}", "= 2"),  # aligned: its last line, as before (math307 quiz 2)
    (r"k = 45 \\ n = 2", "k = 45, n = 2"),  # one assignment per line: a list
    (r"g = a \\[4pt] b", "g = a, b"),  # a break with a length is a break, not '\[' math
    (r"\begin{pmatrix} 1 \\ 2 \end{pmatrix}", r"\begin{pmatrix} 1 \\ 2 \end{pmatrix}"),  # rows of a matrix stay
    (r"\\frac{1}{2}", r"\\frac{1}{2}"),  # a command escaped twice is no line break
])
def test_line_breaks_in_a_key_join_its_lines(latex, expected):
    assert clean_latex(latex) == expected


def test_an_expression_key_broken_over_lines_grades():
    kind, blanks = build_blanks("", "Find $f(x)$.", [r"$f(x) = x^2 + 1 \\ = 2x$"], [])
    assert kind == "expression" and blanks[0].latex == "f(x) = 2x"
    assert check_expression("$f(x) = 2x$", blanks[0]).verdict == "correct"
    assert check_expression("$f(x) = 2x + 1$", blanks[0]).verdict == "incorrect"


# ---- 3. a part that asks for code is code ------------------------------------------------------------------

@pytest.mark.parametrize("prompt,solution,kind", [
    ("Write an implementation for the same functionality, with a for loop instead of a while loop.",  # introdatasci 2.a.ii
     "```python\nmylist = []\nfor i in range(100, 3000):\n    mylist.append(i)\n```", "code"),
    ("Write a pipeline that creates a new file `names_sorted.txt`.", "`sort names.txt > names_sorted.txt`", "code"),  # 10.b.iii
    ("Write a function that returns the mean of a list.", "Sum the list and divide by its length.", "code"),
    ("Complete the code below so that it prints the total.", "Add `total += x` in the loop.", "code"),
    ("Implement the update rule of SGD.", "$\\theta \\leftarrow \\theta - \\alpha g$", "code"),
    ("Create a mask that selects all paths that qualify.",  # introdatasci 5.b: a solution that is only code
     "```\nmask = (data[:, 4] == 1) & (data[:, 1] >= 160)\n```", "code"),
    ("What is the output that the following pipeline will generate?",  # 10.b.i: what code prints is text
     "```\ngrade,id,name,points,\n```", "short_text"),
    ("Test your implementation by training a VAE and report the negative ELBO.", "98.12", "numeric"),  # seed 002 4.a
])
def test_code_is_a_row_of_the_kind_table(prompt, solution, kind):
    assert build_blanks("", prompt, [solution], [])[0] == kind


# ---- 4. select-all keys written as lists of labels -----------------------------------------------------------

_OPTIONS = "Which statements are true? Select all that apply.\n\nA. The sky is blue\nB. Grass is red\nC. Water is wet\nD. Fire is cold"


@pytest.mark.parametrize("solution,labels", [
    ("A and C", ["A", "C"]), ("A, C", ["A", "C"]), ("(A) and (C)", ["A", "C"]), ("Both A and C", ["A", "C"]),
    ("**A and C**", ["A", "C"]), ("A & C.", ["A", "C"]), ("A, C, and D", ["A", "C", "D"]),
    ("The answer is A and C.", ["A", "C"]), ("The correct answers are (A) and (C).", ["A", "C"]), ("B", ["B"]),
])
def test_a_select_all_key_is_the_set_of_labels_it_lists(solution, labels):
    kind, blanks = build_blanks("", _OPTIONS, [solution], [])
    assert kind == "select_all" and blanks[0].correct == labels


def test_the_grader_reads_the_same_lists():
    blank = build_blanks("", _OPTIONS, ["A and C"], [])[1][0]
    assert chosen_labels("Both A and C", blank) == ["A", "C"]
    assert chosen_labels("(A) and (C)", blank) == ["A", "C"]


# ---- 5. a value followed by its justification --------------------------------------------------------------

@pytest.mark.parametrize("solution,value,unit", [
    ("5 bits, since 2^5=32.", 5, "bits"),  # the brief's key
    ("5 bits, since $2^5 = 32$.", 5, "bits"),
    ("$5$ bits because $2^5=32$", 5, "bits"),
    ("12 ms because 4 + 8 = 12 and the disk is idle.", 12, "ms"),
    ("We need 5 bits since 2^5 = 32 >= 26.", 5, "bits"),  # was 26, the last number of the reason
    ("Since $2^5 = 32$, we need 5 bits.", 5, "bits"),  # the reason first
    ("7 (since 49 = 7^2)", 7, None),
    ("The total is $4 + 8 = 12$ since both run.", 12, None),  # a result stated before its reason stays
])
def test_a_justification_clause_does_not_give_the_key(solution, value, unit):
    number, _ = numeric_answer(solution)
    assert (number.value, number.unit) == (value, unit)


# ---- 6. lower-case lettered options -------------------------------------------------------------------------

@pytest.mark.parametrize("options", [
    "a. Normal\nb. Poisson\nc. Uniform",  # LMS quiz exports
    "a) Normal\nb) Poisson\nc) Uniform",
    "A. Normal\nB. Poisson\nC. Uniform",  # as before
])
@pytest.mark.parametrize("solution", ["(B) Poisson", "b. Poisson", "Poisson", "B", "(b)"])
def test_lower_case_options_are_choices_and_a_key_names_one_by_label_or_text(options, solution):
    kind, blanks = build_blanks("", f"Which distribution models counts?\n\n{options}", [solution], [])
    assert kind == "multiple_choice" and [c.label for c in blanks[0].choices] == ["A", "B", "C"]
    assert blanks[0].correct == ["B"]
    for answer in ("(B) Poisson", "b. Poisson", "Poisson", "b"):
        assert chosen_labels(answer, blanks[0]) == ["B"], answer
    assert chosen_labels("(A) Normal", blanks[0]) == ["A"]


def test_mixed_case_or_out_of_order_letters_are_no_options():
    assert build_blanks("", "Two cases:\n\na. Normal\nB. Poisson", ["Normal"], [])[0] != "multiple_choice"
    assert build_blanks("", "Notes:\n\nb. first\nc. second", ["first"], [])[0] != "multiple_choice"


def test_a_markdown_question_with_lower_case_options_and_a_bracketed_key():
    text = ("# Quiz\n\n**1.** Which distribution models the number of arrivals in an hour?\n\n"
            "a. Normal\nb. Poisson\nc. Uniform\n\n**Answer:** (B) Poisson\n")
    from tabench.ingest.markdown import parse_markdown
    part = parse_markdown(text).part("1")
    assert part.kind == "multiple_choice" and part.blanks[0].correct == ["B"]


# ---- 7. \log follows the key's log base, on both sides ------------------------------------------------------

@pytest.mark.parametrize("base,answer,verdict", [
    (None, r"$n \log n$", "correct"), (None, r"$n \ln n$", "correct"), (None, r"$n \log_2 n$", "incorrect"),
    (None, "n log2(n)", "incorrect"),
    ("2", r"$n \log n$", "correct"), ("2", r"$n \log_2 n$", "correct"), ("2", "n log2(n)", "correct"),
    ("2", r"$\frac{n \ln n}{\ln 2}$", "correct"), ("2", r"$n \ln n$", "incorrect"), ("2", r"$n \log_{10} n$", "incorrect"),
    ("10", r"$n \log n$", "correct"), ("10", r"$n \log_{10} n$", "correct"), ("10", r"$n \log_2 n$", "incorrect"),
])
def test_a_log_in_the_answer_is_read_in_the_keys_base(base, answer, verdict):
    blank = Blank(id="answer", kind="expression", latex=r"T(n) = n \log n", log_base=base)
    assert check_expression(answer, blank).verdict == verdict


# ---- 8. import: a part glued to its question number --------------------------------------------------------

@pytest.mark.parametrize("line,components", [
    ("Q1a) AB is not possible", ("1", "a")),  # the cst463 lab's Human/Assistant transcript
    ("Q1b: BA is not possible", ("1", "b")),
    ("Q2) the column vector", ("2",)),
    ("3c) AC is possible", ("3", "c")),
    ("Problem 4ii: yes", ("4", "ii")),
    ("2x + 1 is the answer", None), ("3rd time", None), ("5a is large", None),
])
def test_a_part_letter_glued_to_its_number_is_a_label(line, components):
    label = read_label(line)
    assert (label.components if label else None) == components


def test_a_block_that_fits_no_part_is_listed_unaligned_not_dropped():
    from tabench.transcripts import import_text

    key = ingest(CORPUS / "markdown" / "cst463_lab01_matrices.md")
    text = "User: help\n\nAssistant: Q1) The products AB and BA are not possible, AC is.\n\nQ4: Yes, elementwise."
    imported = import_text(text, "t", key)
    assert any("AB and BA" in entry["text"] for entry in imported.unaligned)
    assert imported.answer_map()["4"].startswith("Q4: Yes")


# ---- 9. \( \) and \[ \] after letters -----------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    (r"\(x\)y", "$x$y"), (r"\(x\)", "$x$"), (r"a \(\alpha\) and \(\beta\)", r"a $\alpha$ and $\beta$"),
    (r"\[x^2\]", "$$x^2$$"), (r"the set\(S\)", "the set$S$"),
    (r"line\\(a)", r"line\\(a)"), (r"a\\[2pt] b", r"a\\[2pt] b"),  # line breaks before a bracket stay
    (r"text\\\(x\)", r"text\\$x$"),  # a line break, then math
])
def test_math_delimiters_are_read_by_the_backslashes_before_them(text, expected):
    assert normalize(text) == expected
