"""Every document of ../shared/corpus/{pdf,notebook,markdown} ingests without error, with the parts it has.

The counts are what a reader of each document finds (see the corpus's MANIFEST.tsv); a document added to
these folders fails here until its count is written down.
"""

import pytest

from conftest import SHARED
from tabench.ingest import load_problem_set

CORPUS = SHARED / "corpus"
PART_COUNTS = {
    "pdf/introdatasci_mock_exam_solved.pdf": 32,  # 10 questions
    "pdf/ds100_su19_final_sol.pdf": 29,  # 11 questions, the last worth 0 points
    "pdf/mit1806_f22_exam1sol.pdf": 14,  # 3 problems
    "notebook/ds100_sp17_disc09_solution.ipynb": 5,  # 5 questions without parts
    "notebook/mit1806_f22_pset3sol.ipynb": 10,  # 4 problems
    "markdown/cst463_lab01_matrices.md": 13,  # Q1a-f, Q2 a-c, Q3-Q6
}


def test_every_corpus_document_is_listed():
    present = {f"{folder}/{path.name}" for folder in ("pdf", "notebook", "markdown")
               for path in (CORPUS / folder).iterdir() if path.is_file()}
    assert present == set(PART_COUNTS)


@pytest.mark.parametrize("name", sorted(PART_COUNTS))
def test_corpus_document_ingests_with_its_parts(name):
    problem_set = load_problem_set(CORPUS / name)
    parts = problem_set.parts()
    assert len(parts) == PART_COUNTS[name]
    assert len({p.id for p in parts}) == len(parts)
    assert all(p.prompt.strip() or p.context.strip() or problem_set.question_of(p.id).preamble.strip() for p in parts)


def test_cst463_lab_details_answers_and_duplicated_label():
    problem_set = load_problem_set(CORPUS / "markdown" / "cst463_lab01_matrices.md")
    assert [p.id for p in problem_set.parts()] == ["1.a", "1.b", "1.c", "1.d", "1.e", "1.f", "2.a", "2.b", "2.c",
                                                  "3", "4", "5", "6"]
    assert problem_set.part("1.b").solution.startswith("Yes, the resulting matrix would be $1 \\times 3$")
    assert "Yes" not in problem_set.part("1.b").prompt  # the <details> answer is not shown to a model
    assert problem_set.part("2.c").solution.startswith("```math")  # the second "Q2b" is Q2c
    assert problem_set.part("5").solution == "" and "Try _showing_" in problem_set.part("5").prompt  # a hint
    assert "linear.ups.edu" not in problem_set.part("6").prompt  # "## Extra Reading" is no part of Q6
    assert problem_set.warnings == [
        "question 2: part (b) is written twice; the second is taken as (c); check the document",
        "no solution found for parts 3, 5: answers to them need the judge or a person; check the document's "
        "solution markers"]
