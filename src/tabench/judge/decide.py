"""What the judge is asked about a part, and the verdict its votes give (pure).

The judge decides only what the checkers leave: a part whose verdict is `needs_review` (not one cut off or
refused), and within it only the answer fields whose check did not decide. A checker's decisive verdict is
never overridden. K votes (samples, or several judge models) give a verdict when more than half of them agree;
otherwise the part stays `needs_review`, tagged `judge_split`, with the votes in its rationale. A reply that
cannot be read, even after one repair, is `needs_review` with the reason, never `incorrect`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..checkers.result import Check
from ..grade import blank_checks, combine_checks
from ..model import Part, ProblemSet, RubricItem, Verdict
from ..read.visible import visible
from ..protocols import part_context, render_part
from .prompt import INJECTION_MARK, judge_messages
from .reply import Vote, reply_schema
from .rubric import effective_rubric

NOT_ATTEMPTS = {"truncated", "refused"}  # a reply cut off or refused is not an answer to judge
UNDECIDED = ("needs_review", "missing")


@dataclass(frozen=True)
class JudgeRequest:
    """One part of one submission, as the judge is asked about it."""

    submission: str
    part: Part
    points: float
    messages: list[dict]
    schema: dict
    rubric: list[RubricItem]
    implicit: bool  # the rubric is the one implicit item: the score comes from the reply's `score`
    graded: list[str]  # ids of the blanks the judge decides
    checks: list[tuple[str, Check]]  # every blank's check by the checkers
    injected: bool  # the answer addressed the grader (that text was taken out before the judge saw it)


@dataclass
class Ballot:
    """One judge call's outcome: a vote, or why there is none, with the raw replies."""

    model: str
    sample: int
    reply: str
    vote: Vote | None = None
    error: str | None = None  # why no vote: the reply could not be read (after the repair)
    repair_reply: str | None = None

    def record(self) -> dict:
        shown = {"model": self.model, "sample": self.sample, "reply": self.reply, "repair_reply": self.repair_reply,
                 "error": self.error}
        if self.vote is not None:
            shown.update(verdict=self.vote.verdict, score=self.vote.score, fraction=round(self.vote.fraction, 6),
                         tags=list(self.vote.tags), first_error=self.vote.first_error)
        return shown


@dataclass
class Decision:
    verdict: Verdict
    outcome: str  # decided | split | unreadable
    explanation: str = ""
    first_error: str | None = None
    ballots: list[Ballot] = field(default_factory=list)


def plan(problem_set: ProblemSet, part: Part, answer: str | None, verdict: Verdict,
         templates: dict[str, str], max_tokens: int = 1024) -> JudgeRequest | None:
    """The judge request for this part's answer (whose reply fits `max_tokens`), or None when the judge has
    nothing to decide."""
    if verdict.verdict != "needs_review" or verdict.method == "human" or NOT_ATTEMPTS & set(verdict.tags):
        return None
    if not answer or not answer.strip() or not (part.solution.strip() or part.rubric):
        return None
    seen = visible(answer)  # what a reader sees: hidden text and text addressed to the grader are cut out
    injected = "prompt_injection" in seen.tags
    text = f"{seen.text}\n\n{INJECTION_MARK}" if seen.hidden or seen.addressed else seen.text
    checks = blank_checks(part, seen.text)
    graded = [blank_id for blank_id, check in checks if check.verdict in UNDECIDED]
    if not graded:
        return None
    rubric, implicit = effective_rubric(part, verdict.points, whole_part=len(graded) == len(checks))
    question = part_context(problem_set, part) + "\n\n" + render_part(part)
    messages = judge_messages(templates, part=part, points=verdict.points, question=question, answer=text,
                              rubric=rubric, graded=graded)
    return JudgeRequest(verdict.submission, part, verdict.points, messages, reply_schema([r.id for r in rubric], max_tokens),
                        rubric, implicit, graded, checks, bool(injected))


def decide(request: JudgeRequest, ballots: list[Ballot]) -> Decision:
    """The part's verdict from the ballots: the majority's, or needs_review (split, or unreadable)."""
    labels = [b.vote.verdict if b.vote else "unreadable" for b in ballots]
    counts = Counter(labels)
    top, top_count = counts.most_common(1)[0]
    if top == "unreadable" or top_count * 2 <= len(ballots):
        return _undecided(request, ballots, counts)
    majority = [b.vote for b in ballots if b.vote and b.vote.verdict == top]
    fraction = sum(v.fraction for v in majority) / len(majority)
    tags = list(dict.fromkeys(tag for v in majority for tag in v.tags))
    first = majority[0]
    # a judged field keeps what its check noted (e.g. unreliable_key: the reference's math was garbled)
    checks = [(blank_id, Check(top, fraction, "judge", first.explanation, check.extracted,
                               tuple(dict.fromkeys(tags + list(check.tags))))
               if blank_id in request.graded else check) for blank_id, check in request.checks]
    verdict = combine_checks(checks, request.points, request.part, request.submission)
    verdict.method = "judge"
    if len(request.graded) == len(request.checks):
        verdict.rationale = first.explanation[:600]
    if len(ballots) > 1:
        verdict.rationale = f"{_tally(counts, len(ballots))}. {verdict.rationale}"[:600]
    if request.injected and "prompt_injection" not in verdict.tags:
        verdict.tags.append("prompt_injection")
    return Decision(verdict, "decided", first.explanation, first.first_error, ballots)


def _undecided(request: JudgeRequest, ballots: list[Ballot], counts: Counter) -> Decision:
    checks = [(blank_id, Check.review("judge", "", check.extracted, *check.tags) if blank_id in request.graded
               else check) for blank_id, check in request.checks]
    verdict = combine_checks(checks, request.points, request.part, request.submission)
    verdict.method = "judge"
    verdict.verdict = "needs_review"
    if all(b.vote is None for b in ballots):
        reasons = list(dict.fromkeys(b.error or "no reply" for b in ballots))
        verdict.tags.append("judge_unreadable")
        verdict.rationale = f"the judge's reply could not be read (after one repair): {'; '.join(reasons)}"[:600]
        outcome = "unreadable"
    else:
        verdict.tags.append("judge_split")
        verdict.rationale = f"judge votes split: {_tally(counts, len(ballots))}; a person decides"[:600]
        outcome = "split"
    if request.injected and "prompt_injection" not in verdict.tags:
        verdict.tags.append("prompt_injection")
    return Decision(verdict, outcome, ballots=ballots)


def _tally(counts: Counter, total: int) -> str:
    shown = ", ".join(f"{label.replace('unreadable', 'could not read')} ×{n}" for label, n in counts.most_common())
    return f"{total} judge votes: {shown}"
