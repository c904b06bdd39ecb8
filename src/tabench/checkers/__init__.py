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
    _load_builtins()
    return _REGISTRY.get(kind)


def _load_builtins() -> None:
    if not _REGISTRY:
        from . import choice, numeric, symbolic, text  # noqa: F401  (they register themselves)


__all__ = ["Check", "checker_for", "register"]
