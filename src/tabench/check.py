"""`tabench.check(gold, answer)`: grade one free-standing (reference, answer) pair, the way Math-Verify's
`verify` is used in evaluation harnesses and reward functions (pure).

The reference is read as the key reads a solution (key.reference_blank): what it commits to, and its kind
when none is given (a lone letter is a choice; a number, with a unit or not, is numeric; math is an
expression; words are short text). The answer is read as the grader reads any answer: its visible content,
then its kind's checker.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .grade import check_blank
from .key import reference_blank
from .model import Kind
from .read.visible import visible


@dataclass(frozen=True)
class CheckResult:
    verdict: str  # correct | partially_correct | incorrect | needs_review
    score: float  # 0..1
    method: str
    rationale: str
    extracted: str | None
    kind: str
    tags: list[str] = field(default_factory=list)
    id: str | None = None

    def as_dict(self) -> dict:
        """{"id", "verdict", "score", "method", "rationale", "extracted", "kind", "tags"}, in that order."""
        data = asdict(self)
        return {key: data[key] for key in ("id", "verdict", "score", "method", "rationale", "extracted", "kind", "tags")}


def check(gold: str, answer: str, kind: Kind | None = None, precision: int | None = None, *,
          tolerance: float | None = None, id: str | None = None) -> CheckResult:
    """Grade `answer` against the reference `gold`. `kind` is inferred from the reference when None; `precision`
    compares numbers to that many decimal places; `tolerance` is a relative tolerance for numbers whose
    reference sets none."""
    blank = reference_blank(gold, kind, precision)
    seen = visible(answer)
    result = check_blank(seen.text, blank, tolerance=tolerance, precision=precision)
    verdict = "needs_review" if result.verdict == "missing" else result.verdict
    tags = list(result.tags) + [tag for tag in seen.tags if tag not in result.tags]
    rationale = result.rationale if not seen.note() else f"{result.rationale} ({seen.note()})"
    return CheckResult(verdict=verdict, score=round(result.fraction, 6), method=result.method, rationale=rationale[:900],
                       extracted=result.extracted, kind=blank.kind, tags=tags, id=id)
