"""Transcript or write-up -> answers per part, the reader's annotations, and what fit nowhere (pure).

The steps: read the export's structure (JSON exports by `exports.py`, text by `turns.py`), clean what copying
added (`clean.py`), cut the answering turns into labelled blocks (`blocks.py`), take the reader's marks out of
them (`annotations.py`), place the blocks under the key's parts (`align.py`) and check the transcript fits the
key at all (`fit.py`). Every block is kept with its placement, so a person can correct one (`--map "block 3=5.b"`)
or edit the JSON that `tabench import --json` prints and grade that instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import GradingError, InputError, ParseError
from ..model import ProblemSet
from .align import LOW_CONFIDENCE, Placement, align
from .annotations import Annotation, Note, separate, summarise
from .blocks import Block, answer_blocks
from .clean import COPIED_FROM_A_PAGE, normalise, without_double_math, without_page_furniture, without_ui_lines
from .exports import Conversation, conversations_from_json, parse_json
from .fit import Fit, check_fit
from .similarity import KeyProfile, terms
from .turns import Turn, split_turns

FORMAT = "tabench-import/1"  # the JSON that `tabench import --json` prints and `tabench grade` reads back
MAX_TRANSCRIPT_BYTES = 64 * 1024 * 1024  # chat exports hold every conversation of an account: larger than documents
_PART_ID = re.compile(r"\d{1,4}(?:\.[\w]{1,8}){0,3}")
_CORRECTION = re.compile(r"\s*(?:block\s*)?#?(\d{1,6})\s*(?:=|->|→|:)\s*([\w.]+)\s*", re.I)


@dataclass
class ImportedAnswer:
    part_id: str
    text: str
    confidence: float
    how: str = "label"
    title: str = ""
    blocks: list[int] = field(default_factory=list)


@dataclass
class Entry:
    """One block of the transcript with where it was placed: what `--json` shows and a person may correct."""

    number: int
    label: str
    title: str
    line: int
    text: str
    notes: list[Note]
    part_id: str | None
    confidence: float
    how: str
    turn: int = 0
    strong: bool = True

    def as_dict(self) -> dict:
        return {"block": self.number, "line": self.line + 1, "label": self.label, "title": self.title,
                "part_id": self.part_id, "confidence": self.confidence, "how": self.how, "text": self.text,
                "notes": [{"mark": n.mark, "comment": n.comment, "prose": n.prose} for n in self.notes]}


@dataclass
class Imported:
    answers: list[ImportedAnswer]
    annotations: list[Annotation]
    unaligned: list[dict]
    turns: list[Turn] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    mismatch: str | None = None  # why the transcript does not fit the key, when it does not
    notes: list[str] = field(default_factory=list)  # what the user should know: the conversation chosen, corrections
    source: str = ""

    @property
    def low_confidence(self) -> list[Entry]:
        return [e for e in self.entries if e.part_id is not None and e.confidence < LOW_CONFIDENCE and e.text]

    def as_dict(self) -> dict:
        return {
            "format": FORMAT,
            "source": self.source,
            "blocks": [entry.as_dict() for entry in self.entries],
            "answers": [
                {"part_id": a.part_id, "title": a.title, "text": a.text, "confidence": a.confidence, "how": a.how,
                 "blocks": a.blocks}
                for a in self.answers
            ],
            "annotations": [
                {"part_id": a.part_id, "verdict": a.verdict, "tags": a.tags, "comment": a.comment} for a in self.annotations
            ],
            "unaligned": self.unaligned,
            "missing": self.missing,
            "low_confidence": [{"block": e.number, "part_id": e.part_id, "confidence": e.confidence, "how": e.how}
                               for e in self.low_confidence],
            "mismatch": self.mismatch,
            "notes": self.notes,
            "trace": [{"role": t.role, "title": t.title, "text": t.text} for t in self.turns],
        }

    def answer_map(self) -> dict[str, str]:
        return {a.part_id: a.text for a in self.answers}


@dataclass
class Options:
    """How to import: the conversation to take from an export, corrections, and whether to go on past a mismatch."""

    conversation: str | None = None
    corrections: list[str] = field(default_factory=list)
    accept_mismatch: bool = False


def import_text(text: str, source: str = "transcript", key: ProblemSet | None = None,
                options: Options | None = None) -> Imported:
    """Answers per part from a transcript or write-up in any format tabench reads (or an edited import JSON)."""
    options = options or Options()
    text = normalise(text)
    notes: list[str] = []
    if text.lstrip().startswith(("[", "{")):
        data = parse_json(text, source)
        if isinstance(data, dict) and str(data.get("format", "")).startswith("tabench-import"):
            return _edited(data, source, key, options)
        conversation, note = choose_conversation(conversations_from_json(data, source), options.conversation, key,
                                                 source)
        notes += [normalise(n) for n in (note, conversation.note) if n]
        turns = [Turn(t.role, normalise(t.text), normalise(t.title), t.line, t.part_id) for t in conversation.turns]
    else:
        turns = split_turns(text)
    from_a_page = not text.lstrip().startswith(("[", "{")) and COPIED_FROM_A_PAGE.search(text) is not None
    turns = [_cleaned(turn, len(turns) == 1 and turn.role == "document", from_a_page) for turn in turns]
    imported = import_turns(turns, source, key, options)
    imported.notes[:0] = notes
    return imported


def _cleaned(turn: Turn, writeup: bool, from_a_page: bool) -> Turn:
    if turn.role not in ("assistant", "document"):
        return turn
    text = without_ui_lines(turn.text)
    text = without_double_math(text, from_a_page or text != turn.text)
    if writeup:
        text = without_page_furniture(text)
    return Turn(turn.role, text, turn.title, turn.line, turn.part_id)


def import_turns(turns: list[Turn], source: str = "transcript", key: ProblemSet | None = None,
                 options: Options | None = None) -> Imported:
    options = options or Options()
    if not any(turn.text.strip() for turn in turns if turn.role in ("assistant", "document")):
        raise ParseError(f"{source}: no answer text found (an empty chat?); give a transcript with the model's replies")
    blocks, notes_of = _blocks_and_marks(turns)
    entries, fit = _place(blocks, notes_of, key, turns)
    notes: list[str] = []
    if fit is not None and fit.mismatch and options.accept_mismatch and fit.contradicted:
        entries, _ = _place(blocks, notes_of, key, turns, content_first=True)
        notes.append("placed by content, not by the transcript's numbering (--accept-mismatch)")
    _apply_corrections(entries, options.corrections, key)
    if options.corrections:
        notes.append(f"corrected by hand: {', '.join(options.corrections)}")
    imported = assemble(entries, key, turns, source)
    imported.mismatch = fit.mismatch if fit is not None else None
    imported.notes += notes
    return imported


def _blocks_and_marks(turns: list[Turn]) -> tuple[list[Block], dict[int, list[Note]]]:
    """The answer blocks with the reader's marks taken out of their text, and the marks of each block."""
    blocks = answer_blocks(turns)
    notes_of: dict[int, list[Note]] = {}
    for block in blocks:
        body, notes = separate(block.text)
        block.lines = body.strip().split("\n") if body.strip() else []
        notes_of[id(block)] = notes
    return blocks, notes_of


def _place(blocks: list[Block], notes_of: dict[int, list[Note]], key: ProblemSet | None, turns: list[Turn],
           content_first: bool = False) -> tuple[list[Entry], Fit | None]:
    """Every block as an entry with its placement (by its label alone when there is no key), and the fit."""
    to_place = [b for b in blocks if b.text or b.label]
    placements: dict[int, list[Placement]] = {}
    fit = None
    if key is not None and to_place:
        aligned = align(to_place, key, content_first)
        for placement in aligned:
            placements.setdefault(id(to_place[placement.origin]), []).append(placement)
        fit = check_fit(aligned, key, turns)
    entries: list[Entry] = []
    for block in blocks:
        pieces = placements.get(id(block))
        if pieces is None:
            part = (block.label or None) if key is None else None
            confidence = 1.0 if key is None and block.label else 0.0
            pieces = [Placement(block, part, confidence, "label" if part else "no fit")]
        for index, placement in enumerate(pieces):
            piece = placement.block
            entries.append(Entry(len(entries) + 1, block.label, piece.title, piece.line, piece.text,
                                 notes_of.get(id(block), []) if index == 0 else [], placement.part_id,
                                 placement.confidence, placement.how, block.turn, block.strong))
    _continue_lists(entries)
    return entries, fit


def _continue_lists(entries: list[Entry]) -> None:
    """A bare `2)` that fits no part is an item of the list in the answer before it."""
    for previous, entry in zip(entries, entries[1:]):
        if entry.part_id is None and not entry.strong and previous.part_id and previous.turn == entry.turn:
            entry.part_id, entry.confidence, entry.how = previous.part_id, previous.confidence, "continuation"


def _apply_corrections(entries: list[Entry], corrections: list[str], key: ProblemSet | None) -> None:
    wanted = parse_corrections(corrections)
    known = {entry.number: entry for entry in entries}
    ids = {part.id for part in key.parts()} if key is not None else None
    for number, part_id in wanted.items():
        if number not in known:
            raise InputError(f"--map: there is no block {number}; the transcript has blocks 1–{len(entries)} "
                             "(`tabench import FILE --key KEY` lists them)")
        if part_id is not None and ids is not None and part_id not in ids:
            raise InputError(f"--map: {part_id} is not a part of the key; use one of {' '.join(sorted(ids)[:12])} …")
        entry = known[number]
        entry.part_id, entry.confidence, entry.how = part_id, 1.0, "corrected"


def parse_corrections(values: list[str]) -> dict[int, str | None]:
    """`["block 3=5.b", "4=none; 7=2.a"]` -> {3: "5.b", 4: None, 7: "2.a"}."""
    wanted: dict[int, str | None] = {}
    for value in values:
        for item in re.split(r"[;,]", value):
            if not item.strip():
                continue
            found = _CORRECTION.fullmatch(item)
            if not found:
                raise InputError(f'--map: cannot read "{item.strip()}"; write --map "block N=PART" (PART a part id of '
                                 "the key, or none)")
            target = found.group(2).lower()
            wanted[int(found.group(1))] = None if target in ("none", "-", "skip") else target
    return wanted


def assemble(entries: list[Entry], key: ProblemSet | None, turns: list[Turn], source: str) -> Imported:
    """Answers per part from the placed blocks: pieces of one part joined in order, the reader's marks kept."""
    answers: dict[str, ImportedAnswer] = {}
    pieces: dict[str, list[str]] = {}
    notes_by_part: dict[str, list[Note]] = {}
    unaligned: list[dict] = []
    pending_notes: list[Note] = []
    for index, entry in enumerate(entries):
        if not entry.label and not entry.text:
            pending_notes += entry.notes  # only the reader's remarks: they judge the answer that follows
            continue
        part_id = entry.part_id
        if part_id is None:
            if not entry.label and entry.notes and index + 1 < len(entries) or entry.how == "heading":
                pending_notes += entry.notes  # a mark placed just before the answer it judges
            if entry.how == "heading" and not entry.text.strip():
                continue  # a question's title above its parts: no answer
            unaligned.append({"block": entry.number, "label": entry.label, "title": entry.title,
                              "text": entry.text[:300], "line": entry.line + 1})
            continue
        target_notes = notes_by_part.setdefault(part_id, [])
        target_notes += _claim(pending_notes, part_id) + entry.notes
        pending_notes = []
        if part_id in answers:  # the same part answered in several places: keep every piece, in order
            pieces[part_id].append(entry.text)
            answers[part_id].confidence = min(answers[part_id].confidence, entry.confidence)
            answers[part_id].blocks.append(entry.number)
        else:
            answers[part_id] = ImportedAnswer(part_id, entry.text, entry.confidence, entry.how, entry.title,
                                              [entry.number])
            pieces[part_id] = [entry.text]
    for part_id, answer in answers.items():
        answer.text = "\n\n".join(piece for piece in pieces[part_id] if piece).strip()
    _move_displaced_prose(notes_by_part, answers)
    annotations = [summarise(pid, notes) for pid, notes in notes_by_part.items() if notes]
    ordered = _in_key_order(list(answers.values()), key)
    missing = [p.id for p in key.parts() if p.id not in answers and p.kind != "admin"] if key else []
    return Imported(ordered, annotations, unaligned, turns, missing, entries, source=source)


def _move_displaced_prose(notes_by_part: dict[str, list[Note]], answers: dict[str, ImportedAnswer]) -> None:
    """Unmarked remarks sometimes sit after a later part (seed 000): give each to the answer it talks about."""
    if not any(note.prose for notes in notes_by_part.values() for note in notes):
        return
    texts = {pid: set(terms(answer.text)) for pid, answer in answers.items()}
    for pid in list(notes_by_part):
        for note in list(notes_by_part[pid]):
            if not note.prose:
                continue
            words = set(terms(note.comment))
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


# ---- several conversations in one export ---------------------------------------------------------------------------

def choose_conversation(conversations: list[Conversation], wanted: str | None, key: ProblemSet | None,
                        source: str) -> tuple[Conversation, str]:
    """(the conversation to import, a note for the user): the one asked for, the only one, or the one that fits
    the key best."""
    if wanted:
        found = _find_conversation(conversations, wanted)
        if found is None:
            raise ParseError(f"{source}: no conversation {wanted!r} among {len(conversations)} "
                             f"({_titles(conversations)}); give --conversation a number, an id or part of a title")
        return found, ""
    if len(conversations) == 1:
        return conversations[0], ""
    if key is None:
        raise ParseError(f"{source}: holds {len(conversations)} conversations ({_titles(conversations)}); choose one "
                         "with --conversation N or TITLE, or give --key to take the one that fits the key")
    profile = KeyProfile.of(key)
    best = max(range(len(conversations)), key=lambda i: _fit_score(conversations[i], profile))
    chosen = conversations[best]
    return chosen, (f"{source} holds {len(conversations)} conversations; imported {best + 1} "
                    f"({chosen.title!r}), the one that fits the key best; choose another with --conversation")


def _find_conversation(conversations: list[Conversation], wanted: str) -> Conversation | None:
    wanted = wanted.strip()
    if wanted.isascii() and wanted.isdigit() and 1 <= int(wanted) <= len(conversations):
        return conversations[int(wanted) - 1]
    for conversation in conversations:
        if conversation.id and conversation.id == wanted:
            return conversation
    matches = [c for c in conversations if wanted.lower() in c.title.lower()]
    return matches[0] if len(matches) >= 1 else None


def _titles(conversations: list[Conversation]) -> str:
    shown = "; ".join(f"{i + 1} {c.title[:40]!r}" for i, c in enumerate(conversations[:5]))
    return shown + (" …" if len(conversations) > 5 else "")


def _fit_score(conversation: Conversation, profile: KeyProfile) -> float:
    """How much of the key the conversation's replies talk about: the summed best coverage of its replies."""
    total = 0.0
    for turn in conversation.turns:
        if turn.role == "assistant":
            covered = profile.coverage(set(terms(turn.text)))
            total += max(covered.values(), default=0.0) * min(1.0, len(turn.text) / 2000)
    return total


# ---- an edited `tabench import --json` --------------------------------------------------------------------------

def _edited(data: dict, source: str, key: ProblemSet | None, options: Options) -> Imported:
    """An import JSON a person corrected (each block's part_id): the same answers, rebuilt from its blocks."""
    rows = data.get("blocks")
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ParseError(f"{source}: an import JSON needs its \"blocks\" list; print a fresh one with "
                         "`tabench import FILE --key KEY --json`")
    ids = {part.id for part in key.parts()} if key is not None else None
    entries = []
    for number, row in enumerate(rows, start=1):
        part_id = row.get("part_id")
        text = row.get("text", "")
        if part_id is not None and not isinstance(part_id, str) or not isinstance(text, str):
            raise ParseError(f"{source}: block {number} needs \"text\" as a string and \"part_id\" as a part id or null")
        if part_id is not None and ids is not None and part_id not in ids:
            raise InputError(f"{source}: block {number} is placed under {part_id}, which the key does not have; "
                             f"use one of {' '.join(sorted(ids)[:12])} … or null")
        notes = [Note(str(n.get("mark", "?")), str(n.get("comment", "")), 0, bool(n.get("prose")))
                 for n in row.get("notes", []) if isinstance(n, dict)]
        confidence = row.get("confidence", 1.0)
        entries.append(Entry(number, str(row.get("label") or ""), str(row.get("title") or ""),
                             max(0, int(row.get("line", 1)) - 1) if isinstance(row.get("line"), int) else 0,
                             text, notes, part_id,
                             float(confidence) if isinstance(confidence, (int, float)) else 1.0,
                             str(row.get("how") or "label")))
    _apply_corrections(entries, options.corrections, key)
    trace = data.get("trace") if isinstance(data.get("trace"), list) else []
    turns = [Turn(str(t.get("role", "")), str(t.get("text", "")), str(t.get("title", ""))) for t in trace
             if isinstance(t, dict)]
    imported = assemble(entries, key, turns, source)
    imported.notes.append(f"read from an edited import ({len(entries)} blocks)")
    return imported


def refuse_mismatch(imported: Imported, key: ProblemSet, source: str) -> None:
    """Stop before grading a transcript that does not fit the key (unless the user chose to go on)."""
    if imported.mismatch:
        raise GradingError(f"{source} does not fit {key.title!r}: {imported.mismatch}; check that this is the right "
                           "key, or grade anyway with --accept-mismatch")


def import_for_grading(text: str, source: str, key: ProblemSet | None, options: Options | None = None) -> Imported:
    """A transcript imported to be graded: refused when it does not fit the key, unless the user goes on."""
    options = options or Options()
    imported = import_text(text, source, key, options)
    if key is not None and not options.accept_mismatch:
        refuse_mismatch(imported, key, source)
    return imported


def is_transcript(text: str) -> bool:
    """Whether a file given to grade is a transcript to import rather than answers JSON ({part id: answer})."""
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return True  # text, or a JSON list: a chat export
    try:
        data = parse_json(text, "answers")
    except ParseError:
        return False  # let the answers reader say what is wrong with it
    if isinstance(data, list):  # JSON Lines: answers rows carry part_id and answer, chats carry messages
        return not any(isinstance(row, dict) and ("answer" in row or "submission" in row) for row in data)
    if not isinstance(data, dict):
        return False
    if str(data.get("format", "")).startswith("tabench-import"):
        return True
    if all(isinstance(value, (str, int, float)) or value is None for value in data.values()):
        return False
    return not all(_PART_ID.fullmatch(str(k)) for k in data)
