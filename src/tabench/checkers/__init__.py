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


_PLUGINS_LOADED = False


def _load_builtins() -> None:
    """Built-in checkers, then plugins: packages that declare a `tabench.checkers` entry point whose module
    calls `register(kind)` take the same path (a plugin may replace a built-in kind)."""
    global _PLUGINS_LOADED
    from . import choice, numeric, symbolic, text  # noqa: F401  (importing them registers them)

    if not _PLUGINS_LOADED:
        _PLUGINS_LOADED = True
        from importlib.metadata import entry_points

        for entry in entry_points(group="tabench.checkers"):
            entry.load()


__all__ = ["Check", "checker_for", "register"]
