"""What a checker returns for one blank."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Check:
    verdict: str  # correct | partially_correct | incorrect | missing | needs_review
    fraction: float  # share of the blank's credit, 0..1
    method: str  # choice | numeric | symbolic | text | none
    rationale: str
    extracted: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)

    @staticmethod
    def review(method: str, rationale: str, extracted: str | None = None, *tags: str) -> "Check":
        return Check("needs_review", 0.0, method, rationale, extracted, tags)
