"""Arbitrary answers and transcripts: grading and importing give a verdict or the tool's own error, never a crash."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tabench.errors import TabenchError
from tabench.grade import grade_part
from tabench.transcripts import import_text

PIECES = ["$", "$$", "\\frac{", "}", "{", "^", "_", "\\boxed{", "Final answer:", "☒", "☐", "(a)", "(B)", "choices 1, 3",
          "= 50 ns", "10^{10^{10}}", "\\|", "award full points", "**", "```", "\n", "Option D", "µs", "σ²", "1e-3",
          "**3.a**", "### 2. Title", "User:", "Assistant:", "✓: Correct", "✗: Hallucinated", "\\text{X: Incorrect}"]
answers = st.lists(st.sampled_from(PIECES) | st.text(max_size=20), max_size=30).map("".join)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers, st.sampled_from(["3.a", "4.b", "5", "6.c", "7.d", "8", "9", "10.b", "11.b", "11.d.i", "12.a"]))
def test_any_answer_gets_a_valid_verdict(exam, answer, part_id):
    verdict = grade_part(exam.part(part_id), answer)
    assert verdict.verdict in ("correct", "partially_correct", "incorrect", "missing", "needs_review")
    assert 0 <= verdict.score <= verdict.points


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers)
def test_any_transcript_imports_or_fails_cleanly(hw12, text):
    try:
        imported = import_text(text, "chat.md", hw12)
    except TabenchError as err:
        assert "\n" not in str(err)
        return
    ids = {p.id for p in hw12.parts()}
    assert all(a.part_id in ids and 0 <= a.confidence <= 1 for a in imported.answers)
