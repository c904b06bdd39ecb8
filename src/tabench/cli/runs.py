from __future__ import annotations

"""Commands about model runs: run, runs."""

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from .. import app as application
from ..errors import TabenchError
from ..ingest import load_problem_set
from ..stats import summarize
from ..store import Store
from ..summary import short
from ..judging import Judge, JudgeConfig
from .base import _fail, app, console
from .judge_options import judge_options, print_judge_summary
from .show import print_summary

@app.command(name="run", rich_help_panel="Pipeline")
@judge_options
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
    judge: Optional[JudgeConfig] = None,
) -> None:
    """Run a model on a problem set: answers are stored and graded as they arrive; reruns resume.

    With --judge, a judge model decides the free-form parts (and what the checkers leave) as answers arrive."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..protocols import PROTOCOLS
    from ..providers import get_provider
    from ..runner import RunConfig, Runner, load_prices, load_templates, summary

    try:
        if protocol not in PROTOCOLS:
            raise TabenchError(f"unknown protocol {protocol!r}; use one of {', '.join(PROTOCOLS)}")
        problem_set = load_problem_set(key)
        config = RunConfig(model=model, protocol=protocol, samples=samples, max_concurrency=max_concurrency, limit=limit,
                           max_tokens=max_tokens, temperature=temperature if temperature is not None else (0.7 if samples > 1 else 0.0),
                           base_url=base_url)
        templates, prices = load_templates(prompts), load_prices()
        provider = get_provider(model, base_url)
        judging = Judge(judge) if judge else None
        with Store() as db, Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=Console(stderr=True), transient=as_json) as progress:
            task = progress.add_task(f"{model} · {protocol}", total=None)
            on_graded = None
            if judging is not None:
                judging.store = db
                on_graded = lambda sid, part, text, verdict: judging.submit(sid, problem_set, part, text, verdict)  # noqa: E731
            runner = Runner(db, problem_set, config, provider, templates,
                            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
                            on_graded=on_graded)
            run_id = runner.start(resume)
            try:
                runner.run(run_id)
                if judging is not None:
                    progress.update(task, description=f"{model} · {protocol} · judge")
                    judge_summary = application.judge_run(db, judging, run_id, problem_set)
            except TabenchError:
                if judging is not None:
                    judging.close()  # keep what the judge already answered
                raise
            except KeyboardInterrupt:
                if judging is not None:
                    judging.close()
                progress.stop()
                Console(stderr=True).print(f"tabench: run {run_id} interrupted; rerun the same command (or --resume {run_id}) to continue",
                                           markup=False, highlight=False)
                raise typer.Exit(130)
            result = summary(db, run_id, prices)
            submission_rows = [r for r in db.submissions() if r["name"].startswith(f"run{run_id}-")]
            verdicts = [v for r in submission_rows for v in db.verdicts(r["id"])]
    except TabenchError as err:
        _fail(err)
    if judging is not None:
        result["judge"] = judge_summary
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        if judging is not None:
            print_judge_summary(judge_summary, "ID", quiet=True)
        return
    cost = "price unknown (add it to $TABENCH_HOME/prices.json)" if result["cost_usd"] is None else f"${result['cost_usd']:.4f}"
    console.print(f"run {run_id}: {result['model']} · {result['protocol']} · {result['samples']} sample(s) · "
                  f"{result['calls']} calls ({result['cached_calls']} from the cache) · {result['input_tokens']} in / "
                  f"{result['output_tokens']} out tokens · {cost}", highlight=False)
    if result["truncated_or_refused"]:
        console.print(f"{result['truncated_or_refused']} reply(ies) truncated or refused: graded needs_review", highlight=False)
    print_summary(summarize(verdicts, problem_set))
    if judging is not None:
        print_judge_summary(judge_summary, "ID")


@app.command(rich_help_panel="Stored results")
def runs(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List model runs: id, problem set, model, protocol, samples, score, tokens, cost, status."""
    try:
        rows = application.stored_runs()
    except TabenchError as err:
        _fail(err)
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
