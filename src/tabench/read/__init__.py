"""One reader per notion, used by the answer key (strictly) and by the grader (leniently) alike (pure).

visible.py (what a reader sees; roles.py: text addressed to the grader), math.py (math spans, boxes, markup),
numbers.py, units.py, quantities.py (numbers with units), plain.py (typed and Unicode math),
expressions.py (final expression, notation), cues.py (phrase tables), final.py (where an answer commits),
choices.py (choice groups in prompts and solutions), picks.py (what an answer picks), blanks.py (one answer,
several blanks), credit.py (partial-credit rules), limits.py (size limits and guards).
"""
