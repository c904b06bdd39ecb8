"""Formulas as MathML for HTML reports, through latex2mathml and then an allowlist (pure).

latex2mathml copies some input verbatim (`\\text{…}`), so its output is parsed as XML and kept only when
every element and attribute is on the lists below. Elements that hide content from a reader (`mphantom`,
colours) are not on them: such a formula is shown as its source, so a reader sees what an answer hid.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from .math_allowlist import MAX_MATH_CHARS

_MATHML_TAGS = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot",
    "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "menclose", "mfenced",
    "semantics", "annotation",
}
_MATHML_ATTRIBUTES = {
    "display", "xmlns", "stretchy", "fence", "mathvariant", "separator", "lspace", "rspace", "accent", "accentunder",
    "linethickness", "columnalign", "rowspacing", "columnspacing", "width", "form", "movablelimits", "symmetric",
    "minsize", "maxsize", "largeop", "notation", "scriptlevel", "displaystyle", "open", "close", "separators",
    "encoding", "columnlines", "rowlines", "frame", "depth", "height", "voffset",
}


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
