from __future__ import annotations

"""The --judge options that grade, run and regrade share, and the judge's summary line."""

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from ..judging import JudgeConfig
from .base import console

PANEL = "Judge (free-form parts)"
JUDGE = typer.Option(None, "--judge", rich_help_panel=PANEL,
                     help="A judge model for the parts the checkers leave (named as in run: openai/…, anthropic/…, "
                          "google/…, local/smollm2); give it more than once for several judges that vote.")
JUDGE_BASE_URL = typer.Option(None, "--judge-base-url", rich_help_panel=PANEL,
                              help="The judge's OpenAI-compatible server (vLLM, Ollama, llama.cpp, LM Studio).")
JUDGE_SAMPLES = typer.Option(1, "--judge-samples", min=1, rich_help_panel=PANEL,
                             help="Ask each judge K times and take the majority; a split vote needs review.")
JUDGE_CONCURRENCY = typer.Option(4, "--judge-concurrency", min=1, rich_help_panel=PANEL,
                                 help="Judge calls in flight at once.")
JUDGE_MAX_TOKENS = typer.Option(1024, "--judge-max-tokens", min=1, rich_help_panel=PANEL,
                                help="Token limit of each judge reply.")
JUDGE_TEMPERATURE = typer.Option(None, "--judge-temperature", rich_help_panel=PANEL,
                                 help="Default 0, or 0.7 with --judge-samples > 1.")
PROMPTS = typer.Option(None, "--prompts", help="A folder of prompt templates (judge_system.txt, judge_user.txt) "
                                               "that replace the packaged ones.")


def judge_config(models: Optional[list[str]], base_url: Optional[str], samples: int, concurrency: int,
                 max_tokens: int, temperature: Optional[float], prompts: Optional[Path]) -> JudgeConfig | None:
    if not models:
        return None
    return JudgeConfig(models=tuple(models), base_url=base_url, samples=samples, concurrency=concurrency,
                       max_tokens=max_tokens, temperature=temperature, prompts=prompts)


def print_judge_summary(summary: dict, ref: str = "ID", quiet: bool = False) -> None:
    """The judge's own line (unless `quiet`: JSON output): what it decided, its calls, tokens and cost; then, if
    it stopped, why, on stderr, and exit status 1."""
    cost = "price unknown" if summary["cost_usd"] is None else f"${summary['cost_usd']:.4f}"
    review = f"{summary['needs_review']} need review" + (
        f" ({summary['split']} split, {summary['unreadable']} unreadable)" if summary["needs_review"] else "")
    if not quiet:
            console.print(f"judge {' + '.join(summary['models'])} ({summary['prompt_version']}): {summary['parts']} parts · "
                      f"{summary['decided']} decided, {review} · {summary['calls']} calls ({summary['cached_calls']} "
                      f"from the cache, {summary['repairs']} repairs) · {summary['input_tokens']} in / "
                      f"{summary['output_tokens']} out tokens · {cost}", highlight=False, markup=False)
    if summary["stopped"]:
        Console(stderr=True).print(
            f"tabench: judging stopped: {summary['stopped']}; the checkers' verdicts and what the judge decided are "
            f"stored: fix that, then `tabench regrade {ref} --judge …` judges the rest", markup=False, highlight=False,
            soft_wrap=True)
        raise typer.Exit(1)
