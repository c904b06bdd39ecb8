"""The report as a LaTeX document that pdflatex compiles (pure).

The file is plain ASCII. Texts from answers, documents and readers are Markdown written as LaTeX by
text_latex.py (prose escaped, formulas rewritten from their parse by texmath.py), so the file is safe to
compile with any pdflatex: it reads no file but the packages below and defines no macro from an answer.
"""

from __future__ import annotations

from ..errors import TabenchError
from .data import ReportData, Table
from .texchars import tex_text
from .text_latex import latex_inline, latex_text, tabular

# Latin Modern (Type 1, T1 encoding) so a PDF reader copies accents, quotes and × as they are; amssymb for the
# check boxes and marks; accsupp (when installed) tags each symbol with its code point for copy and search.
PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{textcomp}
\usepackage{amsmath,amssymb}
\usepackage[margin=2.2cm]{geometry}
\input{glyphtounicode}
\pdfgentounicode=1
\newif\iftbactualtext
\IfFileExists{accsupp.sty}{\usepackage{accsupp}\tbactualtexttrue}{}
\DeclareRobustCommand{\tbsym}[2]{\leavevmode\iftbactualtext\BeginAccSupp{method=hex,unicode,ActualText=#1}#2\EndAccSupp{}\else#2\fi}
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
\raggedbottom
"""


def _table(table: Table, math: bool) -> list[str]:
    lines = [f"\\par\\medskip\\textbf{{{tex_text(table.title)}}}\\par\\nopagebreak",
             tabular([[tex_text(c) for c in table.columns]] + [[latex_inline(cell, math) for cell in row]
                                                              for row in table.rows]) + "\\par"]
    if table.note:
        lines.append("{\\footnotesize " + tex_text(table.note) + "}\\par")
    return lines


def render_latex(data: ReportData, math: bool = True) -> str:
    """`math=False` shows every formula as its source (the fallback when a formula breaks pdflatex)."""
    out = [PREAMBLE, "\\begin{document}", f"\\section*{{{latex_inline(data.title, math)}}}",
           "{\\small " + " \\textperiodcentered{} ".join(f"\\textbf{{{tex_text(str(k))}:}} {tex_text(str(v))}"
                                                          for k, v in data.meta.items()) + "}\\par",
           "\\subsection*{Executive summary}", f"\\textbf{{{tex_text(data.score_line)}}}\\par"]
    if data.observations:
        out += ["\\begin{itemize}"] + [f"\\item {tex_text(note)}" for note in data.observations] + ["\\end{itemize}"]
    for table in data.tables:
        out += _table(table, math)
    for question in data.questions:
        score = f" ({question.score:g} / {question.points:g})" if question.points else ""
        out.append(f"\\subsection*{{{question.number}. {latex_inline(question.title, math)}{score}}}")
        if question.preamble.strip():
            out.append("{\\small " + latex_text(question.preamble, math) + "}\\par")
        for part in question.parts:
            out += _part(part, math)
    if data.prompt:
        out += ["\\section*{Appendix: the prompt}", "{\\small " + latex_text(data.prompt, math) + "}\\par"]
    if data.trace:
        out.append("\\section*{Appendix: conversation trace}")
        for turn in data.trace:
            out.append(f"\\subsection*{{{tex_text(turn['role'])}}}")
            out.append("(the prompt above)\\par" if turn["text"] == data.prompt
                       else "{\\small " + latex_text(turn["text"], math) + "}\\par")
    out.append("\\end{document}")
    source = wrap_lines("\n".join(out) + "\n")
    if "^^" in source or not source.isascii():  # cannot happen by construction; never hand such a file on
        raise TabenchError("the LaTeX report holds a TeX escape or a non-ASCII byte; please report this as a bug")
    return source


MAX_LINE = 1000  # characters; pdflatex reads at most 200,000 per line of input


def wrap_lines(source: str, width: int = MAX_LINE) -> str:
    """`source` with every line longer than `width` broken by `%` and a newline (TeX reads nothing there),
    only between TeX's tokens: never inside a control sequence."""
    out: list[str] = []
    for line in source.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        pieces: list[str] = []
        run = index = 0
        while index < len(line):
            end = index + 1
            if line[index] == "\\" and end < len(line):
                end += 1
                if line[index + 1].isalpha():
                    while end < len(line) and line[end].isalpha():
                        end += 1
            pieces.append(line[index:end])
            run += end - index
            if run >= width and end < len(line):
                pieces.append("%\n")
                run = 0
            index = end
        out.append("".join(pieces))
    return "\n".join(out)


def _part(part, math: bool) -> list[str]:
    badge = tex_text(f"{part.badge} {part.verdict.verdict.replace('_', ' ')}") if part.verdict else "not graded"
    score = f" {part.verdict.score:g} / {part.verdict.points:g}" if part.verdict else ""
    figure = " (needs the figure)" if part.needs_figure else ""
    out = [f"\\subsubsection*{{{tex_text(part.id)} \\quad {badge}{score}{figure}}}",
           "{\\small\\itshape " + latex_text(part.prompt, math) + "}\\par",
           "\\textbf{Answer:}\\par",
           (latex_text(part.answer, math) if part.answer.strip() else "\\textit{(no answer)}") + "\\par"]
    for note in part.notes:
        label = ("⚠ " if note.kind == "warning" else "") + note.label
        out.append(f"\\fbox{{\\parbox{{0.95\\linewidth}}{{\\textbf{{{tex_text(label)}:}} "
                   f"{latex_inline(note.text, math)}}}}}\\par")
    if part.verdict:
        v = part.verdict
        tags = f" [{', '.join(v.tags)}]" if v.tags else ""
        out.append(f"\\textbf{{{tex_text(v.method + tags)}:}} {latex_inline(part.rationale, math)}\\par")
    if part.automatic:
        a = part.automatic
        tags = f" [{', '.join(a.tags)}]" if a.tags else ""
        out.append("\\textbf{Automatic:} " + tex_text(f"{a.verdict.replace('_', ' ')} {a.score:g} / {a.points:g} — "
                                                       f"{a.method}{tags}:") + f" {latex_inline(a.rationale, math)}\\par")
    out.append("\\textbf{Reference:} " + latex_text(part.reference, math) + "\\par")
    if part.human:
        agrees = {True: "agrees", False: "disagrees", None: "---"}[part.agrees]
        tags = f" [{', '.join(part.human['tags'])}]" if part.human.get("tags") else ""
        comment = part.human.get("comment") or ""
        out.append("\\textbf{Human reader:} " + tex_text(f"{part.human.get('verdict') or 'no verdict'}{tags}")
                   + f" ({agrees})" + (" --- " + latex_inline(comment, math) if comment else "") + "\\par")
    return out
