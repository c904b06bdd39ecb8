"""OpenAI and every OpenAI-compatible server (vLLM, Ollama, llama.cpp, LM Studio, OpenRouter, Gemini's endpoint)."""

from __future__ import annotations

from .base import Completion, ProviderError, grammar_schema, import_sdk, openai_messages, portable_schema, sdk_errors

_STOP = {"stop": "stop", "length": "length", "content_filter": "refusal", "tool_calls": "stop", None: "stop"}
SCHEMA_NAME = "judge_reply"


def response_format(schema: dict, flavour: str) -> dict:
    """Structured output as a server takes it: OpenAI's `json_schema` (OpenAI, vLLM, Ollama, llama.cpp's own
    server, Gemini), or `json_object` with the schema beside it (llama-cpp-python's server, which builds a
    grammar from it, bounds and all)."""
    if flavour == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": SCHEMA_NAME, "schema": portable_schema(schema),
                                                       "strict": True}}
    return {"type": "json_object", "schema": grammar_schema(schema)}


class OpenAICompatible:
    def __init__(self, name: str, model: str, api_key: str, base_url: str | None = None, http_client=None,
                 timeout: float = 120.0, key_variable: str = "OPENAI_API_KEY", accepts_images: bool = True):
        openai = import_sdk("openai")
        self.name = name
        self.accepts_images = accepts_images  # False for a text model behind a server that refuses images
        self._openai = openai
        self._client = openai.OpenAI(api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout,
                                     http_client=http_client)
        self._model = model
        self._key_variable = key_variable
        self._flavour = "json_schema"  # becomes json_object once a server rejects json_schema

    def complete(self, messages: list[dict], *, max_tokens: int, temperature: float,
                 schema: dict | None = None) -> Completion:
        with sdk_errors(self._openai, self.name, self._key_variable):
            response = self._create(messages, max_tokens, temperature, schema)
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

    def _create(self, messages, max_tokens, temperature, schema):
        create = self._client.chat.completions.create
        messages = openai_messages(messages, self.accepts_images)
        if schema is None:
            return create(model=self._model, messages=messages, max_tokens=max_tokens, temperature=temperature)
        try:
            return create(model=self._model, messages=messages, max_tokens=max_tokens, temperature=temperature,
                          response_format=response_format(schema, self._flavour))
        except self._openai.APIStatusError as err:
            if self._flavour != "json_schema" or not _rejects_json_schema(err):
                raise
        self._flavour = "json_object"  # the server said no to json_schema: ask as it understands, from now on
        return create(model=self._model, messages=messages, max_tokens=max_tokens, temperature=temperature,
                      response_format=response_format(schema, self._flavour))


def _rejects_json_schema(err) -> bool:
    """The server refused the request over its response format (llama-cpp-python's server answers 500 with
    "Input should be 'text' or 'json_object'" at `response_format.type`)."""
    return "json_schema" in str(err) or "response_format" in str(err)
