"""LaTeX ingest of homework written without the exam class: documents in tests/data/latex/homework_*.tex, one per
style of issue 11 (they compile with pdflatex, tested here), and the macro expansion and includes they rely on."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tabench import ingest
from tabench.errors import ParseError
from tabench.ingest.latex import parse_latex

DATA = Path(__file__).parent / "data" / "latex"
HOMEWORK = sorted(DATA.glob("homework_*.tex"))


@pytest.mark.parametrize("path", HOMEWORK, ids=lambda path: path.stem)
def test_homework_documents_compile_with_pdflatex(path, tmp_path):
    if not shutil.which("pdflatex"):
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing in CI: .ci/run should install it")
        pytest.skip("pdflatex is not installed")
    shutil.copy(path, tmp_path / path.name)
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", path.name],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]


# ---- \section*{Problem N}, \subsection*{(a)}, a custom solution environment, proof, "Solution:" paragraphs -------

@pytest.fixture(scope="module")
def sections():
    return ingest(DATA / "homework_sections.tex")


def test_starred_sections_are_problems_and_subsections_parts(sections):
    assert [(p.id, p.points) for p in sections.parts()] == [("1.a", 5), ("1.b", 5), ("2", 5), ("3", 5), ("4", None)]
    assert [q.title for q in sections.questions] == ["Problem 1", "Irrationality", "Problem 3", "Problem 4"]
    assert sections.questions[0].preamble == "A fair die is rolled twice."
    assert sections.title == "Probability, Homework 4"
    assert all("Instructions" not in q.preamble for q in sections.questions)


def test_custom_solution_environment(sections):
    assert sections.part("1.a").solution == r"Therefore $P = \frac{1}{36}$."
    assert sections.part("1.a").blanks[0].latex == r"P = \frac{1}{36}"
    assert sections.part("1.b").blanks[0].number.value == 6
    assert "Solution" not in sections.part("1.a").prompt


def test_proof_environment_is_the_solution(sections):
    part = sections.part("2")
    assert part.kind == "derivation" and part.solution.startswith(r"Suppose $\sqrt{2} = p/q$ in lowest terms.")
    assert part.prompt == r"Prove that $\sqrt{2}$ is irrational."


def test_bold_solution_paragraph_is_the_solution_and_macros_are_expanded(sections):
    part = sections.part("3")
    assert part.prompt.endswith(r"What is $\mathbb{E}[X]$?")
    assert part.solution == r"$\mathbb{E}[X] = 0 \cdot \frac12 + 2 \cdot \frac12 = 1$."
    assert part.blanks[0].text == "1"
    assert sections.part("4").blanks[0].latex == "p(1-p)"


# ---- one enumerate of problems, enumitem parts, a \solution{…} macro, a keyed option in red ------------------------

@pytest.fixture(scope="module")
def enumerated():
    return ingest(DATA / "homework_enumerate.tex")


def test_enumerate_items_holding_solutions_are_problems_with_enumitem_parts(enumerated):
    assert [p.id for p in enumerated.parts()] == ["1.a", "1.b", "2", "3"]
    assert enumerated.title == "Linear Algebra — Problem Set 2 — Due Friday"
    assert enumerated.questions[0].preamble == r"Let $\mathbf{u} = (1, 2)$ and $\mathbf{v} = (3, 4)$."


def test_solution_macro_defined_in_the_file(enumerated):
    assert enumerated.part("1.a").solution == r"$\mathbf{u} \cdot \mathbf{v} = 1 \cdot 3 + 2 \cdot 4 = 11$."
    assert enumerated.part("1.a").blanks[0].text == "11"
    assert enumerated.part("1.b").blanks[0].text == r"\sqrt{5}"
    assert enumerated.part("3").kind == "derivation"
    assert "Solution" not in enumerated.part("1.a").prompt + enumerated.part("3").solution


def test_option_in_red_is_the_keyed_choice(enumerated):
    part = enumerated.part("2")
    assert part.kind == "multiple_choice" and part.blanks[0].correct == ["B"]
    assert [c.label for c in part.choices] == ["A", "B", "C"]
    assert part.choices[1].text == r"$\begin{pmatrix} 1 & 2 \\ 2 & 4 \end{pmatrix}$"
    assert "B. $\\begin{pmatrix} 1 & 2" in part.prompt


# ---- \textbf{Problem N.}, (a) paragraphs, an enumerate-package list, answers only in colour --------------------

@pytest.fixture(scope="module")
def coloured():
    return ingest(DATA / "homework_bold_colour.tex")


def test_bold_problem_headings_and_points_after_them(coloured):
    assert [(p.id, p.points) for p in coloured.parts()] == [("1.a", 2), ("1.b", 2), ("2", None), ("3.a", None),
                                                            ("3.b", None)]
    assert coloured.questions[0].preamble == "A car travels 100 m in 20 s."


def test_coloured_text_is_the_answer_when_nothing_else_is(coloured):
    assert coloured.part("1.a").prompt == "How fast is it going, in m/s?"
    assert coloured.part("1.a").blanks[0].number.value == 5
    assert coloured.part("1.b").blanks[0].number.value == 60 and coloured.part("1.b").blanks[0].number.unit == "s"
    assert coloured.part("3.a").solution == "The newton." and coloured.part("3.b").blanks[0].number.value == 60
    assert coloured.warnings == []


def test_coloured_option_of_an_itemize_is_the_key(coloured):
    part = coloured.part("2")
    assert part.kind == "multiple_choice"
    assert [(c.label, c.text) for c in part.choices] == [("A", "Mass"), ("B", "Velocity"), ("C", "Temperature")]
    assert part.blanks[0].correct == ["B"]


# ---- macros: expanded, bounded, kept as text when unknown ---------------------------------------------------------

def body(text: str) -> str:
    return "\\begin{document}\n" + text + "\n\\end{document}\n"


def one_part(source: str):
    problem_set = parse_latex(source)
    assert len(problem_set.parts()) == 1
    return problem_set, problem_set.parts()[0]


def test_newcommand_with_arguments_and_default_and_def_are_expanded():
    source = (r"\newcommand{\pair}[2]{(#1, #2)}\newcommand{\greet}[1][world]{hello #1}\def\sq#1{#1^2}"
              + body(r"\section*{Problem 1} What is \greet{} at $\pair{a}{\sq{b}}$?"
                     r" \begin{solution} $\sq{3} = 9$ \end{solution}"))
    _, part = one_part(source)
    assert part.prompt == "What is hello world at $(a, b^2)$?"
    assert part.solution == "$3^2 = 9$"


def test_unknown_macros_are_kept_as_text_and_known_symbols_are_written_out():
    _, part = one_part(body(r"\section*{Problem 1} Compute \mystery{x}{y} and $\weird z$. "
                            r"\begin{solution} 3 \end{solution}"))
    assert part.prompt == r"Compute \mystery{x}{y} and $\weird z$."
    _, part = one_part(body(r"\section*{Problem 1} Caf\'e, Stra\ss e, \S 3, \today. \begin{solution} 3 \end{solution}"))
    assert part.prompt == r"Café, Straße, §3, \today."  # TeX, too, drops the space after \S


def test_a_macro_that_expands_into_itself_stops_with_a_warning():
    problem_set, part = one_part(r"\def\a{\a\a}"
                                 + body(r"\section*{Problem 1} Loop: \a. \begin{solution} 1 \end{solution}"))
    assert part.solution == "1" and r"\a" in part.prompt
    assert any("expands into itself" in warning for warning in problem_set.warnings)


def test_a_macro_whose_expansion_explodes_stops_at_the_budget():
    definitions = r"\def\a{xxxxxxxxxx}" + "".join(
        rf"\def\{name}{{" + (f"\\{previous}" * 10) + "}" for previous, name in zip("abcdefg", "bcdefgh"))
    problem_set, part = one_part(definitions + body(r"\section*{Problem 1} \h \begin{solution} 1 \end{solution}"))
    assert len(part.prompt) < 25_000_000
    assert any("expansion stopped" in warning for warning in problem_set.warnings)


def test_conditionals_the_key_shows_and_switches():
    source = (r"\newif\ifhard \hardfalse \newboolean{showkey}\setboolean{showkey}{true}"
              + body(r"\section*{Problem 1} \ifhard Hard version. \else Easy version. \fi"
                     r" \ifthenelse{\equal{x}{x}}{Same.}{Different.} What is $1+1$?"
                     r" \ifthenelse{\boolean{showkey}}{The answer is $2$.}{}"))
    _, part = one_part(source)
    assert part.prompt == "Easy version. Same. What is $1+1$?"
    assert part.solution == "The answer is $2$."


def test_solution_environment_hidden_by_the_document_is_still_read():
    source = (r"\usepackage{comment}\excludecomment{solution}\excludecomment{notes}"
              + body(r"\section*{Problem 1} What is $2+2$? \begin{solution} $2+2=4$ \end{solution}"
                     r"\begin{notes} staff notes \end{notes}"))
    _, part = one_part(source)
    assert part.solution == "$2+2=4$" and "staff notes" not in part.prompt


def test_includes_are_read_from_the_documents_folder_and_a_missing_one_is_a_warning(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "problem1.tex").write_text(r"\section*{Problem 1} What is $3 \times 4$? "
                                                   r"\begin{solution} $3 \times 4 = 12$ \end{solution}")
    (tmp_path / "macros.tex").write_text(r"\newcommand{\answer}{\textbf{Answer:}}")
    document = tmp_path / "hw.tex"
    document.write_text(r"\input{macros}" + body(r"\input{sub/problem1}\include{missing}"))
    problem_set = ingest(document)
    assert [p.id for p in problem_set.parts()] == ["1"] and problem_set.part("1").blanks[0].text == "12"
    assert problem_set.warnings == [
        "\\include{missing} (line 2): no such file beside the document; its content is missing"]


def test_a_document_that_includes_itself_reads_itself_once(tmp_path):
    document = tmp_path / "loop.tex"
    document.write_text(body(r"\section*{Problem 1} Why? \begin{solution} Because. \end{solution}\input{loop}"))
    problem_set = ingest(document)
    assert len(problem_set.parts()) == 1
    assert any("includes itself" in warning for warning in problem_set.warnings)


def test_list_items_with_repeated_or_empty_labels_are_lettered_in_order():
    source = body(r"\section*{Problem 1} Answer each. \begin{enumerate}\item[(a)] x? \begin{solution}1\end{solution}"
                  r"\item[(a)] y? \begin{solution}2\end{solution}\item[] z? \begin{solution}3\end{solution}"
                  r"\end{enumerate}")
    problem_set = parse_latex(source)
    assert [p.id for p in problem_set.parts()] == ["1.a", "1.b", "1.c"]
    assert problem_set.warnings == ["1: parts labelled (a), (a), () are numbered a, b, c in document order"]


def test_the_exam_class_numbers_questions_on_across_sections_and_question_lists():
    source = (r"\documentclass{exam}" + body(
        r"\section*{Part I}\begin{questions}\question What is $1+1$? \begin{solution}$2$\end{solution}"
        r"\question What is $2+2$? \begin{solution}$4$\end{solution}\end{questions}"
        r"\section*{Part II}\begin{questions}\question What is $3+3$? \begin{solution}$6$\end{solution}"
        r"\end{questions}"))
    problem_set = parse_latex(source)
    assert [(p.id, p.blanks[0].text) for p in problem_set.parts()] == [("1", "2"), ("2", "4"), ("3", "6")]


def test_a_correct_choice_only_the_key_prints():
    source = (r"\documentclass{exam}" + body(
        r"\begin{questions}\question Pick one. \begin{choices}\choice Red"
        r"\ifprintanswers\CorrectChoice\else\choice\fi Green \choice Blue\end{choices}\end{questions}"))
    _, part = one_part(source)
    assert [c.text for c in part.choices] == ["Red", "Green", "Blue"] and part.blanks[0].correct == ["B"]


def test_a_control_space_does_not_hide_the_solution_label_after_it():
    source = body("\\noindent \\textbf{Problem 1.}\\\\\nConsider $A$:\n\\begin{enumerate}\\item Find $x$."
                  "\\item Find $y$."
                  "\\end{enumerate}\n\n\\\n\n\\noindent \\textbf{Solution}\\\\\n\\begin{enumerate}\\item $x = 1$."
                  "\\item $y = 2$.\\end{enumerate}")
    problem_set = parse_latex(source)
    assert [(p.id, p.blanks[0].text) for p in problem_set.parts()] == [("1.1", "1"), ("1.2", "2")]


def test_points_written_after_a_part_label_and_points_that_do_not_add_up():
    source = body(r"\section*{Problem 1 (10 points)} Two parts." "\n\n" r"(a) (3 pts) Find $x$. "
                  r"\begin{solution} $x = 1$ \end{solution}" "\n\n" r"(b) [5 points] Find $y$. "
                  r"\begin{solution} $y = 2$ \end{solution}")
    problem_set = parse_latex(source)
    assert [(p.id, p.points, p.prompt) for p in problem_set.parts()] == [("1.a", 3, "Find $x$."),
                                                                        ("1.b", 5, "Find $y$.")]
    assert problem_set.warnings == ["1: the parts add up to 8 points, the header says 10"]


def test_a_books_part_heading_is_not_an_exam_part():
    source = (r"\documentclass{book}" + body(r"\part{Foundations} Some text. \section*{Problem 1} What is $1+1$?"
                                               r" \begin{solution} $1+1=2$ \end{solution}"))
    _, part = one_part(source)
    assert part.id == "1" and part.blanks[0].text == "2"


def test_text_with_no_problems_is_one_clear_error():
    with pytest.raises(ParseError, match="no questions found"):
        parse_latex(body("Just some notes about $x$."))
