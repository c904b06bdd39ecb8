"""Round trip: exam-class documents compiled with pdflatex, then ingested as PDF, give the part ids (and the
choice keys) the compiled documents show.

The corpus's exam-class sources (../shared/corpus/latex_exam) and documents written here in other exam-class
styles are compiled with their solutions printed (class option `answers`; graphicx's `demo` option stands in
for figures that were not copied; packages that are not installed get an empty stand-in, and the one
environment the corpus needs from one of them a listings-based one). The expected ids are what each compiled
document shows, from the truth files where they exist. The LaTeX ingest of the same sources is compared
with these ids elsewhere, once both readers are in.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SHARED
from tabench.ingest import load_problem_set

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("kpsewhich") is None,
                                reason="pdflatex (texlive) is not installed")

CORPUS = SHARED / "corpus"
STAND_INS = {  # what a missing package must at least define for the corpus to compile
    "pythonhighlight": "\\RequirePackage{listings}\n\\lstnewenvironment{python}[1][]"
                       "{\\lstset{basicstyle=\\ttfamily\\small,columns=fullflexible,keepspaces=true}}{}\n",
}


def compile_exam(source: str, name: str, folder: Path) -> Path:
    """The PDF of an exam-class document, solutions printed, compiled twice (for point totals)."""
    tex = folder / f"{name}.tex"
    tex.write_text(source)
    for package in re.findall(r"\\usepackage(?:\[[^\]]*\])?\{([^}]+)\}", source):
        for single in (p.strip() for p in package.split(",")):
            found = subprocess.run(["kpsewhich", f"{single}.sty"], capture_output=True, text=True).stdout.strip()
            if not found:
                (folder / f"{single}.sty").write_text(f"\\ProvidesPackage{{{single}}}\n" + STAND_INS.get(single, ""))
    command = ["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", f"-jobname={name}",
               f"\\PassOptionsToPackage{{demo}}{{graphicx}}\\PassOptionsToClass{{answers}}{{exam}}\\input{{{name}.tex}}"]
    for _ in range(2):
        subprocess.run(command, cwd=folder, capture_output=True, timeout=120)
    pdf = folder / f"{name}.pdf"
    assert pdf.exists(), f"pdflatex produced no PDF for {name}"
    return pdf


def truth_ids(name):
    return [part["id"] for part in json.loads((CORPUS / "truth" / f"{name}.json").read_text())]


# ---- documents written here, in exam-class styles the corpus does not use -----------------------

DEFAULT_STYLE = r"""\documentclass[addpoints]{exam}
\usepackage{amsmath}
\begin{document}
\begin{center}\Large Probability --- Midterm\end{center}
\begin{questions}
\question[10] A fair coin is tossed three times.
\begin{parts}
\part[4] How many outcomes are in the sample space?
\begin{solution}There are $2^3 = 8$ outcomes.\end{solution}
\part[6] Let $X$ be the number of heads.
\begin{subparts}
\subpart[3] What is $P(X = 2)$?
\begin{solution}$P(X=2) = \frac{3}{8}$.\end{solution}
\subpart[3] What is $E[X]$?
\begin{solution}$E[X] = 1.5$\end{solution}
\end{subparts}
\end{parts}
\question[5] State Bayes' rule.
\begin{solution}$P(A \mid B) = \frac{P(B \mid A) P(A)}{P(B)}$\end{solution}
\question[6] Which distribution models the number of arrivals in a fixed interval?
\begin{choices}
\choice Binomial
\CorrectChoice Poisson
\choice Normal
\choice Uniform
\end{choices}
\question[4] Select the statements that are true.
\begin{checkboxes}
\CorrectChoice Variance is never negative.
\choice The median always equals the mean.
\CorrectChoice $E[aX] = aE[X]$ for a constant $a$.
\end{checkboxes}
\end{questions}
\end{document}
"""

TITLED_STYLE = r"""\documentclass[addpoints]{exam}
\usepackage{amsmath,xcolor}
\qformat{\textbf{Question \thequestion: \thequestiontitle}\hfill(\totalpoints~points)}
\CorrectChoiceEmphasis{\color{red}}
\begin{document}
\begin{questions}
\titledquestion{Gradient descent}
\begin{parts}
\part[3] What is the update rule of gradient descent with step size $\eta$?
\begin{solution}$\theta_{t+1} = \theta_t - \eta \nabla L(\theta_t)$\end{solution}
\part[3] Which step size makes gradient descent on $f(x) = x^2$ converge in one step?
\begin{choices}
\choice $\eta = 1$
\CorrectChoice $\eta = 0.5$
\choice $\eta = 2$
\end{choices}
\end{parts}
\titledquestion{Convexity}[4]
Prove that the sum of two convex functions is convex.
\begin{solution}For $\lambda \in [0,1]$, $(f+g)(\lambda x + (1-\lambda) y) \le \lambda (f+g)(x) + (1-\lambda)(f+g)(y)$
by adding the two inequalities.\end{solution}
\titledquestion{Regularization}[5]
Which penalty gives sparse weights?
\begin{oneparchoices}
\choice L2
\CorrectChoice L1
\choice none
\end{oneparchoices}
\end{questions}
\end{document}
"""

TWO_COLUMN = r"""\documentclass[twocolumn]{exam}
\begin{document}
\begin{questions}
""" + "\n".join(
    rf"""\question[4] Question {n} asks about topic {n}, with enough words to wrap onto a second line of its column.
\begin{{parts}}
\part[2] What is {n} plus {n}?
\begin{{solution}}It is {2 * n}.\end{{solution}}
\part[2] What is {n} times {n}?
\begin{{solution}}It is {n * n}.\end{{solution}}
\end{{parts}}""" for n in range(1, 9)) + r"""
\end{questions}
\end{document}
"""

SOLUTION_BOXES = r"""\documentclass[addpoints]{exam}
\begin{document}
\begin{questions}
\question[3] How many bits are in a byte?
\begin{solutionorbox}[1in] 8 bits. \end{solutionorbox}
\question Answer both parts.
\begin{parts}
\part[2] Name the sorting algorithm with $O(n \log n)$ worst case that sorts in place.
\begin{solutionordottedlines}[1in] Heapsort. \end{solutionordottedlines}
\part[2] Name a stable sorting algorithm.
\begin{solutionorlines}[1in] Merge sort. \end{solutionorlines}
\end{parts}
\bonusquestion[2] How many comparisons does merge sort make on 2 elements?
\begin{solution} 1 \end{solution}
\end{questions}
\end{document}
"""

COLOURED = r"""\documentclass[addpoints]{exam}
\usepackage{amsmath,xcolor}
\qformat{\color{blue}\textbf{Question \thequestion}\hfill\textbf{(\totalpoints~points)}}
\SolutionEmphasis{\color{red}}
\unframedsolutions
\renewcommand{\solutiontitle}{}
\CorrectChoiceEmphasis{\color{red}}
\begin{document}
\begin{center}\color{blue}\Large Networks --- Quiz 4\end{center}
\begin{questions}
\question[3] How many edges does a complete graph on 5 vertices have?
\begin{solution} It has $\binom{5}{2} = 10$ edges, one for each pair of vertices. \end{solution}
\question
\begin{parts}
\part[2] Which traversal visits vertices in order of distance from the start?
\begin{choices}
\choice depth-first search
\CorrectChoice breadth-first search
\choice topological sort
\end{choices}
\part[2] Name an algorithm for shortest paths with non-negative edge weights.
\begin{solution} Dijkstra's algorithm, which always settles the closest vertex not yet settled. \end{solution}
\end{parts}
\end{questions}
\end{document}
"""

OWN = {
    "own_default": (DEFAULT_STYLE, "1.a 1.b.i 1.b.ii 2 3 4".split()),
    "own_titled": (TITLED_STYLE, "1.a 1.b 2 3".split()),
    "own_two_column": (TWO_COLUMN, [f"{n}.{p}" for n in range(1, 9) for p in "ab"]),
    "own_solution_boxes": (SOLUTION_BOXES, "1 2.a 2.b 3".split()),
    "own_coloured": (COLOURED, "1 2.a 2.b".split()),
}

CORPUS_EXPECTED = {
    "introdatasci_mock_exam": truth_ids("introdatasci_mock_exam"),
    "stat50_quiz1": truth_ids("stat50_quiz1"),
    "stat50_quiz2": ["1", "2.a", "2.b"],
    "math307_quiz2": ["1", "2", "3"],
    # "Problem 1." holds ten numbered True/False/Open items, the key highlighted; problems 2-7 have no parts
    "cmc_csci145_midterm1": [f"1.{n}" for n in range(1, 11)] + [str(n) for n in range(2, 8)],
}


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exams")
    pdfs = {}
    for name in CORPUS_EXPECTED:
        pdfs[name] = compile_exam((CORPUS / "latex_exam" / f"{name}.tex").read_text(), name, folder)
    for name, (source, _) in OWN.items():
        pdfs[name] = compile_exam(source, name, folder)
    return {name: load_problem_set(pdf) for name, pdf in pdfs.items()}


def test_part_ids_round_trip_over_all_documents(compiled):
    expected = {**CORPUS_EXPECTED, **{name: ids for name, (_, ids) in OWN.items()}}
    found = total = 0
    missed = {}
    for name, ids in expected.items():
        ours = [part.id for part in compiled[name].parts()]
        hits = sum(1 for part_id in ids if part_id in ours)
        found += hits
        total += len(ids)
        if ours != ids:
            missed[name] = (ours, ids)
    share = found / total
    assert share >= 0.95, f"{found}/{total} = {share:.1%} of the ids; differing: {missed}"
    assert missed == {}, f"{found}/{total} ids found; documents whose ids differ: {missed}"


def _keyed(part):
    blank = part.blanks[0]
    return [choice.text for choice in blank.choices if choice.label in blank.correct]


def test_choice_keys_round_trip(compiled):
    own = compiled["own_default"]
    assert _keyed(own.part("3")) == ["Poisson"]  # \CorrectChoice in bold
    assert own.part("4").kind == "select_all"
    assert sorted(_keyed(own.part("4"))) == ["$E[aX] = aE[X]$ for a constant $a.$", "Variance is never negative."]
    titled = compiled["own_titled"]
    assert _keyed(titled.part("1.b")) == ["η = 0.5"]  # \CorrectChoice in red
    assert _keyed(titled.part("3")) == ["L1"]  # choices on one line
    for problem_set in (own, titled):
        for part in problem_set.parts():  # what a student sees sets no option apart
            assert "●" not in part.prompt and "☒" not in part.prompt and "**Poisson**" not in part.prompt


def test_solutions_in_colour_without_markers(compiled):
    problem_set = compiled["own_coloured"]  # blue headers, solutions and the correct choice in red, no "Solution:"
    assert problem_set.part("1").solution.startswith("It has")
    assert "10 edges" not in problem_set.part("1").prompt
    assert _keyed(problem_set.part("2.a")) == ["breadth-first search"]
    assert problem_set.part("2.b").solution.startswith("Dijkstra")
    assert problem_set.title == "Networks — Quiz 4"


def test_points_and_titles_round_trip(compiled):
    titled = compiled["own_titled"]
    assert [(q.title, q.points) for q in titled.questions] == [("Gradient descent", 6), ("Convexity", 4),
                                                              ("Regularization", 5)]
    assert [p.points for p in compiled["own_default"].parts()] == [4, 3, 3, 5, 6, 4]
    assert [p.points for p in compiled["introdatasci_mock_exam"].parts()] == \
        [t["points"] for t in json.loads((CORPUS / "truth" / "introdatasci_mock_exam.json").read_text())]


def test_two_columns_are_read_column_by_column(compiled):
    problem_set = compiled["own_two_column"]
    for n in range(1, 9):
        assert problem_set.part(f"{n}.a").solution == f"It is {2 * n}."
        assert problem_set.part(f"{n}.b").solution == f"It is {n * n}."
        assert problem_set.questions[n - 1].preamble.startswith(f"Question {n} asks about topic {n}")


def test_true_false_open_keys_from_highlights(compiled):
    problem_set = compiled["cmc_csci145_midterm1"]
    keys = [problem_set.part(f"1.{n}").solution for n in range(1, 11)]
    source = (CORPUS / "latex_exam" / "cmc_csci145_midterm1.tex").read_text()
    written = re.findall(r"^\s*\\item\{?(?:\\sout\{)?\\TFQuestion\{([TFO])\}", source, re.M)
    assert keys == [{"T": "True", "F": "False", "O": "Open"}[letter] for letter in written]
