"""Every wrong input gets one clear line (exit 2) and nothing stored; inputs that are right but unusual are read."""

import json

import pytest

from clitools import run, write
from conftest import EXAM, SEEDS
from tabench.cli import example_path
from tabench.store import Store
TRANSCRIPT = SEEDS / "004_a98960079fc0cf70.txt"  # a student's chat with a model: answers, no solutions


@pytest.fixture(autouse=True)
def home(fresh_home):
    return fresh_home


def one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def nothing_stored(home):
    if not (home / "tabench.db").exists():
        return True
    with Store(home / "tabench.db") as store:
        return store.submissions() == []


# ---- the key and the answers the wrong way round ------------------------------------------------------

def test_swapped_arguments_are_named(tmp_path, home):
    one_line_error(run("grade", TRANSCRIPT, EXAM), "no part has a reference solution", "arguments seem swapped")
    answers = write(tmp_path, "alice.json", {"6.a": "20"})
    one_line_error(run("grade", answers, EXAM), "looks like an answers file", "arguments seem swapped")
    assert nothing_stored(home)


def test_a_transcript_as_the_key_is_refused_even_unswapped(tmp_path, home):
    answers = write(tmp_path, "alice.json", {"1.a": "x"})
    one_line_error(run("grade", TRANSCRIPT, answers), "looks like answers rather than a key", "KEY ANSWERS")
    assert nothing_stored(home)


def test_ingest_of_a_transcript_warns(tmp_path):
    result = run("ingest", TRANSCRIPT)
    assert result.exit_code == 0 and "no part has a reference solution" in result.stderr
    assert "no part has a reference" not in run("ingest", EXAM).stderr


# ---- answers files -----------------------------------------------------------------------------------

def test_csv_answers_are_read_by_their_header(tmp_path, home):
    answers = write(tmp_path, "frank.csv", 'part_id,answer\n6.a,20\n6.c,"5 \\times 10^{1} ns, I think"\n3.a,108\n')
    result = run("grade", EXAM, answers, "--json")
    assert result.exit_code == 0, result.output
    verdicts = {v["part_id"]: v for v in json.loads(result.stdout)}
    assert verdicts["6.a"]["verdict"] == "correct" and verdicts["3.a"]["extracted"] == "108"
    assert verdicts["10.b"]["verdict"] == "missing"  # '3.a,108' is 3.a's answer, not a write-up's part 10.b
    with Store(home / "tabench.db") as store:
        (row,) = store.submissions()
        assert store.answers(row["id"])["6.c"] == "5 \\times 10^{1} ns, I think"


def test_csv_of_a_class_with_semicolons_and_without_a_header(tmp_path):
    klass = write(tmp_path, "class.csv", "student;part;answer\nann;6.a;20\nben;6.a;45\n")
    result = run("grade", EXAM, klass, "--json")
    assert result.exit_code == 0, result.output
    got = {(v["submission"], v["part_id"]): v["verdict"] for v in json.loads(result.stdout)}
    assert got[("ann", "6.a")] == "correct" and got[("ben", "6.a")] == "incorrect"
    bare = write(tmp_path, "bare.csv", "6.a,20\n6.b,10\n")
    result = run("grade", EXAM, bare, "--json", "--no-store")
    assert {v["part_id"]: v["verdict"] for v in json.loads(result.stdout)}["6.b"] == "correct"
    one_line_error(run("grade", EXAM, write(tmp_path, "odd.csv", "who,what\nx,y\n")), "part_id,answer header")


@pytest.mark.parametrize("content,fragments", [
    ('[{"3.a": "108"}]', ["a JSON list of objects of part ids", 'single object {"3.a": "108"}']),
    ("", ["empty", "an answers file"]),
    ("{}", ["no answers in the file", "JSON object"]),
    ("[]", ["no answers in the file"]),
    ('"108"', ["single JSON value"]),
    ("[1, 2]", ["not a chat export"]),
    ('{"6.a": "1", "6.a": "2"}', ["appears twice"]),
    ('{"submission": "a", "part_id": "6.a", "answer": "1"}\n{"submission": "a", "part_id": "6.a", "answer": "2"}',
     ["line 2 repeats part 6.a", "line 1"]),
    ('{"submission": "a", "part_id": "6.a", "answer": "1", "sample": 1e400}', ["sample must be a whole number", "1e400"]),
    ('{"submission": "a", "part_id": "6.a", "answer": "1", "sample": NaN}', ["sample must be a whole number", "NaN"]),
    ('{"submission": "a", "part_id": "6.a", "answer": "1", "sample": -1}', ["sample must be a whole number"]),
    ('{"6.a": ' * 5000 + '"x"' + "}" * 5000, ["nested 5000 levels deep"]),
])
def test_wrong_answer_files_get_the_right_message(tmp_path, home, content, fragments):
    one_line_error(run("grade", EXAM, write(tmp_path, "bad.json", content)), *fragments)
    assert nothing_stored(home)


def test_numbers_keep_the_form_they_were_written_in(tmp_path, home):
    answers = write(tmp_path, "gil.json", '{"6.a": 20.0, "6.b": 1e400, "6.c": 50, "7.a": NaN}')
    assert run("grade", EXAM, answers).exit_code == 0
    with Store(home / "tabench.db") as store:
        (row,) = store.submissions()
        assert store.answers(row["id"]) == {"6.a": "20.0", "6.b": "1e400", "6.c": "50", "7.a": "NaN"}


def test_the_output_of_import_json_grades_as_it_is(tmp_path):
    imported = run("import", SEEDS / "000_aea459260c05754e.txt", "--key", SEEDS / "002_c2737d6fc07f4f16.txt", "--json")
    path = write(tmp_path, "imported.json", imported.stdout)
    result = run("grade", SEEDS / "002_c2737d6fc07f4f16.txt", path, "--json")
    assert result.exit_code == 0, result.output
    answered = [v for v in json.loads(result.stdout) if v["verdict"] != "missing"]
    assert sorted(v["part_id"] for v in answered) == sorted(a["part_id"] for a in json.loads(imported.stdout)["answers"])


# ---- part ids ----------------------------------------------------------------------------------------

def test_typos_in_part_ids_get_the_nearest_id_and_an_all_missing_submission_is_refused(tmp_path, home):
    typos = write(tmp_path, "hana.json", {"3a": "x", "6.A": "20", "6.d": "1"})
    one_line_error(run("grade", EXAM, typos), "none of its part ids is in the key", "3a (did you mean 3.a?)",
                   "6.A (did you mean 6.a?)", "6.d (question 6 has 6.a, 6.b, 6.c", "nothing was stored")
    assert nothing_stored(home)
    some = write(tmp_path, "ivan.json", {"6.a": "20", "6a": "x"})
    result = run("grade", EXAM, some)
    assert result.exit_code == 0 and "6a (did you mean 6.a?)" in result.stderr


def test_empty_answers_are_refused(tmp_path, home):
    one_line_error(run("grade", EXAM, write(tmp_path, "blank.json", {"6.a": "", "6.b": None})), "every answer is empty")
    one_line_error(run("grade", EXAM, write(tmp_path, "rows.jsonl", '{"part_id": "6.a", "answer": " "}')), "empty")
    assert nothing_stored(home)


def test_parts_selection_on_grade(tmp_path):
    answers = write(tmp_path, "jo.json", {"6.a": "20", "6.b": "10", "7.a": "Scenario 3"})
    result = run("grade", EXAM, answers, "--parts", "6,7.a", "--json", "--no-store")
    assert [v["part_id"] for v in json.loads(result.stdout)] == ["6.a", "6.b", "6.c", "7.a"]
    one_line_error(run("grade", EXAM, answers, "--parts", "6.z"), "--parts 6.z", "question 6 has")
    one_line_error(run("grade", EXAM, answers, "--parts", " , "), "--parts is empty")


# ---- keys ----------------------------------------------------------------------------------------------

def test_duplicate_part_ids_in_an_edited_key_are_refused(tmp_path):
    key = json.loads(run("ingest", example_path(), "--json").stdout)
    key["questions"][2]["parts"][1]["id"] = key["questions"][2]["parts"][0]["id"]
    path = write(tmp_path, "edited.json", key)
    one_line_error(run("ingest", path), "part id 3.a is used by more than one part")
    one_line_error(run("grade", path, write(tmp_path, "a.json", {"3.a": "1"})), "used by more than one part")


def test_question_numbers_from_1000_up_are_kept(tmp_path):
    lines = ["# Question bank"]
    for number in range(1, 1003):
        lines.append(f"{number}. Item {number} (1 pt)\n\nWhat is {number} + 0?\n\nSolution: {number}\n")
    path = write(tmp_path, "bank.md", "\n".join(lines))
    problem_set = json.loads(run("ingest", path, "--json").stdout)
    numbers = [q["number"] for q in problem_set["questions"]]
    assert numbers[-3:] == [1000, 1001, 1002] and len(numbers) == 1002
    assert problem_set["questions"][-1]["parts"][0]["solution"] == "1002"


# ---- prompt templates ------------------------------------------------------------------------------

@pytest.mark.parametrize("name,template,fragments", [
    ("per_part", "{contxt}\n{part}", ["per_part.txt", "unknown placeholder {contxt}", "{context}, {part}"]),
    ("whole", 'Reply as {"a": 1}.\n{document}', ["whole.txt", 'unknown placeholder {"a"}', "{{ and }}"]),
    ("solve", "Solve question.", ["solve.txt", "never uses {number}"]),
    ("per_part", "{part} }", ["single '}'"]),
    ("per-part", "{part}", ["per-part.txt is not a template name"]),
])
def test_prompt_templates_with_a_wrong_placeholder_get_one_line(tmp_path, name, template, fragments):
    folder = tmp_path / "prompts"
    folder.mkdir()
    (folder / f"{name}.txt").write_text(template)
    for command in (["--dry-run"], ["--base-url", "http://127.0.0.1:9/v1"]):
        one_line_error(run("run", example_path(), "--model", "openai/x", "--prompts", folder, *command), *fragments)


def test_a_system_prompt_keeps_its_braces(tmp_path):
    folder = tmp_path / "prompts"
    folder.mkdir()
    (folder / "system.txt").write_text('Answer in JSON such as {"answer": 1}.')
    result = run("run", example_path(), "--model", "openai/x", "--prompts", folder, "--dry-run", "--json", "--limit", "1")
    assert json.loads(result.stdout)[0]["messages"][0]["content"] == 'Answer in JSON such as {"answer": 1}.'


# ---- text from data is never Rich markup -----------------------------------------------------------------

def test_rich_markup_in_answers_names_and_transcripts_prints_as_written(tmp_path):
    answers = write(tmp_path, "kim.json", {"6.a": "[/red] 20 [bold]", "6.b": "[link=http://x]10[/link]"})
    graded = run("grade", EXAM, answers, "--submission", "kim [/red]", "--model", "[/bold]model")
    assert graded.exit_code == 0, graded.output
    assert "kim [/red]" in graded.stdout
    listed = run("submissions")
    assert listed.exit_code == 0 and "kim [/red]" in listed.stdout and "[/bold]model" in listed.stdout
    transcript = write(tmp_path, "chat.md", "User: Solve question 6.\n\nAssistant: **(a)** [/red] 20 [/]\n\n**(b)** 10\n")
    imported = run("import", transcript, "--key", EXAM)
    assert imported.exit_code == 0 and "[/red]" in imported.stdout
    graded = run("grade", EXAM, transcript)
    assert graded.exit_code == 0 and "Traceback" not in graded.output
    compared = run("compare", "--problem-set", EXAM)
    assert compared.exit_code == 0 and "[/bold]model" in compared.stdout
