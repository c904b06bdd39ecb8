from __future__ import annotations

"""How results look in the terminal (rich tables and summary lines)."""

from collections import Counter

from rich import box
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from ..model import ProblemSet, Verdict
from ..stats import accuracy_by_kind_text, summarize
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
        table.add_row(v.part_id, Text(f"{BADGES[v.verdict]} {v.verdict}", style=style), f"{v.score:g}/{v.points:g}",
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
    by_kind = accuracy_by_kind_text(summary)
    if by_kind:
        console.print(f"accuracy by kind (share of the points of the parts that could be decided): {by_kind}",
                      highlight=False, markup=False)
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


def print_compact(columns: list[tuple[str, str, bool]], rows: list[list[str]]) -> None:
    """A table with one line per row at any width, 80 columns too: (header, justify, flexible) per column.
    Fixed columns (ids, numbers, dates) are shown whole; flexible ones share the rest of the width, the
    longest giving way first, and end in an ellipsis when cut (--json has everything)."""
    natural = [max([cell_len(header)] + [cell_len(row[i]) for row in rows]) for i, (header, _, _) in enumerate(columns)]
    flexible = [i for i, (_, _, flex) in enumerate(columns) if flex]
    room = console.width - _GAP * (len(columns) - 1) - 2 - sum(w for i, w in enumerate(natural) if i not in flexible)
    widths = dict(zip(flexible, _share(sorted((natural[i], i) for i in flexible), room)))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1))
    for i, (header, justify, flex) in enumerate(columns):
        table.add_column(header, justify=justify, no_wrap=True, overflow="ellipsis",
                         width=widths[i] if flex else natural[i])
    for row in rows:
        table.add_row(*row)
    console.print(table)


_GAP = 3  # columns between two columns of a SIMPLE_HEAD table with padding 1


def _share(wanted: list[tuple[int, int]], room: int, least: int = 6) -> list[int]:
    """Widths for columns that want (width, index), smallest first, within `room`: each takes what it wants
    up to an equal share of what is left."""
    widths = {}
    for position, (width, index) in enumerate(wanted):
        fair = max(least, room // (len(wanted) - position))
        widths[index] = min(width, fair)
        room -= widths[index]
    return [widths[index] for _, index in sorted(wanted, key=lambda pair: pair[1])]


def short_date(stamp: str | None) -> str:
    """'2026-11-24T01:35:40+00:00' -> '11-24 01:35' (month-day hour:minute, UTC, as stored)."""
    if not stamp:
        return ""
    day, _, clock = stamp.partition("T")
    return f"{day[5:]} {clock[:5]}".strip()


def tokens(count: int) -> str:
    """A token count in at most five characters: 950, 12.3k, 4.1M."""
    if count < 1000:
        return str(count)
    if count < 1_000_000:
        return f"{count / 1000:.1f}k" if count < 100_000 else f"{count // 1000}k"
    return f"{count / 1_000_000:.1f}M"
