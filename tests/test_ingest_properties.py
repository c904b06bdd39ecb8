"""Arbitrary text and bytes: ingest returns a ProblemSet or raises the tool's own error, nothing else."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tabench.errors import TabenchError
from tabench.ingest import load_problem_set
from tabench.ingest.markdown import parse_markdown
from tabench.model import ProblemSet

FRAGMENTS = [
    "1. Title", "## 2. Heading (5 points)", "**3. Bold**", "- (a) (5 pts) part", "(b) [4 pts] part",
    "- i. sub", "ii. sub", "Solution:", "**Solution:** 42.", "<b>Solution:</b> $x$", "☐ A", "☒ B", "- [x] c",
    "- [ ] d", "$$a = b$$", "$x = 1$", "```", "1 code line", "**Figure 1:** caption", "\tcol\tcol", "| ☐ a | ☐ b |",
    "(select one)", "How many?", "What is $y$?", "Prove that", "The bug: (brief)", "PRINT your name: ___", "",
    "Question 4", "\\(x\\)", "\\[y\\]", "✓ ☐ (a)", "choices 1 and 2", "Option D", "= 50 ns.",
]

markdownish = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=40), max_size=40).map("\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_markdownish_text_never_crashes(text):
    try:
        result = parse_markdown(text)
    except TabenchError:
        return
    assert isinstance(result, ProblemSet)
    ids = [p.id for p in result.parts()]
    assert len(ids) == len(set(ids))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_any_text_never_crashes(text):
    try:
        parse_markdown(text)
    except TabenchError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000))
def test_any_bytes_in_a_file_never_crash(tmp_path, data):
    path = tmp_path / "doc.md"
    path.write_bytes(data)
    try:
        load_problem_set(path)
    except TabenchError as err:
        assert str(err) and "\n" not in str(err)
