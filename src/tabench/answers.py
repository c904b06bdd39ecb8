"""Read answer files: a JSON object {part_id: answer} or JSON Lines {submission, part_id, answer}."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import InputError
from .ingest.loader import read_text


def load_answers(path: str | Path, default_name: str | None = None) -> dict[str, dict[str, str]]:
    """{submission name: {part_id: answer text}}, in file order."""
    path = Path(path)
    text = read_text(path, what="answers file")
    name = default_name or path.stem
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            if "\n" not in text.strip():
                raise InputError(f"{path}: not valid JSON ({err.msg} at line {err.lineno}); fix the file") from None
            return _json_lines(path, text, name)
        if not isinstance(data, dict):
            raise InputError(f"{path}: expected a JSON object of part id -> answer")
        if "submission" in data and "part_id" in data:
            return _json_lines(path, text, name)
        return {name: {str(k): _as_text(path, k, v) for k, v in data.items()}}
    if stripped.startswith("["):
        raise InputError(
            f"{path}: a JSON list is not an answers file; give {{\"part_id\": \"answer\"}} or JSON Lines of "
            "{\"submission\", \"part_id\", \"answer\"}"
        )
    raise InputError(f"{path}: not JSON; give {{\"part_id\": \"answer\"}} or JSON Lines (see `tabench grade --help`)")


def _json_lines(path: Path, text: str, default_name: str) -> dict[str, dict[str, str]]:
    submissions: dict[str, dict[str, str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}: line {number} is not valid JSON ({err.msg}); fix that line") from None
        if not isinstance(row, dict) or "part_id" not in row or "answer" not in row:
            raise InputError(f"{path}: line {number} needs \"part_id\" and \"answer\" (and \"submission\")")
        name = str(row.get("submission") or default_name)
        submissions.setdefault(name, {})[str(row["part_id"])] = _as_text(path, row["part_id"], row["answer"])
    if not submissions:
        raise InputError(f"{path}: no answers in the file")
    return submissions


def _as_text(path: Path, part_id, value) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise InputError(f"{path}: the answer to part {part_id} is not text; write it as a string")
