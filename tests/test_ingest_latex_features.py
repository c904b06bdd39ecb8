"""LaTeX ingest of the exam class: tests/data/latex/exam_all_features.tex uses every feature of issue 11, one
question per feature (see the comment above each question), and compiles with pdflatex (tested here too)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tabench import ingest

DATA = Path(__file__).parent / "data" / "latex"
DOCUMENT = DATA / "exam_all_features.tex"


@pytest.fixture(scope="module")
def exam():
    return ingest(DOCUMENT)


def blank(exam, part_id, index=0):
    return exam.part(part_id).blanks[index]


def test_the_document_compiles_with_pdflatex(tmp_path):
    if not shutil.which("pdflatex"):
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing in CI: .ci/run should install it")
        pytest.skip("pdflatex is not installed")
    for item in DATA.iterdir():
        (shutil.copytree if item.is_dir() else shutil.copy)(item, tmp_path / item.name)
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                             DOCUMENT.name], cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout[-3000:]
    pdf = tmp_path / "exam_all_features.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
        # what the compiled exam prints is what ingest numbers: questions 1..22, parts (a), sub-parts i., α)
        assert "Question 22" in text and "Question 23" not in text
        assert "(b)" in text and "ii." in text and "β)" in text
        assert "This question comes from a file" in text


def test_question_numbers_follow_the_compiled_document(exam):
    assert [q.number for q in exam.questions] == list(range(1, 23))
    assert [p.id for p in exam.questions[2].parts] == ["3.a", "3.b.i", "3.b.ii.α", "3.b.ii.β"]


def test_question_with_points_and_a_numeric_solution(exam):
    part = exam.part("1")
    assert part.points == 2 and part.prompt == "What is $2 + 3$?"
    assert part.kind == "expression" and part.blanks[0].text == "5"


def test_question_without_points_and_choices_with_correct_choice(exam):
    part = exam.part("2")
    assert part.points is None
    assert part.kind == "multiple_choice"
    assert [(c.label, c.text) for c in part.choices] == [
        ("A", "Stochastic gradient descent"), ("B", "Adam"), ("C", "Gradient descent with a fixed step")]
    assert part.blanks[0].correct == ["B"]
    assert "A. Stochastic gradient descent\nB. Adam" in part.prompt  # what a student sees: the options, labelled


def test_titled_question_parts_subparts_subsubparts_and_their_points(exam):
    question = exam.questions[2]
    assert question.title == "Linear algebra" and question.points == 6
    assert [(p.id, p.points) for p in question.parts] == [("3.a", 2), ("3.b.i", 2), ("3.b.ii.α", 1), ("3.b.ii.β", 1)]
    assert exam.part("3.b.ii.α").context == "About $f$:\n\nAnswer both."


def test_every_solution_environment_of_the_class_is_a_solution(exam):
    # solutionorbox, solutionorlines, solutionordottedlines, solutionorgrid (and solution elsewhere)
    assert exam.part("3.a").solution == "The determinant is 1."
    assert exam.part("3.b.i").solution == r"Therefore $\nabla f = 2 \cdot \mathbf{x}$."
    assert exam.part("3.b.ii.α").solution == "Yes."
    assert blank(exam, "3.b.ii.β").number.value == 1
    for part in exam.parts():
        assert "solution" not in part.prompt.lower()  # no key leaks into what a model is shown


def test_checkboxes_are_select_all_with_several_correct_choices(exam):
    part = exam.part("4")
    assert part.kind == "select_all" and part.blanks[0].correct == ["A", "C"]
    assert part.choices[0].text == r"$\mathbb{R}^2$ is a vector space."


def test_oneparchoices_and_oneparcheckboxes(exam):
    assert blank(exam, "5").kind == "multiple_choice" and blank(exam, "5").correct == ["B"]
    assert [c.text for c in exam.part("5").choices] == ["$\\pi$", "$4$", "$3$"]
    assert blank(exam, "6").kind == "select_all" and blank(exam, "6").correct == ["A", "B"]


def test_fillin_answers_are_blanks(exam):
    part = exam.part("7")
    assert part.prompt == "The derivative of $x^2$ is ______ and the capital of France is ______ ."
    assert [(b.id, b.text) for b in part.blanks] == [("1", "$2x$"), ("2", "Paris")]


def test_answerline_answer_is_the_key(exam):
    part = exam.part("8")
    assert part.kind == "numeric" and part.blanks[0].number.value == 8
    assert "8" not in part.prompt


def test_ifprintanswers_branch_is_the_key_and_the_else_branch_the_prompt(exam):
    part = exam.part("9")
    assert part.prompt == "How many sides does a hexagon have?"
    assert part.kind == "numeric" and part.blanks[0].number.value == 6


def test_figure_environment_in_shared_text_marks_the_parts(exam):
    question = exam.questions[9]
    assert "Figure 1 shows its training loss" in question.preamble  # \ref numbered as the PDF prints it
    assert "Figure 1: Training loss per epoch" in question.preamble
    for part_id in ("10.a", "10.b"):
        part = exam.part(part_id)
        assert part.needs_figure and [(f.path, f.caption) for f in part.figures] == [
            ("figures/plot.png", "Figure 1: Training loss per epoch")]


def test_centered_includegraphics_and_a_question_that_points_at_it(exam):
    part = exam.part("11")
    assert part.needs_figure and part.figures[0].path == "figures/plot.png"
    assert blank(exam, "11").number.value == 0.9
    assert not exam.part("12").needs_figure and exam.part("12").figures == []


def test_verbatim_is_code_and_unknown_commands_are_kept(exam):
    part = exam.part("12")
    assert "```\nprint(sum(range(4)))   # 0 + 1 + 2 + 3\n```" in part.prompt
    assert r"\term{program}" in part.prompt  # \NewDocumentCommand is not expanded: the command stays as written


def test_lstlisting_and_minted_are_code(exam):
    part = exam.part("13")
    assert "```python\ndef mean(xs):\n    return sum(xs) / (len(xs) - 1)\n```" in part.prompt
    assert part.kind == "code"
    assert part.solution == "```python\ndef mean(xs):\n    return sum(xs) / len(xs)\n```"


def test_math_is_kept_as_latex_source(exam):
    assert exam.part("14").prompt == "Find $x$ such that\n\n$$2x + 1 = 7.$$"
    assert exam.part("14").solution == "$$\\begin{align*}2x + 1 &= 7 \\\\\nx &= 3\\end{align*}$$"
    assert blank(exam, "14").latex == "x = 3"
    assert "$$\\mathcal{L}(w) = \\left\\lVert w \\right\\rVert ^2 .$$" in exam.part("15").prompt
    assert blank(exam, "15").text == "2w"


def test_macros_defined_in_the_document_are_expanded(exam):
    assert exam.title == "CS 101 Final Exam"  # \newcommand with an optional argument's default
    assert exam.questions[2].preamble.startswith(r"Let $A \in \mathbb{R}^{2 \times 2}$")  # \newcommand
    assert r"\mathbf{x}" in exam.questions[2].preamble  # \renewcommand{\vec}
    assert r"2 \cdot \mathbf{x}" in exam.part("3.b.i").solution  # \def with a parameter
    assert r"\mathcal{L}" in exam.part("15").prompt  # \def without


def test_bonus_question_and_bonus_part(exam):
    assert exam.questions[15].bonus and exam.part("16").bonus and exam.part("16").points == 2
    question = exam.questions[16]
    assert not question.bonus and question.points == 4  # the bonus point is not in the total
    assert [(p.id, p.points, p.bonus) for p in question.parts] == [("17.a", 4, False), ("17.b", 1, True)]


def test_points_macros_are_read_and_ignored(exam):
    everything = exam.model_dump_json()
    for name in ("pointsinmargin", "bracketedpoints", "droppoints", "pointpoints", "qformat", "totalpoints"):
        assert name not in everything


def test_warnings_for_points_no_solution_no_key_and_an_unknown_environment(exam):
    assert "18: the parts add up to 4 points, the header says 5" in exam.warnings
    assert "19: no solution found; its key is empty" in exam.warnings
    assert any(w.startswith("20: no option is marked correct") for w in exam.warnings)
    assert any(w.startswith("21: \\begin{verse} holds a block that starts like a solution") for w in exam.warnings)
    assert blank(exam, "21").number.value == 100 and "Solution" not in exam.part("21").prompt
    assert len(exam.warnings) == 4


def test_input_file_is_read_from_the_documents_folder(exam):
    part = exam.part("22")
    assert part.prompt.startswith("This question comes from a file the exam reads with `\\input`.")
    assert blank(exam, "22").text == "5"


def test_the_document_is_a_key_tabench_grades_against(tmp_path):
    from typer.testing import CliRunner

    from tabench.cli import app

    # choice and numeric keys only: a symbolic check is bounded in time, so a loaded machine could make it undecided
    answers = {"2": "B", "5": "(B)", "8": "8", "9": "The answer is 6.", "3.b.ii.β": "1", "11": "0.9",
               "18.a": "3"}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    result = CliRunner().invoke(app, ["grade", str(DOCUMENT), str(path), "--json", "--no-store"])
    assert result.exit_code == 0, result.output
    verdicts = {v["part_id"]: v["verdict"] for v in json.loads(result.stdout)}
    assert {part: verdicts[part] for part in answers} == {**{part: "correct" for part in answers}, "18.a": "incorrect"}
    assert verdicts["4"] == "missing" and len(verdicts) == len(ingest(DOCUMENT).parts())


def test_json_round_trip(exam):
    from tabench.model import ProblemSet

    assert ProblemSet.model_validate_json(exam.model_dump_json()) == exam
