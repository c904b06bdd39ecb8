"""Math from answers, parsed and written again from an allowlist, for LaTeX and Markdown reports (pure).

A formula is never copied into a LaTeX file as it was written. pylatexenc parses it into macros, groups,
environments and characters; every macro and environment must be on the tables of math_allowlist.py, every
character on its character list; then the formula is written again from that parse. What comes out can only hold what
the tables allow: a superscript is always written `^{…}` (so TeX's `^^5c` hex escapes cannot form),
`\\text{…}` holds escaped text, `&` and `\\\\` appear only inside an allowed environment. Anything else
(an unknown macro, a comment, `#`, nested `$`, unbalanced braces or `\\left`/`\\right`, a formula too long
or too deep) makes `rewrite` return None, and the report shows the formula's source as escaped text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexEnvironmentNode,
    LatexGroupNode,
    LatexMacroNode,
    LatexSpecialsNode,
    LatexWalker,
    LatexWalkerError,
)
from pylatexenc.macrospec import EnvironmentSpec, LatexContextDb, MacroSpec, SpecialsSpec

from .math_allowlist import (
    CONTROL_SYMBOLS,
    DELIMITER_CHARS,
    DELIMITER_MACROS,
    DROPPED,
    DROPPED_WITH_ARGUMENT,
    ENVIRONMENTS,
    GREEK_NAMES,
    MAX_DEPTH,
    MAX_MATH_CHARS,
    PLAIN_CHARACTERS,
    PREFIXES,
    RENAMED,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    SYMBOLS,
    TEXT_ARGUMENTS,
    UNICODE_MATH,
    WITH_ARGUMENTS,
)
from .texchars import tex_text


def _arguments(node) -> list:
    return list(node.nodeargd.argnlist) if node.nodeargd and node.nodeargd.argnlist else []


@dataclass(frozen=True)
class _Written:
    """Characters already safe to write in a formula (what a run of Unicode scripts stands for)."""

    text: str


class Rejected(Exception):
    """The formula holds something the allowlist does not; its source is shown as text instead."""


def _context() -> LatexContextDb:
    db = LatexContextDb()
    macros = [MacroSpec(name, spec) for spec, names in WITH_ARGUMENTS.items() for name in names]
    macros += [MacroSpec(name, "{") for name in TEXT_ARGUMENTS | DROPPED_WITH_ARGUMENT]
    macros += [MacroSpec("operatorname", "*{"), MacroSpec("\\", ""), MacroSpec("tag", "*{")]
    environments = [EnvironmentSpec("array", "{")] + [EnvironmentSpec(name, "") for name in ENVIRONMENTS
                                                      if name != "array"]
    db.add_context_category("tabench-math", macros=macros, environments=environments, specials=[SpecialsSpec("&")])
    db.set_unknown_macro_spec(MacroSpec("", ""))
    db.set_unknown_environment_spec(EnvironmentSpec("", ""))
    return db


_CONTEXT = _context()


def rewrite(latex: str, target: str = "latex") -> str | None:
    """The formula written again from its parse (`target` "latex" or "mathml", which differ only in the names of
    environments), or None when anything in it is off the allowlist."""
    if len(latex) > MAX_MATH_CHARS or _brace_depth(latex) > MAX_DEPTH:
        return None
    try:
        nodes, _, _ = LatexWalker(latex, latex_context=_CONTEXT, tolerant_parsing=False).get_latex_nodes(pos=0)
        written = _Writer(target).nodes(nodes, layout="").strip()
    except (Rejected, LatexWalkerError, RecursionError, ValueError, IndexError, AttributeError):
        return None
    trailing = len(written) - len(written.rstrip("\\"))
    return written if trailing % 2 == 0 else None  # a lone backslash at the end would escape what follows


def _brace_depth(latex: str) -> int:
    depth = deepest = 0
    for char in latex:
        if char == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif char == "}":
            depth -= 1
    return deepest


def _unicode_math(char: str) -> str:
    if char in UNICODE_MATH:
        written = UNICODE_MATH[char]
        return written + " " if written[-1].isalpha() else written
    name = unicodedata.name(char, "").lower()
    for prefix, upper in (("greek small letter ", False), ("greek capital letter ", True)):
        if name.startswith(prefix):
            letter = GREEK_NAMES.get(name[len(prefix):], name[len(prefix):])
            macro = letter.capitalize() if upper else letter
            if macro in SYMBOLS:
                return "\\" + macro + " "
    raise Rejected(f"character {char!r}")


class _Writer:
    def __init__(self, target: str):
        self.target = target

    def nodes(self, nodes, layout: str) -> str:
        atoms = self._atoms(nodes)
        out: list[str] = []
        index = 0
        opened = 0  # \left ... \right must balance inside each group
        scripts: set[str] = set()  # the scripts the current base already has: x^2^3 is refused
        while index < len(atoms):
            atom = atoms[index]
            index += 1
            if isinstance(atom, str) and atom in "^_":
                argument, index = self._next_atom(atoms, index)
                if (isinstance(argument, str) and argument in "^_") or atom in scripts:
                    raise Rejected("double script")
                scripts.add(atom)
                inner = self.nodes(argument.nodelist, layout="") if isinstance(argument, LatexGroupNode) \
                    and argument.delimiters == ("{", "}") else self.atom(argument, layout="")
                out.append(atom + "{" + inner + "}")
                continue
            if isinstance(atom, str) and atom == "'" and "^" in scripts:
                raise Rejected("a prime after a superscript")  # x^2' is a double superscript to TeX
            if not (isinstance(atom, str) and (atom.isspace() or atom == "'")):
                scripts.clear()
            if isinstance(atom, LatexMacroNode) and atom.macroname in PREFIXES:
                delimiter, index = self._next_atom(atoms, index)
                name = atom.macroname
                if name == "not":
                    out.append("\\not " + self.atom(delimiter, layout=""))
                    continue
                out.append("\\" + name + self._delimiter(delimiter))
                opened += (name == "left") - (name == "right")
                if opened < 0:
                    raise Rejected("\\right before \\left")
                continue
            out.append(self.atom(atom, layout))
        if opened:
            raise Rejected("unbalanced \\left")
        return "".join(out)

    def _atoms(self, nodes) -> list:
        """Characters one by one, other nodes whole; comments and nested math are refused."""
        atoms: list = []
        for node in nodes or []:
            if node is None:
                continue
            if isinstance(node, LatexCharsNode):
                atoms.extend(self._characters(node.chars))
            elif isinstance(node, (LatexMacroNode, LatexGroupNode, LatexEnvironmentNode, LatexSpecialsNode)):
                atoms.append(node)
            else:
                raise Rejected(type(node).__name__)
        return atoms

    @staticmethod
    def _characters(chars: str) -> list:
        atoms: list = []
        for char in chars:
            for table, marker in ((SUPERSCRIPTS, "^"), (SUBSCRIPTS, "_")):
                if char in table:
                    if atoms and isinstance(atoms[-1], _Written) and atoms[-2] == marker:
                        atoms[-1] = _Written(atoms[-1].text + table[char])
                    else:
                        atoms += [marker, _Written(table[char])]
                    break
            else:
                atoms.append(char)
        return atoms

    @staticmethod
    def _next_atom(atoms: list, index: int):
        while index < len(atoms) and isinstance(atoms[index], str) and atoms[index].isspace():
            index += 1
        if index >= len(atoms):
            raise Rejected("nothing after a script or a delimiter macro")
        return atoms[index], index + 1

    def _delimiter(self, atom) -> str:
        if isinstance(atom, str) and atom in DELIMITER_CHARS:
            return atom
        if isinstance(atom, LatexMacroNode) and atom.macroname in DELIMITER_MACROS and not _arguments(atom):
            return "\\" + atom.macroname + ("" if not atom.macroname.isalpha() else " ")
        raise Rejected("not a delimiter")

    def atom(self, atom, layout: str) -> str:
        if isinstance(atom, _Written):
            return atom.text
        if isinstance(atom, str):
            return self._char(atom, layout)
        if isinstance(atom, LatexGroupNode):
            if atom.delimiters != ("{", "}"):
                raise Rejected("bracket group")
            return "{" + self.nodes(atom.nodelist, layout="") + "}"
        if isinstance(atom, LatexSpecialsNode):
            if atom.specials_chars == "&" and layout == "grid":
                return "&"
            raise Rejected(f"special {atom.specials_chars!r}")
        if isinstance(atom, LatexEnvironmentNode):
            return self._environment(atom)
        return self._macro(atom, layout)

    def _char(self, char: str, layout: str) -> str:
        if char in PLAIN_CHARACTERS:
            return char
        if char in "\n\t\r":
            return " "
        if char == "&" and layout == "grid":
            return "&"
        if ord(char) > 127:
            return _unicode_math(char)
        raise Rejected(f"character {char!r}")

    def _macro(self, node: LatexMacroNode, layout: str) -> str:
        name = node.macroname
        arguments = _arguments(node)
        if name in DROPPED or name in DROPPED_WITH_ARGUMENT:
            return " "
        if name == "tag":
            return "\\qquad(\\text{" + self._text(arguments[-1]) + "})"
        if name in RENAMED:
            renamed = RENAMED[name]
            return renamed if not renamed[0].isalpha() else "\\" + renamed + " "
        if name == "\\":
            if not layout:
                raise Rejected("line break outside rows")
            return "\\\\{}"
        if name in CONTROL_SYMBOLS:
            if name == " ":
                return "\\ {}"  # a control space that no trimming can turn into a lone backslash
            if name in "&#_$%{}|" or name in ",;:!":
                return "\\" + name
            raise Rejected(f"control symbol {name!r}")
        if name in SYMBOLS:
            return "\\" + name + " "
        if name in TEXT_ARGUMENTS:
            star = "*" if name == "operatorname" and arguments and arguments[0] is not None else ""
            text = self._text(arguments[-1])
            if name == "operatorname" and not text.replace(" ", "").isalpha():
                raise Rejected("operator name")
            return "\\" + name + star + "{" + text + "}"
        for spec, names in WITH_ARGUMENTS.items():
            if name in names:
                written = "\\" + name
                for kind, argument in zip(spec, arguments):
                    if argument is None:
                        continue
                    inner = self._argument(argument)
                    written += "[" + inner + "]" if kind == "[" else "{" + inner + "}"
                return written
        raise Rejected(f"macro \\{name}")

    def _argument(self, node) -> str:
        if isinstance(node, LatexGroupNode):
            return self.nodes(node.nodelist, layout="")
        return self.nodes([node], layout="")

    def _text(self, node) -> str:
        """The argument of \\text{…}: characters (and groups of them), written as escaped text."""
        if node is None:
            raise Rejected("missing text")
        pieces: list[str] = []
        for child in (node.nodelist if isinstance(node, LatexGroupNode) else [node]):
            if isinstance(child, LatexCharsNode):
                pieces.append(child.chars)
            elif isinstance(child, LatexGroupNode):
                pieces.append(self._plain(child))
            elif isinstance(child, LatexMacroNode) and child.macroname in "&#_$%{} ,;:!" and not _arguments(child):
                pieces.append(child.macroname if child.macroname not in ",;:!" else " ")
            elif isinstance(child, LatexSpecialsNode):
                pieces.append(child.specials_chars)
            else:
                raise Rejected("markup inside text")
        text = re.sub(r"\s+", " ", "".join(pieces))
        if self.target == "mathml":  # latex2mathml copies the text as it is; the MathML allowlist checks it after
            return "".join(char for char in text if char not in "{}\\")
        return tex_text(text)

    def _plain(self, group: LatexGroupNode) -> str:
        if not all(isinstance(child, LatexCharsNode) for child in group.nodelist):
            raise Rejected("markup inside text")
        return "".join(child.chars for child in group.nodelist)

    def _environment(self, node: LatexEnvironmentNode) -> str:
        environment = ENVIRONMENTS.get(node.environmentname)
        if environment is None:
            raise Rejected(f"environment {node.environmentname}")
        body = self.nodes(node.nodelist, layout=environment.layout)
        name = environment.latex if self.target == "latex" else environment.mathml
        if not name:
            return body
        columns = ""
        if node.environmentname == "array" or name == "array":
            columns = self._columns(node)
        return "\\begin{" + name + "}" + columns + body + "\\end{" + name + "}"

    @staticmethod
    def _columns(node: LatexEnvironmentNode) -> str:
        arguments = node.nodeargd.argnlist if node.nodeargd else []
        if node.environmentname != "array":
            return "{c}"
        spec = "".join(child.chars for child in arguments[0].nodelist if isinstance(child, LatexCharsNode)) \
            if arguments and arguments[0] is not None else ""
        if not spec or any(char not in "lcr| " for char in spec) or len(spec) > 40:
            raise Rejected("array columns")
        return "{" + spec + "}"
