"""Run a command with a hard wall-clock bound and measure its peak memory (for hostile-input tests).

The command runs under a small Python parent in its own session; the parent reports the command's exit
status, output and peak resident memory (`resource.getrusage(RUSAGE_CHILDREN)`). A case that runs past its
bound is killed with its whole process group and fails the test instead of hanging CI.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass

import pytest

_PARENT = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True)
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(json.dumps({"code": done.returncode, "stdout": done.stdout.decode("utf-8", "replace"),
                  "stderr": done.stderr.decode("utf-8", "replace"), "peak_mb": peak_kib / 1024}))
"""


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    peak_mb: float


def run_bounded(args: list[str], seconds: float, env: dict | None = None) -> Outcome:
    """Run `args`; fail the test if it takes longer than `seconds`."""
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env, start_new_session=True)
    try:
        out, err = parent.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.communicate()
        pytest.fail(f"{' '.join(args[:6])} … ran past its bound of {seconds:g} s and was killed", pytrace=False)
    if parent.returncode != 0:
        pytest.fail(f"the measuring parent failed: {err}", pytrace=False)
    return Outcome(**json.loads(out))


def tabench(*args: str) -> list[str]:
    return [sys.executable, "-m", "tabench", *(str(a) for a in args)]
