"""The judge's messages (pure): instructions only in the system message; the question, the reference, the
rubric and the answer each in their own delimited block; nothing inside a block can close it.

The prompt texts are two templates (prompts/judge_system.txt, prompts/judge_user.txt) that users can replace
like the run prompts; a template with a placeholder we do not fill is an error that names it.
"""

from __future__ import annotations

import hashlib
import json
import re
from string import Formatter

from ..errors import TabenchError
from ..model import Part, RubricItem
from .vocabulary import tag_lines

TEMPLATE_NAMES = ("judge_system", "judge_user")
PROMPT_VERSION = "judge-1"
# placeholder: what it is filled with
PLACEHOLDERS = {
    "judge_system": {"tags": "the error tags, one per line with its meaning"},
    "judge_user": {
        "part_id": "the part's id, e.g. 3.b",
        "points": "the part's points, e.g. 5 points",
        "fields": "which answer fields the judge grades (all, or those the checkers left)",
        "question": "the QUESTION block: the question's shared text and the part",
        "reference": "the REFERENCE block: the part's reference solution",
        "rubric": "the RUBRIC block: one line per item",
        "answer": "the ANSWER block: the answer to grade",
    },
}
REQUIRED = {"judge_system": (), "judge_user": ("reference", "rubric", "answer")}
BLOCKS = ("question", "reference", "rubric", "answer")
INJECTION_MARK = "[text hidden from a reader or addressed to the grader was removed from this answer]"


class JudgeTemplateError(TabenchError):
    """A judge prompt template that cannot be filled."""


def check_templates(templates: dict[str, str]) -> None:
    """Raise JudgeTemplateError naming the first placeholder a template uses that we do not fill, or one it needs
    and lacks."""
    for name in TEMPLATE_NAMES:
        allowed = PLACEHOLDERS[name]
        try:
            fields = [field for _, field, _, _ in Formatter().parse(templates[name]) if field is not None]
        except ValueError as err:
            raise JudgeTemplateError(f"{name}.txt: {err}; write a literal brace as {{{{ or }}}}") from None
        for field in fields:
            if field not in allowed:
                known = ", ".join("{" + key + "}" for key in allowed)
                raise JudgeTemplateError(f"{name}.txt: unknown placeholder {{{field}}}; the judge fills {known} "
                                         "(write a literal brace as {{ or }})")
        for field in REQUIRED[name]:
            if field not in fields:
                raise JudgeTemplateError(f"{name}.txt: the placeholder {{{field}}} is missing: without it the judge "
                                         f"would not see {allowed[field].split(': ', 1)[-1]}")


def prompt_version(templates: dict[str, str]) -> str:
    """The prompt's version: ours, and a digest of the templates actually used (an override changes it) and of
    the tag vocabulary they are filled with."""
    texts = [templates[name] for name in TEMPLATE_NAMES] + [tag_lines()]
    digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:8]
    return f"{PROMPT_VERSION}/{digest}"


def neutralise(text: str) -> str:
    """Break up every run of three or more angle brackets, so no text can open or close a block."""
    text = re.sub(r"<{3,}", lambda m: " ".join(m.group()), text)
    return re.sub(r">{3,}", lambda m: " ".join(m.group()), text)


def block(name: str, text: str, tag: str) -> str:
    label = name.upper()
    return f"<<<{label} {tag}>>>\n{neutralise(text.strip())}\n<<<END {label} {tag}>>>"


def points_text(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")


def rubric_text(rubric: list[RubricItem]) -> str:
    return "\n".join(f"- {item.id} ({points_text(item.points)}): {' '.join(item.text.split())}" for item in rubric)


def fields_text(part: Part, graded: list[str]) -> str:
    if len(graded) == len(part.blanks):
        return "Grade the whole answer."
    named = {blank.id: blank.label or blank.id for blank in part.blanks}
    others = [named[b.id] for b in part.blanks if b.id not in graded]
    return (f"Grade only these answer fields: {'; '.join(named[g] for g in graded)}. "
            f"The other fields ({'; '.join(others)}) were graded by exact checkers: give them no credit here.")


def judge_messages(templates: dict[str, str], *, part: Part, points: float, question: str, answer: str,
                   rubric: list[RubricItem], graded: list[str]) -> list[dict]:
    """The system and user messages of one judge call. The blocks' tag is a digest of their contents, so an
    answer cannot know it in advance."""
    contents = {"question": question, "reference": part.solution, "rubric": rubric_text(rubric), "answer": answer}
    tag = hashlib.sha256(json.dumps(contents, sort_keys=True).encode()).hexdigest()[:12]
    blocks = {name: block(name, contents[name], tag) for name in BLOCKS}
    system = templates["judge_system"].format(tags=tag_lines())
    user = templates["judge_user"].format(part_id=part.id, points=points_text(points), fields=fields_text(part, graded),
                                          **blocks)
    return [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]


def repair_messages(messages: list[dict], reply: str, reason: str) -> list[dict]:
    """The one retry after a reply that could not be read: the conversation so far and what was wrong."""
    return messages + [
        {"role": "assistant", "content": reply[:8000]},
        {"role": "user", "content": f"That reply could not be read: {reason}. Reply again with only the JSON object "
                                    "the schema asks for, every field present, verdict one of correct, "
                                    "partially_correct, incorrect."},
    ]
