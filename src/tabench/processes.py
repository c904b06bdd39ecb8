"""Which process owns a run, and whether it is still alive (the edge: reads the process table).

A run records its owner as pid, host name and the process's start time (from /proc where there is one), so a
pid reused by another program after a crash is not mistaken for the run's owner.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (Linux); [] where there is no such file."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    # The command name is in parentheses and may itself hold spaces or parentheses.
    return stat[stat.rfind(")") + 2:].split()


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), or None where that cannot be read."""
    fields = _stat(pid)
    return fields[19] if len(fields) > 19 else None


def this_process() -> dict:
    """{pid, host, started} of the running process."""
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "started": _start_time(pid)}


def is_running(pid: int | None, host: str | None, started: str | None) -> bool:
    """False when the owner is known to be gone; True while it runs, or when it cannot be checked from here
    (another machine)."""
    if pid is None:
        return False  # a run from before owners were recorded, still marked running: nothing runs it
    if host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, owned by another user
    fields = _stat(pid)
    if fields and fields[0] in ("Z", "X"):
        return False  # exited, not yet reaped by its parent
    now = fields[19] if len(fields) > 19 else None
    return started is None or now is None or now == started
