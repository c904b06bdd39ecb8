"""What every provider returns, and the error it raises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..errors import TabenchError

# Normalised stop reasons. "length" and "refusal" mean the answer is not a real attempt: grade needs_review.
STOP_REASONS = ("stop", "length", "refusal", "error")


@dataclass
class Completion:
    text: str
    stop_reason: str
    input_tokens: int = 0
    output_tokens: int = 0


class ProviderError(TabenchError):
    """A model call failed. `retryable` errors (rate limits, server errors, timeouts) are tried again."""

    def __init__(self, message: str, retryable: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class Provider(Protocol):
    name: str

    def complete(self, messages: list[dict], *, max_tokens: int, temperature: float) -> Completion: ...


def retry_after_seconds(headers) -> float | None:
    """Seconds from a Retry-After header (a number of seconds; HTTP dates are ignored)."""
    if headers is None:
        return None
    value = headers.get("retry-after") or headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
