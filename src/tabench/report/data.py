"""Everything a report shows, computed from stored results (pure)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..model import ProblemSet, Verdict
from ..stats import agreement, summarize
from ..summary import BADGES, answer_summary, short


@dataclass
class PartRow:
    id: str
    kind: str
    points: float
    prompt: str
    answer: str
    verdict: Verdict | None
    reference: str
    needs_figure: bool
    human: dict | None = None
    automatic: Verdict | None = None  # the machine's verdict, where a person's verdict replaced it

    @property
    def machine(self) -> Verdict | None:
        """The automatic verdict (the one a person's verdict is compared with)."""
        return self.automatic or self.verdict

    @property
    def badge(self) -> str:
        return BADGES[self.verdict.verdict] if self.verdict else "·"

    @property
    def agrees(self) -> bool | None:
        machine = self.machine
        if not self.human or not self.human.get("verdict") or not machine or machine.verdict == "needs_review":
            return None
        return self.human["verdict"] == machine.verdict


@dataclass
class QuestionRow:
    number: int
    title: str
    preamble: str
    parts: list[PartRow]
    score: float
    points: float


@dataclass
class ReportData:
    title: str
    meta: dict
    prompt: str
    questions: list[QuestionRow]
    summary: dict
    observations: list[str] = field(default_factory=list)
    trace: list[dict] = field(default_factory=list)  # the conversation, when the answers came from one


def build_report(problem_set: ProblemSet, verdicts: list[Verdict], answers: dict[str, str], meta: dict,
                 trace: list[dict] | None = None, human: list[dict] | None = None,
                 automatic: list[Verdict] | None = None) -> ReportData:
    """`verdicts` are the verdicts of record; `automatic`, the machine's, where people's verdicts replaced some."""
    by_id = {v.part_id: v for v in verdicts}
    machine_by_id = {v.part_id: v for v in automatic or verdicts}
    human_by_id = {h["part_id"]: h for h in human or []}
    questions = []
    for question in problem_set.questions:
        rows = []
        for part in question.parts:
            verdict = by_id.get(part.id)
            rows.append(PartRow(
                id=part.id, kind=part.kind, points=verdict.points if verdict else (part.points or 0.0),
                prompt=short(part.prompt, 300), answer=answers.get(part.id, ""), verdict=verdict,
                reference=answer_summary(part, 200) if part.kind != "admin" else "not graded",
                needs_figure=part.needs_figure, human=human_by_id.get(part.id),
                automatic=machine_by_id.get(part.id) if verdict is not None and verdict.method == "human" else None,
            ))
        graded = [r.verdict for r in rows if r.verdict]
        questions.append(QuestionRow(question.number, question.title, short(question.preamble, 300), rows,
                                     sum(v.score for v in graded), sum(v.points for v in graded)))
    summary = summarize(verdicts, problem_set)
    summary["by_question"] = {
        str(q.number): {"title": q.title, "score": q.score, "points": q.points} for q in questions if q.points
    }
    figure_verdicts = [v for v in verdicts if v.part_id in set(summary["figure_parts"])]
    summary["figure"] = {"parts": len(figure_verdicts), "score": sum(v.score for v in figure_verdicts),
                         "points": sum(v.points for v in figure_verdicts)}
    pairs = [(h["verdict"], machine_by_id[pid].verdict) for pid, h in human_by_id.items()
             if h.get("verdict") and pid in machine_by_id and machine_by_id[pid].verdict != "needs_review"]
    summary["human_agreement"] = agreement(pairs) if pairs else None
    turns = [{"role": t.get("role", "?"), "text": (t.get("text") or t.get("content") or "").strip()} for t in trace or []]
    prompt = next((t["text"] for t in turns if t["role"] == "user" and t["text"]), "")
    data = ReportData(problem_set.title, meta, prompt, questions, summary,
                      trace=[t for t in turns if t["text"] and t["role"] in ("system", "user", "assistant")])
    data.observations = observations(data, verdicts, problem_set)
    return data


def observations(data: ReportData, verdicts: list[Verdict], problem_set: ProblemSet) -> list[str]:
    """Plain sentences written from the numbers, for the executive summary."""
    notes: list[str] = []
    kinds = {p.id: p.kind for p in problem_set.parts()}
    for kind, info in data.summary["by_kind"].items():
        if info["decided"] >= 2 and info["correct"] == info["decided"]:
            notes.append(f"every decided {kind.replace('_', '-')} part is correct ({info['correct']} of {info['decided']})")
        elif info["decided"] >= 2 and info["correct"] == 0:
            notes.append(f"no {kind.replace('_', '-')} part is correct (0 of {info['decided']})")
    wrong = [v for v in verdicts if v.verdict in ("incorrect", "partially_correct")]
    tag_counts = Counter(tag for v in wrong for tag in v.tags)
    if wrong and tag_counts:
        tag, count = tag_counts.most_common(1)[0]
        if count >= 2:
            notes.append(f"{count} of {len(wrong)} wrong or partial parts share the tag {tag}")
    figure = data.summary["figure"]
    if figure["parts"]:
        notes.append(f"{figure['parts']} part(s) depend on a figure the model could not see: "
                     f"{figure['score']:g} of {figure['points']:g} points there")
    review = data.summary["needs_review"]
    if review:
        free = sum(kinds.get(pid) in ("derivation", "code", "short_text") for pid in review)
        notes.append(f"{len(review)} part(s) need a person or the judge ({free} of them free-form)")
    if "prompt_injection" in data.summary["tags"]:
        notes.append(f"{data.summary['tags']['prompt_injection']} answer(s) addressed the grader; that text was ignored")
    agreement_info = data.summary.get("human_agreement")
    if agreement_info:
        notes.append(f"tabench agrees with the human reader on {agreement_info['agree']} of {agreement_info['n']} parts "
                     f"both decided")
    return notes
