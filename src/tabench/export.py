"""Grades as tables (pure): a score sheet with one row per submission, a column per part and the total (the CSV
Gradescope and Canvas import), and the full verdict table (JSON). The grade of record of an answer is the latest
human verdict where a person gave one, else the automatic verdict."""

from __future__ import annotations

import csv
import io

from .model import ProblemSet
from .review import ReviewAnswer

# A spreadsheet runs a cell that starts with one of these as a formula; such text cells get a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def final_grade(answer: ReviewAnswer) -> dict:
    human = answer.human
    if human is not None:
        return {"verdict": human["verdict"], "score": human["score"], "by": "human"}
    return {"verdict": answer.automatic.verdict, "score": answer.automatic.score, "by": "automatic"}


def graded_part_ids(problem_set: ProblemSet, answers: list[ReviewAnswer]) -> list[str]:
    """The parts that have a verdict in some submission, in the document's order."""
    present = {answer.part_id for answer in answers}
    return [part.id for part in problem_set.parts() if part.id in present]


def score_sheet(problem_set: ProblemSet, answers: list[ReviewAnswer]) -> tuple[list[str], list[list]]:
    """(header, rows): submission, a score per part (empty where it has no verdict), total."""
    part_ids = graded_part_ids(problem_set, answers)
    by_submission: dict[int, dict] = {}
    for answer in answers:
        row = by_submission.setdefault(answer.submission_id, {"name": answer.submission, "scores": {}})
        row["scores"][answer.part_id] = final_grade(answer)["score"]
    rows = []
    for row in by_submission.values():
        scores = row["scores"]
        rows.append([row["name"], *(scores.get(part_id) for part_id in part_ids), round(sum(scores.values()), 6)])
    return ["submission", *part_ids, "total"], rows


def csv_text(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_cell(value) for value in header])
    writer.writerows([[_cell(value) for value in row] for row in rows])
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def verdict_table(problem_set: ProblemSet, problem_set_id: str, answers: list[ReviewAnswer]) -> dict:
    """Every verdict of every submission: the automatic one, the person's (if any) and the grade of record."""
    kinds = {part.id: part.kind for part in problem_set.parts()}
    rows = []
    for answer in answers:
        auto, human = answer.automatic, answer.human
        rows.append({
            "submission_id": answer.submission_id, "submission": answer.submission, "model": answer.model,
            "protocol": answer.protocol, "sample": answer.sample, "part_id": answer.part_id,
            "kind": kinds.get(answer.part_id), "points": auto.points,
            "automatic": {"verdict": auto.verdict, "score": auto.score, "method": auto.method, "tags": auto.tags,
                          "rationale": auto.rationale, "extracted": auto.extracted},
            "human": None if human is None else {
                "verdict": human["verdict"], "score": human["score"], "grader": human["grader"],
                "at": human["created_at"], "tags": human["tags"], "comment": human["comment"],
                "rubric": human["rubric"], "source": human["source"]},
            "final": final_grade(answer),
        })
    return {"problem_set": {"id": problem_set_id, "title": problem_set.title},
            "parts": [{"id": pid, "kind": kinds[pid], "points": next(a.automatic.points for a in answers if a.part_id == pid)}
                      for pid in graded_part_ids(problem_set, answers)],
            "verdicts": rows}
