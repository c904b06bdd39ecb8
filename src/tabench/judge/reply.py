"""The judge's reply: its JSON schema (explanation first, so the model reasons before it decides), and reading
a reply into a vote or into the reason it cannot be read (pure)."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ..model import RubricItem
from .rubric import fraction_met
from .vocabulary import ERROR_TAGS

JudgeLabel = Literal["correct", "partially_correct", "incorrect"]
LABELS: tuple[str, ...] = JudgeLabel.__args__
ErrorTag = Literal[tuple(ERROR_TAGS)]  # type: ignore[valid-type]
_EPSILON = 1e-6
MAX_EXPLANATION, MAX_FIRST_ERROR = 1500, 400  # characters, at most one per token of the reply's limit


def _known_tags(value):
    """Tags outside the vocabulary are dropped (they are not a reason to distrust the verdict)."""
    return [tag for tag in value if tag in ERROR_TAGS] if isinstance(value, list) else value


class RubricMark(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(description="the rubric item's id")
    met: bool = Field(description="whether the answer meets this item")


class JudgeReply(BaseModel):
    """What a judge returns for one part. Field order is the order the model writes them."""

    model_config = ConfigDict(extra="ignore")

    explanation: str = Field(description="compare the answer with the reference step by step, before deciding")
    rubric: list[RubricMark] = Field(description="every rubric item, marked met or not")
    first_error: str | None = Field(description="the first wrong step of the answer, quoted or described; "
                                                "null when there is none")
    tags: Annotated[list[ErrorTag], BeforeValidator(_known_tags)] = Field(description="error tags that apply")
    verdict: JudgeLabel = Field(description="correct, partially_correct or incorrect")
    score: float = Field(ge=0, le=1, description="the share of the part's points earned, from 0 to 1")


def reply_schema(rubric_ids: list[str], max_tokens: int = 1024) -> dict:
    """The JSON schema sent as structured output: every field required, no other fields, references inlined
    (grammar-based servers such as llama.cpp need no $defs), the rubric's ids as an enum of exactly that length.
    The strings' lengths are bounded to fit the reply's token limit, so a grammar-bound reply can always end."""
    schema = JudgeReply.model_json_schema()
    definitions = schema.pop("$defs", {})
    schema = _inline(schema, definitions)
    _close(schema)
    properties = schema["properties"]
    properties["rubric"]["items"]["properties"]["id"]["enum"] = list(rubric_ids)
    properties["rubric"]["minItems"] = properties["rubric"]["maxItems"] = len(rubric_ids)
    properties["tags"]["maxItems"] = len(ERROR_TAGS)
    # Bounds for grammar-constrained decoding (llama.cpp), which cannot otherwise end a string; servers with
    # strict schemas get them stripped (providers.base.portable_schema), and reading a reply does not enforce them.
    properties["explanation"]["maxLength"] = min(MAX_EXPLANATION, max_tokens)
    properties["first_error"]["anyOf"][0]["maxLength"] = min(MAX_FIRST_ERROR, max(20, max_tokens // 4))
    return schema


def _inline(node, definitions: dict):
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(copy.deepcopy(definitions[node["$ref"].rsplit("/", 1)[-1]]), definitions)
        return {key: _inline(value, definitions) for key, value in node.items() if key != "title"}
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    return node


def _close(node) -> None:
    if isinstance(node, dict):
        if node.get("type") == "object":
            node["additionalProperties"] = False
            node["required"] = list(node.get("properties", {}))
        for value in node.values():
            _close(value)
    elif isinstance(node, list):
        for item in node:
            _close(item)


@dataclass(frozen=True)
class Vote:
    """One readable judge reply."""

    verdict: str
    fraction: float  # share of the credit of the fields it graded, from the rubric (or `score` for the implicit item)
    score: float  # the `score` field as given
    tags: tuple[str, ...]
    explanation: str
    first_error: str | None
    met: tuple[tuple[str, bool], ...]


def read_reply(text: str, rubric: list[RubricItem], implicit: bool, points: float) -> Vote | str:
    """A Vote, or the reason the reply cannot be read (never a guess: a reason means `needs_review`)."""
    data = _json_object(text)
    if isinstance(data, str):
        return data
    try:
        reply = JudgeReply.model_validate(data)
    except ValidationError as err:
        return _reason(err)
    marks = {mark.id: mark.met for mark in reply.rubric}
    wanted = [item.id for item in rubric]
    unknown = [mark.id for mark in reply.rubric if mark.id not in wanted]
    if unknown:
        return f"rubric item {unknown[0]!r} is not in the rubric ({', '.join(wanted)})"
    if not implicit:
        missing = [item_id for item_id in wanted if item_id not in marks]
        if missing:
            return f"rubric item {missing[0]!r} is not marked"
    fraction = reply.score if implicit else fraction_met(rubric, marks, points)
    problem = _inconsistent(reply.verdict, fraction, implicit)
    if problem:
        return problem
    return Vote(reply.verdict, fraction, reply.score, tuple(dict.fromkeys(reply.tags)), reply.explanation.strip(),
                (reply.first_error or "").strip() or None, tuple(marks.items()))


def _json_object(text: str) -> dict | str:
    stripped = (text or "").strip()
    if not stripped:
        return "the reply is empty"
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", stripped, re.S)
    candidates = [fenced.group(1) if fenced else stripped]
    start, end = stripped.find("{"), stripped.rfind("}")
    if start != -1 and end > start:
        candidates.append(stripped[start:end + 1])
    for candidate in candidates:
        try:
            data = json.loads(candidate, strict=False)  # strict=False: raw newlines inside strings
        except (json.JSONDecodeError, RecursionError):
            continue
        return data if isinstance(data, dict) else "the reply is JSON but not an object"
    return "the reply is not JSON"


def _reason(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "the reply"
    if first["type"] == "missing":
        return f"missing field {where!r}"
    if first["loc"] == ("verdict",):
        return f"verdict {first.get('input')!r} is not one of {', '.join(LABELS)}"
    return f"{where}: {first['msg'].lower()}"


def _inconsistent(verdict: str, fraction: float, implicit: bool) -> str | None:
    source = "score" if implicit else "the rubric items met"
    if verdict == "correct" and fraction < 1 - _EPSILON:
        return f"verdict 'correct' but {source} give {fraction:.2f} of the points"
    if verdict == "incorrect" and fraction > _EPSILON:
        return f"verdict 'incorrect' but {source} give {fraction:.2f} of the points"
    if verdict == "partially_correct" and not _EPSILON < fraction < 1 - _EPSILON:
        return f"verdict 'partially_correct' but {source} give {fraction:.2f} of the points"
    return None
