"""Split a chat written out as text into turns (pure): who speaks, from the lines that introduce each turn.

| speaker line | examples | role |
| --- | --- | --- |
| a speaker and a colon | `User:`, `**Assistant:**`, `Me:`, `Gemini:`, `Human:`, `GPT-4o:`, `Student: …` | user / assistant |
| what a chat app writes when a conversation is copied from its window | `You said:`, `ChatGPT said:`, `Gemini said` | user / assistant |
| a heading | `### User`, `## Model`, `### Prompt`, `## Response`, `## Output Solutions by Gemini` | user / assistant |
| a numbered section of a report | `1.3 User Prompt 2`, `1.6 TA Response 3 (Solution to Q1)` | user / assistant |
| question and answer | `Q:` … `A:` (only where both occur, a `Q:` first) | user / assistant |
| the reader's own sections | `## Executive Summary`, `### Evaluation`, `## Reflection` | annotator |

A text with no speaker lines is one `document` turn: a typed write-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Turn:
    role: str  # user | assistant | annotator | document
    text: str
    title: str = ""
    line: int = 0  # where the turn starts in the source (0-based)
    part_id: str | None = None  # the part the export says this reply answers (tabench's own run logs)


MAX_SPEAKER_LINE = 200
_ROLE_WORDS = {
    "user prompt": "user", "user": "user", "human": "user", "you": "user", "me": "user", "student": "user",
    "prompt": "user", "q": "user",
    "ta response": "assistant", "assistant": "assistant", "ai": "assistant", "model": "assistant",
    "gemini": "assistant", "chatgpt": "assistant", "claude": "assistant", "bot": "assistant", "response": "assistant",
    "copilot": "assistant", "deepseek": "assistant", "grok": "assistant", "llama": "assistant", "mistral": "assistant",
    "qwen": "assistant", "a": "assistant",
}
_MARKER = re.compile(
    r"(?:#{1,6}\s{0,3})?(?:\d{1,3}(?:\.\d{1,3}){0,3}\s{1,3})?(?:\*\*|__)?\s{0,3}"
    r"(?P<who>user prompt|ta response|user|human|you|me|student|assistant|ai|model|gemini|chatgpt|claude|copilot|"
    r"deepseek|grok|llama|mistral|qwen|gpt[-\w.]{0,20}|bot|q|a)"
    r"(?P<number>\s{0,3}\d{1,3})?(?P<said>\s{1,3}said)?\s{0,3}(?:\*\*|__)?\s{0,3}(?P<sep>:)?\s{0,3}(?:\*\*|__)?(?P<rest>.*)",
    re.I,
)
_HEADING_ROLE = [
    (re.compile(r"#{1,6}.{0,80}\b(?:executive summary|summary|evaluation|reflection|conclusions?|grading|observations)\b",
                re.I), "annotator"),
    (re.compile(r"#{1,6}.{0,80}\b(?:output|outputs|responses?|solutions? by|answers? by|reply|replies)\b", re.I),
     "assistant"),
    (re.compile(r"#{1,6}.{0,80}\bprompts?\b", re.I), "user"),
]
_QA = re.compile(r"(?:\*\*|__)?(?P<who>[QA])(?:\*\*|__)?\s{0,2}:", re.I)


def split_turns(text: str) -> list[Turn]:
    """Turns of a chat written out as text; a text with no speaker lines is one 'document' turn."""
    lines = text.split("\n")
    question_answer = _uses_question_answer(lines)
    turns: list[Turn] = []
    bodies: list[list[str]] = []  # each turn's lines, joined once at the end (no quadratic string growth)
    in_code = False
    for index, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
        role, title, rest = (None, "", "") if in_code else _marker(line, question_answer)
        if role is None:
            if not turns:
                turns.append(Turn("document", "", "", index))
                bodies.append([])
            bodies[-1].append(line)
            continue
        turns.append(Turn(role, "", title, index))
        bodies.append([rest] if rest else [])
    for turn, body in zip(turns, bodies):
        turn.text = "\n".join(body) + ("\n" if body else "")
    return [t for t in turns if t.text.strip() or t.role != "document"]


def _uses_question_answer(lines: list[str]) -> bool:
    """`Q:` and `A:` introduce turns only in a text that has both, a `Q:` first."""
    first: dict[str, int] = {}
    for index, line in enumerate(lines):
        found = _QA.match(line.lstrip())
        if found:
            first.setdefault(found.group("who").upper(), index)
            if len(first) == 2:
                break
    return len(first) == 2 and first["Q"] < first["A"]


def _marker(line: str, question_answer: bool) -> tuple[str | None, str, str]:
    stripped = line.strip()
    if "\t" in line or not stripped:
        return None, "", ""
    match = _MARKER.fullmatch(stripped[:MAX_SPEAKER_LINE])  # the speaker is at the start: "Me: <a long question>"
    if match:
        who = match.group("who").lower()
        role = _ROLE_WORDS.get(who, "assistant" if who.startswith("gpt") else None)
        if who in ("q", "a") and (not question_answer or not match.group("sep")):
            role = None
        rest = stripped[match.start("rest"):].strip()
        prefix = stripped[: stripped.lower().find(who) + 1]
        heading = stripped.startswith("#")
        bold = "**" in prefix or "__" in prefix
        # "1.3 User Prompt 2" is a turn; "2.3.1 Model Observations" is a section of a write-up
        numbered = bool(re.match(r"\d{1,3}(?:\.\d{1,3}){1,3}\s", stripped)) and match.group("number") is not None
        said = match.group("said") is not None and (match.group("sep") or not rest)
        introduces = match.group("sep") or heading or bold or numbered or said
        if role and introduces and not (not match.group("sep") and len(rest) > 60):
            if match.group("sep"):
                return role, "", rest
            return role, rest.strip("*_ ()"), ""
    if stripped.startswith("#") and len(stripped) <= MAX_SPEAKER_LINE:
        for pattern, role in _HEADING_ROLE:
            if pattern.match(stripped):
                return role, stripped.strip("# *"), ""
    return None, "", ""
