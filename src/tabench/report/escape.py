"""Make text from answers safe to show: HTML (math as sanitised MathML) and LaTeX (pure).

Anything that comes from an answer, a transcript or a document is data. In HTML
it is escaped, and math goes through latex2mathml and then an allowlist of
MathML elements and attributes (latex2mathml copies `\\text{...}` verbatim). In
LaTeX, prose is escaped character by character and math is kept only when every
command in it is on an allowlist; otherwise it is shown as escaped source.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass

_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|\\\[(.+?)\\\]|\\\((.+?)\\\)", re.S)
_FENCE = re.compile(r"```[^\n]*\n(.*?)(?:```|$)", re.S)
_MATHML_TAGS = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot",
    "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "mfenced",
    "semantics", "annotation",
}
_MATHML_ATTRIBUTES = {
    "display", "xmlns", "stretchy", "fence", "mathvariant", "separator", "lspace", "rspace", "accent", "accentunder",
    "linethickness", "columnalign", "rowspacing", "columnspacing", "width", "form", "movablelimits", "symmetric",
    "minsize", "maxsize", "largeop", "notation", "scriptlevel", "displaystyle", "open", "close", "separators",
    "encoding", "columnlines", "rowlines", "frame", "depth", "height", "voffset",
}
MAX_MATH_CHARS = 2000


def mathml(latex: str, display: bool = False) -> str | None:
    """MathML for `latex`, or None when it does not convert or fails the allowlist."""
    if len(latex) > MAX_MATH_CHARS:
        return None
    try:
        from latex2mathml.converter import convert

        raw = convert(latex, display="block" if display else "inline")
        root = ElementTree.fromstring(raw)
    except Exception:  # the converter and the XML parser reject odd input in many ways: show the source instead
        return None
    for element in root.iter():
        tag = element.tag.split("}")[-1]
        if tag not in _MATHML_TAGS or any(name.split("}")[-1] not in _MATHML_ATTRIBUTES for name in element.attrib):
            return None
        if any(str(value).lower().lstrip().startswith(("javascript", "data:")) for value in element.attrib.values()):
            return None
    ElementTree.register_namespace("", "http://www.w3.org/1998/Math/MathML")
    return ElementTree.tostring(root, encoding="unicode")


@dataclass(frozen=True)
class Piece:
    kind: str  # "prose", "code" or "math"
    text: str  # the prose, the code, or the LaTeX inside the delimiters
    source: str = ""  # math: the span as written, delimiters included
    display: bool = False


def pieces(text: str) -> Iterator[Piece]:
    """Answer text cut into prose, fenced code and math, in order (for the HTML and LaTeX renderers alike)."""
    position = 0
    for fence in _FENCE.finditer(text):
        yield from _prose_and_math(text[position : fence.start()])
        yield Piece("code", fence.group(1))
        position = fence.end()
    yield from _prose_and_math(text[position:])


def _prose_and_math(text: str) -> Iterator[Piece]:
    position = 0
    for match in _MATH.finditer(text):
        yield Piece("prose", text[position : match.start()])
        latex = next(group for group in match.groups() if group is not None).strip()
        display = match.group(1) is not None or match.group(3) is not None
        yield Piece("math", latex, match.group(0), display)
        position = match.end()
    yield Piece("prose", text[position:])


def html_rich(text: str) -> str:
    """Answer text as HTML: escaped prose, code blocks in <pre>, math as MathML."""
    out: list[str] = []
    for piece in pieces(text):
        if piece.kind == "code":
            out.append(f"<pre><code>{html.escape(piece.text)}</code></pre>")
        elif piece.kind == "math":
            rendered = mathml(piece.text, piece.display)
            out.append(rendered if rendered is not None else f"<code class=\"tex\">{html.escape(piece.source)}</code>")
        else:
            out.append(_html_prose(piece.text))
    return "".join(out)


def _html_prose(text: str) -> str:
    escaped = html.escape(text)
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
    escaped = re.sub(r"`([^`\n]+)`", r"<code>\1</code>", escaped)
    return escaped.replace("\n\n", "<br><br>").replace("\n", "<br>")


# ---- LaTeX ------------------------------------------------------------------------------------

_TEX_SPECIALS = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}
_SAFE_MATH_COMMANDS = set(
    """frac dfrac tfrac sqrt cdot times div pm mp leq geq neq le ge ne approx sim simeq equiv propto infty partial nabla
    sum prod int oint lim log ln exp sin cos tan max min arg det top intercal prime ldots cdots dots
    vdots ddots left right big Big bigg Bigg mathbf mathrm mathit mathcal mathbb boldsymbol operatorname text
    hat bar tilde vec dot ddot overline underline underbrace overbrace quad qquad in notin subset subseteq cup cap
    forall exists to rightarrow leftarrow Rightarrow Leftarrow implies iff mapsto odot otimes oplus circ ast star
    langle rangle lVert rVert Vert vert lfloor rfloor lceil rceil mid parallel perp emptyset setminus neg land lor
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi rho varrho
    sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega
    ell hbar Re Im displaystyle textstyle sqrt stackrel overset underset binom mathsf mathtt""".split()
)
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")


def tex_escape(text: str) -> str:
    """Prose for LaTeX: every special character escaped, control characters dropped."""
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
    return "".join(_TEX_SPECIALS.get(char, char) for char in text)


def safe_math(latex: str) -> bool:
    """Math that may be written into a LaTeX file as is: only allowlisted commands, balanced braces."""
    if len(latex) > MAX_MATH_CHARS or "$" in latex or "%" in latex or "#" in latex or "\n\n" in latex:
        return False
    depth = 0
    for char in latex:
        depth += char == "{"
        depth -= char == "}"
        if depth < 0:
            return False
    if depth != 0:
        return False
    for command in _COMMAND.findall(latex):
        if command.isalpha() and command not in _SAFE_MATH_COMMANDS:
            return False
        if not command.isalpha() and command not in ",;:! |{}_&\\.()[]":
            return False
    if re.search(r"\\text\{[^}]*\\", latex) or re.search(r"(?<!\\)&", latex):
        return False
    return latex.count("\\left") == latex.count("\\right")


def tex_rich(text: str, math: bool = True) -> str:
    """Answer text for LaTeX: escaped prose, verbatim-safe code, allowlisted math as math (or all as text)."""
    out: list[str] = []
    for piece in pieces(text):
        if piece.kind == "code":
            code = "\\\\\n".join(tex_escape(line) or "~" for line in piece.text.rstrip("\n").split("\n"))
            out.append("\n\n{\\ttfamily\\small " + code + "}\n\n")
        elif piece.kind == "math":
            if math and safe_math(piece.text):
                out.append(f"\\[{piece.text}\\]" if piece.display else f"${piece.text}$")
            else:
                out.append("\\texttt{" + tex_escape(piece.source) + "}")
        else:
            out.append(_tex_prose(piece.text))
    return "".join(out)


def _tex_prose(text: str) -> str:
    escaped = tex_escape(text)
    escaped = re.sub(r"\*\*(.+?)\*\*", lambda m: "\\textbf{" + m.group(1) + "}", escaped)
    return re.sub(r"\n{2,}", "\n\n", escaped)
