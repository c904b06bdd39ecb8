"""The data model: ProblemSet -> Question -> Part -> Blank, and verdicts.

A ProblemSet is plain JSON (`tabench schema` prints its JSON Schema), so a
person can edit it and grade again.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1

Kind = Literal[
    "multiple_choice",
    "select_all",
    "numeric",
    "expression",
    "short_text",
    "derivation",
    "code",
    "admin",
]
CHOICE_KINDS = ("multiple_choice", "select_all")
FREE_FORM_KINDS = ("short_text", "derivation", "code")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Choice(_Model):
    """One option of a choice blank. `label` is what an answer may cite ("A", "2", "b")."""

    label: str
    text: str


class Number(_Model):
    """A reference number with its unit and how close an answer must be.

    With no tolerance of its own, how close is decided by how the key is written (`written`): an exact key
    accepts a decimal rounded to three significant figures or more, a rounded key accepts answers within half a
    unit of its last place, an approximate one within 1 %."""

    value: float
    unit: str | None = None
    rel_tol: float | None = Field(default=None, description="relative tolerance the key sets; none: decided by how it is written")
    abs_tol: float | None = Field(default=None, description="absolute tolerance the key sets (a ± in the solution)")
    written: str | None = Field(default=None, description="the number as the solution writes it ('16.4', '2.56e4', '1/3')")
    approximate: bool = Field(default=False, description="the solution gives it as approximate ('about', '≈')")
    decimals: int | None = Field(default=None, description="compare to this many decimal places ('precision' of `tabench check`)")


class CreditRule(_Model):
    """A grading note of the solution as a rule of its blank ('a sign error gets half credit'); editable.

    `when`: answer_is (the answer is `value`), sign_error (the key with the opposite sign), omits (leaves out
    `value`; a checker cannot see this, so such an answer goes to the judge or a person), per_box (each box of a
    select-all is graded on its own), any_answer (credit for any answer at all)."""

    when: Literal["answer_is", "sign_error", "omits", "per_box", "any_answer"]
    value: str | None = Field(default=None, description="the answer the note names, or what it says is left out")
    credit: float = Field(ge=0, le=1, description="share of the blank's points the answer then earns")
    note: str = Field(default="", description="the sentence of the solution the rule comes from")


class Blank(_Model):
    """One answer field of a part, with the reference answer."""

    id: str = Field(description="'answer' for a part's only blank; else a slug such as 'bug' or 'a'")
    label: str | None = Field(default=None, description="how the document names the blank")
    kind: Kind
    choices: list[Choice] = Field(default_factory=list)
    correct: list[str] = Field(default_factory=list, description="labels of the correct choices")
    number: Number | None = None
    latex: str | None = Field(default=None, description="reference expression (or equation) in LaTeX")
    parsed: str | None = Field(default=None, description="SymPy form of the reference expression, when it parses")
    text: str | None = Field(default=None, description="reference answer in short")
    accepts: list[str] = Field(default_factory=list, description="alternatives the solution explicitly accepts")
    partial_credit: bool = Field(default=False, description="select-all: each box is graded on its own")
    rules: list[CreditRule] = Field(default_factory=list, description="partial-credit rules from the solution's grading notes")
    log_base: str | None = Field(default=None, description="the base of an unsubscripted \\log in this key and its "
                                                         "answers when the document says ('2', '10' or 'e'); "
                                                         "otherwise \\log is the natural logarithm")
    unreliable: str | None = Field(default=None, description="why the reference answer cannot be trusted for exact "
                                                             "checking (e.g. math read from a PDF); such a blank is "
                                                             "graded by the judge or a person, never by a checker")


class Figure(_Model):
    """A figure a part depends on: where it is in the source document, and its stored image once kept."""

    path: str | None = Field(default=None, description="image file named by the document (LaTeX \\includegraphics), "
                                                        "relative to the document's folder")
    page: int | None = Field(default=None, description="PDF page the figure is on (1-based)")
    bbox: list[float] | None = Field(default=None, description="region of that page: x0, top, x1, bottom in PDF points")
    caption: str = ""
    sha256: str | None = Field(default=None, description="the PNG kept in the store with the problem set, once stored")


class RubricItem(_Model):
    """One criterion of a part's rubric; a grader (judge or person) marks it met or not."""

    id: str
    text: str
    points: float


class Part(_Model):
    """The gradable unit."""

    id: str
    label: str | None = None
    points: float | None = None
    kind: Kind
    prompt: str
    context: str = Field(default="", description="text of an enclosing sub-question shared by its parts")
    choices: list[Choice] = Field(default_factory=list, description="choices of the first blank, if any")
    solution: str = ""
    needs_figure: bool = False
    figures: list[Figure] = Field(default_factory=list, description="the figures this part depends on, where known")
    rubric: list[RubricItem] = Field(default_factory=list, description="criteria for free-form grading; editable")
    blanks: list[Blank] = Field(default_factory=list)
    bonus: bool = Field(default=False, description="bonus points: not counted in the question's total")

    @property
    def has_reference(self) -> bool:
        return bool(self.solution.strip())


class Question(_Model):
    number: int
    title: str
    points: float | None = None
    preamble: str = ""
    parts: list[Part]
    bonus: bool = Field(default=False, description="a bonus question: its points are not counted in the total")


class ProblemSet(_Model):
    schema_version: int = SCHEMA_VERSION
    title: str
    source: str | None = None
    questions: list[Question]
    warnings: list[str] = Field(default_factory=list, description="inconsistencies found in the document (e.g. points)")

    def parts(self) -> list[Part]:
        return [part for question in self.questions for part in question.parts]

    def part(self, part_id: str) -> Part:
        for part in self.parts():
            if part.id == part_id:
                return part
        raise KeyError(part_id)

    def question_of(self, part_id: str) -> Question:
        for question in self.questions:
            if any(part.id == part_id for part in question.parts):
                return question
        raise KeyError(part_id)


def problem_set_schema() -> dict:
    return ProblemSet.model_json_schema()


VerdictLabel = Literal["correct", "partially_correct", "incorrect", "missing", "needs_review"]
Method = Literal["choice", "numeric", "symbolic", "text", "judge", "human", "none"]


class Verdict(_Model):
    """The grade of one part of one submission."""

    submission: str
    part_id: str
    verdict: VerdictLabel
    score: float
    points: float
    method: Method
    tags: list[str] = Field(default_factory=list)
    rationale: str = ""
    extracted: str | None = Field(default=None, description="the final answer read from the submission")
