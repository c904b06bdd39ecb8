"""Compile the LaTeX report with pdflatex (the edge: a sandboxed subprocess in a temporary folder).

pdflatex runs with shell escape off (`-no-shell-escape`, `shell_escape=f`), reading and writing only in its
folder (`openin_any=p`, `openout_any=p`), without making fonts (`MKTEX*=0`), in batch mode, in a process
group of its own that is killed at the deadline, with limits on CPU time and on the size of what it writes.
Its log is read as bytes (TeX writes whatever bytes it likes there), and only its first error line is kept.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import TabenchError

INSTALL_HINT = ("install pdflatex (Debian/Ubuntu: apt-get install texlive-latex-base texlive-latex-recommended "
                "lmodern) or use --format tex")
TIMEOUT_SECONDS = 30.0
MAX_WRITTEN_BYTES = 200 * 1024 * 1024
MAX_LOG_BYTES = 1024 * 1024
_ERROR_LINE = re.compile(r"^(!|\S+:\d+: )")  # "! Undefined control sequence." or "./report.tex:12: ..."


def pdflatex_available() -> bool:
    return shutil.which("pdflatex") is not None


def sandbox_environment(folder: str) -> dict[str, str]:
    """The environment pdflatex runs in: nothing of the user's but PATH, file access kept to its folder."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": folder, "TEXMFOUTPUT": folder,
        "openin_any": "p", "openout_any": "p", "shell_escape": "f",
        "MKTEXPK": "0", "MKTEXTFM": "0", "MKTEXMF": "0", "MKTEXFMT": "0", "LC_ALL": "C",
    }


def _limits(timeout: float):
    def apply() -> None:  # runs in the child, before pdflatex starts
        import resource

        cpu = int(timeout) + 5
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_WRITTEN_BYTES, MAX_WRITTEN_BYTES))

    return apply


def run_pdflatex(folder: str, tex_name: str, timeout: float = TIMEOUT_SECONDS) -> tuple[int | None, str]:
    """(exit status or None when stopped at the deadline, the log's first error line)."""
    try:
        process = subprocess.Popen(
            ["pdflatex", "-interaction=batchmode", "-halt-on-error", "-no-shell-escape", "-file-line-error", tex_name],
            cwd=folder, env=sandbox_environment(folder), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True, preexec_fn=_limits(timeout),
        )
    except OSError as err:
        raise TabenchError(f"cannot run pdflatex ({err.strerror}); {INSTALL_HINT}") from None
    try:
        status: int | None = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        status = None
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # pdflatex and anything it started
        except ProcessLookupError:
            pass
        process.wait()
    return status, _first_error(Path(folder) / (Path(tex_name).stem + ".log"))


def _first_error(log: Path) -> str:
    try:
        with log.open("rb") as handle:
            data = handle.read(MAX_LOG_BYTES)
    except OSError:
        return ""
    for line in data.decode("utf-8", errors="replace").splitlines():
        if _ERROR_LINE.match(line):
            return " ".join(line.split())[:200]
    return ""


def compile_pdf(sources: list[str], timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The PDF of the first source that compiles (later sources are fallbacks)."""
    if not pdflatex_available():
        raise TabenchError(f"pdflatex is not installed; {INSTALL_HINT}")
    last_error = ""
    for source in sources:
        try:
            with tempfile.TemporaryDirectory(prefix="tabench-pdf-") as folder:
                (Path(folder) / "report.tex").write_text(source, encoding="ascii", errors="strict")
                status, error = run_pdflatex(folder, "report.tex", timeout)
                pdf = Path(folder) / "report.pdf"
                if status == 0 and pdf.exists():
                    return pdf.read_bytes()
        except OSError as err:
            raise TabenchError(f"cannot compile the report in a temporary folder ({err.strerror}); "
                               f"set TMPDIR to a writable folder or use --format tex") from None
        last_error = f"stopped after {timeout:g} s" if status is None else (error or f"exit status {status}")
    raise TabenchError(f"pdflatex could not compile the report ({last_error}); use --format tex and inspect the file")
