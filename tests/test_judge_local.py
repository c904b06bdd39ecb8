"""The judge end to end with a real model on this machine: SmolLM2-135M behind llama.cpp's OpenAI-compatible
server (llama_cpp.server), the reply's JSON schema enforced by llama.cpp's grammar; and in process (local/smollm2).

SmolLM2 is far too small to grade well: these tests prove the path (every reply parses and every judged verdict
is stored with its provenance), not the grades. Each body runs in a child process (tests/child.py)."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from child import run_in_child
from conftest import EXAM, HW12
from test_local_model import _free_port, _require_local, _server_died
from tabench.judge.reply import LABELS
from tabench.store import Store

HERE = Path(__file__).parent
FIELDS = ["explanation", "rubric", "first_error", "tags", "verdict", "score"]
ANSWERS = {
    HW12: {"2.a": "Make P(x) = 0 where Q(x) > 0, for example P uniform on [0, 1] and Q uniform on [0, 2]."},
    EXAM: {"9": "The bug: the embedding is initialised with std 1 and shared with the head, so the logits have "
                "variance d_model. The fix: `self.emb_word.weight.data.normal_(mean=0, std=d_model ** -0.5)`. "
                "Why: the head's outputs then have unit variance and the softmax is not saturated."},
}


def _grade_with_judge(home: Path, key: Path, judge: list[str], timeout: float) -> subprocess.CompletedProcess:
    answers = home / f"answers-{key.stem}.json"
    answers.write_text(json.dumps(ANSWERS[key]))
    command = [sys.executable, "-m", "tabench", "grade", str(key), str(answers), *judge,
               "--judge-max-tokens", "400", "--judge-concurrency", "1", "--json"]
    return subprocess.run(command, env=dict(os.environ, TABENCH_HOME=str(home)), capture_output=True, text=True,
                          timeout=timeout)


def _assert_every_judged_verdict_parses_and_is_stored(home: Path, keys: list[Path]) -> list[str]:
    outcomes = []
    with Store(home / "tabench.db") as store:
        for row in store.submissions():
            verdicts = {v.part_id: v for v in store.verdicts(row["id"])}
            judgements = store.judgements(row["id"])
            asked = next(ANSWERS[k] for k in keys if k.stem in row["name"])
            assert set(judgements) == set(asked), (row["name"], set(judgements))
            for part_id, judgement in judgements.items():
                verdict = verdicts[part_id]
                assert verdict.method == "judge" and judgement["prompt"][1]["content"].startswith(f"Part {part_id} (")
                for ballot in judgement["ballots"]:
                    for reply in filter(None, (ballot["reply"], ballot["repair_reply"])):
                        data = json.loads(reply, strict=False)  # the grammar makes every reply JSON ...
                        assert list(data) == FIELDS, data  # ... with the schema's fields, in its order
                        assert data["verdict"] in LABELS and 0 <= data["score"] <= 1
                if judgement["outcome"] == "decided":
                    assert verdict.verdict in LABELS
                else:  # a reply that follows the grammar but contradicts itself (verdict vs score): a person decides
                    assert verdict.verdict == "needs_review" and verdict.rationale
                outcomes.append(f"{part_id}: {judgement['outcome']} {verdict.verdict}")
    return outcomes


def test_judge_through_llama_cpp_server(tmp_path):
    _require_local()
    run_in_child(_judge_through_server, tmp_path)


def _judge_through_server(tmp_path):
    from tabench.providers.local import smollm2_path

    home = tmp_path / "home"
    home.mkdir()
    port, log = _free_port(), tmp_path / "server.log"
    server = subprocess.Popen([sys.executable, str(HERE / "llama_server_logged.py"), str(smollm2_path()), str(port),
                               str(log)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while True:
            assert not _server_died(server), _server_died(server)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.time() < deadline, "llama.cpp's server did not start in 120 s"
                time.sleep(0.5)
        judge = ["--judge", "openai/smollm2", "--judge-base-url", f"http://127.0.0.1:{port}/v1"]
        for key in (HW12, EXAM):
            finished = _grade_with_judge(home, key, judge, timeout=600)
            assert not _server_died(server), _server_died(server)
            assert finished.returncode == 0, finished.stderr[-2000:]
            verdicts = {v["part_id"]: v for v in json.loads(finished.stdout)}
            assert all(verdicts[p]["method"] == "judge" for p in ANSWERS[key])
        outcomes = _assert_every_judged_verdict_parses_and_is_stored(home, [HW12, EXAM])
        print("llama.cpp server judge:", "; ".join(outcomes))
        assert len(outcomes) == 2
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def test_judge_in_process_local_smollm2(tmp_path):
    _require_local()
    run_in_child(_judge_in_process, tmp_path)


def _judge_in_process(tmp_path):
    finished = _grade_with_judge(tmp_path, HW12, ["--judge", "local/smollm2"], timeout=600)
    assert finished.returncode == 0, finished.stderr[-2000:]
    outcomes = _assert_every_judged_verdict_parses_and_is_stored(tmp_path, [HW12])
    assert len(outcomes) == 1
