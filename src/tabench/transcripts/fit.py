"""Does a transcript fit the key at all? (pure)

A transcript of another homework is refused before it is graded, with the reason, because grading it would
give a score that means nothing. It does not fit when
- most of its answer text (answers with enough terms to judge, each weighed by its size) sits in blocks whose
  content the part they were placed under hardly covers, or that fit no part;
- or its numbering keeps disagreeing with the key's content: most labelled answers do not match the part (or
  question) their label names, or name a question the key does not have (HW12's Q1 is the exam's Q9: its "1"
  reads like the key's 9);
- or it names a homework (or quiz, lab …) by number and the key names another.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..model import ProblemSet
from .align import INFORMATIVE_TERMS, POOR_FIT, Placement, contradicted
from .turns import Turn

POOR_SHARE = 0.5  # refused when at least this share of the answer text fits poorly
OFF_LABEL_SHARE = 0.5  # or when at least this share of the labelled answers do not fit the part their label names
MIN_EVIDENCE = 1.0  # the weight of answer text needed before judging at all (an answer of a dozen terms)
FULL_WEIGHT_TERMS = 12
_DOCUMENT = re.compile(r"\b(homework|hw|problem set|pset|assignment|quiz|lab)\s?#?\s?(\d{1,2})\b", re.I)
_SAME_KIND = {"hw": "homework", "pset": "problem set", "assignment": "homework"}


@dataclass
class Fit:
    contradicted: list[tuple[str, str]]  # (the writer's label, the part its content reads like, or "nothing")
    mismatch: str | None  # the reason, in one sentence, or None when the transcript fits


def check_fit(placements: list[Placement], key: ProblemSet, turns: list[Turn]) -> Fit:
    poor_weight = total_weight = 0.0
    poor = informative = labelled = off_label = 0
    wrong: list[tuple[str, str]] = []
    for placement in placements:
        item = placement.evidence
        if item is None or item.size < INFORMATIVE_TERMS or placement.how == "heading":
            continue
        weight = min(1.0, item.size / FULL_WEIGHT_TERMS)
        informative += 1
        total_weight += weight
        fit = item.coverage.get(placement.part_id, 0.0) if placement.part_id else 0.0
        if fit < POOR_FIT:
            poor += 1
            poor_weight += weight
        how = item.reading.how
        if how in ("exact", "ordinal", "prefix", "question", "unknown") and placement.how != "export":
            labelled += 1
            label_fit = max((item.coverage.get(target, 0.0) for target in item.reading.targets), default=0.0)
            if label_fit < POOR_FIT:
                off_label += 1
            best = max(item.coverage, key=item.coverage.get, default=None)
            if how == "unknown" or how != "question" and contradicted(item, item.reading.targets[0]):
                wrong.append((placement.block.label, best or "nothing"))
    named = _named_documents(turns, key)
    reasons = []
    if total_weight >= MIN_EVIDENCE and poor_weight / total_weight >= POOR_SHARE:
        reasons.append(f"{poor} of its {informative} answers match no part's content")
    if off_label >= 2 and off_label / labelled >= OFF_LABEL_SHARE:
        examples = ", ".join(f"its {label} reads like the key's {part}" for label, part in wrong[:3])
        reasons.append(f"{off_label} of its {labelled} labelled answers do not match the key's part of that number"
                       + (f" ({examples})" if examples else ""))
    if named:
        reasons.append(f"it names {named[0]} while the key is {named[1]}")
    mismatch = "; ".join(reasons) if reasons else None
    return Fit(wrong, mismatch)


def _named_documents(turns: list[Turn], key: ProblemSet) -> tuple[str, str] | None:
    """(the homework the transcript names most, the one the key names) when both name one and they differ."""
    asked = Counter()
    for turn in turns:
        if turn.role in ("user", "document") or turn.title:
            for kind, number in _DOCUMENT.findall(turn.title + "\n" + turn.text[:5000]):
                asked[(_kind(kind), int(number))] += 1
    key_names = Counter()
    for text in (key.title, key.source or "", key.questions[0].preamble[:2000] if key.questions else ""):
        for kind, number in _DOCUMENT.findall(text):
            key_names[(_kind(kind), int(number))] += 1
    if not asked or not key_names:
        return None
    (kind, number), _ = asked.most_common(1)[0]
    if (kind, number) in key_names:
        return None
    same_kind = [n for (k, n) in key_names if k == kind]
    if not same_kind:
        return None
    return f"{kind} {number}", f"{kind} {same_kind[0]}"


def _kind(word: str) -> str:
    word = word.lower()
    return _SAME_KIND.get(word, word)
