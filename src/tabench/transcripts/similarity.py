"""How much a piece of answer text talks about each part of a key (pure).

A text is reduced to its terms: words (lower-cased, common words left out, plural and verb endings cut), numbers
of two or more digits, LaTeX symbols (`\\beta`, also written `β`) and code identifiers (`d_model`). A part's profile
is the terms of its question's title and shared text, its prompt, its choices and its reference solution. A term
counts by how few parts share it (inverse document frequency over the key's parts), so `softmax` in a key where one
part mentions it says more than `model` in a key where every part does.

Terms of the question's title and shared text count half for each of its parts (`SHARED_TERM`): they tell the
question, not which of its parts.

`coverage` is the share of a text's term weight that a part's profile holds: 0 when nothing matches, near 1 when
every term of the text is one of the part's own. Terms the key never uses weigh as much as the rarest key term, so
text about something else (another homework) covers little of any part.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from ..model import ProblemSet
from .clean import _GLYPHS

_TERM = re.compile(r"\\([A-Za-z]+)|([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)|(\d+(?:\.\d+)?)|([α-ωΑ-Ω])")
_FORMATTING = set(
    "text mathbf mathrm mathcal mathbb mathit mathsf boldsymbol bm operatorname textbf textit emph frac dfrac tfrac "
    "left right big Big bigg Bigg cdot quad qquad tag begin end displaystyle limits hat tilde bar vec dot ddot dots "
    "ldots cdots sqrt label ref in le leq ge geq approx neq ne times over underbrace overbrace boxed".split()
)
_COMMON = set(
    "the and for that this with from are was were which what when where into your you can will not have has its our "
    "their there these those then than also each such only more most some any all one two three use used using given "
    "let thus since because would should could how why does did both other very over under about after before "
    "between same while here just like make made been being answer question part solution show find compute write "
    "explain following below above note see get gives give take first second third result value case way need want "
    "must may might much many well new now therefore hence so it is be as by on at an or if of to in we this that "
    "correct final step steps which therefore yes true false".split()
)
_GREEK = {glyph: "\\" + name for name, glyph in _GLYPHS.items() if name.isalpha() and name[0].islower()}
PROFILE_PREAMBLE_CHARS = 3000
SHARED_TERM = 0.5
MAX_TERMS_TEXT = 200_000  # a text longer than this is read by its first characters only


def terms(text: str) -> list[str]:
    """The terms of a text, in order, with repeats."""
    found = []
    for token in _TERM.findall(text[:MAX_TERMS_TEXT]):
        term = _TERMS.get(token)
        if term is None:
            term = _term(*token)
            if len(_TERMS) < MAX_CACHED_TERMS:
                _TERMS[token] = term
        if term:
            found.append(term)
    return found


_TERMS: dict[tuple, str] = {}  # a token as matched -> its term ("" for none): texts repeat their words
MAX_CACHED_TERMS = 200_000


def _term(command: str, word: str, number: str, greek: str) -> str:
    if command:
        return "" if command in _FORMATTING else "\\" + command
    if word:
        lowered = word.lower()
        return _stem(lowered) if (len(lowered) >= 3 or "_" in lowered) and lowered not in _COMMON else ""
    if number:
        if len(number) < 2:
            return ""
        return number.rstrip("0").rstrip(".") if "." in number else number
    return _GREEK.get(greek, greek)


def _stem(word: str) -> str:
    for ending in ("ing", "ed", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 4 and not word.endswith("ss"):
            return word[: -len(ending)]
    return word


@dataclass
class KeyProfile:
    """Every part's terms (each with how much it is the part's own: 1, or SHARED_TERM for its question's shared
    text), and how much each term says (its weight)."""

    part_ids: list[str]
    profiles: dict[str, dict[str, float]]
    weight: dict[str, float]
    unknown_weight: float
    holders: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # term -> [(part id, share)]

    @classmethod
    def of(cls, key: ProblemSet) -> "KeyProfile":
        profiles: dict[str, dict[str, float]] = {}
        for question in key.questions:
            shared = set(terms(" ".join([question.title, question.preamble[:PROFILE_PREAMBLE_CHARS]])))
            for part in question.parts:
                choices = " ".join(choice.text for choice in part.choices)
                own = set(terms(" ".join([part.context, part.prompt, choices, part.solution])))
                profile = dict.fromkeys(shared, SHARED_TERM)
                profile.update(dict.fromkeys(own, 1.0))
                profiles[part.id] = profile
        count = max(1, len(profiles))
        frequency = Counter(term for profile in profiles.values() for term in profile)
        weight = {term: math.log(1 + count / n) for term, n in frequency.items()}
        holders: dict[str, list[tuple[str, float]]] = {}
        for part_id, profile in profiles.items():
            for term, share in profile.items():
                holders.setdefault(term, []).append((part_id, share))
        return cls(list(profiles), profiles, weight, math.log(1 + 2 * count), holders)

    def term_weight(self, term: str) -> float:
        return self.weight.get(term, self.unknown_weight)

    def coverage(self, text_terms: set[str]) -> dict[str, float]:
        """part id -> the share of the text's term weight found in that part's profile (parts with none left out)."""
        total = sum(self.term_weight(term) for term in text_terms)
        if not total:
            return {}
        found: dict[str, float] = {}
        for term in text_terms:
            for part_id, share in self.holders.get(term, ()):
                found[part_id] = found.get(part_id, 0.0) + self.weight[term] * share
        return {part_id: value / total for part_id, value in found.items()}
