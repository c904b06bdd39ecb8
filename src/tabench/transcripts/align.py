"""Put answer blocks under the part ids of a key (pure): by label, then by content."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import ProblemSet
from .blocks import Block

_WORD = re.compile(r"[a-z][a-z0-9]{2,}")
_STOP = set("the and for that this with from are was were which what when where into your you can will not have has its our their there these those then than".split())


@dataclass
class Placement:
    block: Block
    part_id: str | None
    confidence: float
    how: str


def content_words(text: str) -> set[str]:
    """The words that carry meaning, for comparing texts by what they talk about."""
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b)) ** 0.5 / max(len(a), len(b)) ** 0.5


def align(blocks: list[Block], key: ProblemSet) -> list[Placement]:
    parts = key.parts()
    ids = {part.id for part in parts}
    profile = {}
    for question in key.questions:
        for part in question.parts:
            profile[part.id] = content_words(" ".join([question.title, part.context, part.prompt, part.solution[:600]]))
    placements = []
    for block in blocks:
        words = content_words(block.title + " " + block.text[:3000])
        label = block.label
        if label in ids:
            similarity = _similarity(words, profile[label])
            placements.append(Placement(block, label, round(min(1.0, 0.8 + similarity), 2), "label"))
            continue
        candidates = [p.id for p in parts if _compatible(block, p.id)]
        scored = sorted(((_similarity(words, profile[pid]), pid) for pid in candidates), reverse=True)
        if scored and scored[0][0] >= 0.12:
            best, pid = scored[0]
            how = "letter and content" if block.part else "content"
            base = 0.35 if block.part else 0.2
            placements.append(Placement(block, pid, round(min(0.79, base + best), 2), how))
        else:
            placements.append(Placement(block, None, 0.0, "no fit"))
    return placements


def _compatible(block: Block, part_id: str) -> bool:
    """A block labelled (b) may be any question's (b); an unlabelled block may be anything."""
    pieces = part_id.split(".")
    if block.part and (len(pieces) < 2 or pieces[1] != block.part):
        return False
    if block.sub and (len(pieces) < 3 or pieces[2] != block.sub):
        return False
    return True
