"""The choices an answer picks (pure).

Lenient on form, strict on commitment. Read in this order: marked boxes (☒, `- [x]`), then the region the
answer commits in (final.py: "Final answer: A", "Selection: Curve (b)", `**A and E**`), then the whole
answer. Forms, with an example each:

| form | example |
| --- | --- |
| a marked box | `☒ **D** on line 9 above`, `- [x] D` |
| a lone label or a list of labels | `D`, `b`, `1 and 6`, `1, 3, 6`, `A and E` |
| a named option | `Option D`, `choice 3`, `choices 1, 3 and 6`, `(Choice 1, 3, 6)`, `Curve (b)`, `Figure (a)` |
| the option's text or math | `Scenario 3`, `REPTILE`, `β = 10^-3`, `σ²`, `$\\|f(x')\\|_2 = a\\|f(x)\\|_2$` |
| all of them | `All three.`, `All of the above.` |
| the value of an option that is a value | `E(X) = 64 · 1/8 = 8` for the option `8`, `1e-3` for `$\\beta = 10^{-3}$` (option_values.py) |

A part's own label at the start of its answer (`**(a)** Scenario 3`) is a label, not a choice: grade.py
takes it off before the checkers read.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..ingest.normalize import normalize_boxes
from ..model import Blank, Choice
from .choices import match_option, normalise_choice_text
from .expressions import canonical
from .final import regions
from .math import math_spans, strip_markup, without_wrappers
from .numbers import NotANumber, evaluate
from .option_values import picked_by_value
from .plain import plain_expressions

_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_ALL = re.compile(r"\ball\s+(two|three|four|five|six|of\s+(?:the\s+above|them|these|the\s+options|the\s+choices))\b"
                  r"|\ball (?:options|choices|statements) (?:are )?(?:correct|true|apply)", re.I)
_POSITIONAL = re.compile(r"\b(?:choices?|options?|statements?)\s*#?\s*((?:\d+\s*(?:,|and|&|or)?\s*)+)|\((\d+(?:\s*,\s*\d+)+)\)", re.I)
_LETTER = re.compile(
    r"(?:\b(?i:option|choice|answer|curve|figure|fig\.|plot|panel|letter)\s*[:#]?\s*\(?([A-Ha-h])\)?(?![\w(])"
    r"|\(([A-Ha-h])\)(?!\s*[-–]?\s*\w+\s*=)"
    r"|\*\*\(?([A-H])\)?\*\*"
    r"|^[ \t]*\(?([A-Ha-h])[).:](?:\s|$))",
    re.M,
)
_LABEL_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?:[A-Ha-h]|\d{1,2})(?![A-Za-z0-9])")
# A list of labels and nothing else: 'D', 'A and C', 'A, C', '(A) and (C)', 'Both A and C', 'Options A & C', '1, 3, 6'.
_LABEL_LIST = re.compile(r"^\s*(?:\*\*)?(?:(?i:both|options?|choices?|answers?)\s*:?\s*)?\(?([A-Ha-h]|\d{1,2})\)?"
                         r"(?:\s*(?:,(?:\s*and(?=\s))?|and|&|or|\+)\s*\(?([A-Ha-h]|\d{1,2})\)?)*(?:\*\*)?\s*[.!]?\s*$")
_LIST_WORD = re.compile(r"^\s*(?:\*\*)?(?i:both|options?|choices?|answers?)\s*:?")


def chosen_labels(answer: str, blank: Blank) -> list[str]:
    """The labels an answer picks, in the order it names them."""
    choices = blank.choices
    text = _boxes_marked(_without_own_marker(answer, blank))
    marked = [m.group(1).strip() for m in re.finditer(r"☒([^☐☒\n]*)", text)]
    if marked and choices:
        labels = _unique(match_option(option, choices) for option in marked)
        if labels:
            return labels
    by_value = picked_by_value(text, choices) if choices else []
    if by_value:
        return by_value
    for region in regions(text):
        if region.how in ("boxed", "final answer", "bold", "conclusion"):
            labels = labels_in(region.text, choices)
            if labels:
                return labels
    return labels_in(text, choices)


_BOX_MARKERS = re.compile(r"\[[ xX]\]|<input|[☐☒☑■●◉○◯❏❑□✓✔√]")


def _boxes_marked(text: str) -> str:
    """Check boxes in canonical form (☐ ☒), line by line: only lines that hold a box marker are rewritten."""
    if not _BOX_MARKERS.search(text):
        return text
    return "\n".join(normalize_boxes(line) if _BOX_MARKERS.search(line) else line for line in text.split("\n"))


def committed(answer: str) -> bool:
    """Does the answer commit explicitly (a box or a final-answer cue)?"""
    return any(region.how in ("boxed", "final answer") for region in regions(answer))


def committed_leading_label(answer: str, blank: Blank) -> str | None:
    """The one choice named right after the answer commits ('Je choisirais REPTILE …: MAML exigerait …')."""
    for region in regions(answer):
        if region.how in ("boxed", "final answer"):
            if _OFFERS_ALTERNATIVES.search(region.text[:60]):
                return None  # 'the answer is 26 or 29 depending on convention' commits to neither
            return leading_label(region.text, blank)
    return None


_OFFERS_ALTERNATIVES = re.compile(r"\b(?:or|either|ou|o|oder|или)\b|或", re.I)


def leading_label(answer: str, blank: Blank) -> str | None:
    """The one choice named at the very start of an answer ('REPTILE, because MAML ...')."""
    head = strip_markup(_without_own_marker(answer, blank)).strip()[:40]
    found = _letter_mentions(head, blank.choices) + _text_mentions(head, blank.choices)
    early = {label for position, label in found if position <= 3}
    return early.pop() if len(early) == 1 else None


def _without_own_marker(answer: str, blank: Blank) -> str:
    """'(B) is $\\sigma^2$' answers blank B: its marker is not a choice letter."""
    name = (blank.label or "").strip("() ")
    if len(name) == 1 and name.isalpha():
        return re.sub(rf"^\s*(?:\*\*)?\(?(?i:{re.escape(name)})\)?(?:\*\*)?\s*[:.=)]?", " ", answer, count=1)
    return answer




def label_list(text: str, choices: list[Choice]) -> list[str]:
    """The labels `text` lists when it is a list of labels and nothing else (the table above); else []."""
    bare = strip_markup(without_wrappers(text) if ("$" in text or "\\" in text) else text)
    if not _LABEL_LIST.match(bare):
        return []
    bare = _LIST_WORD.sub(" ", bare)
    return _listed_labels(bare, choices) if choices else _unique(_LABEL_TOKEN.findall(bare))


def labels_in(text: str, choices: list[Choice]) -> list[str]:
    listed = label_list(text, choices)
    if listed or not choices:
        return listed or _unique(m for groups in _LETTER.findall(text) for m in groups if m)
    labels = [choice.label for choice in choices]
    found: list[tuple[int, str]] = []
    all_match = _ALL.search(text)
    if all_match:
        word = all_match.group(1).lower() if all_match.group(1) else ""
        if word not in _NUMBER_WORDS or _NUMBER_WORDS[word] == len(labels):
            return list(labels)
    for match in _POSITIONAL.finditer(text):
        for number in re.findall(r"\d+", match.group(1) or match.group(2)):
            if 0 < int(number) <= len(labels):
                found.append((match.start(), labels[int(number) - 1]))
    found += _letter_mentions(text, choices)
    found += _text_mentions(text, choices)
    found.sort()
    return _unique(label for _, label in found)


def _listed_labels(text: str, choices: list[Choice]) -> list[str]:
    """'D', 'b', '1 and 6', '1, 3, 6', 'A and E': every token must name a choice."""
    labels = [choice.label for choice in choices]
    picked = []
    for token in _LABEL_TOKEN.findall(text):
        if token in labels:
            picked.append(token)
        elif token.isdigit() and all(label.isalpha() for label in labels) and 0 < int(token) <= len(labels):
            picked.append(labels[int(token) - 1])
        else:
            mention = _letter_mentions(f"({token})", choices) if token.isalpha() else []
            if not mention:
                return []
            picked.append(mention[0][1])
    return _unique(picked)


def _letter_mentions(text: str, choices: list[Choice]) -> list[tuple[int, str]]:
    by_letter = {}
    for index, choice in enumerate(choices):
        if len(choice.label) == 1 and choice.label.isalpha():
            by_letter[choice.label.lower()] = choice.label
        else:
            by_letter.setdefault(chr(ord("a") + index), choice.label)
        stripped = choice.text.strip("() ")
        if len(stripped) == 1 and stripped.isalpha():
            by_letter[stripped.lower()] = choice.label
    found = []
    for match in _LETTER.finditer(text):
        letter = next(group for group in match.groups() if group)
        if letter.lower() in by_letter:
            found.append((match.start(), by_letter[letter.lower()]))
    return found


def _text_mentions(text: str, choices: list[Choice]) -> list[tuple[int, str]]:
    found = []
    flat = strip_markup(text)
    lowered = flat.lower()
    answer_math: list[str] | None = None  # read only when some choice is pure math
    for choice, (wanted, key) in zip(choices, _choice_words(tuple(c.text for c in choices))):
        choice_math, choice_plain = _choice_profile(choice.text)
        if choice_math and not choice_plain.strip(" =,"):
            if answer_math is None:
                answer_math = [canonical(latex) for latex, _ in math_spans(text)]
                answer_math += [canonical(p) for p in plain_expressions(text)]
            position = next((i for i, math in enumerate(answer_math) if same_math(math, choice_math[0])), None)
            if position is not None:
                found.append((position, choice.label))
            continue
        if wanted:
            position = _word_find(lowered, wanted)
            if position < 0 and key:
                position = _word_find(lowered, key)
            if position >= 0:
                found.append((position, choice.label))
    return found


@lru_cache(maxsize=4096)
def _choice_words(texts: tuple[str, ...]) -> tuple[tuple[str | None, str | None], ...]:
    """For each choice: its text as an answer may write it, and a word that names it alone (or None)."""
    words = []
    normalised = [normalise_choice_text(t) for t in texts]
    for index, text in enumerate(texts):
        wanted = strip_markup(text).lower().rstrip(".")
        if len(wanted) < 2 or re.fullmatch(r"\(?\w\)?", wanted):
            wanted = None
        first = re.findall(r"[A-Za-z][\w-]{3,}", strip_markup(text))
        key = first[0].lower() if first else None
        if key and any(key in other for j, other in enumerate(normalised) if j != index):
            key = None
        words.append((wanted, key))
    return tuple(words)


@lru_cache(maxsize=16384)
def _choice_profile(text: str) -> tuple[tuple[str, ...], str]:
    """(the canonical math of a choice, its words without math) — computed once per choice text."""
    math = tuple(canonical(latex) for latex, _ in math_spans(text))
    plain = strip_markup(re.sub(r"\$[^$]*\$", "", text)).strip(" .()").lower()
    return math, plain


@lru_cache(maxsize=16384)
def same_math(answer: str, choice: str) -> bool:
    """'\\beta=1' is the choice '\\beta=10^0'; '\\mu' is not '2\\mu' (both already canonical)."""
    if answer == choice:
        return True
    if "=" in answer and "=" in choice:
        (left_a, right_a), (left_c, right_c) = answer.rsplit("=", 1), choice.rsplit("=", 1)
        if left_a == left_c:
            try:
                a, _ = evaluate(right_a)
                c, _ = evaluate(right_c)
            except (NotANumber, ValueError):
                return False
            return abs(a - c) <= 1e-12 * max(1.0, abs(c))
    return False


def _word_find(haystack: str, needle: str) -> int:
    match = _word_pattern(needle).search(haystack)
    return match.start() if match else -1


@lru_cache(maxsize=16384)
def _word_pattern(needle: str) -> re.Pattern:
    return re.compile(r"(?<![\w])" + re.escape(needle) + r"(?![\w])")


def _unique(items) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen
