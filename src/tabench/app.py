"""The application layer: what the command line and the web app both call.

Each function does one job of the pipeline over the store (ingest, import, grade, report, compare, list) and
returns data; none prints. Warnings come back as lines for the caller to show. Errors are TabenchError.
The review jobs (the review page, human verdicts, rubric edits, export) live in reviewing.py and are offered here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .answers import SubmissionInput, load_submissions
from .errors import TabenchError
from .grade import grade as grade_answers
from .ingest import load_problem_set
from .ingest.loader import read_text
from .key import with_parsed_forms
from .model import ProblemSet, Verdict
from .reviewing import (EXPORT_FORMATS, PartReview, edit_rubric, export_grades, next_to_review,  # noqa: F401
                        record_review, review_overview, review_part, stored_problem_set_id, stored_problem_sets,
                        void_reviews_of_changed_answers)
from .store import Store

REPORT_FORMATS = ("md", "html", "tex", "pdf", "json")


def example_path(name: str = "example.md") -> Path:
    """A file of the bundled example (the problem set and a submission to it)."""
    return Path(str(resources.files("tabench") / "examples" / name))


def load_key(path: str | Path, parsed_forms: bool = False) -> ProblemSet:
    """A problem set from a document or a ProblemSet JSON file; with `parsed_forms`, SymPy forms of the keys."""
    problem_set = load_problem_set(path)
    return with_parsed_forms(problem_set) if parsed_forms else problem_set


def import_transcript(path: str | Path, key: str | Path | None = None, options=None):
    """(Imported, the key's ProblemSet or None): a transcript or write-up split into answers per part.

    `options` (transcripts.Options) choose a conversation of an export, correct placements ("block 3=5.b") and
    place by content a transcript whose numbering does not fit the key."""
    from .transcripts import MAX_TRANSCRIPT_BYTES, import_text

    problem_set = load_problem_set(key) if key is not None else None
    text = read_text(path, what="transcript", max_bytes=MAX_TRANSCRIPT_BYTES)
    return import_text(text, str(path), problem_set, options), problem_set


@dataclass
class Graded:
    """What grading a file produced: the key, the submissions read, their verdicts and warnings to show."""

    problem_set: ProblemSet
    submissions: list[SubmissionInput]
    verdicts: list[Verdict]
    warnings: list[str] = field(default_factory=list)


def grade_file(key: str | Path, answers: str | Path, *, submission: str | None = None, model: str | None = None,
               protocol: str | None = None, store: bool = True, import_options=None,
               tolerance: float | None = None) -> Graded:
    """Grade an answers file (or a transcript, imported first) against the key, and store the results.

    A transcript that does not fit the key is refused (GradingError) unless `import_options.accept_mismatch`.
    `tolerance`: a relative tolerance for numbers whose key sets none of its own."""
    problem_set = load_problem_set(key)
    submissions = load_submissions(answers, problem_set, default_name=submission, import_options=import_options)
    for item in submissions:
        item.model = model or item.model
        item.protocol = protocol or item.protocol
    verdicts, warnings = grade_and_store(problem_set, submissions, str(answers), store=store, tolerance=tolerance)
    return Graded(problem_set, submissions, verdicts, warnings)


def grade_and_store(problem_set: ProblemSet, submissions: list[SubmissionInput], source: str | None,
                    store: bool = True, tolerance: float | None = None) -> tuple[list[Verdict], list[str]]:
    """(verdicts of every submission, warnings); answers, verdicts, traces and reader's marks are stored."""
    verdicts: list[Verdict] = []
    warnings: list[str] = []
    known = {part.id for part in problem_set.parts()}
    db = Store() if store else None
    try:
        key_id = db.save_problem_set(problem_set) if db else None
        for submission in submissions:
            unknown = sorted(set(submission.answers) - known)
            if unknown:
                warnings.append(f"{submission.name}: answers for parts the key does not have were kept but not "
                                f"graded: {' '.join(unknown[:10])}")
            graded = grade_answers(problem_set, submission.answers, submission=submission.name, tolerance=tolerance)
            if submission.imported is not None:
                warnings += _placement_warnings(submission.name, submission.imported, graded)
            if db:
                before = db.answers_of(key_id, submission.name)
                submission_id = db.save_submission(key_id, submission.name, submission.answers, source)
                void_reviews_of_changed_answers(db, submission_id, before, submission.answers)
                db.save_verdicts(submission_id, graded)
                if submission.model or submission.protocol or submission.sample is not None:
                    db.describe_submission(submission_id, submission.model, submission.protocol, submission.sample)
                if submission.trace is not None:
                    db.save_trace(submission_id, submission.trace)
                if submission.annotations:
                    db.save_human_verdicts(submission_id, submission.annotations)
            verdicts += graded
    finally:
        if db:
            db.close()
    return verdicts, warnings


@dataclass
class Checked:
    """What `tabench check FILE` produced: a result per pair in input order, and agreement with the labels the
    rows carry (None when they carry none)."""

    results: list
    agreement: dict | None = None


def check_file(path: str | Path, tolerance: float | None = None) -> Checked:
    """Check every (reference, answer) pair of a JSON Lines file (see checkfile.read_pairs)."""
    from .check import check
    from .checkfile import read_pairs

    pairs = read_pairs(read_text(path, what="pairs file"), str(path))
    results = [check(p.gold, p.answer, p.kind, p.precision, tolerance=tolerance, id=p.id) for p in pairs]
    labelled = [(pair, result) for pair, result in zip(pairs, results) if pair.expected is not None]
    agreement = None
    if labelled:
        said = [(pair.expected, result.verdict == "correct", result.verdict == "needs_review") for pair, result in labelled]
        agreement = {"labelled": len(said), "agree": sum(label == equal for label, equal, _ in said),
                     "called_equal_labelled_not": sum(equal and not label for label, equal, _ in said),
                     "undecided": sum(undecided for _, _, undecided in said)}
    return Checked(results, agreement)


UNCERTAIN_PLACEMENT = "uncertain_placement"  # the tag of a verdict on an answer whose place in the key is unsure


def _placement_warnings(name: str, imported, verdicts: list[Verdict]) -> list[str]:
    """What the import did that a person should check; verdicts on answers placed with low confidence are tagged."""
    lines = [f"{name}: {note}" for note in imported.notes]
    uncertain = {entry.part_id: entry for entry in imported.low_confidence}
    for verdict in verdicts:
        if verdict.part_id in uncertain and UNCERTAIN_PLACEMENT not in verdict.tags:
            verdict.tags.append(UNCERTAIN_PLACEMENT)
    if uncertain:
        shown = ", ".join(f"block {e.number} -> {pid} ({e.confidence:.2f}, {e.how})" for pid, e in uncertain.items())
        lines.append(f"{name}: placed with low confidence, check them (`tabench import --json` shows the blocks, "
                     f"--map \"block N=PART\" corrects one): {shown}")
    return lines


def stored_submissions() -> list[dict]:
    with Store() as db:
        return db.submissions()


def stored_runs() -> list[dict]:
    """Model runs with their cost (None where the price is unknown)."""
    from .runner import cost_of, load_prices

    with Store() as db:
        rows = db.runs()
    prices = load_prices()
    for row in rows:
        row["cost_usd"] = cost_of(row["model"], row["input_tokens"], row["output_tokens"], prices)
    return rows


def report_data(ref: str | int):
    """(the report's data, the submission's row) for a stored submission."""
    from .report.data import build_report

    with Store() as db:
        row = db.submission(ref)
        problem_set = db.problem_set(row["problem_set_id"])
        verdicts, automatic, answers = db.final_verdicts(row["id"]), db.verdicts(row["id"]), db.answers(row["id"])
        trace, human = db.trace(row["id"]), db.human_verdicts(row["id"])
    meta = {"submission": row["name"], "model": row["model"] or "—", "protocol": row["protocol"] or "—",
            "date": row["created_at"], "problem set": problem_set.title, "source": row["source"] or "—"}
    if row["sample"] is not None:
        meta["sample"] = row["sample"]
    return build_report(problem_set, verdicts, answers, meta, trace, human, automatic), row


def render_report(ref: str | int, fmt: str) -> tuple[str | bytes, dict]:
    """(the report in `fmt`, the submission's row); PDF comes back as bytes."""
    if fmt not in REPORT_FORMATS:
        raise TabenchError(f"unknown format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}")
    data, row = report_data(ref)
    if fmt == "md":
        from .report.markdown import render_markdown

        return render_markdown(data), row
    if fmt == "html":
        from .report.html import render_html

        return render_html(data), row
    if fmt == "json":
        from .report.json import render_json

        return render_json(data), row
    from .report.latex import render_latex

    if fmt == "tex":
        return render_latex(data), row
    from .report.pdf import compile_pdf

    return compile_pdf([render_latex(data), render_latex(data, math=False)]), row


def compare_stored(ids: list[str] | None, problem_set_path: str | Path | None) -> tuple[str, dict]:
    """(the problem set's title, the comparison) of stored submissions: ids, or every one of a problem set."""
    from .report.compare import Sample, compare

    if not ids and problem_set_path is None:
        raise TabenchError("give submission ids or --problem-set KEY; `tabench submissions` lists the ids")
    with Store() as db:
        if problem_set_path is not None:
            rows = db.submissions_of(db.save_problem_set(load_problem_set(problem_set_path)))
        else:
            rows = [db.submission(ref) for ref in ids]
        if not rows:
            raise TabenchError("no stored submissions to compare; grade some first")
        samples = [Sample(r["model"] or r["name"], r["protocol"] or "—", db.final_verdicts(r["id"])) for r in rows]
        title = rows[0]["problem_set"]
    return title, compare(samples)


def comparison_page(title: str, result: dict) -> str:
    """An HTML page with the comparison's bar chart and per-part heat map."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    from .report.charts import bar_chart, heat_map

    env = Environment(loader=PackageLoader("tabench.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("compare.html.j2").render(title=title, result=result, bar=bar_chart(result),
                                                      heat=heat_map(result))
