"""When a number matches its key (pure): the key's own tolerance first, then how both are written.

| key | answer | accepted when |
| --- | --- | --- |
| with its own tolerance (`98.12 ± 0.77`, or `rel_tol`/`abs_tol` edited in) | any | within it |
| compared to `decimals` places (`tabench check` precision) | any | equal once both are rounded to that many places |
| exact (`25600`, `1/3`, `\\sqrt{3}/2`, a 1-significant-figure decimal such as `0.5`) | exact | equal |
| exact | a decimal with 3+ significant figures (`0.333`, `0.866`, `0.666`) | the key rounded or truncated to the answer's places |
| a rounded decimal (`16.4`) | any | within half a unit of the key's last place (16.35–16.45) |
| a rounded decimal (`16.38`) | a coarser decimal with 3+ significant figures (`16.4`) | the key rounded to the answer's places |
| approximate (`about 16.4 µs`, `≈ 0.33`) | any | within half a unit of the last place or 1 %, whichever is wider |

`--tolerance` gives a relative tolerance to keys that have none of their own. An off-by-one in the last
place of an exact or rounded key stays wrong (25601 for 25600; 98.13 for 98.12).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..model import Number
from ..read.numbers import Written
from ..read.quantities import read_quantity

MIN_SIG_FIGS = 3  # a decimal answer to an exact key needs this many significant figures
APPROXIMATE_REL = 0.01


@dataclass(frozen=True)
class KeyPrecision:
    exact: bool
    decimals: int | None  # the key's last written place (None when exact)


def key_precision(key: Number) -> KeyPrecision:
    if key.written:
        try:
            quantity = read_quantity(key.written)
        except ValueError:
            quantity = None
        if quantity is not None:
            number = quantity.number
            if number.exact or (number.sig_figs is not None and number.sig_figs <= 1):
                return KeyPrecision(True, None)
            return KeyPrecision(False, number.decimals)
    return KeyPrecision(True, None)


def matches(answer: float, written: Written | None, key: Number, key_value: float | None = None,
            default_rel_tol: float | None = None) -> bool:
    """Does `answer` (in the key's unit, written as `written`) match `key`? `key_value` overrides key.value
    (an alternative, a percentage read as a fraction)."""
    target = key.value if key_value is None else key_value
    if key.decimals is not None:
        return _round(answer, key.decimals) == _round(target, key.decimals)
    scale = max(abs(target), abs(answer), 1e-300)
    if abs(answer - target) <= 1e-9 * scale:
        return True
    if key.abs_tol is not None or key.rel_tol is not None:
        tolerance = max(key.abs_tol or 0.0, (key.rel_tol or 0.0) * abs(target))
        return abs(answer - target) <= tolerance + 1e-12 * scale
    if default_rel_tol is not None:
        return abs(answer - target) <= default_rel_tol * abs(target) + 1e-12 * scale
    precision = key_precision(key)
    slack = 1e-9 * scale
    if not precision.exact and precision.decimals is not None:
        half_unit = 0.5 * 10.0 ** (-precision.decimals)
        width = max(half_unit, APPROXIMATE_REL * abs(target)) if key.approximate else half_unit
        if abs(answer - target) <= width + slack:
            return True
    elif key.approximate and abs(answer - target) <= APPROXIMATE_REL * abs(target) + slack:
        return True
    if written is not None and not written.exact and written.decimals is not None and (written.sig_figs or 0) >= MIN_SIG_FIGS:
        places = written.decimals
        rounded = abs(_round(target, places) - answer) <= slack
        truncated = precision.exact and abs(_truncate(target, places) - answer) <= slack  # 0.666 for 2/3
        if rounded or truncated:
            return precision.exact or precision.decimals is None or places <= precision.decimals
    return False


def _round(value: float, places: int) -> float:
    factor = 10.0 ** places
    return math.floor(value * factor + 0.5) / factor if value >= 0 else -math.floor(-value * factor + 0.5) / factor


def _truncate(value: float, places: int) -> float:
    factor = 10.0 ** places
    return math.trunc(value * factor) / factor
