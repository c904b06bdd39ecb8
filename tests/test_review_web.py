"""The review page in Debian's chromium (Playwright): a person grades by keyboard what the machine could not."""

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import HW12, SEEDS
from review_server import browser_page, review_server
from tabench import app as application
from tabench.cli import app, example_path
from tabench.store import Store

runner = CliRunner()
SEED_000 = SEEDS / "000_aea459260c05754e.txt"
CLASS_200 = Path(__file__).parent / "fixtures" / "class_200.jsonl"


@pytest.fixture
def home() -> Path:
    return Path(os.environ["TABENCH_HOME"])


def cli(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def needs_review(submission_id: int) -> list[str]:
    with Store() as db:
        return [v.part_id for v in db.verdicts(submission_id) if v.verdict == "needs_review"]


def test_grade_every_needs_review_part_of_a_seed_by_keyboard_only(home):
    cli("grade", HW12, SEED_000)
    assert needs_review(1) == ["1", "2.a", "2.b"]  # what the machine could not decide in the seed
    with review_server(home, "--grader", "ta-kim") as review, browser_page() as page:
        page.goto(review.url)
        assert page.url.endswith("/review/" + application.stored_problem_set_id(HW12) + "/1")  # the first one
        assert "token=" not in page.url  # the token became a cookie
        page.wait_for_selector("section.group.current")
        keyboard = page.keyboard
        keyboard.press("p")  # partial: the score field takes the focus
        keyboard.type("0.5")
        keyboard.press("Escape")
        keyboard.press("e")
        keyboard.type("found the bug; the fix keeps std=1")
        with page.expect_navigation():
            keyboard.press("Enter")  # saved; nothing else here needs review: on to part 2.a
        assert page.url.endswith("/2.a")
        page.wait_for_selector("section.group.current")
        keyboard.press("c")
        with page.expect_navigation():
            keyboard.press("Enter")
        assert page.url.endswith("/2.b")
        page.wait_for_selector("section.group.current")
        keyboard.press("i")
        with page.expect_navigation():
            keyboard.press("Enter")
        assert page.url.endswith("/sets")  # nothing left
        assert page.locator('[data-role="all-done"]').is_visible()
        assert page.errors == []
        assert all(url.startswith(review.origin) or url.startswith("data:") for url in page.requests)
    with Store() as db:
        events = db.human_verdict_events(1)
    assert [(e["part_id"], e["verdict"], e["score"], e["grader"], e["old_verdict"]) for e in events] == [
        ("1", "partially_correct", 0.5, "ta-kim", "needs_review"),
        ("2.a", "correct", 1.0, "ta-kim", "needs_review"),
        ("2.b", "incorrect", 0.0, "ta-kim", "needs_review"),
    ]
    assert events[0]["comment"] == "found the bug; the fix keeps std=1"
    report = json.loads(cli("report", "1", "--format", "json").stdout)
    parts = {p["id"]: p for q in report["questions"] for p in q["parts"]}
    assert parts["1"]["verdict"]["verdict"] == "partially_correct" and parts["1"]["verdict"]["method"] == "human"
    assert parts["1"]["automatic"]["verdict"] == "needs_review"  # the machine's verdict stays beside it
    assert parts["1"]["human"]["grader"] == "ta-kim" and parts["1"]["human"]["score"] == 0.5
    assert parts["2.a"]["verdict"]["score"] == 1.0 and parts["2.b"]["verdict"]["verdict"] == "incorrect"
    assert report["summary"]["needs_review"] == []
    # 5 parts the checkers got right, plus 0.5 + 1 + 0 from the person
    assert report["summary"]["score"] == 6.5
    submissions = json.loads(cli("submissions", "--json").stdout)
    assert submissions[0]["score"] == 6.5


def _group_texts(page) -> list[str]:
    return page.locator("section.group .answer").all_inner_texts()


def test_rubric_change_rescores_and_reload_shows_the_saved_state(home):
    cli("grade", HW12, SEED_000)
    problem_set_id = application.stored_problem_set_id(HW12)
    with review_server(home, "--grader", "ta-lee") as review, browser_page() as page:
        page.goto(review.url)
        page.wait_for_selector("section.group.current")
        for text, points in (("names the initialisation as the bug", "0.5"), ("scales std by 1/sqrt(d)", "0.25")):
            page.fill('[data-role="rubric-add"] input[name="text"]', text)
            page.fill('[data-role="rubric-add"] input[name="points"]', points)
            with page.expect_navigation():
                page.press('[data-role="rubric-add"] input[name="points"]', "Enter")
            page.wait_for_selector("section.group.current")
        assert page.locator("section.group.current .items .item").count() == 2
        page.keyboard.press("1")
        page.keyboard.press("2")
        assert page.input_value("section.group.current input[name=score]") == "0.75"
        page.keyboard.press("e")
        page.keyboard.type("clear diagnosis")
        page.keyboard.press("Escape")
        page.keyboard.press("j")  # nothing below: stays on this answer
        with page.expect_navigation():
            page.keyboard.press("Enter")  # saved, and on to the next part that needs review
        assert page.url.endswith("/2.a")
        page.go_back()
        page.reload()
        group = page.locator("section.group").first
        assert group.locator('[data-role="human-score"]').inner_text() == "0.75"
        assert group.locator("input[name=rubric]").evaluate_all("boxes => boxes.map(b => b.checked)") == [True, True]
        assert group.locator("input[name=comment]").input_value() == "clear diagnosis"
        assert "partially correct" in group.locator('[data-role="human"]').inner_text()
        # item 1 now worth 0.75: the answer that met it is scored again, 0.75 + 0.25 = full marks
        item = page.locator('[data-role="rubric-edit"]').first
        item.locator("input[name=points]").fill("0.75")
        with page.expect_navigation():
            item.locator("input[name=points]").press("Enter")
        group = page.locator("section.group").first
        assert group.locator('[data-role="human-score"]').inner_text() == "1"
        assert "correct" in group.locator('[data-role="human"]').inner_text()
        assert "scored again" in group.locator('[data-role="human"]').inner_text()
        assert page.errors == []
    with Store() as db:
        events = db.human_verdict_events(1, "1")
        rubric = db.rubric_items(problem_set_id, "1")
    assert [(e["source"], e["verdict"], e["score"]) for e in events] == [
        ("review", "partially_correct", 0.75), ("rubric", "correct", 1.0)]
    assert events[1]["old_verdict"] == "partially_correct" and events[1]["old_score"] == 0.75
    assert [(i["text"], i["points"]) for i in rubric] == [("names the initialisation as the bug", 0.75),
                                                          ("scales std by 1/sqrt(d)", 0.25)]


def test_identical_answers_of_200_submissions_are_graded_once_per_group(home):
    cli("grade", example_path(), CLASS_200)
    problem_set_id = application.stored_problem_set_id(example_path())
    with review_server(home, "--grader", "ta-ng", "--blind") as review, browser_page() as page:
        page.goto(review.url)
        assert page.url.endswith(f"/review/{problem_set_id}/4")  # the one part that needs a person
        page.wait_for_selector("section.group.current")
        counts = page.locator('section.group [data-role="count"]').all_inner_texts()
        assert counts == ["67 identical final answers", "67 identical final answers", "66 identical final answers"]
        assert page.locator("section.group").count() == 3
        # blind: no submission names on the page
        assert "student0" not in page.content()
        first, second, third = _group_texts(page)
        assert "variance" in first and "normalise" in second and "faster" in third
        page.keyboard.press("c")
        page.keyboard.press("Enter")  # one grade for 67 answers; on to the next group
        page.wait_for_selector("section.group.current#g2")
        page.keyboard.press("p")
        page.keyboard.type("2")
        page.keyboard.press("Enter")
        page.wait_for_selector("section.group.current#g3")
        assert page.locator('[data-role="part-needs"]').first.inner_text() == "66"
        page.keyboard.press("i")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/sets")
    with Store() as db:
        events = db.human_verdict_events(problem_set_id=problem_set_id)
    assert len(events) == 200 and {e["part_id"] for e in events} == {"4"}
    by_text = {}
    with Store() as db:
        for event in events:
            text = db.answers(event["submission_id"])["4"]
            by_text.setdefault(text, set()).add((event["verdict"], event["score"]))
    assert sorted(by_text.values(), key=str) == [{("correct", 6.0)}, {("incorrect", 0.0)},
                                                 {("partially_correct", 2.0)}]
