"""Hostile LaTeX: each document is ingested by `tabench ingest` in a child process with a hard timeout and an
address-space limit, so a hang or a blow-up fails the test instead of CI. The outcome is always a ProblemSet with
warnings or one clear line with exit status 2, never a traceback, and nothing outside the document's folder is
opened (checked with an audit hook in the child). Hypothesis feeds arbitrary LaTeX-ish text to the parser (in a
child process too): only tabench's own errors may come out."""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from child import run_in_child

MEMORY = 2_000_000_000  # bytes of address space for the child
TIMEOUT = 180  # seconds: far above what a case takes (about 1 s each; the largest document, 7 s of CPU)

CHILD = r"""
import json, os, sys
from tabench.cli import main
from tabench.ingest import load_problem_set
load_problem_set(sys.argv[3])  # imports every module ingest needs before the audit starts
opened, recording = [], [True]
def hook(event, args):
    if recording[0] and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        opened.append(os.path.realpath(os.fsdecode(args[0])))
sys.addaudithook(hook)
sys.argv = ["tabench", "ingest", "--json", sys.argv[1]]
try:
    main()
finally:
    recording[0] = False
    with open(os.environ["OPENED_LOG"], "w") as log:
        json.dump(opened, log)
"""
WARM_UP = Path(__file__).parent / "data" / "latex" / "homework_sections.tex"
QUESTION = r"\begin{questions}\question[1] What is $1+1$? \begin{solution} $1+1=2$ \end{solution}\end{questions}"


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def ingest_in_child(document: Path, tmp_path: Path):
    """(exit status, ProblemSet JSON or None, stderr, files opened while ingesting)."""
    log = tmp_path / "opened.json"
    result = subprocess.run([sys.executable, "-c", CHILD, str(document), "", str(WARM_UP)], capture_output=True,
                            text=True, timeout=TIMEOUT, preexec_fn=_limits, env={**os.environ, "OPENED_LOG": str(log)})
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    opened = json.loads(log.read_text()) if log.exists() else []
    problem_set = json.loads(result.stdout) if result.returncode == 0 else None
    return result.returncode, problem_set, result.stderr, opened


def assert_one_clear_line(code, stderr, *phrases):
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tabench: error:"), stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


def assert_nothing_read_outside(opened, folder: Path):
    folder = os.path.realpath(folder)
    python = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    source = os.path.realpath(Path(__file__).resolve().parents[1] / "src")
    for path in opened:
        inside = path.startswith(folder + os.sep) or any(path.startswith(p + os.sep) for p in python | {source})
        assert inside or path in ("/dev/null", "/dev/urandom"), f"opened {path}, outside the document's folder"


def exam(folder: Path, preamble: str = "", body: str = "", name: str = "exam.tex") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\\documentclass{exam}\n" + preamble + "\n\\begin{document}\n" + body + "\n" + QUESTION
                    + "\n\\end{document}\n")
    return path


def test_includes_outside_the_folder_are_refused_and_nothing_there_is_opened(tmp_path):
    secret = tmp_path / "secret.tex"
    secret.write_text("SECRET-SENTINEL \\question What leaked?")
    folder = tmp_path / "course" / "exam"
    folder.mkdir(parents=True)
    (folder / "link.tex").symlink_to(secret)
    os.mkfifo(folder / "pipe.tex")  # reading it would block: it is not a regular file, so it is not read
    document = exam(folder, body="\\input{/etc/passwd}\n\\input{../../secret}\n\\include{link}\n\\input{pipe}\n"
                                 "\\input{~/.ssh/id_rsa}\n\\input{sub/../../secret}\n"
                                 "\\input{|\"cat /etc/passwd > /tmp/tabench-pwned\"}")
    code, problem_set, stderr, opened = ingest_in_child(document, tmp_path)
    assert code == 0, stderr
    text = json.dumps(problem_set)
    assert "SECRET-SENTINEL" not in text and "root:x:0:0" not in text
    assert [part["id"] for q in problem_set["questions"] for part in q["parts"]] == ["1"]
    warnings = problem_set["warnings"]
    assert len(warnings) == 7 and "shell command" in warnings[6]
    assert not Path("/tmp/tabench-pwned").exists()
    assert warnings[0] == ("\\input{/etc/passwd} (line 4): not read: it is an absolute path; only files inside the "
                           "document's folder are read")
    assert "climbs out of the document's folder" in warnings[1] and "climbs out" in warnings[5]
    assert "leads outside the document's folder" in warnings[2]
    assert "no such file" in warnings[3] and "absolute path" in warnings[4]
    assert opened, "the audit hook saw nothing: it is not working"
    assert_nothing_read_outside(opened, folder)
    assert not any("secret" in path or path == "/etc/passwd" for path in opened)


def test_thousands_of_includes_are_not_all_looked_up(tmp_path):
    document = exam(tmp_path / "doc", body="".join(f"\\input{{missing{index}}}\n" for index in range(5_000)))
    code, problem_set, stderr, opened = ingest_in_child(document, tmp_path)
    assert code == 0, stderr
    assert len(problem_set["warnings"]) == 257
    assert problem_set["warnings"][-1] == "more than 256 includes: the rest are not read"


def test_a_macro_that_expands_into_itself(tmp_path):
    document = exam(tmp_path / "doc", "\\def\\a{\\a\\a}\\newcommand{\\b}[1]{\\b{#1}}", "\\a \\b{x}")
    code, problem_set, stderr, _ = ingest_in_child(document, tmp_path)
    assert code == 0, stderr
    warnings = problem_set["warnings"]
    assert any("\\a (line 4) expands into itself" in w for w in warnings), warnings
    assert any("\\b (line 4) expands into itself" in w for w in warnings), warnings


def test_a_macro_whose_expansion_doubles_thirty_times(tmp_path):
    names = [chr(ord("a") + index) for index in range(26)]
    definitions = "\\def\\ma{xy}" + "".join(f"\\def\\m{b}{{\\m{a}\\m{a}}}" for a, b in zip(names, names[1:]))
    document = exam(tmp_path / "doc", definitions, "\\mz")
    code, problem_set, stderr, _ = ingest_in_child(document, tmp_path)
    assert code == 0, stderr
    assert any("macro expansion stopped" in w for w in problem_set["warnings"])


def test_a_macro_that_doubles_its_argument_at_every_call(tmp_path):
    document = exam(tmp_path / "doc", "\\def\\a#1{\\a{#1#1}}\\newenvironment{e}[1]{\\begin{e}{#1#1}}{}",
                    "\\a{x} \\begin{e}{y}\\end{e}")
    code, problem_set, stderr, _ = ingest_in_child(document, tmp_path)
    assert code == 0, stderr
    assert any("macro expansion stopped" in w for w in problem_set["warnings"])


def test_ten_thousand_nested_groups(tmp_path):
    document = exam(tmp_path / "doc", body="{" * 10_000 + "deep" + "}" * 10_000)
    code, _, stderr, _ = ingest_in_child(document, tmp_path)
    assert_one_clear_line(code, stderr, "exam.tex", "nests groups and environments more than 100 deep (line 4)",
                          "unbalanced braces")


def test_ten_thousand_nested_environments(tmp_path):
    document = exam(tmp_path / "doc", body="\\begin{center}" * 10_000 + "deep" + "\\end{center}" * 10_000)
    code, _, stderr, _ = ingest_in_child(document, tmp_path)
    assert_one_clear_line(code, stderr, "more than 100 deep")


def test_deep_nesting_hidden_in_a_macro(tmp_path):
    document = exam(tmp_path / "doc", "\\newcommand{\\deep}{" + "{" * 5_000 + "x" + "}" * 5_000 + "}", "\\deep")
    code, _, stderr, _ = ingest_in_child(document, tmp_path)
    assert_one_clear_line(code, stderr, "nested too deeply")


def test_catcode_tricks_are_not_followed(tmp_path):
    body = "\\catcode`\\|=0 |input|{/etc/passwd}\n\\catcode`\\{=12 \\catcode 64=11\n\\catcode`\\{=1"
    document = exam(tmp_path / "doc", body=body)
    code, problem_set, stderr, opened = ingest_in_child(document, tmp_path)
    assert code == 0, stderr
    assert "root:x:0:0" not in json.dumps(problem_set)
    assert problem_set["warnings"] == ["\\catcode (line 4): character codes are not changed; the text is read with "
                                       "LaTeX's usual ones"]
    assert "/etc/passwd" not in opened


def test_a_20_mb_file(tmp_path):
    document = tmp_path / "huge.tex"
    with document.open("w") as handle:
        handle.write("\\documentclass{exam}\\begin{document}\\begin{questions}")
        for index in range(300_000):
            handle.write(f"\\question[1] What is {index} + 1? \\begin{{solution}} {index + 1} \\end{{solution}}\n")
    assert document.stat().st_size > 20_000_000
    code, _, stderr, _ = ingest_in_child(document, tmp_path)
    assert_one_clear_line(code, stderr, "huge.tex", "is over the 2 MB limit for a LaTeX document; split it")


def test_the_largest_document_allowed_is_read_in_bounded_time(tmp_path):
    document = tmp_path / "large.tex"
    question = ("\\question[1] What is {0} + 1? Explain \\textbf{{why}}. "
                "\\begin{{solution}} ${0} + 1 = {1}$ \\end{{solution}}\n")
    text = "\\documentclass{exam}\\begin{document}\\begin{questions}\n"
    lines = []
    size = len(text)
    while size < 1_900_000:
        lines.append(question.format(len(lines), len(lines) + 1))
        size += len(lines[-1])
    document.write_text(text + "".join(lines) + "\\end{questions}\\end{document}\n")
    # ingest alone (the CLI's --json would also put 19 000 keys through SymPy)
    count = ("import sys; from tabench.ingest import load_problem_set; "
             "print(len(load_problem_set(sys.argv[1]).questions))")
    result = subprocess.run([sys.executable, "-c", count, str(document)], capture_output=True, text=True,
                            timeout=TIMEOUT, preexec_fn=_limits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert int(result.stdout) == len(lines)


UNENDED = {
    "conditionals": "\\ifprintanswers x " * 50_000,
    "verbatim": "\\begin{verbatim} " * 50_000,
    "verb": "\\verb|x " * 100_000,
    "definitions": "\\newcommand{\\a}{ " * 50_000,
    "lists": ("\\begin{enumerate}\\item a\\end{enumerate}"
              "\\begin{enumerate}\\item[] \\textbf{Solution:} b\\end{enumerate}") * 8_000,
}


@pytest.mark.parametrize("name", sorted(UNENDED))
def test_many_unended_constructs_cost_no_more_than_one(name, tmp_path):
    """Each of these once made reading quadratic (every unended one searched to the end of the text)."""
    document = tmp_path / f"{name}.tex"
    document.write_text("\\documentclass{exam}\n\\begin{document}\n" + QUESTION + "\n" + UNENDED[name])
    assert document.stat().st_size > 700_000
    code = ("import sys\nfrom tabench.errors import TabenchError\nfrom tabench.ingest import load_problem_set\n"
            "try:\n    print(len(load_problem_set(sys.argv[1]).parts()))\nexcept TabenchError as err:\n    print(err)")
    result = subprocess.run([sys.executable, "-c", code, str(document)], capture_output=True, text=True,
                            timeout=TIMEOUT, preexec_fn=_limits)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.stdout.strip()


def test_binary_and_empty_tex_files(tmp_path):
    binary = tmp_path / "binary.tex"
    binary.write_bytes(b"\\documentclass{exam}\x00\x01\x02" * 100)
    code, _, stderr, _ = ingest_in_child(binary, tmp_path)
    assert_one_clear_line(code, stderr, "binary")
    empty = tmp_path / "empty.tex"
    empty.write_text("")
    code, _, stderr, _ = ingest_in_child(empty, tmp_path)
    assert_one_clear_line(code, stderr, "empty")


def test_unbalanced_and_unterminated_latex(tmp_path):
    body = "}}} \\end{parts} \\begin{solution} never closed $x^{2 \\verb|open \\begin{verbatim} no end"
    document = exam(tmp_path / "doc", body=body)
    code, problem_set, stderr, _ = ingest_in_child(document, tmp_path)
    if code == 0:
        assert problem_set["questions"]
    else:
        assert_one_clear_line(code, stderr)


# ---- arbitrary LaTeX-ish text --------------------------------------------------------------------------------------

FRAGMENTS = [
    "\\documentclass{exam}", "\\begin{document}", "\\end{document}", "\\begin{questions}", "\\end{questions}",
    "\\question", "\\question[3]", "\\titledquestion{T}[2]", "\\begin{parts}", "\\end{parts}", "\\part[1]",
    "\\subpart", "\\begin{subparts}", "\\begin{choices}", "\\choice A", "\\CorrectChoice B", "\\end{choices}",
    "\\begin{solution}", "\\end{solution}", "\\fillin[x]", "\\answerline[4]", "\\ifprintanswers", "\\else", "\\fi",
    "\\newcommand{\\x}[1]{#1#1}", "\\x{a}", "\\def\\y{\\y}", "\\y", "\\renewcommand", "\\newenvironment{sol}{}{}",
    "\\begin{sol}", "\\end{sol}", "\\input{a}", "\\input{/etc/passwd}", "\\catcode`\\|=0", "\\verb|x|", "\\verb",
    "\\begin{verbatim}", "\\end{verbatim}", "$", "$$", "\\[", "\\]", "{", "}", "[", "]", "%", "\\\\", "#1", "&",
    "\\section*{Problem 1}", "\\textbf{Solution:}", "(a)", "(i)", "\\item", "\\begin{enumerate}[(a)]",
    "\\end{enumerate}", "\\textcolor{red}{", "\\color{blue}", "\\includegraphics{f.png}", "\\ref{x}", "\\label{x}",
    "\\ifthenelse{\\equal{a}{b}}{c}{d}", "\\newif\\ifsol", "\\begin{align*}", "\\end{align*}", "\\caption{c}",
    "\\begin{tabular}{cc}", "\\end{tabular}", "\\begin{lstlisting}", "\\end{lstlisting}", "\\begin{problem}",
]


def _fuzz() -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tabench.errors import TabenchError
    from tabench.ingest.latex import parse_latex

    latexish = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=60).map(" ".join)

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(latexish)
    def only_tabench_errors(text):
        try:
            problem_set = parse_latex(text)
        except TabenchError as err:
            assert str(err).strip() and "\n" not in str(err)
            return
        ids = [part.id for part in problem_set.parts()]
        assert ids and len(ids) == len(set(ids)) and all(piece for id_ in ids for piece in id_.split("."))
        for part in problem_set.parts():
            assert part.id and "\x00" not in part.prompt + part.solution

    only_tabench_errors()


def test_arbitrary_latexish_text_gives_only_tabench_errors():
    run_in_child(_fuzz, timeout=600)
