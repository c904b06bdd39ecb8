from __future__ import annotations

"""How results look in the terminal (rich tables and summary lines)."""

from collections import Counter

from rich.table import Table
from rich.text import Text

from ..model import ProblemSet, Verdict
from ..stats import summarize
from ..summary import BADGES, answer_summary, short
from .base import _count, console

def print_index(problem_set: ProblemSet) -> None:
    table = Table(title=problem_set.title, title_justify="left")
    for column in ("id", "kind", "points", "fig", "reference answer"):
        table.add_column(column, overflow="fold")
    for question in problem_set.questions:
        for part in question.parts:
            points = "" if part.points is None else f"{part.points:g}"
            table.add_row(part.id, part.kind, points, "yes" if part.needs_figure else "", answer_summary(part))
    console.print(table)
    parts = problem_set.parts()
    for warning in problem_set.warnings:
        console.print(f"warning: {warning}", highlight=False)
    console.print(
        f"{_count(len(problem_set.questions), 'question')}, {_count(len(parts), 'part')}, "
        f"{sum(p.needs_figure for p in parts)} need a figure",
        highlight=False,
    )




STYLES = {"correct": "green", "partially_correct": "yellow", "incorrect": "red", "needs_review": "magenta", "missing": "dim"}


def print_verdicts(verdicts: list[Verdict], problem_set: ProblemSet, title: str) -> None:
    table = Table(title=title, title_justify="left")
    for column in ("id", "", "score", "method", "answer read", "why"):
        table.add_column(column, overflow="fold")
    for v in verdicts:
        style = STYLES[v.verdict]
        table.add_row(v.part_id, f"[{style}]{BADGES[v.verdict]} {v.verdict}[/{style}]", f"{v.score:g}/{v.points:g}",
                      v.method, short(v.extracted, 30), short(v.rationale + (f" [{', '.join(v.tags)}]" if v.tags else ""), 60))
    console.print(table)
    print_summary(summarize(verdicts, problem_set))


def percent(summary: dict) -> float:
    """The share of the points scored, in percent (0 when nothing was graded)."""
    return summary["score"] / summary["points"] * 100 if summary["points"] else 0.0


def print_summary(summary: dict) -> None:
    counts = summary["verdicts"]
    share = percent(summary)
    parts = ", ".join(f"{counts[k]} {k.replace('_', ' ')}" for k in BADGES if counts.get(k))
    console.print(f"score {summary['score']:g}/{summary['points']:g} ({share:.1f}%) · {parts}", highlight=False)
    by_kind = ", ".join(
        f"{kind} {info['accuracy'] * 100:.0f}% of {info['decided']}" for kind, info in summary["by_kind"].items()
        if info["accuracy"] is not None
    )
    if by_kind:
        console.print(f"accuracy by kind (answered parts that could be decided): {by_kind}", highlight=False)
    if summary["tags"]:
        tags = ", ".join(f"{tag} {count}" for tag, count in sorted(summary["tags"].items(), key=lambda kv: -kv[1]))
        console.print(f"tags: {tags}", highlight=False)
    if summary["needs_review"]:
        counts = Counter(summary["needs_review"])
        shown = " ".join(pid if n == 1 else f"{pid}×{n}" for pid, n in counts.items())
        console.print(f"needs review: {shown}", highlight=False)
    if summary["not_graded"]:
        console.print(f"not graded (admin): {' '.join(summary['not_graded'])}", highlight=False)


def _print_import_notes(imported) -> None:
    if imported.annotations:
        agreed = ", ".join(f"{a.part_id}: {a.verdict or '—'}" for a in imported.annotations)
        console.print(f"reader's verdicts imported: {agreed}", highlight=False)
    if imported.unaligned:
        console.print(f"blocks that fit no part: {len(imported.unaligned)} (see `tabench import --json`)", highlight=False)


MAX_TABLE_BLOCKS = 300  # a longer transcript's blocks are all in `--json`


def print_import(imported, title: str) -> None:
    """Every block of an imported transcript with where it went, then what needs a person's eye."""
    table = Table(title=Text(title), title_justify="left")
    for column in ("block", "line", "label", "part", "confidence", "how", "answer begins", "reader's verdict"):
        table.add_column(column, overflow="fold")
    marks = {a.part_id: a for a in imported.annotations}
    shown = [entry for entry in imported.entries if entry.text or entry.label]
    first_block: dict[str, int] = {}
    for entry in shown:
        if entry.part_id:
            first_block.setdefault(entry.part_id, entry.number)
    for entry in shown[:MAX_TABLE_BLOCKS]:
        mark = marks.get(entry.part_id) if entry.part_id and entry.number == first_block[entry.part_id] else None
        verdict = (f"{mark.verdict or '?'}" + (f" [{', '.join(mark.tags)}]" if mark.tags else "")) if mark else ""
        confidence = f"{entry.confidence:.2f}" + (" low" if entry in imported.low_confidence else "")
        table.add_row(Text(str(entry.number)), Text(str(entry.line + 1)), Text(entry.label or "—"),
                      Text(entry.part_id or "—"), Text(confidence), Text(entry.how), Text(short(entry.text, 50)),
                      Text(verdict))
    console.print(table)
    say = lambda line: console.print(Text(line))  # noqa: E731 — text from the transcript is never markup
    if len(shown) > MAX_TABLE_BLOCKS:
        say(f"… {len(shown) - MAX_TABLE_BLOCKS} more blocks; `tabench import --json` lists them all")
    if imported.mismatch:
        say(f"does not fit the key: {imported.mismatch} (`tabench grade` refuses it unless --accept-mismatch)")
    if imported.missing:
        say(f"parts with no answer: {' '.join(imported.missing)}")
    for block in imported.unaligned[:20]:
        say(f"block {block['block']} (line {block['line']}) fits no part: {short(block['text'], 70)}")
    if len(imported.unaligned) > 20:
        say(f"… {len(imported.unaligned) - 20} more blocks fit no part")
    for entry in imported.low_confidence[:20]:
        say(f"block {entry.number} -> {entry.part_id} is placed with low confidence ({entry.confidence:.2f}, "
            f"{entry.how}); correct it with --map \"block {entry.number}=PART\" if it is wrong")
    for note in imported.notes:
        say(note)
