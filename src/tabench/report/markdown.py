"""The report as Markdown (pure). Answer text keeps its math; HTML in it is escaped."""

from __future__ import annotations

import html

from .data import ReportData


def _safe(text: str) -> str:
    return html.escape(text, quote=False)


def _pct(score: float, points: float) -> str:
    return f"{score / points * 100:.1f}%" if points else "—"


def render_markdown(data: ReportData) -> str:
    s = data.summary
    lines = [f"# {_safe(data.title)}", ""]
    for key, value in data.meta.items():
        lines.append(f"- **{key}:** {_safe(str(value))}")
    if data.prompt:
        lines += ["", "## Prompt", "", "> " + _safe(data.prompt).replace("\n", "\n> ")]
    lines += ["", "## Executive summary", "",
              f"**Score: {s['score']:g} / {s['points']:g} ({_pct(s['score'], s['points'])})** — "
              + ", ".join(f"{n} {label.replace('_', ' ')}" for label, n in sorted(s["verdicts"].items())), ""]
    lines += ["| kind | parts | decided | correct | accuracy |", "| --- | --- | --- | --- | --- |"]
    for kind, info in s["by_kind"].items():
        accuracy = f"{info['accuracy'] * 100:.0f}%" if info["accuracy"] is not None else "—"
        lines.append(f"| {kind} | {info['parts']} | {info['decided']} | {info['correct']} | {accuracy} |")
    lines += ["", "| question | score |", "| --- | --- |"]
    for number, info in s["by_question"].items():
        lines.append(f"| {number}. {_safe(info['title'])} | {info['score']:g} / {info['points']:g} |")
    lines.append("")
    if s["tags"]:
        lines.append("**Tags:** " + ", ".join(f"{tag} ({n})" for tag, n in sorted(s["tags"].items())))
    if s["figure"]["parts"]:
        lines.append(f"**Figure-dependent parts:** {s['figure']['parts']} ({s['figure']['score']:g} / {s['figure']['points']:g} points)")
    if s["needs_review"]:
        lines.append("**Needs review:** " + " ".join(s["needs_review"]))
    if s.get("human_agreement"):
        a = s["human_agreement"]
        lines.append(f"**Agreement with the human reader:** {a['agree']} of {a['n']} (κ = {a['kappa']:.2f})")
    if data.observations:
        lines += ["", "### Key observations", ""] + [f"- {_safe(note)}" for note in data.observations]
    for question in data.questions:
        lines += ["", f"## {question.number}. {_safe(question.title)}" + (f" ({question.score:g} / {question.points:g})" if question.points else "")]
        for part in question.parts:
            lines += ["", f"### {part.id} {part.badge}" + (" (needs the figure)" if part.needs_figure else ""), ""]
            lines.append(f"*{_safe(part.prompt)}*")
            lines += ["", "**Answer:**", "", _safe(part.answer) if part.answer.strip() else "*(no answer)*", ""]
            if part.verdict:
                v = part.verdict
                tags = f" [{', '.join(v.tags)}]" if v.tags else ""
                lines.append(f"**{part.badge} {v.verdict.replace('_', ' ')}** — {v.score:g} / {v.points:g} — {v.method}{tags}: {_safe(v.rationale)}")
            else:
                lines.append("*not graded*")
            if part.automatic:
                a = part.automatic
                lines.append(f"**Automatic:** {a.verdict.replace('_', ' ')} {a.score:g} / {a.points:g} — {a.method}"
                             + (f" [{', '.join(a.tags)}]" if a.tags else "") + f": {_safe(a.rationale)}")
            lines.append(f"**Reference:** {_safe(part.reference)}")
            if part.human:
                agrees = {True: "agrees", False: "disagrees", None: "—"}[part.agrees]
                lines.append(f"**Human reader:** {part.human.get('verdict') or 'no verdict'}"
                             + (f" [{', '.join(part.human['tags'])}]" if part.human.get("tags") else "")
                             + f" ({agrees}) — {_safe(part.human.get('comment', ''))}")
    if data.trace:
        lines += ["", "## Conversation trace"]
        for turn in data.trace:
            lines += ["", f"**{turn['role']}:**", "", _safe(turn["text"])]
    # a hard line break after each bold-labelled line, so they do not run together when rendered
    return "\n".join(line + "  " if line.startswith("**") else line for line in lines) + "\n"
