"""How a judge's verdicts agree with a person's on the same parts (pure): accuracy, Cohen's kappa, the
confusion matrix, per kind and per part, and the parts where they differ."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..stats import cohen_kappa

ORDER = ("correct", "partially_correct", "incorrect", "missing")


@dataclass(frozen=True)
class Pair:
    submission: str
    part_id: str
    kind: str
    human: str
    judge: str


def agreement_table(pairs: list[Pair], undecided: int = 0, not_judged: int = 0) -> dict:
    """Every number of `tabench agreement`. `undecided`: parts with a human verdict that the judge left
    needs_review; `not_judged`: parts with a human verdict that a checker (or nobody) decided."""
    return {
        **_scores(pairs),
        "labels": _labels(pairs),
        "confusion": _confusion(pairs),
        "by_kind": {kind: _scores(group) for kind, group in sorted(_group(pairs, lambda p: p.kind).items())},
        "by_part": {part: _scores(group) for part, group in _group(pairs, lambda p: p.part_id).items()},
        "differ": [{"submission": p.submission, "part_id": p.part_id, "kind": p.kind, "human": p.human,
                    "judge": p.judge} for p in pairs if p.human != p.judge],
        "judge_undecided": undecided,
        "not_judged": not_judged,
    }


def _scores(pairs: list[Pair]) -> dict:
    n = len(pairs)
    agree = sum(p.human == p.judge for p in pairs)
    kappa = cohen_kappa([(p.human, p.judge) for p in pairs])
    return {"n": n, "agree": agree, "accuracy": agree / n if n else None, "kappa": kappa,
            "kappa_note": _kappa_note(pairs, kappa)}


def _kappa_note(pairs: list[Pair], kappa: float | None) -> str | None:
    if not pairs:
        return "no parts to compare"
    if kappa is None:
        return f"undefined: both gave every part the same label ({pairs[0].human})"
    return None


def _labels(pairs: list[Pair]) -> list[str]:
    seen = {label for p in pairs for label in (p.human, p.judge)}
    return [label for label in ORDER if label in seen] + sorted(seen - set(ORDER))


def _confusion(pairs: list[Pair]) -> dict[str, dict[str, int]]:
    """rows: the person's label; columns: the judge's."""
    labels = _labels(pairs)
    table = {human: {judge: 0 for judge in labels} for human in labels}
    for p in pairs:
        table[p.human][p.judge] += 1
    return table


def _group(pairs: list[Pair], key) -> dict[str, list[Pair]]:
    groups: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        groups[key(p)].append(p)
    return groups
