"""Transcript or write-up -> answers per part, the reader's annotations, and what fit nowhere (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ParseError
from ..model import ProblemSet
from .align import align, content_words
from .annotations import Annotation, Note, separate, summarise
from .blocks import Block, answer_blocks
from .turns import Turn, parse_json, split_turns, turns_from_json


@dataclass
class ImportedAnswer:
    part_id: str
    text: str
    confidence: float
    how: str = "label"
    title: str = ""


@dataclass
class Imported:
    answers: list[ImportedAnswer]
    annotations: list[Annotation]
    unaligned: list[dict]
    turns: list[Turn] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "answers": [
                {"part_id": a.part_id, "title": a.title, "text": a.text, "confidence": a.confidence, "how": a.how}
                for a in self.answers
            ],
            "annotations": [
                {"part_id": a.part_id, "verdict": a.verdict, "tags": a.tags, "comment": a.comment} for a in self.annotations
            ],
            "unaligned": self.unaligned,
            "missing": self.missing,
        }

    def answer_map(self) -> dict[str, str]:
        return {a.part_id: a.text for a in self.answers}


def import_text(text: str, source: str = "transcript", key: ProblemSet | None = None) -> Imported:
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        turns = turns_from_json(parse_json(text, source), source)
    else:
        turns = split_turns(text)
    return import_turns(turns, source, key)


def import_turns(turns: list[Turn], source: str = "transcript", key: ProblemSet | None = None) -> Imported:
    if not any(turn.text.strip() for turn in turns if turn.role in ("assistant", "document")):
        raise ParseError(f"{source}: no answer text found (an empty chat?); give a transcript with the model's replies")
    blocks = answer_blocks(turns)
    cleaned: list[tuple[Block, str, list[Note]]] = []
    for block in blocks:
        body, notes = separate(block.text)
        cleaned.append((block, body.strip(), notes))

    answers: dict[str, ImportedAnswer] = {}
    pieces: dict[str, list[str]] = {}
    notes_by_part: dict[str, list[Note]] = {}
    unaligned: list[dict] = []
    placements = align([b for b, _, _ in cleaned], key) if key else None
    pending_notes: list[Note] = []
    for index, (block, body, notes) in enumerate(cleaned):
        if not block.label and not body:
            pending_notes += notes  # only the reader's remarks: they judge the answer that follows
            continue
        if key is not None:
            placement = placements[index]
            part_id, confidence, how = placement.part_id, placement.confidence, placement.how
        else:
            part_id, confidence, how = (block.label or None), (1.0 if block.label else 0.0), "label"
        if part_id is None:
            if not block.label and notes and index + 1 < len(cleaned):
                pending_notes += notes  # a mark placed just before the answer it judges
            if body or block.label:
                unaligned.append({"label": block.label, "title": block.title, "text": body[:300], "line": block.line + 1})
            continue
        target_notes = notes_by_part.setdefault(part_id, [])
        target_notes += _claim(pending_notes, part_id) + notes
        pending_notes = []
        if part_id in answers:  # the same part answered in several places: keep every piece, in order
            pieces[part_id].append(body)
            answers[part_id].confidence = min(answers[part_id].confidence, confidence)
        else:
            answers[part_id] = ImportedAnswer(part_id, body, confidence, how, block.title)
            pieces[part_id] = [body]
    for part_id, answer in answers.items():
        answer.text = "\n\n".join(piece for piece in pieces[part_id] if piece).strip()
    _move_displaced_prose(notes_by_part, answers)
    annotations = [summarise(pid, notes) for pid, notes in notes_by_part.items() if notes]
    ordered = _in_key_order(list(answers.values()), key)
    missing = [p.id for p in key.parts() if p.id not in answers and p.kind != "admin"] if key else []
    return Imported(ordered, annotations, unaligned, turns, missing)


def _move_displaced_prose(notes_by_part: dict[str, list[Note]], answers: dict[str, ImportedAnswer]) -> None:
    """Unmarked remarks sometimes sit after a later part (seed 000): give each to the answer it talks about."""
    texts = {pid: content_words(answer.text) for pid, answer in answers.items()}
    for pid in list(notes_by_part):
        for note in list(notes_by_part[pid]):
            if not note.prose:
                continue
            words = content_words(note.comment)
            scores = {other: len(words & text) / (len(words) or 1) for other, text in texts.items()}
            best = max(scores, key=scores.get) if scores else pid
            if best != pid and scores[best] >= 1.5 * scores.get(pid, 0) + 0.05:
                notes_by_part[pid].remove(note)
                notes_by_part.setdefault(best, []).append(note)


_NAMED_PART = re.compile(r"part\s*\(?([a-h])\)")


def _claim(notes: list[Note], part_id: str) -> list[Note]:
    """Marks before a block go to it, unless they name another part ('... to part(a)')."""
    letter = part_id.split(".")[-1]
    return [n for n in notes if (named := _NAMED_PART.search(n.comment)) is None or named.group(1) == letter]


def _in_key_order(answers: list[ImportedAnswer], key: ProblemSet | None) -> list[ImportedAnswer]:
    if key is None:
        return answers
    order = {part.id: index for index, part in enumerate(key.parts())}
    return sorted(answers, key=lambda a: order.get(a.part_id, len(order)))
