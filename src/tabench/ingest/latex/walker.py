"""pylatexenc's tokenizer and parser, made fast enough for whole documents (pure).

pylatexenc 2 reads a document one character per token; a 25 KB exam takes a few hundred milliseconds. FastWalker
returns a run of plain text (no backslash, brace, bracket, dollar or percent sign, no line break) as one token and
finds `\\begin{…}`/`\\end{…}` without copying the rest of the document, and otherwise defers to pylatexenc. The node
tree it yields is the one pylatexenc builds, except that a blank line holding spaces is a paragraph break (as in TeX).
"""

from __future__ import annotations

import re

from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexToken,
    LatexWalker,
    LatexWalkerEndOfStream,
    LatexWalkerError,
)

from ...errors import ParseError

_RUN = re.compile(r"[^\\{}$%\[\] \t\r\n\f\v]+(?:[ \t]+[^\\{}$%\[\] \t\r\n\f\v]+)*")
_SPACE = re.compile(r"[ \t\r\f\v]*(?:\n[ \t\r\f\v]*)?")
_ENVIRONMENT = re.compile(r"\\(begin|end)[ \t]*\{([\w* ._-]+)\}")
# a control word and the spaces after it, up to (not into) a blank line
_MACRO = re.compile(r"\\([A-Za-z]+)([ \t\r\f\v]*(?:\n[ \t\r\f\v]*(?!\n))?)")
# what can end a stretch of math: a brace, a comment, a dollar sign, \) \] \end{…}; other escapes are skipped
_MATH_STOP = re.compile(r"\\(?:end[ \t]*\{([^}]*)\}|[^A-Za-z]|[A-Za-z]+)|[{}%]|\$\$?", re.S)
_PLAIN_START = frozenset("\\{}$%[]") | frozenset(" \t\r\n\f\v")


class FastWalker(LatexWalker):
    """A LatexWalker whose get_token reads runs of plain text at once."""

    def get_token(self, pos, include_brace_chars=None, environments=True, keep_inline_math=None,
                  parsing_state=None, **kwargs):
        if include_brace_chars or kwargs or not environments:  # an optional argument, or a single-token argument
            return super().get_token(pos, include_brace_chars=include_brace_chars, environments=environments,
                                     parsing_state=parsing_state or self.default_parsing_state, **kwargs)
        s = self.s
        space = _SPACE.match(s, pos)
        start = space.end()
        if start < len(s) and s[start] == "\n":  # a blank line: a new paragraph, as pylatexenc reports it
            first = s.index("\n", pos)
            return LatexToken(tok="char", arg="\n\n", pos=first, len=start + 1 - first, pre_space=s[pos:first])
        pre_space = space.group()
        if start >= len(s):
            raise LatexWalkerEndOfStream(final_space=pre_space)
        char = s[start]
        if char not in _PLAIN_START:
            run = _RUN.match(s, start)
            return LatexToken(tok="char", arg=run.group(), pos=start, len=run.end() - start, pre_space=pre_space)
        if char == "\\":
            match = _ENVIRONMENT.match(s, start)
            if match:
                kind = "begin_environment" if match.group(1) == "begin" else "end_environment"
                return LatexToken(tok=kind, arg=match.group(2), pos=start, len=match.end() - start,
                                  pre_space=pre_space)
            match = _MACRO.match(s, start)
            if match:
                return LatexToken(tok="macro", arg=match.group(1), pos=start, len=match.end() - start,
                                  pre_space=pre_space, post_space=match.group(2))
        elif char in "{}":
            return LatexToken(tok="brace_open" if char == "{" else "brace_close", arg=char, pos=start, len=1,
                              pre_space=pre_space)
        elif char in "[]":
            return LatexToken(tok="char", arg=char, pos=start, len=1, pre_space=pre_space)
        elif char == "$":
            state = parsing_state or self.default_parsing_state
            inside_dollar = state.in_math_mode and state.math_mode_delimiter == "$"
            display = s.startswith("$$", start) and not inside_dollar
            return LatexToken(tok="mathmode_display" if display else "mathmode_inline", arg="$$" if display else "$",
                              pos=start, len=2 if display else 1, pre_space=pre_space)
        token = super().get_token(start, environments=environments,
                                  parsing_state=parsing_state or self.default_parsing_state)
        token.pre_space = pre_space + token.pre_space
        return token

    def get_latex_nodes(self, pos=0, stop_upon_closing_brace=None, stop_upon_end_environment=None,
                        stop_upon_closing_mathmode=None, read_max_nodes=None, parsing_state=None):
        """Math (`$…$`, `\\[…\\]`, `align*`, …) is read as one node of LaTeX source: it is kept as written."""
        if parsing_state is not None and parsing_state.in_math_mode and not read_max_nodes \
                and not stop_upon_closing_brace and (stop_upon_closing_mathmode or stop_upon_end_environment):
            return self._math_source(pos, stop_upon_closing_mathmode, stop_upon_end_environment, parsing_state)
        return super().get_latex_nodes(pos, stop_upon_closing_brace=stop_upon_closing_brace,
                                       stop_upon_end_environment=stop_upon_end_environment,
                                       stop_upon_closing_mathmode=stop_upon_closing_mathmode,
                                       read_max_nodes=read_max_nodes, parsing_state=parsing_state)

    def _math_source(self, pos, closing_delimiter, environment, parsing_state):
        s = self.s
        depth = 0
        end = content_end = len(s)
        at = pos
        while True:
            match = _MATH_STOP.search(s, at)
            if match is None:
                break
            token, at = match.group(), match.end()
            if token == "{":
                depth += 1
            elif token == "}":
                depth = max(0, depth - 1)
            elif token == "%":
                newline = s.find("\n", at)
                at = len(s) if newline == -1 else newline
            elif environment is not None:
                if match.group(1) is not None and match.group(1).strip() == environment:
                    content_end, end = match.start(), match.end()
                    break
            elif depth == 0 and token.startswith(closing_delimiter):
                content_end, end = match.start(), match.start() + len(closing_delimiter)
                break
        chars = self.make_node(LatexCharsNode, parsing_state=parsing_state, chars=s[pos:content_end], pos=pos,
                               len=content_end - pos)
        return [chars], pos, end - pos


def walker(text: str, context) -> FastWalker:
    return FastWalker(text, latex_context=context, tolerant_parsing=True)


def parse_nodes(text: str, context) -> list:
    """The node list of `text`, or a ParseError with one line saying why it cannot be read."""
    try:
        nodes, _, _ = walker(text, context).get_latex_nodes()
    except RecursionError:
        raise ParseError("the LaTeX is nested too deeply to read (thousands of groups or environments inside "
                         "each other); check the document for unbalanced braces") from None
    except LatexWalkerError as err:
        raise ParseError(f"the LaTeX cannot be read ({str(err).splitlines()[0]}); check that it compiles") from None
    except (IndexError, ValueError, TypeError, KeyError, AttributeError) as err:  # inside pylatexenc, on odd input
        raise ParseError(f"the LaTeX cannot be read (the parser failed: {type(err).__name__}); check that it "
                         "compiles") from None
    return nodes
