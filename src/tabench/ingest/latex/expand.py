r"""Macro expansion before parsing, as TeX does it, within bounds (pure).

Reads the document token by token with pylatexenc's tokenizer and
- records the document's definitions (definitions.py) and drops them from the text;
- replaces each call of a recorded macro or environment by its body with the arguments put in; a call of a
  macro named like a solution (`\solution{…}`) becomes a solution environment holding its arguments;
- settles conditionals it can evaluate (conditionals.py): `\ifprintanswers … \else … \fi` (and an `\if…` or a
  boolean whose name says solution or answer) becomes `\tabenchprintanswers{answers shown}{answers hidden}` so
  that the reader knows which text only the key shows; `\iftrue`, `\newif` switches and
  `\ifthenelse{\equal{a}{b}}…` are evaluated; other TeX conditionals are kept as written;
- inlines `\input`/`\include` through `Includes`;
- copies code (`verbatim`, `lstlisting`, `\verb|…|`, …) untouched and drops `comment` environments and comments;
- refuses groups and environments nested more than MAX_NESTING deep.

A macro that expands into itself, more than MAX_DEPTH nested expansions, more than MAX_EXPANSIONS calls or an
output past the size limit stop the expansion with a warning: what is left is kept as written, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pylatexenc.latexwalker import LatexWalkerEndOfStream

from ...errors import ParseError
from .conditionals import TEX_CONDITIONALS, answers_boolean, answers_switch, branches, evaluate
from .definitions import Definitions, Macro
from .includes import Includes
from .source import (
    Where,
    assignment_end,
    bare_file_name,
    inline_code_end,
    next_char,
    read_argument,
    read_arguments,
    spaced,
    substitute,
)
from .specs import PRINT_ANSWERS, SOLUTION_ENVIRONMENT, context_for, solution_like
from .walker import walker

MAX_DEPTH = 32  # macros expanding into macros
MAX_EXPANSIONS = 20_000  # macro and environment calls in one document
MAX_NESTING = 100  # groups and environments inside each other

_INCLUDES = ("input", "include", "subfile", "import", "subimport", "inputfrom", "subinputfrom")
_CATCODES = ("catcode", "lccode", "uccode", "sfcode", "mathcode", "delcode")


@dataclass
class Expansion:
    """The expanded text and what the reader needs to know about the document's own definitions."""

    text: str
    warnings: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # environment -> 'solution' | 'question'
    titles: dict[str, str] = field(default_factory=dict)  # theorem-like environment -> what it prints ('Problem')
    context: object = None  # the pylatexenc db for this document
    code_environments: set[str] = field(default_factory=set)  # environments whose body is code, kept as written


class Expander:
    def __init__(self, includes: Includes, max_chars: int):
        self.includes = includes
        self.max_chars = max_chars
        self.defined = Definitions()
        self.context = context_for({}, {})  # what the tokenizer needs: nothing a document defines
        self.expansions = 0
        self.produced = 0  # characters expansions have written
        self.pending = 0  # characters of macro bodies being expanded now
        self.recursive: set[str] = set()
        self.nesting = 0
        self.warnings: list[str] = []
        self._warned: set[str] = set()

    def run(self, text: str) -> Expansion:
        self.branch_tokens = [50_000 + len(text) // 4]  # tokens all searches for an \else and \fi may read
        expanded = self.expand(text, 0, "")
        defined = self.defined
        return Expansion(expanded, self.warnings + self.includes.warnings, defined.roles, defined.titles,
                         context_for(defined.kept, defined.code), set(defined.code))

    def expand(self, text: str, depth: int, origin: str | Where) -> str:
        """`text` with its definitions recorded and its macros expanded. `origin` is the file it comes from (''
        for the document), or the place of the call whose body it is."""
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
            elif kind == "macro":
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
        where = self._where(text, token.pos, origin)
        end = self.defined.read(name, text, after,
                                lambda key, message: self._warn(key, lambda: message.format(where=where)))
        if end is not None:
            return end
        if name == "ifthenelse":
            return self._ifthenelse(token, text, after, depth, where, out)
        if self._is_conditional(name):
            return self._conditional(token, text, after, depth, where, out)
        if name in _INCLUDES:
            return self._include(token, text, after, depth, where, out)
        if name in _CATCODES:
            self._warn("catcode", lambda: f"\\{name} ({where}): character codes are not changed; the text is read "
                                          "with LaTeX's usual ones")
            return assignment_end(text, after)
        if name in ("verb", "lstinline", "mintinline"):
            end = inline_code_end(name, text, token.pos + len(name) + 1)
            out.append(text[token.pos : end])
            return end
        macro = self.defined.macros.get(name)
        if macro is None:
            out.append(text[token.pos : after])
            return after
        return self._call(name, macro, token, text, after, depth, where, out)

    def _call(self, name: str, macro: Macro, token, text, after, depth, where: Where, out) -> int:
        args, end = read_arguments(text, after, macro.nargs, macro.default)
        if args is None:
            self._warn(f"missing:{name}", lambda: f"\\{name} ({where}) lacks its arguments; kept as written")
            out.append(text[token.pos : after])
            return after
        if macro.builtin:
            out.append(macro.body + " ")
            return end
        if not self._may_expand(name, depth, where):
            out.append(text[token.pos : end])
            return end
        mandatory = args[1:] if macro.default is not None else args
        if solution_like(name) and mandatory:  # its argument is the solution, whatever the macro prints
            body = f"\\begin{{{SOLUTION_ENVIRONMENT}}}" + "\n\n".join(mandatory) + f"\\end{{{SOLUTION_ENVIRONMENT}}}"
        else:
            body = substitute(macro.body, args)
        self._expand_body(name, body, depth, where, text[token.pos : end], out)
        return end

    def _expand_body(self, name: str, body: str, depth: int, where: Where, written: str, out: list[str]) -> None:
        """Expand the body of a call, or keep the call as `written` when the body would take the expansion past its
        size limit (`\\def\\a#1{\\a{#1#1}}` doubles its argument at every call)."""
        if self.produced + self.pending + len(body) > self.max_chars:
            self._over_budget(name, where)
            out.append(written)
            return
        self.pending += len(body)
        try:
            out.append(spaced(self.expand(body, depth + 1, where)))
        finally:
            self.pending -= len(body)

    def _over_budget(self, name: str, where: Where) -> None:
        self._warn("budget", lambda: f"macro expansion stopped at \\{name} ({where}): over {MAX_EXPANSIONS} calls "
                                     f"or {self.max_chars // 1_000_000} MB of text; the rest is kept unexpanded")

    def _may_expand(self, name: str, depth: int, where: Where) -> bool:
        if name in self.recursive:
            return False
        if depth >= MAX_DEPTH:
            self.recursive.add(name)
            self._warn(f"deep:{name}", lambda: f"\\{name} ({where}) expands into itself or nests more than "
                                               f"{MAX_DEPTH} macros deep; kept unexpanded")
            return False
        if self.expansions >= MAX_EXPANSIONS or self.produced > self.max_chars:
            self._over_budget(name, where)
            return False
        self.expansions += 1
        return True

    # ---- conditionals --------------------------------------------------------------------------------------

    def _is_conditional(self, name: str) -> bool:
        return name in TEX_CONDITIONALS or (name.startswith("if") and name[2:] in self.defined.switches)

    def _conditional(self, token, text, after, depth, where: Where, out) -> int:
        name, switches = token.arg, self.defined.switches
        if name == "ifprintanswers" or (name[2:] in switches and answers_switch(name[2:])):
            value = None
        elif name in ("iftrue", "iffalse"):
            value = name == "iftrue"
        elif name[2:] in switches:
            value = switches[name[2:]]
        else:
            self._warn("conditional", lambda: f"\\{name} ({where}) and other TeX conditionals are not evaluated; "
                                              "both branches are kept as text")
            out.append(text[token.pos : after])
            return after
        found = branches(text, after, self.context, self._is_conditional, self.branch_tokens)
        if found is None:
            self._warn("fi", lambda: f"\\{name} ({where}) has no \\fi (or too many conditionals do not end): kept as "
                                     "written")
            out.append(text[token.pos : after])
            return after
        shown, hidden, end, balanced = found
        self._choose(value, shown, hidden, balanced, depth, where, out)
        return end

    def _ifthenelse(self, token, text, after, depth, where: Where, out) -> int:
        args, end = read_arguments(text, after, 3, None)
        if args is None:
            out.append(text[token.pos : after])
            return after
        condition, shown, hidden = args
        answers = answers_boolean(condition)
        if answers is not None:
            negated, _ = answers
            self._choose(None, hidden if negated else shown, shown if negated else hidden, True, depth, where, out)
            return end
        value = evaluate(self.expand(condition, depth + 1, where), self.defined.switches)
        if value is None:
            self._warn(f"ifthenelse:{condition}", lambda: f"\\ifthenelse{{{condition.strip()}}} ({where}) cannot "
                                                          "be evaluated; kept as written")
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

    # ---- environments --------------------------------------------------------------------------------------

    def _begin(self, token, text, after, depth, origin, out) -> int:
        name, defined = token.arg, self.defined
        if depth == 0:
            self._nest(1, text, token.pos, origin)
        if name in defined.code:
            closing = "\\end{" + name + "}"
            end = text.find(closing, after)
            end = len(text) if end == -1 else end + len(closing)
            if depth == 0:
                self._nest(-1, text, token.pos, origin)
            if name not in defined.hidden:
                out.append(text[token.pos : end])
            return end
        environment = defined.environments.get(name)
        if environment is None:
            out.append(text[token.pos : after])
            return after
        where = self._where(text, token.pos, origin)
        args, end = read_arguments(text, after, environment.nargs, environment.default)
        if args is None or not self._may_expand(name, depth, where):
            out.append(text[token.pos : after])
            return after
        self._expand_body(name, substitute(environment.begin, args), depth, where, text[token.pos : end], out)
        return end

    def _end(self, token, text, after, depth, origin, out) -> int:
        name = token.arg
        if depth == 0:
            self._nest(-1, text, token.pos, origin)
        environment = self.defined.environments.get(name)
        if environment is None or name in self.recursive:
            out.append(text[token.pos : after])
            return after
        out.append(spaced(self.expand(environment.end, depth + 1, self._where(text, token.pos, origin))))
        return after

    def _nest(self, step, text, pos, origin) -> None:
        self.nesting = max(0, self.nesting + step)
        if self.nesting > MAX_NESTING:
            raise ParseError(f"the LaTeX nests groups and environments more than {MAX_NESTING} deep "
                             f"({self._where(text, pos, origin)}); check the document for unbalanced braces")

    # ---- includes ------------------------------------------------------------------------------------------

    def _include(self, token, text, after, depth, where: Where, out) -> int:
        command = token.arg
        if command in ("import", "subimport", "inputfrom", "subinputfrom"):
            args, end = read_arguments(text, after, 2, None)
            if args is None:
                out.append(text[token.pos : after])
                return after
            name = args[0].strip().rstrip("/") + "/" + args[1].strip()
        else:
            argument = read_argument(text, after) if next_char(text, after) == "{" else bare_file_name(text, after)
            if argument is None:
                out.append(text[token.pos : after])
                return after
            name, end = argument
        name = self.expand(name, depth + 1, where).strip()
        content = self.includes.text(command, name, str(where))
        if content is not None:
            self.includes.enter(name)
            try:
                out.append(self.expand(content, depth, name))
            finally:
                self.includes.leave()
        return end

    # ---- messages ------------------------------------------------------------------------------------------

    def _where(self, text, pos, origin) -> Where:
        """Where a message points: the outermost call when inside a macro's body, else this text at `pos`."""
        return origin if isinstance(origin, Where) else Where(text, pos, origin)

    def _warn(self, key: str, message) -> None:
        """Warn once per `key`; `message()` writes the text (counting lines is paid only then)."""
        if key not in self._warned:
            self._warned.add(key)
            self.warnings.append(message())


def expand(text: str, includes: Includes, max_chars: int) -> Expansion:
    return Expander(includes, max_chars).run(text)
