r"""Macro expansion before parsing, as TeX does it, within bounds (pure).

Reads the document token by token with pylatexenc's tokenizer and
- records `\newcommand`, `\renewcommand`, `\providecommand`, `\def`, `\let`, `\DeclareMathOperator`,
  `\newenvironment`, `\newtheorem`, `\newif`, `\newboolean` and drops the definitions from the text;
- replaces each call of a recorded macro or environment by its body with the arguments put in;
- settles conditionals it can evaluate: `\ifprintanswers … \else … \fi` (and an `\if…` or a boolean whose name
  says solution or answer) becomes `\tabenchprintanswers{answers shown}{answers hidden}` so that the reader knows
  which text only the key shows; `\iftrue`, `\newif` switches and `\ifthenelse{\equal{a}{b}}…` are evaluated;
- inlines `\input`/`\include` through `Includes`;
- copies code (`verbatim`, `lstlisting`, `\verb|…|`, …) untouched and drops `comment` environments and comments.

A macro that expands into itself, more than MAX_DEPTH nested expansions, more than MAX_EXPANSIONS calls or an
output past the size limit stop the expansion with a warning: what is left is kept as written, never dropped.
Environments with a role (a solution, a problem) are kept as environments so the reader sees where they end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pylatexenc.latexwalker import LatexWalkerEndOfStream

from ...errors import ParseError
from .includes import Includes
from .specs import (
    CODE_ENVIRONMENTS,
    HIDDEN_ENVIRONMENTS,
    PRINT_ANSWERS,
    SOLUTION_ENVIRONMENT,
    context_for,
    question_like,
    solution_like,
)
from .walker import walker

MAX_DEPTH = 32  # macros expanding into macros
MAX_EXPANSIONS = 20_000  # macro and environment calls in one document
MAX_NESTING = 100  # groups and environments inside each other

_CONTROL_WORD_END = re.compile(r"\\[A-Za-z]+$")
_PARAMETERS = re.compile(r"(?:#[1-9])*")
_ROLE_WORDS = re.compile(r"\b(?:Solutions?|Answers?|Proof)\b")
_QUESTION_WORDS = re.compile(r"\b(?:Problem|Question|Exercise)\b")
_DEFINERS = ("newcommand", "renewcommand", "providecommand", "DeclareRobustCommand")
_ENVIRONMENT_DEFINERS = ("newenvironment", "renewenvironment", "provideenvironment")
_DEF = ("def", "gdef", "edef", "xdef")
_PREFIXES = ("long", "global", "protected", "outer")
_INCLUDES = ("input", "include", "subfile", "import", "subimport", "inputfrom", "subinputfrom")
_UNREAD_CONDITIONALS = "conditional"
# TeX's conditionals (and the exam class's \ifprintanswers); other \if… names are ordinary macros
TEX_CONDITIONALS = frozenset((
    "ifprintanswers", "iftrue", "iffalse", "if", "ifx", "ifnum", "ifdim", "ifodd", "ifvmode", "ifhmode", "ifmmode",
    "ifinner", "ifvoid", "ifhbox", "ifvbox", "ifeof", "ifcat", "ifcase", "ifdefined", "ifcsname", "iffontchar",
    "ifincsname", "ifpdf", "ifxetex", "ifluatex",
))


@dataclass(frozen=True)
class Where:
    """A place in the document, for messages; its line number is counted only when a message is written."""

    text: str
    pos: int
    file: str = ""

    def __str__(self) -> str:
        line = self.text.count("\n", 0, self.pos) + 1
        return f"{self.file} line {line}" if self.file else f"line {line}"


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
class Expansion:
    """The expanded text and what the reader needs to know about the document's own definitions."""

    text: str
    warnings: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # environment -> 'solution' | 'question'
    titles: dict[str, str] = field(default_factory=dict)  # theorem-like environment -> what it prints ('Problem')
    context: object = None  # the pylatexenc db for this document
    code_environments: set[str] = field(default_factory=set)  # environments whose body is code, kept as written
    document_class: str | None = None


class Expander:
    def __init__(self, includes: Includes, max_chars: int):
        self.includes = includes
        self.max_chars = max_chars
        self.macros: dict[str, Macro] = {}
        self.environments: dict[str, Environment] = {}
        self.kept_environments: dict[str, str] = {}  # environments with a role -> argument spec
        self.code_environments = {name: spec for name, (spec, _) in CODE_ENVIRONMENTS.items()}
        self.hidden_environments = set(HIDDEN_ENVIRONMENTS)
        self.roles: dict[str, str] = {}
        self.titles: dict[str, str] = {}  # theorem-like environments -> the word they print ('Problem')
        self.switches: dict[str, bool] = {}  # \newif\ifname and \newboolean{name}
        self.context = context_for({}, {})
        self.expansions = 0
        self.produced = 0
        self.recursive: set[str] = set()
        self.nesting = 0
        self.warnings: list[str] = []
        self._warned: set[str] = set()
        self.document_class: str | None = None

    # ---- driver --------------------------------------------------------------------------------------------

    def run(self, text: str) -> Expansion:
        expanded = self.expand(text, 0, "")
        return Expansion(expanded, self.warnings + self.includes.warnings, self.roles, self.titles,
                         context_for(self.kept_environments, self.code_environments), set(self.code_environments),
                         self.document_class)

    def expand(self, text: str, depth: int, origin: str) -> str:
        """`text` with its definitions recorded and its macros expanded. `origin` names where it comes from."""
        scan = walker(text, self.context)
        out: list[str] = []
        pos = 0
        while True:
            try:
                token = scan.get_token(pos)
            except LatexWalkerEndOfStream as end:
                out.append(end.final_space)
                break
            out.append(token.pre_space)
            after = token.pos + token.len
            kind = token.tok
            if kind == "comment":
                pos = after
                continue
            if kind == "macro":
                pos = self._macro(token, text, after, depth, origin, out)
            elif kind == "begin_environment":
                pos = self._begin(token, text, after, depth, origin, out)
            elif kind == "end_environment":
                pos = self._end(token, text, after, depth, origin, out)
            else:
                if depth == 0 and kind in ("brace_open", "brace_close"):
                    self._nest(1 if kind == "brace_open" else -1, text, token.pos, origin)
                out.append(text[token.pos : after])
                pos = after
        result = "".join(out)
        self.produced += len(result)  # nested expansions count again in their callers: a safe overestimate
        return result

    # ---- macros --------------------------------------------------------------------------------------------

    def _macro(self, token, text, after, depth, origin, out) -> int:
        name = token.arg
        if name in _DEFINERS:
            return self._define_command(name, text, after, origin)
        if name in _DEF:
            return self._define_def(text, after, origin)
        if name in _PREFIXES:
            return after
        if name == "let":
            return self._define_let(text, after)
        if name in _ENVIRONMENT_DEFINERS:
            return self._define_environment(name, text, after, origin)
        if name == "newtheorem":
            return self._define_theorem(text, after)
        if name == "DeclareMathOperator":
            return self._define_operator(text, after)
        if name in ("lstnewenvironment", "DefineVerbatimEnvironment"):
            return self._define_code_environment(name, text, after)
        if name in ("excludecomment", "excludeversion"):
            return self._hide_environment(text, after)
        if name == "newif":
            return self._define_switch(text, after)
        if name in ("newboolean", "provideboolean", "setboolean"):
            return self._boolean(name, text, after)
        if name == "ifthenelse":
            return self._ifthenelse(token, text, after, depth, origin, out)
        if self._is_conditional(name):
            return self._conditional(token, text, after, depth, origin, out)
        if name in ("else", "fi", "or"):
            out.append(text[token.pos : after])
            return after
        if (name.endswith("true") or name.endswith("false")) and name[: -4 if name.endswith("true") else -5] in self.switches:
            self.switches[name[: -4 if name.endswith("true") else -5]] = name.endswith("true")
            return after
        if name in _INCLUDES:
            return self._include(token, text, after, depth, origin, out)
        if name in ("catcode", "lccode", "uccode", "sfcode", "mathcode", "delcode"):
            return self._catcode(name, text, after, origin)
        if name in ("verb", "lstinline", "mintinline"):
            end = _inline_code_end(name, text, token.pos + len(name) + 1)
            out.append(text[token.pos : end])
            return end
        if name == "documentclass":
            self._document_class(text, after)
        macro = self.macros.get(name)
        if macro is None:
            out.append(text[token.pos : after])
            return after
        return self._call(name, macro, token, text, after, depth, origin, out)

    def _call(self, name, macro, token, text, after, depth, origin, out) -> int:
        args, end = _read_arguments(text, after, macro.nargs, macro.default)
        raw = text[token.pos : end if args is not None else after]
        if args is None:
            self._warn(f"missing:{name}", f"\\{name} ({self._where(text, token.pos, origin)}) lacks its arguments; "
                                          "kept as written")
            out.append(raw)
            return after
        if macro.builtin:
            out.append(macro.body + " ")
            return end
        if not self._may_expand(name, text, token.pos, depth, origin):
            out.append(raw)
            return end
        mandatory = args[1:] if macro.default is not None else args
        if solution_like(name) and mandatory:
            body = f"\\begin{{{SOLUTION_ENVIRONMENT}}}" + "\n\n".join(mandatory) + f"\\end{{{SOLUTION_ENVIRONMENT}}}"
        else:
            body = substitute(macro.body, args)
        out.append(_spaced(self.expand(body, depth + 1, self._where(text, token.pos, origin))))
        return end

    def _may_expand(self, name, text, pos, depth, origin) -> bool:
        if name in self.recursive:
            return False
        if depth >= MAX_DEPTH:
            self.recursive.add(name)
            self._warn(f"deep:{name}", f"\\{name} ({self._where(text, pos, origin)}) expands into itself or nests "
                                       f"more than {MAX_DEPTH} macros deep; kept unexpanded")
            return False
        if self.expansions >= MAX_EXPANSIONS or self.produced > self.max_chars:
            self._warn("budget", f"macro expansion stopped at \\{name} ({self._where(text, pos, origin)}): over "
                                 f"{MAX_EXPANSIONS} calls or {self.max_chars // 1_000_000} MB of text; the rest "
                                 "is kept unexpanded")
            return False
        self.expansions += 1
        return True

    # ---- definitions ---------------------------------------------------------------------------------------

    def _define_command(self, definer, text, at, origin) -> int:
        at = _skip_star(text, at)
        name, at = _read_control_name(text, at)
        count, at = _read_optional(text, at)
        default, at = _read_optional(text, at)
        body = _read_argument(text, at)
        if name is None or body is None:
            self._warn(f"bad:{definer}:{at}", f"\\{definer} ({self._where(text, at, origin)}) could not be read; "
                                              "its macro is not expanded")
            return at if body is None else body[1]
        nargs = _count(count)
        if definer != "providecommand" or name not in self.macros:
            self.macros[name] = Macro(nargs, default, body[0])
        return body[1]

    def _define_def(self, text, at, origin) -> int:
        name, at = _read_control_name(text, at)
        brace = text.find("{", at)
        if name is None or brace == -1:
            return at
        parameters = text[at:brace].replace(" ", "")
        body = _read_argument(text, brace)
        if body is None:
            return at
        if _PARAMETERS.fullmatch(parameters):
            self.macros[name] = Macro(len(parameters) // 2, None, body[0])
        elif name.isalpha():  # `\def\@x…` and other internals of a class or package are not the document's
            self._warn(f"def:{name}", f"\\def\\{name} ({self._where(text, at, origin)}) has delimited parameters; "
                                      "it is not expanded")
        return body[1]

    def _define_let(self, text, at) -> int:
        name, at = _read_control_name(text, at)
        at = _skip_spaces(text, at)
        if at < len(text) and text[at] == "=":
            at = _skip_spaces(text, at + 1)
        target, end = _read_control_name(text, at)
        if name is None or target is None:
            return at
        self.macros[name] = self.macros.get(target) or Macro(0, None, "\\" + target, builtin=True)
        return end

    def _define_environment(self, definer, text, at, origin) -> int:
        at = _skip_star(text, at)
        name, at = _read_argument(text, at) or (None, at)
        count, at = _read_optional(text, at)
        default, at = _read_optional(text, at)
        begin = _read_argument(text, at)
        end = _read_argument(text, begin[1]) if begin else None
        if name is None or begin is None or end is None:
            self._warn(f"bad:{definer}:{at}", f"\\{definer} ({self._where(text, at, origin)}) could not be read")
            return at if end is None else end[1]
        name = name.strip()
        nargs = _count(count)
        role = _role_of(name, begin[0])
        if role:
            self.roles[name] = role
            self.kept_environments[name] = ("[" if default is not None else "") + "{" * (nargs - (default is not None))
            self.environments.pop(name, None)
        elif definer != "provideenvironment" or name not in self.environments:
            self.environments[name] = Environment(nargs, default, begin[0], end[0])
        return end[1]

    def _define_theorem(self, text, at) -> int:
        at = _skip_star(text, at)
        name, at = _read_argument(text, at) or (None, at)
        _, at = _read_optional(text, at)
        title, at = _read_argument(text, at) or ("", at)
        _, at = _read_optional(text, at)
        if name:
            name = name.strip()
            role = _role_of(name, title)
            if role:
                self.roles[name] = role
            self.titles[name] = " ".join(title.split())
            self.kept_environments[name] = "["
        return at

    def _define_operator(self, text, at) -> int:
        star = _next_char(text, at) == "*"
        at = _skip_star(text, at)
        name, at = _read_control_name(text, at)
        operator = _read_argument(text, at)
        if name is None or operator is None:
            return at
        self.macros[name] = Macro(0, None, f"\\operatorname{'*' if star else ''}{{{operator[0]}}}")
        return operator[1]

    def _define_code_environment(self, definer, text, at) -> int:
        name, at = _read_argument(text, at) or (None, at)
        if definer == "lstnewenvironment":
            count, at = _read_optional(text, at)
            default, at = _read_optional(text, at)
            spec = ("[" if default is not None else "") + "{" * (_count(count) - (default is not None))
            for _ in range(2):
                at = (_read_argument(text, at) or (None, at))[1]
        else:
            spec = "["
            for _ in range(2):
                at = (_read_argument(text, at) or (None, at))[1]
        if name:
            self.code_environments[name.strip()] = spec
        return at

    def _hide_environment(self, text, at) -> int:
        name, at = _read_argument(text, at) or (None, at)
        if name and not solution_like(name.strip()):  # a key is read even where the document hides it
            self.hidden_environments.add(name.strip())
            self.code_environments.setdefault(name.strip(), "")
        return at

    def _define_switch(self, text, at) -> int:
        name, end = _read_control_name(text, at)
        if name and name.startswith("if"):
            self.switches[name[2:]] = False
        return end

    def _boolean(self, command, text, at) -> int:
        name, at = _read_argument(text, at) or (None, at)
        value = None
        if command == "setboolean":
            value, at = _read_argument(text, at) or ("false", at)
        if name is not None:
            self.switches[name.strip()] = (value or "").strip().lower() == "true"
        return at

    # ---- conditionals --------------------------------------------------------------------------------------

    def _is_conditional(self, name: str) -> bool:
        return name in TEX_CONDITIONALS or (name.startswith("if") and name[2:] in self.switches)

    def _conditional(self, token, text, after, depth, origin, out) -> int:
        name = token.arg
        switch = name[2:]
        if name == "ifprintanswers" or (switch in self.switches and _answers_switch(switch)):
            value = None
        elif name in ("iftrue", "iffalse"):
            value = name == "iftrue"
        elif switch in self.switches:
            value = self.switches[switch]
        else:
            self._warn(_UNREAD_CONDITIONALS, f"\\{name} ({self._where(text, token.pos, origin)}) and other TeX "
                                             "conditionals are not evaluated; both branches are kept as text")
            out.append(text[token.pos : after])
            return after
        branches = _branches(text, after, self.context, self._is_conditional)
        if branches is None:
            out.append(text[token.pos : after])
            return after
        shown, hidden, end, balanced = branches
        self._choose(value, shown, hidden, balanced, depth, self._where(text, token.pos, origin), out)
        return end

    def _ifthenelse(self, token, text, after, depth, origin, out) -> int:
        args, end = _read_arguments(text, after, 3, None)
        if args is None:
            out.append(text[token.pos : after])
            return after
        condition, shown, hidden = args
        where = self._where(text, token.pos, origin)
        boolean = re.fullmatch(r"\s*(\\NOT\s*)?\\boolean\{([^}]*)\}\s*", condition)
        if boolean and _answers_switch(boolean.group(2).strip()):
            if boolean.group(1):
                shown, hidden = hidden, shown
            self._choose(None, shown, hidden, True, depth, where, out)
            return end
        value = self._evaluate(self.expand(condition, depth + 1, where))
        if value is None:
            self._warn(f"ifthenelse:{condition}", f"\\ifthenelse{{{condition.strip()}}} ({where}) cannot be "
                                                  "evaluated; kept as written")
            out.append(text[token.pos : end])
            return end
        self._choose(value, shown, hidden, True, depth, where, out)
        return end

    def _choose(self, value, shown, hidden, balanced, depth, where, out) -> None:
        """Expand the branch `value` picks; with value None (answers shown or hidden), keep both, marked."""
        if value is True:
            out.append(self.expand(shown, depth + 1, where))
        elif value is False:
            out.append(self.expand(hidden, depth + 1, where))
        elif balanced:
            out.append(f"\\{PRINT_ANSWERS}{{{self.expand(shown, depth + 1, where)}}}"
                       f"{{{self.expand(hidden, depth + 1, where)}}}")
        else:  # a branch opens a group the other closes: read the document as printed with its answers
            out.append(self.expand(shown, depth + 1, where))

    def _evaluate(self, condition: str) -> bool | None:
        r"""ifthen's tests: \equal{a}{b}, \boolean{x}, \isodd{n}, n < m, with \NOT, \AND, \OR."""
        condition = condition.strip()
        for operator, combine in (("\\OR", any), ("\\AND", all)):
            pieces = _split_top(condition, operator)
            if len(pieces) > 1:
                values = [self._evaluate(piece) for piece in pieces]
                return None if None in values else combine(values)
        if condition.startswith("\\NOT"):
            value = self._evaluate(condition[4:])
            return None if value is None else not value
        if condition.startswith("\\equal"):
            args, end = _read_arguments(condition, len("\\equal"), 2, None)
            if args is not None and not condition[end:].strip():
                return args[0].strip() == args[1].strip()
        match = re.fullmatch(r"\\boolean\s*\{([^}]*)\}", condition)
        if match:
            return self.switches.get(match.group(1).strip())
        match = re.fullmatch(r"\\isodd\s*\{\s*(-?\d+)\s*\}", condition)
        if match:
            return int(match.group(1)) % 2 == 1
        match = re.fullmatch(r"(-?\d+)\s*([<=>])\s*(-?\d+)", condition)
        if match:
            a, b = int(match.group(1)), int(match.group(3))
            return {"<": a < b, "=": a == b, ">": a > b}[match.group(2)]
        return None

    # ---- environments --------------------------------------------------------------------------------------

    def _begin(self, token, text, after, depth, origin, out) -> int:
        name = token.arg
        if depth == 0:
            self._nest(1, text, token.pos, origin)
        if name in self.code_environments:
            closing = "\\end{" + name + "}"
            end = text.find(closing, after)
            end = len(text) if end == -1 else end + len(closing)
            if depth == 0:
                self._nest(-1, text, token.pos, origin)
            if name not in self.hidden_environments:
                out.append(text[token.pos : end])
            return end
        environment = self.environments.get(name)
        if environment is None:
            out.append(text[token.pos : after])
            return after
        args, end = _read_arguments(text, after, environment.nargs, environment.default)
        if args is None or not self._may_expand(name, text, token.pos, depth, origin):
            out.append(text[token.pos : after])
            return after
        out.append(_spaced(self.expand(substitute(environment.begin, args), depth + 1,
                                       self._where(text, token.pos, origin))))
        return end

    def _end(self, token, text, after, depth, origin, out) -> int:
        name = token.arg
        if depth == 0:
            self._nest(-1, text, token.pos, origin)
        environment = self.environments.get(name)
        if environment is None or name in self.recursive:
            out.append(text[token.pos : after])
            return after
        out.append(_spaced(self.expand(environment.end, depth + 1, self._where(text, token.pos, origin))))
        return after

    def _nest(self, step, text, pos, origin) -> None:
        self.nesting = max(0, self.nesting + step)
        if self.nesting > MAX_NESTING:
            raise ParseError(f"the LaTeX nests groups and environments more than {MAX_NESTING} deep "
                             f"({self._where(text, pos, origin)}); check the document for unbalanced braces")

    # ---- includes, catcodes, the class ---------------------------------------------------------------------

    def _include(self, token, text, after, depth, origin, out) -> int:
        command = token.arg
        where = self._where(text, token.pos, origin)
        if command in ("import", "subimport", "inputfrom", "subinputfrom"):
            args, end = _read_arguments(text, after, 2, None)
            if args is None:
                out.append(text[token.pos : after])
                return after
            name = args[0].strip().rstrip("/") + "/" + args[1].strip()
        else:
            argument = _read_argument(text, after) if _next_char(text, after) == "{" else _bare_file_name(text, after)
            if argument is None:
                out.append(text[token.pos : after])
                return after
            name, end = argument
        name = self.expand(name, depth + 1, where).strip()
        content = self.includes.text(command, name, where)
        if content is not None:
            self.includes.enter(name)
            try:
                out.append(self.expand(content, depth, name))
            finally:
                self.includes.leave()
        return end

    def _catcode(self, name, text, after, origin) -> int:
        self._warn("catcode", f"\\{name} ({self._where(text, after, origin)}): character codes are not changed; "
                              "the text is read with LaTeX's usual ones")
        return _tex_assignment_end(text, after)

    def _document_class(self, text, at) -> None:
        _, at = _read_optional(text, at)
        name = _read_argument(text, at)
        if name and self.document_class is None:
            self.document_class = name[0].strip()

    # ---- messages ------------------------------------------------------------------------------------------

    def _where(self, text, pos, origin) -> Where:
        """Where a message points: the outermost call when inside a macro's body, else this text at `pos`."""
        return origin if isinstance(origin, Where) else Where(text, pos, origin)

    def _warn(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self.warnings.append(message)


def expand(text: str, includes: Includes, max_chars: int) -> Expansion:
    return Expander(includes, max_chars).run(text)


# ---- reading arguments from the raw text: a group, a bracket, one token ------------------------------------------

def _skip_spaces(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _skip_star(text: str, at: int) -> int:
    at = _skip_spaces(text, at)
    return at + 1 if at < len(text) and text[at] == "*" else at


def _next_char(text: str, at: int) -> str:
    at = _skip_spaces(text, at)
    return text[at] if at < len(text) else ""


def _group_end(text: str, at: int, opening: str = "{", closing: str = "}") -> int | None:
    """The index just past the group that opens at `at`, or None when it never closes."""
    depth = 0
    index = at
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "%":
            newline = text.find("\n", index)
            index = length if newline == -1 else newline + 1
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if opening == "{" and depth == 0:
                return index + 1
            if depth < 0:
                return None
        elif opening == "[" and char == "]" and depth == 0:
            return index + 1
        index += 1
    return None


def _read_argument(text: str, at: int) -> tuple[str, int] | None:
    """A mandatory argument: a braced group (without its braces) or one token, as TeX reads it."""
    at = _skip_spaces(text, at)
    if at >= len(text) or text[at] in "}":
        return None
    if text[at] == "{":
        end = _group_end(text, at)
        return None if end is None else (text[at + 1 : end - 1], end)
    if text[at] == "\\":
        name, end = _read_control_name(text, at)
        return (text[at:end].rstrip(), end) if name is not None else None
    return text[at], at + 1


def _read_optional(text: str, at: int) -> tuple[str | None, int]:
    start = _skip_spaces(text, at)
    if start < len(text) and text[start] == "[":
        end = _group_end(text, start, "[", "]")
        if end is not None:
            return text[start + 1 : end - 1], end
    return None, at


def _read_control_name(text: str, at: int) -> tuple[str | None, int]:
    r"""`\name` (also braced: `{\name}`) -> ('name', end)."""
    at = _skip_spaces(text, at)
    if at < len(text) and text[at] == "{":
        end = _group_end(text, at)
        if end is None:
            return None, at
        name, _ = _read_control_name(text[at + 1 : end - 1], 0)
        return name, end
    if at + 1 >= len(text) or text[at] != "\\":
        return None, at
    end = at + 2
    if text[at + 1].isalpha():
        while end < len(text) and text[end].isalpha():
            end += 1
    return text[at + 1 : end], end


def _read_arguments(text: str, at: int, count: int, default: str | None) -> tuple[list[str] | None, int]:
    args: list[str] = []
    if default is not None:
        optional, at = _read_optional(text, at)
        args.append(default if optional is None else optional)
        count -= 1
    for _ in range(count):
        argument = _read_argument(text, at)
        if argument is None:
            return None, at
        args.append(argument[0])
        at = argument[1]
    return args, at


def _count(text: str | None) -> int:
    try:
        return max(0, min(9, int((text or "0").strip())))
    except ValueError:
        return 0


def substitute(body: str, args: list[str]) -> str:
    """`#1`…`#9` replaced by the arguments, `##` by `#`; a control word never runs into the letters after it."""
    pieces = []
    index = 0
    start = 0
    while index < len(body) - 1:
        if body[index] == "#":
            follower = body[index + 1]
            if follower == "#":
                pieces.extend([_spaced(body[start:index]), "#"])
                index += 2
                start = index
                continue
            if follower.isdigit() and follower != "0":
                number = int(follower)
                pieces.extend([_spaced(body[start:index]), _spaced(args[number - 1]) if number <= len(args) else ""])
                index += 2
                start = index
                continue
        index += 1
    pieces.append(body[start:])
    return "".join(pieces)


def _spaced(text: str) -> str:
    """A control word at the end of a piece gets a space, so the letters that follow are not read into it."""
    return text + " " if _CONTROL_WORD_END.search(text) else text


def _split_top(condition: str, operator: str) -> list[str]:
    pieces, depth, start, index = [], 0, 0, 0
    while index < len(condition):
        char = condition[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and condition.startswith(operator, index) and not condition[index + len(operator):index + len(operator) + 1].isalpha():
            pieces.append(condition[start:index])
            index += len(operator)
            start = index
            continue
        index += 1
    pieces.append(condition[start:])
    return pieces


def _branches(text: str, at: int, context, is_conditional):
    r"""(true branch, false branch, end, braces balanced) of a TeX conditional whose test ends at `at`."""
    scan = walker(text, context)
    nesting = 0
    braces = [0, 0]
    branch = 0
    else_at = None
    pos = at
    while True:
        try:
            token = scan.get_token(pos)
        except LatexWalkerEndOfStream:
            return None
        end = token.pos + token.len
        if token.tok == "macro":
            name = token.arg
            if is_conditional(name):
                nesting += 1
            elif name == "fi":
                if nesting == 0:
                    shown = text[at : else_at[0]] if else_at else text[at : token.pos]
                    hidden = text[else_at[1] : token.pos] if else_at else ""
                    return shown, hidden, end, braces == [0, 0]
                nesting -= 1
            elif name == "else" and nesting == 0:
                else_at = (token.pos, end)
                branch = 1
            elif name in ("verb", "lstinline"):
                end = _inline_code_end(name, text, token.pos + len(name) + 1)
        elif token.tok in ("brace_open", "brace_close"):
            braces[branch] += 1 if token.tok == "brace_open" else -1
            if braces[branch] < 0:
                braces[branch] = -10**6
        pos = end


def _answers_switch(name: str) -> bool:
    """A switch named for solutions or answers shows the key when on (`\\ifsolutions`, `\\boolean{solutionCopy}`)."""
    lowered = name.lower()
    return any(word in lowered for word in ("sol", "answer", "key", "printans"))


def _role_of(name: str, begin: str) -> str | None:
    if solution_like(name) or _ROLE_WORDS.search(begin or ""):
        return "solution"
    if question_like(name) or _QUESTION_WORDS.search(begin or ""):
        return "question"
    return None


def _bare_file_name(text: str, at: int) -> tuple[str, int] | None:
    r"""`\input file` (TeX's own syntax): the name runs to the next space or brace."""
    at = _skip_spaces(text, at)
    end = at
    while end < len(text) and text[end] not in " \t\r\n{}\\%":
        end += 1
    return (text[at:end], end) if end > at else None


def _inline_code_end(name: str, text: str, at: int) -> int:
    r"""The end of `\verb|…|`, `\lstinline[…]{…}`, `\mintinline{lang}|…|` whose delimiter search starts at `at`."""
    if name == "lstinline":
        _, at = _read_optional(text, at)
    elif name == "mintinline":
        argument = _read_argument(text, at)
        at = argument[1] if argument else at
    if at < len(text) and text[at] == "*" and name == "verb":
        at += 1
    while at < len(text) and text[at] in " \t" and name != "verb":
        at += 1
    if at >= len(text):
        return len(text)
    closing = "}" if text[at] == "{" and name != "verb" else text[at]
    end = text.find(closing, at + 1)
    newline = text.find("\n", at + 1)
    if end == -1 or (newline != -1 and newline < end):
        return at + 1  # not inline code after all: go on after the delimiter
    return end + 1


def _tex_assignment_end(text: str, at: int) -> int:
    r"""The end of `<number> [=] <number>` after \catcode and friends (`\catcode`\@=11`, `\catcode 64 12`)."""
    for index in range(2):
        at = _skip_spaces(text, at)
        if index == 1 and at < len(text) and text[at] == "=":
            at = _skip_spaces(text, at + 1)
        if at < len(text) and text[at] == "`":
            at += 1
            if at < len(text) and text[at] == "\\":
                at += 1
            at += 1
        elif at < len(text) and text[at] == "\\":
            _, at = _read_control_name(text, at)
        else:
            start = at
            while at < len(text) and (text[at].isdigit() or (at == start and text[at] in "\"'")):
                at += 1
            while at < len(text) and text[at].isalnum() and text[start] in "\"'":
                at += 1
    return at
