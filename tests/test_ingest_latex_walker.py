"""The faster tokenizer gives pylatexenc's own node tree (math kept whole as its source), on the corpus and on
the cases where reading runs of text at once could go wrong."""

import pytest
from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexEnvironmentNode,
    LatexMathNode,
    LatexWalker,
)

from conftest import SHARED
from tabench.ingest.latex.specs import MATH_ENVIRONMENTS, context_for
from tabench.ingest.latex.walker import parse_nodes

DOCUMENTS = sorted((SHARED / "corpus").glob("latex_*/*.tex"))
CONTEXT = context_for({}, {})


def shape(nodes, out):
    """(kind, name) of every node outside math, text runs merged and their spacing folded."""
    for node in nodes or ():
        if node is None:
            continue
        if isinstance(node, LatexCharsNode):
            text = " ".join(node.chars.split())
            if out and out[-1][0] == "chars":
                out[-1] = ("chars", (out[-1][1] + " " + text).strip())
            elif text:
                out.append(("chars", text))
            continue
        name = getattr(node, "macroname", None) or getattr(node, "environmentname", None) or ""
        out.append((type(node).__name__, name))
        if isinstance(node, LatexMathNode) or (isinstance(node, LatexEnvironmentNode) and name in MATH_ENVIRONMENTS):
            out.append(("math", node.latex_verbatim()))
            continue
        if getattr(node, "nodeargd", None) is not None and node.nodeargd.argnlist:
            shape(node.nodeargd.argnlist, out)
        shape(getattr(node, "nodelist", None), out)
    return out


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.stem)
def test_the_fast_walker_builds_pylatexencs_tree(path):
    text = path.read_text(encoding="utf-8")
    ours = shape(parse_nodes(text, CONTEXT), [])
    theirs = shape(LatexWalker(text, latex_context=CONTEXT, tolerant_parsing=True).get_latex_nodes()[0], [])
    assert ours == theirs


def test_tokens_that_runs_of_text_could_get_wrong():
    source = r"a\frac12 b $x^{y$}$ $$z$$ \[ w \] \( v \)" + "\n  \n" + r"next \verb|%{| [o] \item[x] y"
    nodes = parse_nodes(source, CONTEXT)
    frac = next(node for node in nodes if getattr(node, "macroname", None) == "frac")
    assert [arg.latex_verbatim() for arg in frac.nodeargd.argnlist] == ["1", "2"]  # one token each, as in TeX
    maths = [node.latex_verbatim() for node in nodes if isinstance(node, LatexMathNode)]
    assert maths == ["$x^{y$}$", "$$z$$", r"\[ w \]", r"\( v \)"]  # a $ inside braces does not end the math
    text = "".join(node.chars for node in nodes if isinstance(node, LatexCharsNode))
    assert "\n\n" in text  # a blank line holding spaces is a paragraph break
    verb = next(node for node in nodes if getattr(node, "macroname", None) == "verb")
    assert verb.nodeargd.argnlist[-1].chars == "%{"


def test_unterminated_math_runs_to_the_end():
    nodes = parse_nodes(r"before $x + y", CONTEXT)
    assert nodes[-1].latex_verbatim() == "$x + y"
