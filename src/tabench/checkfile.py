"""Reading a file of (reference, answer) pairs for `tabench check` (pure: text in, rows out)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .errors import InputError
from .model import Kind

KINDS = ("multiple_choice", "select_all", "numeric", "expression", "short_text")
ANSWER_FIELDS = ("answer", "pred", "prediction", "response")
LABELS = {1: True, 0: False, True: True, False: False, "1": True, "0": False, "correct": True, "incorrect": False,
          "true": True, "false": False, "equal": True, "not equal": False}


@dataclass(frozen=True)
class Pair:
    id: str
    gold: str
    answer: str
    kind: Kind | None = None
    precision: int | None = None
    expected: bool | None = None  # a label the row carries ("expected": 1 / 0), to measure agreement


def read_pairs(text: str, source: str) -> list[Pair]:
    """One pair per JSON line: {"id"?, "gold", "answer", "kind"?, "precision"?, "expected"?}. The answer may be
    named "pred", "prediction" or "response", and the precision sit in "config" (Math-Verify's test tables)."""
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            raise InputError(f"{source}: line {number} is not JSON; write one "
                             '{"gold": ..., "answer": ...} object per line') from None
        if not isinstance(row, dict):
            raise InputError(f"{source}: line {number} is not a JSON object; write one "
                             '{"gold": ..., "answer": ...} object per line')
        answer_field = next((name for name in ANSWER_FIELDS if name in row), None)
        gold, answer = row.get("gold"), row.get(answer_field) if answer_field else None
        if not isinstance(gold, str) or not isinstance(answer, str):
            raise InputError(f'{source}: line {number} needs text in "gold" and "answer"; add them')
        kind = row.get("kind")
        if kind is not None and kind not in KINDS:
            raise InputError(f"{source}: line {number}: unknown kind {str(kind)[:40]!r}; use one of {', '.join(KINDS)} "
                             "or leave it out")
        config = row.get("config") if isinstance(row.get("config"), dict) else {}
        precision = row.get("precision", config.get("precision"))
        if precision is not None and (not isinstance(precision, int) or isinstance(precision, bool) or not 0 <= precision <= 15):
            raise InputError(f"{source}: line {number}: precision must be a whole number of decimal places from 0 to 15")
        expected = row.get("expected")
        label = LABELS.get(expected.lower() if isinstance(expected, str) else expected) if expected is not None else None
        pairs.append(Pair(str(row.get("id", number)), gold, answer, kind, precision, label))
    if not pairs:
        raise InputError(f'{source}: no pairs found; write one {{"gold": ..., "answer": ...}} object per line')
    return pairs
