"""Markdown (hand-written, or text from PDF converters, notebooks and our PDF reader) -> ProblemSet (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ParseError
from ..key import build_blanks, figure_dependent, redact_answer_cells
from ..model import Figure, Part, ProblemSet, Question
from .checks import key_warnings, point_warnings
from .conventions import has_bare_log, log_base
from .normalize import normalize
from .structure import Node, RawQuestion, is_blank_label, split_document

_IMAGE = re.compile(r"!\[([^\]\n]{0,300})\]\(\s*<?([^)\s>]{1,500})>?(?:\s+\"[^\"]{0,300}\")?\s*\)"
                    r"|<img\b[^>]{0,1000}?\bsrc\s*=\s*[\"']([^\"']{1,500})[\"'][^>]{0,1000}>", re.I)
_ALT = re.compile(r"\balt\s*=\s*[\"']([^\"']{0,300})[\"']", re.I)


@dataclass
class PartSpan:
    """Where a part's text came from: source lines of its prompt (with its question's preamble) and solution."""

    first: int  # the line with the part's label (its question's header for a question without parts)
    question: int  # the line with its question's header
    prompt: list[int] = field(default_factory=list)
    solution: list[int] = field(default_factory=list)
    preamble: list[int] = field(default_factory=list)


def parse_markdown(text: str, source: str | None = None, fallback_title: str = "Problem set") -> ProblemSet:
    return parse_with_spans(text, source, fallback_title)[0]


def parse_with_spans(text: str, source: str | None = None, fallback_title: str = "Problem set",
                     page_furniture: bool = True) -> tuple[ProblemSet, dict[str, PartSpan]]:
    """The ProblemSet, and for each part id the source lines it was read from (readers of PDFs use them).
    `page_furniture=False` keeps repeated lines: a reader that removed running heads by position says so."""
    document = split_document(normalize(text, page_furniture), source or "the document")
    if not document.questions:
        name = source or "the document"
        raise ParseError(
            f"{name}: no numbered questions found; number them '1.', '## 2. Title' or 'Question 3', "
            "or write the problem set as JSON (see `tabench schema`)"
        )
    spans: dict[str, PartSpan] = {}
    questions = [_question(raw, spans) for raw in document.questions]
    base = log_base(text)
    if base is not None:
        for blank in (b for question in questions for part in question.parts for b in part.blanks):
            if has_bare_log(blank.latex) or any(has_bare_log(accepted) for accepted in blank.accepts):
                blank.log_base = base
    warnings = document.warnings + point_warnings(questions) + key_warnings(questions)
    return ProblemSet(title=document.title or fallback_title, source=source, questions=questions,
                      warnings=warnings), spans


def _shares(total: float | None, nodes: list[Node], terms: list[float]) -> list[float | None]:
    """Points of `nodes` without their own: the header's terms ('5+5 points'), else the total shared equally."""
    if any(node.points is not None for node in nodes):
        return [node.points for node in nodes]
    if terms and len(terms) == len(nodes):
        return list(terms)
    return [total / len(nodes) if total is not None else None] * len(nodes)


def _question(raw: RawQuestion, spans: dict[str, PartSpan]) -> Question:
    node = raw.node
    number = str(raw.number)
    preamble_lines = node.lines("prompt")
    if not node.children:
        parts = [_part(number, None, node, raw.title, raw.points, "", "", spans, [], node.line)]
        return Question(number=raw.number, title=raw.title, points=raw.points, preamble="", parts=parts)
    preamble = node.text("prompt")
    parts = []
    for child, child_points in zip(node.children, _shares(raw.points, node.children, node.point_terms)):
        if child.children:
            intro = child.text("prompt")
            shares = _shares(child_points, child.children, child.point_terms)
            for grandchild, points in zip(child.children, shares):
                part_id = f"{number}.{child.label}.{grandchild.label}"
                parts.append(_part(part_id, grandchild.label, grandchild, raw.title, points, intro, preamble, spans,
                                   preamble_lines + child.lines("prompt"), node.line))
        else:
            parts.append(_part(f"{number}.{child.label}", child.label, child, raw.title, child_points, "", preamble,
                               spans, preamble_lines, node.line))
    return Question(number=raw.number, title=raw.title, points=raw.points, preamble=preamble, parts=parts)


def _part(part_id: str, label: str | None, node: Node, title: str, points: float | None, context: str,
          preamble: str, spans: dict[str, PartSpan], preamble_lines: list[int], question_line: int) -> Part:
    prompt = node.text("prompt")
    solutions = [segment.text for segment in node.segments if segment.role == "solution" and segment.text.strip()]
    kind, blanks = build_blanks(title, f"{context}\n\n{prompt}".strip(), solutions, _labelled_solutions(node))
    prompt = redact_answer_cells(prompt)
    images = embedded_images(f"{preamble}\n{context}\n{prompt}")
    spans[part_id] = PartSpan(node.line, question_line, node.lines("prompt"), node.lines("solution"), preamble_lines)
    return Part(
        id=part_id,
        label=label,
        points=points,
        kind=kind,
        prompt=prompt,
        context=context,
        choices=blanks[0].choices if blanks else [],
        solution="\n\n".join(solutions),
        needs_figure=figure_dependent(prompt, context) or bool(images),
        figures=images,
        blanks=blanks,
    )


def embedded_images(text: str) -> list[Figure]:
    """Images a part's text shows (`![alt](path)`, `<img src=... alt=...>`), as figures named by path."""
    figures = []
    for match in _IMAGE.finditer(text):
        path = match.group(2) or match.group(3)
        alt = match.group(1)
        if alt is None:
            found = _ALT.search(match.group(0))
            alt = found.group(1) if found else ""
        if path and all(figure.path != path for figure in figures):
            figures.append(Figure(path=path, caption=alt.strip()))
    return figures


def _labelled_solutions(node: Node) -> list[tuple[str, str]]:
    """(label, solution) for answer fields the document names just before a solution block."""
    pairs = []
    pending: str | None = None
    for segment in node.segments:
        if segment.role == "prompt":
            labels = [line for line in segment.lines if is_blank_label(line)]
            pending = _label_text(labels[-1]) if labels else None
        elif pending is not None and segment.text.strip():
            pairs.append((pending, segment.text))
            pending = None
    return pairs


def _label_text(line: str) -> str:
    head = line.strip().strip("*").split(":")[0]
    return head.strip(" *")
