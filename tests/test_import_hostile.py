"""Import on hostile and arbitrary input: bounded time and memory, and only tabench's own one-line errors.

Each hostile file runs `tabench import` (and `grade`) in a child process with a hard wall-clock bound: a case
that hangs fails instead of hanging CI. The bound is far above the time these cases take (a few seconds on a
loaded machine), so the verdict does not depend on load; it catches the minutes of regex backtracking these
inputs used to cost. The child reports its peak memory (ru_maxrss).
"""

import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import HW12
from tabench.errors import TabenchError
from tabench.transcripts import import_text, is_transcript

BOUND_SECONDS = 90
MAX_MEMORY_KB = 1024 * 1024
_CHILD = (
    "import resource, sys\n"
    "from tabench.cli import main\n"
    "sys.argv = ['tabench'] + sys.argv[1:]\n"
    "try:\n    main()\nexcept SystemExit as stop:\n    code = stop.code\nelse:\n    code = 0\n"
    "sys.stderr.write(f'\\nmaxrss_kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')\n"
    "sys.exit(code)\n"
)


def _nested_list(size: int) -> str:
    lines, total, depth = [], 0, 0
    while total < size:
        line = "  " * (depth % 400) + f"- item {depth}"
        lines.append(line)
        total += len(line) + 1
        depth += 1
    return "\n".join(lines)


HOSTILE = {
    "spaces_then_item.md": " " * 60_000 + "- item\n",
    "spaces_in_a_chat.md": "User: hi\n\nAssistant: " + " " * 60_000 + "- item\n" + " " * 60_000 + "(a) x\n",
    "nested_list.md": _nested_list(1_000_000),
    "nested_bullets.md": "- " * 500_000 + "item\n",
    "newlines.md": "User: hi\nAssistant:\n" + "\n" * 100_000 + "the answer\n",
    "unclosed_math.md": "Assistant: " + "\\boxed{" * 60_000 + "\n" + "\\[" * 60_000 + "\n" + "x_" * 100_000 + "\n",
    "marks.md": "Assistant: " + " " * 60_000 + "x\n✓: " + " " * 900 + "y\n" + "\\text{X:" * 50_000 + "\n",
    "said_lines.md": "You said:\n" + "\n" * 50_000 + "ChatGPT said:\n" + "x " * 200_000,
    "dollars.md": "Assistant: " + "$" * 1_000_000 + "\n",
    "labels.md": "Assistant:\n" + "".join(f"({chr(97 + i % 8)}) answer {i}\n" for i in range(20_000)),
    "deep.json": "[" * 100_000 + "]" * 100_000,
    "long_number.json": '[{"role": "assistant", "content": ' + "7" * 5000 + "}]",
    "surrogate.json": '[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "(a) \\ud800 [/red] done"}]',
    "markup[red].md": "User: question 7\n\nAssistant: (a) [bold red]Scenario 3[/] [/red]\n",
}


def _run(*args: str) -> tuple[int, list[str], int]:
    result = subprocess.run([sys.executable, "-c", _CHILD, *args], capture_output=True, text=True,
                            timeout=BOUND_SECONDS)
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    memory = int(lines.pop().split("=")[1])
    return result.returncode, lines, memory


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_transcripts_finish_in_bounded_time_with_one_line(tmp_path, monkeypatch, name):
    monkeypatch.setenv("TABENCH_HOME", str(tmp_path))
    path = tmp_path / name
    path.write_text(HOSTILE[name], encoding="utf-8", errors="surrogatepass")
    for command in (["import", str(path)], ["import", str(path), "--key", str(HW12), "--json"],
                    ["grade", str(HW12), str(path), "--no-store", "--accept-mismatch", "--json"]):
        code, errors, memory = _run(*command)
        assert code in (0, 2), (command, errors)
        assert not any("Traceback" in line for line in errors), errors
        assert len(errors) <= 2 if code == 0 else len(errors) == 1, errors  # grading may warn (conversation notes)
        assert memory < MAX_MEMORY_KB, (command, memory)


# ---- arbitrary input -------------------------------------------------------------------------------------------

EXPORT_KEYS = ["role", "content", "text", "parts", "type", "messages", "mapping", "message", "author", "parent",
               "children", "current_node", "title", "chat_messages", "sender", "chunkedPrompt", "chunks", "isThought",
               "samples", "eval", "input", "output", "choices", "epoch", "id", "header", "safeHtmlItem", "html",
               "contents", "from", "value", "part_id", "trace", "format", "blocks", "metadata", "recipient"]
PIECES = ["(a)", "3.b", "Question 7", "**A)**", "User:", "Assistant:", "You said:", "ChatGPT said:", "Thought for 3s",
          "✓: Correct", "\u200b", "E=mc2E = mc^2E=mc2", "$x$", "\\frac{", "\f", "Page 2 of 3", "\n", "Q:", "A:",
          "user", "assistant", "model", "human", "<p>", "</b>", "25600", "Scenario 3", "tabench-import/1"]
texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=12), max_size=12).map("".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.sampled_from(EXPORT_KEYS), children,
                                                                      max_size=6),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_chat_json_imports_or_fails_with_tabench_error(hw12, value):
    text = json.dumps(value)
    assert is_transcript(text) in (True, False)
    for key in (hw12, None):
        try:
            imported = import_text(text, "export.json", key)
        except TabenchError as err:
            assert "\n" not in str(err)
            continue
        ids = {p.id for p in hw12.parts()}
        assert all(0 <= a.confidence <= 1 for a in imported.answers)
        if key is not None:
            assert all(a.part_id in ids for a in imported.answers)
        json.dumps(imported.as_dict())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=30), max_size=40).map("".join))
def test_any_text_imports_or_fails_with_tabench_error(hw12, text):
    try:
        imported = import_text(text, "chat.md", hw12)
    except TabenchError as err:
        assert "\n" not in str(err)
        return
    assert all(a.part_id in {p.id for p in hw12.parts()} for a in imported.answers)
    assert all(e.part_id is None or 0 <= e.confidence <= 1 for e in imported.entries)
