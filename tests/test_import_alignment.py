"""The alignment of an import: seeds as before, a transcript of another homework refused, corrections by hand."""

import json

import pytest
from typer.testing import CliRunner

from conftest import EXAM, HW12, SEEDS
from tabench import ingest
from tabench.cli import app
from tabench.store import Store
from tabench.transcripts import Options, import_text
from test_import_styles import HERE, QUIZ

runner = CliRunner()
SEED_000 = SEEDS / "000_aea459260c05754e.txt"
SEED_003 = SEEDS / "003_ff4132e6a74a6f98.txt"
SEED_004 = SEEDS / "004_a98960079fc0cf70.txt"
SNAPSHOT = json.loads((HERE.parent / "snapshots" / "seed_imports.json").read_text(encoding="utf-8"))


def _as_before(imported) -> dict:
    data = imported.as_dict()
    return {
        "answers": [{"part_id": a["part_id"], "title": a["title"], "text": a["text"]} for a in data["answers"]],
        "annotations": data["annotations"],
        "unaligned": [{k: u[k] for k in ("label", "title", "text", "line")} for u in data["unaligned"]],
        "missing": data["missing"],
    }


def test_seeds_000_and_004_import_exactly_as_before(hw12):
    """tests/snapshots/seed_imports.json was written by the importer on main before this alignment was built."""
    assert _as_before(import_text(SEED_000.read_text(), "000", hw12)) == SNAPSHOT["000_against_002"]
    assert _as_before(import_text(SEED_004.read_text(), "004")) == SNAPSHOT["004_without_key"]


def test_seed_004_graded_against_the_exam_is_refused_as_a_mismatch(tmp_path, monkeypatch):
    monkeypatch.setenv("TABENCH_HOME", str(tmp_path))
    result = runner.invoke(app, ["grade", str(EXAM), str(SEED_004)])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "does not fit" in line and "match no part's content" in line and "--accept-mismatch" in line
    with Store(tmp_path / "tabench.db") as store:
        assert store.submissions() == []  # stopped before grading: nothing stored
    going_on = runner.invoke(app, ["grade", str(EXAM), str(SEED_004), "--accept-mismatch", "--json"])
    assert going_on.exit_code == 0, going_on.output
    with Store(tmp_path / "tabench.db") as store:
        assert len(store.submissions()) == 1


@pytest.mark.parametrize("transcript,key", [(SEED_004, HW12), (SEED_003, HW12), (SEED_003, EXAM), (SEED_000, EXAM),
                                            (HERE / "writeup_from_pdf.txt", QUIZ),
                                            (HERE / "openai_messages.json", QUIZ),
                                            (HERE / "qa_quiz.txt", EXAM)])
def test_transcripts_of_other_documents_do_not_fit(transcript, key):
    assert import_text(transcript.read_text(), transcript.name, ingest(key)).mismatch


def test_going_on_with_another_numbering_places_answers_by_content(exam):
    """000 answers HW12, whose Q1 and Q3 the exam reuses as Q9 and Q11."""
    refused = import_text(SEED_000.read_text(), "000", exam)
    assert "its 1 reads like the key's 9" in refused.mismatch
    placed = import_text(SEED_000.read_text(), "000", exam, Options(accept_mismatch=True)).answer_map()
    for part_id, phrase in {"9": "std=d_model**-0.5", "11.a": "Z = \\mu + \\sigma \\odot V",
                            "11.b": "Task Loss only.", "11.c": "Selection: Curve (b)",
                            "11.d.i": "Guessing", "11.d.ii": "Selection: Figure (a)"}.items():
        assert phrase in placed[part_id], part_id
    assert "1" not in placed  # the honor code is not answered by HW12's debugging question


def test_low_confidence_placements_are_reported_and_tagged(tmp_path, monkeypatch):
    monkeypatch.setenv("TABENCH_HOME", str(tmp_path))
    transcript = tmp_path / "chat.md"
    transcript.write_text("User: question 7 please\n\nAssistant: Catastrophic forgetting happens when the foundation "
                          "model's weights change during fine-tuning.\n")  # 7.a or 7.d? both talk about forgetting
    result = runner.invoke(app, ["grade", str(HW12), str(transcript), "--json"])
    assert result.exit_code == 0, result.output
    verdicts = {v["part_id"]: v for v in json.loads(result.stdout)}
    uncertain = [pid for pid, v in verdicts.items() if "uncertain_placement" in v["tags"]]
    assert len(uncertain) == 1 and uncertain[0].startswith("7.")
    assert "placed with low confidence" in result.stderr and "--map" in result.stderr


def test_the_alignment_is_shown_and_a_block_can_be_moved(tmp_path):
    shown = runner.invoke(app, ["import", str(HERE / "me_gemini_hw12.txt"), "--key", str(HW12)],
                          env={"COLUMNS": "200"})
    assert shown.exit_code == 0
    assert "block" in shown.stdout and "7.a" in shown.stdout and "question and content" in shown.stdout
    data = json.loads(runner.invoke(app, ["import", str(HERE / "me_gemini_hw12.txt"), "--key", str(HW12),
                                          "--json"]).stdout)
    blocks = {b["block"]: b for b in data["blocks"]}
    assert [blocks[n]["part_id"] for n in sorted(blocks)] == ["7.a", "7.b", "7.c", "2.a"]
    moved = runner.invoke(app, ["import", str(HERE / "me_gemini_hw12.txt"), "--key", str(HW12), "--json",
                                "--map", "block 3=7.d", "--map", "4=none"])
    moved_data = json.loads(moved.stdout)
    answers = {a["part_id"]: a["text"] for a in moved_data["answers"]}
    assert answers["7.d"].startswith("REPTILE.") and "7.c" not in answers and "2.a" not in answers
    assert moved_data["unaligned"][0]["block"] == 4


def test_an_edited_import_json_is_graded_as_edited(tmp_path, monkeypatch):
    monkeypatch.setenv("TABENCH_HOME", str(tmp_path))
    data = json.loads(runner.invoke(app, ["import", str(SEED_000), "--key", str(HW12), "--json"]).stdout)
    for block in data["blocks"]:  # a person decides the 3.c answer was really for 3.d.ii, and drops 2.b
        block["part_id"] = {"3.c": "3.d.ii", "3.d.ii": None, "2.b": None}.get(block["part_id"], block["part_id"])
    edited = tmp_path / "000.import.json"
    edited.write_text(json.dumps(data))
    result = runner.invoke(app, ["grade", str(HW12), str(edited), "--json"])
    assert result.exit_code == 0, result.output
    verdicts = {v["part_id"]: v for v in json.loads(result.stdout)}
    assert verdicts["2.b"]["verdict"] == verdicts["3.c"]["verdict"] == "missing"
    with Store(tmp_path / "tabench.db") as store:
        (row,) = store.submissions()
        answers = store.answers(row["id"])
        assert answers["3.d.ii"].startswith("## (c) Validation Error Trend")
        assert {h["part_id"] for h in store.human_verdicts(row["id"])} >= {"1", "3.a"}  # the reader's marks kept


@pytest.mark.parametrize("correction,message", [
    ("block 99=7.a", "there is no block 99"),
    ("block 1=7.z", "7.z is not a part of the key"),
    ("one to seven", "cannot read"),
])
def test_a_wrong_correction_is_one_line(correction, message):
    result = runner.invoke(app, ["import", str(HERE / "me_gemini_hw12.txt"), "--key", str(HW12), "--map", correction])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_an_edited_json_with_an_unknown_part_is_one_line(tmp_path):
    data = json.loads(runner.invoke(app, ["import", str(SEED_000), "--key", str(HW12), "--json"]).stdout)
    data["blocks"][1]["part_id"] = "42.z"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    result = runner.invoke(app, ["grade", str(HW12), str(edited)])
    assert result.exit_code == 2 and "42.z, which the key does not have" in result.stderr
