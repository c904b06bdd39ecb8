"""What every provider returns, and the error it raises."""

from __future__ import annotations

import importlib
from contextlib import contextmanager
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

    def __init__(self, message: str, retryable: bool = False, retry_after: float | None = None,
                 status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status  # the HTTP status, when the server answered with one


class CannotConnect(ProviderError):
    """The server could not be reached (refused, unreachable, dropped before replying)."""


class Provider(Protocol):
    """A model behind one call. With `schema` (a JSON schema), the reply's text is a JSON object that the provider
    asked the model to follow through its structured output (a judge's reply)."""

    name: str

    def complete(self, messages: list[dict], *, max_tokens: int, temperature: float,
                 schema: dict | None = None) -> Completion: ...


def attached_images(message: dict) -> list[dict]:
    """The images a message carries with their bytes ({"media_type", "data": base64, "label", ...}); the
    run adds the bytes just before the call (protocols.with_figures, figures.with_image_data)."""
    return [image for image in message.get("images") or () if image.get("data")]


def openai_messages(messages: list[dict], images: bool = True) -> list[dict]:
    """Messages as OpenAI's chat API takes them: role and content; a message with images (when `images`) has
    a content list, its text then each image as a data URL."""
    converted = []
    for message in messages:
        attached = attached_images(message) if images else []
        content = message["content"]
        if attached:
            content = [{"type": "text", "text": content}] + [
                {"type": "image_url", "image_url": {"url": f"data:{image['media_type']};base64,{image['data']}"}}
                for image in attached]
        converted.append({"role": message["role"], "content": content})
    return converted


# JSON-schema keywords outside the subset every strict structured-output API accepts (OpenAI's strict mode,
# Gemini): bounds on numbers, lengths and counts. A schema keeps its types, enums and required fields without them.
NON_PORTABLE_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
                         "minItems", "maxItems")


def portable_schema(schema):
    """`schema` without the keywords strict structured-output APIs reject (the reply is validated on our side)."""
    if isinstance(schema, dict):
        return {k: portable_schema(v) for k, v in schema.items() if k not in NON_PORTABLE_KEYWORDS}
    if isinstance(schema, list):
        return [portable_schema(item) for item in schema]
    return schema


GRAMMAR_STEPS = 10


def grammar_schema(schema):
    """`schema` for grammar-based decoders (llama.cpp), which bound strings and arrays but not numbers: a number
    with a minimum and a maximum becomes one of 11 evenly spaced values between them (0, 0.1, ..., 1)."""
    if isinstance(schema, list):
        return [grammar_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if schema.get("type") == "number" and "minimum" in schema and "maximum" in schema:
        low, high = schema["minimum"], schema["maximum"]
        values = [round(low + (high - low) * k / GRAMMAR_STEPS, 6) for k in range(GRAMMAR_STEPS + 1)]
        return {k: v for k, v in schema.items() if k not in ("type", "minimum", "maximum")} | {"enum": values}
    return {k: grammar_schema(v) for k, v in schema.items()}


def retry_after_seconds(headers) -> float | None:
    """Seconds from a Retry-After header (a number of seconds; HTTP dates are ignored)."""
    if headers is None:
        return None
    value = headers.get("retry-after") or headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


@contextmanager
def sdk_errors(sdk, name: str, key_hint: str):
    """Turn the exceptions of the OpenAI and Anthropic SDKs (the same generated hierarchy) into ProviderError."""
    try:
        yield
    except sdk.RateLimitError as err:
        raise ProviderError(f"{name}: rate limited (429)", True, retry_after_seconds(err.response.headers)) from None
    except sdk.APIStatusError as err:
        status = err.status_code
        if status in (401, 403):
            raise ProviderError(f"{name}: the server refused the key ({status}); check {key_hint}") from None
        if status == 404:
            raise ProviderError(f"{name}: model or endpoint not found (404); check --model and --base-url") from None
        retryable = status >= 500 or status in (408, 409, 529)
        raise ProviderError(f"{name}: server error {status}", retryable, retry_after_seconds(err.response.headers),
                            status) from None
    except sdk.APITimeoutError:
        raise ProviderError(f"{name}: the request timed out", True) from None
    except sdk.APIConnectionError:
        raise CannotConnect(f"{name}: cannot connect (is the server up? check --base-url)", True) from None
    except (sdk.APIResponseValidationError, ValueError) as err:
        raise ProviderError(f"{name}: malformed response ({type(err).__name__})", True) from None


def import_sdk(module: str):
    """A provider SDK, imported only when its provider is used; the install hint when it is missing."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ProviderError(f"the {module} package is not installed; pip install {module} "
                            "(or pip install 'tabench[providers]')") from None
