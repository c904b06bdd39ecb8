"""OpenAI and every OpenAI-compatible server (vLLM, Ollama, llama.cpp, LM Studio, OpenRouter, Gemini's endpoint)."""

from __future__ import annotations

from .base import Completion, ProviderError, retry_after_seconds

_STOP = {"stop": "stop", "length": "length", "content_filter": "refusal", "tool_calls": "stop", None: "stop"}


class OpenAICompatible:
    def __init__(self, name: str, model: str, api_key: str, base_url: str | None = None, http_client=None,
                 timeout: float = 120.0):
        try:
            import openai
        except ImportError:
            raise ProviderError("the openai package is not installed; pip install openai") from None
        self.name = name
        self._openai = openai
        self._client = openai.OpenAI(api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout,
                                     http_client=http_client)
        self._model = model

    def complete(self, messages: list[dict], *, max_tokens: int, temperature: float) -> Completion:
        openai = self._openai
        try:
            response = self._client.chat.completions.create(
                model=self._model, messages=messages, max_tokens=max_tokens, temperature=temperature)
        except openai.RateLimitError as err:
            raise ProviderError(f"{self.name}: rate limited (429)", True, retry_after_seconds(err.response.headers)) from None
        except openai.APIStatusError as err:
            status = err.status_code
            if status in (401, 403):
                raise ProviderError(f"{self.name}: the server refused the key ({status}); check the API key variable") from None
            if status == 404:
                raise ProviderError(f"{self.name}: model or endpoint not found (404); check --model and --base-url") from None
            retryable = status >= 500 or status in (408, 409)
            raise ProviderError(f"{self.name}: server error {status}", retryable, retry_after_seconds(err.response.headers)) from None
        except openai.APITimeoutError:
            raise ProviderError(f"{self.name}: the request timed out", True) from None
        except openai.APIConnectionError:
            raise ProviderError(f"{self.name}: cannot connect (is the server up? check --base-url)", True) from None
        except (openai.APIResponseValidationError, ValueError) as err:
            raise ProviderError(f"{self.name}: malformed response ({type(err).__name__})", True) from None
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
