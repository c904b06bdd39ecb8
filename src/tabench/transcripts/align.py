"""Put answer blocks under the part ids of a key (pure), as one assignment over all blocks and parts.

Each block is scored against each part from three kinds of evidence:
- its label read against the key (`resolve`): `3.b` as written; `3.2` or `3)` under question 3 as its second
  part; `5.A` under a part with no sub-parts as that part; `Question 7` as any of question 7's parts; `(b)` as
  any question's (b);
- its content (`similarity.KeyProfile.coverage`): the words, numbers and symbols it shares with the part's
  prompt and reference, and with what the user asked just before;
- its place: a block between the answers to 3.a and 3.d is likely 3.b or 3.c.
A block without a label, or under a question with several parts, that answers several parts in a row is first
split where its content turns from one part to the next (`_split`). Then every block gets at most one part and
every part at most one block (blocks with the same label count as one), the best total over all of them
(the Hungarian method, scipy's `linear_sum_assignment`). A placement's confidence says how sure this is; below
`LOW_CONFIDENCE` it is reported for a person to check.

`check_fit` says when a transcript does not fit the key at all: most of its answers match no part's content, or
its numbering keeps disagreeing with the key's content (answers to another homework whose questions the key
reuses under other numbers), or it names another homework than the key does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from ..model import ProblemSet
from .blocks import Block
from .labels import ROMANS
from .similarity import KeyProfile, terms

LOW_CONFIDENCE = 0.5
LABEL_SCORE = {"export": 4.0, "exact": 3.0, "ordinal": 2.5, "prefix": 2.2, "question": 0.5, "letter": 0.5}
WEAK_LABEL = 0.5  # a bare enumeration ("1)") counts this much of a label
CONTENT_SCORE = 3.0  # times the coverage of the block by the part
ASKED_SCORE = 2.0  # times the coverage of a short user turn (a restated question) by the part
ASKED_CHARS = 1500
ORDER_SCORE = 0.5  # for a part between the parts of the labelled blocks around it
PLACE_AT = 0.8  # a block goes under a part only when its score there is above this
SPLIT_BASELINE = 0.3  # in splitting, a term away from a part's profile costs this share of its weight
SPLIT_PENALTY = 2.5  # and each extra piece costs this much
SPLIT_MIN_GAIN = 2.0  # a piece must earn at least this under its part
MAX_SPLIT_UNITS = 400
KEPT_COVERAGE = 10  # a block keeps the coverage of its best parts (and of the parts its label names)
INFORMATIVE_TERMS = 5  # blocks with fewer terms say too little about their content to judge the fit
POOR_FIT = 0.12
CONTRADICTED_FIT = 0.08
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z(*$\\])")


@dataclass
class Placement:
    block: Block
    part_id: str | None
    confidence: float
    how: str
    origin: int = 0  # the index of the block it came from, among the blocks given to `align`
    evidence: "Evidence | None" = None

    @property
    def low(self) -> bool:
        return self.part_id is not None and self.confidence < LOW_CONFIDENCE


@dataclass
class Reading:
    """What a block's label says about where it goes."""

    targets: list[str]
    how: str  # export | exact | ordinal | prefix | question | letter | unknown | none


@dataclass
class Evidence:
    """What is known about a block: its label read against the key, its terms, and how much each part covers."""

    block: Block
    reading: Reading
    size: int  # how many distinct terms the block has: how much its content can say
    coverage: dict[str, float]
    asked: dict[str, float] = field(default_factory=dict)

    @property
    def strength(self) -> float:
        if self.reading.how not in LABEL_SCORE:
            return 0.0
        return LABEL_SCORE[self.reading.how] * (1.0 if self.block.strong or self.reading.how == "export" else WEAK_LABEL)


class KeyIndex:
    """The key's part ids by question, part and numeral, to read a writer's label against."""

    def __init__(self, key: ProblemSet):
        self.order = [part.id for part in key.parts()]
        self.ids = set(self.order)
        self.position = {part_id: index for index, part_id in enumerate(self.order)}
        self.questions: dict[str, list[str]] = {}
        for question in key.questions:
            self.questions[str(question.number)] = [part.id for part in question.parts]
        self.letters: dict[str, list[str]] = {}  # "3" -> ["a", "b"]; "3.d" -> ["i", "ii"]
        self.by_letter: dict[tuple[str, ...], list[str]] = {}  # ("b",) -> every question's (b); ("d", "i") -> 11.d.i
        for part_id in self.order:
            pieces = part_id.split(".")[1:]
            for depth in range(1, len(pieces) + 1):
                self.by_letter.setdefault(tuple(pieces[:depth]), []).append(part_id)
        for part_id in self.order:
            pieces = part_id.split(".")
            for depth in range(1, len(pieces)):
                below = self.letters.setdefault(".".join(pieces[:depth]), [])
                if pieces[depth] not in below:
                    below.append(pieces[depth])

    def resolve(self, block: Block) -> Reading:
        if block.part_hint and block.part_hint in self.ids:
            return Reading([block.part_hint], "export")
        pieces = [p for p in ((block.question or "").split(".") + [block.part or "", block.sub or ""]) if p]
        if not pieces:
            return Reading([], "none")
        if not pieces[0].isdigit():  # "(b)" with no question around it
            targets = self.by_letter.get(tuple(pieces), [])
            return Reading(targets, "letter" if targets else "unknown")
        question = pieces[0]
        if question not in self.questions:
            return Reading([], "unknown")
        if ".".join(pieces) in self.ids:
            return Reading([".".join(pieces)], "exact")
        path, mapped = [question], False
        for piece in pieces[1:]:
            here = ".".join(path)
            if here in self.ids:
                return Reading([here], "prefix")  # 5.A under a part with no sub-parts: a blank of part 5
            options = self.letters.get(here, [])
            if piece in options:
                path.append(piece)
                continue
            index = _ordinal(piece)
            if index is None or index >= len(options):
                return Reading(self.questions[question], "question")
            path.append(options[index])
            mapped = True
        here = ".".join(path)
        if here in self.ids:
            return Reading([here], "ordinal" if mapped else "exact")
        return Reading([pid for pid in self.questions[question] if pid.startswith(here + ".")] or
                       self.questions[question], "question")


def _ordinal(piece: str) -> int | None:
    """0-based position that a label stands for: 2 -> 1, b -> 1, ii -> 1."""
    if piece.isdigit():
        return int(piece) - 1 if int(piece) > 0 else None
    if piece in ROMANS:
        return ROMANS.index(piece)
    if len(piece) == 1 and piece.isalpha():
        return ord(piece) - ord("a")
    return None


def align(blocks: list[Block], key: ProblemSet, content_first: bool = False) -> list[Placement]:
    """One placement per block (blocks that answer several parts come back split), in document order."""
    index, profile = KeyIndex(key), KeyProfile.of(key)
    scored, origins, headings = [], [], {}
    asked: dict[str, dict[str, float]] = {}  # a user turn's coverage, computed once for all the blocks answering it
    for origin, block in enumerate(blocks):
        reading = index.resolve(block)
        if reading.how in ("question", "unknown", "none") and _heading_only(block):
            headings[origin] = Placement(block, None, 0.0, "heading", origin)  # takes no part from an answer
            continue
        if content_first and reading.how in ("exact", "ordinal", "prefix", "question"):
            reading = Reading(index.order, "none")  # the numbering is another document's: content decides
        pieces = [block]
        if reading.how in ("question", "none", "unknown") and (len(reading.targets) != 1):
            candidates = reading.targets if reading.how == "question" else index.order
            pieces = _split(block, candidates, profile)
        for piece in pieces:
            scored.append(_score(piece, reading, profile, asked))
            origins.append(origin)
    placements = _assign(scored, index, content_first)
    for placement, origin, evidence in zip(placements, origins, scored):
        placement.origin, placement.evidence = origin, evidence
    if not headings:
        return placements
    merged, answers = [], iter(placements)
    pending = next(answers, None)
    for origin in range(len(blocks)):
        if origin in headings:
            merged.append(headings[origin])
        while pending is not None and pending.origin == origin:
            merged.append(pending)
            pending = next(answers, None)
    return merged


def _heading_only(block: Block) -> bool:
    """A question's label line with nothing under it ("Problem 3: Variational Information Bottleneck" above its
    parts), or Markdown headings alone ("# My answers"): a heading, not an answer."""
    if not block.label:
        lines = [line for line in block.lines if line.strip()]
        return bool(lines) and all(line.lstrip().startswith("#") for line in lines)
    body = block.lines[1:] if block.heading else block.lines
    return len(block.title) <= 80 and not any(line.strip() for line in body)


def _score(block: Block, reading: Reading, profile: KeyProfile, asked: dict[str, dict[str, float]]) -> Evidence:
    block_terms = set(terms(block.title + "\n" + block.text))
    question = block.asked if len(block.asked) <= ASKED_CHARS else ""
    if question not in asked:
        asked[question] = profile.coverage(set(terms(question))) if question else {}
    coverage = profile.coverage(block_terms)
    if len(coverage) > KEPT_COVERAGE:  # the parts a block could go to; a long export holds many blocks
        kept = sorted(coverage, key=coverage.get, reverse=True)[:KEPT_COVERAGE] + reading.targets[:KEPT_COVERAGE]
        coverage = {part_id: coverage[part_id] for part_id in kept if part_id in coverage}
    return Evidence(block, reading, len(block_terms), coverage, asked[question])


# ---- splitting a block that answers several parts --------------------------------------------------------------

def _units(block: Block) -> list[tuple[int, list[str]]]:
    """(the line it starts on, its lines) for the block's paragraphs (code blocks and display math whole), and for
    each sentence of a one-line paragraph."""
    units: list[tuple[int, list[str]]] = []
    paragraph: list[str] = []
    start, in_code = 0, False
    for offset, line in enumerate(block.lines):
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
        if not line.strip() and not in_code:
            if paragraph:
                units.append((start, paragraph))
                paragraph = []
            continue
        if not paragraph:
            start = offset
        paragraph.append(line)
    if paragraph:
        units.append((start, paragraph))
    sentences: list[tuple[int, list[str]]] = []
    for start, lines in units:
        if len(lines) == 1 and "$$" not in lines[0] and not lines[0].lstrip().startswith(("```", "|")):
            sentences += [(start, [piece]) for piece in _SENTENCE_END.split(lines[0]) if piece.strip()]
        else:
            sentences.append((start, lines))
    return sentences


def _split(block: Block, candidates: list[str], profile: KeyProfile) -> list[Block]:
    """The block cut where its content turns from one part to a later one (parts in the key's order)."""
    units = _units(block)
    if len(units) < 2 or len(units) > MAX_SPLIT_UNITS or len(candidates) < 2:
        return [block]
    gains = []
    for _, lines in units:
        unit_terms = set(terms("\n".join(lines)))
        row = []
        for part_id in candidates:
            holder = profile.profiles[part_id]
            row.append(sum(profile.term_weight(t) * (holder.get(t, 0.0) - SPLIT_BASELINE) for t in unit_terms))
        gains.append(row)
    size, count = len(units), len(candidates)
    best = [[0.0] * count for _ in range(size)]
    back = [[0] * count for _ in range(size)]  # the part of the unit before, when it starts a new piece
    best[0] = list(gains[0])
    back[0] = [-1] * count
    for i in range(1, size):
        running, running_at = -math.inf, -1  # the best earlier part to come from, for a new piece
        for k in range(count):
            stay = best[i - 1][k]
            if running - SPLIT_PENALTY > stay:
                best[i][k], back[i][k] = running - SPLIT_PENALTY + gains[i][k], running_at
            else:
                best[i][k], back[i][k] = stay + gains[i][k], k
            if best[i - 1][k] > running:
                running, running_at = best[i - 1][k], k
    end = max(range(count), key=lambda k: best[size - 1][k])
    assignment = [0] * size
    k = end
    for i in range(size - 1, -1, -1):
        assignment[i] = k
        k = back[i][k] if i else k
    pieces: list[tuple[int, int, int]] = []  # (part index, first unit, last unit)
    for i, k in enumerate(assignment):
        if pieces and pieces[-1][0] == k:
            pieces[-1] = (k, pieces[-1][1], i)
        else:
            pieces.append((k, i, i))
    if len(pieces) < 2:
        return [block]
    single = max(sum(row[k] for row in gains) for k in range(count))
    earned = [sum(gains[i][k] for i in range(first, last + 1)) for k, first, last in pieces]
    if min(earned) < SPLIT_MIN_GAIN or best[size - 1][end] - single < SPLIT_PENALTY:
        return [block]
    result = []
    for number, (_, first, last) in enumerate(pieces):
        lines = [line for _, unit in units[first:last + 1] for line in unit + [""]]
        result.append(replace(block, title=block.title if number == 0 else "", lines=lines, heading=False,
                              line=block.line + units[first][0]))
    return result


# ---- the assignment ----------------------------------------------------------------------------------------------

def _assign(scored: list[Evidence], index: KeyIndex, content_first: bool) -> list[Placement]:
    import numpy
    from scipy.optimize import linear_sum_assignment

    parts = index.order
    column = {part_id: j for j, part_id in enumerate(parts)}
    groups: dict[object, list[int]] = {}
    for i, item in enumerate(scored):
        single = item.reading.how in ("export", "exact", "ordinal", "prefix")
        groups.setdefault(("label", item.reading.targets[0]) if single else ("block", i), []).append(i)
    order_bonus = _between(scored, index)
    group_keys = list(groups)
    gains = numpy.zeros((len(group_keys), len(parts)))
    for g, group in enumerate(group_keys):
        for i in groups[group]:
            item = scored[i]
            for part_id, score in _scores(item, order_bonus[i], content_first).items():
                gains[g, column[part_id]] = max(gains[g, column[part_id]], score - PLACE_AT)
    placed: dict[int, str] = {}
    if group_keys and parts:
        rows, columns = linear_sum_assignment(gains, maximize=True)
        for g, j in zip(rows, columns):
            if gains[g, j] > 0:
                for i in groups[group_keys[g]]:
                    placed[i] = parts[j]
    taken = {}
    for i, part_id in placed.items():
        taken.setdefault(part_id, set()).add(i)
    return [_placement(item, placed.get(i), order_bonus[i], content_first,
                       {pid for pid, holders in taken.items() if i not in holders})
            for i, item in enumerate(scored)]


def _scores(item: Evidence, between: set[str], content_first: bool) -> dict[str, float]:
    """part id -> the block's score there, for the parts it has any evidence for."""
    scores: dict[str, float] = {}
    for part_id, share in item.coverage.items():
        scores[part_id] = CONTENT_SCORE * share
    for part_id, share in item.asked.items():
        scores[part_id] = scores.get(part_id, 0.0) + ASKED_SCORE * share
    for part_id in between:
        scores[part_id] = scores.get(part_id, 0.0) + ORDER_SCORE
    if content_first:
        letter = item.block.part
        for part_id in list(scores):
            if letter and part_id.split(".")[1:2] == [letter]:
                scores[part_id] += 0.6
        return scores
    for part_id in item.reading.targets:
        scores[part_id] = scores.get(part_id, 0.0) + item.strength
    return scores


def _between(scored: list[Evidence], index: KeyIndex) -> list[set[str]]:
    """For each block without a label of its own, the parts between those of the labelled blocks around it."""
    anchors = [index.position[item.reading.targets[0]] if item.reading.how in ("export", "exact", "ordinal")
               else None for item in scored]
    result: list[set[str]] = []
    previous = -1
    following = [None] * len(scored)
    upcoming = None
    for i in range(len(scored) - 1, -1, -1):
        following[i] = upcoming
        if anchors[i] is not None:
            upcoming = anchors[i]
    for i, item in enumerate(scored):
        if anchors[i] is not None:
            previous = anchors[i]
            result.append(set())
            continue
        upper = following[i] if following[i] is not None else len(index.order)
        if previous < 0 and following[i] is None:
            result.append(set())
            continue
        result.append({index.order[k] for k in range(previous + 1, upper)} & set(item.reading.targets or index.order))
    return result


def _placement(item: Evidence, part_id: str | None, between: set[str], content_first: bool,
               others: set[str]) -> Placement:
    """The placement with its confidence: how far the block's score there is above its best free alternative
    (a part another block took is explained by that block)."""
    if part_id is None:
        return Placement(item.block, None, 0.0, "no fit")
    how = item.reading.how
    if part_id in item.reading.targets and how in ("export", "exact", "ordinal", "prefix") and not content_first:
        confidence = {"export": 1.0, "exact": 0.95, "ordinal": 0.85, "prefix": 0.85}[how]
        if not item.block.strong and not _supported(item, part_id):
            confidence -= 0.2  # "2)" may be a list item; unless the content reads like that part
        if contradicted(item, part_id):
            confidence = 0.45
        names = {"export": "export", "exact": "label", "ordinal": "label (numbered)",
                 "prefix": "label (a blank of this part)"}
        return Placement(item.block, part_id, round(confidence, 2), names[how])
    scores = _scores(item, between, content_first)
    alternative = max((score for pid, score in scores.items() if pid != part_id and pid not in others), default=0.0)
    margin = scores.get(part_id, 0.0) - alternative
    evidence = min(1.0, scores.get(part_id, 0.0) / 2.0)
    confidence = 0.2 + 0.59 * evidence * (1 - math.exp(-margin / 0.5))
    if how == "question" and part_id in item.reading.targets:
        kind = "question and content"
    elif how == "letter" and part_id in item.reading.targets:
        kind = "letter and content"
    elif part_id in between and item.coverage.get(part_id, 0.0) < POOR_FIT:
        kind = "place"
    else:
        kind = "content"
    return Placement(item.block, part_id, round(min(0.79, confidence), 2), kind)


def _supported(item: Evidence, part_id: str) -> bool:
    """The block's content reads more like this part than like the other parts of its question."""
    question = part_id.split(".")[0]
    siblings = [share for pid, share in item.coverage.items() if pid.split(".")[0] == question and pid != part_id]
    own = item.coverage.get(part_id, 0.0)
    return own >= POOR_FIT and own > max(siblings, default=0.0)


def contradicted(item: Evidence, part_id: str) -> bool:
    """The label names this part, but the block's content is plainly another part's."""
    if item.size < 2 * INFORMATIVE_TERMS:
        return False
    own = item.coverage.get(part_id, 0.0)
    other = max((share for pid, share in item.coverage.items() if pid != part_id), default=0.0)
    return own < CONTRADICTED_FIT and other >= max(0.2, 2.5 * own)
