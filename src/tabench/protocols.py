"""The three ways of asking a model (pure): the whole document at once, an interactive TA conversation,
and one part at a time. Prompt texts are templates (tabench/prompts/*.txt) that users can override."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

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


# What a part's text says of its figure, by what the model is shown. Example: a text-only model reads
# "[Figure: not shown — this model reads text only]" where the figure would be.
FIGURE_LINES = {
    "shown": "[Figure: attached as an image]",
    "text_only": "[Figure: not shown — this model reads text only]",
    "not_found": "[Figure: not available — it could not be found with the document]",
}
FIGURE_NOT_INCLUDED = "(This part refers to a figure that is not included.)"  # when figures are not considered


@dataclass(frozen=True)
class Figures:
    """What a run can show of the parts' figures (gathered at the edge, pure data here): per part id, the images
    of its kept figures as messages refer to them ({"sha256", "media_type", "size", "label"}), and whether the
    model reads images. A message carries `images` (what to attach; a provider adds the bytes) and
    `figure_notes` (per figure-dependent part: shown, text_only or not_found) beside its text."""

    kept: dict[str, list[dict]] = field(default_factory=dict)
    model_reads_images: bool = True

    def status(self, part: Part) -> str | None:
        if not (part.needs_figure or part.figures):
            return None
        if not self.kept.get(part.id):
            return "not_found"
        return "shown" if self.model_reads_images else "text_only"


def render_part(part: Part, with_label: bool = True, figures: Figures | None = None) -> str:
    lines = [f"**{part.id}**" + (f" ({part.points:g} points)" if part.points is not None else "")] if with_label else []
    lines.append(part.prompt.strip())
    status = figures.status(part) if figures is not None else None
    if status is not None:
        lines.append(FIGURE_LINES[status])
    elif part.needs_figure:
        lines.append(FIGURE_NOT_INCLUDED)
    return "\n".join(lines)


def with_figures(message: dict, parts: list[Part], figures: Figures | None) -> dict:
    """`message` with the images of these parts' figures (each image once) and a note per figure-dependent part."""
    if figures is None:
        return message
    images, notes, seen = [], [], set()
    for part in parts:
        status = figures.status(part)
        if status is None:
            continue
        notes.append({"part_id": part.id, "status": status})
        if status != "shown":
            continue
        for image in figures.kept[part.id]:
            if image["sha256"] not in seen:
                seen.add(image["sha256"])
                images.append(dict(image, part_id=part.id))
    extra = ({"images": images} if images else {}) | ({"figure_notes": notes} if notes else {})
    return message | extra


def render_question(question: Question, figures: Figures | None = None) -> str:
    head = f"## {question.number}. {question.title}" + (f" ({question.points:g} points)" if question.points else "")
    blocks = [head]
    if question.preamble.strip():
        blocks.append(question.preamble.strip())
    shown_context = set()
    for part in question.parts:
        if part.context and part.context not in shown_context:
            blocks.append(part.context.strip())
            shown_context.add(part.context)
        blocks.append(render_part(part, figures=figures))
    return "\n\n".join(blocks)


def render_document(problem_set: ProblemSet, figures: Figures | None = None) -> str:
    """The problem set as the model sees it: questions and parts, never the solutions."""
    return f"# {problem_set.title}\n\n" + "\n\n".join(render_question(q, figures) for q in problem_set.questions)


def whole_messages(problem_set: ProblemSet, templates: dict[str, str], figures: Figures | None = None) -> list[dict]:
    document = templates["whole"].format(document=render_document(problem_set, figures)).strip()
    return [
        {"role": "system", "content": templates["system"].strip()},
        with_figures({"role": "user", "content": document}, problem_set.parts(), figures),
    ]


def index_messages(problem_set: ProblemSet, templates: dict[str, str], figures: Figures | None = None) -> list[dict]:
    """The interactive protocol's first turn: it shows the document, so it carries the figures."""
    document = templates["index"].format(document=render_document(problem_set, figures)).strip()
    return [
        {"role": "system", "content": templates["system"].strip()},
        with_figures({"role": "user", "content": document}, problem_set.parts(), figures),
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


def per_part_messages(problem_set: ProblemSet, part: Part, templates: dict[str, str],
                      figures: Figures | None = None) -> list[dict]:
    context = part_context(problem_set, part)
    text = templates["per_part"].format(context=context + "\n\n", part=render_part(part, figures=figures)).strip()
    return [
        {"role": "system", "content": templates["system"].strip()},
        with_figures({"role": "user", "content": text}, [part], figures),
    ]


def planned_calls(problem_set: ProblemSet, protocol: str, templates: dict[str, str],
                  figures: Figures | None = None) -> list[tuple[str, list[dict]]]:
    """(what the call is for, the messages it adds) for one sample, in the order a run makes them. An
    interactive run's later calls also carry the conversation so far (the model's replies are not known yet)."""
    if protocol == "per-part":
        return [(f"part {part.id}", per_part_messages(problem_set, part, templates, figures))
                for part in problem_set.parts() if part.kind != "admin"]
    if protocol == "whole":
        return [("the whole problem set", whole_messages(problem_set, templates, figures))]
    calls = [("index of the questions", index_messages(problem_set, templates, figures))]
    for question in problem_set.questions:
        calls.append((f"question {question.number} (after the conversation so far)", [solve_message(question, templates)]))
        calls.append((f"question {question.number}, self-check", [self_check_message(question, templates)]))
    return calls
