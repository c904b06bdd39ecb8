"""PNG charts for comparisons (matplotlib, no display), as data: URIs to embed in one HTML file."""

from __future__ import annotations

import base64
import io


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def bar_chart(result: dict) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = result["groups"]
    labels = [f"{g['model']}\n{g['protocol']}" for g in groups]
    means = [g["mean"] * 100 for g in groups]
    errors = [(g["standard_error"] or 0) * 100 for g in groups]
    figure, axes = plt.subplots(figsize=(max(4, 1.4 * len(groups)), 3.2))
    axes.bar(range(len(groups)), means, yerr=errors, capsize=6, color="#4c72b0")
    axes.set_xticks(range(len(groups)), labels, fontsize=8)
    axes.set_ylabel("score (%) — mean ± s.e. over samples")
    axes.set_ylim(0, 100)
    try:
        return _png(figure)
    finally:
        plt.close(figure)


def heat_map(result: dict) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups, parts = result["groups"], result["parts"]
    matrix = [[(g["per_part"][p] if g["per_part"][p] is not None else float("nan")) for p in parts] for g in groups]
    figure, axes = plt.subplots(figsize=(max(4, 0.35 * len(parts) + 2), 0.5 * len(groups) + 1.2))
    image = axes.imshow(matrix, vmin=0, vmax=1, cmap="RdYlGn", aspect="auto")
    axes.set_xticks(range(len(parts)), parts, rotation=90, fontsize=7)
    axes.set_yticks(range(len(groups)), [f"{g['model']} / {g['protocol']}" for g in groups], fontsize=8)
    figure.colorbar(image, ax=axes, label="mean share of points")
    try:
        return _png(figure)
    finally:
        plt.close(figure)
