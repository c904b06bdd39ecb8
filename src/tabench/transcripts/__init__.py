"""Chat transcripts and typed write-ups -> answer blocks aligned to part ids, and the reader's annotations."""

from .importer import (MAX_TRANSCRIPT_BYTES, Imported, Options, import_for_grading, import_text, import_turns,
                       is_transcript, refuse_mismatch)
from .turns import Turn

__all__ = ["MAX_TRANSCRIPT_BYTES", "Imported", "Options", "Turn", "import_for_grading", "import_text", "import_turns",
           "is_transcript", "refuse_mismatch"]
