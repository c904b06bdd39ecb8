"""Anthropic's Messages API through its SDK."""

from __future__ import annotations

import inspect
import json

from .base import Completion, ProviderError, attached_images, import_sdk, sdk_errors

_STOP = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length", "refusal": "refusal",
         "tool_use": "stop", None: "stop"}
TOOL_NAME = "record_verdict"


class Anthropic:
    def __init__(self, name: str, model: str, api_key: str, base_url: str | None = None, http_client=None,
                 timeout: float = 120.0):
        anthropic = import_sdk("anthropic")
        self.name = name
        self.accepts_images = True
        self._sdk = anthropic
        self._client = anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout,
                                           http_client=http_client)
        self._model = model
        # Recent SDKs no longer take a sampling temperature; older ones do.
        self._takes_temperature = "temperature" in inspect.signature(self._client.messages.create).parameters

    def complete(self, messages: list[dict], *, max_tokens: int, temperature: float,
                 schema: dict | None = None) -> Completion:
        """With `schema`, the model must call one tool whose input is the schema: its input is the reply's text."""
        system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
        chat = [_anthropic_message(m) for m in messages if m["role"] != "system"]
        kwargs = {"system": system} if system else {}
        if self._takes_temperature:
            kwargs["temperature"] = temperature
        if schema is not None:
            kwargs["tools"] = [{"name": TOOL_NAME, "description": "Record the grade of the answer.", "input_schema": schema}]
            kwargs["tool_choice"] = {"type": "tool", "name": TOOL_NAME}
        with sdk_errors(self._sdk, self.name, "ANTHROPIC_API_KEY"):
            response = self._client.messages.create(model=self._model, messages=chat, max_tokens=max_tokens, **kwargs)
        try:
            blocks = list(response.content)
            tool_inputs = [block.input for block in blocks if getattr(block, "type", "") == "tool_use"]
            text = (json.dumps(tool_inputs[0], ensure_ascii=False) if tool_inputs and schema is not None else
                    "".join(block.text for block in blocks if getattr(block, "type", "") == "text"))
            stop = _STOP.get(response.stop_reason, "stop")
            usage = response.usage
        except (AttributeError, TypeError):
            raise ProviderError(f"{self.name}: malformed response", True) from None
        return Completion(text, stop, getattr(usage, "input_tokens", 0) or 0, getattr(usage, "output_tokens", 0) or 0)


def _anthropic_message(message: dict) -> dict:
    """A message as the Messages API takes it: its images as base64 image blocks before its text."""
    attached = attached_images(message)
    if not attached:
        return {"role": message["role"], "content": message["content"]}
    blocks = [{"type": "image", "source": {"type": "base64", "media_type": image["media_type"], "data": image["data"]}}
              for image in attached]
    return {"role": message["role"], "content": blocks + [{"type": "text", "text": message["content"]}]}
