"""The three ways of asking a model (pure): the whole document at once, an interactive TA conversation,
and one part at a time. Prompt texts are templates (tabench/prompts/*.txt) that users can override."""

from __future__ import annotations

import re

from .model import Part, ProblemSet, Question

PROTOCOLS = ("whole", "interactive", "per-part")
TEMPLATE_NAMES = ("system", "whole", "index", "solve", "self_check", "per_part")


def render_part(part: Part, with_label: bool = True) -> str:
    lines = [f"**{part.id}**" + (f" ({part.points:g} points)" if part.points is not None else "")] if with_label else []
    lines.append(part.prompt.strip())
    if part.needs_figure:
        lines.append("(This part refers to a figure that is not included.)")
    return "\n".join(lines)


def render_question(question: Question) -> str:
    head = f"## {question.number}. {question.title}" + (f" ({question.points:g} points)" if question.points else "")
    blocks = [head]
    if question.preamble.strip():
        blocks.append(question.preamble.strip())
    shown_context = set()
    for part in question.parts:
        if part.context and part.context not in shown_context:
            blocks.append(part.context.strip())
            shown_context.add(part.context)
        blocks.append(render_part(part))
    return "\n\n".join(blocks)


def render_document(problem_set: ProblemSet) -> str:
    """The problem set as the model sees it: questions and parts, never the solutions."""
    return f"# {problem_set.title}\n\n" + "\n\n".join(render_question(q) for q in problem_set.questions)


def whole_messages(problem_set: ProblemSet, templates: dict[str, str]) -> list[dict]:
    return [
        {"role": "system", "content": templates["system"].strip()},
        {"role": "user", "content": templates["whole"].format(document=render_document(problem_set)).strip()},
    ]


def index_messages(problem_set: ProblemSet, templates: dict[str, str]) -> list[dict]:
    return [
        {"role": "system", "content": templates["system"].strip()},
        {"role": "user", "content": templates["index"].format(document=render_document(problem_set)).strip()},
    ]


def solve_message(question: Question, templates: dict[str, str]) -> dict:
    return {"role": "user", "content": templates["solve"].format(number=question.number).strip()}


def self_check_message(question: Question, templates: dict[str, str]) -> dict:
    return {"role": "user", "content": templates["self_check"].format(number=question.number).strip()}


def revised_answer(self_check_reply: str) -> str | None:
    """The corrected solution of a self-check turn, or None when the model confirmed its answer."""
    match = re.search(r"REVISED ANSWER:\s*(.*)", self_check_reply, re.S)
    return match.group(1).strip() if match and match.group(1).strip() else None


def part_context(problem_set: ProblemSet, part: Part) -> str:
    """What a part's question says before the part: its number and title, preamble, and shared sub-question text."""
    question = problem_set.question_of(part.id)
    return "\n\n".join(x.strip() for x in (f"Question {question.number}. {question.title}", question.preamble, part.context) if x.strip())


def per_part_messages(problem_set: ProblemSet, part: Part, templates: dict[str, str]) -> list[dict]:
    context = part_context(problem_set, part)
    return [
        {"role": "system", "content": templates["system"].strip()},
        {"role": "user", "content": templates["per_part"].format(context=context + "\n\n", part=render_part(part)).strip()},
    ]
