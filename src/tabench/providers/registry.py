"""Providers by name: `openai/MODEL` (any OpenAI-compatible server with --base-url), `anthropic/MODEL`,
`google/MODEL` (Gemini), `local/smollm2`. Keys come from the environment and go nowhere else."""

from __future__ import annotations

import os

from .base import ProviderError

GEMINI_OPENAI_URL = "https://generativelanguage.googleapis.com/v1beta/openai/"
KEY_VARIABLES = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "google": "GEMINI_API_KEY"}


def reads_images(spec: str) -> bool:
    """Whether the provider family of `spec` takes images (OpenAI-compatible, Anthropic, Gemini: yes; local
    SmolLM2: no). A text model behind an OpenAI-compatible server is made text-only by the caller (--no-images)."""
    return spec.partition("/")[0] in KEY_VARIABLES


def get_provider(spec: str, base_url: str | None = None, http_client=None, environ=None, timeout: float = 120.0):
    """A provider for `spec`; ProviderError with the fix when the name, key or SDK is missing. `timeout` bounds
    each request in seconds (HTTP providers)."""
    environ = os.environ if environ is None else environ
    family, _, model = spec.partition("/")
    if not model:
        raise ProviderError(f"{spec!r}: name the model as provider/model, e.g. openai/gpt-4o or local/smollm2")
    if family == "local":
        if model != "smollm2":
            raise ProviderError(f"{spec!r}: the only local model is local/smollm2")
        from .local import LocalSmolLM2

        return LocalSmolLM2(spec)
    if family not in KEY_VARIABLES:
        raise ProviderError(f"{spec!r}: unknown provider {family!r}; use openai/, anthropic/, google/ or local/")
    variable = KEY_VARIABLES[family]
    key = environ.get(variable)
    if not key:
        if family == "openai" and base_url:
            key = "not-needed"  # local OpenAI-compatible servers (vLLM, llama.cpp, Ollama) take any key
        else:
            raise ProviderError(f"{spec}: set {variable} in the environment (export {variable}=...)")
    if family == "anthropic":
        from .anthropic_api import Anthropic

        return Anthropic(spec, model, key, base_url, http_client, timeout=timeout)
    from .openai_compatible import OpenAICompatible

    url = base_url or (GEMINI_OPENAI_URL if family == "google" else None)
    return OpenAICompatible(spec, model, key, url, http_client, timeout=timeout, key_variable=variable)
