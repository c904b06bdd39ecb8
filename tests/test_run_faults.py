"""Runs against a scripted server that fails: no reply that arrived is ever asked again (counted from the
server's log), Ctrl-C and SIGTERM stop at once and leave nothing `running`, malformed replies are kept."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from scripted_openai import ScriptedOpenAI
from tabench import ingest
from tabench.cli import app, example_path
from tabench.store import Store

runner = CliRunner()
PARTS = [p.id for p in ingest(example_path()).parts() if p.kind != "admin"]  # 11 parts


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TABENCH_HOME", str(tmp_path))
    return tmp_path


def command(server, *extra):
    return ["run", str(example_path()), "--model", "openai/scripted", "--base-url", server.url, *extra]


def child(server, home, *extra):
    """`tabench run` in its own process, as a user starts it."""
    return subprocess.Popen([sys.executable, "-m", "tabench", *command(server, *extra)],
                            env=dict(os.environ, TABENCH_HOME=str(home)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_until(condition, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("the scripted server never saw what the test waited for")


def statuses(home):
    with Store(home / "tabench.db") as store:
        return {run["id"]: run["status"] for run in store.runs()}


def test_a_400_on_one_call_keeps_the_replies_in_flight_and_the_rerun_asks_only_the_rest(home):
    def behave(part, nth):
        return ("status", 400) if (part, nth) == ("3.a", 1) else ("delay", 0.3)

    with ScriptedOpenAI(behave) as server:
        first = runner.invoke(app, command(server, "--max-concurrency", "4"))
        assert first.exit_code == 1 and "400" in first.stderr and "--resume 1" in first.stderr
        assert statuses(home) == {1: "failed"}
        with Store(home / "tabench.db") as store:
            stored = {step.split(":", 1)[1] for step in store.done_steps(1, 0)}
        served_first = server.served()
        assert set(served_first) == stored and len(stored) >= 3  # every reply that came back was kept, in flight too
        again = runner.invoke(app, command(server, "--max-concurrency", "4"))
        assert again.exit_code == 0, again.output
        assert "resuming run 1" in again.stderr
    served = server.served()
    assert sorted(served) == sorted(PARTS) and set(served.values()) == {1}  # no reply asked for twice
    assert statuses(home) == {1: "done"}


def test_ctrl_c_with_a_hung_request_stops_at_once_and_loses_no_reply(home):
    def behave(part, nth):
        return "hang" if (part, nth) == ("2.b", 1) else ("delay", 0.1)

    with ScriptedOpenAI(behave) as server:
        process = child(server, home, "--max-concurrency", "2", "--timeout", "600")
        wait_until(lambda: server.asked["2.b"] == 1 and len(server.served()) >= 3)
        process.send_signal(signal.SIGINT)
        signalled = time.monotonic()
        _, stderr = process.communicate(timeout=30)  # a run that waited for the hung request would never end here
        stopped_after = time.monotonic() - signalled
        assert process.returncode == 130, stderr
        assert "interrupted" in stderr and "--resume 1" in stderr and "Traceback" not in stderr
        assert stopped_after < 2.0, f"{stopped_after:.2f} s from Ctrl-C to exit"
        assert statuses(home) == {1: "interrupted"}
        served_before = set(server.served())
        finished = child(server, home, "--max-concurrency", "2")
        _, stderr = finished.communicate(timeout=120)
        assert finished.returncode == 0, stderr
    served = server.served()
    assert served_before <= set(served) and set(served.values()) == {1}
    assert sorted(served) == sorted(PARTS)
    assert statuses(home) == {1: "done"}


def slow_run_under_way(server, home):
    """A `tabench run` process that has had two replies and waits for the next."""
    process = child(server, home, "--max-concurrency", "1")
    wait_until(lambda: len(server.served()) >= 2)
    return process


def test_sigterm_marks_the_run_interrupted(home):
    with ScriptedOpenAI(lambda part, nth: ("delay", 0.3)) as server:
        process = slow_run_under_way(server, home)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 143 and "terminated" in stderr and "Traceback" not in stderr, stderr
    assert statuses(home) == {1: "interrupted"}


def test_a_killed_run_is_shown_interrupted_and_the_rerun_says_it_resumes(home):
    with ScriptedOpenAI(lambda part, nth: ("delay", 0.3)) as server:
        process = slow_run_under_way(server, home)
        process.send_signal(signal.SIGKILL)
        process.wait()
        listed = json.loads(runner.invoke(app, ["runs", "--json"]).stdout)
        assert [(r["id"], r["status"]) for r in listed] == [(1, "interrupted")]
        assert "ended before the run finished" in listed[0]["error"]
        again = runner.invoke(app, command(server, "--max-concurrency", "1"))
        assert again.exit_code == 0, again.output
        assert "resuming run 1 (interrupted" in again.stderr and "--new" in again.stderr
    assert set(server.served().values()) <= {1, 2}  # at most the reply in flight at the kill came twice
    assert sum(n == 2 for n in server.served().values()) <= 1


def test_malformed_replies_are_kept_for_review_and_never_asked_again(home):
    def behave(part, nth):
        if part == "2.a":
            return ("content", {"answer": "ReLU", "confidence": 0.9})
        if part == "2.b":
            return ("usage", {"prompt_tokens": "many", "completion_tokens": 1.5})
        return "ok"

    with ScriptedOpenAI(behave) as server:
        result = runner.invoke(app, command(server))
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
        again = runner.invoke(app, command(server))
        assert again.exit_code == 0 and server.requests() == len(PARTS)
    with Store(home / "tabench.db") as store:
        (row,) = store.submissions()
        verdicts = {v.part_id: v for v in store.verdicts(row["id"])}
        answers = store.answers(row["id"])
        assert store.run(1)["status"] == "done"
    for part in ("2.a", "2.b"):
        assert verdicts[part].verdict == "needs_review" and verdicts[part].tags == ["malformed_reply"]
    assert json.loads(answers["2.a"]) == {"answer": "ReLU", "confidence": 0.9}  # the raw reply, kept
    assert answers["2.b"] == "Final answer: 42"


def test_the_run_deadline_stops_a_slow_run_resumably(home):
    with ScriptedOpenAI(lambda part, nth: ("delay", 0.4)) as server:
        result = runner.invoke(app, command(server, "--max-concurrency", "1", "--run-timeout", "1"))
        assert result.exit_code == 1 and "--run-timeout of 1 s ran out" in result.stderr
        assert statuses(home) == {1: "failed"}
        again = runner.invoke(app, command(server, "--max-concurrency", "4"))
        assert again.exit_code == 0, again.output
    served = server.served()
    assert sorted(served) == sorted(PARTS) and set(served.values()) == {1}


def test_a_request_past_its_timeout_is_retried(home):
    with ScriptedOpenAI(lambda part, nth: "hang" if (part, nth) == ("2.a", 1) else "ok") as server:
        result = runner.invoke(app, command(server, "--parts", "2.a,3", "--timeout", "1"))
        assert result.exit_code == 0, result.output
        assert server.asked["2.a"] == 2 and server.served()["2.a"] == 1


def test_a_crash_inside_a_run_marks_it_failed_not_running(home):
    from tabench.runner import RunConfig, Runner, load_templates

    class Broken:
        name = "broken"

        def complete(self, messages, *, max_tokens, temperature):
            raise RuntimeError("a bug in a provider")

    with Store(home / "tabench.db") as store:
        run = Runner(store, ingest(example_path()), RunConfig(model="openai/x", limit=2), Broken(), load_templates())
        run_id = run.start()
        with pytest.raises(RuntimeError):
            run.run(run_id)
        assert store.run(run_id)["status"] == "failed"
        assert "RuntimeError: a bug in a provider" in store.run(run_id)["error"]


def test_lone_surrogates_in_a_json_transcript_never_break_import_or_grade(tmp_path):
    chat = tmp_path / "chat.json"
    chat.write_text('[{"role": "user", "content": "Solve question 6"}, '
                    '{"role": "assistant", "content": "**(a)** 20 \\ud800 done\\n\\n**(b)** 10"}]')
    from conftest import EXAM

    for args in (["import", str(chat)], ["import", str(chat), "--key", str(EXAM)], ["grade", str(EXAM), str(chat)]):
        result = subprocess.run([sys.executable, "-m", "tabench", *args], capture_output=True, text=True, timeout=60,
                                env=dict(os.environ, TABENCH_HOME=str(tmp_path / "home")))
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        assert "20 " in result.stdout or args[0] == "grade"
