"""The application layer: what the command line and the web app both call.

Each function does one job of the pipeline over the store (ingest, import, grade, report, compare, list) and
returns data; none prints. Warnings come back as lines for the caller to show. Errors are TabenchError.
The review jobs (the review page, human verdicts, rubric edits, export) live in reviewing.py and are offered here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Mapping

from .answers import SubmissionInput, load_submissions
from .errors import GradingError, ParseError, TabenchError
from . import worker
from .grade import gradable_parts, grade_part
from .ingest import load_problem_set
from .ingest.loader import read_text
from .judge.decide import NOT_ATTEMPTS
from .judging import Judge, JudgeConfig
from .input_checks import check_problem_set_size, duplicate_ids, scrub_surrogates
from .key import with_parsed_forms
from .model import Part, ProblemSet, Verdict
from .partids import only_parts
from .partids import select as select_parts
from .reviewing import (EXPORT_FORMATS, PartReview, edit_rubric, export_grades, next_to_review,  # noqa: F401
                        record_review, review_overview, review_part, stored_problem_set_id, stored_problem_sets,
                        void_reviews_of_changed_answers)
from .store import Store
from .submissions import check_against_key, store_graded

REPORT_FORMATS = ("md", "html", "tex", "pdf", "json")


def example_path(name: str = "example.md") -> Path:
    """A file of the bundled example (the problem set and a submission to it)."""
    return Path(str(resources.files("tabench") / "examples" / name))


def load_key(path: str | Path, parsed_forms: bool = False) -> ProblemSet:
    """A problem set from a document or a ProblemSet JSON file; with `parsed_forms`, SymPy forms of the keys.

    Refused with one line: more questions or parts than input_checks allows, a part id used twice, or a JSON
    file that holds answers rather than a problem set."""
    try:
        problem_set = load_problem_set(path)
    except ParseError:
        if _holds_answers(path):
            raise ParseError(f"{path}: looks like an answers file (part ids to answers), not a problem set with "
                             "solutions") from None
        raise
    parts = problem_set.parts()
    check_problem_set_size(len(problem_set.questions), len(parts), str(path))
    repeated = duplicate_ids([part.id for part in parts])
    if repeated:
        raise ParseError(f"{path}: part id {repeated[0]} is used by more than one part"
                         + (f" (also {', '.join(repeated[1:4])})" if len(repeated) > 1 else "")
                         + "; every part needs its own id, fix the ids in the file")
    return with_parsed_forms(problem_set) if parsed_forms else problem_set


def _holds_answers(path: str | Path) -> bool:
    """Whether a JSON file given as a key is an object of part ids to answers."""
    try:
        data = json.loads(read_text(path))
    except (TabenchError, ValueError):
        return False
    return isinstance(data, dict) and "questions" not in data and bool(data) and all(
        isinstance(v, (str, int, float)) or v is None for v in data.values())


def has_reference(part: Part) -> bool:
    """Whether the key says what a right answer is for this part (a solution or a blank's answer)."""
    return part.has_reference or any(b.correct or b.number or b.latex or b.text for b in part.blanks)


def key_warnings(problem_set: ProblemSet) -> list[str]:
    """What to tell someone about to use this problem set as a key (`tabench ingest`, `tabench run`)."""
    gradable = [part for part in problem_set.parts() if part.kind != "admin"]
    if gradable and not any(has_reference(part) for part in gradable):
        return [f"{problem_set.source or problem_set.title}: no part has a reference solution, so this looks like "
                "answers or a transcript rather than a key (`tabench import FILE --key KEY` reads transcripts)"]
    return []


def key_figures(key: str | Path, problem_set: ProblemSet, part_ids=None) -> tuple[list, list[str]]:
    """(the figures of the key's parts — figures.KeptFigure, image or reason — and a warning per figure not
    kept). `part_ids`: only those parts' figures."""
    from .figures import figure_warnings, gather_figures

    figures = gather_figures(problem_set, key, part_ids)
    return figures, figure_warnings(figures)


def ingest_figures(key: str | Path, problem_set: ProblemSet) -> list[str]:
    """What `tabench ingest` says of a key's figures: how many were kept and missing, then why each is missing."""
    from .figures import figure_counts

    figures, warnings = key_figures(key, problem_set)
    return [figure_counts(figures)] + warnings if figures else []


def import_transcript(path: str | Path, key: str | Path | None = None, options=None):
    """(Imported, the key's ProblemSet or None): a transcript or write-up split into answers per part.

    `options` (transcripts.Options) choose a conversation of an export, correct placements ("block 3=5.b") and
    place by content a transcript whose numbering does not fit the key."""
    from .transcripts import MAX_TRANSCRIPT_BYTES, import_text

    problem_set = load_key(key) if key is not None else None
    text = read_text(path, what="transcript", max_bytes=MAX_TRANSCRIPT_BYTES)
    imported = import_text(text, str(path), problem_set, options)
    scrub_surrogates(imported)  # half characters from a JSON export print as \ufffd instead of failing the terminal
    return imported, problem_set


@dataclass
class Graded:
    """What grading a file produced: the key, the submissions read, their verdicts and warnings to show."""

    problem_set: ProblemSet
    submissions: list[SubmissionInput]
    verdicts: list[Verdict]
    warnings: list[str] = field(default_factory=list)
    judge: dict | None = None  # the judge's calls, tokens and cost, when --judge was given


def grade_file(key: str | Path, answers: str | Path, *, submission: str | None = None, model: str | None = None,
               protocol: str | None = None, store: bool = True, parts: str | None = None,
               replace: bool = False, import_options=None, judge: JudgeConfig | None = None,
               tolerance: float | None = None) -> Graded:
    """Grade an answers file (or a transcript, imported first) against the key, and store the results. With
    `judge`, a judge model decides the parts the checkers leave.

    `parts` ('3.a,6') grades only those parts; stored, they replace only those parts' answers and verdicts.
    A stored submission of the same name from another file is never replaced unless `replace`. A transcript
    that does not fit the key is refused (GradingError) unless `import_options.accept_mismatch`.
    `tolerance`: a relative tolerance for numbers whose key sets none of its own."""
    problem_set = _grading_key(key, answers)
    submissions = load_submissions(answers, problem_set, default_name=submission, import_options=import_options)
    for item in submissions:
        item.model = model or item.model
        item.protocol = protocol or item.protocol
    judging = Judge(judge) if judge is not None else None  # a wrong model name, key or template fails here
    chosen = select_parts(parts, [p.id for p in problem_set.parts()]) if parts else None
    origin = str(Path(answers).resolve())
    verdicts, warnings = grade_and_store(problem_set, submissions, str(answers), store=store, origin=origin,
                                         replace=replace, parts=chosen, judge=judging, tolerance=tolerance,
                                         document=key)
    return Graded(problem_set, submissions, verdicts, warnings, judging.summary() if judging else None)


def _grading_key(key: str | Path, answers: str | Path) -> ProblemSet:
    """The key, refused when it cannot be one — most often because KEY and ANSWERS were given the other way round."""
    try:
        problem_set = load_key(key)
    except TabenchError as err:
        raise type(err)(f"{err}{_swapped(answers)}") from None
    if key_warnings(problem_set):
        raise GradingError(f"{key}: no part has a reference solution, so it looks like answers rather than a key"
                           f"{_swapped(answers) or '; give the key with its solutions first: tabench grade KEY ANSWERS'}")
    return problem_set


def _swapped(answers: str | Path) -> str:
    """'; ANSWERS looks like the key …' when the answers file reads as a key with solutions."""
    try:
        other = load_problem_set(answers)
    except (TabenchError, ValueError, RecursionError):
        return ""
    if key_warnings(other):
        return ""
    return f"; {answers} looks like the key: the arguments seem swapped, run tabench grade KEY ANSWERS"


def grade_and_store(problem_set: ProblemSet, submissions: list[SubmissionInput], source: str | None,
                    store: bool = True, origin: str | None = None, replace: bool = False,
                    parts: list[str] | None = None, judge: Judge | None = None,
                    tolerance: float | None = None, document: str | Path | None = None) -> tuple[list[Verdict], list[str]]:
    """(verdicts of every submission, warnings); answers, verdicts, traces and reader's marks are stored, and
    with the key's `document`, its figures (gathered the first time the key is stored).

    Everything is checked and graded before anything is written; each submission is then written in one
    transaction, so a failure leaves no half-stored submission. A `judge` then decides what the checkers
    leave; its verdicts replace theirs, here and in the store."""
    warnings: list[str] = []
    for submission in submissions:
        warnings += submission.warnings + check_against_key(problem_set, submission)
    key = only_parts(problem_set, parts) if parts else problem_set
    graded = grade_submissions(key, [(submission.name, submission.answers) for submission in submissions], tolerance)
    for submission, verdicts in zip(submissions, graded):
        if submission.imported is not None:
            warnings += _placement_warnings(submission.name, submission.imported, verdicts)
    stored: list[tuple[int | None, list[Verdict]]] = [(None, verdicts) for verdicts in graded]
    db = Store() if store else None
    try:
        if db is not None:
            key_id = db.save_problem_set(problem_set)
            if document is not None and not db.figures(key_id):  # kept for runs and reviews; grading reads text
                db.save_figures(key_id, key_figures(document, problem_set)[0])
            with db.transaction():  # all of a file's submissions, or none
                stored = []
                for submission, verdicts in zip(submissions, graded):
                    submission_id, verdicts, note = store_graded(db, key_id, problem_set, submission, verdicts,
                                                                 source, origin, replace, parts)
                    warnings += [note] if note else []
                    stored.append((submission_id, verdicts))
        if judge is None:
            return [v for _, verdicts in stored for v in verdicts], warnings
        judge.store = db
        try:
            for (submission_id, verdicts), submission in zip(stored, submissions):
                for verdict in verdicts:
                    judge.submit(submission_id, problem_set, problem_set.part(verdict.part_id),
                                 submission.answers.get(verdict.part_id), verdict)
            judged = judge.finish()
        finally:
            judge.close()  # after an error: what the judge answered is stored, what it had not started is dropped
        return _with_judged([v for _, verdicts in stored for v in verdicts], judged), warnings
    finally:
        if db is not None:
            db.close()


def grade_submissions(problem_set: ProblemSet, submissions: list[tuple[str, Mapping[str, str | None]]],
                      tolerance: float | None = None) -> list[list[Verdict]]:
    """The verdicts of each (name, answers), as `grade` gives them, with the expression comparisons pipelined: an
    answer whose comparison the worker has not decided yet is set aside while the other answers are read, then
    graded again once the worker has answered (worker.pipelined)."""
    parts = gradable_parts(problem_set)
    jobs = [partial(grade_part, part, answers.get(part.id), name, tolerance=tolerance)
            for name, answers in submissions for part in parts]
    verdicts = worker.pipelined(jobs)
    return [verdicts[index * len(parts) : (index + 1) * len(parts)] for index in range(len(submissions))]


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
    results = worker.pipelined([partial(check, p.gold, p.answer, p.kind, p.precision, tolerance=tolerance, id=p.id)
                                for p in pairs])
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
    """Model runs with their cost (None where the price is unknown); runs whose process is gone are marked
    `interrupted` first."""
    from .processes import is_running
    from .runner import cost_of, load_prices

    with Store() as db:
        db.mark_dead_runs(is_running)
        rows = db.runs()
    prices = load_prices()
    for row in rows:
        row["cost_usd"] = cost_of(row["model"], row["input_tokens"], row["output_tokens"], prices)
    return rows


def delete_stored(kind: str, ids: list[int]) -> list[str]:
    """Remove runs (with their submissions) or submissions from the store; one line per thing removed.

    Every id is checked before anything is removed: a running run, a submission that belongs to a run, or an
    unknown id refuses the whole command."""
    from .processes import is_running

    if kind not in ("run", "submission"):
        raise TabenchError(f"delete what? {kind!r}; use `tabench delete run ID…` or `tabench delete submission ID…`")
    lines = []
    with Store() as db, db.transaction():
        db.mark_dead_runs(is_running)
        for item in ids:
            if kind == "run":
                run = db.run(item)
                if run["status"] == "running":
                    raise TabenchError(f"run {item} is running (process {run['owner_pid']} on {run['owner_host']}); "
                                       "stop it first (Ctrl-C in its terminal), then delete it")
            else:
                row = db.submission(item)
                if row["run_id"] is not None:
                    raise TabenchError(f"submission {item} ({row['name']}) belongs to run {row['run_id']}; delete the "
                                       f"whole run with `tabench delete run {row['run_id']}`")
        for item in ids:
            if kind == "run":
                run = db.run(item)
                gone = db.delete_run(item)
                lines.append(f"deleted run {item} ({run['model']} · {run['protocol']}) with its "
                             f"{gone['submissions']} submission(s); its replies stay in the response cache")
            else:
                gone = db.delete_submission(item)
                lines.append(f"deleted submission {item} ({gone['name']})")
    return lines


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


# ---- model runs ------------------------------------------------------------------------------------

@dataclass
class RunOutcome:
    run_id: int
    summary: dict
    problem_set: ProblemSet
    verdicts: list[Verdict]
    judge: dict | None = None  # the judge's summary, with --judge


class RunInterrupted(TabenchError):
    """Ctrl-C (exit 130) or SIGTERM (exit 143) stopped a run; what arrived is kept."""

    exit_code = 130


def run_key(key: str | Path, parts: str | None) -> tuple[ProblemSet, tuple[str, ...] | None, list[str]]:
    """(the problem set, the part ids --parts selects, warnings) for a run or a dry run."""
    problem_set = load_key(key)
    gradable = [part.id for part in problem_set.parts() if part.kind != "admin"]
    chosen = tuple(select_parts(parts, gradable)) if parts else None
    return problem_set, chosen, key_warnings(problem_set)


def plan_run(key: str | Path, protocol: str, prompts: Path | None = None, parts: str | None = None,
             limit: int | None = None, model: str | None = None,
             images: bool = True) -> tuple[ProblemSet, list[tuple[str, list[dict]]], list[str]]:
    """(problem set, the calls one sample would make as (what for, messages), warnings): a dry run, no model.
    Messages name the figures they would carry (label, size, sha256), never their bytes; `model` and `images`
    (False: --no-images) say whether the model would be sent images."""
    from .figures import figures_to_show
    from .protocols import PROTOCOLS, planned_calls
    from .providers import reads_images
    from .runner import load_templates

    if protocol not in PROTOCOLS:
        raise TabenchError(f"unknown protocol {protocol!r}; use one of {', '.join(PROTOCOLS)}")
    problem_set, chosen, warnings = run_key(key, parts)
    templates = load_templates(prompts)
    wanted = [p.id for p in problem_set.parts() if p.kind != "admin" and (chosen is None or p.id in chosen)]
    asked = only_parts(problem_set, wanted[: limit or None])
    figures, figure_notes = key_figures(key, problem_set, [p.id for p in asked.parts()])
    shown, _ = figures_to_show(figures, images and (model is None or reads_images(model)))
    return asked, planned_calls(asked, protocol, templates, shown), warnings + figure_notes


def run_model(key: str | Path, config, *, prompts: Path | None = None, parts: str | None = None,
              resume: int | None = None, new: bool = False, provider=None, on_start=None,
              on_progress=None, judge: JudgeConfig | None = None, on_judging=None) -> RunOutcome:
    """Run a model on a problem set (see runner.py): answers are stored and graded as they arrive; with `judge`,
    a judge model decides what the checkers leave, as answers arrive.

    `on_start(run_id, notices)` is called once the run is chosen (notices say when a rerun resumes a stored
    run); `on_progress(done, total, note)` as calls finish or are retried; `on_judging()` when only the judge
    is left to wait for."""
    from dataclasses import replace as replaced

    from .protocols import PROTOCOLS
    from .providers import get_provider
    from .runner import Runner, Terminated, load_prices, load_templates, summary

    if config.protocol not in PROTOCOLS:
        raise TabenchError(f"unknown protocol {config.protocol!r}; use one of {', '.join(PROTOCOLS)}")
    problem_set, chosen, warnings = run_key(key, parts)
    config = replaced(config, parts=chosen)
    templates, prices = load_templates(prompts), load_prices()
    figures, figure_notes = key_figures(key, problem_set, chosen)
    warnings += figure_notes
    provider = provider or get_provider(config.model, config.base_url, timeout=config.timeout)
    judging = Judge(judge) if judge is not None else None  # a wrong judge model, key or template fails here
    with Store() as db:
        on_graded = None
        if judging is not None:
            judging.store = db
            on_graded = lambda sid, part, text, verdict: judging.submit(sid, problem_set, part, text, verdict)  # noqa: E731
        runner = Runner(db, problem_set, config, provider, templates, on_progress=on_progress, on_graded=on_graded,
                        figures=figures)
        run_id = runner.start(resume, new=new)
        if on_start is not None:
            on_start(run_id, warnings + _resume_notices(runner, run_id))
        judge_summary = None
        try:
            runner.run(run_id)
            if judging is not None:
                if on_judging is not None:
                    on_judging()
                judge_summary = judge_run(db, judging, run_id, problem_set)
        except KeyboardInterrupt as err:
            stopped = RunInterrupted(f"run {run_id} {'terminated' if isinstance(err, Terminated) else 'interrupted'}; "
                                     f"what arrived is kept: rerun the same command (or --resume {run_id}) to continue")
            stopped.exit_code = 143 if isinstance(err, Terminated) else 130
            raise stopped from None
        finally:
            if judging is not None:
                judging.close()  # what the judge already answered is stored
        result = summary(db, run_id, prices)
        rows = [r for r in db.submissions() if r["run_id"] == run_id]
        verdicts = [v for r in rows for v in db.verdicts(r["id"])]
    return RunOutcome(run_id, result, problem_set, verdicts, judge_summary)


def _resume_notices(runner, run_id: int) -> list[str]:
    before = runner.resumed
    if before is None:
        return []
    if before["status"] == "done":
        return [f"run {run_id} with these settings already finished on {before['finished_at'] or before['started_at']}; "
                "showing it (add --new to run the model again)"]
    return [f"resuming run {run_id} ({before['status']}, started {before['started_at']}, {before['calls']} call(s) "
            "already answered); add --new to start a separate run"]


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
