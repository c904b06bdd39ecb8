"""Quantities: a number with its unit, and the one a text commits to (pure).

A text's values, in order: each piece of math (the last side of its equation, its arithmetic evaluated, its
unit inside it or just after it: `$t = \\frac{400+100}{10}\\,\\text{ns} = 50\\,\\text{ns}$`, `$5\\cdot 10^{-8}$ s`)
and each number in prose with the unit after it (`0.05 microseconds`, `5 * 5120 = 25600`, `9.8 m/s^2`).
In the region an answer commits in (final.py) the value is the first one that is not negated ("not 20"),
followed through what restates it ("50 ns, i.e. 0.05 µs"; "10 which is 1,000.99 m²"); in the last line of
an answer with no other commitment, it is the last value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from .cues import NEGATED, RESTATEMENT
from .final import Region, regions
from .limits import MAX_REGION_CHARS
from .math import scan_math, split_equation
from .numbers import NUMBER_MATH_BARE, NUMBER_PLAIN, NUMBER_PLAIN_BARE, NotANumber, TooLarge, Written, evaluate, read_number, written_number
from .units import UNIT_EXPRESSION, Unit, convert, is_count_word, read_unit

_WRAPPED = re.compile(r"^\\(?:mathbf|textbf|boldsymbol|bm|boxed|mathrm|text|underline|color\{[^{}]*\})\s*\{(.*)\}$", re.S)
_UNIT_START = re.compile(r"\\(?:mathrm|text|textrm|textbf|rm|operatorname|mbox|textnormal|unit|si|mu)\b|(?<=[\d}\s])[A-Za-zµμ°%]|\\%")
_PLAIN_OPERAND = rf"\(?\s*(?:{NUMBER_PLAIN_BARE})\s*\)?"
_PLAIN_CHAIN = re.compile(rf"{_PLAIN_OPERAND}(?:\s*(?:\*\*|[-+*/×·÷^])\s*{_PLAIN_OPERAND})*(?:\s*[=≈]\s*{_PLAIN_OPERAND}"
                          rf"(?:\s*(?:\*\*|[-+*/×·÷^])\s*{_PLAIN_OPERAND})*)*")
_UNIT_AFTER = re.compile(rf"[ \t]*(?:\\[,;! ]|~)?\s*({UNIT_EXPRESSION.pattern})", re.I)
_WORD_AFTER = re.compile(r"[ \t]*([A-Za-z]{2,20})")


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: Unit | None
    text: str
    number: Written  # how it was written: exact or rounded, to how many places
    spread: float | None = None  # a measured value's ± ('98.12 \\pm 0.77')


@dataclass(frozen=True)
class Item:
    start: int
    end: int
    quantity: Quantity
    result: bool = False  # the right side of an equation ('= 108'), as a solution states its result


_CURRENCY = re.compile(r"^(?:\\\$|[€£¥₹])\s*|\s*(?:\\\$|[€£¥₹])$")


def _unwrap(latex: str) -> str:
    latex = _CURRENCY.sub("", latex.strip().strip("$").strip())
    for _ in range(4):
        match = _WRAPPED.match(latex)
        if not match:
            break
        latex = match.group(1).strip()
    return latex


def _as_written(value: float, exact: bool, text: str, math: bool) -> Written:
    number = read_number(text, math=math)
    if number is not None:
        return number
    return Written(value=value, text=text, exact=exact, decimals=None if exact else _decimals_of(text),
                   sig_figs=None)


def _decimals_of(text: str) -> int | None:
    places = [len(m.group(1)) for m in re.finditer(r"\d\.(\d+)", text)]
    return max(places) if places else None


# A ± spread is a number as numbers.py reads it ('\\pm 200', '± 1,000', '\\pm 0.77', '± 5%' of the value).
_SPREAD_AFTER = re.compile(rf"\s*(?:±|\\pm|\+/-|\+-)\s*({NUMBER_PLAIN_BARE})")
_PLUS_MINUS = re.compile(rf"^(.*?)\s*(?:\\pm|±|\+/-|\+-)\s*({NUMBER_MATH_BARE})\s*(.*)$")


def _spread(text: str, value: float, math: bool) -> float | None:
    """The tolerance a ± states, when it is smaller than the value it qualifies (a percentage: of that value)."""
    number = read_number(text, math=math)
    if number is None:
        return None
    spread = abs(value) * number.value / 100 if number.percent else number.value
    return spread if 0 <= spread < abs(value) else None


@lru_cache(maxsize=16384)
def read_quantity(text: str, math: bool = True) -> Quantity | None:
    """`text` as one quantity; a measured value with its spread (`98.12 \\pm 0.77`, a plain number smaller than
    the value: not `1 \\pm \\sqrt{19}`, two roots) keeps the spread."""
    spread = _PLUS_MINUS.match(text.strip().strip("$"))
    if spread and spread.group(1).strip():
        value = _read_quantity(f"{spread.group(1)} {spread.group(3)}".strip(), math)
        width = _spread(spread.group(2), value.value, math) if value is not None else None
        return replace(value, spread=width) if width is not None else None
    return _read_quantity(text, math)


_TRAILING_NOUN = re.compile(r"(?<=[\d}])\s*\\text\s*\{\s*([A-Za-z][A-Za-z ]{2,40}?)\s*[.,;]?\s*\}\s*[.,;]?$")


def _read_quantity(text: str, math: bool = True) -> Quantity | None:
    """`text` as one quantity: arithmetic on numbers with an optional unit (`5 \\times 10^{1}\\,\\mathrm{ns}`,
    `25{,}600`, `0.05 µs`, `28\\%`); the last side of an equation. None when it is not one; TooLarge raised."""
    body = _unwrap(text.strip())
    if not body or len(body) > 400:
        return None
    body = re.split(r"\\q?quad\b", body)[0]  # what follows \quad is a remark ("\quad \text{X: Incorrect}")
    sides = split_equation(body) if "=" in body else [body]
    side = _unwrap(sides[-1]) if sides else body
    noun = _TRAILING_NOUN.search(side)
    if noun and read_unit(noun.group(1)) is None:  # '18278 \\text{ dimensions.}': the number, not a unit
        side = side[: noun.start()].strip()
    if re.search(r"\\approx|≈", side):  # the exact value comes before its approximation: '1/3 \approx 0.33'
        pieces = [piece.strip() for piece in re.split(r"\\approx|≈", side) if piece.strip()]
        side = next((piece for piece in pieces if re.search(r"\d", piece)), pieces[-1] if pieces else "")
    number = read_number(side, math=math)
    if number is not None:
        unit = read_unit("%") if number.percent else None
        return Quantity(number.value, unit, side, number)
    try:
        value, exact = evaluate(side, math)
        return Quantity(value, None, side, _as_written(value, exact, side, math))
    except NotANumber:
        pass
    for cut in _unit_cuts(side):  # the longest unit at the end whose number before it evaluates
        unit = read_unit(side[cut:])
        if unit is None:
            continue
        number_text = re.sub(r"(?:\\[,;!: ]|~|\s)+$", "", side[:cut])
        try:
            value, exact = evaluate(number_text, math)
        except NotANumber:
            continue
        return Quantity(value, unit, side, _as_written(value, exact, number_text, math))
    return None


def _unit_cuts(side: str) -> list[int]:
    """Where a unit may start at the end of `side`: a LaTeX command, a space, or a letter after a digit;
    the leftmost first, at most a few."""
    cuts = [m.start() for m in _UNIT_START.finditer(side) if m.start() > 0]
    return cuts[-8:]


def values_in(text: str) -> list[Item]:
    """Every value in `text`, in order: one per piece of math, one per number (or arithmetic chain) in prose."""
    items: list[Item] = []
    spans = scan_math(text).spans
    position = 0
    for span in spans:
        items += _prose_values(text, position, span.start)
        quantity = read_quantity(span.body, math=True)
        if quantity is not None:
            end = span.end
            if quantity.unit is None:
                after = _unit_after(text, span.end)
                if after is not None:
                    quantity, end = replace(quantity, unit=after[0], text=f"{quantity.text} {after[0].text}"), after[1]
            items.append(Item(span.start, end, quantity, "=" in span.body or "\\approx" in span.body))
        position = span.end
    items += _prose_values(text, position, len(text))
    return items


_BARE_LATEX = re.compile(r"\\(?:d?frac|sqrt|cdot|times|left|right)|\^\{")


def _prose_values(text: str, start: int, end: int) -> list[Item]:
    """Values in prose; a line of LaTeX written without delimiters (`\\frac{10}{9}`) is read as math."""
    if _BARE_LATEX.search(text, start, end):
        items = []
        position = start
        for line in re.finditer(r"[^\n]+", text[start:end]):
            line_start, line_end = start + line.start(), start + line.end()
            body = line.group(0).strip()
            quantity = read_quantity(body, math=True) if _BARE_LATEX.search(body) and len(body) <= 400 else None
            if quantity is not None:
                items += _plain_values(text, position, line_start)
                items.append(Item(line_start, line_end, quantity, "=" in body))
                position = line_end
        return items + _plain_values(text, position, end)
    return _plain_values(text, start, end)


def _plain_values(text: str, start: int, end: int) -> list[Item]:
    items: list[Item] = []
    for match in _PLAIN_CHAIN.finditer(text, start, end):
        if items and match.start() < items[-1].end:
            continue  # part of the unit or the spread of the value before
        chain = match.group(0).strip()
        if not chain or re.fullmatch(r"[\s()]*", chain):
            continue
        sides = [side.strip() for side in re.split(r"[=≈]", chain) if side.strip()]
        last = sides[-1] if sides else chain
        number = None
        try:
            whole = NUMBER_PLAIN.fullmatch(last.strip("() "))
            if whole:
                number = written_number(whole)
                value, exact = number.value, number.exact
            else:
                value, exact = evaluate(last, math=False)
        except NotANumber:
            continue
        if _part_of_word_or_power(text, match.start(), match.end()):
            continue
        written = number or Written(value=value, text=last, exact=exact, decimals=None if exact else _decimals_of(last))
        unit = read_unit("%") if written.percent else None
        stop = match.end()
        after = _unit_after(text, stop) if unit is None else None
        if after is not None:
            unit, stop = after
        result = len(sides) > 1 or bool(re.search(r"[=≈]\s*$", text[max(0, match.start() - 3) : match.start()]))
        spread = _SPREAD_AFTER.match(text, stop, min(len(text), stop + 40))
        spread_value = _spread(spread.group(1), value, math=False) if spread else None
        if spread_value is not None:
            stop = spread.end()
        items.append(Item(match.start(), stop, Quantity(value, unit, text[match.start():stop].strip(), written,
                                                        spread=spread_value), result))
    return items


def _part_of_word_or_power(text: str, start: int, end: int) -> bool:
    """A number that is a label, an index or an exponent: `x_1`, `10^3` read alone, `3.a`, `Q5`."""
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    return before.endswith(("^", "_", "^{", "_{")) or after.startswith(("^", "_", ".a", ".b", ".c", ".d")) or bool(
        re.match(r"\.[a-z]\b", after))


def _unit_after(text: str, position: int) -> tuple[Unit, int] | None:
    """A unit written right after a value (`50 ns`, `$5\\cdot 10^{-8}$ s`, `25 microseconds`), with where it ends."""
    match = _UNIT_AFTER.match(text, position, min(len(text), position + 80))
    if match:
        candidate = match.group(1)
        for cut in range(len(candidate), 0, -1):  # the longest prefix that is a unit
            unit = read_unit(candidate[:cut])
            if unit is not None and (cut == len(candidate) or not candidate[cut].isalpha()):
                return unit, match.start(1) + cut
    word = _WORD_AFTER.match(text, position, min(len(text), position + 40))
    if word and not is_count_word(word.group(1)):
        unit = read_unit(word.group(1))
        if unit is not None:
            return unit, word.end()
    return None


class Hedged(Exception):
    """The region offers two different values as alternatives ('26 or 29')."""


def committed_value(region: Region, last: bool = False) -> Quantity | None:
    """The value a region commits to: the first one not negated, followed through restatements (the last one
    for the last line of an answer). Hedged is raised for two different values offered as alternatives."""
    if region.how == "boxed":
        quantities = [read_quantity(piece) for piece in _top_level_items(region.text[:MAX_REGION_CHARS])]
        if len(quantities) == 1 and quantities[0] is not None:
            return quantities[0]
    text = region.text[-MAX_REGION_CHARS:] if last else region.text[:MAX_REGION_CHARS]  # the value is near its end/start
    if not last:
        result = _chain_result(text)
        if result is not None:
            return result
    items = [item for item in values_in(text) if not _negated(text, item.start)]
    if not items:
        return None
    if last:
        if len(items) >= 2 and text[items[-2].end : items[-1].start].strip(" ,;:").lower() == "or" \
                and not text[items[-1].end :].strip(" .!*_$)") and not same_value(items[-2].quantity, items[-1].quantity):
            raise Hedged()  # the answer ends on 'x or y'; not '… of length 2 or 3:' with more after it
        return items[-1].quantity
    chosen = 0
    while chosen + 1 < len(items):
        between = text[items[chosen].end : items[chosen + 1].start]
        if not RESTATEMENT.match(between):
            break
        connector = between.strip(" ,;:")
        following = items[chosen + 1].quantity
        if connector.lower() == "or" and not same_value(items[chosen].quantity, following):
            raise Hedged()
        if following.unit is None and connector not in ("=", "≈", "\\approx"):
            break
        chosen += 1
    return items[chosen].quantity


_SENTENCE = re.compile(r"^[^\n$]*?(?=[.;!?](?:\s|$)|\n|$)")


def _chain_result(text: str) -> Quantity | None:
    """The last side of an equation chain written in prose, when the region's first sentence is one and its
    last side is a value: 'Var(X) = 64² · p(1−p) = 4096 · 7/64 = 448.' commits to 448."""
    sentence = _SENTENCE.match(text.lstrip(" :"))
    if sentence is None or "=" not in sentence.group(0):
        return None
    sides = split_equation(sentence.group(0))
    if len(sides) < 3:  # 'x = 5' is read as before; a chain has at least two steps
        return None
    try:
        return _read_quantity(sides[-1].strip())
    except TooLarge:
        return None


def same_value(first: Quantity, second: Quantity) -> bool:
    """'5 ms or 5000 µs' restates one value; '26 or 29' offers two. A unit on one side only is not compared."""
    value = second.value
    if first.unit is not None and second.unit is not None and first.unit.pint != second.unit.pint:
        converted = convert(second.value, second.unit.pint, first.unit.pint)
        if converted is None:
            return False
        value = converted
    return abs(value - first.value) <= 1e-9 * max(1.0, abs(value), abs(first.value))


def _negated(text: str, position: int) -> bool:
    return bool(NEGATED.search(text[max(0, position - 40) : position]))


def _top_level_items(text: str) -> list[str]:
    """'a, b' -> ['a', 'b'] at brace depth 0 ('\\frac{1}{2}, 3' -> two items; '25,600' stays one)."""
    items, depth, current = [], 0, []
    for index, char in enumerate(text):
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth -= 1
        if char == "," and depth == 0 and not text[index + 1 : index + 4].isdigit() and text[index + 1 : index + 2] != "\\":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def final_quantity(text: str) -> tuple[Quantity | None, Region | None]:
    """(the quantity `text` commits to, the region it was read from); TooLarge raised for a number too large."""
    for region in regions(text):
        if region.malformed:
            return None, region
        try:
            quantity = committed_value(region, last=region.how in ("last line", "whole"))
        except Hedged:
            return None, replace(region, hedged=True)
        if quantity is not None:
            return quantity, region
    return None, None

