"""Text for LaTeX, character by character: specials escaped, Unicode written as macros (pure).

The LaTeX report is plain ASCII, so pdflatex never reads a byte it could misread. TeX's special characters
are escaped; control characters are dropped; a Unicode character becomes a macro: first from our table of
symbols (the check boxes and marks graders use, each carried with its code point so a PDF reader copies the
symbol itself), then from pylatexenc's table for Latin, Greek, punctuation and common math, else its code
point in typewriter type (`[U+4E2D]`), never a silent `?`.
"""

from __future__ import annotations

import re
import unicodedata

from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

# TeX's special characters in text. Example: "50% of #1" -> "50\% of \#1".
TEX_SPECIALS = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
    "|": r"\textbar{}",
    # Characters the T1 fonts join into other glyphs: ``` would print as “‘, '' as ”.
    "`": r"\textasciigrave{}", "'": r"\textquotesingle{}",
}
# A character that would join the next into one glyph (-- as –, ,, as „): kept apart. Example: "x--y" -> "x-{}-y".
LIGATURE_STARTS = {"-": "-", ",": ",", "!": "`", "?": "`"}
# Symbols drawn from amssymb, tagged with their code point (`\tbsym`, defined in the report's preamble, puts
# it in the PDF as ActualText). Example: "☐ task loss" -> "\tbsym{2610}{$\square$} task loss".
SYMBOLS = {
    "☐": r"$\square$", "□": r"$\square$", "☒": r"$\boxtimes$", "☑": r"\makebox[0pt][l]{$\square$}\checkmark",
    "✓": r"\checkmark", "✔": r"\checkmark", "√": r"\checkmark", "✗": r"$\times$", "✘": r"$\times$",
    "○": r"$\circ$", "◯": r"$\bigcirc$", "●": r"$\bullet$", "◉": r"$\odot$", "★": r"$\star$", "⚠": r"\textbf{!}",
}
# Characters pylatexenc writes as macros that compile in the report's preamble (Latin, Greek, punctuation,
# arrows, math operators, letterlike symbols). Example: "é" -> "\'e", "“x”" -> "\textquotedblleft x\textquotedblright".
ENCODED_BLOCKS = [(0x00A0, 0x024F), (0x0370, 0x03FF), (0x2000, 0x206F), (0x2100, 0x214F), (0x2190, 0x22FF)]
# Macros in pylatexenc's table that pdflatex with the report's preamble does not have (they come from other
# packages); a character written with one of them is shown as its code point. Example: "ℋ" -> \mathscr{H}.
MISSING_MACROS = set(
    """nument texthvlig textnrleg mathscr arrowwaveleft arrowwaveright dblarrowupdown DownArrowUpArrow rightangle
    surfintegral volintegral clwintegral homothetic lazysinv approxnotequal tildetrpl allequal estimates starequal
    notlessgreater notgreaterless truestate forcesextra VDash original image hermitconjmatrix rightanglearc
    verymuchless verymuchgreater precedesnotsimilar udots""".split()
)
# Characters pylatexenc writes with math-only macros outside math mode. Example: "ϒ" -> {\Upsilon}.
MATH_ONLY = {"\u0390", "\u03d2"}
_MACRO = re.compile(r"\\([A-Za-z]+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _code_point(char: str) -> str:
    return "{\\ttfamily[U+%04X]}" % ord(char)


def _symbol_rules() -> dict[int, str]:
    return {ord(char): "\\tbsym{%04X}{%s}" % (ord(char), latex) for char, latex in SYMBOLS.items()}


_ENCODER = UnicodeToLatexEncoder(
    conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, _symbol_rules()), "defaults"],
    non_ascii_only=True, replacement_latex_protection="braces-all", unknown_char_policy=_code_point,
    unknown_char_warning=False,
)


def _encodable(char: str) -> bool:
    code = ord(char)
    return char in SYMBOLS or any(low <= code <= high for low, high in ENCODED_BLOCKS)


def tex_unicode(char: str) -> str:
    """One non-ASCII character as LaTeX."""
    if unicodedata.category(char) in ("Cf", "Cc", "Cs", "Co", "Cn"):
        return _code_point(char)  # invisible, private or unassigned: shown, never silently dropped
    if not _encodable(char) or char in MATH_ONLY:
        return _code_point(char)
    written = _ENCODER.unicode_to_latex(char)
    return _code_point(char) if set(_MACRO.findall(written)) & MISSING_MACROS else written


def tex_text(text: str) -> str:
    """Prose for LaTeX: every special character escaped, control characters dropped, Unicode as macros."""
    text = _CONTROL.sub("", text.replace("\t", " "))
    out: list[str] = []
    for index, char in enumerate(text):
        if char in LIGATURE_STARTS and text[index + 1 : index + 2] == LIGATURE_STARTS[char]:
            out.append(char + "{}")
        elif char in TEX_SPECIALS:
            out.append(TEX_SPECIALS[char])
        elif ord(char) < 128:
            out.append(char)
        else:
            out.append(tex_unicode(char))
    return "".join(out)
