"""What a user sees while things happen: progress counts calls, retries show, a dead server fails fast,
lists fit 80 columns, empty lists say what to do, and a dry run shows the prompts."""

import json
import os
import subprocess
import sys

import httpx2
import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from conftest import EXAM
from test_runs import Script, completion, openai_provider
from tabench import ingest
from tabench.cli import app, example_path
from tabench.providers import ProviderError
from tabench.runner import RunConfig, Runner, load_templates
from tabench.store import Store

runner = CliRunner()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TABENCH_HOME", str(tmp_path))
    return tmp_path


def progress_of(home, handler, **config):
    """(every (done, total, note) the run reported, the requests the server saw)."""
    seen = []
    config.setdefault("model", "openai/gpt-4o-mini")
    store = Store(home / "tabench.db")
    run = Runner(store, ingest(example_path()), RunConfig(**config), openai_provider(handler), load_templates(),
                 sleep=lambda s: None, on_progress=lambda done, total, note: seen.append((done, total, note)))
    run_id = run.start()
    try:
        run.run(run_id)
    finally:
        store.close()
    return seen, handler.requests


def interactive_replies(request):
    last = json.loads(request.content)["messages"][-1]["content"]
    text = "CONFIRMED" if last.startswith("Check your solution") else "**(a)** ReLU"
    return httpx2.Response(200, json=completion(text))


@pytest.mark.parametrize("protocol,config,calls", [
    ("per-part", {}, 11),  # one call per part
    ("whole", {"samples": 3, "temperature": 0.7}, 3),  # one call per sample, whatever the parts
    ("interactive", {"limit": 6}, 7),  # the index, then a solve and a self-check for questions 2, 3 and 4
])
def test_progress_counts_calls(home, protocol, config, calls):
    handler = Script() if protocol != "interactive" else Recorder(interactive_replies)
    seen, requests = progress_of(home, handler, protocol=protocol, **config)
    assert len(requests) == calls
    assert seen[-1][:2] == (calls, calls)
    assert [done for done, _, _ in seen] == sorted(done for done, _, _ in seen)


class Recorder:
    def __init__(self, reply):
        self.reply, self.requests = reply, []

    def __call__(self, request):
        self.requests.append(request)
        return self.reply(request)


def test_retries_are_shown_on_the_progress_line(home):
    script = Script(httpx2.Response(503, text="busy"), httpx2.Response(429, headers={"retry-after": "1"}))
    seen, _ = progress_of(home, script, protocol="per-part", limit=1, max_concurrency=1)
    notes = [note for _, _, note in seen if note]
    assert notes[0].startswith("retry 1/5") and "server error 503" in notes[0]
    assert notes[1].startswith("retry 2/5") and "429" in notes[1]


def test_a_dead_server_fails_after_three_tries_not_six(home):
    sleeps = []
    store = Store(home / "tabench.db")
    dead = openai_provider(Script(*[httpx2.ConnectError("connection refused")] * 10))
    run = Runner(store, ingest(example_path()), RunConfig(model="openai/gpt-4o-mini", limit=1), dead, load_templates(),
                 sleep=sleeps.append)
    run_id = run.start()
    with pytest.raises(Exception, match="cannot connect"):
        run.run(run_id)
    assert len(sleeps) == 2 and store.run(run_id)["status"] == "failed"


def test_a_server_that_answered_then_drops_gets_every_retry(home):
    drops = [httpx2.ConnectError("reset")] * 5
    script = Script(httpx2.Response(200, json=completion("Final answer: ReLU")), *drops)
    seen, requests = progress_of(home, script, protocol="per-part", limit=2, max_concurrency=1)
    assert len(requests) == 7 and seen[-1][:2] == (2, 2)


def test_the_cli_stops_at_a_dead_server_with_one_line(home):
    result = subprocess.run([sys.executable, "-m", "tabench", "run", str(example_path()), "--model", "openai/x",
                             "--base-url", "http://127.0.0.1:9/v1", "--limit", "1"],
                            env=dict(os.environ, TABENCH_HOME=str(home)), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "cannot connect" in result.stderr and "Traceback" not in result.stderr


def test_lists_fit_80_columns_one_line_per_row(home, tmp_path):
    names = ["a-student-with-a-rather-long-file-name", "kim", "b/answers"]
    for name in names:
        path = tmp_path / f"{name.replace('/', '_')}.json"
        path.write_text(json.dumps({"6.a": "20"}))
        assert runner.invoke(app, ["grade", str(EXAM), str(path), "--submission", name,
                                   "--model", "openai/gpt-4o-mini-2024-07-18", "--protocol", "per-part"]).exit_code == 0
    with Store(home / "tabench.db") as store:
        run_id = store.create_run(store.submission(1)["problem_set_id"], "anthropic/claude-3-5-sonnet-20241022",
                                  "interactive", 3, "{}", None, {"pid": None})
    for command, rows in ((["submissions"], 3), (["runs"], 1)):
        result = subprocess.run([sys.executable, "-m", "tabench", *command], capture_output=True, text=True, timeout=60,
                                env=dict(os.environ, TABENCH_HOME=str(home), COLUMNS="80"))
        lines = result.stdout.rstrip("\n").split("\n")
        assert all(cell_len(line) <= 80 for line in lines), result.stdout
        assert len(lines) == 2 + rows, result.stdout  # header, rule, one line per row
        assert lines[0].split()[0] == "id"
        if command == ["submissions"]:
            scores = [f"{r['score']:g}/{r['points']:g}" for r in json.loads(runner.invoke(app, command + ["--json"]).stdout)]
            assert all(score in line for score, line in zip(scores, lines[2:])), result.stdout  # numbers are never cut
            assert lines[-1].lstrip().startswith("3 ")
        else:
            assert lines[-1].lstrip().startswith(f"{run_id} ") and "interrupted" in lines[-1]


def test_empty_lists_say_what_to_do(home):
    for command, hint in ((["submissions"], "tabench grade KEY ANSWERS"), (["runs"], "tabench run KEY --model")):
        result = runner.invoke(app, command)
        assert result.exit_code == 0 and hint in result.stdout and "─" not in result.stdout


def test_dry_run_prints_the_prompts_and_calls_nothing(home):
    result = subprocess.run([sys.executable, "-m", "tabench", "run", str(example_path()), "--model", "openai/x",
                             "--base-url", "http://127.0.0.1:9/v1", "--parts", "3.a,6", "--dry-run"],
                            env=dict(os.environ, TABENCH_HOME=str(home)), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "call 1 of 2 · part 3.a" in result.stdout and "call 2 of 2 · part 6" in result.stdout
    assert "**3.a** (4 points)" in result.stdout and "Solution" not in result.stdout
    assert "no model was called" in result.stdout
    assert not (home / "tabench.db").exists()
    as_json = runner.invoke(app, ["run", str(example_path()), "--model", "openai/x", "--protocol", "whole",
                                  "--dry-run", "--json"])
    (call,) = json.loads(as_json.stdout)
    assert call["for"] == "the whole problem set" and "**5.b**" in call["messages"][1]["content"]


def test_run_parts_asks_only_those(home):
    seen, requests = progress_of(home, Script(), protocol="per-part", parts=("3.a", "6"))
    asked = sorted(json.loads(r.content)["messages"][-1]["content"].split("**")[1] for r in requests)
    assert asked == ["3.a", "6"] and seen[-1][:2] == (2, 2)


def test_unknown_parts_on_run_say_what_exists(home):
    result = runner.invoke(app, ["run", str(example_path()), "--model", "openai/x", "--parts", "3.c", "--dry-run"])
    assert result.exit_code == 2 and "question 3 has 3.a, 3.b" in result.stderr


def test_retry_helper_gives_unreachable_servers_fewer_tries():
    from tabench.calls import call_with_retries
    from tabench.providers.base import CannotConnect

    attempts = []

    def refused():
        attempts.append(1)
        raise CannotConnect("refused", retryable=True)

    with pytest.raises(ProviderError):
        call_with_retries(refused, max_attempts=6, sleep=lambda s: None, connect_attempts=3)
    assert len(attempts) == 3
