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
from .grade import grade_part
from .ingest import load_problem_set
from .ingest.loader import read_text
from .judge.decide import NOT_ATTEMPTS
from .judging import Judge, JudgeConfig
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
    judge: dict | None = None  # the judge's calls, tokens and cost, when --judge was given


def grade_file(key: str | Path, answers: str | Path, *, submission: str | None = None, model: str | None = None,
               protocol: str | None = None, store: bool = True, import_options=None,
               judge: JudgeConfig | None = None) -> Graded:
    """Grade an answers file (or a transcript, imported first) against the key, and store the results. With
    `judge`, a judge model decides the parts the checkers leave.

    A transcript that does not fit the key is refused (GradingError) unless `import_options.accept_mismatch`."""
    problem_set = load_problem_set(key)
    submissions = load_submissions(answers, problem_set, default_name=submission, import_options=import_options)
    for item in submissions:
        item.model = model or item.model
        item.protocol = protocol or item.protocol
    judging = Judge(judge) if judge is not None else None  # a wrong model name, key or template fails here
    verdicts, warnings = grade_and_store(problem_set, submissions, str(answers), store=store, judge=judging)
    return Graded(problem_set, submissions, verdicts, warnings, judging.summary() if judging else None)


def grade_and_store(problem_set: ProblemSet, submissions: list[SubmissionInput], source: str | None,
                    store: bool = True, judge: Judge | None = None) -> tuple[list[Verdict], list[str]]:
    """(verdicts of every submission, warnings); answers, verdicts, traces and reader's marks are stored. A
    `judge` decides what the checkers leave; its verdicts replace theirs, here and in the store."""
    verdicts: list[Verdict] = []
    warnings: list[str] = []
    known = {part.id for part in problem_set.parts()}
    db = Store() if store else None
    if judge is not None:
        judge.store = db
    try:
        key_id = db.save_problem_set(problem_set) if db else None
        for submission in submissions:
            unknown = sorted(set(submission.answers) - known)
            if unknown:
                warnings.append(f"{submission.name}: answers for parts the key does not have were kept but not "
                                f"graded: {' '.join(unknown[:10])}")
            graded = grade_answers(problem_set, submission.answers, submission=submission.name)
            if submission.imported is not None:
                warnings += _placement_warnings(submission.name, submission.imported, graded)
            submission_id = None
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
            if judge is not None:
                for verdict in graded:
                    judge.submit(submission_id, problem_set, problem_set.part(verdict.part_id),
                                 submission.answers.get(verdict.part_id), verdict)
            verdicts += graded
        if judge is not None:
            verdicts = _with_judged(verdicts, judge.finish())
    finally:
        if judge is not None:
            judge.close()  # after an error: what the judge answered is stored, what it had not started is dropped
        if db:
            db.close()
    return verdicts, warnings


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


def _with_judged(verdicts: list[Verdict], judged: list[tuple[int | None, Verdict]]) -> list[Verdict]:
    by_part = {(v.submission, v.part_id): v for _, v in judged}
    return [by_part.get((v.submission, v.part_id), v) for v in verdicts]


# ---- the judge over stored answers: regrade, runs, agreement ------------------------------------

@dataclass
class Regraded:
    problem_set: ProblemSet
    submission: dict
    verdicts: list[Verdict]
    judge: dict


def regrade(ref: str | int, judge: JudgeConfig) -> Regraded:
    """Judge a stored submission's answers again (never asking the model that answered): the parts the checkers
    leave, and those a judge decided before. Decisive checker verdicts, people's verdicts and replies that were
    cut off or refused are kept as they are."""
    judging = Judge(judge)
    with Store() as db:
        judging.store = db
        try:
            row = db.submission(ref)
            problem_set = db.problem_set(row["problem_set_id"])
            judge_stored(db, judging, row["id"], problem_set, again=True)
            judging.finish()
        finally:
            judging.close()
        verdicts = db.verdicts(row["id"])
    return Regraded(problem_set, row, verdicts, judging.summary())


def judge_stored(db: Store, judge: Judge, submission_id: int, problem_set: ProblemSet, again: bool) -> None:
    """Send a stored submission's parts to the judge: those it may decide and, unless `again`, has not judged yet.
    The checkers grade the stored answer first (their verdict is stored when it is decisive now)."""
    answers, done = db.answers(submission_id), db.judgements(submission_id)
    graded_by_people = {v.part_id for v in db.final_verdicts(submission_id) if v.method == "human"}
    for stored in db.verdicts(submission_id):
        if stored.part_id in done and not again or stored.part_id in graded_by_people:
            continue
        if not (stored.method == "judge" or stored.verdict == "needs_review"):
            continue
        if NOT_ATTEMPTS & set(stored.tags):
            continue
        part = problem_set.part(stored.part_id)
        fresh = grade_part(part, answers.get(part.id), stored.submission)
        if fresh.verdict != "needs_review":
            db.save_verdicts(submission_id, [fresh])
            continue
        judge.submit(submission_id, problem_set, part, answers.get(part.id), fresh)


def judge_run(db: Store, judge: Judge, run_id: int, problem_set: ProblemSet) -> dict:
    """After a run with --judge: wait for the judge, then judge what it has not (answers stored before a resume)."""
    judge.wait()
    for row in db.submissions():
        if row["name"].startswith(f"run{run_id}-"):
            judge_stored(db, judge, row["id"], problem_set, again=False)
    judge.finish()
    return judge.summary()


def agreement(ids: list[str] | None, problem_set_path: str | Path | None) -> tuple[str, dict]:
    """(the problem set's title, how the judge's verdicts agree with people's) over stored submissions."""
    from .judge import Pair, agreement_table

    pairs: list[Pair] = []
    undecided = not_judged = 0
    with Store() as db:
        rows = _selected_submissions(db, ids, problem_set_path)
        for row in rows:
            kinds = {part.id: part.kind for part in db.problem_set(row["problem_set_id"]).parts()}
            ours = {v.part_id: v for v in db.verdicts(row["id"])}
            for human in db.human_verdicts(row["id"]):
                verdict = ours.get(human["part_id"])
                if not human.get("verdict") or verdict is None:
                    continue
                if verdict.method != "judge":
                    not_judged += 1
                elif verdict.verdict == "needs_review":
                    undecided += 1
                else:
                    pairs.append(Pair(row["name"], human["part_id"], kinds.get(human["part_id"], "?"),
                                      human["verdict"], verdict.verdict))
        title = rows[0]["problem_set"]
    return title, agreement_table(pairs, undecided, not_judged)


def _selected_submissions(db: Store, ids: list[str] | None, problem_set_path: str | Path | None) -> list[dict]:
    """Stored submissions by id, or every one of a problem set."""
    if not ids and problem_set_path is None:
        raise TabenchError("give submission ids or --problem-set KEY; `tabench submissions` lists the ids")
    if problem_set_path is not None:
        rows = db.submissions_of(db.save_problem_set(load_problem_set(problem_set_path)))
    else:
        rows = [find_submission(db, ref) for ref in ids]
    if not rows:
        raise TabenchError("no stored submissions for that; grade some first")
    return rows


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


def find_submission(db: Store, ref: str | int) -> dict:
    """A stored submission by id, 'latest', or the name `tabench submissions` shows (e.g. `run4-s1`)."""
    text = str(ref).strip()
    if text == "latest" or text.isdigit():
        return db.submission(text)
    rows = [row for row in db.submissions() if row["name"] == text]
    if len(rows) == 1:
        return db.submission(rows[0]["id"])
    if rows:
        ids = ", ".join(str(row["id"]) for row in rows)
        raise TabenchError(f"{len(rows)} stored submissions are named {text!r} (ids {ids}); give the id")
    import difflib

    close = difflib.get_close_matches(text, [row["name"] for row in db.submissions()], n=3)
    hint = f"; did you mean {' or '.join(repr(name) for name in close)}?" if close else ""
    raise TabenchError(f"no stored submission is named {text!r}{hint} (`tabench submissions` lists ids and names)")


def report_data(ref: str | int):
    """(the report's data, the submission's row) for a stored submission (id, name or 'latest')."""
    from .report.data import build_report

    with Store() as db:
        row = find_submission(db, ref)
        problem_set = db.problem_set(row["problem_set_id"])
        verdicts, automatic, answers = db.final_verdicts(row["id"]), db.verdicts(row["id"]), db.answers(row["id"])
        trace, human = db.trace(row["id"]), db.human_verdicts(row["id"])
        judged = db.judgements(row["id"])
    meta = {"submission": row["name"], "model": row["model"] or "—", "protocol": row["protocol"] or "—",
            "date": row["created_at"], "problem set": problem_set.title, "source": row["source"] or "—"}
    if row["sample"] is not None:
        meta["sample"] = row["sample"]
    return build_report(problem_set, verdicts, answers, meta, trace=trace, human=human, automatic=automatic,
                        judged=judged), row


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


def compare_stored(ids: list[str] | None, problem_set_path: str | Path | None,
                   baseline: str | None = None) -> tuple[str, dict]:
    """(the problem set's title, the comparison) of stored submissions: ids or names, or every one of a
    problem set; paired differences against `baseline` (a model, or 'MODEL / PROTOCOL'; default: the first)."""
    from .report.compare import Sample, compare

    with Store() as db:
        rows = _selected_submissions(db, ids, problem_set_path)
        samples = [Sample(r["model"] or r["name"], r["protocol"] or "—", db.final_verdicts(r["id"])) for r in rows]
        title = rows[0]["problem_set"]
    return title, compare(samples, baseline)


def comparison_page(title: str, result: dict) -> str:
    """An HTML page with the comparison's tables, bar chart and per-part heat map."""
    from .report.html import render_comparison

    return render_comparison(title, result)
