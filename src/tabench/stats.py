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


def agreement(pairs: list[tuple[str, str]]) -> dict:
    """Agreement of two raters over the same items: share of equal labels and Cohen's kappa."""
    n = len(pairs)
    agree = sum(a == b for a, b in pairs)
    labels = {label for pair in pairs for label in pair}
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[label] * second[label] for label in labels) / (n * n) if n else 0.0
    observed = agree / n if n else 0.0
    kappa = (observed - expected) / (1 - expected) if n and expected < 1 else (1.0 if observed == 1 else 0.0)
    return {"n": n, "agree": agree, "share": round(observed, 4), "kappa": round(kappa, 4)}


def mean_and_standard_error(values: list[float]) -> tuple[float, float | None]:
    """Mean, and the standard error of the mean (sample standard deviation / sqrt(n)); None below 2 values."""
    n = len(values)
    if n == 0:
        raise ValueError("no values")
    mean = sum(values) / n
    if n < 2:
        return mean, None
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, (variance / n) ** 0.5


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters over the same items; None when it is undefined: both raters gave every item
    one and the same label, so agreement by chance is certain (0/0), which is not perfect agreement."""
    n = len(pairs)
    if not n:
        return None
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[label] * second[label] for label in first) / (n * n)
    if expected >= 1:
        return None
    observed = sum(a == b for a, b in pairs) / n
    return (observed - expected) / (1 - expected)
