"""SymPy and big-number work in a separate process, bounded in CPU time and memory (edge).

The grading core sends the worker strings and gets small JSON answers back. Each request runs under
CPU-time budgets (an interval timer on the process's own CPU time, so a busy machine gives the same
verdicts as an idle one) with a hard CPU limit behind them that ends the process when a computation is stuck
inside C code (a big-integer power holds the interpreter), and under an address-space limit. A worker that
ends is started again for the next request; the request that ended it is answered as too complex.
Answers are cached per distinct request.

Requests can be pipelined: a caller grading many answers sends a comparison, goes on reading other answers while
the worker decides it, and comes back for the reply (`pipelined`, `deferring`). Replies come back in the order
the requests were sent; the requests behind one that ended the worker are sent again to a new one.
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
from collections import deque
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")

MEMORY_BYTES = 768 * 2**20  # address space of the worker process
HARD_CPU_SECONDS = 12  # CPU seconds one request may use in all, above the sum of its budgets
WAIT_BACKSTOP_SECONDS = 600  # wall clock: only a stopped worker takes this long


class WorkerLimit(Exception):
    """The request took the worker past its CPU or memory limit."""


class Pending(BaseException):
    """Raised by `compare` while deferring: the comparison was sent to the worker and has no answer yet.
    (BaseException: no checker's `except Exception` swallows it on its way to the caller that deferred.)"""


MAX_IN_FLIGHT = 64  # requests sent and not yet answered; their replies always fit in the pipe, so nothing blocks


class Worker:
    """One persistent worker process, started on first use. Requests may be sent ahead (`send`) and their replies
    collected later (`reply`, `request`): the worker answers them in order while the caller goes on."""

    def __init__(self, hard_cpu_seconds: int = HARD_CPU_SECONDS, memory_bytes: int = MEMORY_BYTES) -> None:
        self.limits = [str(hard_cpu_seconds), str(memory_bytes)]
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._in_flight: deque[str] = deque()  # request lines sent to the running process, oldest first
        self._replies: dict[str, dict | WorkerLimit] = {}  # replies read and not yet collected, by request line
        self._buffer = b""
        self._closed = False

    def request(self, message: dict) -> dict:
        """The reply to `message`, waiting for it (WorkerLimit when the request ended the worker)."""
        line = json.dumps(message)
        with self._lock:
            self._send(line)
            while line not in self._replies:
                self._receive(WAIT_BACKSTOP_SECONDS)
            return self._collect(line)

    def send(self, message: dict) -> None:
        """Send `message` now; its reply is collected later with `reply` or `request`."""
        with self._lock:
            self._send(json.dumps(message))

    def reply(self, message: dict) -> dict | None:
        """The reply to a message sent before, if it has arrived; None while the worker is still on it."""
        line = json.dumps(message)
        with self._lock:
            if line not in self._replies and line in self._in_flight:
                self._receive(0)
            return self._collect(line) if line in self._replies else None

    def _send(self, line: str) -> None:
        if line in self._replies or line in self._in_flight:
            return
        while len(self._in_flight) >= MAX_IN_FLIGHT:
            self._receive(WAIT_BACKSTOP_SECONDS)
        for _ in range(2):  # a worker that ended between requests is started again once
            try:
                process = self._running()
                process.stdin.write(line + "\n")
                process.stdin.flush()
            except (BrokenPipeError, OSError):
                self._ended()
                continue
            self._in_flight.append(line)
            return
        self._replies[line] = WorkerLimit("the worker process could not be started")

    def _collect(self, line: str) -> dict:
        reply = self._replies.pop(line)
        if isinstance(reply, WorkerLimit):
            raise reply
        return reply

    def _receive(self, timeout: float) -> None:
        """Read the replies that have arrived, waiting up to `timeout` seconds for the first."""
        process = self._process
        if process is None or not self._in_flight:
            return
        ready, _, _ = select.select([process.stdout], [], [], timeout)
        if not ready:
            if timeout:  # only a stopped worker takes this long
                process.kill()
                self._ended()
            return
        chunk = os.read(process.stdout.fileno(), 1 << 16)
        if not chunk:
            self._ended()
            return
        *lines, self._buffer = (self._buffer + chunk).split(b"\n")
        for reply in lines:
            self._replies[self._in_flight.popleft()] = json.loads(reply)

    def _ended(self) -> None:
        """The process ended: the request it was on ended it; the ones behind it go to a new process."""
        status = self._reap()
        waiting, self._in_flight, self._buffer = list(self._in_flight), deque(), b""
        if waiting:
            self._replies[waiting[0]] = WorkerLimit(_describe_end(status))
        for line in waiting[1:]:
            self._send(line)

    def _running(self) -> subprocess.Popen:
        if self._closed:
            raise BrokenPipeError("the worker is closed")
        if self._process is None or self._process.poll() is not None:
            package_root = str(Path(__file__).resolve().parents[1])
            path = os.environ.get("PYTHONPATH", "")
            env = {**os.environ, "PYTHONPATH": package_root + (os.pathsep + path if path else "")}
            self._process = subprocess.Popen([sys.executable, "-m", "tabench.worker", *self.limits], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        return self._process

    def _reap(self) -> int | None:
        process, self._process = self._process, None
        if process is None:
            return None
        if process.poll() is None:
            process.kill()
        return process.wait()

    def close(self) -> None:
        """End the process; requests still in flight are dropped (their answers are no longer wanted)."""
        self._closed = True
        process, self._process = self._process, None
        if process is not None and self._in_flight:
            process.kill()
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

_deferring: ContextVar[bool] = ContextVar("deferring", default=False)
_compared: dict[tuple, tuple[str, str]] = {}
_COMPARED_MAX = 32768
_compared_lock = threading.Lock()


@contextmanager
def deferring():
    """Within it, `compare` does not wait for the worker: a comparison not yet decided is sent and `Pending` is
    raised, so the caller can grade other answers meanwhile and come back to this one (after the block, when
    `compare` waits)."""
    token = _deferring.set(True)
    try:
        yield
    finally:
        _deferring.reset(token)


def pipelined(jobs: list[Callable[[], T]]) -> list[T]:
    """Each job's result, in order. The jobs run first while deferring: one that needs a comparison the worker has
    not decided yet is set aside while the others run, and run again once they are done (then `compare` waits).
    The results do not depend on how fast the worker was."""
    results: list = [None] * len(jobs)
    set_aside = []
    with deferring():
        for index, job in enumerate(jobs):
            try:
                results[index] = job()
            except Pending:
                set_aside.append(index)
    for index in set_aside:
        results[index] = jobs[index]()
    return results


def compare(gold: tuple[str, ...], answer: tuple[str, ...], precision: int | None = None) -> tuple[str, str]:
    """("equal" | "different" | "unparsed" | "too_complex", how): the two expressions compared in the worker
    (cached per distinct request)."""
    key = (gold, answer, precision)
    with _compared_lock:
        if key in _compared:
            return _compared[key]
    message = {"op": "compare", "gold": list(gold), "answer": list(answer), "precision": precision}
    try:
        if _deferring.get():
            _WORKER.send(message)
            reply = _WORKER.reply(message)
            if reply is None:
                raise Pending()
        else:
            reply = _WORKER.request(message)
        result = (reply["result"], reply["how"]) if "error" not in reply else ("too_complex", reply["error"])
    except WorkerLimit as err:
        result = "too_complex", f"stopped at {err}"
    with _compared_lock:
        if len(_compared) >= _COMPARED_MAX:
            _compared.clear()
        _compared[key] = result
    return result


def forget_comparisons() -> None:
    """Empty the cache of comparisons (for measurements of the cold path)."""
    with _compared_lock:
        _compared.clear()


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
