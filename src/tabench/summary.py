"""One-line summaries of reference answers, for tables (pure)."""

from __future__ import annotations

from .model import Blank, Part

# How each verdict is shown, in tables and reports alike.
BADGES = {"correct": "✓", "partially_correct": "~", "incorrect": "✗", "needs_review": "?", "missing": "—"}


def short(text: str | None, width: int = 60) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def blank_summary(blank: Blank) -> str:
    if blank.kind == "admin":
        return "—"
    if blank.choices or blank.correct:
        texts = {c.label: c.text for c in blank.choices}
        picked = [f"{label}: {short(texts[label], 24)}" if label in texts else label for label in blank.correct]
        return "; ".join(picked) or "?"
    if blank.number is not None:
        main = blank.text or str(blank.number.value)
        return main + (f" (or {', '.join(blank.accepts)})" if blank.accepts else "")
    if blank.latex:
        return blank.latex
    return blank.text or "?"


def answer_summary(part: Part, width: int = 60) -> str:
    if len(part.blanks) == 1:
        return short(blank_summary(part.blanks[0]), width)
    return short(" | ".join(f"{b.id}: {blank_summary(b)}" for b in part.blanks), width)


def _math(latex: str) -> str:
    return f"${latex}$" if "$" not in latex and "\n\n" not in latex else f"`{latex}`"


def _names(text: str, label: str) -> bool:
    """The choice's text starts with its own label ("(c)", "c." or "C:"), so it needs no other."""
    start = text.strip().lstrip("(").lower()
    return start.startswith(label.lower()) and start[len(label):len(label) + 1] in (")", ".", ":", "")


def blank_markdown(blank: Blank) -> str:
    """A blank's reference answer as Markdown for reports: choices with their text, numbers with their unit and
    tolerance, expressions as math, short texts as written."""
    if blank.kind == "admin":
        return "not graded"
    if blank.choices or blank.correct:
        texts = {c.label: c.text for c in blank.choices}
        picked = [texts[label] if _names(texts.get(label, ""), label) else
                  f"({label}) {texts[label]}" if texts.get(label) else f"({label})" for label in blank.correct]
        return "; ".join(picked) or "?"
    if blank.latex:
        return _math(blank.latex)
    if blank.number is not None:
        main = blank.text or f"{blank.number.value:g}" + (f" {blank.number.unit}" if blank.number.unit else "")
        return main + (f" (or {', '.join(blank.accepts)})" if blank.accepts else "")
    return blank.text or "?"


def reference_markdown(part: Part) -> str:
    """A part's reference answer, every blank in full, as Markdown for reports."""
    if part.kind == "admin":
        return "not graded"
    if len(part.blanks) == 1:
        return blank_markdown(part.blanks[0])
    lines = []
    for blank in part.blanks:
        written = blank_markdown(blank)
        if "\n" in written:  # a block (code, a list): under its label, indented into the list item
            lines.append(f"- **{blank.label or blank.id}:**\n\n  " + written.replace("\n", "\n  ") + "\n")
        else:
            lines.append(f"- **{blank.label or blank.id}:** {written}")
    return "\n".join(lines)
