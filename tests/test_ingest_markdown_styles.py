"""Markdown in styles the seeds do not use, each with its truth table (issue 12).

Every document is written here in a style found in public course material; the table beside it says, part by
part, what a reader of the document sees: the part id, its points, its kind and its key (choice texts, a
number, an expression, or the start of the solution). Kinds and keys are read by key.py; these tables check
that the structure finder hands it the right text.
"""

import re

import pytest

from tabench.ingest.markdown import parse_markdown

DOCS = {}

DOCS["numbered_list"] = """# Stat 20 — Homework 4 (solutions)

1. A fair die is rolled twice. How many outcomes are there in the sample space?

   **Answer:** 36

2. Two cards are drawn from a standard deck without replacement.

   a) What is the probability that both are aces?

      **Answer:** $\\frac{4}{52} \\cdot \\frac{3}{51} = \\frac{1}{221}$

   b) How many ordered pairs of cards are there?

      **Answer:** $52 \\cdot 51 = 2652$

3. Prove that $P(A \\cup B) \\le P(A) + P(B)$.

   **Answer:** $P(A \\cup B) = P(A) + P(B) - P(A \\cap B)$ and $P(A \\cap B) \\ge 0$.
"""

DOCS["question_title_points_details"] = """# CS 170 Midterm 2 — Solutions

## Question 1: Graph search (6 points)

**(a)** [3 pts] How many edges does a tree on 10 vertices have?

<details>
<summary>Solution</summary>

A tree on $n$ vertices has $n - 1$ edges; here $10 - 1 = 9$.

</details>

**(b)** [3 pts] Which algorithm finds shortest paths with negative edge weights? (select one)

- [ ] Dijkstra
- [ ] Bellman-Ford
- [ ] Prim

<details><summary>Solution</summary>

- [ ] Dijkstra
- [x] Bellman-Ford
- [ ] Prim

</details>

## Question 2: Recurrences (4 points)

What is the solution of $T(n) = 2T(n/2) + n$ in $\\Theta$ notation?

<details>
<summary>Answer</summary>
$\\Theta(n \\log n)$
</details>
"""

DOCS["exercise_roman"] = """# Linear algebra — exercise sheet 3

### Exercise 1

Let $A = \\begin{pmatrix} 2 & 0 \\\\ 0 & 3 \\end{pmatrix}$.

(i) What is the determinant of $A$?

> **Answer:** $\\det A = 6$

(ii) What is the trace of $A$?

> **Answer:** $\\operatorname{tr} A = 5$

(iii) Is $A$ invertible? (select one)

☐ yes  ☐ no

> **Answer:** ☒ yes ☐ no

### Exercise 2

How many entries does a $3 \\times 4$ matrix have?

> **Answer:** 12
"""

DOCS["subproblem_headings"] = """# 6.036 Homework 2 solutions

## Problem 1 (10 points)

Consider the perceptron.

### 1.1 Margins (4 points)

What is the margin of the point $x = (3, 4)$ from the hyperplane $x_1 = 0$?

*Solution.* The distance is 3.

### 1.2 Updates (6 points)

How many mistakes can the perceptron make at most on a separable set with $R = 2$ and $\\gamma = 0.5$?

*Solution.* At most $(R/\\gamma)^2 = 16$ mistakes.

## Problem 2 (5 points)

Which loss is used by logistic regression? (select one)

- [ ] hinge
- [ ] squared
- [ ] log loss

*Solution.* log loss
"""

DOCS["grouped_solutions"] = """# 18.06 Problem set 5

**Problem 1** (5+5 points)

**(a)** What is the rank of the $3 \\times 3$ identity matrix?

**(b)** What is the dimension of the null space of the $3 \\times 3$ identity matrix?

**Solutions:**

**(a)** The identity has 3 pivots, so the rank is 3.

**(b)** It is invertible, so the null space is $\\{0\\}$ and its dimension is 0.

**Problem 2** (4 points)

How many pivots does $\\begin{pmatrix} 1 & 2 \\\\ 2 & 4 \\end{pmatrix}$ have?

**Solution:** 1
"""

DOCS["answer_key_at_end"] = """# Quiz 3

## 1. Units (2 points)

How many bytes are in a kilobyte (KB, SI prefix)?

## 2. Asymptotics (4 points)

(a) (2 pts) What is the running time of binary search?

(b) (2 pts) What is the running time of merge sort?

## 3. Proof (3 points)

Prove that the sum of two even integers is even.

## Answer key

1. 1000

2. (a) $O(\\log n)$

   (b) $O(n \\log n)$

3. Write $2a + 2b = 2(a + b)$, which is even.
"""

DOCS["nbsp_indented_lms_export"] = """<p><b>ECON 101 — Problem set 1 (key)</b></p>

**1.** Supply and demand (6 points)<br>
&nbsp;&nbsp;&nbsp;&nbsp;(a) (3 pts) If demand rises and supply is fixed, what happens to the price? (select one)<br>
&nbsp;&nbsp;&nbsp;&nbsp;A. it rises<br>
&nbsp;&nbsp;&nbsp;&nbsp;B. it falls<br>

Answer: A

&nbsp;&nbsp;&nbsp;&nbsp;(b) (3 pts) What is the equilibrium quantity when $Q_d = 10 - P$ and $Q_s = P$?

Answer: $Q = 5$

**2.** Elasticity (4 points)<br>
&nbsp;&nbsp;&nbsp;&nbsp;(a) (4 pts)<br>
&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;(i) What is the price elasticity when a 10% price rise cuts quantity by 20%?<br>

Answer: $-2$

&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;(ii) Is that demand elastic or inelastic?

Answer: elastic
"""

DOCS["q_number_letter_headings"] = """# Lab 2: Probability

## Q1

A coin is flipped three times.

### Q1a

How many outcomes are there?

<details><summary>Answer</summary>
8
</details>

### Q1b

How many outcomes have exactly two heads?

<details><summary>Answer</summary>
3
</details>

## Q2

Prove that $P(\\emptyset) = 0$.

<details><summary>Hint</summary>
Use additivity with $A = \\emptyset$.
</details>
"""

DOCS["bold_letter_dot_parts"] = """# Chem 1A — Worksheet 7

**Problem 1.** Gas laws (6 points)

**a.** (3 points) A gas at 2 atm is compressed from 10 L to 5 L at constant temperature. What is its new pressure in atm?

Answer: 4 atm

**b.** (3 points) Which law did you use? (select one)

A. Boyle's law
B. Charles's law
C. Avogadro's law

Answer: A

**Problem 3.** Moles (2 points)

How many moles are in 36 g of water?

Answer: 2
"""


DOCS["lesson_problems_inline_parts"] = """# Lesson 4.2 — Caches

Some expository text about caches, with an example: (a) a direct-mapped cache and (b) a fully associative one.

## Problems

**P1 (easy)** A cache has 64 lines of 32 bytes. (a) How many bytes does it hold? (b) How many bits of a byte address select the offset within a line? (c) State what happens on a miss.

**P2 (medium)** A program touches an array of 4096 bytes twice in a row. (a) How many misses does the second pass make in the cache of P1? (b) Explain why.

<details>
<summary>Solutions</summary>

**P1** (a) $64 \\cdot 32 = 2048$ bytes.

(b) 5 bits.

(c) The line is fetched from memory and replaces the one that was there.

**P2** (a) 128 misses.

(b) The array is twice as large as the cache, so every line is evicted before its second use.

</details>

## Connections

- See lesson 4.3.
"""


TRUTH = {
    "numbered_list": [  # a numbered list of problems, lettered parts "a)" nested inside, **Answer:** paragraphs
        ("1", None, "numeric", 36),
        ("2.a", None, "expression", r"\frac{4}{52}\cdot\frac{3}{51}=\frac{1}{221}"),
        ("2.b", None, "numeric", 2652),
        ("3", None, "derivation", "$P(A \\cup B) = P(A) + P(B)"),
    ],
    "question_title_points_details": [  # "## Question N: Title (P points)", "**(a)** [3 pts]", <details> solutions
        ("1.a", 3, "numeric", 9),
        ("1.b", 3, "multiple_choice", ("Bellman-Ford",)),
        ("2", 4, "expression", r"\Theta(n\logn)"),
    ],
    "exercise_roman": [  # "### Exercise N", (i)/(ii)/(iii) parts straight under it, blockquoted answers
        ("1.i", None, "expression", r"\detA=6"),
        ("1.ii", None, "expression", r"\operatorname{tr}A=5"),
        ("1.iii", None, "multiple_choice", ("yes",)),
        ("2", None, "numeric", 12),
    ],
    "subproblem_headings": [  # sub-problems under their own headings "### 1.2 Title (6 points)", *Solution.*
        ("1.1", 4, "short_text", "The distance is 3."),
        ("1.2", 6, "numeric", 16),
        ("2", 5, "multiple_choice", ("log loss",)),
    ],
    "grouped_solutions": [  # "(5+5 points)", the parts asked first, then "Solutions:" with (a), (b) again
        ("1.a", 5, "short_text", "The identity has 3 pivots"),
        ("1.b", 5, "expression", r"\{0\}"),
        ("2", 4, "numeric", 1),
    ],
    "answer_key_at_end": [  # the questions first, an "## Answer key" after them
        ("1", 2, "numeric", 1000),
        ("2.a", 2, "expression", r"O(\logn)"),
        ("2.b", 2, "expression", r"O(n\logn)"),
        ("3", 3, "derivation", "Write $2a + 2b = 2(a + b)$"),
    ],
    "nbsp_indented_lms_export": [  # an LMS export: <br> line breaks, parts indented with &nbsp;, "Answer: A"
        ("1.a", 3, "multiple_choice", ("it rises",)),
        ("1.b", 3, "expression", "Q=5"),
        ("2.a.i", 2, "numeric", -2),
        ("2.a.ii", 2, "short_text", "elastic"),
    ],
    "q_number_letter_headings": [  # "## Q1" / "### Q1a" headings, <details> answers, a hint that is no answer
        ("1.a", None, "numeric", 8),
        ("1.b", None, "numeric", 3),
        ("2", None, "derivation", ""),
    ],
    "lesson_problems_inline_parts": [  # lesson notes: "**P1 (easy)**" problems with (a) (b) (c) inline, one
        ("1.a", None, "numeric", 2048),  # <details> "Solutions" key for all of them, "## Connections" after
        ("1.b", None, "numeric", 5),
        ("1.c", None, "short_text", "The line is fetched from memory"),
        ("2.a", None, "numeric", 128),  # a count with its noun is a number
        ("2.b", None, "short_text", "The array is twice as large"),
    ],
    "bold_letter_dot_parts": [  # "**Problem 1.**", parts as "**a.**" (a plain "a." line is no part), options "A."
        ("1.a", 3, "numeric", 4),  # a quantity with its unit (atm)
        ("1.b", 3, "multiple_choice", ("Boyle's law",)),
        ("3", 2, "numeric", 2),
    ],
}

WARNINGS = {
    "q_number_letter_headings": ["no solution found for part 2: answers to them need the judge or a person; "
                                 "check the document's solution markers"],
    "bold_letter_dot_parts": ["no question 2 found before question 3; check the document's numbering"],
}


def _squash(latex):
    return re.sub(r"\s|\\left|\\right|\\,", "", latex)


def key_of(part):
    """What the part's key says, in the form its truth row gives it."""
    blank = part.blanks[0]
    if part.kind in ("multiple_choice", "select_all"):
        texts = {c.label: c.text for c in blank.choices}
        return tuple(texts.get(label, label) for label in blank.correct)
    if part.kind == "numeric":
        return blank.number.value
    if part.kind == "expression":
        return _squash(blank.latex)
    return part.solution


@pytest.mark.parametrize("name", sorted(DOCS))
def test_style_reads_as_its_truth_table(name):
    problem_set = parse_markdown(DOCS[name])
    got = [(p.id, p.points, p.kind) for p in problem_set.parts()]
    assert got == [(pid, points, kind) for pid, points, kind, _ in TRUTH[name]]
    for (pid, _, kind, key), part in zip(TRUTH[name], problem_set.parts()):
        found = key_of(part)
        if isinstance(key, str) and kind not in ("expression",):
            assert found.startswith(key), (pid, found)
        else:
            assert found == key, (pid, found)
    assert problem_set.warnings == WARNINGS.get(name, [])


def test_titles_and_points_from_headers():
    questions = parse_markdown(DOCS["question_title_points_details"]).questions
    assert [(q.title, q.points) for q in questions] == [("Graph search", 6), ("Recurrences", 4)]
    lms = parse_markdown(DOCS["nbsp_indented_lms_export"])
    assert lms.title == "ECON 101 — Problem set 1 (key)"
    assert [q.title for q in lms.questions] == ["Supply and demand", "Elasticity"]


def test_a_question_written_on_its_number_line_is_its_prompt():
    problem_set = parse_markdown(DOCS["numbered_list"])
    assert problem_set.part("1").prompt.startswith("A fair die is rolled twice. How many outcomes")
    assert problem_set.questions[1].preamble.startswith("Two cards are drawn")


def test_a_hint_in_details_stays_in_the_prompt():
    part = parse_markdown(DOCS["q_number_letter_headings"]).part("2")
    assert "Use additivity" in part.prompt and part.solution == ""


def test_grouped_solutions_go_to_the_parts_asked_before():
    problem_set = parse_markdown(DOCS["grouped_solutions"])
    assert "rank is 3" in problem_set.part("1.a").solution and "rank" not in problem_set.part("1.b").solution
    assert "**(a)**" not in problem_set.part("1.b").prompt


def test_a_label_written_twice_is_the_next_one_with_a_warning():
    doc = ("## Q2\n\nFill in.\n\n### Q2a\n\nFirst?\n\nAnswer: 1\n\n### Q2b\n\nSecond?\n\nAnswer: 2\n\n"
           "### Q2b\n\nThird?\n\nAnswer: 3\n")
    problem_set = parse_markdown("## Q1\n\nWarm up?\n\nAnswer: 0\n\n" + doc)
    assert [p.id for p in problem_set.parts()] == ["1", "2.a", "2.b", "2.c"]
    assert problem_set.part("2.c").solution == "3"
    assert problem_set.warnings == ["question 2: part (b) is written twice; the second is taken as (c); check the document"]


def test_a_heading_of_the_questions_rank_ends_the_last_question():
    doc = "## 1. One\n\nWhat is 1+1?\n\nAnswer: 2\n\n## Further reading\n\n- http://example.org\n"
    part = parse_markdown(doc).part("1")
    assert "example.org" not in part.prompt + part.solution


def test_a_bare_intermediate_number_as_key_is_warned():
    doc = ("## 1. Work (4 points)\n\nHow much work is done?\n\n**Solution:** The force is $F = 10$ N and the "
           "distance is 3 m, so we multiply them.\n\nThe total work is $W = 10 \\cdot 3 = 30$ J.\n")
    problem_set = parse_markdown(doc)
    if problem_set.part("1").blanks[0].number.value != 30:
        assert any("from the middle of its solution" in w for w in problem_set.warnings)
    else:
        assert problem_set.warnings == []


def test_plain_letter_dot_lines_are_options_not_parts():
    doc = "**Problem 1.** Which law relates pressure and volume? (select one)\n\na. Boyle's law\nb. Charles's law\n\nAnswer: a\n"
    assert [p.id for p in parse_markdown(doc).parts()] == ["1"]


LOG_DOC = """# Information theory quiz

{statement}

## 1. Entropy (2 points)

What is the entropy of a fair coin, as an expression in $\\log$?

**Solution:** $H = \\log 2$
"""


@pytest.mark.parametrize("statement,base", [
    ("Throughout, $\\log$ denotes the binary logarithm.", "2"),
    ("All logarithms are base 10.", "10"),
    ("Here log means ln.", "e"),
    ("Good luck.", None),  # said nothing: \\log is the natural logarithm, the checkers' default
])
def test_the_base_of_log_is_what_the_document_says(statement, base):
    part = parse_markdown(LOG_DOC.format(statement=statement)).part("1")
    assert part.blanks[0].latex == "H = \\log 2"
    assert part.blanks[0].log_base == base


def test_numbering_that_goes_back_is_warned_not_silent():
    doc = ("# Part A\n\n## Question 1\n\nWhat is 1+1?\n\nAnswer: 2\n\n## Question 2\n\nWhat is 2+2?\n\nAnswer: 4\n\n"
           "# Part B\n\n## Question 1\n\nWhat is 3+3?\n\nAnswer: 6\n")
    problem_set = parse_markdown(doc)
    assert [p.id for p in problem_set.parts()] == ["1", "2"]
    assert problem_set.warnings == ["question numbering goes back to 1 after 2 (a new section?); the questions from "
                                    "there on are not read as new ones; number the questions uniquely"]


def test_inline_parts_are_split_only_where_labels_start_sentences_in_sequence():
    lesson = parse_markdown(DOCS["lesson_problems_inline_parts"])
    assert lesson.questions[0].preamble.endswith("A cache has 64 lines of 32 bytes.")
    assert lesson.part("1.b").prompt == "How many bits of a byte address select the offset within a line?"
    assert "lesson 4.3" not in lesson.part("2.b").prompt  # "## Connections" ends the last problem
    prose = "## 1. Caches (2 points)\n\nCompare (a) a direct-mapped cache and (b) a fully associative one.\n\nAnswer: ok\n"
    assert [p.id for p in parse_markdown(prose).parts()] == ["1"]  # labels inside a sentence are no parts
