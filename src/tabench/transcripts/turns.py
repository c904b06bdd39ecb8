"""Split a chat export into turns (pure): Markdown with turn markers, a {role, content} list, a ChatGPT export."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..errors import ParseError


@dataclass
class Turn:
    role: str  # user | assistant | annotator | document
    text: str
    title: str = ""
    line: int = 0  # where the turn starts in the source (0-based)
    part_id: str | None = None  # the part the export says this reply answers (tabench's own run logs)


_ROLE_WORDS = {
    "user prompt": "user", "user": "user", "human": "user", "you": "user", "me": "user", "student": "user",
    "prompt": "user",
    "ta response": "assistant", "assistant": "assistant", "ai": "assistant", "model": "assistant",
    "gemini": "assistant", "chatgpt": "assistant", "claude": "assistant", "bot": "assistant", "response": "assistant",
}
_MARKER = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\d+(?:\.\d+)*\s+)?(?:\*\*|__)?\s*"
    r"(?P<who>user prompt|ta response|user|human|you|me|student|assistant|ai|model|gemini|chatgpt|claude|gpt[-\w.]*|bot)"
    r"(?P<number>\s*\d+)?\s*(?:\*\*|__)?\s*(?P<sep>:)?\s*(?:\*\*|__)?(?P<rest>.*)$",
    re.I,
)
_HEADING_ROLE = [
    (re.compile(r"^\s*#{1,6}.*\b(?:executive summary|summary|evaluation|reflection|conclusions?|grading|observations)\b", re.I), "annotator"),
    (re.compile(r"^\s*#{1,6}.*\b(?:output|outputs|responses?|solutions? by|answers? by|reply|replies)\b", re.I), "assistant"),
    (re.compile(r"^\s*#{1,6}.*\bprompts?\b", re.I), "user"),
]


def split_turns(text: str) -> list[Turn]:
    """Turns of a Markdown chat export; a document with no turn markers is one 'document' turn."""
    lines = text.split("\n")
    turns: list[Turn] = []
    bodies: list[list[str]] = []  # each turn's lines, joined once at the end (no quadratic string growth)
    in_code = False
    for index, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        role, title, rest = (None, "", "") if in_code else _marker(line)
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
    turns = [t for t in turns if t.text.strip() or t.role != "document"]
    if len(turns) == 1 and turns[0].role == "document":
        return turns
    return turns


def _marker(line: str) -> tuple[str | None, str, str]:
    if "\t" in line or len(line) > 200:
        return None, "", ""
    match = _MARKER.match(line)
    if match:
        who = match.group("who").lower()
        role = _ROLE_WORDS.get(who, "assistant" if who.startswith("gpt") else None)
        rest = match.group("rest").strip()
        heading = line.lstrip().startswith("#")
        bold = "**" in line[: line.lower().find(who) + 1] or "__" in line[: line.lower().find(who) + 1]
        # "1.3 User Prompt 2" is a turn; "2.3.1 Model Observations" is a section of a write-up
        numbered = bool(re.match(r"^\s*\d+(?:\.\d+)+\s", line)) and match.group("number") is not None
        if role and (match.group("sep") or heading or bold or numbered) and not (not match.group("sep") and len(rest) > 60):
            if match.group("sep"):
                return role, "", rest
            return role, rest.strip("*_ ()"), ""
    if line.lstrip().startswith("#"):
        for pattern, role in _HEADING_ROLE:
            if pattern.match(line):
                return role, line.strip("# *"), ""
    return None, "", ""


def turns_from_json(data, source: str) -> list[Turn]:
    """Turns of a JSON chat export: a list of {role, content}, {"messages": [...]}, or ChatGPT's conversations.json."""
    if isinstance(data, dict) and isinstance(data.get("messages"), list):
        data = data["messages"]
    if isinstance(data, dict) and "mapping" in data:
        data = [data]
    if isinstance(data, list) and data and all(isinstance(item, dict) and "mapping" in item for item in data):
        return _chatgpt_turns(data[0], source)
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        turns = []
        for item in data:
            role = item.get("role") or item.get("author") or item.get("from")
            content = item.get("content", item.get("text", item.get("value")))
            if not isinstance(role, str) or content is None:
                raise ParseError(f"{source}: a message has no 'role' and 'content'; export the chat as a list of {{role, content}}")
            turns.append(Turn(_json_role(role), _content_text(content)))
        if not any(turn.role == "assistant" for turn in turns):
            raise ParseError(f"{source}: the chat has no assistant message to import")
        return turns
    raise ParseError(
        f"{source}: JSON but not a chat export; give a list of {{role, content}} messages or ChatGPT's conversations.json"
    )


def _json_role(role: str) -> str:
    role = role.lower()
    if role in ("user", "human", "student"):
        return "user"
    if role in ("system", "developer"):
        return "system"
    return "assistant"


def _content_text(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(_content_text(piece) for piece in content)
    if isinstance(content, dict):
        for key in ("text", "parts", "content", "value"):
            if key in content:
                return _content_text(content[key])
        return ""
    return str(content)


def _chatgpt_turns(conversation: dict, source: str) -> list[Turn]:
    mapping = conversation.get("mapping")
    if not isinstance(mapping, dict) or not mapping:
        raise ParseError(f"{source}: the ChatGPT export has an empty conversation")
    node_id = conversation.get("current_node")
    if node_id not in mapping:
        node_id = next((key for key, node in mapping.items() if not node.get("children")), None)
    chain = []
    seen = set()
    while node_id and node_id in mapping and node_id not in seen:
        seen.add(node_id)
        chain.append(mapping[node_id])
        node_id = mapping[node_id].get("parent")
    turns = []
    for node in reversed(chain):
        message = node.get("message") or {}
        role = (message.get("author") or {}).get("role")
        text = _content_text((message.get("content") or {}).get("parts", []))
        if role in ("user", "assistant") and text.strip():
            turns.append(Turn(role, text))
    if not any(turn.role == "assistant" for turn in turns):
        raise ParseError(f"{source}: the ChatGPT conversation has no assistant message")
    return turns


def parse_json(text: str, source: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ParseError(f"{source}: looks like JSON but is not valid ({err.msg} at line {err.lineno}); fix or re-export it") from None
