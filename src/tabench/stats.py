"""Summaries of verdicts (pure)."""

from __future__ import annotations

from collections import Counter, defaultdict

from .model import ProblemSet, Verdict


def summarize(verdicts: list[Verdict], problem_set: ProblemSet) -> dict:
    """Score, counts by verdict, accuracy by kind (over decided parts), tags, and what needs review."""
    kinds = {part.id: part.kind for part in problem_set.parts()}
    figures = {part.id for part in problem_set.parts() if part.needs_figure}
    by_kind: dict[str, list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        by_kind[kinds.get(verdict.part_id, "?")].append(verdict)
    accuracy = {}
    for kind, group in sorted(by_kind.items()):
        decided = [v for v in group if v.verdict not in ("needs_review", "missing")]
        accuracy[kind] = {
            "parts": len(group),
            "decided": len(decided),
            "correct": sum(v.verdict == "correct" for v in decided),
            "accuracy": (sum(v.score for v in decided) / sum(v.points for v in decided)) if decided else None,
        }
    return {
        "score": round(sum(v.score for v in verdicts), 6),
        "points": round(sum(v.points for v in verdicts), 6),
        "verdicts": dict(Counter(v.verdict for v in verdicts)),
        "by_kind": accuracy,
        "tags": dict(Counter(tag for v in verdicts for tag in v.tags)),
        "needs_review": [v.part_id for v in verdicts if v.verdict == "needs_review"],
        "figure_parts": sorted(v.part_id for v in verdicts if v.part_id in figures),
        "not_graded": [p.id for p in problem_set.parts() if p.kind == "admin"],
    }
