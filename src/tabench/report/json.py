"""The report as JSON, for programs (pure): the same data as the other formats, nothing rendered.

Each part has `verdict` (the grade of record: a person's where one was given), `automatic` (the machine's verdict)
and `human` (the latest human verdict: a review, or an imported reader's mark; null if none).
"""

from __future__ import annotations

import json

from ..model import Verdict
from .data import PartRow, ReportData

FORMAT_VERSION = 1


def _verdict(verdict: Verdict | None) -> dict | None:
    if verdict is None:
        return None
    return verdict.model_dump(exclude={"submission"})


def _part(row: PartRow) -> dict:
    return {
        "id": row.id, "kind": row.kind, "points": row.points, "needs_figure": row.needs_figure, "prompt": row.prompt,
        "answer": row.answer, "reference": row.reference,
        "verdict": _verdict(row.verdict), "automatic": _verdict(row.machine), "human": row.human,
        "agrees": row.agrees, "figure_shown": row.figure_shown,
    }


def report_dict(data: ReportData) -> dict:
    return {
        "format": "tabench-report", "version": FORMAT_VERSION, "title": data.title, "meta": data.meta,
        "prompt": data.prompt, "summary": data.summary, "observations": data.observations,
        "tables": [{"title": t.title, "columns": t.columns, "rows": t.rows, "note": t.note} for t in data.tables],
        "questions": [{"number": q.number, "title": q.title, "preamble": q.preamble, "score": q.score,
                       "points": q.points, "parts": [_part(row) for row in q.parts]} for q in data.questions],
        "trace": data.trace,
    }


def render_json(data: ReportData) -> str:
    return json.dumps(report_dict(data), indent=2, ensure_ascii=False, default=str) + "\n"
