"""A blank's partial-credit rules (read/credit.py) applied to an answer its checker found wrong (pure)."""

from __future__ import annotations

from typing import Callable

from ..model import Blank
from .result import Check


def apply_rules(blank: Blank, method: str, shown: str | None, wrong: Check,
                is_value: Callable[[str], bool] | None = None, is_opposite: Callable[[], bool] | None = None) -> Check:
    """The check an answer earns under the first rule of `blank` that applies; `wrong` when none does. A rule
    the checker cannot test ("leaves out the bias terms") sends the answer on to the judge or a person."""
    for rule in blank.rules:
        applies = (rule.when == "any_answer"
                   or rule.when == "answer_is" and rule.value is not None and is_value is not None and is_value(rule.value)
                   or rule.when == "sign_error" and is_opposite is not None and is_opposite())
        if applies:
            verdict = "correct" if rule.credit >= 1.0 else "partially_correct" if rule.credit > 0 else "incorrect"
            return Check(verdict, rule.credit, method, f"{wrong.rationale}; the solution's note gives {rule.credit:.0%}: "
                         f"{rule.note or rule.when}", shown, ("partial_credit_rule",))
    untestable = [rule for rule in blank.rules if rule.when == "omits"]
    if untestable and wrong.verdict == "incorrect":
        return Check.review(method, f"{wrong.rationale}; the solution gives partial credit for answers that leave out "
                            f"{untestable[0].value}: a judge or a person decides", shown, "partial_credit_rule")
    return wrong
