r"""`\input` and `\include`: which files a document may pull in, and how many (pure).

Only names relative to the document's folder are read: an absolute path, a `~` or a `..` component is refused
here, before anything is asked of the file system. The loader passes the function that reads a file (and checks
again, after following links, that it lies inside the folder); a file that is missing or refused is a warning,
never a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath

from ...errors import InputError

# a path relative to the document's folder -> its text, or None when there is no such file there
ReadFile = Callable[[str], "str | None"]

# control characters mean nothing in a document (TeX rejects most of them); the reader marks references with NUL
_CONTROL_CHARACTERS = dict.fromkeys([*range(0, 9), 11, *range(14, 32), 127])

MAX_DEPTH = 8
MAX_FILES = 64
MAX_ATTEMPTS = 256  # includes asked for, read or not


class Includes:
    """The files one document includes, within a depth, a file count and a size budget (in characters)."""

    def __init__(self, read: ReadFile | None, budget: int, document: str | None = None):
        self.read = read
        self.budget = budget
        self.files = 0
        self.open_files: list[str] = [document] if document else []
        self.attempts = 0
        self.warnings: list[str] = []

    def text(self, command: str, name: str, where: str) -> str | None:
        r"""The text `\command{name}` stands for, or None (and a warning that says why)."""
        self.attempts += 1
        if self.attempts > MAX_ATTEMPTS:
            if self.attempts == MAX_ATTEMPTS + 1:
                self.warnings.append(f"more than {MAX_ATTEMPTS} includes: the rest are not read")
            return None
        shown = f"\\{command}{{{name}}} ({where})"
        refusal = _refusal(name)
        if refusal:
            self.warnings.append(f"{shown}: not read: {refusal}; only files inside the document's folder are read")
            return None
        if self.read is None:
            self.warnings.append(f"{shown}: not read: the document was given as text, with no folder to read from")
            return None
        if len(self.open_files) > MAX_DEPTH:
            self.warnings.append(f"{shown}: not read: includes are nested more than {MAX_DEPTH} deep")
            return None
        if self.files >= MAX_FILES:
            self.warnings.append(f"{shown}: not read: the document already includes {MAX_FILES} files")
            return None
        for candidate in _candidates(command, name):
            if candidate in self.open_files:
                self.warnings.append(f"{shown}: not read again: {candidate} includes itself")
                return None
            try:
                text = self.read(candidate)
            except InputError as err:
                self.warnings.append(f"{shown}: not read: {err}")
                return None
            if text is None:
                continue
            if len(text) > self.budget:
                self.warnings.append(f"{shown}: not read: it would take the document over its size limit")
                return None
            self.budget -= len(text)
            self.files += 1
            return without_control_characters(text)
        self.warnings.append(f"{shown}: no such file beside the document; its content is missing")
        return None

    def enter(self, name: str) -> None:
        self.open_files.append(name)

    def leave(self) -> None:
        self.open_files.pop()


def _refusal(name: str) -> str | None:
    if not name.strip():
        return "the name is empty"
    if any(ord(char) < 32 for char in name):
        return "the name holds control characters"
    if name.lstrip().startswith("|"):
        return "it is a shell command, and tabench runs none"
    if name.startswith(("/", "\\", "~")) or (len(name) > 1 and name[1] == ":") or "://" in name:
        return "it is an absolute path"
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        return "it climbs out of the document's folder (..)"
    return None


def _candidates(command: str, name: str) -> list[str]:
    r"""The files TeX would try: `\input{a}` reads a.tex, then a; `\include{a}` only a.tex."""
    name = str(PurePosixPath(name.strip().strip('"')))
    with_tex = name if name.endswith(".tex") else name + ".tex"
    if command == "include" or name.endswith(".tex"):
        return [with_tex]
    return [with_tex, name]


def without_control_characters(text: str) -> str:
    return text.translate(_CONTROL_CHARACTERS)
