"""Part ids as people type them: a selection such as `3.a,6`, and a hint for an id the key does not have (pure)."""

from __future__ import annotations

import difflib
import re

from .errors import InputError
from .model import ProblemSet

_PREFIX = re.compile(r"^\s*(?:question|problem|q)\s*", re.I)
_SEPARATORS = re.compile(r"[\s()\[\]._-]+")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")


def canonical(part_id: str) -> str:
    """How an id is meant, whatever its spelling: '3a', '3(a)', 'Q3.A', '3 a' all read as '3.a'."""
    text = _PREFIX.sub("", part_id.lower())
    pieces = [p for p in _SEPARATORS.split(text) if p]
    return ".".join(_DIGIT_LETTER.sub(".", p) for p in pieces)


def hint(part_id: str, known: list[str]) -> str:
    """What to write instead of an id the key does not have: 'did you mean 3.a?', the parts of its question,
    or the nearest id ('' when nothing is near)."""
    wanted = canonical(part_id)
    same = [k for k in known if canonical(k) == wanted]
    if same:
        return f"did you mean {same[0]}?"
    question = wanted.split(".")[0]
    siblings = [k for k in known if k.split(".")[0] == question]
    if siblings:
        shown = ", ".join(siblings[:8]) + (", …" if len(siblings) > 8 else "")
        return f"question {question} has {shown}"
    close = difflib.get_close_matches(wanted, [canonical(k) for k in known], n=1, cutoff=0.6)
    if close:
        return f"did you mean {next(k for k in known if canonical(k) == close[0])}?"
    return ""


def unknown_ids_line(ids: list[str], known: list[str], limit: int = 6) -> str:
    """'3a (did you mean 3.a?), 6.d (question 6 has 6.a, 6.b, 6.c)' for the first few unknown ids."""
    shown = []
    for part_id in ids[:limit]:
        note = hint(part_id, known)
        shown.append(f"{part_id} ({note})" if note else part_id)
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(shown) + more


def select(spec: str, known: list[str]) -> list[str]:
    """The ids a selection names, in the key's order: '3.a,6' is part 3.a and every part of question 6.

    An item is a part id or the start of one up to a dot ('6' selects 6.a, 6.b, …; '11.d' selects 11.d.i, …)."""
    items = [item.strip() for item in spec.split(",") if item.strip()]
    if not items:
        raise InputError("--parts is empty; give part ids or question numbers, e.g. --parts 3.a,6")
    chosen: set[str] = set()
    for item in items:
        matches = [k for k in known if k == item or k.startswith(item + ".")]
        if not matches:
            note = hint(item, known)
            raise InputError(f"--parts {item}: the key has no such part" + (f"; {note}" if note else "")
                             + " (`tabench ingest KEY` lists the ids)")
        chosen.update(matches)
    return [k for k in known if k in chosen]


def only_parts(problem_set: ProblemSet, part_ids) -> ProblemSet:
    """The problem set cut to these parts (and the questions that hold them), in its own order."""
    wanted = set(part_ids)
    questions = [q.model_copy(update={"parts": [p for p in q.parts if p.id in wanted]}) for q in problem_set.questions]
    return problem_set.model_copy(update={"questions": [q for q in questions if q.parts]})
