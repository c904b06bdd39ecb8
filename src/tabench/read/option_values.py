"""Choices whose options are values (pure): `0`, `$\\frac{1}{8}$`, `448`, `$\\beta = 10^{-3}$`, `2 s`, then `Other`.

A person reads an answer to such a question by its value: "E(X) = 64 · 1/8 = 8" picks the option `8`, "1e-3"
picks `β = 10^{-3}`, and a bare `10` is the value 10, not the tenth option. A value that is none of the options
picks the `Other` option when there is one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..model import Choice
from .math import split_equation
from .numbers import TooLarge
from .quantities import Quantity, final_quantity, read_quantity, same_value

_OTHER = re.compile(r"^\W*(?:other|none of (?:the|these)(?: above)?|none|n/a)\W*$", re.I)
# The answer names an option by its place ('option 4', 'choice (b)'): then it is not read by value.
_BY_PLACE = re.compile(r"\b(?:option|choice)s?\s*#?\s*\(?(?:[A-Ha-h]|\d{1,2})\)?(?![\w])", re.I)


@lru_cache(maxsize=2048)
def option_values(texts: tuple[str, ...]) -> tuple[Quantity | None, ...] | None:
    """Each option's value (None for an `Other` option), when every other option is one distinct value; else None."""
    values: list[Quantity | None] = []
    for text in texts:
        if _OTHER.match(text.replace("$", "")):
            values.append(None)
            continue
        quantity = _value(text)
        if quantity is None:
            return None
        values.append(quantity)
    found = [v for v in values if v is not None]
    if len(found) < 2 or len({(v.value, v.unit.pint if v.unit else None) for v in found}) < len(found):
        return None
    return tuple(values)


def _value(text: str) -> Quantity | None:
    body = text.strip().strip("$").strip()
    sides = split_equation(body) if "=" in body else [body]
    if len(sides) > 2:
        return None
    try:
        return read_quantity(sides[-1])
    except TooLarge:
        return None


def picked_by_value(answer: str, choices: list[Choice]) -> list[str]:
    """[the label of the option whose value the answer commits to] for value options; [] when the options are
    not values, the answer names an option by its place, or its value cannot be read."""
    values = option_values(tuple(choice.text for choice in choices))
    if values is None or _BY_PLACE.search(answer):
        return []
    try:
        quantity, _ = final_quantity(answer)
    except TooLarge:
        return []
    if quantity is None:
        return []
    matching = [choice.label for choice, value in zip(choices, values) if value is not None and _same(quantity, value)]
    if len(matching) == 1:
        return matching
    others = [choice.label for choice, value in zip(choices, values) if value is None]
    return others[:1] if not matching and len(others) == 1 else []


def _same(answer: Quantity, option: Quantity) -> bool:
    """The option's value, or the option rounded to the answer's places (0.13 for 1/8); a unit on one side only is
    the question's unit ('10 seconds' for the option '10')."""
    if same_value(option, answer):
        return True
    places = answer.number.decimals
    return (places is not None and not answer.number.exact and (answer.number.sig_figs or 0) >= 2
            and round(option.value, places) == round(answer.value, places))
