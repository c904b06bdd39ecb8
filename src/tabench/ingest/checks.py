"""What ingest is unsure about, said as warnings instead of silence (pure).

| warning | example |
| --- | --- |
| a part's letter skipped | question 1: no part (b) found between (a) and (c) |
| parts that do not add up to the question's points | question 12: the parts add up to 66 points, the header says 63 |
| parts with no solution found | no solution found for parts 3, 5.b: their answers need the judge or a person |
| a numeric key that is a bare number from the middle of a solution | part 2.a: the key 12 is a number from the middle of its solution, which ends at 17 |
| keys that cannot be read reliably (PDF math) | part 7.b: its reference answer was read from PDF math ... |

The structure finder adds its own (question numbers skipped, a label written twice).
"""

from __future__ import annotations

from ..latex import last_boxed, strip_markup
from ..model import Question
from ..quantities import QUANTITY, final_quantity, parse_quantity
from ..units import convert


def point_warnings(questions: list[Question]) -> list[str]:
    warnings = []
    for question in questions:
        letters = [p.id.split(".")[1] for p in question.parts if "." in p.id]
        for first, second in zip(letters, letters[1:]):
            if len(first) == len(second) == 1 and first.isalpha() and second.isalpha() and ord(second) - ord(first) > 1:
                missing = ", ".join(f"({chr(c)})" for c in range(ord(first) + 1, ord(second)))
                warnings.append(f"question {question.number}: no part {missing} found between ({first}) and ({second}); "
                                "check the document")
        points = [p.points for p in question.parts]
        if question.points is not None and len(points) > 1 and all(x is not None for x in points):
            total = sum(points)
            if abs(total - question.points) > 1e-9:
                warnings.append(f"question {question.number}: the parts add up to {total:g} points, the header says {question.points:g}")
    return warnings


def key_warnings(questions: list[Question]) -> list[str]:
    parts = [part for question in questions for part in question.parts]
    warnings = []
    unanswered = [part.id for part in parts if part.kind != "admin" and not part.solution.strip()
                  and not any(b.correct or b.number or b.latex or b.text for b in part.blanks)]
    if unanswered:
        shown = ", ".join(unanswered[:12]) + (f" and {len(unanswered) - 12} more" if len(unanswered) > 12 else "")
        warnings.append(f"no solution found for part{'s' if len(unanswered) > 1 else ''} {shown}: "
                        "answers to them need the judge or a person; check the document's solution markers")
    for part in parts:
        if part.kind == "numeric" and len(part.blanks) == 1 and part.blanks[0].number is not None:
            ends_at = _intermediate(part.solution, part.blanks[0])
            if ends_at is not None:
                warnings.append(f"part {part.id}: the key {part.blanks[0].text} is a number from the middle of its "
                                f"solution, which ends at {ends_at}; check which one is the answer")
    return warnings


def _intermediate(solution: str, blank) -> str | None:
    """What the solution ends at, when the key is neither its first word, nor boxed, nor where it ends."""
    key = blank.number.value
    accepted = {key}
    for alternative in blank.accepts:
        quantity = parse_quantity(alternative)
        if quantity is not None:
            accepted.add(quantity.value)
    plain = strip_markup(solution).lstrip(" $*_(")
    leading = QUANTITY.match(plain)
    if leading and (quantity := parse_quantity(leading.group(0))) is not None and quantity.value in accepted:
        return None
    boxed = last_boxed(solution)
    if boxed is not None and (quantity := parse_quantity(boxed)) is not None and quantity.value in accepted:
        return None
    final = final_quantity(solution)
    if final is None:
        return None
    value = final.value
    if final.unit and blank.number.unit and final.unit != blank.number.unit:
        value = convert(final.value, final.unit, blank.number.unit)
        if value is None:
            return None  # another quantity (a time where the key is a size): not the same answer written later
    if any(abs(value - key) <= 1e-6 * max(1.0, abs(key)) for key in accepted):
        return None
    return f"{final.value:g}" + (f" {final.unit}" if final.unit else "")  # a number, not the document's text
