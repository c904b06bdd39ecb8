"""Compile the LaTeX report with pdflatex (the edge: a subprocess in a temporary folder)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import TabenchError

INSTALL_HINT = "install pdflatex (Debian/Ubuntu: apt-get install texlive-latex-base texlive-latex-recommended) or use --format tex"


def pdflatex_available() -> bool:
    return shutil.which("pdflatex") is not None


def compile_pdf(sources: list[str], timeout: float = 120.0) -> bytes:
    """The PDF of the first source that compiles (later sources are fallbacks)."""
    if not pdflatex_available():
        raise TabenchError(f"pdflatex is not installed; {INSTALL_HINT}")
    last_error = ""
    for source in sources:
        with tempfile.TemporaryDirectory(prefix="tabench-pdf-") as folder:
            tex = Path(folder) / "report.tex"
            tex.write_text(source, encoding="utf-8")
            try:
                result = subprocess.run(
                    ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "report.tex"],
                    cwd=folder, capture_output=True, text=True, timeout=timeout,
                    env={"PATH": "/usr/bin:/bin:/usr/local/bin", "openout_any": "p", "openin_any": "p", "HOME": folder},
                )
            except subprocess.TimeoutExpired:
                last_error = "pdflatex took too long"
                continue
            pdf = Path(folder) / "report.pdf"
            if result.returncode == 0 and pdf.exists():
                return pdf.read_bytes()
            last_error = next((line for line in result.stdout.splitlines() if line.startswith("!")), "unknown error")
    raise TabenchError(f"pdflatex could not compile the report ({last_error}); use --format tex and inspect the file")
