"""SymPy and big-number work in a separate process, bounded in CPU time and memory (edge).

The grading core sends the worker strings and gets small JSON answers back. Each request runs under
CPU-time budgets (an interval timer on the process's own CPU time, so a busy machine gives the same
verdicts as an idle one) with a hard CPU limit behind them that ends the process when a computation is stuck
inside C code (a big-integer power holds the interpreter), and under an address-space limit. A worker that
ends is started again for the next request; the request that ended it is answered as too complex.
Answers are cached per distinct request.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import select
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

MEMORY_BYTES = 768 * 2**20  # address space of the worker process
HARD_CPU_SECONDS = 12  # CPU seconds one request may use in all, above the sum of its budgets
WAIT_BACKSTOP_SECONDS = 600  # wall clock: only a stopped worker takes this long


class WorkerLimit(Exception):
    """The request took the worker past its CPU or memory limit."""


class Worker:
    """One persistent worker process, started on first use; one request at a time."""

    def __init__(self, hard_cpu_seconds: int = HARD_CPU_SECONDS, memory_bytes: int = MEMORY_BYTES) -> None:
        self.limits = [str(hard_cpu_seconds), str(memory_bytes)]
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def request(self, message: dict) -> dict:
        with self._lock:
            for _ in range(2):  # a worker that ended between requests is started again once
                process = self._running()
                try:
                    process.stdin.write(json.dumps(message) + "\n")
                    process.stdin.flush()
                except (BrokenPipeError, OSError):
                    self._reap()
                    continue
                line = self._read_line(process)
                if line:
                    return json.loads(line)
                status = self._reap()
                raise WorkerLimit(_describe_end(status))
            raise WorkerLimit("the worker process could not be started")

    def _running(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            package_root = str(Path(__file__).resolve().parents[1])
            path = os.environ.get("PYTHONPATH", "")
            env = {**os.environ, "PYTHONPATH": package_root + (os.pathsep + path if path else "")}
            self._process = subprocess.Popen([sys.executable, "-m", "tabench.worker", *self.limits], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        return self._process

    def _read_line(self, process: subprocess.Popen) -> str:
        ready, _, _ = select.select([process.stdout], [], [], WAIT_BACKSTOP_SECONDS)
        if not ready:
            process.kill()
            return ""
        return process.stdout.readline()

    def _reap(self) -> int | None:
        process, self._process = self._process, None
        if process is None:
            return None
        if process.poll() is None:
            process.kill()
        return process.wait()

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            try:
                process.stdin.close()
                process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()


def _describe_end(status: int | None) -> str:
    if status == -signal.SIGXCPU:
        return "the CPU-time limit"
    if status in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT):
        return "the memory limit"
    return f"an error in the worker (exit status {status})"


_WORKER = Worker()
atexit.register(_WORKER.close)


@lru_cache(maxsize=32768)
def compare(gold: tuple[str, ...], answer: tuple[str, ...], precision: int | None = None) -> tuple[str, str]:
    """("equal" | "different" | "unparsed" | "too_complex", how): the two expressions compared in the worker."""
    try:
        reply = _WORKER.request({"op": "compare", "gold": list(gold), "answer": list(answer), "precision": precision})
    except WorkerLimit as err:
        return "too_complex", f"stopped at {err}"
    if "error" in reply:
        return "too_complex", reply["error"]
    return reply["result"], reply["how"]


@lru_cache(maxsize=8192)
def parsed_form(latex: str) -> str | None:
    """The SymPy form of a reference expression as text (worked out in the worker); None when it does not parse."""
    try:
        reply = _WORKER.request({"op": "parsed_form", "latex": latex})
    except WorkerLimit:
        return None
    return reply.get("result")


# ---- inside the worker process --------------------------------------------------------------------

def _on_budget(signum, frame):
    from .symbolic import BudgetExceeded

    raise BudgetExceeded()


@contextmanager
def _budget(seconds: float):
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)


def _hard_cpu_limit(seconds: int) -> None:
    """The kernel ends this process (SIGXCPU) if the coming request uses more than `seconds` of CPU."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = used + seconds
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _handle(message: dict) -> dict:
    from . import symbolic

    if message.get("op") == "compare":
        return symbolic.compare(tuple(message["gold"]), tuple(message["answer"]), message.get("precision"), _budget)
    if message.get("op") == "parsed_form":
        return {"result": symbolic.parsed_form(message["latex"], _budget)}
    return {"error": f"unknown request {message.get('op')!r}"}


def main(argv: list[str]) -> None:
    hard_cpu_seconds, memory_bytes = (int(argv[0]), int(argv[1])) if len(argv) >= 2 else (HARD_CPU_SECONDS, MEMORY_BYTES)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    signal.signal(signal.SIGPROF, _on_budget)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which ends this process
    from . import symbolic

    symbolic.parse_item("x + 1")  # load SymPy and the LaTeX parser before the first budget starts
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            continue
        _hard_cpu_limit(hard_cpu_seconds)
        try:
            reply = _handle(message)
        except symbolic.BudgetExceeded:
            reply = {"error": "the CPU-time budget"}
        except MemoryError:
            reply = {"error": "the memory limit"}
        except RecursionError:
            reply = {"error": "nesting too deep"}
        except Exception as err:  # SymPy and the parser raise many kinds of errors on odd input
            reply = {"error": f"{type(err).__name__}"}
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
