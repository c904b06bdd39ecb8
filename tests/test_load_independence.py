"""Verdicts do not depend on machine load: SymPy work is bounded by CPU time in the worker, not by wall-clock time,
so a hard comparison decided on an idle machine is decided the same way with every core busy."""

import json
import os
import subprocess
import sys

HARD = [
    # an identity SymPy's simplify does not prove: decided by the values at fixed points after its CPU budget
    ["$\\sin^{6}(x)+\\cos^{6}(x)$", "$1-3\\sin^{2}(x)\\cos^{2}(x)$"],
    # expanding both sides takes SymPy seconds of CPU
    ["$(x+y+z)^{40}$", "$(z+y+x)^{41}$"],
]
CHILD = ("import json, sys; from tabench import check; "
         "print(json.dumps([check(g, a, kind='expression').verdict for g, a in json.loads(sys.argv[1])]))")


def _verdicts() -> list[str]:
    result = subprocess.run([sys.executable, "-c", CHILD, json.dumps(HARD)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_hard_comparison_gets_the_same_verdict_with_the_cpu_saturated():
    idle = _verdicts()
    assert idle == ["correct", "incorrect"]
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2 * (os.cpu_count() or 1))]
    try:
        loaded = _verdicts()
    finally:
        for process in busy:
            process.kill()
            process.wait()
    assert loaded == idle
