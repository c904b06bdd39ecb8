"""Documents -> ProblemSet. One module per format; `load_problem_set` picks by file type."""

from .loader import load_problem_set as _load


def load_problem_set(path):
    """A ProblemSet from a document or a ProblemSet JSON file; parts without a rubric get a first one from their
    solution's grading notes (a rubric already there, e.g. edited in the JSON, is kept)."""
    from ..judge.rubric import with_derived_rubrics  # here: the judge reads answers, whose readers import ingest

    return with_derived_rubrics(_load(path))


__all__ = ["load_problem_set"]
