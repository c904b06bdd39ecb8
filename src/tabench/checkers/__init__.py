"""Exact checkers (pure, bounded, safe to call from threads), registered by name.

A checker takes (answer text, blank) and returns a Check; built-in checkers also take the grading options as
keywords (`tolerance`: a relative tolerance for keys without their own; `precision`: decimal places to compare).
"Could not grade" is `needs_review`, never `incorrect`.
"""

from __future__ import annotations

import inspect
from functools import lru_cache
from typing import Callable

from .result import Check

Checker = Callable[..., Check]
_REGISTRY: dict[str, Checker] = {}


def register(kind: str):
    def decorate(fn: Checker) -> Checker:
        _REGISTRY[kind] = fn
        return fn

    return decorate


def checker_for(kind: str) -> Checker | None:
    if not _LOADED:
        _load_checkers()
    return _REGISTRY.get(kind)


def run_checker(checker: Checker, answer: str, blank, **options) -> Check:
    """Call a checker with the options it accepts (a plugin may take only the answer and the blank)."""
    accepted = _accepted_options(checker)
    return checker(answer, blank, **{name: value for name, value in options.items() if name in accepted})


@lru_cache(maxsize=256)
def _accepted_options(checker: Checker) -> frozenset[str]:
    try:
        parameters = inspect.signature(checker).parameters
    except (TypeError, ValueError):
        return frozenset()
    return frozenset(name for name, p in parameters.items() if p.kind == inspect.Parameter.KEYWORD_ONLY)


_LOADED = False


def _load_checkers() -> None:
    """Built-in checkers, then plugins: packages that declare a `tabench.checkers` entry point whose module
    calls `register(kind)` take the same path (a plugin may replace a built-in kind). Once per process."""
    global _LOADED
    from importlib.metadata import entry_points

    from . import choice, numeric, symbolic, text  # noqa: F401  (importing them registers them)

    for entry in entry_points(group="tabench.checkers"):
        entry.load()
    _LOADED = True


__all__ = ["Check", "checker_for", "register", "run_checker"]
