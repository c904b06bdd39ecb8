"""Model runs at the HTTP boundary (httpx2 transports, as the SDKs use them), protocols, cache and resume."""

import json
import os
import re
import signal
import subprocess
import sys
import time

import httpx2
import pytest
from typer.testing import CliRunner

from fake_openai import FakeOpenAI
from tabench import ingest
from tabench.cli import app, example_path
from tabench.providers import ProviderError, get_provider
from tabench.runner import RunConfig, Runner, RunStopped, call_with_retries, load_templates, summary
from tabench.store import Store

KEY = "sk-test-SECRET-never-stored-123"
runner = CliRunner()


def completion(text, finish="stop"):
    return {"id": "c", "object": "chat.completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "finish_reason": finish, "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}}


def answer_for(prompt: str) -> str:
    """A student who knows the bundled example's key for a few parts."""
    table = {"2.a": "ReLU", "3.a": "$128 \\times 64 = 8192$", "3.b": "16384 ns", "6": "(c)"}
    part = re.search(r"\*\*([0-9][0-9a-z.]*)\*\*", prompt)
    return f"Final answer: {table.get(part.group(1), 'I am not sure') if part else 'ok'}"


class Script:
    """A transport handler that plays a script of responses, then answers every part correctly or not."""

    def __init__(self, *steps):
        self.steps = list(steps)
        self.requests = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if self.steps:
            step = self.steps.pop(0)
            if isinstance(step, Exception):
                raise step
            return step
        body = json.loads(request.content)
        return httpx2.Response(200, json=completion(answer_for(body["messages"][-1]["content"])))


def openai_provider(handler, spec="openai/gpt-4o-mini", environ=None):
    client = httpx2.Client(transport=httpx2.MockTransport(handler))
    return get_provider(spec, http_client=client, environ=environ or {"OPENAI_API_KEY": KEY, "GEMINI_API_KEY": KEY})


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TABENCH_HOME", str(tmp_path))
    return tmp_path


def make_runner(home, provider, **config):
    store = Store(home / "tabench.db")
    config.setdefault("model", "openai/gpt-4o-mini")
    sleeps = []
    r = Runner(store, ingest(example_path()), RunConfig(**config), provider, load_templates(), sleep=sleeps.append)
    return r, store, sleeps


def run_all(home, provider, **config):
    r, store, sleeps = make_runner(home, provider, **config)
    run_id = r.start()
    r.run(run_id)
    return store, run_id, sleeps


def verdicts_of(store, run_id):
    rows = [row for row in store.submissions() if row["name"].startswith(f"run{run_id}-")]
    return {(row["name"], v.part_id): v for row in rows for v in store.verdicts(row["id"])}


def test_scripted_replies_are_stored_and_graded(home):
    script = Script()
    store, run_id, _ = run_all(home, openai_provider(script), protocol="per-part", max_concurrency=3)
    verdicts = verdicts_of(store, run_id)
    assert verdicts[("run1-s0", "2.a")].verdict == "correct"
    assert verdicts[("run1-s0", "3.b")].verdict == "correct"
    assert verdicts[("run1-s0", "6")].verdict == "correct"
    assert len(script.requests) == 11  # 12 parts less the admin one
    body = json.loads(script.requests[0].content)
    assert body["model"] == "gpt-4o-mini" and body["messages"][0]["role"] == "system"
    assert script.requests[0].headers["authorization"] == f"Bearer {KEY}"
    result = summary(store, run_id, {"openai/gpt-4o-mini": {"input": 1.0, "output": 2.0}})
    assert result["input_tokens"] == 11 * 11 and result["output_tokens"] == 7 * 11
    assert result["cost_usd"] == pytest.approx((121 * 1.0 + 77 * 2.0) / 1e6)
    assert result["status"] == "done"


def test_no_key_in_anything_written(home):
    store, run_id, _ = run_all(home, openai_provider(Script()), protocol="per-part")
    store.close()
    for path in home.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("failure", [
    httpx2.Response(429, headers={"retry-after": "7"}, json={"error": {"message": "slow down"}}),
    httpx2.Response(500, json={"error": {"message": "boom"}}),
    httpx2.Response(503, text="unavailable"),
    httpx2.Response(200, content=b"{not json"),
    httpx2.ReadTimeout("timed out"),
    httpx2.ConnectError("connection reset by peer"),
    httpx2.RemoteProtocolError("peer closed connection"),
])
def test_transient_failures_are_retried(home, failure):
    script = Script(failure, failure)
    store, run_id, sleeps = run_all(home, openai_provider(script), protocol="per-part", max_concurrency=1, limit=2)
    assert store.run(run_id)["status"] == "done"
    assert len(script.requests) == 4  # two failures, then the two parts
    assert len(sleeps) == 2
    if isinstance(failure, httpx2.Response) and failure.status_code == 429:
        assert all(s >= 7 for s in sleeps)


def test_backoff_grows_with_jitter():
    calls = []

    def always_busy():
        calls.append(1)
        raise ProviderError("busy", retryable=True)

    sleeps = []
    with pytest.raises(ProviderError):
        call_with_retries(always_busy, max_attempts=5, sleep=sleeps.append, rand=lambda: 1.0, base=0.5)
    assert len(calls) == 5 and sleeps == [0.5, 1.0, 2.0, 4.0]


def test_a_dead_server_stops_cleanly_and_the_rerun_asks_only_what_is_missing(home):
    first = Script(*[httpx2.Response(200, json=completion("Final answer: ReLU"))] + [httpx2.Response(500)] * 50)
    r, store, _ = make_runner(home, openai_provider(first), protocol="per-part", max_concurrency=1, limit=4)
    run_id = r.start()
    with pytest.raises(RunStopped, match="rerun the same command"):
        r.run(run_id)
    assert store.run(run_id)["status"] == "failed"
    answered_before = set(store.done_steps(run_id, 0))
    assert answered_before == {"part:2.a"}
    second = Script()
    r2, store2, _ = make_runner(home, openai_provider(second), protocol="per-part", max_concurrency=1, limit=4)
    assert r2.start() == run_id  # the same command resumes the same run
    r2.run(run_id)
    asked = [re.search(r"\*\*([0-9][0-9a-z.]*)\*\*", json.loads(q.content)["messages"][-1]["content"]).group(1)
             for q in second.requests]
    assert sorted(asked) == ["2.b", "2.c", "3.a"] and store2.run(run_id)["status"] == "done"


def test_completed_runs_come_from_the_cache(home):
    run_all(home, openai_provider(Script()), protocol="per-part", limit=3)
    again = Script()
    store, run_id, _ = run_all(home, openai_provider(again), protocol="per-part", limit=3, max_tokens=100)
    assert len(again.requests) == 3  # different parameters: a new run, new calls
    third = Script()
    run_all(home, openai_provider(third), protocol="per-part", limit=3, max_tokens=100)
    assert third.requests == []


def test_truncated_reply_needs_review(home):
    script = Script(httpx2.Response(200, json=completion("The answer is Sig", finish="length")))
    store, run_id, _ = run_all(home, openai_provider(script), protocol="per-part", limit=1)
    (verdict,) = verdicts_of(store, run_id).values()
    assert verdict.verdict == "needs_review" and verdict.tags == ["truncated"]


def test_samples_and_concurrency(home):
    script = Script()
    store, run_id, _ = run_all(home, openai_provider(script), protocol="per-part", samples=3, temperature=0.7,
                               max_concurrency=8, limit=4)
    assert len(script.requests) == 12
    names = {name for name, _ in verdicts_of(store, run_id)}
    assert names == {"run1-s0", "run1-s1", "run1-s2"}
    rows = {r["name"]: r for r in store.submissions()}
    assert rows["run1-s2"]["sample"] == 2 and rows["run1-s2"]["model"] == "openai/gpt-4o-mini"


def test_whole_protocol_splits_the_reply(home):
    reply = "**2.a** ReLU\n\n**2.b** Sigmoid and Tanh.\n\n**3.a** $128 \\times 64 = 8192$\n\n**6** (b)"
    script = Script(httpx2.Response(200, json=completion(reply)))
    store, run_id, _ = run_all(home, openai_provider(script), protocol="whole")
    assert len(script.requests) == 1
    prompt = json.loads(script.requests[0].content)["messages"][1]["content"]
    assert "**5.b**" in prompt and "Solution" not in prompt and "16384" not in prompt  # no key leaks into the prompt
    verdicts = verdicts_of(store, run_id)
    assert verdicts[("run1-s0", "2.b")].verdict == "correct" and verdicts[("run1-s0", "6")].verdict == "incorrect"
    assert verdicts[("run1-s0", "5.a")].verdict == "missing"


def test_interactive_protocol_solves_question_by_question_with_self_checks(home):
    def handler(request):
        body = json.loads(request.content)
        last = body["messages"][-1]["content"]
        if "Do not solve anything yet" in last:
            text = "1. Collaboration\n2. Activation Functions (a)(b)(c)\n3. Counting Parameters (a)(b)"
        elif last.startswith("Check your solution to question 3"):
            text = "REVISED ANSWER:\n**(a)** 8192\n\n**(b)** 16384 ns"
        elif last.startswith("Check your solution"):
            text = "CONFIRMED"
        elif "Solve question 2" in last:
            text = "**(a)** ReLU\n\n**(b)** Sigmoid and Tanh\n\n**(c)** $\\sigma(x)(1-\\sigma(x))$"
        elif "Solve question 3" in last:
            text = "**(a)** 8000\n\n**(b)** 16000 ns"
        else:
            text = "none"
        return httpx2.Response(200, json=completion(text))

    store, run_id, _ = run_all(home, openai_provider(handler), protocol="interactive", limit=6)
    verdicts = verdicts_of(store, run_id)
    assert verdicts[("run1-s0", "2.c")].verdict == "correct"
    assert verdicts[("run1-s0", "3.a")].verdict == "correct"  # the self-check's revision counts
    assert verdicts[("run1-s0", "3.b")].verdict == "correct"
    trace = store.trace([r for r in store.submissions() if r["name"] == "run1-s0"][0]["id"])
    assert [m["role"] for m in trace][:3] == ["system", "user", "assistant"]
    assert sum(m["content"].startswith("Solve question") for m in trace if m["role"] == "user") == 3  # questions 2, 3, 4


def test_anthropic_at_the_transport(home):
    seen = []

    def handler(request):
        seen.append(request)
        if len(seen) == 1:
            return httpx2.Response(429, headers={"retry-after": "2"}, json={"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}})
        body = json.loads(request.content)
        assert body["system"].startswith("You are a teaching assistant")
        return httpx2.Response(200, json={"id": "m", "type": "message", "role": "assistant", "model": "claude",
                                          "content": [{"type": "text", "text": "Final answer: ReLU"}],
                                          "stop_reason": "max_tokens" if len(seen) == 3 else "end_turn",
                                          "usage": {"input_tokens": 20, "output_tokens": 4}})

    client = httpx2.Client(transport=httpx2.MockTransport(handler))
    provider = get_provider("anthropic/claude-sonnet-test", http_client=client, environ={"ANTHROPIC_API_KEY": KEY})
    store, run_id, sleeps = run_all(home, provider, model="anthropic/claude-sonnet-test", protocol="per-part",
                                    limit=2, max_concurrency=1)
    assert sleeps and sleeps[0] >= 2
    headers = seen[1].headers
    assert KEY in (headers.get("x-api-key"), headers.get("authorization", "").removeprefix("Bearer "))
    assert seen[1].url.path.endswith("/v1/messages")
    verdicts = verdicts_of(store, run_id)
    assert verdicts[("run1-s0", "2.a")].verdict == "correct"
    assert verdicts[("run1-s0", "2.b")].tags == ["truncated"]


def test_google_uses_gemini_and_its_key(home):
    script = Script()
    provider = openai_provider(script, spec="google/gemini-2.0-flash", environ={"GEMINI_API_KEY": KEY})
    run_all(home, provider, model="google/gemini-2.0-flash", protocol="per-part", limit=1)
    request = script.requests[0]
    assert request.url.host == "generativelanguage.googleapis.com"
    assert request.headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("spec,environ,message", [
    ("openai/gpt-4o", {}, "set OPENAI_API_KEY"),
    ("anthropic/claude", {}, "set ANTHROPIC_API_KEY"),
    ("google/gemini", {}, "set GEMINI_API_KEY"),
    ("acme/model", {}, "unknown provider"),
    ("gpt-4o", {}, "provider/model"),
    ("local/llama-70b", {}, "only local model"),
])
def test_provider_errors_say_the_fix(spec, environ, message):
    with pytest.raises(ProviderError, match=message):
        get_provider(spec, environ=environ)


def test_missing_sdk_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "anthropic", None)
    with pytest.raises(ProviderError, match="pip install anthropic"):
        get_provider("anthropic/claude", environ={"ANTHROPIC_API_KEY": "x"})


def test_cli_run_against_a_loopback_server(home):
    with FakeOpenAI(answer=answer_for) as server:
        result = runner.invoke(app, ["run", str(example_path()), "--model", "openai/smollm2", "--base-url", server.url,
                                     "--protocol", "per-part", "--limit", "6", "--max-tokens", "48"])
        assert result.exit_code == 0, result.output
        assert "run 1: openai/smollm2 · per-part · 1 sample(s) · 6 calls (0 from the cache)" in result.stdout
        assert len(server.requests) == 6 and server.requests[0]["body"]["max_tokens"] == 48
        again = runner.invoke(app, ["run", str(example_path()), "--model", "openai/smollm2", "--base-url", server.url,
                                    "--protocol", "per-part", "--limit", "6", "--max-tokens", "48"])
        assert again.exit_code == 0 and len(server.requests) == 6
    listed = json.loads(runner.invoke(app, ["runs", "--json"]).stdout)
    assert listed[0]["model"] == "openai/smollm2" and listed[0]["status"] == "done" and listed[0]["input_tokens"] == 60


def test_cli_run_errors(home):
    result = runner.invoke(app, ["run", str(example_path()), "--model", "openai/x", "--protocol", "sideways"])
    assert result.exit_code == 2 and "unknown protocol" in result.stderr
    result = runner.invoke(app, ["run", str(example_path()), "--model", "openai/x"], env={"OPENAI_API_KEY": ""})
    assert result.exit_code == 2 and "set OPENAI_API_KEY" in result.stderr
    result = runner.invoke(app, ["run", str(example_path()), "--model", "openai/x", "--base-url", "http://127.0.0.1:9/v1",
                                 "--limit", "1"])
    assert result.exit_code == 1 and "cannot connect" in result.stderr and "--resume 1" in result.stderr


def test_sigkill_midway_then_resume_asks_nothing_twice(home, tmp_path):
    command = [sys.executable, "-m", "tabench", "run", str(example_path()), "--model", "openai/smollm2",
               "--protocol", "per-part", "--max-concurrency", "1", "--max-tokens", "48"]
    with FakeOpenAI(delay=0.3, answer=answer_for) as server:
        env = dict(os.environ, TABENCH_HOME=str(home))
        process = subprocess.Popen(command + ["--base-url", server.url], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline and len(server.requests) < 4:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        with Store(home / "tabench.db") as store:
            answered_before = {s.split(":", 1)[1] for s in store.done_steps(1, 0)}
        assert 2 <= len(answered_before) < 11
        asked_before = len(server.requests)
        finished = subprocess.run(command + ["--base-url", server.url], env=env, capture_output=True, text=True, timeout=120)
        assert finished.returncode == 0, finished.stderr
        parts = [r["part"] for r in server.requests]
        later = parts[asked_before:]
        assert not set(later) & answered_before  # nothing that was answered is asked again
        assert len(later) == len(set(later))
        assert sorted(set(parts)) == sorted(p.id for p in ingest(example_path()).parts() if p.kind != "admin")
        assert sum(parts.count(p) > 1 for p in set(parts)) <= 1  # at most the one call in flight at the kill
        with Store(home / "tabench.db") as store:
            assert store.run(1)["status"] == "done"
            assert len(store.done_steps(1, 0)) == 11


def test_ctrl_c_marks_the_run_interrupted_and_says_how_to_resume(home):
    command = [sys.executable, "-m", "tabench", "run", str(example_path()), "--model", "openai/smollm2",
               "--protocol", "per-part", "--max-concurrency", "1"]
    with FakeOpenAI(delay=0.3, answer=answer_for) as server:
        env = dict(os.environ, TABENCH_HOME=str(home))
        process = subprocess.Popen(command + ["--base-url", server.url], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while time.time() < deadline and len(server.requests) < 3:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted" in stderr and "--resume 1" in stderr and "Traceback" not in stderr
    with Store(home / "tabench.db") as store:
        assert store.run(1)["status"] == "interrupted"
        assert 1 <= len(store.done_steps(1, 0)) < 11


def test_prompt_templates_can_be_replaced(home, tmp_path):
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "per_part.txt").write_text("CUSTOM TEMPLATE. {context}Solve it.\n\n{part}\n")
    with FakeOpenAI(answer=answer_for) as server:
        result = runner.invoke(app, ["run", str(example_path()), "--model", "openai/x", "--base-url", server.url,
                                     "--limit", "2", "--prompts", str(prompts)])
        assert result.exit_code == 0, result.output
        assert server.requests[0]["body"]["messages"][1]["content"].startswith("CUSTOM TEMPLATE. Question 2.")


def test_local_model_without_the_extra_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    with pytest.raises(ProviderError, match="tabench\\[local\\]"):
        get_provider("local/smollm2")


@pytest.mark.parametrize("seed", ["001_13a6aa9ecbbfac5a.txt", "002_c2737d6fc07f4f16.txt"])
def test_what_the_model_is_shown_holds_no_solution(seed):
    from conftest import SEEDS
    from tabench.protocols import render_document

    problem_set = ingest(SEEDS / seed)
    shown = render_document(problem_set)
    assert "Solution:" not in shown and "<b>Solution" not in shown
    for part in problem_set.parts():
        if part.solution.strip():
            first = part.solution.strip().split("\n")[0][:60]
            if len(first) > 25:
                assert first not in shown, (part.id, first)
    if seed.startswith("001"):
        assert "All-to-All\t ______ \t ______" in shown
