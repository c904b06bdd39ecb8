"""Short text: a normalised match with the key's answer or its accepted phrases; else a person decides."""

from __future__ import annotations

import re

from ..model import Blank
from ..read.final import regions
from ..read.math import strip_markup
from . import register
from .result import Check

_FILLER = re.compile(r"\b(?:the|a|an|is|are|answer|final|it|that|this|:)\b")
_TEXT_COMMAND = re.compile(r"\\(?:text|textbf|textit|mathrm|mbox|operatorname|boxed)\s*\{([^{}]*)\}")


def _norm(text: str) -> str:
    text = _TEXT_COMMAND.sub(r"\1", _TEXT_COMMAND.sub(r"\1", text)).replace("$", " ")
    text = strip_markup(text).lower()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(_FILLER.sub(" ", text).split())


def _same(got: str, wanted: str) -> bool:
    """Equal, or one holds the other and they are close in length (a short answer, not an essay)."""
    if got == wanted:
        return True
    longer, shorter = (got, wanted) if len(got) >= len(wanted) else (wanted, got)
    return len(shorter) >= 4 and bool(re.search(rf"\b{re.escape(shorter)}\b", longer)) and len(shorter) >= 0.6 * len(longer)


@register("short_text")
def check_short_text(answer: str, blank: Blank) -> Check:
    wanted = [_norm(t) for t in [blank.text or "", *blank.accepts] if t and len(t) <= 120]
    candidates = [_norm(answer)] + [_norm(region.text) for region in regions(answer)
                                   if region.how in ("boxed", "final answer", "bold")][:3]
    shown = answer.strip()[:200]
    if any(got and _same(got, w) for got in candidates for w in wanted if w):
        return Check("correct", 1.0, "text", "matches the key's answer", shown)
    return Check.review("text", "free-form answer: needs the judge or a person", shown)
