"""The report as a LaTeX document that pdflatex compiles; everything from answers is escaped (pure)."""

from __future__ import annotations

from .data import ReportData
from .escape import tex_escape, tex_rich

_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{amsmath,amssymb}
\usepackage[margin=2.2cm]{geometry}
\usepackage{xcolor}
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
\DeclareUnicodeCharacter{2713}{\checkmark}
\DeclareUnicodeCharacter{2717}{$\times$}
\DeclareUnicodeCharacter{2014}{---}
\DeclareUnicodeCharacter{2026}{\ldots}
\DeclareUnicodeCharacter{03BA}{$\kappa$}
\DeclareUnicodeCharacter{2248}{$\approx$}
\DeclareUnicodeCharacter{2260}{$\neq$}
"""
BADGE_TEX = {"correct": r"\checkmark", "partially_correct": r"$\sim$", "incorrect": r"$\times$",
             "needs_review": "?", "missing": "---"}


def _ascii_safe(text: str) -> str:
    """pdflatex with inputenc knows Latin-1 and the few characters declared above; others become '?'."""
    known = {"\u2713", "\u2717", "\u2014", "\u2026", "\u03ba", "\u2248", "\u2260"}
    return "".join(c if ord(c) < 256 or c in known else "?" for c in text)


def render_latex(data: ReportData, math: bool = True) -> str:
    """`math=False` shows every formula from an answer as text (the fallback when a formula breaks pdflatex)."""
    s = data.summary
    out = [_PREAMBLE, "\\begin{document}", f"\\section*{{{tex_escape(data.title)}}}", "\\begin{itemize}"]
    out += [f"\\item \\textbf{{{tex_escape(str(k))}:}} {tex_escape(str(v))}" for k, v in data.meta.items()]
    out.append("\\end{itemize}")
    if data.prompt:
        out += ["\\subsection*{Prompt}", "\\begin{quote}\\small " + tex_escape(data.prompt) + "\\end{quote}"]
    pct = f" ({s['score'] / s['points'] * 100:.1f}\\%)" if s["points"] else ""
    out += ["\\subsection*{Executive summary}",
            f"\\textbf{{Score: {s['score']:g} / {s['points']:g}{pct}}} --- "
            + tex_escape(", ".join(f"{n} {label.replace('_', ' ')}" for label, n in sorted(s["verdicts"].items()))),
            "", "\\begin{tabular}{lrrrr}kind & parts & decided & correct & accuracy\\\\\\hline"]
    for kind, info in s["by_kind"].items():
        accuracy = f"{info['accuracy'] * 100:.0f}\\%" if info["accuracy"] is not None else "---"
        out.append(f"{tex_escape(kind)} & {info['parts']} & {info['decided']} & {info['correct']} & {accuracy}\\\\")
    out.append("\\end{tabular}")
    if s["tags"]:
        out.append("\n\\textbf{Tags:} " + tex_escape(", ".join(f"{t} ({n})" for t, n in sorted(s["tags"].items()))))
    if s["needs_review"]:
        out.append("\n\\textbf{Needs review:} " + tex_escape(" ".join(s["needs_review"])))
    if data.observations:
        out += ["\\subsubsection*{Key observations}", "\\begin{itemize}"]
        out += [f"\\item {tex_escape(note)}" for note in data.observations]
        out.append("\\end{itemize}")
    for question in data.questions:
        score = f" ({question.score:g} / {question.points:g})" if question.points else ""
        out.append(f"\\subsection*{{{question.number}. {tex_escape(question.title)}{score}}}")
        for part in question.parts:
            badge = BADGE_TEX[part.verdict.verdict] if part.verdict else "not graded"
            out.append(f"\\subsubsection*{{{tex_escape(part.id)} {badge}}}")
            out.append("\\textit{" + tex_escape(part.prompt) + "}\n")
            out.append("\\textbf{Answer:}\n\n" + (tex_rich(part.answer, math) if part.answer.strip() else "\\textit{(no answer)}") + "\n")
            if part.verdict:
                v = part.verdict
                tags = f" [{', '.join(v.tags)}]" if v.tags else ""
                out.append(f"\\textbf{{{tex_escape(v.verdict.replace('_', ' '))}}} {v.score:g} / {v.points:g} --- "
                           + tex_escape(f"{v.method}{tags}: {v.rationale}") + "\n")
            if part.automatic:
                a = part.automatic
                out.append("\\textbf{Automatic:} " + tex_escape(f"{a.verdict.replace('_', ' ')} {a.score:g} / {a.points:g} "
                                                                 f"--- {a.method}: {a.rationale}") + "\n")
            out.append("\\textbf{Reference:} " + tex_escape(part.reference) + "\n")
            if part.human:
                out.append("\\textbf{Human reader:} " + tex_escape(f"{part.human.get('verdict') or 'no verdict'} "
                                                                    f"{part.human.get('comment', '')}") + "\n")
    out.append("\\end{document}")
    return _ascii_safe("\n".join(out)) + "\n"
