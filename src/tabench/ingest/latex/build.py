"""The settled tree -> ProblemSet: ids, points, keys (through key.build_blanks), figures, warnings (pure)."""

from __future__ import annotations

import re

from ...errors import ParseError
from ...key import build_blanks, figure_dependent, redact_answer_cells
from ...model import Blank, Choice, Figure, Part, ProblemSet, Question
from .tree import PROMPT, SOLUTION, Block, Choices, Item, list_label

_BLANK_LINES = re.compile(r"\n{3,}")
CONTEXT_READ = 5_000  # characters of a part's intro the key reads with its question
_BOLD_LINE = re.compile(r"\s*\*\*([^*]{1,150}?)\*\*[ \t]*(?:\n|$)")


class Builder:
    def __init__(self, warnings: list[str]):
        self.warnings = warnings
        self.figures_seen: list[Figure] = []  # the latest figure shown so far: the one "above"
        self._shared: dict[int, tuple[str, bool]] = {}

    def problem_set(self, root: Item, title: str, source: str | None) -> ProblemSet:
        questions = root.children()
        if not questions:
            raise ParseError(
                f"{source or 'the document'}: no questions found; write them with the exam class (\\question, "
                "\\part), as \\section*{Problem 1} … or as an enumerate of problems with solutions"
            )
        self._number(questions)
        built = [self.question(question) for question in questions]
        return ProblemSet(title=title, source=source, questions=built, warnings=self.warnings)

    def _number(self, questions: list[Item]) -> None:
        numbers = [q.number for q in questions]
        if None in numbers or len(set(numbers)) != len(numbers):
            if None not in numbers:
                self.warnings.append("questions are numbered " + ", ".join(map(str, numbers)) +
                                     "; they are numbered 1, 2, 3, … in document order instead")
            for index, question in enumerate(questions, start=1):
                question.number = index

    def question(self, item: Item) -> Question:
        title = item.title or (_bold_first_line(item) if item.origin != "macro" else "") or f"Question {item.number}"
        self._check_points(item, str(item.number))
        self.figures_seen.extend(item.figures)
        if not item.children():
            parts = [self.part(item, str(item.number), [], title, item.points)]
            return Question(number=item.number, title=title, points=item.points, parts=parts, bonus=item.bonus)
        parts: list[Part] = []
        self._parts(item, [item], str(item.number), title, _shared(item, item.points), parts)
        return Question(number=item.number, title=title, points=_total(item), preamble=self.shared_text(item)[0],
                        parts=parts, bonus=item.bonus)

    def _parts(self, item: Item, ancestors: list[Item], prefix: str, title: str, shares: dict, parts: list[Part]):
        self._unique_labels(item, prefix)
        for child in item.children():
            part_id = f"{prefix}.{child.label}"
            points = child.points if child.points is not None else shares.get(id(child))
            if child.children():
                self._check_points(child, part_id)
                self.figures_seen.extend(child.figures)
                self._parts(child, ancestors + [child], part_id, title, _shared(child, points), parts)
            else:
                parts.append(self.part(child, part_id, ancestors[1:], title, points, ancestors))

    def _unique_labels(self, item: Item, prefix: str) -> None:
        """Parts need labels, each its own: a list with repeated or empty labels is lettered in order instead."""
        children = item.children()
        labels = [child.label for child in children]
        if None in labels or "" in labels or len(set(labels)) != len(labels):
            style = "roman" if item.level >= 2 else "alph"
            for index, child in enumerate(children):
                child.label = list_label(style, index)
            shown = ", ".join(f"({label or ''})" for label in labels)
            self.warnings.append(f"{prefix}: parts labelled {shown} are numbered "
                                 f"{', '.join(child.label for child in children)} in document order")

    def shared_text(self, item: Item) -> tuple[str, bool]:
        """An enclosing item's own text, and whether it points at a figure; read once for all the parts below it."""
        if id(item) not in self._shared:
            text = _tidy(item.text(PROMPT))
            self._shared[id(item)] = (text, figure_dependent(text))
        return self._shared[id(item)]

    def part(self, leaf: Item, part_id: str, intros: list[Item], title: str, points, ancestors=()) -> Part:
        prompt = _tidy(leaf.text(PROMPT))
        context = "\n\n".join(text for text, _ in map(self.shared_text, intros) if text)
        asked = f"{context[-CONTEXT_READ:]}\n\n{prompt}".strip()  # the key reads the intro nearest the part
        segments = [_tidy(text) for text in leaf.blocks(SOLUTION)]
        solution = "\n\n".join(segments)
        marked = " ".join(leaf.marked).strip()
        key_segments = ([marked] if marked and marked != " ".join(solution.split()) else []) + segments
        if leaf.choices:
            blanks = [_choice_blank(choices, index, len(leaf.choices)) for index, choices in enumerate(leaf.choices)]
            kind = blanks[0].kind
        elif leaf.fillins:
            blanks = [self._fill_in_blank(title, asked, answer, index, len(leaf.fillins))
                      for index, answer in enumerate(leaf.fillins)]
            kind = blanks[0].kind
        else:
            kind, blanks = build_blanks(title, asked, key_segments, [])
        self._check_key(part_id, leaf, kind, segments)
        own = _distinct([figure for item in list(ancestors) + [leaf] for figure in item.figures])
        self.figures_seen.extend(leaf.figures)
        points_at_figure = figure_dependent(prompt) or any(self.shared_text(item)[1] for item in ancestors)
        figures = own or (self.figures_seen[-1:] if points_at_figure else [])
        return Part(
            id=part_id,
            label=leaf.label,
            points=points,
            kind=kind,
            prompt=redact_answer_cells(prompt),
            context=context,
            choices=blanks[0].choices if blanks else [],
            solution=solution,
            needs_figure=bool(own) or points_at_figure,
            figures=figures,
            blanks=blanks,
            bonus=leaf.bonus or any(item.bonus for item in ancestors),
        )

    def _fill_in_blank(self, title: str, prompt: str, answer: str, index: int, count: int) -> Blank:
        _, blanks = build_blanks(title, prompt, [answer] if answer else [], [])
        blank = blanks[0] if blanks else Blank(id="answer", kind="short_text")
        return blank.model_copy(update={"id": "answer" if count == 1 else str(index + 1),
                                        "label": None if count == 1 else f"blank {index + 1}"})

    def _check_key(self, part_id: str, leaf: Item, kind: str, segments: list[str]) -> None:
        if kind == "admin":
            return
        for choices in leaf.choices:
            if not choices.correct:
                self.warnings.append(f"{part_id}: no option is marked correct (no \\CorrectChoice); its key is empty")
                return
        if leaf.fillins and not all(leaf.fillins):
            self.warnings.append(f"{part_id}: a \\fillin or \\answerline has no answer; its key is empty")
        elif not leaf.choices and not leaf.fillins and not segments and not leaf.marked:
            self.warnings.append(f"{part_id}: no solution found; its key is empty")

    def _check_points(self, item: Item, where: str) -> None:
        children = [child for child in item.children() if not child.bonus]
        totals = [_total(child) for child in children]
        if item.points is not None and children and None not in totals and abs(sum(totals) - item.points) > 1e-9:
            self.warnings.append(f"{where}: the parts add up to {sum(totals):g} points, the header says "
                                 f"{item.points:g}")


def _bold_first_line(item: Item) -> str:
    """A question whose text opens with a line in bold (`\\item {\\bf Composing Kernels}`): that line is its
    title, taken out of the text."""
    first = next((x for x in item.content if isinstance(x, Block) and x.text.strip()), None)
    if first is None or first.role != PROMPT:
        return ""
    match = _BOLD_LINE.match(first.text)
    if match is None:
        return ""
    first.text = first.text[match.end():]
    return " ".join(match.group(1).split())


def front_title(root: Item) -> str | None:
    """The first lines of the document before its first question (a quiz's heading), when short."""
    front = []
    for x in root.content:
        if isinstance(x, Item):
            break
        front.append(x)
    shown = [x.text for x in front if isinstance(x, Block) and x.role == PROMPT]
    text = "".join(shown) if "".join(shown).strip() else "".join(getattr(x, "text", "") for x in front)
    for paragraph in re.split(r"\n\s*\n", text):
        lines = [" ".join(line.replace("**", "").replace("*", "").split()) for line in paragraph.split("\n")]
        title = " — ".join(line for line in lines if line and not line.startswith("[figure"))
        if title:
            return title if len(title) <= 150 else None
    return None


def _shared(item: Item, points: float | None) -> dict:
    """Parts without points of their own share their parent's points equally (as in Markdown ingest)."""
    children = item.children()
    if points is None or not children or any(child.points is not None for child in children):
        return {}
    return {id(child): points / len(children) for child in children}


def _total(item: Item) -> float | None:
    if item.points is not None:
        return item.points
    totals = [_total(child) for child in item.children() if not child.bonus]
    return sum(totals) if totals and None not in totals else None


def _distinct(figures: list[Figure]) -> list[Figure]:
    seen, kept = set(), []
    for figure in figures:
        key = (figure.path, figure.caption)
        if key not in seen:
            seen.add(key)
            kept.append(figure)
    return kept


def _choice_blank(choices: Choices, index: int, count: int) -> Blank:
    labels = choices.labels or [list_label("Alph", i) for i in range(len(choices.options))]
    correct = [labels[i] for i in choices.correct]
    kind = "select_all" if choices.several or len(correct) > 1 else "multiple_choice"
    return Blank(
        id="answer" if count == 1 else str(index + 1),
        kind=kind,
        choices=[Choice(label=label, text=text) for label, text in zip(labels, choices.options)],
        correct=correct,
    )


def _tidy(text: str) -> str:
    """Lines trimmed and runs of blank lines folded, except inside fenced code."""
    lines, fenced = [], False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            lines.append(line.strip())
        else:
            lines.append(line.rstrip() if fenced else " ".join(line.split()))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
