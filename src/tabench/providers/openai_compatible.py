"""OpenAI and every OpenAI-compatible server (vLLM, Ollama, llama.cpp, LM Studio, OpenRouter, Gemini's endpoint)."""

from __future__ import annotations

from .base import Completion, ProviderError, import_sdk, sdk_errors

_STOP = {"stop": "stop", "length": "length", "content_filter": "refusal", "tool_calls": "stop", None: "stop"}


class OpenAICompatible:
    def __init__(self, name: str, model: str, api_key: str, base_url: str | None = None, http_client=None,
                 timeout: float = 120.0, key_variable: str = "OPENAI_API_KEY"):
        openai = import_sdk("openai")
        self.name = name
        self._openai = openai
        self._client = openai.OpenAI(api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout,
                                     http_client=http_client)
        self._model = model
        self._key_variable = key_variable

    def complete(self, messages: list[dict], *, max_tokens: int, temperature: float) -> Completion:
        with sdk_errors(self._openai, self.name, self._key_variable):
            response = self._client.chat.completions.create(
                model=self._model, messages=messages, max_tokens=max_tokens, temperature=temperature)
        try:
            choice = response.choices[0]
            text = choice.message.content or ""
            stop = _STOP.get(choice.finish_reason, "stop")
            if getattr(choice.message, "refusal", None):
                stop, text = "refusal", text or choice.message.refusal
        except (AttributeError, IndexError, TypeError):
            raise ProviderError(f"{self.name}: malformed response (no choices)", True) from None
        usage = getattr(response, "usage", None)
        return Completion(text, stop, getattr(usage, "prompt_tokens", 0) or 0, getattr(usage, "completion_tokens", 0) or 0)
