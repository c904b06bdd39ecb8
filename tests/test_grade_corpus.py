"""Keys of documents the grader was not built on (the corpus, through ingest): every checkable part answered
with its own key written three ways (tests/test_grade_seeds.py) is correct."""

import pytest

from conftest import SHARED
from test_grade_seeds import checkable_parts, part_answers
from tabench import ingest
from tabench.grade import grade_part

CORPUS = ["latex_exam/introdatasci_mock_exam.tex", "latex_exam/stat50_quiz1.tex", "latex_exam/stat50_quiz2.tex",
          "latex_exam/math307_quiz2.tex", "latex_exam/cmc_csci145_midterm1.tex", "latex_other/mit1806_s17_exam1_sol.tex",
          "latex_other/ttic31230_quiz1.tex"]


@pytest.mark.parametrize("name", CORPUS)
def test_corpus_keys_written_three_ways_are_correct(name):
    problem_set = ingest(SHARED / "corpus" / name)
    parts = [p for p in checkable_parts(problem_set) if all(b.correct or b.kind not in ("multiple_choice", "select_all")
                                                            for b in p.blanks)]
    assert parts, "the document has checkable parts"
    wrong = [(part.id, way, verdict.verdict, verdict.rationale[:100])
             for part in parts for way, answer in enumerate(part_answers(part))
             if (verdict := grade_part(part, answer)).verdict != "correct"]
    assert wrong == []
