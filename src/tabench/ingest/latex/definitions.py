r"""What a document defines: macros, environments, switches, theorem-like problems (pure).

`Definitions.read` reads one definition (`\newcommand`, `\renewcommand`, `\providecommand`, `\def`, `\let`,
`\DeclareMathOperator`, `\newenvironment`, `\newtheorem`, `\lstnewenvironment`, `\excludecomment`, `\newif`,
`\newboolean`, `\setboolean`) from the text and records it; the expander drops the definition from the text.
An environment whose name or printed words say it holds a solution or a problem is not expanded but kept, with
its argument spec, so that the reader sees where it ends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .source import (
    argument_count,
    next_char,
    read_argument,
    read_control_name,
    read_optional,
    skip_spaces,
    skip_star,
)
from .specs import CODE_ENVIRONMENTS, HIDDEN_ENVIRONMENTS, question_like, solution_like

_PARAMETERS = re.compile(r"(?:#[1-9])*")
_SOLUTION_WORDS = re.compile(r"\b(?:Solutions?|Answers?|Proof)\b")
_QUESTION_WORDS = re.compile(r"\b(?:Problem|Question|Exercise)\b")
COMMANDS = ("newcommand", "renewcommand", "providecommand", "DeclareRobustCommand")
ENVIRONMENTS = ("newenvironment", "renewenvironment", "provideenvironment")
DEFS = ("def", "gdef", "edef", "xdef")
PREFIXES = ("long", "global", "protected", "outer")  # `\long\def…`: nothing to expand


@dataclass
class Macro:
    nargs: int
    default: str | None  # the first argument is optional, with this default
    body: str
    builtin: bool = False  # `\let\a\b` of a macro tabench does not define: `\a` stands for `\b` as it is


@dataclass
class Environment:
    nargs: int
    default: str | None
    begin: str
    end: str


@dataclass
class Definitions:
    macros: dict[str, Macro] = field(default_factory=dict)
    environments: dict[str, Environment] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)  # environments with a role -> argument spec
    roles: dict[str, str] = field(default_factory=dict)  # environment -> 'solution' | 'question'
    titles: dict[str, str] = field(default_factory=dict)  # theorem-like environment -> what it prints ('Problem')
    code: dict[str, str] = field(default_factory=lambda: {name: spec for name, (spec, _) in CODE_ENVIRONMENTS.items()})
    hidden: set[str] = field(default_factory=lambda: set(HIDDEN_ENVIRONMENTS))
    switches: dict[str, bool] = field(default_factory=dict)  # \newif\ifname, \newboolean{name}

    def read(self, command: str, text: str, at: int, warn: Callable[[str, str], None]) -> int | None:
        """Record the definition `\\command` starts (its arguments from `at`); return where it ends, or None when
        `command` defines nothing. `warn(key, message)` reports one that cannot be read ('{where}' in the message
        stands for its place)."""
        if command in COMMANDS:
            return self._command(command, text, at, warn)
        if command in DEFS:
            return self._def(text, at, warn)
        if command in PREFIXES:
            return at
        reader = {
            "let": self._let, "newtheorem": self._theorem, "DeclareMathOperator": self._operator,
            "lstnewenvironment": self._listing, "DefineVerbatimEnvironment": self._verbatim,
            "excludecomment": self._hide, "excludeversion": self._hide, "newif": self._switch,
            "newboolean": self._boolean, "provideboolean": self._boolean,
        }.get(command)
        if reader is not None:
            return reader(text, at)
        if command in ENVIRONMENTS:
            return self._environment(command, text, at, warn)
        if command == "setboolean":
            return self._set_boolean(text, at)
        return self._flip_switch(command, at)

    def _command(self, command, text, at, warn) -> int:
        at = skip_star(text, at)
        name, at = read_control_name(text, at)
        count, at = read_optional(text, at)
        default, at = read_optional(text, at)
        body = read_argument(text, at)
        if name is None or body is None:
            warn(f"bad:{command}:{at}", f"\\{command} ({{where}}) could not be read; its macro is not expanded")
            return at if body is None else body[1]
        if command != "providecommand" or name not in self.macros:
            self.macros[name] = Macro(argument_count(count), default, body[0])
        return body[1]

    def _def(self, text, at, warn) -> int:
        name, at = read_control_name(text, at)
        brace = text.find("{", at)
        if name is None or brace == -1:
            return at
        parameters = text[at:brace].replace(" ", "")
        body = read_argument(text, brace)
        if body is None:
            return at
        if _PARAMETERS.fullmatch(parameters):
            self.macros[name] = Macro(len(parameters) // 2, None, body[0])
        elif name.isalpha():  # `\def\@x…` and other internals of a class or package are not the document's
            warn(f"def:{name}", f"\\def\\{name} ({{where}}) has delimited parameters; it is not expanded")
        return body[1]

    def _let(self, text, at) -> int:
        name, at = read_control_name(text, at)
        at = skip_spaces(text, at)
        if at < len(text) and text[at] == "=":
            at = skip_spaces(text, at + 1)
        target, end = read_control_name(text, at)
        if name is None or target is None:
            return at
        self.macros[name] = self.macros.get(target) or Macro(0, None, "\\" + target, builtin=True)
        return end

    def _environment(self, command, text, at, warn) -> int:
        at = skip_star(text, at)
        name, at = read_argument(text, at) or (None, at)
        count, at = read_optional(text, at)
        default, at = read_optional(text, at)
        begin = read_argument(text, at)
        end = read_argument(text, begin[1]) if begin else None
        if name is None or begin is None or end is None:
            warn(f"bad:{command}:{at}", f"\\{command} ({{where}}) could not be read; its environment is not expanded")
            return at if end is None else end[1]
        name = name.strip()
        nargs = argument_count(count)
        role = _role_of(name, begin[0])
        if role:
            self.roles[name] = role
            self.kept[name] = ("[" if default is not None else "") + "{" * (nargs - (default is not None))
            self.environments.pop(name, None)
        elif command != "provideenvironment" or name not in self.environments:
            self.environments[name] = Environment(nargs, default, begin[0], end[0])
        return end[1]

    def _theorem(self, text, at) -> int:
        at = skip_star(text, at)
        name, at = read_argument(text, at) or (None, at)
        _, at = read_optional(text, at)
        title, at = read_argument(text, at) or ("", at)
        _, at = read_optional(text, at)
        if name:
            name = name.strip()
            role = _role_of(name, title)
            if role:
                self.roles[name] = role
            self.titles[name] = " ".join(title.split())
            self.kept[name] = "["
        return at

    def _operator(self, text, at) -> int:
        star = next_char(text, at) == "*"
        at = skip_star(text, at)
        name, at = read_control_name(text, at)
        operator = read_argument(text, at)
        if name is None or operator is None:
            return at
        self.macros[name] = Macro(0, None, f"\\operatorname{'*' if star else ''}{{{operator[0]}}}")
        return operator[1]

    def _listing(self, text, at) -> int:
        r"""\lstnewenvironment{name}[n][default]{begin}{end}: a code environment."""
        name, at = read_argument(text, at) or (None, at)
        count, at = read_optional(text, at)
        default, at = read_optional(text, at)
        for _ in range(2):
            at = (read_argument(text, at) or (None, at))[1]
        if name:
            self.code[name.strip()] = ("[" if default is not None else "") + "{" * (
                argument_count(count) - (default is not None))
        return at

    def _verbatim(self, text, at) -> int:
        r"""\DefineVerbatimEnvironment{name}{Verbatim}{options}: a code environment."""
        name, at = read_argument(text, at) or (None, at)
        for _ in range(2):
            at = (read_argument(text, at) or (None, at))[1]
        if name:
            self.code[name.strip()] = "["
        return at

    def _hide(self, text, at) -> int:
        name, at = read_argument(text, at) or (None, at)
        if name and not solution_like(name.strip()):  # a key is read even where the document hides it
            self.hidden.add(name.strip())
            self.code.setdefault(name.strip(), "")
        return at

    def _switch(self, text, at) -> int:
        name, end = read_control_name(text, at)
        if name and name.startswith("if"):
            self.switches[name[2:]] = False
        return end

    def _boolean(self, text, at) -> int:
        name, at = read_argument(text, at) or (None, at)
        if name is not None:
            self.switches.setdefault(name.strip(), False)
        return at

    def _set_boolean(self, text, at) -> int:
        name, at = read_argument(text, at) or (None, at)
        value, at = read_argument(text, at) or ("false", at)
        if name is not None:
            self.switches[name.strip()] = value.strip().lower() == "true"
        return at

    def _flip_switch(self, command, at) -> int | None:
        r"""`\solutionstrue` / `\solutionsfalse` of a `\newif\ifsolutions`."""
        for ending, value in (("true", True), ("false", False)):
            if command.endswith(ending) and command[: -len(ending)] in self.switches:
                self.switches[command[: -len(ending)]] = value
                return at
        return None


def _role_of(name: str, printed: str) -> str | None:
    """'solution' or 'question' when the environment's name or the words it prints say so."""
    if solution_like(name) or _SOLUTION_WORDS.search(printed or ""):
        return "solution"
    if question_like(name) or _QUESTION_WORDS.search(printed or ""):
        return "question"
    return None
