"""Documents -> ProblemSet. One module per format; `load_problem_set` picks by file type."""

from .loader import load_problem_set

__all__ = ["load_problem_set"]
