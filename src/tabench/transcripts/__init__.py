"""Chat transcripts and typed write-ups -> answer blocks aligned to part ids, and the reader's annotations."""

from .importer import Imported, import_text, import_turns
from .turns import Turn

__all__ = ["Imported", "Turn", "import_text", "import_turns"]
