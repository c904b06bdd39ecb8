"""Limits on what users hand in, and checks that refuse early with one line (pure).

A problem set of the seeds' kind is 16–60 KB with about 60 parts; the limits leave room for far larger ones
while keeping every command bounded in time and memory.
"""

from __future__ import annotations

import dataclasses
import re
from itertools import accumulate

from .errors import InputError, ParseError

# Bytes read from one file, by what the file is for (answers files and transcripts take the importer's
# transcripts.MAX_TRANSCRIPT_BYTES: a chat export holds a whole account).
MAX_BYTES = {
    "document": 2_000_000,  # a key: the largest real one is 60 KB
    "prompt template": 200_000,
    "prices file": 1_000_000,
}
DEFAULT_MAX_BYTES = 20_000_000
MAX_QUESTIONS = 2_000
MAX_PARTS = 2_000  # as the Markdown structure finder allows (ingest/structure.py)
MAX_JSON_DEPTH = 64

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE = re.compile("[\ud800-\udfff]")


def max_bytes(what: str) -> int:
    return MAX_BYTES.get(what, DEFAULT_MAX_BYTES)


def json_depth(text: str) -> int:
    """How deeply the brackets of a JSON text nest (strings skipped), in linear time without recursion."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def check_json_depth(text: str, source: str) -> None:
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise InputError(f"{source}: JSON nested {depth} levels deep, over the limit of {MAX_JSON_DEPTH}; "
                         "no tabench file nests that deep, check it is the right file")


def check_problem_set_size(questions: int, parts: int, source: str) -> None:
    if questions > MAX_QUESTIONS or parts > MAX_PARTS:
        raise ParseError(f"{source}: {questions:,} questions and {parts:,} parts, over the limit of {MAX_QUESTIONS:,} "
                         f"questions and {MAX_PARTS:,} parts; split the problem set into several files")


def duplicate_ids(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated = []
    for part_id in ids:
        if part_id in seen and part_id not in repeated:
            repeated.append(part_id)
        seen.add(part_id)
    return repeated


def scrub_surrogates(value):
    """(value with every lone surrogate in its strings replaced by U+FFFD, how many were replaced); walks
    lists, tuples, dicts and dataclass instances (changed in place)."""
    replaced = 0

    def clean(item):
        nonlocal replaced
        if isinstance(item, str):
            text, count = without_lone_surrogates(item)
            replaced += count
            return text
        if isinstance(item, (list, tuple)):
            return type(item)(clean(x) for x in item)
        if isinstance(item, dict):
            return {clean(k): clean(v) for k, v in item.items()}
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            for field in dataclasses.fields(item):
                setattr(item, field.name, clean(getattr(item, field.name)))
        return item

    return clean(value), replaced


def without_lone_surrogates(text: str) -> tuple[str, int]:
    """(text with each lone UTF-16 surrogate — half of a broken character, from a JSON escape such as
    \\ud800 — replaced by U+FFFD, how many were replaced)."""
    return _SURROGATE.subn("\ufffd", text)
