"""Model calls behind one small interface; providers are found by name (`openai/gpt-4o`) and their SDKs
are imported only when used."""

from .base import Completion, Provider, ProviderError
from .registry import get_provider, reads_images

__all__ = ["Completion", "Provider", "ProviderError", "get_provider", "reads_images"]
