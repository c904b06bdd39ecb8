"""What a formula in a report may hold: the allowlist of macros, environments and characters (pure data).

texmath.py parses a formula and writes it again only from what these tables allow. Each table says what its
entries become, with an example. A macro added here must compile with the report's preamble
(tests/test_report_text.py compiles every entry).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_MATH_CHARS = 2000
MAX_DEPTH = 40

# Macros written as they are, with no argument. Example per group: `\alpha`, `\leq`, `\sum`, `\quad`, `\{`.
SYMBOLS = set(
    """alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi rho
    varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi
    Omega digamma
    leq geq neq le ge ne approx sim simeq cong equiv propto ll gg prec succ preceq succeq doteq asymp models
    in notin ni subset subseteq supset supseteq subsetneq cup cap setminus emptyset varnothing mid nmid parallel perp
    forall exists nexists neg lnot land lor wedge vee implies iff to gets mapsto rightarrow leftarrow Rightarrow
    Leftarrow leftrightarrow Leftrightarrow longrightarrow longleftarrow Longrightarrow uparrow downarrow
    hookrightarrow rightharpoonup
    sum prod coprod int iint iiint oint bigcup bigcap bigoplus bigotimes bigvee bigwedge
    lim liminf limsup sup inf max min arg det dim exp log ln lg sin cos tan cot sec csc sinh cosh tanh
    arcsin arccos arctan ker deg gcd Pr
    cdot times div pm mp ast star circ bullet odot otimes oplus ominus oslash dagger ddagger wr amalg
    infty partial nabla ell hbar imath jmath Re Im aleph wp prime top bot intercal angle triangle square Box
    ldots cdots dots vdots ddots dotsc dotsb dotsm
    langle rangle lVert rVert Vert vert lfloor rfloor lceil rceil backslash
    quad qquad displaystyle textstyle scriptstyle limits nolimits
    checkmark surd flat sharp natural clubsuit diamondsuit heartsuit spadesuit""".split()
)
CONTROL_SYMBOLS = set(",;:! {}|%&#_$") | {"\\"}
# Macros that take the next atom: a delimiter (`\left(`), or a relation to negate (`\not=`).
PREFIXES = {"left", "right", "middle", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl",
            "biggr", "Biggl", "Biggr", "not"}
DELIMITER_CHARS = set("()[]|./<>")
DELIMITER_MACROS = {"{", "}", "|", "langle", "rangle", "lVert", "rVert", "Vert", "vert", "lfloor", "rfloor",
                    "lceil", "rceil", "backslash", "uparrow", "downarrow"}
# Macros with math arguments, by argument spec. Example: `\frac{a}{b}` ("{{"), `\sqrt[3]{x}` ("[{").
WITH_ARGUMENTS = {
    "{": """mathbf mathrm mathit mathcal mathbb mathsf mathtt mathfrak boldsymbol hat widehat bar tilde widetilde vec
         dot ddot overline underline underbrace overbrace overrightarrow overleftarrow boxed pmod""".split(),
    "{{": "frac dfrac tfrac cfrac binom dbinom tbinom stackrel overset underset".split(),
    "[{": ["sqrt"],
}
# Macros whose argument is text: written with every character escaped. Example: `\text{for all } x`.
TEXT_ARGUMENTS = {"text", "textrm", "textbf", "textit", "textsf", "texttt", "textnormal", "mbox", "operatorname"}
# Another spelling, written as the macro that needs no extra package. Example: `\bm{x}` -> `\boldsymbol{x}`.
RENAMED = {
    "argmax": "operatorname*{arg\\,max}", "argmin": "operatorname*{arg\\,min}", "bm": "boldsymbol",
    "mathscr": "mathcal", "lt": "<", "gt": ">", "lbrace": "\\{", "rbrace": "\\}", "vartriangle": "triangle",
    "thicksim": "sim", "R": "mathbb{R}",
}
# Dropped without a trace: numbering and labels. Example: `x = 1 \nonumber`.
DROPPED = {"nonumber", "notag"}
DROPPED_WITH_ARGUMENT = {"label"}

# Environments: their name in LaTeX output, their name for latex2mathml, and the layout of their body:
# "grid" (cells `&` and rows `\\`), "rows" (rows only) or "" (neither).
@dataclass(frozen=True)
class Environment:
    latex: str
    mathml: str
    layout: str = "grid"


ENVIRONMENTS = {
    # amsmath's display environments cannot sit inside \[ \]: written as their inner forms.
    "align": Environment("aligned", "align*"), "align*": Environment("aligned", "align*"),
    "aligned": Environment("aligned", "align*"), "split": Environment("aligned", "split"),
    "alignat": Environment("aligned", "align*"), "alignat*": Environment("aligned", "align*"),
    "flalign": Environment("aligned", "align*"), "flalign*": Environment("aligned", "align*"),
    "eqnarray": Environment("aligned", "align*"), "eqnarray*": Environment("aligned", "align*"),
    "gather": Environment("gathered", "array", "rows"), "gather*": Environment("gathered", "array", "rows"),
    "gathered": Environment("gathered", "array", "rows"), "multline": Environment("gathered", "array", "rows"),
    "multline*": Environment("gathered", "array", "rows"),
    "equation": Environment("", "", ""), "equation*": Environment("", "", ""), "displaymath": Environment("", "", ""),
    "matrix": Environment("matrix", "matrix"), "pmatrix": Environment("pmatrix", "pmatrix"),
    "bmatrix": Environment("bmatrix", "bmatrix"), "Bmatrix": Environment("Bmatrix", "Bmatrix"),
    "vmatrix": Environment("vmatrix", "vmatrix"), "Vmatrix": Environment("Vmatrix", "Vmatrix"),
    "smallmatrix": Environment("smallmatrix", "smallmatrix"), "cases": Environment("cases", "cases"),
    "array": Environment("array", "array"),
}
PLAIN_CHARACTERS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 +-*/=<>()[].,;:!?'|@\"~")
# Unicode in formulas, written as macros. Greek letters are found by their Unicode names (α -> \alpha).
UNICODE_MATH = {
    "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "≈": r"\approx", "∼": r"\sim", "≡": r"\equiv", "∝": r"\propto",
    "×": r"\times", "·": r"\cdot", "⋅": r"\cdot", "÷": r"\div", "±": r"\pm", "∓": r"\mp", "∗": r"\ast",
    "∞": r"\infty", "∂": r"\partial", "∇": r"\nabla", "∑": r"\sum", "∏": r"\prod", "∫": r"\int", "√": r"\surd",
    "∈": r"\in", "∉": r"\notin", "⊂": r"\subset", "⊆": r"\subseteq", "⊃": r"\supset", "⊇": r"\supseteq",
    "∪": r"\cup", "∩": r"\cap", "∅": r"\emptyset", "∀": r"\forall", "∃": r"\exists", "¬": r"\neg",
    "∧": r"\land", "∨": r"\lor", "→": r"\rightarrow", "←": r"\leftarrow", "⇒": r"\Rightarrow", "⇐": r"\Leftarrow",
    "↔": r"\leftrightarrow", "⇔": r"\Leftrightarrow", "↦": r"\mapsto", "⟨": r"\langle", "⟩": r"\rangle",
    "‖": r"\Vert", "…": r"\ldots", "⋯": r"\cdots", "∘": r"\circ", "⊙": r"\odot", "⊗": r"\otimes", "⊕": r"\oplus",
    "′": r"'", "″": r"''", "ℓ": r"\ell", "ℏ": r"\hbar", "⊤": r"\top", "⊥": r"\perp",
    "ℝ": r"\mathbb{R}", "ℕ": r"\mathbb{N}", "ℤ": r"\mathbb{Z}", "ℚ": r"\mathbb{Q}", "ℂ": r"\mathbb{C}",
    "−": "-", "–": "-", "\u00a0": " ", "\u2009": r"\,", "\u200a": r"\,", "\u2002": r"\;",
}
# Unicode super- and subscripts: a run of them is one script. Example: "10⁻³" -> "10^{-3}", "xᵢ" -> "x_{i}".
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ", "0123456789+-=()niT")) | {"°": "\\circ "}
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓᵢⱼₖₙₜ", "0123456789+-=()aeoxijknt"))
GREEK_NAMES = {"final sigma": "varsigma", "lamda": "lambda"}
