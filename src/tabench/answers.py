"""Read what is to be graded: an answers file, or a chat transcript / write-up imported against the key (edge).

Answers files come as a JSON object `{"part_id": "answer"}`, JSON Lines rows `{"submission", "part_id",
"answer"}` (or a JSON list of such rows), or CSV with a `part_id,answer` header. Anything else is a transcript
for the importer (which also reads an edited `tabench import --json`). Numbers keep the form they were written in.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, ParseError
from .ingest.loader import read_text
from .input_checks import MAX_PARTS, scrub_surrogates
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
    named_by_file: bool = False  # the name is the file's, not one the user or the file chose
    warnings: list[str] = field(default_factory=list)


# CSV header names, each with the column it stands for (case, spaces and hyphens are ignored).
CSV_COLUMNS = {
    "part_id": "part_id",  # part_id,answer
    "part": "part_id",  # part,answer
    "id": "part_id",  # id,answer
    "question": "part_id",  # question,answer
    "answer": "answer",  # part_id,answer
    "response": "answer",  # part_id,response
    "submission": "submission",  # submission,part_id,answer
    "student": "submission",  # student,part_id,answer
    "name": "submission",  # name,part_id,answer
    "model": "model",  # ...,model
    "protocol": "protocol",  # ...,protocol
    "sample": "sample",  # ...,sample
}
# A cell that reads as a part id: 3.a, 11.d.ii, 6, Q3(b)
_PART_ID_CELL = re.compile(r"^\s*(?:q|question\s*)?\d{1,6}(?:[.(]?[a-z]{1,4}\)?)*\s*$", re.I)
_ANSWERS_HINT = ('give the answers as a JSON object {"part_id": "answer"}, JSON Lines rows '
                 '{"submission", "part_id", "answer"}, CSV with a part_id,answer header, or a transcript')


def load_submissions(path: str | Path, key: ProblemSet | None, default_name: str | None = None,
                     import_options: Options | None = None) -> list[SubmissionInput]:
    """Answers files become submissions as they are; anything else is imported as a transcript."""
    path = Path(path)
    text = read_text(path, what="answers file", max_bytes=MAX_TRANSCRIPT_BYTES)
    name = default_name or path.stem
    if _is_csv(path, text):
        rows = _csv_rows(path, text)
        submissions = _from_rows(path, rows, name, default_name is not None)
    else:
        data = _json_of(path, text)
        shape = _shape(path, text, data)
        if shape == "transcript":
            submissions = [_imported(path, text, key, name, default_name is None, import_options)]
        elif shape == "answers":
            submissions = [SubmissionInput(name, _answer_map(path, data), named_by_file=default_name is None)]
        else:
            submissions = _from_rows(path, data if isinstance(data, list) else [data], name, default_name is not None)
    for submission in submissions:
        if len(submission.answers) > MAX_PARTS:
            raise InputError(f"{path}: {submission.name} has {len(submission.answers):,} answers, more than the "
                             f"{MAX_PARTS:,} parts a key may have; check it is the right file")
        _scrub(submission)
    return submissions


# ---- telling the formats apart ------------------------------------------------------------------

_NOT_JSON = object()


class _Lines(list):
    """Rows read from JSON Lines, each with its line number."""


class _Written(str):
    """A JSON number, kept as it was written ("0.10", "1e400", "NaN")."""


def _json_of(path: Path, text: str):
    """The parsed JSON of the file, a list of JSON Lines rows, or _NOT_JSON (a transcript in Markdown)."""
    if text.lstrip()[:1] == '"':  # a single JSON string, or a write-up that opens with a quotation
        try:
            return _strict_json(text, f"{path}")
        except json.JSONDecodeError:
            return _NOT_JSON
    if text.lstrip()[:1] not in ("{", "["):
        return _NOT_JSON
    try:
        return _strict_json(text, f"{path}")
    except json.JSONDecodeError as err:
        lines = [line for line in text.splitlines() if line.strip()]
        if text.lstrip().startswith("{") and len(lines) > 1:
            return _json_lines(path, text)
        if text.lstrip().startswith("["):
            return _NOT_JSON  # let the transcript reader say what is wrong
        raise InputError(f"{path}: not valid JSON ({err.msg} at line {err.lineno}); fix the file") from None


def _strict_json(text: str, where: str):
    def no_repeats(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                raise InputError(f"{where}: the key {key!r} appears twice in one object; keep one")
            seen[key] = value
        return seen

    return json.loads(text, object_pairs_hook=no_repeats, parse_float=_Written, parse_int=_Written,
                      parse_constant=_Written)


def _json_lines(path: Path, text: str) -> _Lines:
    rows = _Lines()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = _strict_json(line, f"{path}: line {number}")
        except json.JSONDecodeError as err:
            raise InputError(f"{path}: line {number} is not valid JSON ({err.msg}); fix that line") from None
        if not isinstance(row, dict):
            raise InputError(f'{path}: line {number} is not an object; write rows as {{"submission", "part_id", "answer"}}')
        rows.append(dict(row, _line=number))
    return rows


def _shape(path: Path, text: str, data) -> str:
    """'answers' (one object of part ids), 'rows' (of part_id and answer), or 'transcript' (a chat export or a
    write-up, for the importer, which names what it cannot read); a wrong shape of answers is refused here."""
    if data is _NOT_JSON:
        return "transcript"
    if isinstance(data, _Lines):
        rows = any(any(k in row for k in ("part_id", "answer", "submission")) for row in data)
        return "rows" if rows else "transcript"  # JSON Lines of chat messages
    if isinstance(data, dict):
        if is_transcript(text):
            return "transcript"
        if "part_id" in data:
            return "rows"
        if not data:
            raise InputError(f"{path}: no answers in the file (an empty object); {_ANSWERS_HINT}")
        return "answers"
    if isinstance(data, list):
        if not data:
            raise InputError(f"{path}: no answers in the file (an empty list); {_ANSWERS_HINT}")
        if all(isinstance(item, dict) and "part_id" in item for item in data):
            return "rows"
        if all(isinstance(item, dict) and item and all(_PART_ID_CELL.match(str(k)) for k in item) for item in data):
            raise InputError(f'{path}: a JSON list of objects of part ids; for one submission write a single object '
                             f'{{"3.a": "108"}}, for many use JSON Lines rows {{"submission", "part_id", "answer"}}')
        return "transcript"
    raise InputError(f"{path}: holds a single JSON value ({short_repr(data)}), not answers; {_ANSWERS_HINT}")


def short_repr(value) -> str:
    text = repr(str(value))
    return text if len(text) <= 40 else text[:39] + "…"


# ---- reading each format ------------------------------------------------------------------------

def _answer_map(path: Path, data: dict) -> dict[str, str]:
    return {str(k).strip(): _as_text(path, k, v) for k, v in data.items()}


def _as_text(path: Path, part_id, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value)  # several choices: ["A", "C"]
    raise InputError(f"{path}: the answer to part {part_id} is not text; write it as a string")


def _from_rows(path: Path, rows: list[dict], default_name: str, named: bool) -> list[SubmissionInput]:
    """Rows of {submission?, part_id, answer, model?, protocol?, sample?} -> one submission per name."""
    submissions: dict[str, SubmissionInput] = {}
    first_line: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows, start=1):
        line = row.get("_line", index)
        where = f"{path}: line {line}"
        if "part_id" not in row or "answer" not in row:
            raise InputError(f'{where} needs "part_id" and "answer" (and "submission" for a class)')
        part_id = _as_text(path, "id", row["part_id"]).strip()
        if not part_id:
            raise InputError(f"{where} has an empty part_id; fill it in")
        name = _as_text(path, "submission", row.get("submission")).strip() or default_name
        if (name, part_id) in first_line:
            raise InputError(f"{where} repeats part {part_id} of {name} (first on line {first_line[name, part_id]}); "
                             "keep one answer per part")
        first_line[name, part_id] = line
        submission = submissions.get(name)
        if submission is None:
            submission = submissions[name] = SubmissionInput(name, {}, named_by_file=not named and "submission" not in row)
        submission.answers[part_id] = _as_text(path, part_id, row["answer"])
        for column in ("model", "protocol"):
            if row.get(column) not in (None, ""):
                setattr(submission, column, _as_text(path, column, row[column]))
        if row.get("sample") not in (None, ""):
            submission.sample = _sample(where, row["sample"])
    return list(submissions.values())


def _sample(where: str, value) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or len(text) > 9:
        raise InputError(f"{where}: sample must be a whole number (0, 1, 2, …), not {short_repr(value)}")
    return int(text)


def _is_csv(path: Path, text: str) -> bool:
    if path.suffix.lower() in (".csv", ".tsv"):
        return True
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    cells = [_column(c) for c in re.split(r"[,;\t]", first)]
    return len(cells) >= 2 and "part_id" in cells and "answer" in cells


def _column(cell: str) -> str | None:
    return CSV_COLUMNS.get(re.sub(r"[\s_-]+", "_", cell.strip().strip('"').lower()))


def _csv_rows(path: Path, text: str) -> list[dict]:
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as err:
        raise InputError(f"{path}: not readable as CSV ({err}); check its quotes") from None
    table = [(number, row) for number, row in enumerate(table, start=1) if any(cell.strip() for cell in row)]
    if not table:
        raise InputError(f"{path}: no answers in the file; {_ANSWERS_HINT}")
    header = [_column(cell) for cell in table[0][1]]
    if "part_id" in header and "answer" in header:
        rows = []
        for number, cells in table[1:]:
            row = {column: cell for column, cell in zip(header, cells) if column}
            extra = cells[len(header):]
            if extra:  # an unquoted delimiter inside the answer: keep the whole answer
                row["answer"] = delimiter.join([row.get("answer", "")] + extra)
            rows.append(dict(row, _line=number))
        if not rows:
            raise InputError(f"{path}: a header but no answers; add rows such as 3.a,108")
        return rows
    if _PART_ID_CELL.match(table[0][1][0]) and len(table[0][1]) >= 2:
        return [{"part_id": cells[0], "answer": delimiter.join(cells[1:]), "_line": number} for number, cells in table]
    raise InputError(f"{path}: CSV without a part_id,answer header; add the header row (columns part_id, answer, "
                     "and optionally submission, model, protocol, sample)")


def _imported(path: Path, text: str, key: ProblemSet | None, name: str, by_file: bool,
              options: Options | None) -> SubmissionInput:
    imported = import_for_grading(text, str(path), key, options)
    if not imported.answers:
        raise ParseError(
            f"{path}: no answer could be placed under any part of the key; check the file is answers JSON or a "
            "transcript of this problem set (`tabench import FILE --key KEY` shows what was found)"
        )
    trace = [{"role": t.role, "title": t.title, "text": t.text} for t in imported.turns]
    annotations = imported.as_dict()["annotations"]
    return SubmissionInput(name, imported.answer_map(), trace, annotations, imported, named_by_file=by_file)


# ---- broken characters --------------------------------------------------------------------------

def _scrub(submission: SubmissionInput) -> None:
    """Replace lone surrogates (half characters from JSON escapes such as \ud800) everywhere, with a warning."""
    _, replaced = scrub_surrogates(submission)
    if replaced:
        submission.warnings.append(f"{submission.name}: {replaced} broken character(s) (lone UTF-16 surrogates) "
                                   "replaced by \ufffd")
