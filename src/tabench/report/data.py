"""Everything a report shows, computed from stored results (pure).

Every format (Markdown, HTML, LaTeX/PDF) renders the same `ReportData`: the same score line, the same
summary tables (`ReportData.tables`), the same observations and the same parts. Texts from answers,
documents and readers are kept as Markdown; each renderer writes them safely for its format.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..model import ProblemSet, Verdict
from ..stats import agreement, summarize
from ..summary import BADGES, reference_markdown, short

# Verdict tags shown as a note under the part, with what they mean for the reader of the report.
NOTE_TAGS = {
    "hidden_text": "the answer holds text a reader does not see (a comment, phantom or white text, alt text, "
                   "a link title…); it was not graded",
    "prompt_injection": "the answer addresses the grader; that text was ignored",
}


# Whether a model was shown a part's figure, as the run's messages record it (protocols.with_figures): the
# column of the figure table, and the note under the part. Example: "text_only" -> "missing (text-only model)".
FIGURE_SHOWN = {
    "shown": ("yes", "the model was shown the figure (sent as an image with the part)"),
    "text_only": ("missing (text-only model)", "the model was not shown the figure: it reads text only (or the run "
                                               "had --no-images); the prompt said so"),
    "not_found": ("not found", "the figure was not found with the document; the model was asked without it"),
}


@dataclass
class Note:
    """A remark shown under a part: a tag the grader set, or (later) a judge's explanation or first error."""

    label: str
    text: str  # Markdown
    kind: str = "warning"  # "warning" or "info": how a renderer sets it off


@dataclass
class Table:
    """A table of the executive summary; every format renders the same ones."""

    title: str
    columns: list[str]
    rows: list[list[str]]  # each cell is one line of Markdown
    note: str = ""  # how to read it


@dataclass
class PartRow:
    id: str
    kind: str
    points: float
    prompt: str
    answer: str
    verdict: Verdict | None
    reference: str  # Markdown: the reference answer of every blank
    needs_figure: bool
    human: dict | None = None
    solution: str = ""  # the reference solution as the document gives it
    notes: list[Note] = field(default_factory=list)
    rationale: str = ""  # Markdown: the verdict's rationale with the formulas it quotes as math
    automatic: Verdict | None = None  # the machine's verdict, where a person's verdict replaced it
    judge: dict | None = None  # when a judge decided: models, prompt_version, explanation, first_error, votes
    figure_shown: str | None = None  # a key of FIGURE_SHOWN when a run asked this figure-dependent part

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
    tables: list[Table] = field(default_factory=list)
    figures_shown: dict[str, str] = field(default_factory=dict)  # part id -> a key of FIGURE_SHOWN (runs only)

    @property
    def score_line(self) -> str:
        s = self.summary
        share = f" ({s['score'] / s['points'] * 100:.1f}%)" if s["points"] else ""
        counts = ", ".join(f"{s['verdicts'][label]} {label.replace('_', ' ')}" for label in BADGES
                           if s["verdicts"].get(label))
        return f"Score: {s['score']:g} / {s['points']:g}{share}" + (f" — {counts}" if counts else "")


def build_report(problem_set: ProblemSet, verdicts: list[Verdict], answers: dict[str, str], meta: dict,
                 trace: list[dict] | None = None, human: list[dict] | None = None,
                 automatic: list[Verdict] | None = None, judged: dict[str, dict] | None = None,
                 notes: dict[str, list[Note]] | None = None) -> ReportData:
    """The report of one submission. `verdicts` are the verdicts of record; `automatic`, the machine's where
    people's verdicts replaced some; `judged`, the judge's decisions by part id (shown beside the verdicts it
    gave); `notes`, any other remarks by part id. Pass the optional ones by keyword."""
    by_id = {v.part_id: v for v in verdicts}
    machine_by_id = {v.part_id: v for v in automatic or verdicts}
    human_by_id = {h["part_id"]: h for h in human or []}
    shown = figures_shown(trace or [])
    questions = []
    for question in problem_set.questions:
        rows = []
        for part in question.parts:
            verdict = by_id.get(part.id)
            judge = _judge_note((judged or {}).get(part.id),
                                verdict if verdict and verdict.method == "judge" else machine_by_id.get(part.id))
            rows.append(PartRow(
                id=part.id, kind=part.kind, points=verdict.points if verdict else (part.points or 0.0),
                prompt=part.prompt, answer=answers.get(part.id, ""), verdict=verdict,
                reference=reference_markdown(part), needs_figure=part.needs_figure, human=human_by_id.get(part.id),
                solution=part.solution, rationale=rationale_markdown(verdict.rationale, verdict, part) if verdict else "",
                notes=_tag_notes(verdict) + _figure_notes(shown.get(part.id)) + _judge_notes(judge)
                + list((notes or {}).get(part.id, [])),
                automatic=machine_by_id.get(part.id) if verdict is not None and verdict.method == "human" else None,
                judge=judge, figure_shown=shown.get(part.id),
            ))
        graded = [r.verdict for r in rows if r.verdict]
        questions.append(QuestionRow(question.number, question.title, question.preamble, rows,
                                     sum(v.score for v in graded), sum(v.points for v in graded)))
    summary = summarize(verdicts, problem_set)
    summary["by_question"] = {
        str(q.number): {"title": q.title, "score": q.score, "points": q.points,
                        "parts": sum(1 for p in q.parts if p.verdict)} for q in questions if q.points
    }
    figure_verdicts = [v for v in verdicts if v.part_id in set(summary["figure_parts"])]
    summary["figure"] = {"parts": len(figure_verdicts), "score": sum(v.score for v in figure_verdicts),
                         "points": sum(v.points for v in figure_verdicts)}
    pairs = [(h["verdict"], machine_by_id[pid].verdict) for pid, h in human_by_id.items()
             if h.get("verdict") and pid in machine_by_id and machine_by_id[pid].verdict != "needs_review"]
    summary["human_agreement"] = agreement(pairs) if pairs else None
    summary["judged"] = [v.part_id for v in verdicts if v.method == "judge"]  # the verdicts a judge model gave
    turns = [{"role": t.get("role", "?"), "text": (t.get("text") or t.get("content") or "").strip()} for t in trace or []]
    prompt = next((t["text"] for t in turns if t["role"] == "user" and t["text"]), "")
    data = ReportData(problem_set.title, meta, prompt, questions, summary,
                      trace=[t for t in turns if t["text"] and t["role"] in ("system", "user", "assistant")],
                      figures_shown=shown)
    data.tables = summary_tables(data, verdicts, problem_set)
    data.observations = observations(data, verdicts, problem_set)
    return data


_LATEX_MARKUP = re.compile(r"\\[A-Za-z]+|[\^_]\{?|\{")


def rationale_markdown(rationale: str, verdict: Verdict, part) -> str:
    """A rationale as Markdown: the formulas it quotes (the answer read, the key's expression or one side of
    it) shown as math; the rest as text. Checkers write them bare ("\\sigma(x) is not equivalent to …")."""
    quotes = {verdict.extracted or "", (verdict.extracted or "")[:120]}
    for blank in part.blanks:
        if blank.latex:
            quotes |= {blank.latex, *(side.strip() for side in blank.latex.split("="))}
    quotes = sorted((q for q in quotes if len(q) > 1 and "$" not in q and _LATEX_MARKUP.search(q)), key=len,
                    reverse=True)
    if not quotes or "$" in rationale:
        return rationale
    pattern = re.compile("|".join(re.escape(quote) for quote in quotes))
    return pattern.sub(lambda match: f"${match.group(0)}$", rationale)


def _why(verdict: Verdict, part) -> str:
    rationale = short(verdict.rationale, 120)
    return rationale_markdown(rationale, verdict, part) if part is not None else rationale


def _judge_note(judgement: dict | None, verdict: Verdict | None) -> dict | None:
    """What a report shows of a judge's decision beside the verdict (only while the verdict is the judge's)."""
    if judgement is None or verdict is None or verdict.method != "judge":
        return None
    votes = [b.get("verdict") or "could not read" for b in judgement.get("ballots", [])]
    return {"models": judgement.get("models"), "prompt_version": judgement.get("prompt_version"),
            "explanation": judgement.get("explanation"), "first_error": judgement.get("first_error"),
            "outcome": judgement.get("outcome"), "votes": votes if len(votes) > 1 else []}


def _judge_notes(judge: dict | None) -> list[Note]:
    if judge is None:
        return []
    notes = [Note("judge", judge["explanation"], "info")] if judge.get("explanation") else []
    if judge.get("first_error"):
        notes.append(Note("first error", judge["first_error"], "info"))
    if judge.get("votes"):
        notes.append(Note("judge votes", ", ".join(judge["votes"]), "info"))
    return notes


def figures_shown(trace: list[dict]) -> dict[str, str]:
    """Per part id, whether the model was shown its figure, from the `figure_notes` of the messages sent (the
    last message that showed the part decides)."""
    shown = {}
    for turn in trace:
        for note in turn.get("figure_notes") or ():
            if isinstance(note, dict) and note.get("status") in FIGURE_SHOWN:
                shown[str(note.get("part_id"))] = note["status"]
    return shown


def _figure_notes(status: str | None) -> list[Note]:
    if status is None:
        return []
    return [Note("figure", FIGURE_SHOWN[status][1], "info" if status == "shown" else "warning")]


def _tag_notes(verdict: Verdict | None) -> list[Note]:
    if verdict is None:
        return []
    return [Note(tag.replace("_", " "), meaning) for tag, meaning in NOTE_TAGS.items() if tag in verdict.tags]


def _share(score: float, points: float) -> str:
    return f"{score / points * 100:.0f}%" if points else "—"


def summary_tables(data: ReportData, verdicts: list[Verdict], problem_set: ProblemSet) -> list[Table]:
    """The tables of the executive summary, in order; empty ones are left out (in every format alike)."""
    s = data.summary
    tables = [Table(
        "Accuracy by kind of part",
        ["kind", "parts", "answered", "decided", "correct", "points decided", "points scored", "accuracy"],
        [[kind, str(i["parts"]), str(i["answered"]), str(i["decided"]), str(i["correct"]), f"{i['decided_points']:g}",
          f"{i['decided_score']:g}", _share(i["decided_score"], i["decided_points"])] for kind, i in s["by_kind"].items()],
        "Accuracy is weighted by points: the points scored over the points of the decided parts (answered and "
        "graded; a missing part or one waiting for review is not decided).",
    )]
    tables.append(Table(
        "Score by question", ["question", "parts graded", "score", "share"],
        [[f"{number}. {i['title']}", str(i["parts"]), f"{i['score']:g} / {i['points']:g}", _share(i["score"], i["points"])]
         for number, i in s["by_question"].items()],
        "A missing part and a part waiting for review count 0 here.",
    ))
    by_id = {v.part_id: v for v in verdicts}
    parts = {p.id: p for p in problem_set.parts()}
    kinds = {p.id: p.kind for p in parts.values()}
    if s["tags"]:
        tagged = Counter(tag for v in verdicts for tag in v.tags)
        tables.append(Table("Tags", ["tag", "parts", "which"], [
            [tag, str(count), " ".join(v.part_id for v in verdicts if tag in v.tags)]
            for tag, count in sorted(tagged.items(), key=lambda item: (-item[1], item[0]))]))
    if s["figure_parts"]:
        tables.append(Table(
            "Parts that depend on a figure", ["part", "verdict", "score", "shown to the model"],
            [[pid, f"{BADGES[by_id[pid].verdict]} {by_id[pid].verdict.replace('_', ' ')}",
              f"{by_id[pid].score:g} / {by_id[pid].points:g}",
              FIGURE_SHOWN[data.figures_shown[pid]][0] if pid in data.figures_shown else "—"]
             for pid in s["figure_parts"]],
            "The figure is not in the text of the problem set. Shown to the model: yes, sent as an image; missing, "
            "the model reads text only; not found, the figure could not be found with the document; —, the "
            "answers did not come from a run of tabench.",
        ))
    if s["needs_review"]:
        tables.append(Table(
            "Parts that need review", ["part", "kind", "why"],
            [[pid, kinds.get(pid, "?"), _why(by_id[pid], parts.get(pid))] for pid in s["needs_review"]],
            "Could not be graded by a checker: a person (or the judge) decides; they count 0 until then.",
        ))
    agreement_info = s.get("human_agreement")
    if agreement_info:
        kappa = f"{agreement_info['kappa']:.2f}" if agreement_info["kappa"] is not None else agreement_info["kappa_note"]
        tables.append(Table(
            "Agreement with the human reader", ["parts both decided", "agree", "share", "Cohen's κ"],
            [[str(agreement_info["n"]), str(agreement_info["agree"]), f"{agreement_info['share'] * 100:.0f}%", kappa]],
            "Over the parts the reader marked and tabench decided.",
        ))
    return tables


def observations(data: ReportData, verdicts: list[Verdict], problem_set: ProblemSet) -> list[str]:
    """Plain sentences written from the numbers, for the executive summary."""
    notes: list[str] = []
    kinds = {p.id: p.kind for p in problem_set.parts()}
    for kind, info in data.summary["by_kind"].items():
        if info["decided"] >= 2 and info["correct"] == info["decided"]:
            notes.append(f"every decided {kind.replace('_', '-')} part is correct ({info['correct']} of {info['decided']})")
        elif info["decided"] >= 2 and info["correct"] == 0:
            notes.append(f"no {kind.replace('_', '-')} part is correct (0 of {info['decided']})")
    missing = data.summary["verdicts"].get("missing", 0)
    if missing:
        notes.append(f"{missing} of {len(verdicts)} graded parts have no answer (they count 0)")
    wrong = [v for v in verdicts if v.verdict in ("incorrect", "partially_correct")]
    tag_counts = Counter(tag for v in wrong for tag in v.tags)
    if wrong and tag_counts:
        tag, count = tag_counts.most_common(1)[0]
        if count >= 2:
            notes.append(f"{count} of {len(wrong)} wrong or partial parts share the tag {tag}")
    figure = data.summary["figure"]
    if figure["parts"]:
        shown = [pid for pid in data.summary["figure_parts"] if data.figures_shown.get(pid) == "shown"]
        told = [pid for pid in data.summary["figure_parts"] if pid in data.figures_shown]
        notes.append(f"{figure['parts']} part(s) depend on a figure that is not in the text: "
                     f"{figure['score']:g} of {figure['points']:g} points there"
                     + (f"; the model was shown the figure in {len(shown)} of them" if told else ""))
    review = data.summary["needs_review"]
    if review:
        free = sum(kinds.get(pid) in ("derivation", "code", "short_text") for pid in review)
        notes.append(f"{len(review)} part(s) need a person or the judge ({free} of them free-form)")
    tags = data.summary["tags"]
    if "hidden_text" in tags:
        notes.append(f"{tags['hidden_text']} answer(s) hold text a reader does not see; it was not graded "
                     f"(each is marked with a note)")
    if "prompt_injection" in tags:
        notes.append(f"{tags['prompt_injection']} answer(s) addressed the grader; that text was ignored")
    agreement_info = data.summary.get("human_agreement")
    if agreement_info:
        notes.append(f"tabench agrees with the human reader on {agreement_info['agree']} of {agreement_info['n']} "
                     f"parts both decided")
    return notes
