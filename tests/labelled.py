"""Hand-labelled answers to documents the grader was not built on (tests/data/labelled/*.jsonl), and how the
grader's verdicts agree with the labels.

Each row: {"doc": path under ../shared, "part_id", "answer", "label": "correct" | "incorrect", "style", "why"}.
A verdict agrees when `correct` meets the label `correct`, or `incorrect`/`partially_correct` meets `incorrect`;
`needs_review` is undecided (never counted as agreeing or disagreeing).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from conftest import SHARED
from tabench import ingest
from tabench.grade import grade_part

DATA = Path(__file__).parent / "data" / "labelled"


def rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


@lru_cache(maxsize=None)
def key(doc: str):
    if "*" in doc:
        doc = str(next(SHARED.glob(doc)).relative_to(SHARED))
    return ingest(SHARED / doc)


@dataclass
class Outcome:
    row: dict
    verdict: str
    rationale: str

    @property
    def decided(self) -> bool:
        return self.verdict != "needs_review"

    @property
    def agrees(self) -> bool:
        said_correct = self.verdict == "correct"
        return self.decided and said_correct == (self.row["label"] == "correct")


def grade_rows(labelled: list[dict]) -> list[Outcome]:
    outcomes = []
    for row in labelled:
        verdict = grade_part(key(row["doc"]).part(row["part_id"]), row["answer"])
        outcomes.append(Outcome(row, verdict.verdict, verdict.rationale))
    return outcomes


def summary(outcomes: list[Outcome]) -> dict:
    decided = [o for o in outcomes if o.decided]
    return {"answers": len(outcomes), "decided": len(decided), "agree": sum(o.agrees for o in decided),
            "disagree": sum(not o.agrees for o in decided), "undecided": len(outcomes) - len(decided),
            "wrong_called_correct": sum(o.verdict == "correct" and o.row["label"] != "correct" for o in outcomes),
            "by_verdict": dict(Counter(o.verdict for o in outcomes))}
