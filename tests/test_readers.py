"""Answers as people really write them, reader by reader: each row is a real way of writing an answer, with where it
comes from, and the wrong answers students give (an intermediate value, a wrong unit, a dropped factor, an
off-by-one that lands within 0.1% of the key) stay wrong."""

import pytest

from tabench import check
from tabench.grade import grade_part
from tabench.model import Blank, Choice
from tabench.read.numbers import read_number
from tabench.read.visible import visible

NUMBERS = [
    # (written, value, source)
    ("25,600", 25600, "exam 001 7(b), typed"),
    ("$25{,}600$", 25600, "issue 10: graded 600 before"),
    ("10,455", 10455, "Math-Verify tests (additional_cases 17)"),
    ("14{,}916", 14916, "Math-Verify tests (latex_notation_math 3)"),
    ("14 {, }916", 14916, "Math-Verify tests (latex_notation_math 3)"),
    ("32,\\! 349", 32349, "Math-Verify tests (additional_cases 23)"),
    ("11,\\! 111,\\! 111,\\! 100", 11111111100, "Math-Verify tests (additional_cases 22)"),
    ("1 000", 1000, "Math-Verify tests (number_extraction 2)"),
    (".4", 0.4, "Math-Verify tests (number_extraction 8)"),
    ("1,22", 1.22, "Math-Verify tests: decimal comma"),
    ("1000,99", 1000.99, "Math-Verify tests: decimal comma"),
    ("0,111", 0.111, "Math-Verify tests: decimal comma after a zero"),
    ("1,000.99", 1000.99, "Math-Verify tests"),
    ("−5", -5, "Unicode minus, pasted from a PDF"),
    ("5e-3", 0.005, "typed scientific notation"),
    ("2.56 \\times 10^{4}", 25600, "LaTeX scientific notation"),
    ("2.56·10⁴", 25600, "Unicode scientific notation"),
    ("2.56 x 10^4", 25600, "typed scientific notation"),
    ("28\\%", 28, "Math-Verify tests (percent_notation)"),
]


@pytest.mark.parametrize("written,value,source", NUMBERS)
def test_numbers_as_written(written, value, source):
    number = read_number(written, math="\\" in written or "{" in written)
    assert number is not None and number.value == pytest.approx(value), source


# (reference, answer, verdict, source) through tabench.check: the reference's kind is inferred
QUANTITIES = [
    ("50 ns", "0.05 microseconds", "correct", "issue 10: graded 0.05 ≠ 50 ns"),
    ("50 ns", "$0.05\\,\\mu s$", "correct", "exam 001 6(c)"),
    ("50 ns", "$5 \\times 10^{1}\\,\\mathrm{ns}$", "correct", "exam 001 6(c)"),
    ("50 ns", "$5\\cdot 10^{-8}$ s", "correct", "exam 001 6(c), unit after the math"),
    ("The access takes about 16.4 µs.", "16.38 µs", "correct", "issue 10: rejected with a 1e-9 tolerance"),
    ("The access takes about 16.4 µs.", "$16.4\\,\\text{µs}$", "correct", "issue 10"),
    ("10 meters", "1000 cm", "correct", "units written out"),
    ("2 GiB", "2147483648 bytes", "correct", "units written out"),
    ("9.8 m/s^2", "9.8 m/s²", "correct", "typed physics unit"),
    ("9.8 m/s^2", "980 cm/s^2", "correct", "typed physics unit, converted"),
    ("5 g", "5e-3 kg", "correct", "issue 10: typed"),
    ("3 kN·m", "3000 N·m", "correct", "issue 10: typed"),
    ("$28\\%$", "0.28", "correct", "a percentage as a fraction"),
    ("$28\\%$", "28 percent", "correct", "Math-Verify tests (percent_notation)"),
    ("$\\frac{1}{3}$", "0.333", "correct", "issue 10: an exact key accepts a decimal"),
    ("$\\frac{\\sqrt{3}}{2}$", "0.866", "correct", "issue 10: an exact key accepts a decimal"),
    ("$1000.99$", "the number is not 10 which is 1,000.99€", "correct", "Math-Verify tests (negation)"),
    # wrong, in the ways students err
    ("50 ns", "50 µs", "incorrect", "wrong unit"),
    ("50 ns", "50 GB", "incorrect", "wrong unit, another dimension"),
    ("2 GB", "2 GiB", "incorrect", "wrong unit: GiB is not GB"),
    ("10 m", "10 cm", "incorrect", "wrong unit (Math-Verify reads 10 cm as 10)"),
    ("25600", "25601", "incorrect", "off by one, within 0.004%"),
    ("1024", "1023", "incorrect", "off by one, within 0.1%"),
    ("16384 ns", "16383 ns", "incorrect", "off by one, within 0.01%"),
    ("98.12", "98.13", "incorrect", "off by one in the last place of a rounded key"),
    ("25600", "5120", "incorrect", "dropped factor (×5)"),
    ("$\\frac{1}{3}$", "0.33", "incorrect", "too few places for an exact key"),
    ("-3", "3", "incorrect", "sign error"),
    ("$0.28$", "28", "incorrect", "Math-Verify tests (percent_notation)"),
]


@pytest.mark.parametrize("gold,answer,verdict,source", QUANTITIES)
def test_quantities_with_units(gold, answer, verdict, source):
    result = check(gold, answer)
    assert (result.kind, result.verdict) == ("numeric", verdict), (source, result.rationale)


EXPRESSIONS = [
    ("$2x^2 + 3x$", "2*x^2 + 3x", "correct", "issue 10: typed into a form"),
    ("$\\frac{\\sqrt{2}}{2}$", "sqrt(2)/2", "correct", "issue 10: typed"),
    ("$x^2$", "x**2", "correct", "issue 10: Python syntax"),
    ("$e^{-t/2}$", "e^(-t/2)", "correct", "issue 10: typed"),
    ("$\\sigma^2$", "σ²", "correct", "Unicode, exam 001 Q5"),
    ("$\\frac{\\alpha_\\tau}{\\alpha_t}$", "alpha_tau / alpha_t", "correct", "exam 001 10(b), typed Greek"),
    ("$1$", "$\\frac3{3} $", "correct", "issue 10 / Math-Verify tests"),
    ("$9$", "Answer \\( 9 \\)", "correct", "issue 10: \\( \\)"),
    ("$9$", "Answer \\[ 9 \\]", "correct", "issue 10: \\[ \\]"),
    ("$10/9$", "Answer $ \\frac{1}{2} \\$ = \\frac{10}{9} $", "correct", "issue 10: escaped \\$"),
    ("$11$", "$x \\approx 11$", "correct", "issue 10: \\approx as a result"),
    ("$\\frac{1}{3}$", "$x = \\frac{1}{3} \\approx 0.33$", "correct", "the exact value before its approximation"),
    ("$k = 45, n = 2$", "$$\\boxed{k = 45} \\quad \\text{and} \\quad \\boxed{n = 2}$$", "correct", "issue 10: assignments"),
    ("$(3, \\frac{\\pi}{2})$", "the polar coordinates are $\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}$.", "correct", "tuple"),
    ("$\\{1, 2, 3\\}$", "\\boxed{3}, \\boxed{1} and \\boxed{2}", "correct", "a set from several boxes"),
    ("$[0, 1)$", "$x \\in [0,1)$", "correct", "interval"),
    ("$\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}$", "$\\left[\\begin{array}{cc}1 & 2 \\\\3 & 4\\end{array}\\right]$", "correct",
     "matrix with row breaks"),
    ("$\\ln 2$", "$\\log 2$", "correct", "issue 10: log is the natural log"),
    ("$W^\\top x$", "$\\mathbf{W}^\\top \\mathbf{x}$", "correct", "DL notation"),
    ("$2x+4y-3=0$", "$y=-\\frac{1}{2}x+\\frac{3}{4}$", "correct", "an equation compared as an equation"),
    ("$\\sin^{6}(x)+\\cos^{6}(x)$", "$1-3\\sin^{2}(x)\\cos^{2}(x)$", "correct", "an identity SymPy's simplify misses"),
    ("c1 = 1, c2 = 1/3, c3 = 0", "$c_1 = 1, c_2 = \\frac{1}{3}, c_3 = 0$", "correct", "corpus introdatasci 7.b, typed indices"),
    ("0 <= min(x) <= 20,000", "$0 \\le \\min(x) \\le 20000$", "correct", "corpus stat50 2.b, typed relation"),
    ("$\\frac{7}{28} = 0.25$", "$\\boxed{0.25}$", "correct", "corpus stat50 quiz 2: a key that works out a number"),
    # wrong, in the ways students err
    ("$7 = 11a + c$", "$11a+c$", "incorrect", "an equation is not its right side"),
    ("$2n(n-1)$", "$n(n-1)$", "incorrect", "dropped factor"),
    ("$\\frac{1}{2} m v^2$", "$m v^2$", "incorrect", "dropped factor"),
    ("$(0,9)$", "$[0,9)$", "incorrect", "wrong interval end"),
    ("$W^\\top x$", "$W x$", "incorrect", "dropped transpose"),
    ("$x^2$", "x**3", "incorrect", "wrong power"),
]


@pytest.mark.parametrize("gold,answer,verdict,source", EXPRESSIONS)
def test_expressions_as_written(gold, answer, verdict, source):
    result = check(gold, answer, kind="expression")
    assert result.verdict == verdict, (source, result.rationale)


FINAL_VALUES = [
    ("24", "There are 4 ops per layer, each doubled for the backward pass: 8 per layer. With 3 layers, so the total is "
           "$\\mathbf{24}$.", "correct", "issue 10: multi-step answer"),
    ("24", "4 ops per layer, 3 layers ... so the total is **24**", "correct", "issue 10"),
    ("8", "4 ops per layer, 8 with the backward pass ... so the total is $\\mathbf{24}$.", "incorrect",
     "an intermediate value is not the answer"),
    ("24", "There are 8 operations per layer.", "incorrect", "the intermediate value as the answer"),
    ("5", "First I got $\\boxed{3}$, but that double counts; the answer is $\\boxed{5}$.", "correct", "a revised box"),
    ("3", "First I got $\\boxed{3}$, but that double counts; the answer is $\\boxed{5}$.", "incorrect", "a revised box"),
    ("10455", "interest $\\boxed{200}$ then $\\boxed{255}$ ... Final Answer: The final answer is $10,455$.", "correct",
     "Math-Verify tests: a final answer after boxed intermediates"),
    ("15", "$x = 15$ so the total is 15. Check: $20 = 20$", "correct", "a check line is not the answer"),
    ("20", "The answer is not 20; it is 15.", "incorrect", "issue 17: a negated value is not a commitment"),
    ("15", "The answer is not 20; it is 15.", "correct", "issue 17"),
]


@pytest.mark.parametrize("gold,answer,verdict,source", FINAL_VALUES)
def test_the_final_value_of_a_multi_step_answer(gold, answer, verdict, source):
    result = check(gold, answer)
    assert result.verdict == verdict, (source, result.rationale)


CHOICES = [
    # (part, answer, verdict, source)
    ("7.a", "**(a)** Scenario 3", "correct", "issue 10: the format our interactive prompt asks for"),
    ("7.a", "**(a)** Scenario 1", "incorrect", "issue 10"),
    ("11.c", "b", "correct", "issue 10: a lone letter"),
    ("12.c", "1 and 6", "correct", "issue 10: labels joined by 'and'"),
    ("12.d", "1, 3, 6", "correct", "issue 10: a list of labels"),
    ("12.d", "1, 3, 5", "incorrect", "one wrong label"),
    ("4.b", "- [x] D", "correct", "Markdown task list"),
    ("4.b", "- [ ] A\n- [x] D", "correct", "Markdown task list"),
    ("5", "(a) $\\mu$ (b) $\\sigma^2$", "a: chose 1", "issue 10: the blanks ingest labels a:/b:"),
    ("5", "(a) $2\\mu$ (b) $\\sigma^2$", "a: chose 2", "a doubled mean"),
]


@pytest.mark.parametrize("part_id,answer,verdict,source", CHOICES)
def test_choices_as_written(exam, part_id, answer, verdict, source):
    part = exam.part(part_id)
    result = grade_part(part, answer)
    if part_id == "5":  # its third blank is the work, which a person grades: read what each blank chose
        assert result.rationale.startswith(verdict) and "b: chose 4" in result.rationale, (source, result.rationale)
    else:
        assert result.verdict == verdict, (source, result.rationale)


def test_bold_choices_as_markdown():
    blank = Blank(id="answer", kind="select_all", correct=["A", "E"],
                  choices=[Choice(label=label, text=f"option {label}") for label in "ABCDE"])
    from tabench.checkers.choice import check_select_all

    assert check_select_all("After weighing them: **A and E**", blank).verdict == "correct"  # issue 10
    assert check_select_all("After weighing them: **A and D**", blank).verdict == "incorrect"


VISIBLE = [
    ("Final answer: 20", "Final answer: 20"),
    ("2\u200b0", "20"),
    ("&#50;&#48;", "20"),
    ("15 <!-- 20 -->", "15"),
    ("28 % of them", "28 % of them"),
    ("a   b\n\n\n\nc", "a b\n\nc"),
]


@pytest.mark.parametrize("answer,seen", VISIBLE)
def test_what_a_reader_sees(answer, seen):
    assert visible(answer).text.strip() == seen


def test_every_phrase_table_row_reads_its_example():
    """A row's trigger words and its pattern agree: the table finds the row's own example."""
    from tabench.read import cues
    from tabench.read.roles import ROLES

    for rows, table in ((cues.FINAL_CUES, cues.FINAL_CUE), (cues.CONCLUSION_CUES, cues.CONCLUSION_CUE),
                        (cues.ALTERNATIVE_CUES, cues.ALTERNATIVE_CUE), (cues.SOLUTION_CUE.rows, cues.SOLUTION_CUE)):
        for name, _, _, example in rows:
            assert table.search(example), (name, example)
    for role in ROLES:
        assert role.table.search(role.example), role.name


# ---- found on hand-labelled answers to unseen documents (tests/data/labelled/dev.jsonl) ------------------------

from tabench.model import Blank, Choice  # noqa: E402
from tabench.read.option_values import picked_by_value  # noqa: E402
from tabench.read.picks import chosen_labels  # noqa: E402
from tabench.read.quantities import final_quantity  # noqa: E402
from tabench.read.shapes import answer_shape, key_shape  # noqa: E402

DS100_3B = [Choice(label=str(i + 1), text=t) for i, t in enumerate(
    ["0", "$\\frac{1}{8}$", "$\\frac{7}{64}$", "7", "56", "64", "448", "512", "Other"])]  # DS100 su19 final, 3(b)
BETAS = [Choice(label=str(i + 1), text=t) for i, t in enumerate(
    ["$\\beta = 10^{-6}$", "$\\beta = 10^{-3}$", "$\\beta = 10^0$"])]  # seed 001, 11.d.i


@pytest.mark.parametrize("answer,choices,expected", [
    ("Var(X) = 64² · p(1−p) = 4096 · (1/8)(7/8) = 4096 · 7/64 = 448.", DS100_3B, ["7"]),  # a chain ends on its value
    ("E[X^2] = 64^2 * (1/8) = 4096/8 = 512\nVar(X) = 512", DS100_3B, ["8"]),  # an intermediate value given as final
    ("So the variance is 0.125.", DS100_3B, ["2"]),  # 1/8 written as a decimal
    ("Var(X) = 100", DS100_3B, ["9"]),  # none of the values: Other
    ("I'd pick option 6.", DS100_3B, []),  # an option named by its place is not read as a value
    ("1e-3", BETAS, ["2"]),  # typed scientific notation for 10^{-3}
])
def test_options_that_are_values_are_picked_by_the_value_committed_to(answer, choices, expected):
    assert picked_by_value(answer, choices) == expected


def test_a_value_hedged_between_two_options_picks_neither():
    blank = Blank(id="answer", kind="multiple_choice", choices=[Choice(label=str(i + 1), text=t) for i, t in enumerate(
        ["0", "1", "15", "24", "26", "27", "28", "29"])], correct=["5"])  # DS100 su19 final, 6(d)
    answer = "With the L1 term it's 1 + 25 = 26 if the intercept is not penalized, or 1 + 28 = 29 if it is — so the answer is 26 or 29 depending on convention."
    assert picked_by_value(answer, blank.choices) == []
    from tabench.checkers.choice import check_multiple_choice
    assert check_multiple_choice(answer, blank).verdict == "needs_review"


@pytest.mark.parametrize("text,hedged", [
    ("so the answer is 26 or 29 depending on convention.", True),
    ("It takes 5 ms or 7 ms.", True),
    ("It takes 5 ms or 5000 µs.", False),  # one value restated in another unit
    ("one coordinate per substring of length 1, 2 or 3:\n\n$$26 + 26^2 + 26^3 = 18278 \\text{ dimensions.}$$", False),
])
def test_two_different_values_offered_as_alternatives_are_a_hedge(text, hedged):
    quantity, region = final_quantity(text)
    assert region.hedged == hedged and (quantity is None) == hedged


@pytest.mark.parametrize("key,answer,expected", [
    ("1 \\times 3", "yes, 1x3 (a row vector)", ("1", "3")),  # CST463 lab 1, 1(b)
    ("1 \\times 3", "Yes, the inner sizes match. The result is a 3 × 1 matrix.", ("3", "1")),  # swapped: another shape
    ("3 \\times 3", "Same as C: 3 rows and 3 columns.", ("3", "3")),
    ("3 \\times 1", "BC = (1×3)(3×3) = 1×3, so the size is 1 × 3", ("1", "3")),  # the conclusion, not the working
    ("n \\times d", "It is $n \\times d$.", ("n", "d")),
])
def test_a_key_that_is_a_shape_is_read_as_a_shape_not_a_product(key, answer, expected):
    assert key_shape(key) is not None and answer_shape(answer) == expected


@pytest.mark.parametrize("latex", ["3 \\times 10^{8}", "2 \\times 3 + 1", "x"])
def test_products_that_are_not_shapes_stay_expressions(latex):
    assert key_shape(latex) is None


@pytest.mark.parametrize("answer", [
    "Je choisirais REPTILE avec un grand lot de données par tâche : MAML exigerait de rétropropager à travers 10 itérations.",
    "I'd go with REPTILE here; MAML would need second-order gradients through 10 steps.",
    "f is linear, so option 2 (not 1 or 3).\n\nFinal: 2",
])
def test_a_choice_named_right_after_the_answer_commits_is_the_pick(answer):
    blank = Blank(id="answer", kind="multiple_choice", choices=[Choice(label="1", text="MAML"), Choice(label="2", text="REPTILE"),
                                                               Choice(label="3", text="Neither")], correct=["2"])
    from tabench.checkers.choice import check_multiple_choice
    assert check_multiple_choice(answer, blank).verdict == "correct", chosen_labels(answer, blank)


def test_a_check_after_the_answer_is_not_the_answer():
    from tabench.read.final import regions
    text = ("so each application adds one $\\mathbf x^{(0)}$:\n\n$$\\mathbf{x}^{(\\ell)} = (2\\ell+1)\\,\\mathbf{x}^{(0)}$$\n\n"
            "Check: $\\ell = 1$ gives $3\\mathbf x^{(0)}$, matching the hint.")  # seed 001, 12.e, answer then check
    assert "(2\\ell+1)" in regions(text)[0].text and "Check" not in regions(text)[0].text


@pytest.mark.parametrize("key,answer,verdict", [
    ("\\frac{7}{28} = 0.25", "$$P(\\text{adjacent}) = \\frac{7}{28} = \\frac14.$$", "correct"),  # STAT50 quiz 2, 1: the value
    ("\\frac{7}{28} = 0.25", "$$\\boxed{\\tfrac{14}{28} = \\tfrac12}$$", "incorrect"),  # two true equations, another value
    ("v = -e^x\\cos y + y^2 - x^2 - x", "$v(x,y) = y^2 - x^2 - x - e^x\\cos y$", "correct"),  # MATH307 quiz 2, 2
    ("Z = V \\sigma_z + \\mu_z", "z = sigma*V + mu", "correct"),  # seed 001 11.a typed, the key's letter in lower case
    ("Z = V \\sigma_z + \\mu_z", "z = mu*V + sigma", "incorrect"),
])
def test_an_equation_for_the_keys_quantity_is_compared_by_its_value(key, answer, verdict):
    from tabench.checkers.symbolic import check_expression
    assert check_expression(answer, Blank(id="answer", kind="expression", latex=key)).verdict == verdict
