"""What a document says about its notation, as far as grading needs it: the base of `\\log` (pure).

An unsubscripted `\\log` is the natural logarithm unless the document says otherwise. Statements are read from
the document's text with this table; the first that matches decides. A key whose LaTeX has such a `\\log`
records the base (`Blank.log_base`) where the document names one, for the checkers to apply to the key and the
answers alike.
"""

from __future__ import annotations

import re

_LOG = r"(?:\\?log|lg)"
_LINK = r"(?:=|:|is|denotes|means|refers to|stands for|for|to mean|to denote)"
# (pattern, base, example)
LOG_STATEMENTS: list[tuple[re.Pattern, str, str]] = [
    (re.compile(rf"{_LOG}\s*(?:\(\s*x\s*\))?\s*{_LINK}?\s*(?:the\s+)?"
                r"(?:log(?:arithm)?\s*)?(?:base|to the base)\s*[-:]?\s*\{?(2|10|e)\b", re.I),
     "", "log is base 2  /  log denotes log base 10  /  log(x) is to the base e"),
    (re.compile(r"logarithms?\s+(?:are|is)\s+(?:all\s+|always\s+)?(?:in\s+)?(?:base|to the base)\s*\{?(2|10|e)\b", re.I),
     "", "all logarithms are base 2"),
    (re.compile(rf"{_LOG}\s*(?:\(\s*x\s*\))?\s*{_LINK}?\s*(?:the\s+)?"
                r"(?:natural\s+log(?:arithm)?|\\?ln\b|log_?\{?e\}?\b)", re.I), "e",
     "log denotes the natural logarithm  /  log means ln  /  log(x)  log_e x (a notation table)"),
    (re.compile(r"(?:all\s+)?logarithms?\s+(?:are|is)\s+(?:all\s+|always\s+)?natural", re.I), "e", "logarithms are natural"),
    (re.compile(rf"{_LOG}\s*(?:\(\s*x\s*\))?\s*{_LINK}?\s*(?:the\s+)?(?:binary\s+log(?:arithm)?|log_?\{{?2\}}?\b)",
                re.I), "2", "log denotes the binary logarithm  /  log(x) = log_2 x"),
    (re.compile(rf"{_LOG}\s*(?:\(\s*x\s*\))?\s*{_LINK}?\s*(?:the\s+)?(?:common\s+log(?:arithm)?|"
                r"decimal\s+log(?:arithm)?|log_?\{?10\}?\b)", re.I), "10", "log is the common logarithm"),
]
_WINDOW = 200_000  # statements of notation sit in a document's first pages or its notation table
_PLAIN = re.compile(r"[$*_{}]|\\(?:text|mathrm|operatorname)\b")
_BARE_LOG = re.compile(r"\\log(?!\s*_)")


def log_base(text: str) -> str | None:
    """'e', '2' or '10' when the document says what `log` means; None when it does not."""
    plain = _PLAIN.sub("", text[:_WINDOW]).replace("\\log", "log")
    plain = re.sub(r"[ \t]+", " ", plain)
    for pattern, base, _example in LOG_STATEMENTS:
        match = pattern.search(plain)
        if match:
            return base or match.group(1).lower()
    return None


def has_bare_log(latex: str | None) -> bool:
    """Does this LaTeX use `\\log` without a base?"""
    return bool(latex) and bool(_BARE_LOG.search(latex))
