"""Numbers with units: equivalent forms pass, near-misses fail. Answer strings as models and students write them."""

import pytest

from tabench.checkers.numeric import check_numeric
from tabench.model import Blank, Number
from tabench.read.numbers import NotANumber, TooLarge, evaluate
from tabench.read.quantities import final_quantity


def blank(value, unit=None, accepts=(), rel_tol=1e-9, abs_tol=0.0):
    return Blank(id="answer", kind="numeric", number=Number(value=value, unit=unit, rel_tol=rel_tol, abs_tol=abs_tol),
                 accepts=list(accepts))


NS50 = blank(50, "ns")
P108 = blank(108, accepts=["112"])
P39 = blank(39, accepts=["43", "46"])
P25600 = blank(25600)
P20 = blank(20)
P10 = blank(10)
ELBO = blank(98.12, abs_tol=0.77, rel_tol=5e-3)

CASES = [
    # exam 6(c): 50 ns, in many forms
    (NS50, "50 ns", "correct"),
    (NS50, "**Solution:** 50 ns.", "correct"),
    (NS50, "5e1 ns", "correct"),
    (NS50, "$5 \\times 10^{1}\\,\\mathrm{ns}$", "correct"),
    (NS50, "0.05 µs", "correct"),
    (NS50, "0.05 μs", "correct"),
    (NS50, "$0.05\\,\\mu s$", "correct"),
    (NS50, "$5\\cdot 10^{-8}$ s", "correct"),
    (NS50, "$$t_{loaddisk} = \\frac{20 \\cdot 20 + 10 \\cdot 10}{10}\\,\\text{ns} = 50\\,\\text{ns}$$", "correct"),
    (NS50, "Solving $20 t_{fwd} + 10 t_{loadmem} = 10 t_{loaddisk}$ gives $t_{loaddisk} = 50$ ns.", "correct"),
    (NS50, "\\boxed{50 \\text{ ns}}", "correct"),
    (NS50, "Final answer: 50", "correct"),
    (NS50, "Each loaddisk must take at most 50 nanoseconds.", "correct"),
    (NS50, "40 ns", "incorrect"),
    (NS50, "$t_{\\text{disk}} = 40$ ns", "incorrect"),
    (NS50, "50 ms", "incorrect"),
    (NS50, "50 µs", "incorrect"),
    (NS50, "50 GB", "incorrect"),
    (NS50, "$t_{\\text{disk}} = \\frac{L-1}{2} \\cdot 20 \\text{ ns} = (L-1) \\cdot 10 \\text{ ns}$", "needs_review"),
    (NS50, "It depends on the disk.", "needs_review"),
    # exam 3(a)/(b): accepted alternatives
    (P108, "$4 \\times 3 \\times 3 \\times 3 = 108$", "correct"),
    (P108, "There are 108 learnable parameters.", "correct"),
    (P108, "With one bias per output channel: $108 + 4 = 112$.", "correct"),
    (P108, "$\\boxed{112}$", "correct"),
    (P108, "$3 \\times 3 \\times 3 \\times 4 = 106$", "incorrect"),
    (P108, "The answer is 27.", "incorrect"),
    (P39, "$27 + 12 = 39$", "correct"),
    (P39, "39 + 4 = 43 with pointwise biases", "correct"),
    (P39, "so the total is 46", "correct"),
    (P39, "The total is 36.", "incorrect"),
    (P39, "$3 \\times 3 \\times 3 \\times 4 = 108$", "incorrect"),
    # exam 7(b): 25600
    (P25600, "$5 \\times 5120 = 25600$", "correct"),
    (P25600, "25,600 trainable parameters", "correct"),
    (P25600, "$2.56 \\times 10^{4}$", "correct"),
    (P25600, "2.56e4", "correct"),
    (P25600, "Final answer: $\\boxed{25600}$.", "correct"),
    (P25600, "$5 \\times 5120 \\times 40 = 1024000$", "incorrect"),
    (P25600, "25601", "incorrect"),
    # exam 6(a)/(b), as 004 wrote it
    (P20, "20.", "correct"),
    (P20, "$(4+3+2+1+0) \\times 2 = 20$", "correct"),
    (P20, "The answer is 20 fwd operations.", "correct"),
    (P20, "$N_{\\text{fwd}}^{\\text{bwd}} \\approx n \\frac{L(L-1)}{2}$, which for $L = 10$, $n = 1$ gives 45.", "incorrect"),
    (P10, "$$N_{\\text{loadmem}} = 0 \\quad \\text{X: Incorrect. Made bad assumption.}$$", "incorrect"),
    (P10, "10. One for each layer.", "correct"),
    (P10, "One loadmem per layer, so 10 in total.", "correct"),
    # HW12 4(a): a reported statistic with a spread
    (ELBO, "negative ELBO: 98.5", "correct"),
    (ELBO, "negative ELBO: 101.2", "incorrect"),
    # pathological
    (P20, "$10^{10^{10}}$", "needs_review"),
    (P20, "", "needs_review"),
]


@pytest.mark.parametrize("key,answer,expected", CASES)
def test_numeric_checker(key, answer, expected):
    assert check_numeric(answer, key).verdict == expected


def test_unit_error_is_tagged():
    result = check_numeric("50 ms", NS50)
    assert "unit_error" in result.tags
    result = check_numeric("50 GB", NS50)
    assert result.tags == ("unit_error",) and "does not convert" in result.rationale


def test_wrong_value_is_tagged_and_extracted():
    result = check_numeric("so $t = 40$ ns", NS50)
    assert result.tags == ("wrong_value",)
    assert result.extracted.startswith("40")


def test_units_are_converted_not_ignored():
    metres = blank(10, "m")
    assert check_numeric("10 m", metres).verdict == "correct"
    assert check_numeric("1000 cm", metres).verdict == "correct"
    assert check_numeric("10 cm", metres).verdict == "incorrect"


@pytest.mark.parametrize("text,value", [
    ("2^{10}", 1024), ("\\frac{3}{4}", 0.75), ("1.2e-3", 0.0012), ("1.2 \\times 10^{-3}", 0.0012),
    ("\\sqrt{16}", 4), ("-3 + 5", 2), ("25{,}600".replace("{,}", ","), 25600),
])
def test_evaluate(text, value):
    assert evaluate(text)[0] == pytest.approx(value)


@pytest.mark.parametrize("text", ["10^{10^{10}}", "9^{9999}", "x + 1", "__import__('os')", "(" * 300 + "1" + ")" * 300])
def test_evaluate_refuses(text):
    with pytest.raises((NotANumber, TooLarge)):
        evaluate(text)


def test_log_argument_is_not_a_number():
    assert final_quantity("We get $\\log 256$")[0] is None
