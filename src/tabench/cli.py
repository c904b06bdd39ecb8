"""The command line: thin. Errors become one line and exit status 2 here, and only here."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .answers import SubmissionInput, load_submissions
from .errors import TabenchError
from .grade import grade as grade_answers
from .ingest import load_problem_set
from .ingest.loader import read_text
from .transcripts import import_text
from .key import with_parsed_forms
from .model import ProblemSet, Verdict, problem_set_schema
from .stats import summarize
from .store import Store, default_home
from .summary import answer_summary, short

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Grade written answers to course problem sets against the official solutions.",
)
console = Console()


def _fail(err: TabenchError) -> None:
    Console(stderr=True).print(f"tabench: error: {err}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(err.exit_code)


def example_path(name: str = "example.md") -> Path:
    return Path(str(resources.files("tabench") / "examples" / name))


def _write_or_print(text: str, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.write(text + "\n")
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        tmp.replace(output)
    except OSError as err:
        raise TabenchError(f"{output}: cannot write ({err.strerror}); choose another path with -o") from None
    console.print(f"wrote {output}", highlight=False)


def print_index(problem_set: ProblemSet) -> None:
    table = Table(title=problem_set.title, title_justify="left")
    for column in ("id", "kind", "points", "fig", "reference answer"):
        table.add_column(column, overflow="fold")
    for question in problem_set.questions:
        for part in question.parts:
            points = "" if part.points is None else f"{part.points:g}"
            table.add_row(part.id, part.kind, points, "yes" if part.needs_figure else "", answer_summary(part))
    console.print(table)
    parts = problem_set.parts()
    for warning in problem_set.warnings:
        console.print(f"warning: {warning}", highlight=False)
    console.print(
        f"{_count(len(problem_set.questions), 'question')}, {_count(len(parts), 'part')}, "
        f"{sum(p.needs_figure for p in parts)} need a figure",
        highlight=False,
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


@app.command()
def ingest(
    document: Path = typer.Argument(..., help="Markdown/text problem set with solutions, or a ProblemSet JSON file."),
    as_json: bool = typer.Option(False, "--json", help="Print the ProblemSet as JSON instead of the index."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the ProblemSet JSON to this file."),
) -> None:
    """Read a problem set and print its question index (id, kind, points, figure flag, answer).

    The JSON (--json, -o) also carries the SymPy form of each reference expression that parses."""
    try:
        problem_set = load_problem_set(document)
        if output is not None or as_json:
            problem_set = with_parsed_forms(problem_set)
        if output is not None:
            _write_or_print(problem_set.model_dump_json(indent=2), output)
        elif as_json:
            _write_or_print(problem_set.model_dump_json(indent=2), None)
        else:
            print_index(problem_set)
    except TabenchError as err:
        _fail(err)


BADGES = {"correct": "✓", "partially_correct": "~", "incorrect": "✗", "needs_review": "?", "missing": "—"}
STYLES = {"correct": "green", "partially_correct": "yellow", "incorrect": "red", "needs_review": "magenta", "missing": "dim"}


def print_verdicts(verdicts: list[Verdict], problem_set: ProblemSet, title: str) -> None:
    table = Table(title=title, title_justify="left")
    for column in ("id", "", "score", "method", "answer read", "why"):
        table.add_column(column, overflow="fold")
    for v in verdicts:
        style = STYLES[v.verdict]
        table.add_row(v.part_id, f"[{style}]{BADGES[v.verdict]} {v.verdict}[/{style}]", f"{v.score:g}/{v.points:g}",
                      v.method, short(v.extracted, 30), short(v.rationale + (f" [{', '.join(v.tags)}]" if v.tags else ""), 60))
    console.print(table)
    print_summary(summarize(verdicts, problem_set))


def print_summary(summary: dict) -> None:
    counts = summary["verdicts"]
    share = summary["score"] / summary["points"] * 100 if summary["points"] else 0.0
    parts = ", ".join(f"{counts[k]} {k.replace('_', ' ')}" for k in BADGES if counts.get(k))
    console.print(f"score {summary['score']:g}/{summary['points']:g} ({share:.1f}%) · {parts}", highlight=False)
    by_kind = ", ".join(
        f"{kind} {info['accuracy'] * 100:.0f}% of {info['decided']}" for kind, info in summary["by_kind"].items()
        if info["accuracy"] is not None
    )
    if by_kind:
        console.print(f"accuracy by kind (answered parts that could be decided): {by_kind}", highlight=False)
    if summary["tags"]:
        tags = ", ".join(f"{tag} {count}" for tag, count in sorted(summary["tags"].items(), key=lambda kv: -kv[1]))
        console.print(f"tags: {tags}", highlight=False)
    if summary["needs_review"]:
        console.print(f"needs review: {' '.join(summary['needs_review'])}", highlight=False)
    if summary["not_graded"]:
        console.print(f"not graded (admin): {' '.join(summary['not_graded'])}", highlight=False)


def grade_and_store(problem_set: ProblemSet, submissions: list[SubmissionInput], source: str | None,
                    store: bool) -> list[Verdict]:
    verdicts: list[Verdict] = []
    known = {part.id for part in problem_set.parts()}
    db = Store() if store else None
    try:
        key_id = db.save_problem_set(problem_set) if db else None
        for submission in submissions:
            unknown = sorted(set(submission.answers) - known)
            if unknown:
                Console(stderr=True).print(
                    f"tabench: warning: {submission.name}: answers for parts the key does not have were kept but not "
                    f"graded: {' '.join(unknown[:10])}", markup=False, highlight=False, soft_wrap=True)
            graded = grade_answers(problem_set, submission.answers, submission=submission.name)
            if db:
                submission_id = db.save_submission(key_id, submission.name, submission.answers, source)
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
    return verdicts


@app.command()
def grade(
    key: Path = typer.Argument(..., help="The problem set with solutions (a document or a ProblemSet JSON file)."),
    answers: Path = typer.Argument(
        ..., help='Answers: a JSON object {"part_id": "answer"} (one submission), JSON Lines of '
        '{"submission", "part_id", "answer"} (many), or a chat transcript / write-up (imported first, '
        'see `tabench import`).'),
    as_json: bool = typer.Option(False, "--json", help="Print the verdicts as a JSON list."),
    submission: Optional[str] = typer.Option(None, "--submission", "-s", help="Name of a single submission (default: the file name)."),
    no_store: bool = typer.Option(False, "--no-store", help="Do not save answers and verdicts in the store."),
    model: Optional[str] = typer.Option(None, "--model", help="Who answered (recorded for reports and comparisons)."),
    protocol: Optional[str] = typer.Option(None, "--protocol", help="How the model was asked: whole, interactive, per-part."),
) -> None:
    """Grade answers against the key, part by part, and save the verdicts in the store ($TABENCH_HOME).

    JSON Lines rows may also carry "model", "protocol" and "sample"; `tabench compare` groups by them."""
    try:
        problem_set = load_problem_set(key)
        submissions = load_submissions(answers, problem_set, default_name=submission)
        for item in submissions:
            item.model = model or item.model
            item.protocol = protocol or item.protocol
        verdicts = grade_and_store(problem_set, submissions, str(answers), store=not no_store)
    except TabenchError as err:
        _fail(err)
    if as_json:
        sys.stdout.write(json.dumps([v.model_dump() for v in verdicts], indent=2, ensure_ascii=False) + "\n")
        return
    if len(submissions) == 1:
        print_verdicts(verdicts, problem_set, f"{submissions[0].name} — {problem_set.title}")
        imported = submissions[0].imported
        if imported is not None:
            _print_import_notes(imported)
        return
    table = Table(title=problem_set.title, title_justify="left")
    for column in ("submission", "score", "%", "✓", "~", "✗", "?", "—"):
        table.add_column(column)
    for name in (s.name for s in submissions):
        mine = [v for v in verdicts if v.submission == name]
        summary = summarize(mine, problem_set)
        counts = summary["verdicts"]
        share = summary["score"] / summary["points"] * 100 if summary["points"] else 0.0
        table.add_row(name, f"{summary['score']:g}/{summary['points']:g}", f"{share:.1f}",
                      *(str(counts.get(k, 0)) for k in BADGES))
    console.print(table)
    print_summary(summarize(verdicts, problem_set))


def _print_import_notes(imported) -> None:
    if imported.annotations:
        agreed = ", ".join(f"{a.part_id}: {a.verdict or '—'}" for a in imported.annotations)
        console.print(f"reader's verdicts imported: {agreed}", highlight=False)
    if imported.unaligned:
        console.print(f"blocks that fit no part: {len(imported.unaligned)} (see `tabench import --json`)", highlight=False)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A chat export (Markdown with turn markers, {role, content} JSON, ChatGPT's "
                                         "conversations.json), a report that quotes a prompt and a reply, or a write-up."),
    key: Optional[Path] = typer.Option(None, "--key", "-k", help="Align answers to the part ids of this problem set."),
    as_json: bool = typer.Option(False, "--json", help='Print {"answers", "annotations", "unaligned", "missing"} as JSON.'),
) -> None:
    """Split a transcript or write-up into answers per part; a reader's ✓/✗ marks become human verdicts."""
    try:
        problem_set = load_problem_set(key) if key is not None else None
        imported = import_text(read_text(file, what="transcript"), str(file), problem_set)
    except TabenchError as err:
        _fail(err)
    if as_json:
        sys.stdout.write(json.dumps(imported.as_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{file.name}" + (f" against {problem_set.title}" if problem_set else ""), title_justify="left")
    for column in ("part", "answer begins", "confidence", "reader's verdict"):
        table.add_column(column, overflow="fold")
    marks = {a.part_id: a for a in imported.annotations}
    for answer in imported.answers:
        mark = marks.get(answer.part_id)
        table.add_row(answer.part_id, short(answer.text, 50), f"{answer.confidence:.2f}",
                      (f"{mark.verdict or '?'}" + (f" [{', '.join(mark.tags)}]" if mark.tags else "")) if mark else "")
    console.print(table)
    if imported.missing:
        console.print(f"parts with no answer: {' '.join(imported.missing)}", highlight=False)
    for block in imported.unaligned:
        console.print(f"fits no part (line {block['line']}): {short(block['text'], 70)}", highlight=False)


REPORT_FORMATS = ("md", "html", "tex", "pdf")


def render_report(ref: str, fmt: str) -> tuple[str | bytes, dict]:
    from .report.data import build_report
    from .report.html import render_html
    from .report.latex import render_latex
    from .report.markdown import render_markdown
    from .report.pdf import compile_pdf

    with Store() as db:
        row = db.submission(ref)
        problem_set = db.problem_set(row["problem_set_id"])
        verdicts, answers = db.verdicts(row["id"]), db.answers(row["id"])
        trace, human = db.trace(row["id"]), db.human_verdicts(row["id"])
    meta = {"submission": row["name"], "model": row["model"] or "—", "protocol": row["protocol"] or "—",
            "date": row["created_at"], "problem set": problem_set.title, "source": row["source"] or "—"}
    if row["sample"] is not None:
        meta["sample"] = row["sample"]
    data = build_report(problem_set, verdicts, answers, meta, trace, human)
    if fmt == "md":
        return render_markdown(data), row
    if fmt == "html":
        return render_html(data), row
    if fmt == "tex":
        return render_latex(data), row
    return compile_pdf([render_latex(data), render_latex(data, math=False)]), row


@app.command()
def report(
    ref: str = typer.Argument("latest", help="A submission id (see `tabench submissions`) or 'latest'."),
    fmt: str = typer.Option("html", "--format", "-f", help="md, html (one offline file), tex, or pdf (needs pdflatex)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write here (default: stdout; pdf: report-ID.pdf)."),
) -> None:
    """The annotated write-up of a graded submission: answers, verdicts, references, executive summary."""
    if fmt not in REPORT_FORMATS:
        _fail(TabenchError(f"unknown format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}"))
    try:
        content, row = render_report(ref, fmt)
        if isinstance(content, bytes):
            target = output or Path(f"report-{row['id']}.pdf")
            _write_bytes(content, target)
        elif output is None:
            sys.stdout.write(content)
        else:
            _write_or_print(content.rstrip("\n"), output)
    except TabenchError as err:
        _fail(err)


def _write_bytes(content: bytes, target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    except OSError as err:
        raise TabenchError(f"{target}: cannot write ({err.strerror}); choose another path with -o") from None
    console.print(f"wrote {target}", highlight=False)


@app.command(name="compare")
def compare_command(
    ids: Optional[list[str]] = typer.Argument(None, help="Submission ids to compare (default: all of --problem-set)."),
    problem_set_path: Optional[Path] = typer.Option(None, "--problem-set", "-p", help="Compare every stored submission of this problem set."),
    as_json: bool = typer.Option(False, "--json", help="Print the numbers as JSON."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write an HTML page with a bar chart and a heat map."),
) -> None:
    """Models x protocols: mean ± standard error over samples, paired differences on the same parts, charts."""
    from .report.compare import Sample, compare

    try:
        if not ids and problem_set_path is None:
            raise TabenchError("give submission ids or --problem-set KEY; `tabench submissions` lists the ids")
        with Store() as db:
            if problem_set_path is not None:
                rows = db.submissions_of(db.save_problem_set(load_problem_set(problem_set_path)))
            else:
                rows = [db.submission(ref) for ref in ids]
            if not rows:
                raise TabenchError("no stored submissions to compare; grade some first")
            samples = [Sample(r["model"] or r["name"], r["protocol"] or "—", db.verdicts(r["id"])) for r in rows]
            title = rows[0]["problem_set"]
        result = compare(samples)
        if as_json:
            sys.stdout.write(json.dumps(result, indent=2) + "\n")
        else:
            table = Table(title=f"{title}: score over samples", title_justify="left")
            for column in ("model", "protocol", "samples", "mean ± s.e.", "needs review"):
                table.add_column(column)
            for g in result["groups"]:
                error = f" ± {g['standard_error'] * 100:.1f}" if g["standard_error"] is not None else ""
                table.add_row(g["model"], g["protocol"], str(g["samples"]), f"{g['mean'] * 100:.1f}%{error}", str(g["needs_review"]))
            console.print(table)
            for d in result["paired_differences"]:
                error = f" ± {d['standard_error'] * 100:.1f}" if d["standard_error"] is not None else ""
                console.print(f"{d['a']} − {d['b']}: {d['mean_difference'] * 100:+.1f} pp{error} over {d['parts']} parts", highlight=False)
        if output is not None:
            from jinja2 import Environment, PackageLoader, select_autoescape

            from .report.charts import bar_chart, heat_map

            env = Environment(loader=PackageLoader("tabench.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
            page = env.get_template("compare.html.j2").render(title=title, result=result, bar=bar_chart(result), heat=heat_map(result))
            _write_or_print(page, output)
    except TabenchError as err:
        _fail(err)


@app.command(name="run")
def run_command(
    key: Path = typer.Argument(..., help="The problem set (a document or a ProblemSet JSON file)."),
    model: str = typer.Option(..., "--model", "-m", help="provider/model: openai/…, anthropic/…, google/…, local/smollm2."),
    protocol: str = typer.Option("per-part", "--protocol", "-p", help="whole, interactive or per-part."),
    samples: int = typer.Option(1, "--samples", "-n", min=1, help="Answer the whole set this many times."),
    max_concurrency: int = typer.Option(4, "--max-concurrency", min=1, help="Model calls in flight at once."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the first N gradable parts."),
    max_tokens: int = typer.Option(2048, "--max-tokens", min=1, help="Token limit of each reply."),
    temperature: Optional[float] = typer.Option(None, "--temperature", help="Default 0, or 0.7 with --samples > 1."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="An OpenAI-compatible server (vLLM, Ollama, llama.cpp, LM Studio)."),
    resume: Optional[int] = typer.Option(None, "--resume", help="Continue this run (rerunning the same command does too)."),
    prompts: Optional[Path] = typer.Option(None, "--prompts", help="A folder of prompt templates that replace the packaged ones."),
    as_json: bool = typer.Option(False, "--json", help="Print the run's summary as JSON."),
) -> None:
    """Run a model on a problem set: answers are stored and graded as they arrive; reruns resume."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .protocols import PROTOCOLS
    from .providers import get_provider
    from .runner import RunConfig, Runner, load_prices, load_templates, summary

    try:
        if protocol not in PROTOCOLS:
            raise TabenchError(f"unknown protocol {protocol!r}; use one of {', '.join(PROTOCOLS)}")
        problem_set = load_problem_set(key)
        config = RunConfig(model=model, protocol=protocol, samples=samples, max_concurrency=max_concurrency, limit=limit,
                           max_tokens=max_tokens, temperature=temperature if temperature is not None else (0.7 if samples > 1 else 0.0),
                           base_url=base_url)
        templates, prices = load_templates(prompts), load_prices()
        provider = get_provider(model, base_url)
        with Store() as db, Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=Console(stderr=True), transient=as_json) as progress:
            task = progress.add_task(f"{model} · {protocol}", total=None)
            runner = Runner(db, problem_set, config, provider, templates,
                            on_progress=lambda done, total: progress.update(task, completed=done, total=total))
            run_id = runner.start(resume)
            try:
                runner.run(run_id)
            except KeyboardInterrupt:
                progress.stop()
                Console(stderr=True).print(f"tabench: run {run_id} interrupted; rerun the same command (or --resume {run_id}) to continue",
                                           markup=False, highlight=False)
                raise typer.Exit(130)
            result = summary(db, run_id, prices)
            submission_rows = [r for r in db.submissions() if r["name"].startswith(f"run{run_id}-")]
            verdicts = [v for r in submission_rows for v in db.verdicts(r["id"])]
    except TabenchError as err:
        _fail(err)
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return
    cost = "price unknown (add it to $TABENCH_HOME/prices.json)" if result["cost_usd"] is None else f"${result['cost_usd']:.4f}"
    console.print(f"run {run_id}: {result['model']} · {result['protocol']} · {result['samples']} sample(s) · "
                  f"{result['calls']} calls ({result['cached_calls']} from the cache) · {result['input_tokens']} in / "
                  f"{result['output_tokens']} out tokens · {cost}", highlight=False)
    if result["truncated_or_refused"]:
        console.print(f"{result['truncated_or_refused']} reply(ies) truncated or refused: graded needs_review", highlight=False)
    print_summary(summarize(verdicts, problem_set))


@app.command()
def runs(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List model runs: id, problem set, model, protocol, samples, score, tokens, cost, status."""
    from .runner import cost_of, load_prices

    try:
        with Store() as db:
            rows = db.runs()
        prices = load_prices()
    except TabenchError as err:
        _fail(err)
    for row in rows:
        row["cost_usd"] = cost_of(row["model"], row["input_tokens"], row["output_tokens"], prices)
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table()
    for column in ("id", "problem set", "model", "protocol", "samples", "score", "tokens in/out", "cost", "status"):
        table.add_column(column, overflow="fold")
    for row in rows:
        cost = "?" if row["cost_usd"] is None else f"${row['cost_usd']:.4f}"
        table.add_row(str(row["id"]), short(row["problem_set"], 28), row["model"], row["protocol"], str(row["samples"]),
                      f"{row['score']:g}/{row['points']:g}", f"{row['input_tokens']}/{row['output_tokens']}", cost, row["status"])
    console.print(table)


@app.command()
def submissions(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List graded submissions in the store (id, name, problem set, model, protocol, sample, score)."""
    try:
        with Store() as db:
            rows = db.submissions()
    except TabenchError as err:
        _fail(err)
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    table = Table()
    for column in ("id", "name", "problem set", "model", "protocol", "sample", "score", "date"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(str(row["id"]), row["name"], short(row["problem_set"], 30), row["model"] or "", row["protocol"] or "",
                      "" if row["sample"] is None else str(row["sample"]), f"{row['score']:g}/{row['points']:g}", row["created_at"])
    console.print(table)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a ProblemSet (what an edited problem-set file must follow)."""
    sys.stdout.write(json.dumps(problem_set_schema(), indent=2) + "\n")


@app.command()
def demo() -> None:
    """Run the whole job on the bundled example problem set."""
    try:
        path = example_path()
        console.print(f"[bold]1. Ingest[/bold] the bundled example {path}", highlight=False)
        problem_set = load_problem_set(path)
        print_index(problem_set)
        answers_path = example_path("example_answers.json")
        console.print(f"\n[bold]2. Grade[/bold] a bundled submission {answers_path}", highlight=False)
        submissions = load_submissions(answers_path, problem_set, default_name="demo-student")
        verdicts = grade_and_store(problem_set, submissions, str(answers_path), store=True)
        print_verdicts(verdicts, problem_set, f"demo-student — {problem_set.title}")
        console.print(f"verdicts saved in {default_home() / 'tabench.db'}", highlight=False)
        content, _ = render_report("latest", "html")
        target = default_home() / "reports" / "demo.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        console.print(f"\n[bold]3. Report[/bold] written to {target}", highlight=False)
    except TabenchError as err:
        _fail(err)


def _version(value: bool) -> None:
    if value:
        console.print(f"tabench {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    pass


def main() -> None:
    app()
