"""The label a line starts with: a question number, a part letter, a sub-part numeral, a solution marker (pure).

One reader, a table of forms with an example each. A line is first stripped of what holds it (indentation,
blockquote `>`, bullets, heading `#`s, an opening `**`) by a plain scan, and the forms are matched against a
bounded head of what is left, so reading a label takes time linear in the line whatever the line holds
(issue 17: a line of 60,000 spaces made the old per-style regexes backtrack for minutes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEAD = 300  # characters of a line a label can span

ROMANS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
_ROMAN = r"(?:i{1,3}|iv|vi{0,3}|ix|x|xi{1,2})"
_OPEN = r"(?:\*\*|__)?\s?"  # an emphasis opener left after the scan
_CLOSE = r"(?:\*\*|__)?[:.]?(?:\*\*|__)?"

# (kind, pattern, example). Each pattern matches the label only; what follows is the label's text.
FORMS: list[tuple[str, re.Pattern, str]] = [
    # a question and one of its parts at once
    ("question_part", re.compile(_OPEN + r"(?P<word>Question|Problem|Exercise|Q|P)\s*(?P<number>\d{1,4})\s*"
                                 r"(?:\((?P<letter>[a-z])\)|(?P<letter2>[a-z])(?=[\s.):*_]|$))" + _CLOSE, re.I),
     "### Q1a  /  Problem 2(b) ..."),
    ("question_part", re.compile(_OPEN + r"(?P<number>\d{1,4})\s?\((?P<letter>[a-z])\)" + _CLOSE), "1(a) ..."),
    ("question_part", re.compile(_OPEN + r"(?P<number>\d{1,4})(?P<letter>[a-z])[.)]" + _CLOSE), "1a) ..."),
    # a numbered sub-problem: part 2 of question 3
    ("question_part", re.compile(_OPEN + r"(?:(?P<word>Question|Problem|Exercise)\s*)?(?P<number>\d{1,4})\.(?P<sub>\d{1,2})"
                                 r"(?=[\s.):*_]|$)" + _CLOSE, re.I), "### 3.2 Title"),
    # questions
    ("question", re.compile(_OPEN + r"(?P<word>Question|Problem|Exercise|Q|P)\s*(?P<number>\d{1,4})"
                            r"(?:[.):]|\s+[—–-]\s|\*\*|__|(?=\s)|$)", re.I), "Problem 2 — Title  /  Question 3: Title"),
    ("question", re.compile(_OPEN + r"(?P<number>\d{1,4})(?:\.(?!\d)|\)|:|\s+[—–-]\s|\*\*|__)"), "3. Title  /  **3.** Title"),
    # parts and sub-parts; "(i)" and "i)" are read both as a letter and as a numeral, the grammar picks
    ("part", re.compile(_OPEN + r"(?:Part\s+)?\((?P<letter>[a-z])\)" + _CLOSE + r"(?=\s|$)"), "(a) (5 pts) ...  /  **(b)**"),
    ("part", re.compile(_OPEN + r"(?:Part\s+)?(?P<letter>[a-z])\)" + _CLOSE + r"(?=\s|$)"), "b) ..."),
    ("part", re.compile(_OPEN + r"Part\s+(?P<letter>[A-Za-z]|\d{1,2})" + _CLOSE + r"(?=\s|$)", re.I), "### Part B  /  Part 2:"),
    ("roman", re.compile(_OPEN + r"\((?P<roman>" + _ROMAN + r")\)" + _CLOSE + r"(?=\s|$)"), "(ii) ..."),
    ("roman", re.compile(_OPEN + r"(?P<roman>" + _ROMAN + r")[.)]" + _CLOSE + r"(?=\s|$)"), "ii. ...  /  iii) ..."),
    ("weak_part", re.compile(_OPEN + r"(?P<letter>[a-z])\." + _CLOSE + r"(?=\s)"), "a. ... (prose can start so: taken only as a heading or with points)"),
    # solution markers
    ("solution", re.compile(r"(?:\*\*|__|<b>|<strong>|\*|_)?\s?(?P<word>Solutions?|Answers?|Sol|Reference answer|Answer key)"
                            r"(?:\s?(?:\([^)]{0,80}\))?\s?[.:](?:\*\*|__|</b>|</strong>|\*|_)?[.:]?|(?:\*\*|__|</b>|</strong>)(?=\s*$)|(?=\s*$))",
                            re.I), "**Solution:** ...  /  *Solution.*  /  ### Solution  /  Answer: C"),
    ("solution", re.compile(r"(?:<!--\s?)?(?:#{1,3}\s?)?BEGIN SOLUTION(?:\s?-->)?(?=\s*$)"), "BEGIN SOLUTION (nbgrader, otter)"),
    ("solution_end", re.compile(r"(?:<!--\s?)?(?:#{1,3}\s?)?END SOLUTION(?:\s?-->)?(?=\s*$)"), "END SOLUTION"),
]


@dataclass(frozen=True)
class Label:
    kind: str  # question | question_part | part | roman | solution | solution_end
    rest: str  # the line's text after the label
    number: int | None = None
    letter: str | None = None  # a part letter (lower case), or a sub-problem's number as text
    roman: str | None = None
    word: str | None = None  # "Problem", "Q", "Solution", ... as written
    heading: int = 0  # the line is a Markdown heading of this level
    bullets: int = 0  # list bullets before the label
    quote: int = 0  # blockquote depth
    indent: int = 0  # spaces before everything
    bold: bool = False  # the label is wrapped in ** or __
    paren: bool = False  # the letter or numeral is in parentheses: "(i)", not "i." or "i)"
    weak: bool = False  # a form prose can start with by chance ("a. ")


@dataclass(frozen=True)
class Head:
    indent: int
    quote: int
    bullets: int
    heading: int
    start: int  # where the label may begin in the line


def scan_head(line: str) -> Head:
    """What holds the line's text: indentation, `>`s, bullets and a heading's `#`s (a plain linear scan)."""
    n = len(line)
    i = 0
    while i < n and line[i] in " \t":
        i += 1
    indent = i
    quote = bullets = heading = 0
    while i < n:
        c = line[i]
        if c == ">":
            quote += 1
            i += 1
        elif c in "-*+" and i + 1 < n and line[i + 1] in " \t":
            bullets += 1
            i += 2
        else:
            break
        while i < n and line[i] in " \t":
            i += 1
    if i < n and line[i] == "#":
        j = i
        while j < n and line[j] == "#" and j - i < 7:
            j += 1
        if j - i <= 6 and (j == n or line[j] in " \t"):
            heading = j - i
            i = j
            while i < n and line[i] in " \t":
                i += 1
    return Head(indent, quote, bullets, heading, i)


def read_label(line: str) -> Label | None:
    """The label `line` starts with, or None."""
    head = scan_head(line)
    text = line[head.start : head.start + HEAD]
    for kind, pattern, _example in FORMS:
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groupdict()
        rest = line[head.start + match.end() :].strip()
        letter = groups.get("letter") or groups.get("letter2") or groups.get("sub")
        bold = text.startswith(("**", "__"))
        if kind == "question" and rest.startswith(("**", "__")):  # "**3.** Title"
            rest = rest[2:].strip()
        elif kind == "question" and bold and "**" in rest[:HEAD]:  # "**P1 (easy)** Text": the bold closes later
            rest = rest.replace("**", "", 1).strip()
        return Label(
            kind="part" if kind == "weak_part" else kind,
            rest=rest,
            number=int(groups["number"]) if groups.get("number") else None,
            letter=letter.lower() if letter else None,
            roman=groups.get("roman") or (letter if kind == "part" and letter and re.fullmatch(_ROMAN, letter) else None),
            paren=text[match.start():match.end()].lstrip("*_ ").startswith(("(", "Part (")),
            word=groups.get("word"),
            heading=head.heading,
            bullets=head.bullets,
            quote=head.quote,
            indent=head.indent,
            bold=bold,
            weak=kind == "weak_part",
        )
    return None


_SUMMARY = re.compile(r"<summary>\s*(.*?)\s*</summary>", re.I | re.S)
_SOLUTION_SUMMARY = re.compile(r"(?:show |click (?:here )?(?:for|to see) (?:the )?)?(?:solutions?|answers?|answer key)\b", re.I)


@dataclass(frozen=True)
class Details:
    opens: bool  # <details>
    summary: str | None  # the <summary> text, when the line has one
    closes: bool  # </details>
    remainder: str  # the line without these tags

    @property
    def is_solution(self) -> bool:
        return self.summary is not None and bool(_SOLUTION_SUMMARY.match(self.summary.strip("*_ ")))


def read_details(line: str) -> Details | None:
    """The `<details>`/`<summary>`/`</details>` tags on a line (a collapsed answer), or None."""
    lowered = line.lower()
    if "<details" not in lowered and "</details" not in lowered and "<summary" not in lowered:
        return None
    summary = _SUMMARY.search(line)
    remainder = _SUMMARY.sub("", line)
    remainder = re.sub(r"</?details\b[^>]{0,200}>", "", remainder, flags=re.I).strip()
    return Details(opens="<details" in lowered, summary=summary.group(1) if summary else None,
                   closes="</details" in lowered, remainder=remainder)
