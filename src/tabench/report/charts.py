"""PNG charts for comparisons (matplotlib, no display), as data: URIs to embed in one HTML file.

Labels come from data (model names, part ids): matplotlib's math parsing is off, so `$…$` in a model name
is text, never mathtext. In the heat map a part with no answer, a part waiting for review and a wrong part
look different: grey with "—", violet with "?", and red on the score scale.
"""

from __future__ import annotations

import base64
import io

_PLAIN_TEXT = {"text.parse_math": False, "text.usetex": False}
MISSING_COLOUR, REVIEW_COLOUR = "#c8c8c8", "#b39ddb"


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return matplotlib, plt


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def bar_chart(result: dict) -> str:
    matplotlib, plt = _pyplot()
    groups = result["groups"]
    with matplotlib.rc_context(_PLAIN_TEXT):
        labels = [f"{g['model']}\n{g['protocol']}" for g in groups]
        means = [g["mean"] * 100 for g in groups]
        errors = [(g["standard_error"] or 0) * 100 for g in groups]
        figure, axes = plt.subplots(figsize=(max(4, 1.4 * len(groups)), 3.2))
        try:
            axes.bar(range(len(groups)), means, yerr=errors, capsize=6, color="#4c72b0")
            axes.set_xticks(range(len(groups)), labels, fontsize=8)
            axes.set_ylabel("score (%) — mean ± s.e. over samples")
            axes.set_ylim(0, 100)
            return _png(figure)
        finally:
            plt.close(figure)


def cell_state(status: dict, share: float | None) -> str:
    """What a heat-map cell shows: 'score', 'needs_review', 'missing' or 'absent' (the part is not in the group)."""
    if share is not None:
        return "score"
    if not status["samples"]:
        return "absent"
    return "needs_review" if status["needs_review"] else "missing"


def cell_colours(result: dict) -> list[list[tuple[float, float, float, float]]]:
    """The colour of every heat-map cell: the score scale for decided parts, grey for no answer, violet for a
    part waiting for review, white where the group has no such part."""
    matplotlib, _ = _pyplot()
    from matplotlib.colors import to_rgba

    scale = matplotlib.colormaps["RdYlGn"]
    fixed = {"missing": to_rgba(MISSING_COLOUR), "needs_review": to_rgba(REVIEW_COLOUR), "absent": (1.0, 1.0, 1.0, 1.0)}
    colours = []
    for group in result["groups"]:
        row = []
        for part in result["parts"]:
            share = group["per_part"][part]
            state = cell_state(group["status"][part], share)
            row.append(tuple(scale(share)) if state == "score" else fixed[state])
        colours.append(row)
    return colours


def heat_map(result: dict) -> str:
    matplotlib, plt = _pyplot()
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch

    groups, parts = result["groups"], result["parts"]
    with matplotlib.rc_context(_PLAIN_TEXT):
        figure, axes = plt.subplots(figsize=(max(4, 0.35 * len(parts) + 2), 0.5 * len(groups) + 1.8))
        try:
            axes.imshow(cell_colours(result), aspect="auto")
            for row, group in enumerate(groups):
                for column, part in enumerate(parts):
                    status = group["status"][part]
                    state = cell_state(status, group["per_part"][part])
                    mark = {"missing": "—", "needs_review": "?"}.get(state, "")
                    if state == "score" and (status["missing"] or status["needs_review"]):
                        mark = "*"  # decided in some samples only
                    if mark:
                        axes.text(column, row, mark, ha="center", va="center", fontsize=8, color="#222222")
            axes.set_xticks(range(len(parts)), parts, rotation=90, fontsize=7)
            axes.set_yticks(range(len(groups)), [g["label"] for g in groups], fontsize=8)
            figure.colorbar(ScalarMappable(Normalize(0, 1), "RdYlGn"), ax=axes,
                            label="mean share of points (decided samples)")
            figure.legend(handles=[Patch(color=MISSING_COLOUR, label="— no answer"),
                                   Patch(color=REVIEW_COLOUR, label="? needs review"),
                                   Patch(facecolor="#ffffff", edgecolor="#999999", label="* some samples undecided")],
                          loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=7, frameon=False)
            return _png(figure)
        finally:
            plt.close(figure)
