"""tabench: grade written answers to course problem sets against the official solutions."""

from .check import CheckResult, check
from .errors import TabenchError
from .grade import grade
from .ingest import load_problem_set as ingest
from .model import ProblemSet, Verdict

__version__ = "0.1.0"
__all__ = ["ingest", "grade", "check", "CheckResult", "ProblemSet", "Verdict", "TabenchError", "__version__"]
