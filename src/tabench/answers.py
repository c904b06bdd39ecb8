"""Read what is to be graded: an answers file, or a chat transcript / write-up imported against the key (edge)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, ParseError
from .ingest.loader import read_text
from .model import ProblemSet
from .transcripts import MAX_TRANSCRIPT_BYTES, Imported, Options, import_for_grading, is_transcript


@dataclass
class SubmissionInput:
    name: str
    answers: dict[str, str]
    trace: list[dict] | None = None
    annotations: list[dict] = field(default_factory=list)
    imported: Imported | None = None
    model: str | None = None
    protocol: str | None = None
    sample: int | None = None


def load_submissions(path: str | Path, key: ProblemSet | None, default_name: str | None = None,
                     import_options: Options | None = None) -> list[SubmissionInput]:
    """Answers files become submissions as they are; anything else is imported as a transcript."""
    path = Path(path)
    text = read_text(path, what="answers file", max_bytes=MAX_TRANSCRIPT_BYTES)
    name = default_name or path.stem
    answers = None if is_transcript(text) else _answers_json(path, text, name)
    if answers is not None:
        described = _descriptions(text)
        return [SubmissionInput(n, a, **described.get(n, {})) for n, a in answers.items()]
    imported = import_for_grading(text, str(path), key, import_options)
    if not imported.answers:
        raise ParseError(
            f"{path}: no answer could be placed under any part of the key; check the file is answers JSON or a "
            "transcript of this problem set (`tabench import FILE --key KEY` shows what was found)"
        )
    trace = [{"role": t.role, "title": t.title, "text": t.text} for t in imported.turns]
    annotations = imported.as_dict()["annotations"]
    return [SubmissionInput(name, imported.answer_map(), trace, annotations, imported)]


def _answers_json(path: Path, text: str, name: str) -> dict[str, dict[str, str]] | None:
    """The answers in an answers file; None when the file is something else (a transcript)."""
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        if "\n" not in text.strip():
            raise InputError(f"{path}: not valid JSON ({err.msg} at line {err.lineno}); fix the file") from None
        return _json_lines(path, text, name)
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object of part id -> answer")
    if "messages" in data or "mapping" in data:
        return None  # a chat export
    if "submission" in data and "part_id" in data:
        return _json_lines(path, text, name)
    return {name: {str(k): _as_text(path, k, v) for k, v in data.items()}}


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


def _descriptions(text: str) -> dict[str, dict]:
    """{submission: {model, protocol, sample}} from JSON Lines rows that carry them."""
    described: dict[str, dict] = {}
    for line in text.splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and "submission" in row and any(k in row for k in ("model", "protocol", "sample")):
            sample = row.get("sample")
            described[str(row["submission"])] = {
                "model": str(row["model"]) if row.get("model") is not None else None,
                "protocol": str(row["protocol"]) if row.get("protocol") is not None else None,
                "sample": int(sample) if isinstance(sample, (int, float)) and not isinstance(sample, bool) else None,
            }
    return described


def _as_text(path: Path, part_id, value) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise InputError(f"{path}: the answer to part {part_id} is not text; write it as a string")
