"""The three ways of asking a model (pure): the whole document at once, an interactive TA conversation,
and one part at a time. Prompt texts are templates (tabench/prompts/*.txt) that users can override."""

from __future__ import annotations

import re
import string

from .model import Part, ProblemSet, Question

PROTOCOLS = ("whole", "interactive", "per-part")
TEMPLATE_NAMES = ("system", "whole", "index", "solve", "self_check", "per_part")
# The placeholders each template may use, and those it must use (else the model never sees what it is asked).
# The system prompt is sent as written, braces and all.
PLACEHOLDERS = {
    "whole": (("document",), ("document",)),  # "Solve every question. {document}"
    "index": (("document",), ("document",)),  # "{document} List the questions."
    "solve": (("number",), ("number",)),  # "Solve question {number}."
    "self_check": (("number",), ()),  # "Check your solution to question {number}."
    "per_part": (("context", "part"), ("part",)),  # "{context}Solve this part. {part}"
}


def template_problem(name: str, text: str) -> str | None:
    """What is wrong with a prompt template, in one phrase, or None: an unknown placeholder (a typo such as
    {contxt}, or a literal brace as in {"a": 1}), a missing one, or an unpaired brace."""
    if name not in PLACEHOLDERS:
        return None
    allowed, required = PLACEHOLDERS[name]
    literal = "write {{ and }} for a literal brace"
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]
    except ValueError as err:
        return f"{str(err).lower().rstrip('.')}; {literal}"
    for field in fields:
        if field not in allowed:
            may = "no placeholders" if not allowed else "only " + ", ".join(f"{{{a}}}" for a in allowed)
            return f"unknown placeholder {{{field}}}: this template may use {may}; {literal}"
    for field in required:
        if field not in fields:
            return f"never uses {{{field}}}, so the model would not see it; add {{{field}}}"
    return None


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


def planned_calls(problem_set: ProblemSet, protocol: str, templates: dict[str, str]) -> list[tuple[str, list[dict]]]:
    """(what the call is for, the messages it adds) for one sample, in the order a run makes them. An
    interactive run's later calls also carry the conversation so far (the model's replies are not known yet)."""
    if protocol == "per-part":
        return [(f"part {part.id}", per_part_messages(problem_set, part, templates))
                for part in problem_set.parts() if part.kind != "admin"]
    if protocol == "whole":
        return [("the whole problem set", whole_messages(problem_set, templates))]
    calls = [("index of the questions", index_messages(problem_set, templates))]
    for question in problem_set.questions:
        calls.append((f"question {question.number} (after the conversation so far)", [solve_message(question, templates)]))
        calls.append((f"question {question.number}, self-check", [self_check_message(question, templates)]))
    return calls
