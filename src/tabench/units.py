"""Unit conversion for units as written ('ns', 'µs', 'GiB'), as other modules call it; the unit table lives in
read/units.py."""

from __future__ import annotations

from .read.units import convert as _convert
from .read.units import read_unit


def convert(value: float, unit: str, to_unit: str) -> float | None:
    """`value` in `unit` expressed in `to_unit`; None when either is unknown or they do not convert."""
    source, target = read_unit(unit), read_unit(to_unit)
    if source is None or target is None:
        return None
    return _convert(value, source.pint, target.pint)
