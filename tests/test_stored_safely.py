"""Nothing stored is silently replaced or lost: same-named files, re-grading, deleting, runs identified by
their prompts, and processes sharing a new store."""

import json
import os
import subprocess
import sys
import time

import pytest

from clitools import run, runner, write
from conftest import EXAM
from scripted_openai import ScriptedOpenAI
from tabench.cli import app, example_path
from tabench.store import Store



@pytest.fixture(autouse=True)
def home(fresh_home):
    return fresh_home


def stored(home):
    with Store(home / "tabench.db") as store:
        return {row["name"]: (store.answers(row["id"]), {v.part_id: v.verdict for v in store.verdicts(row["id"])})
                for row in store.submissions()}


def test_two_students_files_of_the_same_name_are_both_kept(tmp_path, home):
    alice = write(tmp_path / "alice", "answers.json", {"6.a": "20"})
    bob = write(tmp_path / "bob", "answers.json", {"6.a": "45"})
    assert run("grade", EXAM, alice).exit_code == 0
    second = run("grade", EXAM, bob)
    assert second.exit_code == 0
    assert "stored as 'bob/answers'" in second.stderr and "--submission" in second.stderr
    kept = stored(home)
    assert kept["answers"][1]["6.a"] == "correct" and kept["bob/answers"][1]["6.a"] == "incorrect"
    assert run("grade", EXAM, bob).exit_code == 0  # grading bob's file again re-grades bob, not alice
    assert set(stored(home)) == {"answers", "bob/answers"} and stored(home)["answers"][0] == {"6.a": "20"}


def test_a_chosen_name_taken_by_another_file_is_refused_then_replaced_on_request(tmp_path, home):
    first = write(tmp_path, "v1.json", {"6.a": "20"})
    second = write(tmp_path, "v2.json", {"6.a": "45"})
    assert run("grade", EXAM, first, "--submission", "carol").exit_code == 0
    refused = run("grade", EXAM, second, "--submission", "carol")
    assert refused.exit_code == 2 and "already stored" in refused.stderr and "--replace" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert stored(home)["carol"][0] == {"6.a": "20"}
    replaced = run("grade", EXAM, second, "--submission", "carol", "--replace")
    assert replaced.exit_code == 0 and stored(home)["carol"] == ({"6.a": "45"}, stored(home)["carol"][1])
    assert stored(home)["carol"][1]["6.a"] == "incorrect"


def test_a_class_file_whose_names_are_taken_by_another_file_stores_nothing(tmp_path, home):
    rows = lambda answer: "\n".join(json.dumps({"submission": s, "part_id": "6.a", "answer": answer}) for s in ("s1", "s2"))
    assert run("grade", EXAM, write(tmp_path, "monday.jsonl", rows("20"))).exit_code == 0
    refused = run("grade", EXAM, write(tmp_path, "tuesday.jsonl", rows("45")))
    assert refused.exit_code == 2 and "'s1'" in refused.stderr and "nothing was stored" in refused.stderr
    assert {name: answers for name, (answers, _) in stored(home).items()} == {"s1": {"6.a": "20"}, "s2": {"6.a": "20"}}


def test_regrading_replaces_answers_and_verdicts_together(tmp_path, home):
    answers = write(tmp_path, "dora.json", {"6.a": "20", "6.b": "10", "6.c": "50 ns"})
    assert run("grade", EXAM, answers).exit_code == 0
    write(answers.parent, answers.name, {"6.a": "45"})  # the student's corrected file drops two answers
    assert run("grade", EXAM, answers).exit_code == 0
    kept_answers, verdicts = stored(home)["dora"]
    assert kept_answers == {"6.a": "45"}
    assert verdicts["6.a"] == "incorrect" and verdicts["6.b"] == "missing" and verdicts["6.c"] == "missing"


def test_regrading_some_parts_replaces_only_those(tmp_path, home):
    answers = write(tmp_path, "eli.json", {"6.a": "20", "6.b": "10"})
    assert run("grade", EXAM, answers).exit_code == 0
    write(answers.parent, answers.name, {"6.a": "45", "6.b": "11"})
    result = run("grade", EXAM, answers, "--parts", "6.a", "--json")
    assert result.exit_code == 0
    assert [v["part_id"] for v in json.loads(result.stdout)] == ["6.a"]
    kept_answers, verdicts = stored(home)["eli"]
    assert kept_answers == {"6.a": "45", "6.b": "10"}
    assert verdicts["6.a"] == "incorrect" and verdicts["6.b"] == "correct"


def test_delete_a_submission_and_a_run(tmp_path, home):
    assert run("grade", EXAM, write(tmp_path, "fay.json", {"6.a": "20"})).exit_code == 0
    listed = json.loads(run("submissions", "--json").stdout)
    deleted = run("delete", "submission", listed[0]["id"])
    assert deleted.exit_code == 0 and "deleted submission 1 (fay)" in deleted.stdout
    assert json.loads(run("submissions", "--json").stdout) == []
    with ScriptedOpenAI() as server:
        assert run("run", example_path(), "--model", "openai/x", "--base-url", server.url, "--limit", "2").exit_code == 0
        run_row = json.loads(run("submissions", "--json").stdout)[0]
        refused = run("delete", "submission", run_row["id"])
        assert refused.exit_code == 2 and "belongs to run 1" in refused.stderr
        gone = run("delete", "run", 1)
        assert gone.exit_code == 0 and "deleted run 1" in gone.stdout
        assert json.loads(run("runs", "--json").stdout) == [] and json.loads(run("submissions", "--json").stdout) == []
        with Store(home / "tabench.db") as store:
            assert store.db.execute("SELECT COUNT(*) FROM run_calls").fetchone()[0] == 0
            assert store.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0
    missing = run("delete", "run", 7)
    assert missing.exit_code == 2 and "no run 7" in missing.stderr
    assert run("delete", "thing", 1).exit_code == 2


def test_a_run_is_identified_by_its_prompts_and_a_rerun_says_it_resumes(tmp_path, home):
    prompts = tmp_path / "prompts"
    write(prompts, "per_part.txt", "Be brief. {context}{part}")
    with ScriptedOpenAI() as server:
        base = ["run", example_path(), "--model", "openai/x", "--base-url", server.url, "--limit", "2"]
        assert run(*base).exit_code == 0
        assert server.requests() == 2
        again = run(*base)
        assert again.exit_code == 0 and "run 1 with these settings already finished" in again.stderr
        assert server.requests() == 2
        custom = run(*base, "--prompts", prompts)
        assert custom.exit_code == 0 and "run 2:" in custom.stdout and server.requests() == 4
        fresh = run(*base, "--new")
        assert fresh.exit_code == 0 and "run 3:" in fresh.stdout and "resuming" not in fresh.stderr
        refused = run(*base, "--resume", 2)
        assert refused.exit_code == 2 and "set of prompt templates" in refused.stderr
    assert [r["id"] for r in json.loads(run("runs", "--json").stdout)] == [1, 2, 3]


_AT_THE_SIGNAL = """
import os, sys, time
from tabench.cli import main
ready, go = sys.argv[1:3]
open(f"{ready}.{os.getpid()}", "w").close()
while not os.path.exists(go):
    time.sleep(0.002)
sys.argv = ["tabench"] + sys.argv[3:]
main()
"""


def _graders(count, home, tmp_path):
    """`count` `tabench grade` processes, loaded first, then let go at the same instant on a new store."""
    barrier = tmp_path / f"barrier-{home.name}"
    barrier.mkdir()
    processes = []
    for index in range(count):
        answers = write(tmp_path, f"student{index}.json", {"2.a": f"ReLU {index}"})
        processes.append(subprocess.Popen(
            [sys.executable, "-c", _AT_THE_SIGNAL, str(barrier / "ready"), str(barrier / "go"), "grade",
             str(example_path()), str(answers)],
            env=dict(os.environ, TABENCH_HOME=str(home)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    deadline = time.time() + 120
    while len(list(barrier.glob("ready.*"))) < count and time.time() < deadline:
        time.sleep(0.01)
    (barrier / "go").touch()
    return [(p.wait(timeout=120), p.stderr.read()) for p in processes]


@pytest.mark.parametrize("count", [2, 8])
def test_processes_grading_at_once_on_a_new_store_all_store_their_submission(tmp_path, count):
    for round_ in range(10):
        home = tmp_path / f"round{round_}"
        outcomes = _graders(count, home, tmp_path)
        assert all(code == 0 for code, _ in outcomes), [err for _, err in outcomes]
        with Store(home / "tabench.db") as store:
            assert len(store.submissions()) == count
            assert store.migrations() == sorted(store.migrations())


def test_a_lone_surrogate_is_replaced_and_leaves_no_empty_row(tmp_path, home):
    answers = write(tmp_path, "gus.json", '{"6.a": "20 \\ud800", "6.b": "10"}')
    result = run("grade", EXAM, answers)
    assert result.exit_code == 0 and "lone UTF-16 surrogate" in result.stderr and "Traceback" not in result.output
    assert stored(home)["gus"][0] == {"6.a": "20 \ufffd", "6.b": "10"}
    assert json.loads(run("submissions", "--json").stdout)[0]["name"] == "gus"


def test_a_failing_write_leaves_no_half_stored_submission(tmp_path, home, monkeypatch):
    assert run("grade", EXAM, write(tmp_path, "hal.json", {"6.a": "20"})).exit_code == 0

    def broken(self, submission_id, verdicts):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "save_verdicts", broken)
    with pytest.raises(RuntimeError):
        runner.invoke(app, ["grade", str(EXAM), str(write(tmp_path, "ivy.json", {"6.a": "45"}))],
                      catch_exceptions=False)
    monkeypatch.undo()
    assert set(stored(home)) == {"hal"}


def test_names_of_run_samples_are_kept_for_runs(tmp_path, home):
    named_like_a_run = write(tmp_path / "exports", "run1-s0.json", {"2.a": "ReLU"})
    graded = run("grade", example_path(), named_like_a_run)
    assert graded.exit_code == 0 and "stored as 'exports/run1-s0'" in graded.stderr
    refused = run("grade", example_path(), named_like_a_run, "--submission", "run2-s0")
    assert refused.exit_code == 2 and "kept for the samples of model runs" in refused.stderr
    with ScriptedOpenAI() as server:
        assert run("run", example_path(), "--model", "openai/x", "--base-url", server.url, "--limit", "1").exit_code == 0
    kept = stored(home)
    assert kept["exports/run1-s0"][0] == {"2.a": "ReLU"} and set(kept["run1-s0"][0]) == {"2.a"}
    assert kept["run1-s0"][0]["2.a"] == "Final answer: 42"


def test_a_run_that_a_live_process_runs_cannot_be_run_twice(home):
    from tabench import ingest
    from tabench.processes import this_process
    from tabench.runner import RunConfig, Runner, load_templates

    with Store(home / "tabench.db") as store:
        config = RunConfig(model="openai/x", limit=1)
        first = Runner(store, ingest(example_path()), config, provider=None, templates=load_templates())
        run_id = first.start()  # claimed by this (live) process, never finished
        assert store.run(run_id)["owner_pid"] == this_process()["pid"]
        second = Runner(store, ingest(example_path()), config, provider=None, templates=load_templates())
        with pytest.raises(Exception, match=f"run {run_id} is being run by process"):
            second.start()
        assert second.start(new=True) == run_id + 1
