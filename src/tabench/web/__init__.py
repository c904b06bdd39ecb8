"""The review page: a local, token-protected web app where a person grades what the machine could not."""

from .server import create_app, prepare

__all__ = ["create_app", "prepare"]
