"""Where an answer commits to its final answer (pure).

`regions(text)` lists the places that may hold the final answer, most committed first:

1. the explicit commitments, the last one in the text first: the boxes (`\\boxed{}`, `\\fbox{}`: the last one,
   with the boxes just before it that a list joins to it, `\\boxed{1}, \\boxed{2}`,
   `\\boxed{(2, 2)} \\quad \\text{and} \\quad \\boxed{(6, 2)}`, not a box it revises), and the text after an
   explicit cue ("Final answer:", "The answer is", "Selection:", tables in cues.py): a "Final answer" after
   boxed intermediate results is the answer, a box after a cue is;
2. after a conclusion ("so the total is", "therefore", "which gives"), the last first;
3. bold text (`**24**`, `\\textbf{}`), the last first, except a bold part label such as `**(a)**`;
4. the last displayed equation, the last equation, the last piece of math, the last line; then the whole text
   (read for its last value).

A reader takes the first region it can read its kind of value from. Sentences that only check a result
("Check: $20 = 20$") are never a region. A region after a math delimiter that never closes is `malformed`.
"""

from __future__ import annotations

import bisect
import re
from collections import deque
from dataclasses import dataclass
from functools import lru_cache

from .cues import CHECK_START, CONCLUSION_CUE, FINAL_CUE, LIST_JOIN, _trie
from .limits import MAX_REGION_CHARS
from .math import Box, boxes, scan_math

_SENTENCE_END = re.compile(r"[.!?](?=\s|$|\*\*)|[。！？]|\n")
_ABBREVIATION = re.compile(r"\b(?:i\.e|e\.g|vs|approx|ca|resp|fig|eq|etc|cf|no|pp)\.$", re.I)
_CHECK_TRIGGER = re.compile(_trie({"check", "verif", "plugging", "substitut", "comprob", "erpr", "prob", "kontroll", "провер",
                                   "验证", "检", "検算", "確認", "검", "확인"}))
_BOLD = re.compile(r"\*\*([^*\n]{1,300})\*\*|__([^_\n]{1,300})__|\\textbf\s*\{([^{}\n]{1,300})\}")
_BOLD_LABEL = re.compile(r"^\s*(?:part\s*|question\s*|q)?\(?[A-Za-z0-9]{1,3}(?:\.[A-Za-z0-9]{1,4}){0,3}\)?\s*[.:)]?\s*$", re.I)
_LEAD = re.compile(r"^[\s:：=*_\-–—>]*(?:(?:is|are|was|would be|will be|equals|comes to|of)\b[\s:：]*)?")
_WORD = re.compile(r"[^\W\d_]{2,}")
_REVISION = re.compile(r"\b(?:but|however|wait|actually|instead|answer|mistake|wrong|correct(?:ed|ion)?|revis\w*|recheck\w*)\b", re.I)
_BOX_JOIN = re.compile(r"(?<![A-Za-z])(?:and|or|und|et|y|e|и)(?![A-Za-z])|,|;|\\quad|\\qquad|&|和|与|及|、", re.I)


@dataclass(frozen=True)
class Region:
    text: str
    how: str  # boxed | final answer | conclusion | bold | last equation | last math | last line | whole
    start: int
    malformed: bool = False  # a math delimiter that never closes sits before it
    pieces: tuple[str, ...] = ()  # of a boxed region: each box's content
    hedged: bool = False  # it offers two different values ('26 or 29'): it commits to neither


@lru_cache(maxsize=4096)
def regions(text: str) -> tuple[Region, ...]:
    """The places that may hold the final answer of `text`, most committed first."""
    scan = scan_math(text)
    checks = _check_ranges(text)
    found: list[Region] = []
    unclosed = scan.unclosed

    def malformed(start: int, end: int) -> bool:
        """Does an opening math delimiter that never closes sit in or just before [start, end)?"""
        index = bisect.bisect_left(unclosed, start - 200)
        return index < len(unclosed) and unclosed[index] < end

    committing: list[Region] = []  # boxes and explicit cues: the last commitment in the text comes first
    box_list = [box for box in boxes(text) if not _inside(checks, box.start)]
    if box_list:
        joined = _joined_boxes(text, box_list)
        contents = tuple(box.content.strip() for box in joined)
        committing.append(Region(", ".join(contents), "boxed", joined[-1].start, pieces=contents))
    concluding: list[Region] = []
    for cue, how, into in ((FINAL_CUE, "final answer", committing), (CONCLUSION_CUE, "conclusion", concluding)):
        for match in _last(cue.finditer(text), MAX_CUES):
            if _inside(checks, match.start()):
                continue
            region = _after(text, match.end(), scan.spans)
            if region is not None:
                start, end = region
                into.append(Region(text[start:end], how, start, malformed(start, end)))
    found += sorted(committing, key=lambda r: r.start, reverse=True)
    found += sorted(concluding, key=lambda r: r.start, reverse=True)
    for match in reversed(_last(_BOLD.finditer(text), MAX_CUES)):
        content = next(group for group in match.groups() if group is not None)
        if _inside(checks, match.start()) or (_BOLD_LABEL.match(content) and _starts_line(text, match.start())):
            continue
        found.append(Region(content, "bold", match.start()))
    spans = [span for span in scan.spans if not _inside(checks, span.start) and span.body]
    for wanted, how in ((lambda s: s.display and "=" in s.body, "last equation"), (lambda s: "=" in s.body, "last equation"),
                        (lambda s: True, "last math")):
        picked = [span for span in spans if wanted(span)]
        if picked:
            span = picked[-1]
            first = span
            for earlier in reversed(spans[: spans.index(span)]):  # '$1$ and $2$ and $3$' is one answer
                if earlier.display != span.display or not LIST_JOIN.match(text[earlier.end : first.start]):
                    break
                first = earlier
            later = [s.start for s in spans if s.start >= span.end]
            limit = min([len(text), span.end + 40] + later)
            tail = _SENTENCE_END.search(text, span.end, limit)
            end = tail.start() if tail else limit
            found.append(Region(text[first.start : max(end, span.end)], how, first.start))
    last = _last_line(text, checks)
    if last is not None:
        found.append(Region(text[last[0] : last[1]], "last line", last[0], malformed(last[0], last[1])))
    found.append(Region(text, "whole", 0, malformed(0, len(text))))
    return tuple(found)


MAX_CUES = 20  # only the last cues of a kind can hold the final answer


def _last(matches, count: int) -> list:
    """The last `count` of an iterator's items, keeping only that many at a time."""
    return list(deque(matches, maxlen=count))


def _inside(ranges: list[tuple[int, int]], position: int) -> bool:
    index = bisect.bisect_right(ranges, (position, float("inf"))) - 1
    return index >= 0 and ranges[index][0] <= position < ranges[index][1]


def _starts_line(text: str, position: int) -> bool:
    return not text[text.rfind("\n", 0, position) + 1 : position].strip(" >*#-")


_LINE_START = re.compile(r"\n[ \t]*")


def _check_ranges(text: str) -> list[tuple[int, int]]:
    """Sentences that only check a result: from a check cue at a sentence start to the sentence's end."""
    if not _CHECK_TRIGGER.search(text.lower()):
        return []
    ranges = []
    starts = sorted({0, *(m.end() for m in _SENTENCE_END.finditer(text)), *(m.end() for m in _LINE_START.finditer(text))})
    for index, start in enumerate(starts):
        if CHECK_START.match(text, start, min(len(text), start + 80)):
            end = starts[index + 1] if index + 1 < len(starts) else len(text)
            line_end = text.find("\n", start)
            ranges.append((start, max(end, line_end if line_end != -1 else len(text))))
    return ranges


def _after(text: str, position: int, spans) -> tuple[int, int] | None:
    """The stretch a cue at `position` commits: to the end of its sentence (math and abbreviations skipped), or,
    when the cue ends its line, the next paragraph."""
    lead = _LEAD.match(text, position, min(len(text), position + 60))
    start = lead.end() if lead else position
    line_end = text.find("\n", start)
    line_end = len(text) if line_end == -1 else line_end
    if not text[start:line_end].strip(" *_:$"):
        following = re.search(r"\S", text[line_end : line_end + MAX_REGION_CHARS])
        if following is None:
            return None
        start = line_end + following.start()
        paragraph_end = text.find("\n\n", start)
        end = min(len(text), start + MAX_REGION_CHARS) if paragraph_end == -1 else min(paragraph_end, start + MAX_REGION_CHARS)
        return start, end
    starts = [span.start for span in spans]
    limit = min(len(text), start + MAX_REGION_CHARS)
    for match in _SENTENCE_END.finditer(text, start, limit):
        index = bisect.bisect_right(starts, match.start()) - 1
        if index >= 0 and spans[index].end > match.start():
            continue  # inside math
        if match.group(0) == "." and _ABBREVIATION.search(text[max(start, match.start() - 8) : match.start() + 1]):
            continue
        if match.start() > start:
            if match.group(0) == "\n" and text[start : match.start()].rstrip().endswith((":", "：")):
                introduced = _next_paragraph(text, match.end())  # '… adds one x:' then the display it introduces
                if introduced is not None:
                    return introduced
            return start, match.end()
    return start, limit


def _next_paragraph(text: str, position: int) -> tuple[int, int] | None:
    following = re.search(r"\S", text[position : position + MAX_REGION_CHARS])
    if following is None:
        return None
    start = position + following.start()
    end = text.find("\n\n", start)
    return start, min(len(text) if end == -1 else end, start + MAX_REGION_CHARS)


def _joined_boxes(text: str, found: list[Box]) -> list[Box]:
    """The last box and the boxes before it that a list joins to it (a short gap, or a conjunction or comma in a
    gap of a few words); a box is not joined to one that repeats it."""
    joined = [found[-1]]
    for box in reversed(found[:-1]):
        gap = text[box.end : joined[0].start]
        close = len(gap.strip(" $\n")) < 10 and "\n\n" not in gap
        listed = (len(gap) < 70 and _BOX_JOIN.search(gap) and not _SENTENCE_END.search(gap.strip(" .$\n"))
                  and len(_WORD.findall(gap)) <= 6 and not _REVISION.search(gap))
        if not (close or listed) or box.content.strip() == joined[0].content.strip():
            break
        joined.insert(0, box)
    return joined


def _last_line(text: str, checks) -> tuple[int, int] | None:
    end = len(text)
    while end > 0:
        start = text.rfind("\n", 0, end - 1) + 1 if end > 0 else 0
        line = text[start:end]
        if line.strip(" \n*_>#-") and not _inside(checks, start + len(line) - len(line.lstrip())):
            return start, end
        if start == 0:
            return None
        end = start - 1
        if end - len(text) < -MAX_REGION_CHARS * 4:
            return None
    return None
