"""Ingest of the two seed answer keys, checked against ../shared/truth."""

import re

import pytest

from conftest import truth

EXAM_IDS = "1 2 3.a 3.b 4.a 4.b 5 6.a 6.b 6.c 7.a 7.b 7.c 7.d 8 9 10.a 10.b 10.c 11.a 11.b 11.c 11.d.i 11.d.ii 12.a 12.b 12.c 12.d 12.e 12.f".split()
HW12_IDS = "1 2.a 2.b 3.a 3.b 3.c 3.d.i 3.d.ii 4.a 4.b 5.a 5.b 5.c 5.d 5.e 5.f 5.g 5.h 6.a 6.b 6.c 7.a 7.b 7.c 7.d".split()
# The truth splits some parts into their answer fields; in tabench those are blanks of one part.
BLANK_PARENTS = {"5.A": "5", "5.B": "5", "5.work": "5", "9.bug": "9", "9.fix": "9", "9.why": "9"}


def truth_parts(name):
    return {p["id"]: p for p in truth(name)["parts"] if not p.get("is_container")}


def truth_kind(part):
    kind = part["type"]
    if kind == "figure_dependent":
        kind = part["answer_format"]
    return {"matching": "multiple_choice"}.get(kind, kind)


def our_id(truth_id):
    if truth_id in BLANK_PARENTS:
        return BLANK_PARENTS[truth_id]
    if truth_id.startswith("8.") or truth_id.startswith("1.") and truth_id.split(".")[1] in ("bug", "fix", "why"):
        return truth_id.split(".")[0]
    return truth_id


def test_exam_part_ids(exam):
    assert [p.id for p in exam.parts()] == EXAM_IDS


def test_hw12_part_ids(hw12):
    assert [p.id for p in hw12.parts()] == HW12_IDS


@pytest.mark.parametrize("doc,name", [("exam", "exam_final.json"), ("hw12", "hw12.json")])
def test_kinds_match_truth(doc, name, request):
    problem_set = request.getfixturevalue(doc)
    ours = {p.id: p for p in problem_set.parts()}
    mismatches = []
    for truth_id, part in truth_parts(name).items():
        pid = our_id(truth_id)
        if pid not in ours:
            continue
        if pid != truth_id:  # a blank of a multi-blank part
            blank_kinds = {b.kind for b in ours[pid].blanks}
            if truth_kind(part) not in blank_kinds:
                mismatches.append((truth_id, truth_kind(part), blank_kinds))
        elif ours[pid].kind != truth_kind(part):
            mismatches.append((truth_id, truth_kind(part), ours[pid].kind))
    assert mismatches == []


@pytest.mark.parametrize("doc,name", [("exam", "exam_final.json"), ("hw12", "hw12.json")])
def test_figure_flags_match_truth(doc, name, request):
    problem_set = request.getfixturevalue(doc)
    flagged = {p.id for p in problem_set.parts() if p.needs_figure}
    expected = {pid for pid, p in truth_parts(name).items() if p["needs_figure"]}
    assert flagged == expected


def test_exam_points_match_truth(exam):
    ours = {p.id: p.points for p in exam.parts()}
    for pid, part in truth_parts("exam_final.json").items():
        if pid in ours and part["points"] is not None:
            assert ours[pid] == part["points"], pid
    assert {q.number: q.points for q in exam.questions}[12] == 63
    assert sum(q.points for q in exam.questions) == truth("exam_final.json")["total_points_from_headers"]


def test_exam_point_inconsistency_is_reported_and_sub_parts_share_points(exam):
    assert exam.warnings == ["question 12: the parts add up to 66 points, the header says 63"]
    assert exam.part("11.d.i").points == exam.part("11.d.ii").points == 4
    assert sum(p.points for p in exam.questions[10].parts) == 26


def test_hw12_has_no_points(hw12):
    assert all(p.points is None for p in hw12.parts())


def _number(value):
    return float(re.match(r"[-+]?\d+(?:\.\d+)?", value.replace(",", "")).group())


@pytest.mark.parametrize("doc,name", [("exam", "exam_final.json"), ("hw12", "hw12.json")])
def test_numeric_answers_match_truth(doc, name, request):
    problem_set = request.getfixturevalue(doc)
    checked = 0
    for pid, part in truth_parts(name).items():
        if part["type"] != "numeric":
            continue
        blanks = problem_set.part(pid).blanks
        values = [b.number.value for b in blanks]
        for expected in re.findall(r"\d+(?:\.\d+)?(?= ±)|^\d+(?:\.\d+)?", part["final_answer"]):
            assert float(expected) in values, (pid, expected, values)
            checked += 1
        accepted = [_number(a) for b in blanks for a in b.accepts]
        assert accepted == [_number(a) for a in part["accepts"]], pid
    assert checked >= 2


def test_numeric_units(exam):
    number = exam.part("6.c").blanks[0].number
    assert (number.value, number.unit) == (50, "ns")


def _choice_text(text):
    return re.sub(r"[\s$*]", "", text).replace("\\|", "|").lower()


@pytest.mark.parametrize("doc,name", [("exam", "exam_final.json"), ("hw12", "hw12.json")])
def test_single_group_choice_answers_match_truth(doc, name, request):
    problem_set = request.getfixturevalue(doc)
    checked = 0
    for pid, part in truth_parts(name).items():
        if part["answer_format"] not in ("multiple_choice", "select_all") or our_id(pid) != pid:
            continue
        ours = problem_set.part(pid)
        if len(ours.blanks) != 1:
            continue
        blank = ours.blanks[0]
        texts = {c.label: c.text for c in blank.choices}
        if texts:
            picked = sorted(_choice_text(texts[label]) for label in blank.correct)
            assert picked == sorted(_choice_text(c) for c in part["correct_choices"]), pid
        else:
            assert ["(" + label + ")" for label in blank.correct] == part["correct_choices"], pid
        checked += 1
    assert checked >= 5


def test_exam_q5_has_blanks_a_b_and_work(exam):
    part = exam.part("5")
    by_id = {b.id: b for b in part.blanks}
    assert set(by_id) == {"a", "b", "work"}
    texts = {b: {c.label: c.text for c in by_id[b].choices} for b in ("a", "b")}
    assert [texts["a"][label] for label in by_id["a"].correct] == ["$\\mu$"]
    assert [texts["b"][label] for label in by_id["b"].correct] == ["$\\sigma^2$"]
    assert by_id["work"].kind == "derivation"


@pytest.mark.parametrize("doc,pid", [("exam", "11.b"), ("hw12", "3.b")])
def test_rows_of_boxes_are_blanks(doc, pid, request):
    part = request.getfixturevalue(doc).part(pid)
    rows = {b.id: sorted(c.text for c in b.choices if c.label in b.correct) for b in part.blanks}
    assert rows == {"encoder": ["latent regularizer", "task loss"], "decoder": ["task loss"]}


@pytest.mark.parametrize("doc,pid", [("exam", "11.d.i"), ("hw12", "3.d.i")])
def test_matching_rows(doc, pid, request):
    part = request.getfixturevalue(doc).part(pid)
    answer = {b.id: [c.text for c in b.choices if c.label in b.correct][0] for b in part.blanks}
    assert answer == {"a": "$\\beta = 10^{-3}$", "b": "$\\beta = 10^{-6}$", "c": "$\\beta = 10^0$"}


def test_exam_q8_table_cells_are_blanks(exam):
    blanks = exam.part("8").blanks
    cells = [re.sub(r"\s", "", b.latex) for b in blanks]
    assert cells == ["n(n-1)", "p", "2n", "p", "n(2(n-1))", "\\frac{p}{n}"]
    assert all(b.kind == "expression" for b in blanks)
    assert blanks[0].id == "all_to_all.number_of_messages_sent"


def test_exam_q9_and_hw12_q1_bug_fix_why(exam, hw12):
    for part in (exam.part("9"), hw12.part("1")):
        assert [(b.id, b.kind) for b in part.blanks] == [("bug", "short_text"), ("fix", "code"), ("why", "short_text")]
        assert "he_std = math.sqrt(2.0 / d_model)" in part.blanks[1].text


def _squash(latex):
    return re.sub(r"\s|\\left|\\right|\\,", "", latex)


@pytest.mark.parametrize("pid", ["4.a", "10.a", "10.b", "11.a", "12.b", "12.e"])
def test_exam_expression_answers_match_truth(exam, pid):
    expected = truth_parts("exam_final.json")[pid]["answer_latex"]
    assert _squash(exam.part(pid).blanks[0].latex) == _squash(expected)


def test_page_headers_are_gone(exam):
    assert not any("PRINT your name" in p.prompt or "PRINT your name" in p.solution for p in exam.parts())


def test_code_with_line_numbers_is_kept_in_the_prompt(exam):
    assert "1 class Transformer(nn.Module):" in exam.part("9").prompt


def test_subfigure_captions_are_not_parts(exam):
    assert "(a) Your model's loss - 23.4" in exam.part("9").prompt


def test_titles(exam, hw12):
    assert exam.questions[2].title == "Depthwise Separable Convolutions"
    assert exam.questions[0].title == "Honor Code"
    assert hw12.questions[4].title == "Meta-learning for Learning 1D functions"
