"""Chat exports in JSON -> conversations of turns, read by their structure (pure).

| export | how it is recognised | example |
| --- | --- | --- |
| ChatGPT `conversations.json` | conversations with a `mapping` of message nodes | `[{"title": "HW3", "mapping": {…}, "current_node": "…"}]` |
| Claude data export | conversations with `chat_messages` (`sender`, `text` or `content` blocks) | `[{"name": "HW3", "chat_messages": [{"sender": "human", "text": "…"}]}]` |
| Google AI Studio | `chunkedPrompt.chunks` (`role` user/model, `isThought`) | `{"runSettings": {…}, "chunkedPrompt": {"chunks": […]}}` |
| Gemini in Google Takeout | My Activity entries: `title` "Prompted …", the reply as `safeHtmlItem` HTML | `[{"header": "Gemini Apps", "title": "Prompted …", "safeHtmlItem": [{"html": "<p>…</p>"}]}]` |
| Gemini API contents | `contents` of `role` + `parts` | `{"contents": [{"role": "model", "parts": [{"text": "…"}]}]}` |
| inspect_ai log | `eval` and `samples`, each with `messages` or `output` | `{"eval": {"task": "hw3"}, "samples": [{"id": "3.a", "messages": […]}]}` |
| tabench's own traces | messages that carry `part_id` (`tabench run`), or `{"trace": […]}` | `[{"role": "assistant", "content": "…", "part_id": "3.a"}]` |
| tabench's JSON report | `"format": "tabench-report"`: each part's answer under its id | `tabench report --format json` |
| message lists | `{role, content}` (content a string or a list of parts), `{"messages": […]}`, ShareGPT `{from, value}`, OpenAI Responses items, JSON Lines of either | `[{"role": "user", "content": "…"}]` |

Anything else is refused with one line that names the keys found. Thinking, tool calls, tool output and hidden
system messages are left out: only what the user asked and what the model answered become turns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser

from ..errors import ParseError
from .turns import Turn

MAX_DEPTH = 40  # content nested deeper than this is not a message's text
SESSION_GAP_MINUTES = 60  # Takeout activity entries further apart than this belong to different conversations
_USER = {"user", "human", "student", "you", "me"}
_SKIPPED = {"system", "developer", "tool", "function", "ipython", "critic"}
_TEXT_PARTS = {"text", "input_text", "output_text"}


@dataclass
class Conversation:
    title: str
    turns: list[Turn] = field(default_factory=list)
    id: str = ""
    note: str = ""  # what the reader left out, to tell the user


def parse_json(text: str, source: str):
    """The JSON value of an export; JSON Lines become a list; one clear line when it is neither."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 1 and err.lineno > 1:
            try:
                return [json.loads(line) for line in lines]
            except (json.JSONDecodeError, RecursionError):
                pass
        raise ParseError(f"{source}: looks like JSON but is not valid ({err.msg} at line {err.lineno}); "
                         "fix or re-export it") from None
    except RecursionError:
        raise ParseError(f"{source}: JSON nested too deeply to be a chat export; give the export as the app wrote it"
                         ) from None
    except ValueError as err:  # numbers too long to read, and the like
        raise ParseError(f"{source}: cannot read this JSON ({err}); give the export as the app wrote it") from None


def conversations_from_json(data, source: str) -> list[Conversation]:
    """Every conversation in a JSON export, in the file's order."""
    for recognises, read in _READERS:
        if recognises(data):
            conversations = read(data, source)
            break
    else:
        raise ParseError(f"{source}: JSON, but not a chat export tabench knows ({_describe(data)}); give ChatGPT's "
                         "conversations.json, Claude's or Gemini's export, an inspect_ai log, or a list of "
                         "{role, content} messages")
    conversations = [c for c in conversations if c.turns]
    if not conversations:
        raise ParseError(f"{source}: the export holds no messages")
    if not any(turn.role == "assistant" and turn.text.strip() for c in conversations for turn in c.turns):
        raise ParseError(f"{source}: the chat has no assistant message to import")
    return conversations


def _describe(data) -> str:
    if isinstance(data, dict):
        keys = [str(key) for key in list(data)[:10]]
        return "keys found: " + (", ".join(keys) if keys else "none")
    if isinstance(data, list):
        first = next((item for item in data if isinstance(item, dict)), None)
        if first is not None:
            return "a list whose first object has the keys " + (", ".join(str(k) for k in list(first)[:10]) or "none")
        return f"a list of {type(data[0]).__name__ if data else 'nothing'}"
    return f"a single {type(data).__name__}"


def _objects(data) -> list[dict]:
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        return data
    return []


def _all_have(data, *keys: str) -> bool:
    objects = _objects(data)
    return bool(objects) and all(any(key in item for key in keys) for item in objects)


# ---- ChatGPT --------------------------------------------------------------------------------------------------------

def _chatgpt(data, source: str) -> list[Conversation]:
    return [_chatgpt_conversation(item, source) for item in _objects(data)]


def _chatgpt_conversation(conversation: dict, source: str) -> Conversation:
    mapping = conversation.get("mapping")
    title = _string(conversation.get("title")) or "untitled"
    ident = _string(conversation.get("conversation_id") or conversation.get("id"))
    if not isinstance(mapping, dict) or not mapping:
        return Conversation(title, [], ident)
    node_id = conversation.get("current_node")
    if not isinstance(node_id, str) or node_id not in mapping:
        node_id = next((key for key, node in mapping.items() if isinstance(node, dict) and not node.get("children")),
                       None)
    chain, seen = [], set()
    while isinstance(node_id, str) and node_id in mapping and node_id not in seen and isinstance(mapping[node_id], dict):
        seen.add(node_id)
        chain.append(mapping[node_id])
        node_id = mapping[node_id].get("parent")
    turns = []
    for node in reversed(chain):  # the branch the user last saw, from the root
        message = node.get("message")
        if not isinstance(message, dict):
            continue
        role = _role(message["author"].get("role") if isinstance(message.get("author"), dict) else None)
        content = message.get("content") if isinstance(message.get("content"), dict) else {}
        metadata = message.get("metadata") if isinstance(message.get("metadata"), dict) else {}
        if role not in ("user", "assistant") or metadata.get("is_visually_hidden_from_conversation"):
            continue
        if message.get("recipient", "all") != "all" or content.get("content_type") not in ("text", "multimodal_text"):
            continue  # tool calls, code sent to the interpreter, thoughts, "Thought for 14s" recaps
        _add(turns, role, _text(content.get("parts", [])))
    return Conversation(title, turns, ident)


# ---- Claude ---------------------------------------------------------------------------------------------------------

def _claude(data, source: str) -> list[Conversation]:
    conversations = []
    for item in _objects(data):
        turns: list[Turn] = []
        messages = item.get("chat_messages") if isinstance(item.get("chat_messages"), list) else []
        for message in messages:
            if not isinstance(message, dict):
                continue
            blocks = message.get("content")
            if isinstance(blocks, list) and any(isinstance(b, dict) and b.get("type") == "text" for b in blocks):
                text = "\n\n".join(_string(b.get("text")) for b in blocks if isinstance(b, dict) and b.get("type") == "text")
            else:
                text = _string(message.get("text"))
            _add(turns, _role(message.get("sender")), text)
        conversations.append(Conversation(_string(item.get("name")) or "untitled", turns, _string(item.get("uuid"))))
    return conversations


# ---- Gemini ---------------------------------------------------------------------------------------------------------

def _ai_studio(data, source: str) -> list[Conversation]:
    conversations = []
    for item in _objects(data):
        prompt = item.get("chunkedPrompt") if isinstance(item.get("chunkedPrompt"), dict) else {}
        turns: list[Turn] = []
        for chunk in _list(prompt.get("chunks")):
            if not isinstance(chunk, dict) or chunk.get("isThought") or chunk.get("thought"):
                continue
            parts = chunk.get("parts")
            if isinstance(parts, list):
                text = "".join(_string(p.get("text")) for p in parts if isinstance(p, dict) and not p.get("thought"))
            else:
                text = _string(chunk.get("text"))
            _add(turns, _role(chunk.get("role")), text)
        conversations.append(Conversation(_string(item.get("title") or item.get("name")) or "AI Studio chat", turns))
    return conversations


def _gemini_contents(data, source: str) -> list[Conversation]:
    conversations = []
    for item in _objects(data):
        turns: list[Turn] = []
        for content in _list(item.get("contents")):
            if isinstance(content, dict):
                parts = content.get("parts") if isinstance(content.get("parts"), list) else []
                text = "".join(_string(p.get("text")) for p in parts if isinstance(p, dict) and not p.get("thought"))
                _add(turns, _role(content.get("role")), text)
        conversations.append(Conversation(_string(item.get("title")) or "Gemini chat", turns))
    return conversations


def _takeout(data, source: str) -> list[Conversation]:
    """Gemini Apps activity from Google Takeout: one entry per exchange, newest first; nearby entries are one chat."""
    entries = []
    for item in _objects(data):
        prompt = _string(item.get("title"))
        if prompt.startswith("Prompted "):
            prompt = prompt[len("Prompted "):]
        html = "".join(_string(piece.get("html")) for piece in _list(item.get("safeHtmlItem")) if isinstance(piece, dict))
        if not html:
            continue  # "Used an extension", settings changes and other activity without a reply
        entries.append((_time(item.get("time")), prompt, html_to_text(html)))
    entries.sort(key=lambda entry: entry[0] or datetime.min)
    conversations: list[Conversation] = []
    last = None
    for when, prompt, reply in entries:
        if not conversations or when is None or last is None or (when - last).total_seconds() > SESSION_GAP_MINUTES * 60:
            stamp = when.strftime("%Y-%m-%d %H:%M") if when else ""
            conversations.append(Conversation(f"{stamp} {prompt[:60]}".strip(), []))
        _add(conversations[-1].turns, "user", prompt)
        _add(conversations[-1].turns, "assistant", reply)
        last = when
    return conversations


def _time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


# ---- inspect_ai and tabench -----------------------------------------------------------------------------------------

def _inspect_log(data, source: str) -> list[Conversation]:
    """An inspect_ai evaluation log: every sample's conversation, first epoch only, as one conversation."""
    task = data.get("eval", {}).get("task") if isinstance(data.get("eval"), dict) else None
    turns: list[Turn] = []
    epochs = set()
    for sample in _list(data.get("samples")):
        if not isinstance(sample, dict):
            continue
        epoch = sample.get("epoch", 1)
        epochs.add(epoch)
        if epoch not in (1, None):
            continue
        hint = _sample_part(sample)
        messages = sample.get("messages") if isinstance(sample.get("messages"), list) else []
        if not messages:
            sample_input = sample.get("input")
            messages = [{"role": "user", "content": sample_input}] if isinstance(sample_input, str) else \
                (sample_input if isinstance(sample_input, list) else [])
            output = sample.get("output") if isinstance(sample.get("output"), dict) else {}
            choices = output.get("choices") if isinstance(output.get("choices"), list) else []
            if choices and isinstance(choices[0], dict) and isinstance(choices[0].get("message"), dict):
                messages = messages + [choices[0]["message"]]
        for message in messages:
            if isinstance(message, dict):
                _add(turns, _role(message.get("role")), _text(message.get("content")), hint)
    last = max((e for e in epochs if isinstance(e, int)), default=1)
    note = (f"epoch{'s 2–' if last > 2 else ' '}{last} of the inspect_ai log left out (the first epoch is imported)"
            if last > 1 else "")
    return [Conversation(_string(task) or "inspect_ai log", turns, note=note)]


def _sample_part(sample: dict) -> str | None:
    """The part a sample answers, where the log says: metadata `part_id`, or a sample id such as "6.a" (a bare
    number is the dataset's row, not a part)."""
    metadata = sample.get("metadata") if isinstance(sample.get("metadata"), dict) else {}
    for key in ("part_id", "part"):
        if isinstance(metadata.get(key), (str, int)):
            return str(metadata[key])
    ident = _string(sample.get("id"))
    return ident if "." in ident else None


def _tabench_report(data, source: str) -> list[Conversation]:
    """`tabench report --format json`: every part's stored answer, with the part's id and prompt."""
    turns: list[Turn] = []
    for question in _list(data.get("questions")):
        for part in _list(question.get("parts")) if isinstance(question, dict) else []:
            if isinstance(part, dict) and isinstance(part.get("id"), str):
                _add(turns, "user", _string(part.get("prompt")), part["id"])
                _add(turns, "assistant", _string(part.get("answer")), part["id"])
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    return [Conversation(_string(meta.get("submission")) or _string(data.get("title")) or "tabench report", turns)]


def _message_list(data, source: str) -> list[Conversation]:
    """{role, content} messages (OpenAI, tabench's traces), ShareGPT {from, value}, Responses API items."""
    if isinstance(data, dict):
        for key in ("messages", "trace", "conversation", "conversations", "input"):
            if isinstance(data.get(key), list):
                title = _string(data.get("title") or data.get("name") or data.get("submission"))
                return [Conversation(title or "chat", _message_turns(data[key]))]
    if isinstance(data, list) and data and all(isinstance(item, dict) and _is_conversation(item) for item in data):
        return [conversation for item in data for conversation in _message_list(item, source)]
    return [Conversation("chat", _message_turns(data))]


def _is_conversation(item: dict) -> bool:
    return any(isinstance(item.get(key), list) for key in ("messages", "trace", "conversation", "conversations"))


def _message_turns(messages: list) -> list[Turn]:
    turns: list[Turn] = []
    for message in messages:
        if not isinstance(message, dict) or message.get("type") not in (None, "message"):
            continue  # Responses API reasoning and tool items
        role = message.get("role") or message.get("from") or message.get("author") or message.get("sender")
        if isinstance(role, dict):
            role = role.get("role")
        content = next((message[key] for key in ("content", "text", "value", "parts") if key in message), None)
        hint = message.get("part_id")
        _add(turns, _role(role), _text(content), _string(hint) or None)
    return turns


def _is_message_list(data) -> bool:
    if isinstance(data, dict):
        return any(isinstance(data.get(key), list) and _all_have(data[key], "role", "from", "author", "sender")
                   for key in ("messages", "trace", "conversation", "conversations", "input"))
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        return all(_is_conversation(item) and _is_message_list(item) for item in data) or \
            _all_have(data, "role", "from", "author", "sender")
    return False


_READERS = [
    (lambda data: _all_have(data, "mapping"), _chatgpt),
    (lambda data: _all_have(data, "chat_messages"), _claude),
    (lambda data: _all_have(data, "chunkedPrompt"), _ai_studio),
    (lambda data: isinstance(data, dict) and isinstance(data.get("samples"), list) and "eval" in data, _inspect_log),
    (lambda data: isinstance(data, dict) and data.get("format") == "tabench-report", _tabench_report),
    (lambda data: _all_have(data, "contents"), _gemini_contents),
    (lambda data: isinstance(data, list) and _all_have(data, "header") and _all_have(data, "title"), _takeout),
    (_is_message_list, _message_list),
]


# ---- shared pieces --------------------------------------------------------------------------------------------------

def _role(value) -> str:
    role = value.lower() if isinstance(value, str) else ""
    if role in _USER:
        return "user"
    if role in _SKIPPED or not role:
        return "system"
    return "assistant"  # assistant, model, gpt, bot, chatbot, the model's own name


def _add(turns: list[Turn], role: str, text: str, part_id: str | None = None) -> None:
    """A turn, or more text for the last one when the same speaker goes on (a reply split over several messages)."""
    if role == "system" or not text.strip():
        return
    if turns and turns[-1].role == role and turns[-1].part_id == part_id:
        turns[-1].text += "\n\n" + text
        return
    turns.append(Turn(role, text, part_id=part_id))


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _string(value) -> str:
    return value if isinstance(value, str) else (str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else "")


def _text(content, depth: int = 0) -> str:
    """The readable text of a message's content: a string, a list of parts, or a part with text."""
    if depth > MAX_DEPTH:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(piece for piece in (_text(item, depth + 1) for item in content) if piece)
    if isinstance(content, dict):
        kind = content.get("type") or content.get("content_type")
        if kind is not None and kind not in _TEXT_PARTS and kind not in ("text", "multimodal_text"):
            return ""  # images, reasoning, tool use, audio
        for key in ("text", "parts", "content", "value"):
            if key in content:
                return _text(content[key], depth + 1)
    return ""


# ---- HTML (Takeout replies) -----------------------------------------------------------------------------------------

class _Markdown(HTMLParser):
    """A reply's HTML as plain Markdown-like text: paragraphs, lists, headings, bold, code, table rows."""

    _BLOCKS = {"p", "div", "br", "li", "ul", "ol", "pre", "tr", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.cells = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self._BLOCKS:
            self.out.append("\n")
            if tag == "li":
                self.out.append("- ")
            elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.out.append("#" * int(tag[1]) + " ")
            elif tag == "pre":
                self.out.append("```\n")
            elif tag == "tr":
                self.cells = 0
        elif tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("*")
        elif tag in ("td", "th"):
            self.out.append("\t" if self.cells else "")
            self.cells += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag == "pre":
            self.out.append("\n```\n")
        elif tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("*")
        elif tag in self._BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _Markdown()
    parser.feed(html)
    parser.close()
    lines = "".join(parser.out).split("\n")
    text, blank = [], False
    for line in lines:
        if line.strip():
            text.append(line.rstrip())
            blank = False
        elif not blank:
            text.append("")
            blank = True
    return "\n".join(text).strip()
