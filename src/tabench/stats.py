"""Summaries of verdicts (pure)."""

from __future__ import annotations

from collections import Counter, defaultdict

from .model import ProblemSet, Verdict


DECIDED_OUT = ("needs_review", "missing")  # verdicts that say nothing yet about whether the answer is right


def summarize(verdicts: list[Verdict], problem_set: ProblemSet) -> dict:
    """Score, counts by verdict, accuracy by kind, tags, and what needs review.

    Accuracy by kind is weighted by points: the points scored over the points of the parts that could be
    decided (answered and graded: not missing, not waiting for review). `decided_points` says over how many
    points, `decided` over how many parts."""
    kinds = {part.id: part.kind for part in problem_set.parts()}
    figures = {part.id for part in problem_set.parts() if part.needs_figure}
    by_kind: dict[str, list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        by_kind[kinds.get(verdict.part_id, "?")].append(verdict)
    accuracy = {}
    for kind, group in sorted(by_kind.items()):
        decided = [v for v in group if v.verdict not in DECIDED_OUT]
        decided_points = sum(v.points for v in decided)
        accuracy[kind] = {
            "parts": len(group),
            "answered": sum(v.verdict != "missing" for v in group),
            "decided": len(decided),
            "correct": sum(v.verdict == "correct" for v in decided),
            "decided_points": round(decided_points, 6),
            "decided_score": round(sum(v.score for v in decided), 6),
            "accuracy": (sum(v.score for v in decided) / decided_points) if decided_points else None,
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


def accuracy_by_kind_text(summary: dict) -> str:
    """One line: each kind's accuracy with the points and parts it is over ("expression 43% of 7 points (2 parts)")."""
    shown = []
    for kind, info in summary["by_kind"].items():
        if info["accuracy"] is None:
            continue
        parts = f"{info['decided']} part" + ("" if info["decided"] == 1 else "s")
        shown.append(f"{kind} {info['accuracy'] * 100:.0f}% of {info['decided_points']:g} points ({parts})")
    return ", ".join(shown)


def agreement(pairs: list[tuple[str, str]]) -> dict:
    """Agreement of two raters over the same items: the share of equal labels and Cohen's kappa (None when it
    is undefined; `kappa_note` then says why)."""
    n = len(pairs)
    agree = sum(a == b for a, b in pairs)
    kappa = cohen_kappa(pairs)
    note = ""
    if not n:
        note = "no items both raters decided"
    elif kappa is None:
        note = f"undefined: both gave every part the same label ({pairs[0][0]})"
    return {"n": n, "agree": agree, "share": round(agree / n, 4) if n else 0.0,
            "kappa": round(kappa, 4) if kappa is not None else None, "kappa_note": note}


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
