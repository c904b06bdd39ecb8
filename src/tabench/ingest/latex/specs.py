"""What tabench knows about LaTeX macros and environments: the pylatexenc context db and the role tables (pure).

The db declares every macro and environment the reader acts on with its argument spec ('[' optional, '{' mandatory,
'*' a star), so that pylatexenc hands over their arguments as nodes. Code environments keep their body as raw text.
"""

from __future__ import annotations

from functools import lru_cache

from pylatexenc.latexwalker import LatexCharsNode, LatexWalkerParseError, get_default_latex_context_db
from pylatexenc.macrospec import (
    EnvironmentSpec,
    MacroSpec,
    MacroStandardArgsParser,
    ParsedMacroArgs,
    std_environment,
    std_macro,
)

from .source import delimited

# ---- the exam document class ----------------------------------------------------------------------------------

# macro -> (level, bonus): \question opens a question (level 1), \part a part (2), \subpart (3), \subsubpart (4)
EXAM_ITEMS = {
    "question": (1, False), "titledquestion": (1, False), "bonusquestion": (1, True), "bonustitledquestion": (1, True),
    "part": (2, False), "bonuspart": (2, True),
    "subpart": (3, False), "bonussubpart": (3, True),
    "subsubpart": (4, False), "bonussubsubpart": (4, True),
}
# the list environment that holds each level of items
EXAM_LISTS = {"questions": 1, "parts": 2, "subparts": 3, "subsubparts": 4}
# choice lists: environment -> several answers allowed (check boxes)
CHOICE_LISTS = {"choices": False, "oneparchoices": False, "checkboxes": True, "oneparcheckboxes": True}
EXAM_SOLUTIONS = ("solution", "solutionorbox", "solutionorlines", "solutionordottedlines", "solutionorgrid")

# the expander turns `\ifprintanswers X \else Y \fi` into `\tabenchprintanswers{X}{Y}`
PRINT_ANSWERS = "tabenchprintanswers"
# ... and a call of a solution macro defined in the file (`\solution{…}`) into this environment
SOLUTION_ENVIRONMENT = "tabenchsolution"

# macros whose arguments are layout, counters or headers: read and dropped (never content)
LAYOUT_MACROS = {
    # exam class
    "qformat": "{", "pointpoints": "{{", "bonuspointpoints": "{{", "pointformat": "{", "bonuspointformat": "{",
    "pointname": "{", "marginpointname": "{", "CorrectChoiceEmphasis": "{", "SolutionEmphasis": "{",
    "checkboxchar": "{", "checkedchar": "{", "gradetable": "[[", "pointtable": "[[",
    "bonuspointtable": "[[", "bonusgradetable": "[[", "partialpointtable": "[[", "partialgradetable": "[[",
    "combinedgradetable": "[[", "combinedpointtable": "[[", "multicolumnpartialgradetable": "{[[",
    "firstpageheader": "{{{", "runningheader": "{{{", "firstpagefooter": "{{{", "runningfooter": "{{{",
    "header": "{{{", "footer": "{{{", "firstpageheadrule": "", "runningheadrule": "", "firstpagefootrule": "",
    "runningfootrule": "", "extraheadheight": "*[{", "extrafootheight": "*[{", "printanswers": "",
    "noprintanswers": "", "addpoints": "", "noaddpoints": "", "droppoints": "", "droptotalpoints": "",
    "droptotalbonuspoints": "", "pointsinmargin": "", "pointsinrightmargin": "", "nopointsinmargin": "",
    "bracketedpoints": "", "boxedpoints": "", "unframedsolutions": "", "framedsolutions": "", "shadedsolutions": "",
    "pointsdroppedatright": "", "pointsinquestionleft": "", "totalpoints": "", "numpoints": "", "numquestions": "",
    "numparts": "", "numbonuspoints": "", "totalnumpages": "", "hqword": "{", "hpword": "{", "hsword": "{",
    "htword": "{", "vqword": "{", "vpword": "{", "vsword": "{", "vtword": "{", "cellwidth": "{",
    "settabletotalpoints": "{", "setfillinlinethickness": "{", "fillwithlines": "{",
    "fillwithdottedlines": "{", "fillwithgrid": "{", "makeemptybox": "{", "answerclearance": "",
    "chqword": "{", "cpword": "{", "cbpword": "{", "cspword": "{", "ctword": "{", "ccell": "{",
    # page layout and fonts
    "vspace": "*{", "vskip": "", "setlength": "{{", "addtolength": "{{",
    "settowidth": "{{", "newlength": "{", "setcounter": "{{", "addtocounter": "{{", "stepcounter": "{",
    "refstepcounter": "{", "newcounter": "{[", "pagestyle": "{", "thispagestyle": "{", "pagenumbering": "{",
    "newpage": "", "clearpage": "", "cleardoublepage": "", "pagebreak": "[", "nopagebreak": "[", "linebreak": "[",
    "enlargethispage": "*{", "vfill": "", "bigskip": "", "medskip": "",
    "smallskip": "", "noindent": "", "indent": "", "centering": "", "raggedright": "", "raggedleft": "",
    "label": "{", "hypersetup": "{", "graphicspath": "{", "usepackage": "[{", "RequirePackage": "[{",
    "documentclass": "[{", "geometry": "{", "definecolor": "[{{{", "colorlet": "[{[{", "maketitle": "",
    "tableofcontents": "", "title": "[{", "author": "[{", "date": "{", "thanks": "{", "lhead": "[{", "chead": "[{",
    "rhead": "[{", "lfoot": "[{", "cfoot": "[{", "rfoot": "[{", "fancyhead": "[{", "fancyfoot": "[{", "fancyhf": "{",
    "rule": "[{{", "stretch": "{", "strut": "", "phantom": "{", "hphantom": "{", "vphantom": "{", "displaystyle": "",
    "small": "", "footnotesize": "", "scriptsize": "", "tiny": "", "normalsize": "", "large": "", "Large": "",
    "LARGE": "", "huge": "", "Huge": "", "normalfont": "", "selectfont": "", "bfseries": "", "itshape": "",
    "ttfamily": "", "sffamily": "", "rmfamily": "", "mdseries": "", "upshape": "", "scshape": "", "bf": "", "it": "",
    "tt": "", "em": "", "sc": "", "sl": "", "rm": "", "sf": "", "hline": "", "cline": "{", "toprule": "",
    "midrule": "", "bottomrule": "", "tabularnewline": "", "protect": "", "relax": "", "leavevmode": "",
    "nobreak": "", "allowbreak": "", "sloppy": "", "frenchspacing": "", "onehalfspacing": "",
    "doublespacing": "", "singlespacing": "", "bibliographystyle": "{", "makeatletter": "", "makeatother": "",
    "columnbreak": "", "newline": "", "break": "", "nolinebreak": "[", "filbreak": "",
    "captionsetup": "[{", "setlist": "[{", "lstset": "{", "setminted": "[{", "usetikzlibrary": "{",
    "pgfplotsset": "{", "theoremstyle": "{", "numberwithin": "{{", "everymath": "", "pointsofquestion": "{",
    "includeversion": "{", "excludeversion": "{", "includecomment": "{", "excludecomment": "{",
}

# horizontal space: a space in the text
SPACE_MACROS = {"hspace": "*{", "hskip": "", "hfill": "", "hrulefill": "", "dotfill": "", "quad": "", "qquad": "",
                "enspace": "", "enskip": "", "thinspace": "", "space": ""}

# text-carrying macros: the reader walks their content argument(s) (argument spec, indexes of content args)
CONTENT_MACROS = {
    "textbf": ("{", (0,)), "textit": ("{", (0,)), "emph": ("{", (0,)), "texttt": ("{", (0,)),
    "textrm": ("{", (0,)), "textsf": ("{", (0,)), "textsc": ("{", (0,)), "textsl": ("{", (0,)),
    "textup": ("{", (0,)), "textmd": ("{", (0,)), "textnormal": ("{", (0,)), "text": ("{", (0,)),
    "underline": ("{", (0,)), "uline": ("{", (0,)), "sout": ("{", (0,)), "xout": ("{", (0,)),
    "mbox": ("{", (0,)), "hbox": ("{", (0,)), "fbox": ("{", (0,)), "framebox": ("[[{", (2,)),
    "makebox": ("[[{", (2,)), "parbox": ("[[[{{", (4,)), "raisebox": ("{[[{", (3,)), "centerline": ("{", (0,)),
    "textcolor": ("[{{", (2,)), "colorbox": ("[{{", (2,)), "fcolorbox": ("[{[{{", (4,)), "hl": ("{", (0,)),
    "highlight": ("{", (0,)), "footnote": ("[{", (1,)), "href": ("{{", (1,)), "url": ("{", (0,)),
    "boxed": ("{", (0,)), "fullwidth": ("{", (0,)), "uplevel": ("{", (0,)), "enquote": ("{", (0,)),
    "section": ("*[{", (2,)), "subsection": ("*[{", (2,)), "subsubsection": ("*[{", (2,)),
    "paragraph": ("*[{", (2,)), "subparagraph": ("*[{", (2,)), "chapter": ("*[{", (2,)),
    "caption": ("[{", (1,)), "item": ("[", ()), "ref": ("{", ()), "eqref": ("{", ()), "autoref": ("{", ()),
    "cref": ("{", ()), "Cref": ("{", ()), "cite": ("[{", ()),
    "includegraphics": ("*[{", ()), "color": ("[{", ()), "fillin": ("[[", ()), "answerline": ("[", ()),
}
# marked text: a key is often shown this way (a highlighted option, a red answer)
MARKING_MACROS = ("textcolor", "colorbox", "fcolorbox", "hl", "highlight", "color")
NEUTRAL_COLOURS = {"black", "white", "gray", "grey", "darkgray", "lightgray", "darkgrey", "lightgrey"}

# symbols in running text
TEXT_SYMBOLS = {
    "%": "%", "&": "&", "_": "_", "#": "#", "{": "{", "}": "}", "$": "\\$", ",": " ", " ": " ", "\n": " ",
    "\t": " ", ";": " ", ":": " ",
    "!": "", "ldots": "…", "dots": "…", "textbackslash": "\\", "textasciitilde": "~", "slash": "/",
    "checkmark": "✓", "ding": "", "textbullet": "•", "S": "§", "P": "¶", "-": "", "/": "", "@": "", "half": "½",
}

# ---- code, math, and environments whose content is not text --------------------------------------------------

# code environments: name -> (argument spec before the body, language)
CODE_ENVIRONMENTS = {
    "verbatim": ("", ""), "verbatim*": ("", ""), "Verbatim": ("[", ""), "BVerbatim": ("[", ""),
    "LVerbatim": ("[", ""), "lstlisting": ("[", ""), "minted": ("[{", ""), "python": ("", "python"),
    "pythoncode": ("", "python"), "pycode": ("", "python"), "sageblock": ("", "python"), "comment": ("", ""),
    "tikzpicture": ("[", "tikz"), "filecontents": ("[{", ""), "filecontents*": ("[{", ""),
}
HIDDEN_ENVIRONMENTS = ("comment", "filecontents", "filecontents*")  # printed nowhere
MATH_ENVIRONMENTS = (
    "equation", "equation*", "align", "align*", "eqnarray", "eqnarray*", "gather", "gather*", "multline",
    "multline*", "flalign", "flalign*", "alignat", "alignat*", "displaymath", "math", "dmath", "dmath*",
)
LIST_ENVIRONMENTS = ("enumerate", "itemize", "description", "compactenum", "compactitem", "asparaenum",
                     "inparaenum", "enumerate*", "itemize*")
FIGURE_ENVIRONMENTS = ("figure", "figure*", "wrapfigure", "subfigure", "SCfigure")
TABLE_ENVIRONMENTS = ("tabular", "tabular*", "tabularx", "longtable", "tabu")

# ---- roles of names written by course staff ---------------------------------------------------------------------

SOLUTION_NAMES = ("solution", "solutions", "soln", "sol", "sols", "answer", "answers", "ans", "proof", "pf",
                  "answerkey", "key", "explanation", "mysolution", "mysol", "solutionbox", "solbox")
QUESTION_NAMES = ("problem", "problems", "question", "exercise", "exercises", "prob", "ex", "exer", "hw",
                  "homework", "task", "myproblem", "problembox", "qn")


def solution_like(name: str) -> bool:
    """Does this macro or environment name say it holds a solution ('sol', 'mysolution', 'solutionbox')?"""
    name = name.lower().rstrip("*")
    return name in SOLUTION_NAMES or "solution" in name


def question_like(name: str) -> bool:
    name = name.lower().rstrip("*")
    return name in QUESTION_NAMES or "problem" in name or "exercise" in name


# ---- raw-body environments ---------------------------------------------------------------------------------------

class RawBody(MacroStandardArgsParser):
    """Arguments by `argspec`, then the body up to `\\end{name}` kept as one chars node (pylatexenc's own verbatim
    parser knows only `verbatim`)."""

    def __init__(self, environment: str, argspec: str):
        super().__init__(argspec=argspec)
        self.environment = environment

    def parse_args(self, w, pos, parsing_state=None):
        argd, start, length = super().parse_args(w, pos, parsing_state=parsing_state)[:3]
        body_start = start + length
        closing = "\\end{" + self.environment + "}"
        last = _last_closing(w.s, closing)  # past the last one there is none: many unended ones cost one search
        end = w.s.find(closing, body_start) if body_start <= last else -1
        if end == -1:
            raise LatexWalkerParseError(s=w.s, pos=pos, msg=f"\\begin{{{self.environment}}} is never ended")
        body = w.make_node(LatexCharsNode, parsing_state=parsing_state, chars=w.s[body_start:end], pos=body_start,
                           len=end - body_start)
        args = ParsedMacroArgs(argnlist=list(argd.argnlist) + [body], argspec=argd.argspec + "{")
        return args, pos, end - pos


class InlineCode(MacroStandardArgsParser):
    """`\\verb|code|`, `\\lstinline[opts]|code|`, `\\lstinline{code}`, `\\mintinline{lang}|code|`: the code is
    kept raw (pylatexenc's own \\verb parser fails at the end of the text)."""

    def parse_args(self, w, pos, parsing_state=None):
        argd, start, length = super().parse_args(w, pos, parsing_state=parsing_state)[:3]
        at = start + length
        if self.argspec:
            while at < len(w.s) and w.s[at] in " \t":
                at += 1
        elif at < len(w.s) and w.s[at] == "*":  # \verb*|…|
            at += 1
        span = delimited(w.s, at, braces=bool(self.argspec))
        if span is None:
            raise LatexWalkerParseError(s=w.s, pos=pos, msg="inline code is never closed")
        code_start, code_end, end = span
        code = w.make_node(LatexCharsNode, parsing_state=parsing_state, chars=w.s[code_start:code_end],
                           pos=code_start, len=code_end - code_start)
        return ParsedMacroArgs(argnlist=list(argd.argnlist) + [code], argspec=argd.argspec + "{"), pos, end - pos


@lru_cache(maxsize=64)
def _last_closing(text: str, closing: str) -> int:
    return text.rfind(closing)


def code_environment(name: str, argspec: str) -> EnvironmentSpec:
    return EnvironmentSpec(name, args_parser=RawBody(name, argspec))


# ---- the db ---------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _base():
    """pylatexenc's own macros and environments (no 'specials': `&` and `~` stay characters), then ours."""
    db = get_default_latex_context_db().filter_context(keep_which=["macros", "environments"],
                                                       exclude_categories=["latex-ethuebung"])
    macros = [std_macro(name, "[") for name, (level, _) in EXAM_ITEMS.items() if "titled" not in name]
    macros += [std_macro("titledquestion", "{["), std_macro("bonustitledquestion", "{[")]
    macros += [std_macro("choice", ""), std_macro("CorrectChoice", ""), std_macro(PRINT_ANSWERS, "{{")]
    macros += [std_macro(name, spec) for name, spec in {**LAYOUT_MACROS, **SPACE_MACROS}.items()]
    macros += [std_macro(name, spec) for name, (spec, _) in CONTENT_MACROS.items()]
    macros += [MacroSpec("verb", args_parser=InlineCode("")), MacroSpec("lstinline", args_parser=InlineCode("[")),
               MacroSpec("mintinline", args_parser=InlineCode("[{"))]
    environments = [std_environment(name, None) for name in EXAM_LISTS]
    environments += [std_environment(name, None) for name in CHOICE_LISTS]
    environments += [std_environment(name, "[") for name in EXAM_SOLUTIONS + (SOLUTION_ENVIRONMENT,)]
    environments += [code_environment(name, spec) for name, (spec, _) in CODE_ENVIRONMENTS.items()]
    environments += [std_environment(name, None, is_math_mode=True) for name in MATH_ENVIRONMENTS]
    environments += [std_environment(name, "[") for name in LIST_ENVIRONMENTS + ("figure", "figure*", "table")]
    environments += [std_environment("wrapfigure", "[{[{"), std_environment("subfigure", "[{"),
                     std_environment("minipage", "[[[{"), std_environment("tabular", "[{"),
                     std_environment("tabular*", "{[{"), std_environment("tabularx", "{[{"),
                     std_environment("longtable", "[{"), std_environment("mdframed", "["),
                     std_environment("tcolorbox", "["), std_environment("multicols", "{"),
                     std_environment("EnvUplevel", None), std_environment("EnvFullwidth", None)]
    db.add_context_category("tabench", macros=macros, environments=environments, prepend=True)
    return db


def context_for(environments: dict[str, str], code_environments: dict[str, str]):
    """The db for one document: the base one plus what its preamble defined (environment name -> argument spec):
    environments with a role (a custom solution or problem environment) and code environments
    (`\\lstnewenvironment`)."""
    if not environments and not code_environments:
        return _base()
    db = _base().filter_context()
    specs = [std_environment(name, spec) for name, spec in environments.items() if name not in code_environments]
    specs += [code_environment(name, spec) for name, spec in code_environments.items()]
    db.add_context_category("document", environments=specs, prepend=True)
    return db
