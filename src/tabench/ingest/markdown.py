"""Converter Markdown (text from PDF converters, hand-written Markdown) -> ProblemSet (pure)."""

from __future__ import annotations

from ..errors import ParseError
from ..key import build_blanks, figure_dependent, redact_answer_cells
from ..model import Part, ProblemSet, Question
from .normalize import normalize
from .structure import Node, RawQuestion, is_blank_label, split_document


def parse_markdown(text: str, source: str | None = None, fallback_title: str = "Problem set") -> ProblemSet:
    document = split_document(normalize(text))
    if not document.questions:
        name = source or "the document"
        raise ParseError(
            f"{name}: no numbered questions found; number them '1.', '## 2. Title' or 'Question 3', "
            "or write the problem set as JSON (see `tabench schema`)"
        )
    questions = [_question(raw) for raw in document.questions]
    return ProblemSet(title=document.title or fallback_title, source=source, questions=questions,
                      warnings=_point_warnings(questions))


def _point_warnings(questions: list[Question]) -> list[str]:
    warnings = []
    for question in questions:
        letters = [p.id.split(".")[1] for p in question.parts if "." in p.id]
        for first, second in zip(letters, letters[1:]):
            if first != second and ord(second) - ord(first) > 1:
                missing = ", ".join(f"({chr(c)})" for c in range(ord(first) + 1, ord(second)))
                warnings.append(f"question {question.number}: no part {missing} found between ({first}) and ({second}); "
                                "check the document")
        points = [p.points for p in question.parts]
        if question.points is not None and len(points) > 1 and all(x is not None for x in points):
            total = sum(points)
            if abs(total - question.points) > 1e-9:
                warnings.append(f"question {question.number}: the parts add up to {total:g} points, the header says {question.points:g}")
    return warnings


def _question(raw: RawQuestion) -> Question:
    node = raw.node
    number = str(raw.number)
    if not node.children:
        parts = [_part(number, None, node, raw.title, raw.points, context="")]
        return Question(number=raw.number, title=raw.title, points=raw.points, preamble="", parts=parts)
    parts = []
    # parts without points of their own share their question's points equally
    shared_part_points = raw.points / len(node.children) if raw.points is not None and all(
        child.points is None for child in node.children) else None
    for child in node.children:
        if child.children:
            intro = child.text("prompt")
            # sub-parts without points of their own share their part's points equally
            child_points = child.points if child.points is not None else shared_part_points
            shared = child_points / len(child.children) if child_points is not None and all(
                g.points is None for g in child.children) else None
            for grandchild in child.children:
                part_id = f"{number}.{child.label}.{grandchild.label}"
                points = grandchild.points if grandchild.points is not None else shared
                parts.append(_part(part_id, grandchild.label, grandchild, raw.title, points, intro))
        else:
            points = child.points if child.points is not None else shared_part_points
            parts.append(_part(f"{number}.{child.label}", child.label, child, raw.title, points, ""))
    return Question(number=raw.number, title=raw.title, points=raw.points, preamble=node.text("prompt"), parts=parts)


def _part(part_id: str, label: str | None, node: Node, title: str, points: float | None, context: str) -> Part:
    prompt = node.text("prompt")
    solutions = [segment.text for segment in node.segments if segment.role == "solution" and segment.text.strip()]
    kind, blanks = build_blanks(title, f"{context}\n\n{prompt}".strip(), solutions, _labelled_solutions(node))
    prompt = redact_answer_cells(prompt)
    return Part(
        id=part_id,
        label=label,
        points=points,
        kind=kind,
        prompt=prompt,
        context=context,
        choices=blanks[0].choices if blanks else [],
        solution="\n\n".join(solutions),
        needs_figure=figure_dependent(prompt, context),
        blanks=blanks,
    )


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
