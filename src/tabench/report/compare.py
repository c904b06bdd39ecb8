"""Comparisons of models x protocols over repeated samples (pure numbers; charts in charts.py)."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Verdict
from ..stats import mean_and_standard_error


@dataclass
class Sample:
    """One graded submission: a model answering once under a protocol."""

    model: str
    protocol: str
    verdicts: list[Verdict]

    @property
    def share(self) -> float:
        points = sum(v.points for v in self.verdicts)
        return sum(v.score for v in self.verdicts) / points if points else 0.0


def compare(samples: list[Sample]) -> dict:
    """Mean ± standard error of the score share per (model, protocol) over its samples; per-part means;
    paired differences against the first group over the parts both answered."""
    groups: dict[tuple[str, str], list[Sample]] = {}
    for sample in samples:
        groups.setdefault((sample.model, sample.protocol), []).append(sample)
    part_ids: list[str] = []
    for sample in samples:
        part_ids += [v.part_id for v in sample.verdicts if v.part_id not in part_ids]
    rows = []
    for (model, protocol), members in groups.items():
        mean, error = mean_and_standard_error([m.share for m in members])
        per_part = {}
        for part_id in part_ids:
            fractions = [v.score / v.points for m in members for v in m.verdicts if v.part_id == part_id and v.points]
            per_part[part_id] = sum(fractions) / len(fractions) if fractions else None
        review = sum(v.verdict == "needs_review" for m in members for v in m.verdicts)
        rows.append({"model": model, "protocol": protocol, "samples": len(members), "mean": mean,
                     "standard_error": error, "per_part": per_part, "needs_review": review})
    differences = []
    if rows:
        base = rows[0]
        for other in rows[1:]:
            paired = [other["per_part"][p] - base["per_part"][p] for p in part_ids
                      if other["per_part"][p] is not None and base["per_part"][p] is not None]
            if paired:
                mean, error = mean_and_standard_error(paired)
                differences.append({"a": f"{other['model']} / {other['protocol']}", "b": f"{base['model']} / {base['protocol']}",
                                    "parts": len(paired), "mean_difference": mean, "standard_error": error})
    return {"groups": rows, "parts": part_ids, "paired_differences": differences}
