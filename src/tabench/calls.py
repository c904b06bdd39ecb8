"""Model calls for a run (the edge): each in a daemon thread, retried with backoff, reported back as events.

The run's own thread starts calls and takes their events — a retry, a reply, an error — in the order they
happen, and stores each reply as it arrives. Worker threads never touch the store. A call still in flight
when the run stops (Ctrl-C, a deadline) is abandoned with its thread, which cannot keep the process alive.
"""

from __future__ import annotations

import json
import queue
import random
import threading
import time
from dataclasses import dataclass
from typing import Callable

from .providers.base import STOP_REASONS, CannotConnect, Completion, ProviderError


def call_with_retries(call: Callable[[], Completion], max_attempts: int, sleep=time.sleep, rand=random.random,
                      base: float = 0.5, cap: float = 30.0, on_retry: Callable[[str], None] | None = None,
                      connect_attempts: int | None = None) -> Completion:
    """Retry rate limits, server errors, timeouts and malformed replies with exponential backoff and full
    jitter; wait at least what Retry-After asks. A server that cannot be reached is given `connect_attempts`
    tries (when set) instead of `max_attempts`, so a dead server fails in seconds."""
    for attempt in range(1, max_attempts + 1):
        try:
            return call()
        except ProviderError as err:
            limit = connect_attempts if connect_attempts and isinstance(err, CannotConnect) else max_attempts
            if not err.retryable or attempt >= limit:
                raise
            delay = rand() * min(cap, base * 2 ** (attempt - 1))
            if err.retry_after is not None:
                delay = max(delay, min(err.retry_after, 120.0))
            if on_retry is not None:
                on_retry(f"retry {attempt}/{limit - 1} in {delay:.1f} s: {err}")
            sleep(delay)
    raise AssertionError("unreachable")


def well_formed(completion: Completion) -> Completion:
    """The reply as it must be stored: text, a known stop reason and whole token counts. A reply that breaks
    any of these keeps its raw content as text and gets the stop reason 'malformed' (graded needs_review)."""
    text, malformed = completion.text, False
    if not isinstance(text, str):
        text, malformed = json.dumps(text, ensure_ascii=False, default=str), True
    tokens = []
    for value in (completion.input_tokens, completion.output_tokens):
        whole = isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**53
        tokens.append(value if whole else 0)
        malformed = malformed or not whole
    stop = completion.stop_reason
    if stop not in STOP_REASONS:
        malformed = True
    return Completion(text, "malformed" if malformed else stop, tokens[0], tokens[1])


@dataclass
class Event:
    kind: str  # "retry" | "reply" | "error"
    tag: object  # what the caller passed to start()
    reply: Completion | None = None
    error: BaseException | None = None
    note: str = ""


class CallPool:
    """Calls in flight, each in its own daemon thread; `fetch(messages, on_retry)` makes one call."""

    def __init__(self, fetch: Callable[[list[dict], Callable[[str], None]], Completion]):
        self._fetch = fetch
        self._events: queue.Queue[Event] = queue.Queue()
        self.in_flight = 0

    def start(self, tag, messages: list[dict]) -> None:
        self.in_flight += 1
        threading.Thread(target=self._work, args=(tag, messages), daemon=True, name="tabench-call").start()

    def _work(self, tag, messages: list[dict]) -> None:
        try:
            reply = self._fetch(messages, lambda note: self._events.put(Event("retry", tag, note=note)))
        except BaseException as err:  # noqa: BLE001 - every failure goes back to the run's thread
            self._events.put(Event("error", tag, error=err))
        else:
            self._events.put(Event("reply", tag, reply=reply))

    def next(self, timeout: float) -> Event | None:
        """The next event, or None when nothing happened within `timeout` seconds."""
        try:
            event = self._events.get(timeout=timeout)
        except queue.Empty:
            return None
        if event.kind != "retry":
            self.in_flight -= 1
        return event

    def arrived(self) -> list[Event]:
        """Replies that came in but were not taken yet (to keep them when the run stops)."""
        events = []
        while True:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                return events
            if event.kind == "reply":
                events.append(event)
