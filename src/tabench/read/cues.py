"""Cue phrases as tables (pure): what commits to a final answer, what concludes a derivation, what negates
a value, what only checks one, what restates one, what makes a number approximate. Each row: (name,
pattern, example). The key (strict) and the grader (lenient) read with the same tables.
"""

from __future__ import annotations

import re

FINAL_CUES = (
    ("final_answer", r"final (?:answer|result)s?(?:\s+(?:is|are|would be))?", "Final answer: 20"),
    ("answer_label", r"(?<![\w])answers?\s*[:：=]|(?m:^[ \t>#*_-]*answers?\b)", "Answer: 20"),
    ("answer_is", r"the (?:correct |right |final )?answers? (?:is|are|would be|should be|comes to|equals)", "The answer is 20."),
    ("selection", r"selection\s*[:：]|\bi (?:choose|select|pick)\b|(?:correct|chosen|selected) (?:options?|choices?|answers?) (?:is|are)"
                  r"|(?:options?|choices?) selected\s*[:：]|gradient contributors\s*[:：]", "Selection: Curve (b)"),
    ("result", r"(?<![\w])result\s*[:：]", "Result: 50 ns"),
    ("es", r"respuesta final|la respuesta (?:es|correcta es)", "Respuesta final: 20"),
    ("fr", r"r[ée]ponse finale|la (?:bonne )?r[ée]ponse est", "Réponse finale : 20"),
    ("de", r"endergebnis|die (?:richtige )?antwort (?:ist|lautet)|antwort\s*[:：]", "Die Antwort ist 20"),
    ("pt", r"resposta final|a resposta (?:é|correta é)", "Resposta final: 20"),
    ("it", r"risposta finale|la risposta (?:è|corretta è)", "Risposta finale: 20"),
    ("ru", r"окончательный ответ|ответ\s*[:：]", "Ответ: 20"),
    ("zh", r"最终答案|答案(?:是|为|[:：])", "最终答案：20"),
    ("ja", r"最終的な答え|答え(?:は|[:：])", "答えは20"),
    ("ko", r"최종 답|정답(?:은|[:：])", "정답: 20"),
)

CONCLUSION_CUES = (
    ("therefore", r"(?<![\w])(?:therefore|thus|hence|consequently)(?![\w])|∴|\\therefore", "Therefore $x = 5$."),
    ("so", r"(?<![\w])so(?:,)?\s+(?:the|we|it|in total|that|there|our|this|its|overall)(?![\w])|,\s*so(?![\w])|(?<![\w])so\s*(?=[$\\\d])",
     "so the total is $\\mathbf{24}$"),
    ("total", r"(?<![\w])(?:in total|the total (?:is|comes to|number is)|in all|altogether|overall|totals?\s*[:=])(?![\w])",
     "in total 24 operations"),
    ("gives", r"(?<![\w])(?:gives|giving|we get|we obtain|we find|yielding|yields|finally|"
              r"resulting in)(?![\w])|=>|⇒|\\Rightarrow|\\implies", "which gives $t = 50$ ns"),
    ("other_languages", r"(?<![\w])(?:por lo tanto|entonces|por tanto|donc|ainsi|also|daher|somit|portanto|quindi|"
                        r"поэтому|следовательно)(?![\w])|所以|因此|故|よって|したがって|따라서", "por lo tanto, 20"),
)

NEGATION = (
    ("en", r"(?<![\w])(?:not|isn'?t|aren'?t|wasn'?t|never|nor|no longer|rather than|instead of|wrong(?:ly)?|incorrect(?:ly)?"
           r"|mistaken(?:ly)?|not equal to|other than|except)(?![\w])", "The answer is not 20; it is 15."),
    ("symbols", r"≠|\\neq?(?![A-Za-z])", "x \\neq 20"),
    ("other_languages", r"(?<![\w])(?:no es|no son|n'est pas|ne .{0,20} pas|ist nicht|nicht|não é|non è|не)(?![\w])|不是|并非|而非|ではない|아니",
     "la respuesta no es 20"),
)

CHECK_LINES = (
    ("check", r"check(?:ing)?|verif(?:y|ying|ication)|sanity[- ]check|double[- ]check|let(?:'s| us) (?:check|verify)"
              r"|to (?:check|verify)|plugging (?:back|in)|substituting back", "Check: $20 = 20$"),
    ("other_languages", r"comprobaci[oó]n|verificaci[oó]n|v[ée]rification|[üu]berpr[üu]fung|probe|kontrolle|verifica|"
                        r"проверка|验证|检验|检查|検算|確認|검산|확인", "Comprobación: 20 = 20"),
)

# What joins the items of a listed answer ('$1$, $2$ and $3$'; '\\boxed{1} \\quad \\text{and} \\quad \\boxed{2}').
LIST_JOIN = re.compile(r"^\s*(?:,|;|and|or|&|\\quad|\\qquad|\\text\s*\{\s*(?:and|or|,)\s*\})*\s*$", re.I)

# Connectors after which the next value restates the first ("50 ns, i.e. 0.05 µs").
RESTATEMENT = re.compile(r"^[\s,;:]*(?:which is|that is|i\.?\s?e\.?|or equivalently|equivalently|in other words|or|=|≈|\\approx|"
                         r"\(|→|\\to|->)[\s,:]*$", re.I)

APPROXIMATE = re.compile(r"(?<![\w])(?:about|approximately|approx\.?|around|roughly|nearly|circa|ca\.|almost|on the order of)"
                         r"(?![\w])|≈|\\approx|(?<![\w\\])~(?=\s*\d)|\\sim(?![A-Za-z])", re.I)


def _alternation(table) -> str:
    return "|".join(f"(?:{pattern})" for _, pattern, _ in table)


FINAL_CUE = re.compile(_alternation(FINAL_CUES), re.I)
CONCLUSION_CUE = re.compile(_alternation(CONCLUSION_CUES), re.I)
# A negation governs the value right after it: no other number, no sentence end in between.
NEGATED = re.compile(rf"(?:{_alternation(NEGATION)})[^\d.!?;。\n]{{0,24}}$", re.I)
CHECK_START = re.compile(rf"^[\s>*#_(\[-]*(?:\d+[.)]\s*)?(?:{_alternation(CHECK_LINES)})(?![\w])", re.I)
