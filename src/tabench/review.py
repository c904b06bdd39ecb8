"""What a person reviews, and how their grade is scored (pure).

Which answers still need a person, in what order they come, which answers are the same final answer (graded once
for all), the rubric of a part (the key's items with the reviewers' edits), a score from the rubric items met, and
the progress of a part or a problem set. The store and the web page are edges around this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import ReviewError
from .model import RubricItem, Verdict

HUMAN_VERDICTS = ("correct", "partially_correct", "incorrect", "missing")
# Methods that read a final answer from the text (the checkers); answers they read the same are one group.
FINAL_ANSWER_METHODS = ("choice", "numeric", "symbolic", "text")
SPLIT_TAG = "judge_split"  # a judge whose votes disagreed: needs_review with this tag
MAX_COMMENT = 2000
MAX_TAGS = 12


@dataclass
class ReviewAnswer:
    """One submission's answer to a part, with what the machine and (maybe) a person said about it."""

    submission_id: int
    submission: str
    part_id: str
    answer: str | None
    automatic: Verdict
    event: dict | None = None  # the latest review event; verdict None when it voided an earlier one
    mark: dict | None = None  # an imported reader's mark
    model: str | None = None
    protocol: str | None = None
    sample: int | None = None
    history: list[dict] = field(default_factory=list)  # every review event of this answer, oldest first, when loaded

    @property
    def human(self) -> dict | None:
        """The person's verdict that stands, if any."""
        return self.event if self.event and self.event["verdict"] is not None else None

    @property
    def needs_person(self) -> bool:
        return self.automatic.verdict == "needs_review" and self.human is None

    @property
    def rank(self) -> int:
        """0: needs review, 1: the judge's votes split, 2: everything else (the order of the review page)."""
        if self.automatic.verdict == "needs_review":
            return 1 if SPLIT_TAG in self.automatic.tags else 0
        return 2


@dataclass
class AnswerGroup:
    """Answers with the same final answer: one grade applies to all of them."""

    key: str
    members: list[ReviewAnswer] = field(default_factory=list)

    @property
    def first(self) -> ReviewAnswer:
        return self.members[0]

    @property
    def rank(self) -> int:
        return min(member.rank for member in self.members)

    @property
    def by_final_answer(self) -> bool:
        """Grouped by the final answer a checker read (else by the whole text)."""
        return self.key.startswith("final:")

    @property
    def needs_person(self) -> int:
        """How many of its answers still need a person."""
        return sum(member.needs_person for member in self.members)

    @property
    def human(self) -> dict | None:
        """The human verdict shared by every member, if they all have the same one."""
        verdicts = {_human_signature(member.human) for member in self.members}
        return self.first.human if len(verdicts) == 1 else None

    @property
    def mixed(self) -> bool:
        """Members were graded differently by people (or some were and some were not)."""
        return len({_human_signature(member.human) for member in self.members}) > 1

    @property
    def other_texts(self) -> list[ReviewAnswer]:
        """Members whose whole answer differs from the first one's (same final answer, other working)."""
        seen = {_normalized(self.first.answer or "")}
        out = []
        for member in self.members[1:]:
            text = _normalized(member.answer or "")
            if text not in seen:
                seen.add(text)
                out.append(member)
        return out


def _human_signature(human: dict | None) -> tuple | None:
    if human is None:
        return None
    return human["verdict"], human["score"], tuple(human["rubric"]), human["comment"]


def _normalized(text: str) -> str:
    return " ".join(text.split())


def group_key(answer: ReviewAnswer) -> str:  # "final:…" or "text:…"
    """The final answer a checker read and decided on; otherwise (a checker that could not decide may have read
    only a fragment) the whole answer, whitespace aside."""
    automatic = answer.automatic
    decided = automatic.verdict in ("correct", "partially_correct", "incorrect")
    if decided and automatic.method in FINAL_ANSWER_METHODS and automatic.extracted:
        return "final:" + _normalized(automatic.extracted)
    return "text:" + _normalized(answer.answer or "")


def group_answers(answers: list[ReviewAnswer]) -> list[AnswerGroup]:
    """Groups of identical final answers, in review order: needs review, then split judges, then the rest;
    larger groups first within each, then by submission."""
    groups: dict[str, AnswerGroup] = {}
    for answer in answers:
        key = group_key(answer)
        groups.setdefault(key, AnswerGroup(key)).members.append(answer)
    return sorted(groups.values(), key=lambda g: (g.rank, -len(g.members), g.first.submission_id))


def filter_groups(groups: list[AnswerGroup], show: str | None) -> list[AnswerGroup]:
    """`needs`: the groups with an answer that needs a person; `item:ID`: those a person graded with rubric item
    ID met; anything else: all of them."""
    if show == "needs":
        return [group for group in groups if group.needs_person]
    if show and show.startswith("item:"):
        item_id = show[len("item:"):]
        return [group for group in groups if any(m.human and item_id in m.human["rubric"] for m in group.members)]
    return groups


# ---- rubric ------------------------------------------------------------------------------------

def merged_rubric(key_items: list[RubricItem], edits: list[dict]) -> list[RubricItem]:
    """The key's rubric items with the reviewers' edits applied (same id: replaced) and their new items after."""
    edited = {edit["id"]: RubricItem(id=edit["id"], text=edit["text"], points=edit["points"]) for edit in edits}
    items = [edited.pop(item.id, item) for item in key_items]
    return items + [edited[edit["id"]] for edit in edits if edit["id"] in edited]


def next_rubric_id(rubric: list[RubricItem]) -> str:
    taken = {item.id for item in rubric}
    number = len(rubric) + 1
    while f"r{number}" in taken:
        number += 1
    return f"r{number}"


def rubric_score(rubric: list[RubricItem], met: list[str], points: float) -> float:
    """Points from the rubric items met. Items with positive points give credit from 0; a rubric of deductions
    only (negative points) takes them off full marks. The score stays within 0 and the part's points."""
    values = {item.id: item.points for item in rubric}
    unknown = [item_id for item_id in met if item_id not in values]
    if unknown:
        raise ReviewError(f"rubric item {unknown[0]!r} is not in this part's rubric; reload the page")
    base = 0.0 if any(item.points > 0 for item in rubric) else points
    score = base + sum(values[item_id] for item_id in dict.fromkeys(met))
    return round(min(max(score, 0.0), points), 6)


def verdict_for_score(score: float, points: float) -> str:
    if score >= points - 1e-9:
        return "correct"
    return "incorrect" if score <= 1e-9 else "partially_correct"


def human_grade(verdict: str, score: float | None, met: list[str], rubric: list[RubricItem],
                points: float) -> tuple[str, float]:
    """(verdict, score) of a person's grade. With rubric items met, the rubric sets the score and the verdict
    follows from it; otherwise correct is full marks, incorrect and missing 0, and partial needs a score."""
    if met:
        score = rubric_score(rubric, met, points)
        return verdict_for_score(score, points), score
    if verdict not in HUMAN_VERDICTS:
        raise ReviewError(f"unknown verdict {verdict!r}; use one of {', '.join(HUMAN_VERDICTS)}")
    if verdict == "correct":
        return verdict, float(points)
    if verdict in ("incorrect", "missing"):
        return verdict, 0.0
    if score is None or not 0 < score < points:
        raise ReviewError(f"a partial score is more than 0 and less than {points:g}; type it after pressing p")
    return verdict, round(float(score), 6)


def clean_tags(tags: list[str]) -> list[str]:
    """Tags as words: lower case, spaces as underscores, no duplicates."""
    out: list[str] = []
    for tag in tags:
        word = "_".join(str(tag).lower().split())[:40]
        if word and word not in out:
            out.append(word)
    if len(out) > MAX_TAGS:
        raise ReviewError(f"at most {MAX_TAGS} tags on one verdict")
    return out


def clean_comment(comment: str) -> str:
    comment = str(comment).strip()
    if len(comment) > MAX_COMMENT:
        raise ReviewError(f"a comment has at most {MAX_COMMENT} characters")
    return comment


# ---- progress ----------------------------------------------------------------------------------

def progress(answers: list[ReviewAnswer]) -> dict[str, dict]:
    """Per part id: answers, how many still need a person, and how many a person graded."""
    out: dict[str, dict] = {}
    for answer in answers:
        counts = out.setdefault(answer.part_id, {"answers": 0, "needs_person": 0, "reviewed": 0})
        counts["answers"] += 1
        counts["needs_person"] += answer.needs_person
        counts["reviewed"] += answer.human is not None
    return out


def next_part_needing(parts: list[dict], after: str | None = None) -> str | None:
    """The id of the first part (in `parts`' order, each with its `needs_person` count) after part `after`,
    wrapping round, that has an answer that needs a person; None when none has."""
    order = [part["id"] for part in parts]
    if after in order:
        start = order.index(after) + 1
        parts = parts[start:] + parts[:start]
    return next((part["id"] for part in parts if part["needs_person"]), None)


def total_progress(by_part: dict[str, dict]) -> dict:
    return {key: sum(counts[key] for counts in by_part.values()) for key in ("answers", "needs_person", "reviewed")}
