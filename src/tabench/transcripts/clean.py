"""What copying, exporting and PDF conversion add to a transcript, taken out again (pure, linear in the text).

- invisible characters: zero-width spaces and joiners, the byte-order mark, soft hyphens; no-break spaces become spaces;
- the chat app's own words copied with a conversation (`UI_LINES`);
- math copied from a rendered page, which arrives two or three times — as text, as its LaTeX source, and as text
  again (`E=mc2E = mc^2E=mc2`) — kept once, as `$E = mc^2$`;
- a PDF's page furniture in a typed write-up: page numbers, and header or footer lines repeated on every page.
"""

from __future__ import annotations

import re
from collections import Counter

INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f]")
SPACES = re.compile("[\u00a0\u202f\u2007\u2009]")

# Lines a chat app adds when a conversation is copied from its window; each is dropped where it is a whole line.
UI_LINES = [
    (re.compile(r"(?:thought|reasoned|thinking) for (?:\d+\s*m(?:in(?:ute)?s?)?\s*)?\d*\s*(?:s|sec(?:ond)?s?)?"
                r"|thought for (?:a few|a couple of) seconds", re.I), "Thought for 14s"),
    (re.compile(r"(?:copy(?: code)?|edit|share|retry|regenerate|show thinking|show drafts|sources)", re.I), "Copy code"),
    (re.compile(r"(?:chatgpt|gemini|claude|copilot) can make mistakes.{0,80}", re.I),
     "ChatGPT can make mistakes. Check important info."),
    (re.compile(r"is this conversation helpful so far\?", re.I), "Is this conversation helpful so far?"),
]
_CODE_LANGUAGE = re.compile(r"(?:python|bash|shell|sh|latex|tex|text|plaintext|markdown|json|javascript|c\+\+|java|r)",
                            re.I)


def normalise(text: str) -> str:
    """Line ends, invisible characters and no-break spaces; a lone surrogate (from a JSON escape) becomes '?'."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return SPACES.sub(" ", INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))


COPIED_FROM_A_PAGE = re.compile(r"^[ \t]*(?:you|chatgpt|gemini|claude|copilot) said:?[ \t]*$", re.I | re.M)


def without_ui_lines(text: str) -> str:
    """The conversation without the app's own words ("Thought for 14s", "Copy code", "ChatGPT can make mistakes")."""
    lines = text.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if len(stripped) <= 90 and any(pattern.fullmatch(stripped) for pattern, _ in UI_LINES):
            if kept and _CODE_LANGUAGE.fullmatch(kept[-1].strip()) and stripped.lower().startswith("copy"):
                kept.pop()  # "python" / "Copy code": the header of a copied code block
            continue
        kept.append(line)
    return "\n".join(kept)


# ---- math copied twice -------------------------------------------------------------------------------------------

_ANCHOR = re.compile(r"\\[A-Za-z]|[\^_]")
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.S)
_GLYPHS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ", "eta": "η",
    "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ",
    "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "cdot": "⋅", "times": "×", "div": "÷", "pm": "±", "mp": "∓",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "=", "ne": "=", "approx": "≈", "sim": "∼", "simeq": "≃",
    "equiv": "≡", "propto": "∝", "infty": "∞", "sum": "∑", "prod": "∏", "int": "∫", "partial": "∂", "nabla": "∇",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "implies": "⟹", "iff": "⟺", "in": "∈",
    "notin": "∈", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "forall": "∀", "exists": "∃",
    "ldots": "…", "dots": "…", "cdots": "⋯", "mid": "∣", "|": "∥", "lVert": "∥", "rVert": "∥", "langle": "⟨",
    "rangle": "⟩", "ell": "ℓ", "top": "⊤", "circ": "∘", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "star": "⋆",
    "hat": "^", "tilde": "~", "bar": "ˉ", "prime": "′", "{": "{", "}": "}", "%": "%", "$": "$", "#": "#", "_": "_",
    "&": "&",
}
_NAMED = {"log", "ln", "exp", "sin", "cos", "tan", "max", "min", "arg", "argmax", "argmin", "lim", "det", "tr",
          "sup", "inf", "Pr", "E", "Var", "softmax"}
_SILENT = {"text", "mathrm", "mathbf", "mathbb", "mathcal", "mathit", "mathsf", "mathtt", "boldsymbol", "bm",
           "operatorname", "textbf", "textit", "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "frac",
           "dfrac", "tfrac", "sqrt", "displaystyle", "limits", "boxed", "quad", "qquad", "vec", "dot", "ddot",
           "underbrace", "overbrace", "overline", "underline", "mathop", "textstyle", " ", ",", ";", "!", ":"}
_SAME = str.maketrans({"−": "-", "′": "'", "∗": "*", "·": "⋅", "ε": "ϵ", "φ": "ϕ", "\u2061": None})
MAX_MATH_LINE = 600
_MAX_STARTS = 60


def _rendered(token: str) -> str | None:
    """What a token of LaTeX shows as text; None for a command we cannot render (then nothing is changed)."""
    if token.startswith("\\"):
        name = token[1:]
        if name in _GLYPHS:
            return _GLYPHS[name]
        if name in _NAMED:
            return name
        if name in _SILENT:
            return ""
        return None
    if token in "{}^_&" or token.isspace():
        return ""
    return token


def _tokens(line: str, start: int):
    """(token, where it ends) from `start`; `\\inftyDKL` is `\\infty` then text, as a copy glues them together."""
    for token in _TOKEN.finditer(line, start):
        text = token.group(0)
        if text[:1] == "\\" and text[1:].isalpha() and _rendered(text) is None:
            name = text[1:]
            known = next((cut for cut in range(len(name) - 1, 0, -1) if _rendered("\\" + name[:cut]) is not None), 0)
            if known:
                position = token.start() + 1 + known
                yield "\\" + name[:known], position
                for char in name[known:]:
                    position += 1
                    yield char, position
                continue
        yield text, token.end()


def _plain(text: str) -> str:
    return "".join(text.split()).translate(_SAME)


def single_math(line: str) -> str:
    """`E=mc2E = mc^2E=mc2` -> `$E = mc^2$`: math copied as text and source keeps its source, once."""
    if len(line) > MAX_MATH_LINE or "$" in line or "\\(" in line or "\\[" in line or "`" in line:
        return line
    first = _ANCHOR.search(line)
    if first is None:
        return line
    for start in range(max(1, first.start() - _MAX_STARTS), first.start() + 1):
        found = _source_at(line, start, first.start())
        if found is not None:
            shown_from, source_end, shown_to = found
            source = line[start:source_end].strip()
            whole = not line[:shown_from].strip() and not line[shown_to:].strip()
            math = f"$${source}$$" if whole else f"${source}$"
            return line[:shown_from] + math + single_math(line[shown_to:])
    return line


def _source_at(line: str, start: int, anchor: int) -> tuple[int, int, int] | None:
    """(where the text copy begins, where the source ends, where the second text copy ends) for a source at `start`.

    The source's rendering must equal the text right before it; it ends where that holds with its braces closed,
    at the first such place followed by the text copy again, else at the last one followed by a space or the end.
    """
    if line[start].isspace() or line[start - 1].isspace():
        return None
    before = _plain(line[:start])
    shown: list[str] = []
    depth, rendered_length, fallback = 0, 0, None
    for token, end in _tokens(line, start):
        depth += {"{": 1, "}": -1}.get(token, 0)
        piece = _rendered(token)
        if depth < 0 or piece is None:
            break
        piece = piece.translate(_SAME)
        shown.append(piece)
        rendered_length += len(piece)
        if rendered_length > len(before):
            break
        if end <= anchor or depth or token.isspace():
            continue
        rendered = "".join(shown)
        if rendered and before.endswith(rendered):
            shown_from = _position_of_suffix(line, start, rendered)
            second = _second_copy(line[end:], rendered)
            if second is not None:
                return shown_from, end, end + second  # "σ\sigmaσ": one glyph is enough when it comes back
            if len(rendered) >= 2 and (end >= len(line) or not line[end].isalnum()):
                fallback = (shown_from, end, end)
    return fallback


def _second_copy(after: str, rendered: str) -> int | None:
    """Length of `after`'s start that is the text copy again (the same characters, perhaps reordered)."""
    taken, index = 0, 0
    target = Counter(rendered)
    seen: Counter = Counter()
    while index < len(after) and taken < len(rendered):
        char = after[index]
        index += 1
        if char.isspace():
            continue
        seen[char.translate(_SAME) or char] += 1
        taken += 1
    if taken < len(rendered):
        return None
    overlap = sum((seen & target).values()) / len(rendered)
    return index if overlap >= 0.75 else None


def _position_of_suffix(line: str, end: int, rendered: str) -> int:
    """Where, before `end`, the characters of `rendered` (spaces aside) begin."""
    remaining = len(rendered)
    index = end
    while index > 0 and remaining > 0:
        index -= 1
        if not line[index].isspace() and line[index].translate(_SAME):
            remaining -= 1
    return index


_WORD = re.compile(r"\S+")
MAX_TRIPLE_WORDS = 7  # math copied as text, source, text spans at most this many words of the line


def single_plain_math(line: str, letters: bool = False) -> str:
    """`P=U(0,1)P = U(0,1)P=U(0,1)` -> `$P = U(0,1)$`: math without LaTeX commands, copied thrice; with `letters`
    (the text has copied math elsewhere) also `QQQ` -> `$Q$`. Formulas already between `$` are left alone."""
    if len(line) > MAX_MATH_LINE or "`" in line:
        return line
    pieces = re.split(r"(\$[^$]*\$)", line)
    return "".join(piece if i % 2 else _plain_triples(piece, letters) for i, piece in enumerate(pieces))


def _plain_triples(line: str, letters: bool) -> str:
    words = list(_WORD.finditer(line))
    pieces, last, index = [], 0, 0
    while index < len(words):
        found = None
        for end in range(index, min(len(words), index + MAX_TRIPLE_WORDS)):
            begin, stop = words[index].start(), words[end].end()
            while stop > begin and line[stop - 1] in ".,;:":
                stop -= 1
            middle = _thrice(line[begin:stop], letters)
            if middle is not None and "$" not in middle:
                found = (begin, stop, middle, end)
        if found is None:
            index += 1
            continue
        begin, stop, middle, end = found
        pieces += [line[last:begin], f"${middle}$"]
        last, index = stop, end + 1
    return "".join(pieces) + line[last:] if pieces else line


def _thrice(span: str, letters: bool) -> str | None:
    """The middle copy of a span that is one string three times over (spaces aside), else None."""
    plain = "".join(span.split())
    size = len(plain) // 3
    if size == 0 or len(plain) % 3 or not plain[:size] == plain[size:2 * size] == plain[2 * size:]:
        return None
    if size == 1 and not (letters and plain.isalpha()) or size > 1 and plain[:size].isalpha() and plain[:size].islower():
        return None  # "..." or "xxx yyy" words; math has symbols, digits or a single letter
    seen, begin, end = 0, None, len(span)
    for position, char in enumerate(span):
        if char.isspace():
            continue
        if seen == size:
            begin = position
        if seen == 2 * size:
            end = position
            break
        seen += 1
    return span[begin:end].strip() if begin is not None else None


def without_double_math(text: str, from_a_page: bool = False) -> str:
    """Math copied from a rendered page kept once. Math with LaTeX commands is recognised anywhere (its source
    renders to the text beside it); math without commands (`P=U(0,1)P = U(0,1)P=U(0,1)`, `QQQ`) only in a text
    copied from a chat app's page (`from_a_page`) or where math with commands was found copied twice."""
    lines = text.split("\n")
    in_code, copied = False, False
    code = [False] * len(lines)
    for index, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
        code[index] = in_code
        if not in_code and _ANCHOR.search(line):
            single = single_math(line)
            copied = copied or single != line
            lines[index] = single
    if copied or from_a_page:
        lines = [line if code[i] or not line.strip() else single_plain_math(line, letters=True)
                 for i, line in enumerate(lines)]
    return "\n".join(lines)


# ---- page furniture of a PDF converted to text -------------------------------------------------------------------

_PAGE_LABEL = re.compile(r"page\s*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?|\d{1,4}\s*(?:/|of)\s*\d{1,4}|[-–—]\s*\d{1,4}\s*[-–—]", re.I)
_DIGITS = re.compile(r"\d+")
MIN_PAGES = 3  # furniture is what repeats on at least this many pages


def without_page_furniture(text: str) -> str:
    """A write-up converted from PDF without its page numbers and the header or footer lines of every page.

    A page number is a line "Page 3", "3 of 11", "- 3 -", or a bare number that continues the count of the bare
    numbers before it (1, 2, 3 … far apart), so an answer "42" alone on a line stays. A header or footer is a short
    line that comes back, numbers aside, at least MIN_PAGES times, spread over the document ("Jane Doe — HW 3").
    """
    lines = text.replace("\f", "\n").split("\n")
    places: dict[str, list[int]] = {}
    numbers: list[tuple[int, int]] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.isascii() and stripped.isdigit() and len(stripped) <= 4:
            numbers.append((index, int(stripped)))
        elif 0 < len(stripped) <= 100:
            places.setdefault(_DIGITS.sub("#", stripped), []).append(index)
    drop = set(_page_count(numbers))
    for shape, where in places.items():
        spread = len(where) >= MIN_PAGES and (where[-1] - where[0]) / (len(where) - 1) >= 10
        if spread and _furniture(shape) or _PAGE_LABEL.fullmatch(shape.replace("#", "1")):
            drop.update(where)
    return "\n".join(line for index, line in enumerate(lines) if index not in drop)


def _page_count(numbers: list[tuple[int, int]]) -> list[int]:
    """Lines of bare numbers that count pages: each one more than the last, at least ten lines apart."""
    run: list[int] = []
    expected, last_line = None, -10
    for line, value in numbers:
        if (expected is None and value <= 3 or value == expected) and line - last_line >= 10:
            run.append(line)
            expected, last_line = value + 1, line
    return run if len(run) >= MIN_PAGES else []


def _furniture(shape: str) -> bool:
    """A line that can repeat on every page: not a label, a mark, a formula, code or a sentence of the answer."""
    if shape[:1] in "#(-*|$\\`>[" or shape.endswith((":", ".", "?", ";", ",")):
        return False
    return any(char.isalpha() for char in shape) and len(shape.split()) <= 12
