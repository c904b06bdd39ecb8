"""A reader's marks inside a model's text (✓, ✗, X, V, ?, "Correct", "Hallucinated: ...") (pure).

Reports like seeds 000 and 004 interleave them with the answers. They are taken
out of the answer text and kept as human verdicts with tags and a comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MARK_LINE = re.compile(r"^\s*[\]\)]?\s*(?P<mark>[✓✔✗✘?XV])\s*:\s*(?P<comment>.+)$")
_WORD_THEN_MARK = re.compile(
    r"^\s*[\]\)]?\s*(?P<comment>(?:completely |fully |mostly |partially )?(?:correct|incorrect|wrong|right)\b[^✓✔✗✘]{0,80}?)\s*(?P<mark>[✓✔✗✘])\s*$",
    re.I,
)
_TRAILING_MARK = re.compile(r"\s+(?P<mark>[✓✔✗✘])\s*:\s*(?P<comment>[^$]+?)\s*$")
_LATEX_MARK = re.compile(r"\\(?:quad|qquad)?\s*\\text\{\s*(?P<mark>[✓✔✗✘XV?])\s*:\s*(?P<comment>[^{}]*)\}")
_THIRD_PERSON = re.compile(
    r"^\s*(?:Gemini|ChatGPT|Claude|GPT[-\w.]*|The model|The response|The AI|It)\b[^.\n]{0,160}?\b"
    r"(?:correctly|incorrectly|successfully|failed|hallucinat\w*|misunderst\w*|made (?:a|an) \w+ (?:mistake|assumption))\b",
    re.I,
)
TAG_RULES = [
    ("hallucination", re.compile(r"hallucinat", re.I)),
    ("wrong_assumption", re.compile(r"\bassum", re.I)),
    ("minor_mistake", re.compile(r"minor (?:mistake|error)", re.I)),
    ("skipped_derivation", re.compile(r"skip\w* (?:the )?derivation", re.I)),
    ("did_not_answer", re.compile(r"did(?:n't| not) answer|summari[sz]ed but", re.I)),
    ("error_propagated", re.compile(r"by extension|carried over|error propagat|propagated (?:error|mistake)", re.I)),
    ("missing_mention", re.compile(r"does(?:n't| not) mention|did(?:n't| not) mention|forgot to mention", re.I)),
    ("beyond_reference", re.compile(r"beyond the (?:posted |reference )?solution", re.I)),
    ("incomplete", re.compile(r"\bincomplete\b", re.I)),
    ("text_instead_of_diagram", re.compile(r"text description .{0,80}rather than drawing|instead of (?:a )?diagram", re.I)),
]
_VERDICT_WORD = re.compile(r"\s*(?:correct|incorrect|wrong|right|partially|hallucinat|made|minor|missing)", re.I)
_POSITIVE = {"✓", "✔", "V"}
MAX_MARK_LINE = 1000  # a reader's mark is a short line or the end of one; longer lines are answer text
_NEGATIVE = {"✗", "✘", "X"}


@dataclass
class Note:
    mark: str  # ✓, ✗ or ?
    comment: str
    line: int  # line index inside the text it came from
    prose: bool = False  # unmarked third-person prose ("Gemini correctly ..."), which may sit away from its part


@dataclass
class Annotation:
    part_id: str
    verdict: str | None
    tags: list[str] = field(default_factory=list)
    comment: str = ""


def separate(text: str) -> tuple[str, list[Note]]:
    """(the text without the reader's marks, the marks in order)."""
    notes: list[Note] = []
    kept: list[str] = []
    in_code = False
    for index, line in enumerate(text.split("\n")):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        if in_code or len(line) > MAX_MARK_LINE:
            kept.append(line)
            continue
        if "\\text" in line:
            line = _LATEX_MARK.sub(lambda m: _take(notes, m, index), line)
        stripped = line.strip()  # the patterns start at the text: no backtracking over indentation
        whole = _MARK_LINE.match(stripped) or _WORD_THEN_MARK.match(stripped)
        if whole and whole.re is _MARK_LINE and whole.group("mark") in "XV" and not _VERDICT_WORD.match(whole.group("comment")):
            whole = None  # "X: the input matrix" is the model's text, "X: Incorrect." is a mark
        if whole:
            comment = whole.group("comment").strip()
            rest = ""
            head, dollar, tail = comment.partition("$")
            if whole.re is _MARK_LINE and dollar and head.rstrip().endswith("."):
                # "✗: made wrong assumption. $\|x\|_2 \leq ...$": after the sentence, the math is the model's
                comment, rest = head.strip(), "$" + tail
            notes.append(Note(_canonical(whole.group("mark"), comment), comment, index))
            if rest:
                kept.append(rest)
            continue
        trailing = _TRAILING_MARK.search(line) if any(mark in line for mark in "✓✔✗✘") else None
        if trailing:
            notes.append(Note(_canonical(trailing.group("mark"), trailing.group("comment")), trailing.group("comment").strip(), index))
            line = line[: trailing.start()]
        if _THIRD_PERSON.match(stripped):
            negative = re.search(r"incorrectly|failed|hallucinat|misunderst|mistake", line, re.I)
            notes.append(Note("✗" if negative else "✓", line.strip(), index, prose=True))
            continue
        kept.append(line)
    return "\n".join(kept), notes


def _take(notes: list[Note], match: re.Match, index: int) -> str:
    notes.append(Note(_canonical(match.group("mark"), match.group("comment")), match.group("comment").strip(), index))
    return ""


def _canonical(mark: str, comment: str) -> str:
    if mark in _POSITIVE:
        return "✓"
    if mark in _NEGATIVE:
        return "✗"
    if mark == "?":
        return "?"
    return "✓" if not re.search(r"incorrect|wrong", comment, re.I) else "✗"


def summarise(part_id: str, notes: list[Note]) -> Annotation:
    """One human verdict for a part from all the marks placed in it."""
    marks = {note.mark for note in notes if note.mark in ("✓", "✗")}
    if marks == {"✓", "✗"}:
        verdict = "partially_correct"
    elif marks == {"✓"}:
        verdict = "correct"
    elif marks == {"✗"}:
        verdict = "incorrect"
    else:
        verdict = None
    comment = " | ".join(note.comment for note in notes if note.comment)
    tags = [tag for tag, rule in TAG_RULES if rule.search(comment)]
    return Annotation(part_id, verdict, tags, comment)
