"""Exact checkers (pure, bounded in time, safe to call from threads), registered by name.

A checker takes (answer text, blank) and returns a Check. "Could not grade" is
`needs_review`, never `incorrect`.
"""

from __future__ import annotations

from typing import Callable

from .result import Check

Checker = Callable[[str, "object"], Check]
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


__all__ = ["Check", "checker_for", "register"]
