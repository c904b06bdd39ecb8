"""Comparisons of models x protocols over repeated samples (pure numbers; charts in charts.py).

A group's score is the mean over its samples of each sample's share of the points of the graded parts
(missing parts and parts waiting for review count 0 there, as in every report). Paired differences against
the baseline group (the first group unless one is named) are taken over the parts both groups answered and
that could be decided: a part with no answer, or one waiting for review, says nothing yet about who is
right, so it is left out of the pairing and counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import TabenchError
from ..model import Verdict
from ..stats import DECIDED_OUT, mean_and_standard_error


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


def group_label(model: str, protocol: str) -> str:
    return f"{model} / {protocol}"


def compare(samples: list[Sample], baseline: str | None = None) -> dict:
    """Mean ± standard error of the score share per (model, protocol) over its samples; per part, the mean
    share of the decided samples and how many samples were missing or waiting for review; paired
    differences against the baseline over the parts both groups decided."""
    groups: dict[tuple[str, str], list[Sample]] = {}
    for sample in samples:
        groups.setdefault((sample.model, sample.protocol), []).append(sample)
    part_ids: list[str] = []
    for sample in samples:
        part_ids += [v.part_id for v in sample.verdicts if v.part_id not in part_ids]
    rows = [_group(model, protocol, members, part_ids) for (model, protocol), members in groups.items()]
    base = _baseline(rows, baseline)
    differences = []
    for other in rows:
        if other is base:
            continue
        both = [p for p in part_ids if other["per_part"][p] is not None and base["per_part"][p] is not None]
        left_out = [p for p in part_ids if p not in both and (other["status"][p]["samples"] or base["status"][p]["samples"])]
        entry = {"a": other["label"], "b": base["label"], "parts": len(both), "left_out": len(left_out),
                 "mean_difference": None, "standard_error": None}
        if both:
            mean, error = mean_and_standard_error([other["per_part"][p] - base["per_part"][p] for p in both])
            entry.update(mean_difference=mean, standard_error=error)
        differences.append(entry)
    return {"groups": rows, "parts": part_ids, "baseline": base["label"] if base else None,
            "paired_differences": differences}


def _group(model: str, protocol: str, members: list[Sample], part_ids: list[str]) -> dict:
    mean, error = mean_and_standard_error([m.share for m in members])
    per_part: dict[str, float | None] = {}
    status: dict[str, dict[str, int]] = {}
    for part_id in part_ids:
        verdicts = [v for m in members for v in m.verdicts if v.part_id == part_id]
        decided = [v.score / v.points for v in verdicts if v.verdict not in DECIDED_OUT and v.points]
        per_part[part_id] = sum(decided) / len(decided) if decided else None
        status[part_id] = {"samples": len(verdicts), "decided": len(decided),
                           "missing": sum(v.verdict == "missing" for v in verdicts),
                           "needs_review": sum(v.verdict == "needs_review" for v in verdicts)}
    return {"model": model, "protocol": protocol, "label": group_label(model, protocol), "samples": len(members),
            "mean": mean, "standard_error": error, "per_part": per_part, "status": status,
            "needs_review": sum(s["needs_review"] for s in status.values()),
            "missing": sum(s["missing"] for s in status.values())}


def _baseline(rows: list[dict], baseline: str | None) -> dict | None:
    if not rows:
        return None
    if baseline is None:
        return rows[0]
    wanted = " ".join(baseline.split())
    exact = [row for row in rows if row["label"] == wanted]
    by_model = [row for row in rows if row["model"] == wanted]
    if exact:
        return exact[0]
    if len(by_model) == 1:
        return by_model[0]
    labels = "; ".join(row["label"] for row in rows)
    if by_model:
        raise TabenchError(f"--baseline {baseline!r} names {len(by_model)} groups; give 'MODEL / PROTOCOL', one of: {labels}")
    raise TabenchError(f"--baseline {baseline!r} is not a group of this comparison; give a model or "
                       f"'MODEL / PROTOCOL', one of: {labels}")
