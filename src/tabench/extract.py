"""Read the final answer out of free-form text as models and students write it (pure).

Lenient on form, strict on commitment: the answer the writer finally commits
to (a boxed value, "Final answer:", "Selection:", the last equation) counts.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .choices import match_option, normalise_choice_text
from .ingest.normalize import normalize_boxes
from .latex import last_boxed, math_spans, strip_markup
from .plain_math import canonical, plain_expressions
from .quantities import NotANumber, evaluate
from .model import FREE_FORM_KINDS, Blank, Choice, Part

MAX_ANSWER_CHARS = 200_000
COMMIT_CUE = re.compile(
    r"(?:final answer|the (?:correct |right )?answer (?:is|would be)|answer\s*[:=]|answers?\s+are|selection\s*:|"
    r"i (?:choose|select|pick)|correct (?:option|choice|answer)s? (?:is|are)|(?:option|choice)s? selected\s*:|"
    r"result\s*:|gradient contributors\s*:|so the answer|therefore|thus|hence)",
    re.I,
)
_INJECTION = re.compile(
    r"(?:award|give|grant|assign)\s+(?:this|me|the student|full|all|maximum|max)\b[^.\n]{0,40}\b(?:points?|marks?|credit|score)"
    r"|ignore\s+(?:all\s+|any\s+)?(?:the\s+)?(?:previous|prior|above|earlier|grading)\s+(?:instructions?|rubric|rules?)"
    r"|as (?:the|a|your) (?:ta|grader|instructor|teacher|professor)\b[^.\n]{0,60}\b(?:confirm|certify|approve|correct)"
    r"|(?:grader|judge|evaluator|ta)\s*[:,]\s*(?:mark|grade|score|accept)"
    r"|mark (?:this|the) (?:answer|response|part)?\s*(?:as\s+)?(?:fully\s+)?correct"
    r"|this (?:answer|response) (?:is|should be) (?:marked |graded )?(?:fully )?correct,? (?:regardless|no matter)"
    r"|(?:score|grade)\s*[:=]\s*(?:\d+\s*/\s*\d+|full|a\+?)\b",
    re.I,
)
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_ALL = re.compile(r"\ball\s+(two|three|four|five|six|of\s+(?:the\s+above|them|these|the\s+options|the\s+choices))\b|\ball (?:options|choices|statements) (?:are )?(?:correct|true|apply)", re.I)
_NONE = re.compile(r"\bnone of (?:them|these|the options)\b(?! of the above)", re.I)
_POSITIONAL = re.compile(
    r"\b(?:choices?|options?|statements?)\s*#?\s*((?:\d+\s*(?:,|and|&|or)?\s*)+)|\((\d+(?:\s*,\s*\d+)+)\)", re.I)
_LETTER = re.compile(
    r"(?:\b(?i:option|choice|answer|curve|figure|fig\.|plot|panel|letter)\s*[:#]?\s*\(?([A-Ha-h])\)?(?![\w(])"
    r"|\(([A-Ha-h])\)(?!\s*[-–]?\s*\w+\s*=)"
    r"|\*\*\(?([A-H])\)?\*\*"
    r"|^\s*\(?([A-Ha-h])[).:](?:\s|$))",
    re.M,
)


def clip(answer: str) -> str:
    """Very long answers keep their head and their tail: the final answer is at the end."""
    if len(answer) <= MAX_ANSWER_CHARS:
        return answer
    half = MAX_ANSWER_CHARS // 2
    return answer[:half] + "\n\n" + answer[-half:]


def injection_sentences(answer: str) -> list[str]:
    """Sentences that address the grader instead of answering ('award full points')."""
    found = []
    for match in _INJECTION.finditer(answer):
        start = max(answer.rfind("\n", 0, match.start()), answer.rfind(". ", 0, match.start()) + 1, 0)
        end_candidates = [i for i in (answer.find("\n", match.end()), answer.find(". ", match.end())) if i != -1]
        end = min(end_candidates) + 1 if end_candidates else len(answer)
        found.append(answer[start:end].strip())
    return found


def without_injections(answer: str) -> tuple[str, bool]:
    sentences = injection_sentences(answer)
    for sentence in sentences:
        answer = answer.replace(sentence, " ")
    return answer, bool(sentences)


def committed_region(answer: str) -> str | None:
    """The text after the last commitment cue ('Final answer:', 'Selection:'), to the paragraph's end."""
    boxed = last_boxed(answer)
    if boxed is not None:
        return boxed
    cues = list(COMMIT_CUE.finditer(answer))
    if not cues:
        return None
    last = cues[-1]
    region = answer[last.end() :].lstrip(" \t:=*-")
    lines = [line for line in region.split("\n") if line.strip(" *_")]
    if not lines:
        return ""
    if lines[0].strip().startswith("$$") and lines[0].count("$$") < 2:  # a display that spans lines
        end = region.find("$$", region.find("$$") + 2)
        return region[: end + 2] if end != -1 else region[:1000]
    line = lines[0][:1000]
    # the sentence it commits in: "Answer: REPTILE. MAML would ..." is about REPTILE
    sentence_end = re.search(r"(?<=[^\s.]{2})[.!?](?:\*\*|__)?\s+(?=\S)", line)
    return line[: sentence_end.start() + 1] if sentence_end else line


# ---- choices ----------------------------------------------------------------------------------

def chosen_labels(answer: str, blank: Blank) -> list[str]:
    """The labels an answer picks, in the order it names them."""
    choices = blank.choices
    text = normalize_boxes(_without_own_marker(answer, blank))
    marked = [m.group(1).strip() for m in re.finditer(r"☒([^☐☒\n]*)", text)]
    if marked and choices:
        labels = _unique(match_option(option, choices) for option in marked)
        if labels:
            return labels
    region = committed_region(text)
    if region:
        labels = labels_in(region, choices)
        if labels:
            return labels
    return labels_in(text, choices)


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
        return re.sub(rf"^\s*(?:\*\*)?\(?{re.escape(name)}\)?(?:\*\*)?\s*[:.=)]?", " ", answer, count=1)
    return answer


def labels_in(text: str, choices: list[Choice]) -> list[str]:
    if not choices:
        return _unique(m for groups in _LETTER.findall(text) for m in groups if m)
    labels = [choice.label for choice in choices]
    bare = re.fullmatch(r"\s*(?:\*\*)?\(?([A-Ha-h1-9])\)?(?:\*\*)?[.!]?\s*", text)
    if bare:
        found_bare = _letter_mentions(f"({bare.group(1)})", choices) if bare.group(1).isalpha() else []
        if found_bare:
            return [found_bare[0][1]]
        if bare.group(1) in labels:
            return [bare.group(1)]
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
    for choice in choices:
        choice_math, choice_plain = _choice_profile(choice.text)
        if choice_math and not choice_plain.strip(" =,"):
            if answer_math is None:
                answer_math = [canonical(latex) for latex, _ in math_spans(text)]
                answer_math += [canonical(p) for p in plain_expressions(text)]
            position = next((i for i, math in enumerate(answer_math) if same_math(math, choice_math[0])), None)
            if position is not None:
                found.append((position, choice.label))
            continue
        wanted = strip_markup(choice.text).lower().rstrip(".")
        if len(wanted) >= 2 and not re.fullmatch(r"\(?\w\)?", wanted):
            position = _word_find(lowered, wanted)
            if position < 0:
                key = _distinctive_word(choice, choices)
                position = _word_find(lowered, key) if key else -1
            if position >= 0:
                found.append((position, choice.label))
    return found


@lru_cache(maxsize=16384)
def _choice_profile(text: str) -> tuple[tuple[str, ...], str]:
    """(the canonical math of a choice, its words without math) — computed once per choice text."""
    math = tuple(canonical(latex) for latex, _ in math_spans(text))
    plain = strip_markup(re.sub(r"\$[^$]*\$", "", text)).strip(" .()").lower()
    return math, plain


def same_math(answer: str, choice: str) -> bool:
    """'\\beta=1' is the choice '\\beta=10^0'; '\\mu' is not '2\\mu' (both already canonical)."""
    if answer == choice:
        return True
    if "=" in answer and "=" in choice:
        (left_a, right_a), (left_c, right_c) = answer.rsplit("=", 1), choice.rsplit("=", 1)
        if left_a == left_c:
            try:
                return abs(evaluate(right_a) - evaluate(right_c)) <= 1e-12 * max(1.0, abs(evaluate(right_c)))
            except NotANumber:
                return False
    return False


def _word_find(haystack: str, needle: str) -> int:
    match = re.search(r"(?<![\w])" + re.escape(needle) + r"(?![\w])", haystack)
    return match.start() if match else -1


def _distinctive_word(choice: Choice, choices: list[Choice]) -> str | None:
    words = re.findall(r"[A-Za-z][\w-]{3,}", strip_markup(choice.text))
    if not words:
        return None
    first = words[0].lower()
    others = [normalise_choice_text(c.text) for c in choices if c is not choice]
    if any(first in other for other in others):
        return None
    return first


def _unique(items) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


# ---- several blanks in one answer --------------------------------------------------------------

def split_for_blanks(answer: str, part: Part) -> dict[str, str]:
    """Cut one answer into the pieces that answer each blank of the part."""
    blanks = part.blanks
    if len(blanks) == 1:
        return {blanks[0].id: answer}
    if all("." in blank.id for blank in blanks):
        return _split_table(answer, blanks)
    starts: list[tuple[int, str]] = []
    for blank in blanks:
        position = _marker_position(answer, blank)
        if position is not None:
            starts.append((position, blank.id))
    starts.sort()
    marked = {blank_id for _, blank_id in starts}
    # A free-form blank with no marker of its own (the "show your work" of a choice pair) reads the whole answer.
    pieces = {blank.id: answer for blank in blanks if blank.kind in FREE_FORM_KINDS and blank.id not in marked}
    for index, (position, blank_id) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(answer)
        pieces[blank_id] = answer[position:end]
    return pieces


def _marker_position(answer: str, blank: Blank) -> int | None:
    name = (blank.label or blank.id).strip()
    patterns = []
    letter = re.fullmatch(r"\(?([A-Za-z])\)?", name)
    if letter:
        x = re.escape(letter.group(1))
        patterns = [
            rf"\(\s*(?:\\mathbf\{{)?{x}\}}?\s*\)",
            rf"(?m)^[\s#>*-]*(?:\*\*)?(?:Blank\s+|Part\s+|Figure\s+|Fig\.\s*)?\(?{x}\)?\s*[:.)=]",
            rf"\b(?:blank|figure|fig\.|panel|plot)\s*\(?{x}\)?",
            rf"\b{x}\s+(?:is|=)\s",
        ]
    else:
        for word in re.findall(r"[A-Za-z]{3,}", name.lower()):
            if word in ("the", "for", "and", "parameters", "code", "should", "work"):
                continue
            patterns.append(rf"(?im)^[\s#>*-]*(?:\*\*)?[^\n]{{0,25}}\b{re.escape(word)}\w*\b")
            patterns.append(rf"(?i)\b{re.escape(word)}\w*\b")
            break
    for pattern in patterns:
        match = re.search(pattern, answer, flags=re.I if not letter else 0)
        if match:
            return match.start()
    return None


def _split_table(answer: str, blanks: list[Blank]) -> dict[str, str]:
    """Cells of an answer table: a Markdown row per table row, or prose that names each row in turn
    ('All-to-all sends n(n-1) messages of size p; a parameter server ...'), values in column order."""
    rows: dict[str, list[Blank]] = {}
    for blank in blanks:
        rows.setdefault(blank.id.split(".")[0], []).append(blank)
    starts = []
    for row_id, row_blanks in rows.items():
        row_name = (row_blanks[0].label or row_id).split(" / ")[0]
        position = _row_position(answer, row_name)
        if position is not None:
            starts.append((position, row_id))
    starts.sort()
    pieces: dict[str, str] = {}
    for index, (position, row_id) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(answer)
        segment = answer[position:end]
        line = segment.split("\n")[0]
        if line.count("|") >= 2:
            values = [c.strip() for c in line.strip().strip("|").split("|")][1:]
        else:
            values = [m for m, _ in math_spans(segment)] or plain_expressions(segment)
        for column, blank in enumerate(rows[row_id]):
            if column < len(values) and values[column].strip():
                pieces[blank.id] = values[column]
    return pieces


def _row_position(answer: str, row_name: str) -> int | None:
    """Where the answer names a row: 'All-to-All' as 'all-to-all', 'All to all', 'all-to-all communication'."""
    words = [w for w in re.findall(r"[a-z]+", row_name.lower()) if len(w) > 1]
    if not words:
        return None
    pattern = r"\b" + r"[\s\-_]*".join(re.escape(w) for w in words) + r"\b"
    match = re.search(pattern, answer, re.I)
    return match.start() if match else None

