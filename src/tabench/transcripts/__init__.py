"""Chat transcripts and typed write-ups -> answer blocks aligned to part ids, and the reader's annotations."""

from .importer import Imported, import_text

__all__ = ["Imported", "import_text"]
