"""The answer key: from a part's text and reference solution to its kind and blanks (pure)."""

from __future__ import annotations

import re

from .model import Blank, Choice, CreditRule, Kind, Number
from .read.choices import ChoiceGroup, Option, find_groups, match_option, math_of
from .read.credit import credit_rules
from .read.cues import ALTERNATIVE_CUE, APPROXIMATE, SOLUTION_CUE, split_justification
from .read.expressions import names_a_value
from .read.math import clean_latex, math_spans, split_equation, strip_markup
from .read.numbers import TooLarge
from .read.quantities import Item, Quantity, read_quantity, values_in

_ADMIN = re.compile(
    r"honor code|academic (?:honesty|integrity)|sign your name|who did you work with|worked with|collaborat\w*|"
    r"study group|sources \(if any\)|what sources|hours did you (?:work|spend)|how many (?:total )?hours|favou?rite\b.*\btopic",
    re.I,
)
_SELECT_ALL = re.compile(
    r"select all|mark all|check all|all that apply|which two|select (?:two|three|every)|(?:tick|choose) all", re.I
)
_PER_BOX = re.compile(
    r"graded (?:separately|independently|individually)|each (?:box|option|choice|statement) is (?:worth|graded)|partial credit",
    re.I,
)
_SELECT_ONE = re.compile(r"\(select one|select one\b|choose one\b|\(choose one|\(pick one", re.I)
_DERIVATION = re.compile(r"\b(?:prove|show that|verify that|demonstrate that)\b", re.I)
# A part whose answer is code: what its prompt asks for (a row each, with an example and where it comes from).
_CODE_NOUN = r"(?:code|function|program|script|loop|pipeline|command|query|snippet|class|method|one-liner|implementation)s?"
CODE_ASKS = (
    ("implement", r"\bimplement\b|\b(?:write|give|provide|complete)\s+(?:an?|the|your)\s+(?:\w+\s+)?implementation\b",
     "Write an implementation for the same functionality (introdatasci mock exam 2.a.ii); not 'Test your "
     "implementation by training a VAE' (seed 002 4.a asks for numbers)"),
    ("write code", rf"\bwrite (?:(?:the|a|an|some|your|one|python|sql|bash|shell|numpy|short|single|new)\s+){{0,3}}{_CODE_NOUN}\b",
     "Write a pipeline that creates a new file names_sorted.txt (introdatasci 10.b.iii); write a function that ..."),
    ("complete the code", rf"\b(?:complete|fill in|finish)\s+(?:(?:the|this|these|following|missing|blanks? in the|lines? of)\s+){{0,3}}"
                          rf"(?:{_CODE_NOUN}|lines? of code)\b",
     "Complete the code below so that it returns the sum (seed 001); fill in the code"),
    ("code up", r"\bcode (?:up|the)\b", "Code up the update rule"),
    ("plot", r"\b(?:visuali[sz]e|generate a plot|plot the)\b", "Generate a plot of the loss curve"),
)
_CODE = re.compile("|".join(f"(?:{pattern})" for _, pattern, _ in CODE_ASKS), re.I)
# A reference solution that is only code (fenced blocks, nothing else) answers with code whatever the prompt says:
# 'Create a mask that selects all paths' answered by a line of NumPy (introdatasci 5.b).
_FENCED_BLOCK = re.compile(r"^[ \t]*```[^\n]*\n.*?^[ \t]*```[ \t]*$", re.S | re.M)


def _only_code(solution: str) -> bool:
    return bool(solution.strip()) and "```" in solution and not _FENCED_BLOCK.sub("", solution).strip()
# ... unless the prompt asks what code prints: 'What is the output that the following pipeline will generate?'
# (introdatasci 10.b.i) is answered by the text printed, in code font.
_ASKS_OUTPUT = re.compile(r"\bwhat (?:is|will be|would be) the (?:output|result|value)|\bwhat (?:does|will|would)\b[^?]{0,80}"
                          r"\b(?:print|output|return|display|evaluate to)\b", re.I)
_NUMERIC = re.compile(
    r"\bhow (?:many|much|fast|long|large|big|slow)\b|\bnumber of\b|\btotal number\b|report the following numbers|"
    r"\bwhat is the (?:value|size|speed|time|count|latency)\b",
    re.I,
)
_EXPRESSION = re.compile(
    r"\b(?:what is|what are|derive|determine|express|find|compute|calculate|show how|when will|when is|draw|"
    r"write down|give an expression|give the expression|in terms of|as a function of)\b",
    re.I,
)
_FIGURE_REF = re.compile(
    r"(?<!illustrated )(?<!depicted )(?<!shown )\b(?:in|from)\s+(?:the\s+)?(?:following\s+|above\s+|below\s+)?"
    r"(?:figures?|fig\.|plots?|graphs?|curves?|diagrams?|images?|pictures?)\b"
    r"|\b(?:figure|fig\.?)\s*\d+\s+(?:below|above|shows?)\b"
    r"|(?<!illustrated )(?<!depicted )(?<!shown )\b(?:in|from)\s+(?:figure|fig\.?)\s*\d+",
    re.I,
)
_CAPTION_LINE = re.compile(r"^[ \t]*(?:\*\*|__|\*|_)?[ \t]*(?:Figure|Fig\.?)\s*\d+\s*[:.].*$", re.I | re.M)
_NAMED_ITEM = re.compile(r"^[ \t]*[-*+]\s+(.+?)\s*:\s*(.+?)\s*$", re.M)  # '- **KL-Divergence** : 20.38 ± 0.38'
_CHOICE_NUMBERS = re.compile(r"\bchoices?\s*((?:\d+\s*(?:,|and|&|or)?\s*)+)", re.I)
_OPTION_LETTER = re.compile(r"\b(?i:option|choice|answer is)\s*\(?([A-Za-z])\)?(?![\w])")
_LEADING_LABEL = re.compile(r"^\s*(?:\*\*)?\(([a-z])\)")
_ALL = re.compile(r"\ball (?:three|four|five|six|of (?:the|them|these)|options|choices)\b|\ball are (?:true|correct)\b", re.I)
_ORDINAL_INDEX = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "sixth": 5}
_ORDINALS = re.compile(r"\bthe (first|second|third|fourth|fifth|sixth)\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z*(])")
_FENCE = re.compile(r"```")


def figure_dependent(prompt: str, context: str = "") -> bool:
    """Does the ask of this part point at a figure (not merely sit near a caption)?"""
    text = _CAPTION_LINE.sub("", f"{context}\n{prompt}")
    return bool(_FIGURE_REF.search(text))


def build_blanks(title: str, prompt: str, solution_segments: list[str], labelled: list[tuple[str, str]]) -> tuple[Kind, list[Blank]]:
    """Decide the part's kind and its blanks with their reference answers, and the partial-credit rules its
    grading notes state.

    `labelled` holds (label, solution) pairs for answer fields the document names
    ('The bug:', 'The fix (code):'); `solution_segments` every solution block in order.
    """
    kind, blanks = _layout(title, prompt, solution_segments, labelled)
    rules = credit_rules("\n\n".join(solution_segments)) + [r for r in credit_rules(prompt) if r.when == "per_box"]
    return kind, [_with_rules(blank, rules) for blank in blanks]


_RULE_KINDS = {"answer_is": ("numeric", "expression", "multiple_choice", "short_text"), "sign_error": ("numeric", "expression"),
               "per_box": ("select_all",), "omits": ("numeric", "expression", "short_text", "select_all", "multiple_choice"),
               "any_answer": ("numeric", "expression", "short_text", "select_all", "multiple_choice")}


def _with_rules(blank: Blank, rules: list[CreditRule]) -> Blank:
    """The blank with the rules that can apply to its kind."""
    mine = [rule for rule in rules if blank.kind in _RULE_KINDS[rule.when]]
    return blank.model_copy(update={"rules": mine}) if mine else blank


def _layout(title: str, prompt: str, solution_segments: list[str], labelled: list[tuple[str, str]]) -> tuple[Kind, list[Blank]]:
    solution = "\n\n".join(solution_segments).strip()
    if _ADMIN.search(title) or (not solution and _ADMIN.search(prompt)):
        return "admin", [Blank(id="answer", kind="admin")]
    if len(labelled) >= 2:
        blanks = [_labelled_blank(label, text) for label, text in labelled]
        return blanks[0].kind, blanks
    table = _table_blanks(prompt)
    if table:
        return table[0].kind, table
    groups = find_groups(prompt)
    if not groups and _only_code(solution) and not _ASKS_OUTPUT.search(prompt):
        return "code", [Blank(id="answer", kind="code", text=_first_sentence(solution))]
    if not groups:
        # options printed only in the solution (HW12 3.d.ii): the same boxes, none marked
        groups = [ChoiceGroup(g.name, [Option(o.text, False) for o in g.options], g.row) for g in find_groups(solution)]
    if groups or _SELECT_ONE.search(prompt) or _SELECT_ALL.search(prompt):
        return _choice_blanks(prompt, groups, solution_segments)
    if _DERIVATION.search(prompt):
        return "derivation", [Blank(id="answer", kind="derivation", text=_first_sentence(solution))]
    if _CODE.search(prompt):
        return "code", [Blank(id="answer", kind="code", text=_first_sentence(solution))]
    if _NUMERIC.search(prompt) or _leading_value(strip_markup(solution)) is not None:
        numbers = _numeric_blanks(solution_segments)
        if numbers:
            return "numeric", numbers
    if _EXPRESSION.search(prompt):
        expression = _expression_blank(solution_segments)
        if expression:
            return "expression", [expression]
    return "short_text", [Blank(id="answer", kind="short_text", text=_first_sentence(solution) or None)]


# ---- labelled blanks ('The bug:', 'The fix (code):', ...) -------------------------------------

_STOPWORDS = {"the", "a", "an", "for", "of", "to", "in", "on", "and", "your"}


def blank_id(label: str) -> str:
    """'The fix (code)' -> 'fix'; 'For encoder parameters θ_e' -> 'encoder'; '(a)' -> 'a'."""
    words = re.findall(r"[A-Za-z0-9]+", label.lower())
    content = [w for w in words if w not in _STOPWORDS]
    return (content or words or ["answer"])[0]


def _labelled_blank(label: str, solution: str) -> Blank:
    kind: Kind = "code" if _FENCE.search(solution) else "short_text"
    return Blank(id=blank_id(label), label=label, kind=kind, text=_first_sentence(solution))


# ---- tables with answers in cells (exam Q8) ---------------------------------------------------

_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")


def _answer_table_rows(lines: list[str]) -> list[int]:
    """Indexes of the rows (header first) of a TAB or pipe table that holds solution cells; [] when none."""
    rows = [i for i, line in enumerate(lines)
            if ("\t" in line or (line.strip().startswith("|") and line.count("|") >= 2)) and not _TABLE_RULE.match(line)]
    if len(rows) < 2 or not any(re.search(r"solution", lines[i], re.I) for i in rows):
        return []
    return rows


def _cells(line: str) -> list[str]:
    return line.split("\t") if "\t" in line else line.strip().strip("|").split("|")


def _table_blanks(prompt: str) -> list[Blank]:
    lines = prompt.split("\n")
    rows = [[cell.strip() for cell in _cells(lines[i])] for i in _answer_table_rows(lines)]
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    blanks = []
    for row in body:
        row_name = strip_markup(row[0]) if row else ""
        for column, cell in enumerate(row[1:], start=1):
            value = re.sub(r"(?:<b>|\*\*)?\s*Solution\s*:\s*(?:</b>|\*\*)?", "", cell, flags=re.I).strip()
            if not value:
                continue
            column_name = strip_markup(header[column]) if column < len(header) else str(column)
            latex = clean_latex(" ".join(m for m, _ in math_spans(value)) or value)
            blanks.append(
                Blank(
                    id=f"{_slug(row_name)}.{_slug(column_name)}",
                    label=f"{row_name} / {column_name}",
                    kind="expression",
                    latex=latex,
                    text=strip_markup(value),
                )
            )
    return blanks


def redact_answer_cells(prompt: str) -> str:
    """The prompt of a part whose answers sit in table cells, with those cells blank: what a student sees."""
    lines = prompt.split("\n")
    rows = _answer_table_rows(lines)
    for index in rows[1:]:  # the first row is the header
        cells = _cells(lines[index])
        first = next((k for k, cell in enumerate(cells) if cell.strip()), 0)
        cells = [cell if k <= first or not cell.strip() else " ______ " for k, cell in enumerate(cells)]
        lines[index] = "\t".join(cells) if "\t" in lines[index] else "|" + "|".join(cells) + "|"
    return "\n".join(lines)


def _slug(text: str) -> str:
    return "_".join(re.findall(r"[a-z0-9]+", text.lower())) or "cell"


# ---- choices ----------------------------------------------------------------------------------

def _choice_blanks(prompt: str, groups: list[ChoiceGroup], segments: list[str]) -> tuple[Kind, list[Blank]]:
    select_all = bool(_SELECT_ALL.search(prompt))
    if not groups:  # options not printed (exam 11.c): the key is the label the solution names
        label = _correct_labels([], segments[0] if segments else "")
        kind: Kind = "select_all" if select_all else "multiple_choice"
        return kind, [Blank(id="answer", kind=kind, correct=label)]
    solution_groups = find_groups("\n\n".join(segments))
    blanks = []
    for index, group in enumerate(groups):
        choices = group.to_choices()
        segment = segments[index] if len(groups) > 1 and index < len(segments) else "\n\n".join(segments[:1])
        correct = _marked_labels(group, index, len(groups), solution_groups, choices)
        if not correct:
            text = _row_text(group.name, "\n\n".join(segments)) if group.row else segment
            correct = _correct_labels(choices, text)
        blank_kind: Kind = "select_all" if (select_all or len(correct) > 1) else "multiple_choice"
        name = group.name
        blanks.append(
            Blank(
                id=blank_id(name) if (name and len(groups) > 1) else ("answer" if len(groups) == 1 else str(index + 1)),
                label=name,
                kind=blank_kind,
                choices=choices,
                correct=correct,
                partial_credit=blank_kind == "select_all" and bool(_PER_BOX.search(prompt)),
            )
        )
    if len(segments) > len(groups) > 1 and re.search(r"show (?:some |your )?work|justify", prompt, re.I):
        blanks.append(Blank(id="work", label="work", kind="derivation", text=_first_sentence(segments[len(groups)])))
    return blanks[0].kind, blanks


def _marked_labels(group, index, count, solution_groups, choices) -> list[str]:
    candidates = [g for g in solution_groups if any(o.marked for o in g.options)]
    if not candidates:
        return []
    if group.name and count > 1:
        named = [g for g in candidates if g.name and _same_name(g.name, group.name)]
        candidates = named or (candidates[index : index + 1] if len(candidates) == count else [])
    elif count > 1:
        candidates = candidates[index : index + 1] if len(candidates) == count else []
    labels = []
    for solution_group in candidates:
        for option in solution_group.options:
            if option.marked:
                label = match_option(option.text, choices)
                if label and label not in labels:
                    labels.append(label)
    return labels


def _same_name(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"[^a-z0-9]", "", strip_markup(s).lower())  # noqa: E731
    return norm(a) == norm(b) or norm(a).startswith(norm(b)) or norm(b).startswith(norm(a))


def _row_text(name: str, solution: str) -> str:
    """The piece of a solution that answers row `name` ('(a) β = 10^-3, (b) ...' -> 'β = 10^-3')."""
    label = re.escape(name.strip())
    match = re.search(label + r"\s*:?\s*(.+?)(?=\(\w\)|$)", solution, re.S)
    return match.group(1) if match else solution


def _correct_labels(choices: list[Choice], solution: str) -> list[str]:
    head = _first_sentence(solution, keep_parenthetical=True)
    labels = [choice.label for choice in choices]
    numbers = _CHOICE_NUMBERS.search(solution)
    if numbers and choices:
        picked = [labels[int(n) - 1] for n in re.findall(r"\d+", numbers.group(1)) if 0 < int(n) <= len(labels)]
        if picked:
            return picked
    if _ALL.search(head) and choices:
        return labels
    from .read.picks import label_list  # picks reads boxes with ingest's normaliser, which imports this module

    from .read.final import regions

    # 'A and C', '(A) and (C)', 'Both A and C', 'The answer is A and C.': the grader's readers, strictly (the
    # whole sentence, or all of what a final-answer cue introduces, is a list of labels)
    for text in [head] + [region.text for region in regions(head) if region.how == "final answer"]:
        listed = label_list(text, choices)
        if listed:
            return listed
    letter = _OPTION_LETTER.search(strip_markup(head))
    if letter:
        found = [lab for lab in labels if lab.lower() == letter.group(1).lower()]
        if found:
            return found
        if not choices:
            return [letter.group(1).lower()]
    bare = re.fullmatch(r"\s*(?:\*\*)?\(?([A-Ha-h])\)?(?:\*\*)?[.!]?\s*", head)
    if bare:
        found = [lab for lab in labels if lab.lower() == bare.group(1).lower()]
        if found or not choices:
            return found or [bare.group(1)]
    leading = _LEADING_LABEL.match(solution)
    if leading:
        found = [lab for lab in labels if lab.lower() == leading.group(1)]
        found += [c.label for c in choices if c.text.strip("() ").lower() == leading.group(1) and c.label not in found]
        if found or not choices:
            return found or [leading.group(1)]
    ordinals = _ORDINALS.findall(head.lower())
    if ordinals and choices:
        picked = [labels[_ORDINAL_INDEX[word]] for word in ordinals if _ORDINAL_INDEX[word] < len(labels)]
        if picked:
            return picked
    head_math = math_of(head)
    if head_math:
        found = [c.label for c in choices if math_of(c.text) and math_of(c.text) == head_math[:1]]
        if not found:
            found = [c.label for c in choices if math_of(c.text) and math_of(c.text)[0] in head_math]
        if not found:  # '$x^\top z$' names the choice '$k(x,z) = x^\top z$'
            found = [c.label for c in choices if math_of(c.text) and math_of(c.text)[0].split("=")[-1] in head_math]
        if found:
            return found
    plain = strip_markup(head).rstrip(".")
    label = match_option(plain, choices) if plain else None
    if label:
        return [label]
    return [c.label for c in choices if len(c.text) > 3 and strip_markup(c.text).lower().rstrip(".") in solution.lower()]


# ---- numbers ----------------------------------------------------------------------------------

def _numeric_blanks(segments: list[str]) -> list[Blank]:
    solution = "\n\n".join(segments)
    reported = _reported_values(solution)
    if len(reported) >= 2:
        return [
            Blank(
                id=_slug(strip_markup(name)),
                label=strip_markup(name),
                kind="numeric",
                number=Number(value=quantity.value, unit=quantity.unit.plain if quantity.unit else None,
                              abs_tol=quantity.spread, written=quantity.number.text),
                text=text,
            )
            for name, text, quantity in reported
        ]
    final, alternatives = numeric_answer(segments[0] if segments else "")
    if final is None:
        return []
    return [
        Blank(
            id="answer",
            kind="numeric",
            number=final,
            text=_format_number(final),
            accepts=[_format_number(n) for n in alternatives],
        )
    ]


def numeric_answer(solution: str) -> tuple[Number | None, list[Number]]:
    """The number a solution commits to, and the alternatives it explicitly accepts."""
    paragraphs = [p for p in re.split(r"\n\s*\n", solution) if p.strip()]
    results: list[tuple[int, bool, bool, Number]] = []  # paragraph, cue, alternative, number
    for p_index, paragraph in enumerate(paragraphs):
        for s_index, sentence in enumerate(_SENTENCE.split(paragraph)):
            found = _sentence_numbers(sentence, first=(p_index == 0 and s_index == 0))
            for number in found:
                results.append((p_index, _cued(sentence), bool(ALTERNATIVE_CUE.search(sentence)), number))
    if not results:
        return None, []
    main = [r for r in results if not r[2]] or results
    cued = [r for r in main if r[1]]
    final = (cued or main)[0]
    if not cued and all(r[0] == 0 for r in main):
        final = main[-1]  # a short solution works its way to the result: the last one counts
    alternatives = [r[3] for r in results if r[2] and r[0] > final[0] and r[3].value != final[3].value]
    unique: list[Number] = []
    for number in alternatives:
        if all(number.value != seen.value for seen in unique):
            unique.append(number)
    return final[3], unique


def _cued(sentence: str) -> bool:
    """Does a solution's sentence state its result ('Hence', 'the answer is', 'the total is')? The strict rows of the
    cue tables the grader reads answers with."""
    return SOLUTION_CUE.search(sentence) is not None


def _leading_value(text: str) -> Item | None:
    """A solution that starts with its result: '50 ns.', '**108**', '$25{,}600$ parameters' (the whole first
    sentence is that value, perhaps with a unit or a counted noun)."""
    head = _SENTENCE.split(text.strip(), maxsplit=1)[0] if text.strip() else ""
    try:
        items = values_in(head)
    except TooLarge:
        return None
    if not items or items[0].start > 3 or items[0].result:  # a result, not a computation ('$2 + 3 = 5$')
        return None
    rest = head[items[0].end :].strip(" .!*$")
    return items[0] if len(rest.split()) <= 2 and not re.search(r"[\d,;`]", rest) else None


def _sentence_numbers(sentence: str, first: bool) -> list[Number]:
    """The key's numbers in one sentence (strict): its leading value when it opens the solution, else the result
    of its last equation ('= 108', '$t = 50\\,\\text{ns}$'). A clause that justifies a value ('5 bits, since
    $2^5 = 32$') gives its reasons, not the result: the value of the clause it justifies counts."""
    main, reason = split_justification(sentence)
    if reason is not None:
        found = _clause_numbers(main, first=True)  # a justified clause opens with its value ('5 bits, since')
        if not found:
            try:
                values = [item for item in values_in(main) if not item.result]
            except TooLarge:
                values = []
            found = [_number(values[0], main)] if len(values) == 1 else []
        return found or _clause_numbers(reason, first=False)
    return _clause_numbers(sentence, first)


def _clause_numbers(sentence: str, first: bool) -> list[Number]:
    if first:
        lead = _leading_value(strip_markup(sentence))
        if lead is not None:
            return [_number(lead, sentence)]
    try:
        results = [item for item in values_in(sentence) if item.result]
    except TooLarge:
        return []
    return [_number(results[-1], sentence)] if results else []


def _number(item: Item, text: str) -> Number:
    quantity = item.quantity
    unit = quantity.unit.plain if quantity.unit else None
    approximate = bool(APPROXIMATE.search(text[max(0, item.start - 24) : item.start]))
    return Number(value=quantity.value, unit=unit, written=quantity.number.text, approximate=approximate,
                  abs_tol=quantity.spread)


def _reported_values(solution: str) -> list[tuple[str, str, Quantity]]:
    """A list of named measured values, one per item (`- negative ELBO: 98.12 ± 0.77`): (name, text, quantity)."""
    found = []
    for name, text in _NAMED_ITEM.findall(solution):
        try:
            quantity = read_quantity(text)
        except TooLarge:
            continue
        if quantity is not None and quantity.spread is not None:
            found.append((name, text, quantity))
    return found


def _format_number(number: Number) -> str:
    value = number.written or (str(int(number.value)) if number.value.is_integer() else str(number.value))
    return f"{value} {number.unit}" if number.unit else value


# ---- expressions ------------------------------------------------------------------------------

def _expression_blank(segments: list[str]) -> Blank | None:
    finals = [expression_answer(segment) for segment in segments]
    finals = [f for f in finals if f]
    if not finals:
        return None
    chain = finals[0]
    lhs, answer = (chain[0], chain[-1]) if len(chain) > 1 else (None, chain[0])
    latex = f"{lhs} = {answer}" if lhs else answer
    accepts: list[str] = []
    for other in finals[1:]:
        if other[-1] != answer and other[-1] not in accepts:
            accepts.append(other[-1])
    return Blank(id="answer", kind="expression", latex=latex, text=answer, accepts=accepts)


def expression_answer(solution: str) -> list[str] | None:
    """The equation (as its '='-separated members) or expression a solution commits to."""
    spans: list[tuple[str, bool, bool]] = []
    for paragraph in re.split(r"\n\s*\n", solution):
        for sentence in _SENTENCE.split(paragraph):
            cue = _cued(strip_markup(re.sub(r"\$[^$]*\$", "", sentence)))
            for latex, display in math_spans(sentence, paragraph_inline=True):
                spans.append((clean_latex(latex), display, cue))
    with_equals = [s for s in spans if "=" in s[0] and split_equation(s[0])]
    for pool in (
        [s for s in with_equals if s[2]],
        [s for s in with_equals if s[1]],
        with_equals,
    ):
        if pool:
            return split_equation(pool[-1][0] if pool is not with_equals else pool[0][0])
    return [spans[-1][0]] if spans else None


def _first_sentence(text: str, keep_parenthetical: bool = False) -> str:
    text = text.strip()
    if not text:
        return ""
    first_paragraph = re.split(r"\n\s*\n", text)[0]
    if first_paragraph.lstrip().startswith("```"):
        return first_paragraph.strip()
    sentence = _SENTENCE.split(first_paragraph)[0].strip()
    return sentence[:400]


def with_parsed_forms(problem_set):
    """A copy of `problem_set` whose expression blanks carry their SymPy form where it parses (slow: SymPy, in the
    worker process)."""
    from .read.expressions import normalise, notation_for
    from .read.limits import refuse_formula
    from .worker import parsed_form as worker_parsed_form

    def parsed_form(latex: str) -> str | None:
        normalised = normalise(latex, notation_for(latex))
        return None if refuse_formula(normalised) else worker_parsed_form(normalised)

    copy = problem_set.model_copy(deep=True)
    for part in copy.parts():
        for blank in part.blanks:
            if blank.latex and blank.parsed is None:
                blank.parsed = parsed_form(blank.latex)
    return copy


# ---- a reference answer on its own (tabench check) ---------------------------------------------

_LONE_LABEL = re.compile(r"^\s*(?:\\text(?:bf)?\s*\{\s*)?\(?\s*([A-H])\s*\)?\s*\}?\s*[.]?\s*$")

def reference_blank(gold: str, kind: Kind | None = None, precision: int | None = None) -> Blank:
    """A blank whose reference answer is `gold` (a final answer or a whole solution), read as the key reads a
    solution: what it commits to, its kind inferred from it when `kind` is None."""
    from .read.expressions import final_expression
    from .read.quantities import final_quantity
    from .read.visible import visible

    text = visible(gold).text
    items, region = final_expression(text)
    try:
        quantity, quantity_region = final_quantity(text)
    except TooLarge:
        quantity, quantity_region = None, None
    inferred = kind or _kind_of(items, quantity)
    if inferred in ("multiple_choice", "select_all"):
        label = _LONE_LABEL.match(items[0] if items else text)
        return Blank(id="answer", kind=inferred, correct=[label.group(1)] if label else [], text=gold.strip()[:200])
    if inferred == "numeric" and quantity is not None:
        unit = quantity.unit.plain if quantity.unit else None
        before = quantity_region.text.split(quantity.number.text, 1)[0][-24:] if quantity_region else ""
        number = Number(value=quantity.value, unit=unit, written=quantity.number.text, decimals=precision,
                        approximate=bool(APPROXIMATE.search(before)), abs_tol=quantity.spread)
        return Blank(id="answer", kind="numeric", number=number, text=quantity.text)
    if inferred in ("numeric", "expression") and items:
        return Blank(id="answer", kind="expression", latex=", ".join(items), text=", ".join(items))
    committed = region.text if region is not None else text
    return Blank(id="answer", kind="short_text", text=strip_markup(committed).strip()[:200] or gold.strip()[:200])


def _kind_of(items: tuple[str, ...] | None, quantity) -> Kind:
    """A lone letter is a choice; one value that is only a number (perhaps named: 'x = 11') is numeric; other
    math is an expression; words are short text."""
    if items and len(items) == 1 and _LONE_LABEL.match(items[0]):
        return "multiple_choice"
    if quantity is not None and (not items or len(items) == 1 and (quantity.unit is not None or _only_a_number(items[0]))):
        return "numeric"
    return "expression" if items else "short_text"


def _only_a_number(latex: str) -> bool:
    sides = split_equation(latex) if "=" in latex else [latex]
    return _is_number(sides[-1]) and all(names_a_value(side) or _is_number(side) for side in sides[:-1])


def _is_number(latex: str) -> bool:
    from .read.numbers import read_number
    from .read.quantities import read_quantity

    try:
        return read_quantity(latex) is not None or read_number(latex) is not None
    except TooLarge:
        return False
