"""LaTeX ingest on real course documents (../shared/corpus/latex_exam and latex_other, copied unchanged).

Every file ingests. For the documents with a hand-made answer key in corpus/truth, part ids and points must all
agree; kinds and keys are measured (the kind and key rules are key.py's, shared with Markdown ingest), and the
figure measured is stated per document below: a change that lowers it fails. For the others, the structure a
reader sees in the source is checked: which questions and parts there are and a few keys.
"""

import json
import re

import pytest

from conftest import SHARED
from tabench import ingest

CORPUS = SHARED / "corpus"
DOCUMENTS = sorted((CORPUS / "latex_exam").glob("*.tex")) + sorted((CORPUS / "latex_other").glob("*.tex"))

# measured on this branch: agreeing / compared (keys: parts whose truth has a final answer)
MEASURED = {
    "introdatasci_mock_exam": {"ids": (32, 32), "points": (32, 32), "kinds": (24, 32), "keys": (21, 30)},
    "stat50_quiz1": {"ids": (6, 6), "points": (6, 6), "kinds": (6, 6), "keys": (6, 6)},
}


def test_the_corpus_has_the_documents_this_file_measures():
    names = {path.stem for path in DOCUMENTS}
    assert len(DOCUMENTS) == 8 and set(MEASURED) <= names
    assert {path.stem for path in (CORPUS / "truth").glob("*.json")} & names == set(MEASURED)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.stem)
def test_every_corpus_document_ingests(path):
    problem_set = ingest(path)
    ids = [part.id for part in problem_set.parts()]
    assert ids and len(ids) == len(set(ids))
    for part in problem_set.parts():
        assert part.prompt.strip(), part.id
        assert "\x00" not in part.prompt + part.solution
        assert not re.search(r"\\(?:begin|end)\{(?:solution|parts|questions|choices)\}", part.prompt), part.id


# ---- documents with an answer key in corpus/truth -----------------------------------------------------------------

_STOP = {"the", "and", "for", "are", "that", "with", "this", "from", "its", "into", "all", "between"}


def _tokens(text: str | None) -> list[str]:
    """Words and numbers of an answer, LaTeX commands dropped, \\frac{a}{b} read as a/b, 2,200 as 2200."""
    text = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", text or "")
    text = re.sub(r"\\[A-Za-z]+", " ", text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text.lower())
    return [word for word in re.findall(r"[a-z]+|\d+(?:\.\d+)?", text) if len(word) >= 2 or word.isdigit()
            if word not in _STOP]


def _key_words(part) -> set[str]:
    pieces = []
    for blank in part.blanks:
        pieces += blank.correct + [blank.text or "", blank.latex or ""] + blank.accepts
        if blank.number is not None:
            pieces.append(f"{blank.number.value:g}")
    return set(_tokens(" ".join(pieces)))


def key_agrees(part, entry) -> bool:
    """The truth's final answer is in our key: the same choice labels, the same number, or at least 60% of its
    words and numbers."""
    if entry["correct_choices"] is not None:
        return sorted(entry["correct_choices"]) == sorted(b for blank in part.blanks for b in blank.correct)
    words = _tokens(entry["final_answer"])
    numbers = [b.number.value for b in part.blanks if b.number is not None]
    if entry["type"] == "numeric" and numbers and words and words[0].replace(".", "").isdigit():
        return float(words[0]) in numbers
    ours = _key_words(part)
    return bool(words) and sum(word in ours for word in words) / len(words) >= 0.6


def points_agree(part, entry, question) -> bool:
    """Equal points; where only the parent prints points (truth null), the part's share of them."""
    if entry["points"] is not None:
        return part.points == entry["points"]
    return part.points is None or part.points * len(question.parts) == question.points


def measure(name: str) -> dict[str, tuple[int, int]]:
    truth = json.loads((CORPUS / "truth" / f"{name}.json").read_text())
    problem_set = ingest(next(CORPUS.glob(f"latex_*/{name}.tex")))
    parts = {part.id: part for part in problem_set.parts()}
    found = [(entry, parts[entry["id"]]) for entry in truth if entry["id"] in parts]
    keyed = [(entry, part) for entry, part in found if entry["final_answer"] is not None]
    return {
        "ids": (len(found), max(len(truth), len(parts))),
        "points": (sum(points_agree(p, e, problem_set.question_of(p.id)) for e, p in found), len(truth)),
        "kinds": (sum(e["type"] == p.kind for e, p in found), len(truth)),
        "keys": (sum(key_agrees(p, e) for e, p in keyed), len(keyed)),
    }


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_ids_and_points_agree_with_the_answer_key_and_kinds_and_keys_hold_their_measure(name):
    got = measure(name)
    expected = MEASURED[name]
    figure = ", ".join(f"{what} {got[what][0]}/{got[what][1]}" for what in ("ids", "points", "kinds", "keys"))
    print(f"{name}: {figure}")
    assert got["ids"] == expected["ids"] and got["ids"][0] == got["ids"][1], figure
    assert got["points"] == expected["points"] and got["points"][0] == got["points"][1], figure
    for what in ("kinds", "keys"):
        assert got[what][1] == expected[what][1], figure
        assert got[what][0] >= expected[what][0], f"{what} fell below the measured {expected[what][0]}: {figure}"


def test_key_agreement_rule_on_known_pairs():
    """The measuring rule itself, on hand-picked cases both ways."""
    problem_set = ingest(CORPUS / "latex_exam" / "stat50_quiz1.tex")
    loans = problem_set.part("2.a")
    assert key_agrees(loans, {"type": "numeric", "correct_choices": None, "final_answer": "2,200 ± 200 loans"})
    assert not key_agrees(loans, {"type": "numeric", "correct_choices": None, "final_answer": "2,400 loans"})
    first = problem_set.part("1.a")
    assert key_agrees(first, {"type": "short_text", "correct_choices": None,
                              "final_answer": "False (names starting with 'A' are more likely)"})
    assert not key_agrees(first, {"type": "short_text", "correct_choices": None, "final_answer": "True"})


# ---- documents without an answer key: the structure their source shows ----------------------------------------------

def ids_of(name: str) -> list[str]:
    return [part.id for part in ingest(next(CORPUS.glob(f"latex_*/{name}.tex"))).parts()]


def test_stat50_quiz2_questions_parts_points_and_a_count():
    problem_set = ingest(CORPUS / "latex_exam" / "stat50_quiz2.tex")
    assert [(p.id, p.points) for p in problem_set.parts()] == [("1", 5), ("2.a", 3), ("2.b", 2)]
    assert problem_set.part("2.a").blanks[0].number.value == 24
    assert problem_set.title == "Quiz - 7 February 2020 — STAT 50 - Prof. Fitzgerald"


def test_math307_solutions_hidden_in_print_are_read_and_math_kept():
    problem_set = ingest(CORPUS / "latex_exam" / "math307_quiz2.tex")
    assert [(p.id, p.points) for p in problem_set.parts()] == [("1", 3), ("2", 3), ("3", 3)]
    second = problem_set.part("2")
    assert "$$u(x,y) = e^x\\sin y + 2xy + y,$$" in second.prompt
    assert second.blanks[0].latex.replace(" ", "") == "v=-e^x\\cosy+y^2-x^2-x"
    third = problem_set.part("3")  # three alternative solutions, each its own segment
    assert third.solution.count("Solution") == 0 and "$f(z)=e^{-z^2}$" in third.solution
    assert problem_set.title == "MATH 307 — Quiz #2"


def test_cmc_midterm_problems_are_theorem_environments_and_true_false_keys_come_from_the_highlight():
    problem_set = ingest(CORPUS / "latex_exam" / "cmc_csci145_midterm1.tex")
    assert ids_of("cmc_csci145_midterm1") == [f"1.{n}" for n in range(1, 11)] + ["2", "3", "4", "5", "6", "7"]
    assert [q.title for q in problem_set.questions[:2]] == ["Problem 1", "Problem 2"]
    keys = [problem_set.part(f"1.{n}").blanks[0].text for n in range(1, 11)]
    assert keys == ["Open", "True", "True", "False", "True", "True", "False", "True", "True", "False"]
    first = problem_set.part("1.1")
    assert first.prompt.startswith("`True` `False` `Open`") and "highlight" not in first.prompt
    assert "Everyone awarded +1 point" in problem_set.part("1.4").prompt
    # a solution environment after \end{problem} belongs to that problem; two of them are two segments
    assert "I also awarded full credit" in problem_set.part("2").solution
    assert problem_set.part("3").blanks[0].latex == "O(n^2)"
    assert r"\mathbf x{\mathbf x}^{T}\mathbf x" in problem_set.part("1.3").prompt  # \x\trans\x\x expanded


def test_harvard_section_notes_practice_problems_are_a_list_of_problems_with_solutions():
    problem_set = ingest(CORPUS / "latex_other" / "harvard_cs181_s18_section05_margin.tex")
    assert ids_of("harvard_cs181_s18_section05_margin") == [
        "1", "2", "3", "4.a", "4.b", "4.c", "4.d", "4.e.i", "4.e.ii", "4.f", "5.i", "5.ii", "6.i", "6.ii", "6.iii"]
    assert [q.title for q in problem_set.questions] == [
        "Removing Support Vectors and Retraining (Berkeley, Fall '11)",
        "Proof that margin is invariant to scalar multiplication", "(Berkeley, Fall '11)", "Composing Kernels",
        "Draw Margin Boundary", "String Kernel"]
    # the parts of problem 4 are a list in its text, answered by a list of the same length in its solution
    assert problem_set.part("4.c").solution == r"Take $\bphi(\boldx) = f(\boldx)\bphi^{(1)}(\boldx)$."
    assert problem_set.part("4.e.ii").solution.startswith("We have")
    # i) and ii) opening lines are parts; the drawings are TikZ figures; the solution's i) and ii) answer them
    drawing = problem_set.part("5.i")
    assert drawing.needs_figure and drawing.figures[0].caption == "TikZ drawing"
    assert problem_set.part("5.ii").solution == "[figure: soft_margin.png]"
    assert [problem_set.part(f"6.{n}").blanks[0].number.value for n in ("ii", "iii")] == [17576, 18278]
    assert r"\boldw" in problem_set.questions[1].preamble + problem_set.part("2").prompt  # common.sty is missing
    assert problem_set.title == "CS 181 Spring 2017 Section 5 — Margin-Based Classification, SVMs"


def test_mit_exam_subsection_problems_with_parts_answered_in_a_solution_list():
    problem_set = ingest(CORPUS / "latex_other" / "mit1806_s17_exam1_sol.tex")
    assert ids_of("mit1806_s17_exam1_sol") == ["1.a", "1.b", "1.c", "2.a", "2.b", "2.c", "2.d", "3.a", "3.b",
                                               "4.a", "4.b"]
    assert problem_set.part("1.c").blanks[0].latex.replace(" ", "") == "b_1+b_2+b_3+b_4+b_5+b_6=0"
    # the alternative solution after the list of answers is the last part's
    assert "We could also find the column space of $A$ more easily" in problem_set.part("1.c").solution
    assert problem_set.part("2.a").solution.startswith("**Possible**.")
    assert problem_set.part("2.b").solution.startswith("**Impossible**.")
    assert "Solution" not in problem_set.part("1.a").prompt
    assert problem_set.title == "MIT 18.06 Exam 1, Spring 2017 - Solutions"


def test_ttic_quiz_bold_problem_headers_inline_parts_and_a_solution_macro():
    problem_set = ingest(CORPUS / "latex_other" / "ttic31230_quiz1.tex")
    assert [(p.id, round(p.points, 2)) for p in problem_set.parts()] == [
        ("1", 25), ("2", 25), ("3.a", 12.5), ("3.b", 12.5), ("4.a", 8.33), ("4.b", 8.33), ("4.c", 8.33)]
    assert problem_set.part("3.b").solution.startswith("This follows from the previous part")
    assert problem_set.part("4.b").solution == "This again follows from the fact that KL-divergence is non-negative"
    assert "Solution" not in problem_set.part("4.a").prompt and "Solution" not in problem_set.part("4.a").solution
    assert problem_set.warnings == [
        "\\input{../preamble} (line 2): not read: it climbs out of the document's folder (..); only files inside "
        "the document's folder are read"]


def test_introdatasci_solution_after_the_end_of_subparts_belongs_to_the_last_subpart():
    problem_set = ingest(CORPUS / "latex_exam" / "introdatasci_mock_exam.tex")
    last = problem_set.part("10.b.iii")
    assert "awk -F',' 'NR>1 {print $4}' exam.csv | sort > names_sorted.txt" in last.solution
    assert "pedersen\nsmith" in last.prompt
    assert [f.path for f in problem_set.part("9.a").figures] == ["figs/mst.png"]  # under \graphicspath{{figs/}}
    assert problem_set.part("7.a").needs_figure and not problem_set.part("5.a").needs_figure
