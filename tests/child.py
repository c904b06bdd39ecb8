"""Run a test body in a child process, so a native crash fails that test instead of killing pytest.

Code that loads native model libraries (llama.cpp) can die with a signal. `run_in_child(fn, *args)` runs
`fn(*args)` in a fresh interpreter (multiprocessing "spawn"): an assertion or exception in the child is
re-raised here as a test failure with the child's traceback; a child killed by a signal fails the test
with the signal's name; a child that runs past `timeout` is killed and fails the test.
"""

from __future__ import annotations

import multiprocessing
import signal
import traceback

import pytest


def _child_main(conn, fn, args, kwargs) -> None:
    try:
        fn(*args, **kwargs)
    except BaseException as err:  # noqa: BLE001 - everything goes back to the parent as text
        skipped = isinstance(err, pytest.skip.Exception)
        conn.send(("skip" if skipped else "error", "".join(traceback.format_exception(err))))
    else:
        conn.send(("ok", ""))
    finally:
        conn.close()


def run_in_child(fn, *args, timeout: float = 900, **kwargs) -> None:
    """Run `fn(*args, **kwargs)` in a child process and turn how it ended into this test's outcome."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(sender, fn, args, kwargs), daemon=True)
    process.start()
    sender.close()
    outcome = None
    if receiver.poll(timeout):
        try:
            outcome = receiver.recv()
        except EOFError:  # the child died before it could say anything
            outcome = None
    process.join(timeout=30 if outcome is not None else 5)
    if process.is_alive():
        process.kill()
        process.join()
        if outcome is None:
            pytest.fail(f"the child process ran past {timeout:g} s and was killed", pytrace=False)
    code = process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        pytest.fail(f"the child process died with signal {name} ({-code}): a native crash in the code under test",
                    pytrace=False)
    if outcome is None:
        pytest.fail(f"the child process exited with status {code} without reporting a result", pytrace=False)
    status, text = outcome
    if status == "skip":
        pytest.skip(text.strip().splitlines()[-1])
    if status == "error":
        pytest.fail(f"in the child process:\n{text}", pytrace=False)
