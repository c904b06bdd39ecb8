"""The report as Markdown (pure). Every text from an answer, a document or a reader is parsed and written
again (text_markdown.py): no raw HTML, no remote image, no live link; math rewritten from its parse."""

from __future__ import annotations

import html

from .data import ReportData, Table
from .text_markdown import escape_markdown, markdown_inline, markdown_text

LONG_PROMPT = 600


def _table(table: Table) -> list[str]:
    lines = [f"**{escape_markdown(table.title)}**", "",
             "| " + " | ".join(escape_markdown(c) for c in table.columns) + " |", "|" + " --- |" * len(table.columns)]
    lines += ["| " + " | ".join(markdown_inline(cell) for cell in row) + " |" for row in table.rows]
    if table.note:
        lines += ["", f"*{escape_markdown(table.note)}*"]
    return lines + [""]


def _collapsed(summary: str, body: str) -> list[str]:
    """A long text in a <details> block (GitHub and most viewers fold it); the body is safe Markdown."""
    return ["<details>", f"<summary>{html.escape(summary, quote=False)}</summary>", "", body, "", "</details>", ""]


def _quoted(body: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in body.split("\n"))


def render_markdown(data: ReportData) -> str:
    lines = [f"# {markdown_inline(data.title)}", ""]
    lines.append(" · ".join(f"**{escape_markdown(str(key))}:** {escape_markdown(str(value))}"
                            for key, value in data.meta.items()))
    lines += ["", "## Executive summary", "", f"**{escape_markdown(data.score_line)}**", ""]
    if data.observations:
        lines += [f"- {escape_markdown(note)}" for note in data.observations] + [""]
    for table in data.tables:
        lines += _table(table)
    if data.prompt:
        lines += ["## Prompt", ""]
        body = markdown_text(data.prompt)
        lines += _collapsed(f"The prompt ({len(data.prompt):,} characters)", body) if len(data.prompt) > LONG_PROMPT \
            else [_quoted(body), ""]
    for question in data.questions:
        score = f" ({question.score:g} / {question.points:g})" if question.points else ""
        lines += [f"## {question.number}. {markdown_inline(question.title)}{score}", ""]
        if question.preamble.strip():
            lines += _collapsed(f"The question's text ({len(question.preamble):,} characters)",
                                markdown_text(question.preamble))
        for part in question.parts:
            lines += _part(part)
    if data.trace:
        lines += ["## Conversation trace", ""]
        for turn in data.trace:
            if turn["text"] == data.prompt:
                lines += [f"**{escape_markdown(turn['role'])}:** the prompt above", ""]
            else:
                lines += _collapsed(f"{turn['role']} ({len(turn['text']):,} characters)", markdown_text(turn["text"]))
    return "\n".join(lines).rstrip("\n") + "\n"


def _part(part) -> list[str]:
    lines = [f"### {escape_markdown(part.id)} {part.badge}" + (" (needs the figure)" if part.needs_figure else ""), ""]
    prompt = markdown_text(part.prompt)
    lines += _collapsed(f"Prompt ({len(part.prompt):,} characters)", prompt) if len(part.prompt) > LONG_PROMPT \
        else [_quoted(prompt), ""]
    lines += ["**Answer:**", "", markdown_text(part.answer) if part.answer.strip() else "*(no answer)*", ""]
    for note in part.notes:
        icon = "⚠ " if note.kind == "warning" else ""
        lines += [f"> **{icon}{escape_markdown(note.label)}:** {markdown_inline(note.text)}", ""]
    if part.verdict:
        v = part.verdict
        tags = f" \\[{escape_markdown(', '.join(v.tags))}\\]" if v.tags else ""
        lines += [f"**{part.badge} {v.verdict.replace('_', ' ')}** — {v.score:g} / {v.points:g} — "
                  f"{escape_markdown(v.method)}{tags}: {markdown_inline(part.rationale)}", ""]
    else:
        lines += ["*not graded*", ""]
    if part.automatic:
        a = part.automatic
        tags = f" \\[{escape_markdown(', '.join(a.tags))}\\]" if a.tags else ""
        lines += [f"**Automatic:** {a.verdict.replace('_', ' ')} {a.score:g} / {a.points:g} — "
                  f"{escape_markdown(a.method)}{tags}: {markdown_inline(a.rationale)}", ""]
    reference = markdown_text(part.reference)
    lines += ["**Reference:**", "", reference, ""] if "\n" in reference else [f"**Reference:** {reference}", ""]
    if part.human:
        agrees = {True: "agrees", False: "disagrees", None: "—"}[part.agrees]
        tags = f" \\[{escape_markdown(', '.join(part.human['tags']))}\\]" if part.human.get("tags") else ""
        comment = markdown_inline(part.human.get("comment") or "")
        lines += [f"**Human reader:** {escape_markdown(part.human.get('verdict') or 'no verdict')}{tags} ({agrees})"
                  + (f" — {comment}" if comment else ""), ""]
    return lines
