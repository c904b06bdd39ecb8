"""Small helpers over math in Markdown, as other modules import them; the readers live in read/math.py."""

from .read.math import clean_latex, last_boxed, math_spans, split_equation, strip_markup

__all__ = ["clean_latex", "last_boxed", "math_spans", "split_equation", "strip_markup"]
