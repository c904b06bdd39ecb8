"""Cue phrases as tables (pure): what commits to a final answer, what concludes a derivation, what negates
a value, what only checks one, what restates one, what makes a number approximate. Each row: (name,
pattern, [trigger words,] example). The key (strict) and the grader (lenient) read with the same tables.
"""

from __future__ import annotations

import re
from functools import lru_cache

class PhraseTable:
    """Rows of (name, pattern, trigger words, example), matched fast: the lower-cased text is scanned once for the
    trigger words of every table (each row's pattern holds one of its row's triggers), then a table's full
    patterns run only in a window around each of its triggers found. A text with no trigger costs that one scan."""

    WINDOW = 80
    _all: list["PhraseTable"] = []
    _scanner: tuple[re.Pattern, dict[str, tuple[int, ...]]] | None = None

    def __init__(self, rows, flags: int = re.I) -> None:
        self.rows = rows
        self.pattern = re.compile("|".join(f"(?:{pattern})" for _, pattern, _, _ in rows), flags)
        self.triggers = frozenset(word for _, _, triggers, _ in rows for word in triggers)
        self.index = len(PhraseTable._all)
        PhraseTable._all.append(self)
        PhraseTable._scanner = None

    def finditer(self, text: str):
        hits = _trigger_hits(text)
        if hits is None:  # a character whose lower case is longer: scan it all
            yield from self.pattern.finditer(text)
            return
        windows: list[list[int]] = []
        for start, end in hits.get(self.index, ()):
            start, end = max(0, start - self.WINDOW), min(len(text), end + self.WINDOW)
            if windows and start <= windows[-1][1]:
                windows[-1][1] = end
            else:
                windows.append([start, end])
        last_end = -1
        for start, end in windows:
            for match in self.pattern.finditer(text, start, end):
                if match.start() >= last_end:
                    last_end = match.end()
                    yield match

    def search(self, text: str):
        return next(self.finditer(text), None)

    def triggered(self, text: str) -> bool:
        """Does `text` hold one of this table's trigger words (so that a row may match)?"""
        hits = _trigger_hits(text)
        return hits is None or self.index in hits


@lru_cache(maxsize=4096)
def _trigger_hits(text: str) -> dict[int, list[tuple[int, int]]] | None:
    """Where each table's trigger words occur in `text` (one scan for all tables); None when lower-casing changes
    the text's length."""
    lowered = text.lower()
    if len(lowered) != len(text):
        return None
    if PhraseTable._scanner is None:
        owners: dict[str, set[int]] = {}
        for table in PhraseTable._all:
            for word in table.triggers:
                owners.setdefault(word, set()).add(table.index)
        # The scan finds the longest trigger at each position: it also stands for the triggers that begin it.
        covering = {word: tuple(sorted({i for other, tables in owners.items() if word.startswith(other) for i in tables}))
                    for word in owners}
        PhraseTable._scanner = (re.compile(f"(?=({_trie(set(owners))}))"), covering)
    scanner, owners = PhraseTable._scanner
    hits: dict[int, list[tuple[int, int]]] = {}
    for match in scanner.finditer(lowered):  # at every position, so that triggers may overlap ('also', 'so ')
        word = match.group(1)
        for index in owners.get(word, ()):
            hits.setdefault(index, []).append((match.start(), match.start() + len(word)))
    return hits


def _trie(words: set[str]) -> str:
    """A regex matching any of `words`, shaped as a trie so that a position fails at its first character."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if "" in node:
            return f"(?:{'|'.join(branches)})?" if branches else ""
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return pattern(tree)


FINAL_CUES = (
    ("final_answer", r"final (?:answer|result)s?(?:\s+(?:is|are|would be))?", ("final",), "Final answer: 20"),
    ("answer_label", r"(?<![\w])answers?\s*[:：=]|(?m:^[ \t>#*_-]*answers?\b)", ("answer",), "Answer: 20"),
    ("answer_is", r"the (?:correct |right |final )?answers? (?:is|are|would be|should be|comes to|equals)", ("answer",),
     "The answer is 20."),
    ("selection", r"selection\s*[:：]|\bi(?:'d| would)? (?:choose|select|pick|go with)\b|(?:correct|chosen|selected) (?:options?|choices?|answers?) (?:is|are)"
                  r"|(?:options?|choices?) selected\s*[:：]|gradient contributors\s*[:：]",
     ("selection", "choose", "select", "pick", "go with", "correct", "chosen", "contributors"), "I'd go with C"),
    ("final_label", r"(?m:^[ \t>#*_-]*final\s*[:：])", ("final",), "Final: 2 and 4"),
    ("result", r"(?<![\w])result\s*[:：]", ("result",), "Result: 50 ns"),
    ("es", r"respuesta final|la respuesta (?:es|correcta es)|\b(?:elijo|escojo|elegir[ií]a)\b", ("respuesta", "elijo", "escojo", "elegir"),
     "Respuesta final: 20"),
    ("fr", r"r[ée]ponse finale|la (?:bonne )?r[ée]ponse est|\bje (?:choisis|choisirais|s[ée]lectionne)\b",
     ("réponse", "reponse", "choisi", "sélectionne", "selectionne"), "Je choisirais REPTILE"),
    ("de", r"endergebnis|die (?:richtige )?antwort (?:ist|lautet)|antwort\s*[:：]|\bich (?:w[äa]hle|w[üu]rde (?:\w+ ){0,3}w[äa]hlen)\b",
     ("endergebnis", "antwort", "wähle", "wahle"), "Die Antwort ist 20"),
    ("pt", r"resposta final|a resposta (?:é|correta é)", ("resposta",), "Resposta final: 20"),
    ("it", r"risposta finale|la risposta (?:è|corretta è)", ("risposta",), "Risposta finale: 20"),
    ("ru", r"окончательный ответ|ответ\s*[:：]", ("ответ",), "Ответ: 20"),
    ("zh", r"最终答案|答案(?:是|为|[:：])|我选(?:择)?", ("答案", "我选"), "最终答案：20"),
    ("ja", r"最終的な答え|答え(?:は|[:：])", ("答え",), "答えは20"),
    ("ko", r"최종 답|정답(?:은|[:：])", ("최종", "정답"), "정답: 20"),
)

CONCLUSION_CUES = (
    ("therefore", r"(?<![\w])(?:therefore|thus|hence|consequently)(?![\w])|∴|\\therefore",
     ("therefore", "thus", "hence", "consequently", "∴"), "Therefore $x = 5$."),
    ("so", r"(?<![\w])so(?:,)?\s+(?:the|we|it|in total|that|there|our|this|its|overall)(?![\w])|,\s*so(?![\w])|(?<![\w])so\s*(?=[$\\\d])",
     ("so ", "so,", "so\t", "so\n", ", so", "so$", "so\\", "so0", "so1", "so2", "so3", "so4", "so5", "so6", "so7", "so8", "so9"),
     "so the total is $\\mathbf{24}$"),
    ("total", r"(?<![\w])(?:in total|the total (?:is|comes to|number is)|in all|altogether|overall|totals?\s*[:=])(?![\w])",
     ("total", "in all", "altogether", "overall"), "in total 24 operations"),
    ("gives", r"(?<![\w])(?:gives|giving|we get|we obtain|we find|yielding|yields|finally|resulting in)(?![\w])|=>|⇒|\\Rightarrow|\\implies",
     ("giv", "we get", "we obtain", "we find", "yield", "finally", "resulting in", "=>", "⇒", "\\rightarrow", "\\implies"),
     "which gives $t = 50$ ns"),
    ("other_languages", r"(?<![\w])(?:por lo tanto|entonces|por tanto|donc|ainsi|also|daher|somit|portanto|quindi|"
                        r"поэтому|следовательно)(?![\w])|所以|因此|故|よって|したがって|따라서",
     ("por lo tanto", "entonces", "por tanto", "donc", "ainsi", "also", "daher", "somit", "portanto", "quindi", "поэтому",
      "следовательно", "所以", "因此", "故", "よって", "したがって", "따라서"), "por lo tanto, 20"),
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
              r"|to (?:check|verify)|plugging (?:\w+ )?back|substituting (?:\w+ )?back", "Check: $20 = 20$"),
    ("other_languages", r"comprobaci[oó]n|verificaci[oó]n|v[ée]rification|[üu]berpr[üu]fung|probe|kontrolle|verifica|"
                        r"проверка|验证|检验|检查|検算|確認|검산|확인", "Comprobación: 20 = 20"),
)

# A solution's sentence that gives an answer it also accepts ("112 would also be fine", "counting the biases").
ALTERNATIVE_CUES = (
    ("also_accepted", r"\b(?:would|also (?:be )?(?:fine|ok|okay|acceptable|accepted|correct)|alternatively|accept)\b",
     ("would", "also", "alternatively", "accept"), "If you also counted the 64 biases, 8256 would also be accepted."),
    ("counting", r"\b(?:with the|if we|counting)\b", ("with the", "if we", "counting"), "With the biases, 112."),
)

# A clause that justifies the value before it (or, opening a sentence, the value after it): its numbers are the
# reasons, not the result ('5 bits, since $2^5 = 32$': the answer is 5).
JUSTIFICATIONS = (
    ("since", r"(?<![\w])since(?![\w])", "5 bits, since 2^5 = 32 (a key met by the import developer)"),
    ("because", r"(?<![\w])because(?: of)?(?![\w])", "12 ms, because 4 + 8 = 12 (transfer plus seek)"),
    ("as", r",\s*as(?= \$| \d| the| we| there| it| each)", "3 layers, as 2^3 = 8 covers the input"),
    ("given", r"(?<![\w])(?:given that|due to|owing to|as shown by)(?![\w])", "0.5, given that P(A) = 1/2"),
)
JUSTIFICATION = re.compile("|".join(f"(?:{pattern})" for _, pattern, _ in JUSTIFICATIONS), re.I)


def split_justification(sentence: str) -> tuple[str, str | None]:
    """(the clause that states a value, the clause that justifies it or None): '5 bits, since 2^5=32' ->
    ('5 bits,', 'since 2^5=32'); 'Since 2^5 = 32, we need 5 bits.' -> ('we need 5 bits.', 'Since 2^5 = 32,')."""
    match = JUSTIFICATION.search(sentence)
    if match is None:
        return sentence, None
    if not sentence[: match.start()].strip(" (*_>-"):
        comma = sentence.find(",", match.end())
        if comma < 0:
            return sentence, None
        return sentence[comma + 1 :], sentence[: comma + 1]
    return sentence[: match.start()], sentence[match.start() :]


# What joins the items of a listed answer ('$1$, $2$ and $3$'; '\\boxed{1} \\quad \\text{and} \\quad \\boxed{2}').
LIST_JOIN = re.compile(r"^\s*(?:,|;|and|or|&|\\quad|\\qquad|\\text\s*\{\s*(?:and|or|,)\s*\})*\s*$", re.I)

# Connectors after which the next value restates the first ("50 ns, i.e. 0.05 µs").
RESTATEMENT = re.compile(r"^[\s,;:]*(?:which is|that is|i\.?\s?e\.?|or equivalently|equivalently|in other words|or|=|≈|\\approx|"
                         r"\(|→|\\to|->)[\s,:]*$", re.I)

APPROXIMATE = re.compile(r"(?<![\w])(?:about|approximately|approx\.?|around|roughly|nearly|circa|ca\.|almost|on the order of)"
                         r"(?![\w])|≈|\\approx|(?<![\w\\])~(?=\s*\d)|\\sim(?![A-Za-z])", re.I)


def _alternation(table) -> str:
    return "|".join(f"(?:{pattern})" for _, pattern, _ in table)


FINAL_CUE = PhraseTable(FINAL_CUES)
ALTERNATIVE_CUE = PhraseTable(ALTERNATIVE_CUES)
# The key reads solutions strictly: only the rows that state a result outright (not "so", "finally", "Answer:").
SOLUTION_CUE = PhraseTable(tuple(row for row in FINAL_CUES if row[0] in ("final_answer", "answer_is"))
                           + tuple(row for row in CONCLUSION_CUES if row[0] == "therefore")
                           + (("gives", r"\b(?:we get|which gives|this gives)\b", ("we get", "gives"), "which gives 50 ns"),
                              ("total", r"\btotal\b", ("total",), "The total is 39.")))
CONCLUSION_CUE = PhraseTable(CONCLUSION_CUES)
# A negation governs the value right after it: no other number, no sentence end in between.
NEGATED = re.compile(rf"(?:{_alternation(NEGATION)})[^\d.!?;。\n]{{0,24}}$", re.I)
CHECK_START = re.compile(rf"[\s>*#_(\[-]*(?:\d+[.)]\s*)?(?:{_alternation(CHECK_LINES)})(?![\w])", re.I)
