"""Partial-credit rules read from a solution's grading notes (pure); the checkers apply them.

| rule | example note | becomes |
| --- | --- | --- |
| omits | "An answer that leaves out the bias terms earns 3 of the 5 points." | omits "the bias terms", credit 0.6 |
| sign_error | "A sign error gets half credit." | sign_error, credit 0.5 |
| answer_is | "Half credit for an answer of 108." / "An answer of 112 also earns full credit." | answer_is "108", credit 0.5 |
| per_box | "Each box is graded on its own." | per_box, credit 1 |
| any_answer | "Everyone was awarded +1 point for this problem, regardless of their answer." | any_answer, credit 1 |

Credit is read as a share: "half credit" 0.5, "full credit" 1, "3 of the 5 points" / "3/5 points" 0.6,
"40% credit" 0.4, "no credit" 0; a note whose credit cannot be read as a share is left out.
"""

from __future__ import annotations

import re

from ..model import CreditRule

_CREDIT = (r"(?:half|full|no|zero|partial|a third of the|a quarter of the|\d+(?:\.\d+)?\s*(?:of|out of)\s*(?:the\s*)?\d+(?:\.\d+)?"
           r"|\d+(?:\.\d+)?\s*/\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?\s*%)\s*(?:of the\s*)?(?:credit|points?|pts|marks?)")
_VALUE = r"\$?[-+]?[\w\\{}^./()=, ]{1,40}?\$?"

RULES = (
    ("omits", re.compile(rf"(?:an?|any)\s+(?:answer|solution|response)s?\s+(?:that|which)\s+(?:leaves? out|omits?|forgets?|ignores?|drops?|"
                         rf"misses?|neglects?|does not include|doesn't include)\s+(?P<value>[^.;]{{2,60}}?)\s+(?:earns?|gets?|receives?|is worth|"
                         rf"will (?:get|earn|receive))\s+(?P<credit>{_CREDIT})", re.I),
     "An answer that leaves out the bias terms earns 3 of the 5 points."),
    ("sign_error", re.compile(rf"(?:an?|any|one)?\s*sign (?:error|mistake|slip)s?\s+(?:gets?|earns?|receives?|is worth|will (?:get|receive)|"
                              rf"loses?)\s+(?P<credit>{_CREDIT})", re.I),
     "A sign error gets half credit."),
    ("answer_is", re.compile(rf"(?P<credit>{_CREDIT})\s+(?:was |is |will be )?(?:given |awarded )?(?:for|to)\s+(?:an?\s+)?(?:answer|response)s?\s+"
                             rf"(?:of|equal to|that says|claiming)\s+(?P<value>{_VALUE})(?=[.;,]|\s+(?:if|when|as|since)\b|$)"
                             rf"|(?:an?\s+)?(?:answer|response) of\s+(?P<value2>{_VALUE})\s+(?:also\s+)?(?:earns?|gets?|receives?|is worth)\s+"
                             rf"(?P<credit2>{_CREDIT})", re.I | re.M),
     "Half credit for an answer of 108."),
    ("per_box", re.compile(r"each (?:box|option|choice|statement|bubble|item) (?:is graded|counts|is worth|is scored|is marked)\s+"
                           r"(?:separately|independently|individually|on its own)|graded (?:box by box|per box|separately|independently)",
                           re.I),
     "Each box is graded on its own."),
    ("any_answer", re.compile(r"(?:everyone|every student|all students)\s+(?:was |were |is |are )?(?:awarded|given|received|gets?|get)\s+"
                              r"(?:\+?\d+ points?|full credit|the points?|credit)[^.]{0,60}?regardless|regardless of (?:your|the|their) answer",
                              re.I),
     "Everyone awarded +1 point for this problem, regardless of your answer."),
)


def credit_share(text: str) -> float | None:
    """'half credit' -> 0.5, '3 of the 5 points' -> 0.6, '40% credit' -> 0.4; None when it is not a share."""
    lowered = text.lower()
    if lowered.startswith("half"):
        return 0.5
    if lowered.startswith("full"):
        return 1.0
    if lowered.startswith(("no ", "zero")):
        return 0.0
    if lowered.startswith("a third"):
        return 1 / 3
    if lowered.startswith("a quarter"):
        return 0.25
    ratio = re.match(r"(\d+(?:\.\d+)?)\s*(?:of|out of|/)\s*(?:the\s*)?(\d+(?:\.\d+)?)", lowered)
    if ratio and float(ratio.group(2)) > 0:
        return min(1.0, float(ratio.group(1)) / float(ratio.group(2)))
    percent = re.match(r"(\d+(?:\.\d+)?)\s*%", lowered)
    if percent:
        return min(1.0, float(percent.group(1)) / 100)
    return None


def credit_rules(text: str) -> list[CreditRule]:
    """The partial-credit rules stated in `text` (a solution, a prompt), in the order they appear."""
    found: list[tuple[int, CreditRule]] = []
    for when, pattern, _ in RULES:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            credit_text = groups.get("credit") or groups.get("credit2")
            if when in ("per_box", "any_answer"):
                credit = 1.0
            elif credit_text is None:
                continue
            else:
                credit = credit_share(credit_text)
                if credit is None:
                    continue
                if when == "sign_error" and re.search(r"\bloses?\b", match.group(0), re.I):
                    credit = 1.0 - credit
            value = (groups.get("value") or groups.get("value2") or "").strip().strip("$").strip() or None
            found.append((match.start(), CreditRule(when=when, value=value, credit=credit, note=_sentence(text, match))))
    return [rule for _, rule in sorted(found, key=lambda pair: pair[0])]


def _sentence(text: str, match: re.Match) -> str:
    start = max(text.rfind(". ", 0, match.start()) + 2, text.rfind("\n", 0, match.start()) + 1, 0)
    end_candidates = [i for i in (text.find(". ", match.end() - 1), text.find("\n", match.end())) if i != -1]
    end = min(end_candidates) + 1 if end_candidates else len(text)
    return " ".join(text[start:end].split())[:300]
