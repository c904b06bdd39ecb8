"""Chat transcripts and typed write-ups -> answer blocks aligned to part ids, and the reader's annotations."""

from .importer import Imported, Options, import_text, import_turns, refuse_mismatch
from .turns import Turn

__all__ = ["Imported", "Options", "Turn", "import_text", "import_turns", "refuse_mismatch"]
