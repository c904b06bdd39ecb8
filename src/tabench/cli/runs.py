from __future__ import annotations

"""Commands about model runs: run, runs."""

import json
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.text import Text

from .. import app as application
from ..errors import TabenchError
from ..stats import summarize
from ..judging import JudgeConfig
from . import base
from .base import _fail, app, console, note, warn
from .judge_options import judge_options, print_judge_summary
from .show import print_compact, print_summary, short_date, tokens


@app.command(name="run", rich_help_panel="Pipeline")
@judge_options
def run_command(
    key: Path = typer.Argument(..., help="The problem set (a document or a ProblemSet JSON file)."),
    model: str = typer.Option(..., "--model", "-m", help="provider/model: openai/…, anthropic/…, google/…, local/smollm2."),
    protocol: str = typer.Option("per-part", "--protocol", "-p", help="whole, interactive or per-part."),
    samples: int = typer.Option(1, "--samples", "-n", min=1, help="Answer the whole set this many times."),
    max_concurrency: int = typer.Option(4, "--max-concurrency", min=1, help="Model calls in flight at once."),
    parts: Optional[str] = typer.Option(None, "--parts", help="Only these parts: ids or question numbers, e.g. 3.a,6."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Only the first N gradable parts."),
    max_tokens: int = typer.Option(2048, "--max-tokens", min=1, help="Token limit of each reply."),
    temperature: Optional[float] = typer.Option(None, "--temperature", help="Default 0, or 0.7 with --samples > 1."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="An OpenAI-compatible server (vLLM, Ollama, llama.cpp, LM Studio)."),
    timeout: float = typer.Option(120.0, "--timeout", min=0.1, help="Seconds one request may take before it is retried."),
    run_timeout: Optional[float] = typer.Option(None, "--run-timeout", min=0.1, help="Seconds the whole run may take; then it stops, resumable."),
    resume: Optional[int] = typer.Option(None, "--resume", help="Continue this run (rerunning the same command does too)."),
    new: bool = typer.Option(False, "--new", help="Start a separate run even if one with the same settings is stored."),
    prompts: Optional[Path] = typer.Option(None, "--prompts", help="A folder of prompt templates that replace the packaged ones."),
    no_images: bool = typer.Option(False, "--no-images", help="Send no figures: for a text model behind an "
                                   "OpenAI-compatible server (llama.cpp, vLLM) that refuses image content."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the prompts the run would send; call no model, store nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the run's summary (with --dry-run: the calls) as JSON."),
    judge: Optional[JudgeConfig] = None,
) -> None:
    """Run a model on a problem set: answers are stored and graded as they arrive; reruns resume.

    Ctrl-C (or SIGTERM) stops the run at once, keeps every reply that arrived and marks it interrupted.
    With --judge, a judge model decides the free-form parts (and what the checkers leave) as answers arrive."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..runner import RunConfig

    if dry_run:
        _dry_run(key, protocol, prompts, parts, limit, samples, as_json, model, not no_images)
        return
    try:
        if resume is not None and new:
            raise TabenchError("--resume continues a stored run and --new starts another; give one of them")
        config = RunConfig(model=model, protocol=protocol, samples=samples, max_concurrency=max_concurrency, limit=limit,
                           max_tokens=max_tokens, temperature=temperature if temperature is not None else (0.7 if samples > 1 else 0.0),
                           base_url=base_url, timeout=timeout, run_timeout=run_timeout, images=not no_images)
        progress = Progress(TextColumn("{task.description}", style="bold", markup=False), BarColumn(),
                            MofNCompleteColumn(), TextColumn("calls"), TimeElapsedColumn(),
                            TextColumn("{task.fields[note]}", style="yellow", markup=False),
                            console=Console(stderr=True, markup=False, highlight=False), transient=as_json)
        task = progress.add_task(f"{model} · {protocol}", total=None, note="")

        def started(run_id: int, notices: list[str]) -> None:
            note(notices)
            progress.start()

        def advanced(done: int, total: int, retry: str) -> None:
            progress.update(task, completed=done, total=total, note=retry)

        try:
            with _sigterm_stops_the_run():
                outcome = application.run_model(key, config, prompts=prompts, parts=parts, resume=resume, new=new,
                                                 on_start=started, on_progress=advanced, judge=judge,
                                                 on_judging=lambda: progress.update(task, description=f"{model} · {protocol} · judge"))
        finally:
            progress.stop()
    except application.RunInterrupted as err:
        base.exit_at_once = True  # the store is written and closed; nothing is left to clean up
        _fail(err)
    except TabenchError as err:
        _fail(err)
    result = outcome.summary
    if as_json:
        if outcome.judge is not None:
            result["judge"] = outcome.judge
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        if outcome.judge is not None:
            print_judge_summary(outcome.judge, "ID", quiet=True)
        return
    cost = "price unknown (add it to $TABENCH_HOME/prices.json)" if result["cost_usd"] is None else f"${result['cost_usd']:.4f}"
    console.print(f"run {outcome.run_id}: {result['model']} · {result['protocol']} · {result['samples']} sample(s) · "
                  f"{result['calls']} calls ({result['cached_calls']} from the cache) · {result['input_tokens']} in / "
                  f"{result['output_tokens']} out tokens · {cost}")
    if result["truncated_or_refused"]:
        console.print(f"{result['truncated_or_refused']} reply(ies) truncated, refused or malformed: graded needs_review")
    print_summary(summarize(outcome.verdicts, outcome.problem_set))
    if outcome.judge is not None:
        print_judge_summary(outcome.judge, "ID")


@contextmanager
def _sigterm_stops_the_run():
    """SIGTERM raises Terminated in the main thread, so the run is marked interrupted like on Ctrl-C."""
    from ..runner import Terminated

    def stop(signum, frame):
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (an embedding application): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _dry_run(key: Path, protocol: str, prompts: Optional[Path], parts: Optional[str], limit: Optional[int],
             samples: int, as_json: bool, model: str, images: bool) -> None:
    try:
        problem_set, calls, warnings = application.plan_run(key, protocol, prompts, parts, limit, model, images)
    except TabenchError as err:
        _fail(err)
    warn(warnings)
    if as_json:
        rows = [{"call": n, "for": what, "messages": messages} for n, (what, messages) in enumerate(calls, start=1)]
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    for number, (what, messages) in enumerate(calls, start=1):
        console.rule(Text(f"call {number} of {len(calls)} · {what}"), align="left")
        for message in messages:
            console.print(Text(f"[{message['role']}]", style="bold"))
            console.print(message["content"], soft_wrap=True)
            for image in message.get("images", []):
                console.print(Text(f"[image: {image['label']}, {_kilobytes(image['size'])}]", style="cyan"))
    times = f", {samples} times (once per sample)" if samples > 1 else ""
    console.print(f"dry run: {len(calls)} call(s) per sample{times} with protocol {protocol} on "
                  f"{problem_set.title}; no model was called and nothing was stored")


def _kilobytes(size: int) -> str:
    return f"{max(1, round(size / 1024))} KB"


@app.command(rich_help_panel="Stored results")
def runs(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List model runs: id, model · protocol, problem set, samples, score, tokens, cost, status."""
    try:
        rows = application.stored_runs()
    except TabenchError as err:
        _fail(err)
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    if not rows:
        console.print("no runs stored yet; start one with `tabench run KEY --model provider/model` "
                      "(or see what it would ask with --dry-run)")
        return
    shown = []
    for row in rows:
        cost = "?" if row["cost_usd"] is None else f"${row['cost_usd']:.2f}"
        shown.append([str(row["id"]), f"{row['model']} · {row['protocol']}", row["problem_set"], str(row["samples"]),
                      f"{row['score']:g}/{row['points']:g}", f"{tokens(row['input_tokens'])}/{tokens(row['output_tokens'])}",
                      cost, row["status"], short_date(row["started_at"])])
    print_compact([("id", "right", False), ("model · protocol", "left", True), ("problem set", "left", True),
                   ("n", "right", False), ("score", "right", False), ("tokens", "right", False), ("cost", "right", False),
                   ("status", "left", False), ("started", "left", False)], shown)
