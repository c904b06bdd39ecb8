"""Numbers with units as other modules read them (units as written, e.g. "ns"); the readers live in
read/quantities.py, read/numbers.py and read/units.py."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .read import quantities as _read
from .read.numbers import NUMBER_PLAIN_BARE, TooLarge
from .read.units import UNIT_EXPRESSION

# A number, with the unit written after it, at the start of a text ('50 ns', '25,600 parameters').
QUANTITY = re.compile(rf"{NUMBER_PLAIN_BARE}(?:[ \t]*(?:{UNIT_EXPRESSION.pattern}))?", re.I)


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str | None
    text: str


def _plain(quantity: _read.Quantity | None) -> Quantity | None:
    if quantity is None:
        return None
    return Quantity(quantity.value, quantity.unit.plain if quantity.unit else None, quantity.text)


def parse_quantity(text: str) -> Quantity | None:
    """`text` as one quantity ('5 \\times 10^{1}\\,\\mathrm{ns}' -> 50 ns); None when it is not one."""
    try:
        return _plain(_read.read_quantity(text) or _read.read_quantity(text, math=False))
    except TooLarge:
        return None


def final_quantity(answer: str) -> Quantity | None:
    """The quantity a text commits to (see read/final.py for where)."""
    try:
        return _plain(_read.final_quantity(answer)[0])
    except TooLarge:
        return None
