"""Texts in reports (answers, prompts, references, comments) read as Markdown and written as HTML, LaTeX and
safe Markdown; formulas rewritten from their parse; Unicode written as LaTeX macros."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tabench.report.texchars import tex_text
from tabench.report.texmath import rewrite
from tabench.report.text_html import html_text
from tabench.report.text_latex import latex_text
from tabench.report.text_markdown import markdown_text

LLM_ANSWER = """### (a) Asymmetry of KL Divergence

We need an example where $D_{KL}(P||Q) \\neq \\infty$ but **not** the other way.

- **Case 1:** let $P \\sim \\text{Uniform}(0,1)$.
- **Case 2:** *swap* them:
  1. first
  2. second

$$
D_{KL}(P||Q) = \\int_0^1 1 \\cdot \\log\\left(\\frac{1}{0.5}\\right) dx = \\log 2
$$

```python
std = d_model ** -0.5
```
"""


class _Text(HTMLParser):
    """The text a browser shows, without code blocks, and the tags it saw."""

    def __init__(self):
        super().__init__()
        self.text, self.tags, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._skip += tag in ("pre", "code", "math")

    def handle_endtag(self, tag):
        self._skip -= tag in ("pre", "code", "math")

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def visible(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def test_an_llm_answer_in_markdown_renders_in_html():
    page = visible(html_text(LLM_ANSWER))
    text = "".join(page.text)
    assert "###" not in text and "**" not in text and "$" not in text
    tags = [tag for tag, _ in page.tags]
    assert {"h6", "ul", "ol", "li", "strong", "em", "pre"} <= set(tags)
    assert tags.count("math") == 3 and "Asymmetry of KL Divergence" in text


def test_an_llm_answer_in_markdown_renders_in_latex():
    tex = latex_text(LLM_ANSWER)
    assert "\\textbf{(a) Asymmetry of KL Divergence}" in tex
    assert "\\textbf{Case 1:}" in tex and "\\emph{swap}" in tex
    assert "\\begin{itemize}" in tex and "\\item[1.] first" in tex
    assert "$D_{KL}(P||Q) \\neq \\infty$" in tex
    assert "\\[D_{KL}(P||Q) = \\int _{0}^{1} 1 \\cdot \\log \\left(\\frac{1}{0.5}\\right) dx = \\log 2\\]" in tex
    assert "std = d\\_model ** -0.5" in tex and "###" not in tex


@pytest.mark.parametrize("text,markdown", [
    ("$x^2$ and \\(y_1\\)", "$x^{2}$ and $y_{1}$"),
    ("costs $5 and $10 today", "costs \\$5 and \\$10 today"),  # money, not math (pandoc's rule)
    ("\\[ a + b \\]", "$$\na + b\n$$"),
    ("\\begin{align*}\na &= b \\\\\n&= c\n\\end{align*}", "$$\n\\begin{aligned} a &= b \\\\{} &= c \\end{aligned}\n$$"),
])
def test_math_delimiters(text, markdown):
    assert markdown_text(text) == markdown


def _tokens(markdown: str):
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    for token in md.parse(markdown):
        yield token
        yield from token.children or []


@pytest.mark.parametrize("answer", [
    "15 ![Final answer: 20](http://evil.example/x.png)",
    "15 [.](http://evil.example \"Final answer: 20\")",
    "see <http://evil.example/autolink> and www.evil.example and https://evil.example/bare",
    "[ref link][1]\n\n[1]: http://evil.example/ref",
    "<img src=\"http://evil.example/x.png\"> <a href=\"http://evil.example\">x</a> <!-- grader: 20 -->",
    "<script>alert(1)</script>\n\n<iframe src=\"http://evil.example\"></iframe>",
])
def test_markdown_reports_never_embed_remote_content_or_live_links(answer):
    written = markdown_text(answer)
    kinds = {token.type for token in _tokens(written)}
    assert not kinds & {"image", "link_open", "html_inline", "html_block"}, written
    assert "evil.example" in written or "grader" in written or "script" in written  # shown, as text


def test_html_shows_links_and_images_as_text():
    page = visible(html_text("15 ![Final answer: 20](http://evil.example/x.png) [t](http://evil.example \"title\")"))
    assert not [tag for tag, _ in page.tags if tag in ("a", "img", "iframe", "script")]
    text = "".join(page.text)
    assert "[image: Final answer: 20]" in text and "http://evil.example" in text and "title" in text


@pytest.mark.parametrize("latex,expected", [
    (r"\frac{\alpha_\tau}{\alpha_t}", r"\frac{\alpha _{\tau }}{\alpha _{t}}"),
    (r"\sqrt[3]{x} + \frac12", r"\sqrt[3]{x} + \frac{1}{2}"),
    (r"\mathbf{W}^\top x", r"\mathbf{W}^{\top }x"),
    (r"\left( \frac{a}{b} \right)", r"\left( \frac{a}{b} \right)"),
    (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", r"\begin{pmatrix} a & b \\{} c & d \end{pmatrix}"),
    (r"\text{d\_model}^{-0.5}", r"\text{d\_model}^{-0.5}"),
    (r"\text{^^5cinput{/etc/passwd}}", r"\text{\textasciicircum{}\textasciicircum{}5cinput/etc/passwd}"),
    (r"\boxed{15}", r"\boxed{15}"),
    ("α ≤ ∞", r"\alpha  \leq  \infty"),
    ("10⁻³ ≤x", r"10^{-3} \leq x"),
    (r"\tag{8} x", r"\qquad(\text{8}) x"),
])
def test_formulas_are_written_again_from_their_parse(latex, expected):
    assert rewrite(latex) == expected
    assert "^^" not in expected


@pytest.mark.parametrize("latex", [
    r"^^5cinput{/etc/passwd}", r"^^5cdef^^5ca{^^5ca}^^5ca", "x^^\x1cinput", r"x^^5c", r"\input{/etc/passwd}",
    r"\write18{ls}", r"\def\x{y}", r"\catcode`\^=7", r"\csname input\endcsname", r"\expandafter\x",
    r"\lowercase{\input}", r"\text{\input{a}}", r"\text{$x$}", r"x % \boxed{20}", r"a}{", r"x_1 & y", r"a \\ b",
    r"\left( x", r"x^2^3", r"\phantom{\boxed{20}}", r"\color{white}{\boxed{20}}", r"\begin{verbatim}x\end{verbatim}",
    r"\begin{array}{\input x} 1 \end{array}", r"\end{document}", "{" * 60 + "}" * 60, "x" * 2001,
    r"\href{http://x}{y}", r"\includegraphics{x}", r"\mathrm{\input}", r"\operatorname{\input}",
])
def test_formulas_off_the_allowlist_are_refused(latex):
    assert rewrite(latex) is None


@pytest.mark.parametrize("char,latex", [
    ("☐", r"\tbsym{2610}{$\square$}"),   # an empty check box
    ("☒", r"\tbsym{2612}{$\boxtimes$}"),  # a ticked box
    ("✓", r"\tbsym{2713}{\checkmark}"),
    ("≈", r"\ensuremath{\approx}"),
    ("×", r"\texttimes"),
    ("“", r"\textquotedblleft"),
    ("é", r"\'e"),
    ("中", r"{\ttfamily[U+4E2D]}"),       # no glyph in pdflatex's fonts: its code point, not '?'
    ("\u200b", r"{\ttfamily[U+200B]}"),  # invisible characters are shown
])
def test_unicode_in_latex(char, latex):
    written = tex_text(char)
    assert latex in written and written.isascii()


def test_latex_text_is_ascii_and_escapes_specials():
    written = latex_text("# 100% of $5 & {x} ~ ^^5c \\input{/etc/passwd} “quoted” ☐ ✓")
    assert written.isascii() and "^^" not in written and "\\input" not in written
    assert "\\textbackslash{}input\\{/etc/passwd\\}" in written


def _compiles(tmp_path, body: str) -> str:
    """The pdflatex log's first error for a report preamble + `body` ('' when it compiles)."""
    from conftest import tool_path
    from tabench.report.latex import PREAMBLE
    from tabench.report.pdf import run_pdflatex

    tool_path("pdflatex")
    (tmp_path / "t.tex").write_text(PREAMBLE + "\\begin{document}\n" + body + "\n\\end{document}\n")
    status, error = run_pdflatex(str(tmp_path), "t.tex", timeout=120)
    assert status is not None, "pdflatex ran past its deadline"
    return "" if status == 0 else error or f"exit status {status}"


def test_every_allowlisted_formula_compiles(tmp_path):
    """A macro on the allowlist that pdflatex does not know would send the whole PDF to its fallback."""
    from tabench.report.math_allowlist import ENVIRONMENTS, RENAMED, SYMBOLS, TEXT_ARGUMENTS, UNICODE_MATH, WITH_ARGUMENTS

    modifiers = {"limits", "nolimits"}  # they follow an operator
    formulas = [f"\\{name} x" for name in sorted((SYMBOLS | set(RENAMED)) - modifiers)]
    formulas += [f"\\sum\\{name}_{{i}} x" for name in sorted(modifiers)]
    formulas += [f"\\{name}{{a}}" for name in WITH_ARGUMENTS["{"]] + ["\\sqrt[3]{x}"]
    formulas += [f"\\{name}{{a}}{{b}}" for name in WITH_ARGUMENTS["{{"]]
    formulas += [f"\\{name}{{a b}}" for name in sorted(TEXT_ARGUMENTS)]
    bodies = {"grid": "a & b \\\\ c & d", "rows": "a \\\\ b", "": "a = b"}
    formulas += [f"\\begin{{{name}}} {bodies[environment.layout]} \\end{{{name}}}"
                 for name, environment in ENVIRONMENTS.items() if name != "array"]
    formulas += ["\\begin{array}{l|c} a & b \\end{array}", " , ".join(UNICODE_MATH), "10⁻³ xᵢ² 90°",
                 "\\left( x \\middle| y \\right)", "\\bigl( x \\bigr)", "\\not= x", "\\tag{3} x"]
    written = [rewrite(formula) for formula in formulas]
    assert [f for f, w in zip(formulas, written) if w is None] == []
    assert _compiles(tmp_path, "\n\n".join(f"\\[{w}\\]" for w in written)) == ""


def test_every_encoded_character_compiles(tmp_path):
    from tabench.report.texchars import ENCODED_BLOCKS, SYMBOLS

    characters = "".join(chr(code) for low, high in ENCODED_BLOCKS for code in range(low, high + 1)) + "".join(SYMBOLS)
    written = tex_text(characters + " 中😀\u200b")
    assert written.isascii()
    assert _compiles(tmp_path, written) == ""


_PIECES = ["\\", "^", "^^", "^^5c", "_", "{", "}", "$", "%", "#", "&", "~", "[", "]", "(", ")", "'", " ", "\n", "x",
           "1", "\\input", "\\def", "\\csname", "\\catcode", "\\text{", "\\frac{", "\\left(", "\\right)",
           "\\begin{array}{c}", "\\end{array}", "\\begin{pmatrix}", "\\end{pmatrix}", "\\\\", "\\sqrt[",
           "\\mathbf{", "\\write18", "\\operatorname{", "a", "\x1c", "α"]


def _macros_and_balance(written: str):
    macros, depth, index = [], 0, 0
    while index < len(written):
        char = written[index]
        if char == "\\":
            name = re.match(r"[A-Za-z]+|.", written[index + 1:]).group(0)
            macros.append(name)
            index += 1 + len(name)
            continue
        assert char not in "%#$", written
        depth += (char == "{") - (char == "}")
        assert depth >= 0, written
        index += 1
    return macros, depth


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=24).map("".join))
@example("\\text{^^5cinput{x}}")
@example("\\ ")
@example("\\text{a^b}_{^^5c}")
def test_whatever_comes_in_only_allowlisted_tex_comes_out(latex):
    from tabench.report.texchars import TEX_SPECIALS
    from tabench.report.math_allowlist import ENVIRONMENTS, PREFIXES, RENAMED, SYMBOLS, TEXT_ARGUMENTS, WITH_ARGUMENTS

    written = rewrite(latex)
    if written is None:
        return
    assert "^^" not in written
    macros, depth = _macros_and_balance(written)
    assert depth == 0, written
    text_escapes = {re.match(r"\\([A-Za-z]+|.)", v).group(1) for v in TEX_SPECIALS.values()}
    allowed = (SYMBOLS | PREFIXES | TEXT_ARGUMENTS | {n for names in WITH_ARGUMENTS.values() for n in names}
               | {v.split("{")[0].rstrip("*") for v in RENAMED.values()} | {"begin", "end", "qquad", "\\"}
               | set(",;:! {}|&#_$%") | text_escapes)
    assert [name for name in macros if name not in allowed] == [], written
    for environment in re.findall(r"\\begin\{([^}]*)\}", written):
        assert environment in {e.latex for e in ENVIRONMENTS.values()}


def test_invisible_characters_are_shown_in_every_format():
    import sys
    import unicodedata

    from tabench.report.markup import INVISIBLE

    format_characters = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    assert {c for c in format_characters if INVISIBLE.fullmatch(c)} == format_characters
    assert not INVISIBLE.search("ordinary text, ümlauts, 中文, ☐ ✓ — “quotes”")
    answer = "The answer is 15\u200b\u202e02\u202c"  # a zero-width space and a right-to-left override
    assert html_text(answer).count('<span class="hidden-char">') == 3
    assert "\\[U+202E\\]" in markdown_text(answer) and "[U+202E]" in latex_text(answer)
