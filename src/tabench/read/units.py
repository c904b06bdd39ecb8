"""Units as people write them after a number, converted with pint (pint loads on first conversion).

One table, each row: the pint unit, how it is written (symbols match exactly, words in any case, singular
or plural), and an example. Compound units combine rows with `/`, `·`, `*`, `\\cdot`, a space and powers:
`m/s^2`, `m/s²`, `kN·m`, `kg m^2`, `\\mathrm{m\\,s^{-2}}`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

UNIT_TABLE = (
    # pint name, symbols, words, example
    ("picosecond", ("ps",), ("picosecond",), "3 ps"),
    ("nanosecond", ("ns",), ("nanosecond",), "50 ns"),
    ("microsecond", ("µs", "μs", "us", "\\mu s", "\\mus", "\\mu\\mathrm{s}"), ("microsecond",), "0.05 microseconds"),
    ("millisecond", ("ms",), ("millisecond",), "16 ms"),
    ("second", ("s", "sec", "secs"), ("second",), "2 s"),
    ("minute", ("min", "mins"), ("minute",), "5 min"),
    ("hour", ("h", "hr", "hrs"), ("hour",), "3 hours"),
    ("day", (), ("day",), "2 days"),
    ("week", (), ("week",), "1 week"),
    ("year", ("yr",), ("year",), "4 years"),
    ("bit", ("b", "bit"), ("bit",), "32 bits"),
    ("byte", ("B",), ("byte",), "4 bytes"),
    ("kilobyte", ("kB", "KB"), ("kilobyte",), "512 KB"),
    ("megabyte", ("MB",), ("megabyte",), "16 MB"),
    ("gigabyte", ("GB",), ("gigabyte",), "2 GB"),
    ("terabyte", ("TB",), ("terabyte",), "1 TB"),
    ("petabyte", ("PB",), ("petabyte",), "1 PB"),
    ("kibibyte", ("KiB",), ("kibibyte",), "4 KiB"),
    ("mebibyte", ("MiB",), ("mebibyte",), "256 MiB"),
    ("gibibyte", ("GiB",), ("gibibyte",), "80 GiB"),
    ("tebibyte", ("TiB",), ("tebibyte",), "1 TiB"),
    ("kilobit", ("kb", "Kb", "kbit"), ("kilobit",), "64 kb"),
    ("megabit", ("Mb", "Mbit"), ("megabit",), "100 Mb"),
    ("gigabit", ("Gb", "Gbit"), ("gigabit",), "10 Gb"),
    ("hertz", ("Hz",), ("hertz",), "60 Hz"),
    ("kilohertz", ("kHz",), ("kilohertz",), "44 kHz"),
    ("megahertz", ("MHz",), ("megahertz",), "100 MHz"),
    ("gigahertz", ("GHz",), ("gigahertz",), "3 GHz"),
    ("nanometer", ("nm",), ("nanometer", "nanometre"), "500 nm"),
    ("micrometer", ("µm", "μm", "um", "\\mu m"), ("micrometer", "micrometre", "micron"), "10 µm"),
    ("millimeter", ("mm",), ("millimeter", "millimetre"), "3 mm"),
    ("centimeter", ("cm",), ("centimeter", "centimetre"), "15 cm"),
    ("meter", ("m",), ("meter", "metre"), "10 meters"),
    ("kilometer", ("km",), ("kilometer", "kilometre"), "5 km"),
    ("inch", (), ("inch", "inches"), "12 inches"),
    ("foot", ("ft",), ("foot", "feet"), "3 ft"),
    ("mile", ("mi",), ("mile",), "125 miles"),
    ("milligram", ("mg",), ("milligram",), "5 mg"),
    ("gram", ("g",), ("gram",), "5 g"),
    ("kilogram", ("kg",), ("kilogram",), "5e-3 kg"),
    ("newton", ("N",), ("newton",), "10 N"),
    ("kilonewton", ("kN",), ("kilonewton",), "3 kN·m"),
    ("joule", ("J",), ("joule",), "5 J"),
    ("kilojoule", ("kJ",), ("kilojoule",), "2 kJ"),
    ("electron_volt", ("eV",), ("electronvolt",), "13.6 eV"),
    ("watt_hour", ("Wh",), (), "5 Wh"),
    ("kilowatt_hour", ("kWh",), (), "2 kWh"),
    ("watt", ("W",), ("watt",), "300 W"),
    ("kilowatt", ("kW",), ("kilowatt",), "2 kW"),
    ("megawatt", ("MW",), ("megawatt",), "1 MW"),
    ("volt", ("V",), ("volt",), "5 V"),
    ("millivolt", ("mV",), ("millivolt",), "5 mV"),
    ("ampere", ("A",), ("ampere", "amp"), "2 A"),
    ("milliampere", ("mA",), ("milliampere",), "20 mA"),
    ("pascal", ("Pa",), ("pascal",), "101 Pa"),
    ("kilopascal", ("kPa",), ("kilopascal",), "101 kPa"),
    ("liter", ("L",), ("liter", "litre"), "2 L"),
    ("degree", ("°", "^\\circ", "^{\\circ}", "deg"), ("degree",), "90^\\circ"),
    ("radian", ("rad",), ("radian",), "3.14 rad"),
    ("percent", ("%", "\\%"), ("percent", "pct", "percentage"), "28 %"),
    ("flop", ("FLOP", "FLOPs", "flop", "flops"), ("flop",), "2 FLOPs"),
    ("gigaflop", ("GFLOP", "GFLOPs"), ("gigaflop",), "4 GFLOPs"),
    ("teraflop", ("TFLOP", "TFLOPs"), ("teraflop",), "3 TFLOPs"),
    ("petaflop", ("PFLOP", "PFLOPs"), ("petaflop",), "1 PFLOPs"),
    ("flop / second", ("FLOPS",), (), "1 FLOPS"),
    ("gigaflop / second", ("GFLOPS",), (), "100 GFLOPS"),
    ("teraflop / second", ("TFLOPS",), (), "312 TFLOPS"),
)

# Words that count things: a number followed by one of these has no unit ("108 parameters").
COUNT_WORDS = ("parameter", "param", "token", "layer", "operation", "op", "message", "step", "epoch", "sample",
               "element", "entry", "weight", "bias", "neuron", "unit", "head", "channel", "example", "image", "node")

_SYMBOLS: dict[str, str] = {}
_WORDS: dict[str, str] = {}
for _name, _symbols, _words, _example in UNIT_TABLE:
    for _symbol in _symbols:
        _SYMBOLS[_symbol] = _name
    for _word in _words:
        for _form in (_word, _word + "s", _word + "es"):
            _WORDS.setdefault(_form.lower(), _name)
_WORDS.setdefault("inches", "inch")
_WORDS.setdefault("feet", "foot")

_ATOM = "|".join(re.escape(s) for s in sorted(list(_SYMBOLS) + list(_WORDS), key=len, reverse=True))
_POWER = r"(?:\s*\^\s*(?:\{\s*-?\d\s*\}|-?\d)|[²³⁻¹])*"
_JOIN = r"(?:\s*(?:/|\\cdot|·|\*|\\,|\\;|\\ )\s*)"
UNIT_EXPRESSION = re.compile(rf"(?:{_ATOM}){_POWER}(?:{_JOIN}(?:{_ATOM}){_POWER})*(?![A-Za-z])", re.I)
_WRAPPER = re.compile(r"\\(?:mathrm|text|textrm|textbf|rm|operatorname|mbox|textnormal|textit|mathit|unit|si)\s*\{((?:[^{}]|\{[^{}]{0,8}\}){1,40})\}")


@dataclass(frozen=True)
class Unit:
    text: str  # as written
    pint: str  # pint expression, e.g. "(meter) * (second) ** -2"
    plain: str = ""  # as written, without LaTeX wrappers ("ns" for "\\text{ns}")


def _atom_name(atom: str) -> str | None:
    return _SYMBOLS.get(atom) or _WORDS.get(atom.lower())


@lru_cache(maxsize=8192)
def read_unit(text: str) -> Unit | None:
    """`text` as a unit (the whole text, LaTeX wrappers such as \\text{} or \\mathrm{} allowed), else None."""
    flat = _WRAPPER.sub(lambda m: " " + m.group(1) + " ", text).strip().strip("$").strip().rstrip(".,;")
    flat = flat.replace("\\mu ", "µ").replace("\\mu", "µ").replace("μ", "µ").replace("\\,", " ").strip()
    flat = re.sub(r"\s*\^\s*", "^", flat)
    if not flat or len(flat) > 60:
        return None
    pieces = re.split(r"\s*(/|\\cdot|·|\*|\s+)\s*", flat)
    parts: list[str] = []
    dividing = False
    for piece in pieces:
        if not piece or piece.isspace():
            continue
        if piece == "/":
            dividing = True
            continue
        if piece in ("\\cdot", "·", "*"):
            continue
        match = re.fullmatch(r"(.+?)(\s*\^\s*\{?\s*(-?\d)\s*\}?|[²³]|⁻¹)?", piece)
        if match is None:
            return None
        name = _atom_name(match.group(1).strip())
        if name is None:
            return None
        power = match.group(3) or {"²": "2", "³": "3", "⁻¹": "-1"}.get(match.group(2) or "", "1")
        exponent = int(power) * (-1 if dividing else 1)
        parts.append(f"({name})" + (f" ** {exponent}" if exponent != 1 else ""))
        dividing = False
    if not parts:
        return None
    return Unit(text=text.strip(), pint=" * ".join(parts), plain=flat)


def is_count_word(word: str) -> bool:
    word = word.lower().rstrip(".,;:")
    return any(word == w or word == w + "s" or word == w + "es" for w in COUNT_WORDS)


_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _registry():
    import pint

    registry = pint.UnitRegistry()
    registry.define("flop = [computation] = FLOP")
    return registry


@lru_cache(maxsize=4096)
def convert(value: float, unit: str, to_unit: str) -> float | None:
    """`value` in pint unit `unit` expressed in `to_unit`; None when they do not convert."""
    if unit == to_unit:
        return value
    with _LOCK:
        registry = _registry()
        try:
            return float(registry.Quantity(value, unit).to(to_unit).magnitude)
        except Exception:  # pint raises several error types for unknown units and incompatible dimensions
            return None

