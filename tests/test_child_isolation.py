"""A native crash in a test body run through tests/child.py fails that one test; the rest of the suite runs."""

import ctypes
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from child import run_in_child

HERE = Path(__file__).parent


def _segfault():
    ctypes.string_at(0)  # reads address 0: SIGSEGV, as a crashing native library would


def _fails():
    assert 1 + 1 == 3, "arithmetic in the child"


def _sleeps():
    time.sleep(60)


def _passes(path):
    Path(path).write_text("ran")


def test_segfault_in_child_fails_the_test_naming_the_signal():
    with pytest.raises(pytest.fail.Exception, match=r"signal SIGSEGV \(11\)"):
        run_in_child(_segfault)


def test_assertion_in_child_is_reported_with_its_traceback():
    with pytest.raises(pytest.fail.Exception, match="arithmetic in the child"):
        run_in_child(_fails)


def test_child_past_its_timeout_is_killed_and_fails():
    started = time.monotonic()
    with pytest.raises(pytest.fail.Exception, match="ran past 2 s"):
        run_in_child(_sleeps, timeout=2)
    assert time.monotonic() - started < 30


def test_passing_child_passes(tmp_path):
    run_in_child(_passes, str(tmp_path / "out"))
    assert (tmp_path / "out").read_text() == "ran"


def test_a_crashing_test_does_not_stop_the_run(tmp_path):
    """A whole pytest run: the crashing test is one failure with the signal named; the tests after it still run."""
    (tmp_path / "test_suite.py").write_text(textwrap.dedent(f"""
        import ctypes, sys
        sys.path.insert(0, {str(HERE)!r})
        from child import run_in_child

        def crash():
            ctypes.string_at(0)

        def test_before():
            pass

        def test_native_crash():
            run_in_child(crash)

        def test_after():
            pass
    """))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed, 2 passed" in result.stdout, result.stdout
    assert "died with signal SIGSEGV" in result.stdout
    assert "Fatal Python error" not in result.stdout + result.stderr
