"""tabench: grade written answers to course problem sets against the official solutions."""

from .errors import TabenchError
from .ingest import load_problem_set as ingest
from .model import ProblemSet

__version__ = "0.1.0"
__all__ = ["ingest", "ProblemSet", "TabenchError", "__version__"]
