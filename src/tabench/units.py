"""Unit conversion through pint (loaded on first use: building its registry takes a moment)."""

from __future__ import annotations

import threading
from functools import lru_cache

_PINT_NAMES = {
    "ps": "picosecond", "ns": "nanosecond", "us": "microsecond", "µs": "microsecond", "ms": "millisecond", "s": "second",
    "sec": "second", "secs": "second", "second": "second", "seconds": "second", "min": "minute",
    "mins": "minute", "minute": "minute", "minutes": "minute", "h": "hour", "hr": "hour", "hrs": "hour",
    "hour": "hour", "hours": "hour", "day": "day", "days": "day",
    "B": "byte", "b": "bit", "byte": "byte", "bytes": "byte", "bit": "bit", "bits": "bit",
    "KB": "kilobyte", "kB": "kilobyte", "kb": "kilobit", "Kb": "kilobit", "MB": "megabyte", "Mb": "megabit",
    "GB": "gigabyte", "Gb": "gigabit", "TB": "terabyte", "Tb": "terabit", "KiB": "kibibyte", "MiB": "mebibyte",
    "GiB": "gibibyte", "TiB": "tebibyte", "Hz": "hertz", "kHz": "kilohertz", "MHz": "megahertz",
    "GHz": "gigahertz", "m": "meter", "cm": "centimeter", "mm": "millimeter", "km": "kilometer",
    "nm": "nanometer", "kg": "kilogram", "g": "gram", "mg": "milligram", "W": "watt", "kW": "kilowatt",
    "J": "joule", "kJ": "kilojoule", "%": "percent",
}
_LOCK = threading.Lock()


def pint_name(unit: str) -> str | None:
    unit = unit.replace("μ", "µ")
    return _PINT_NAMES.get(unit) or _PINT_NAMES.get(unit.lower())


@lru_cache(maxsize=1)
def _registry():
    import pint

    return pint.UnitRegistry()


@lru_cache(maxsize=4096)
def convert(value: float, unit: str, to_unit: str) -> float | None:
    """`value` in `unit` expressed in `to_unit`; None when either is unknown or they do not convert."""
    source, target = pint_name(unit), pint_name(to_unit)
    if source is None or target is None:
        return None
    if source == target:
        return value
    with _LOCK:
        registry = _registry()
        try:
            return float(registry.Quantity(value, source).to(target).magnitude)
        except Exception:  # pint raises several error types for incompatible dimensions
            return None
