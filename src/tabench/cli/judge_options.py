from __future__ import annotations

"""The --judge options that grade, run and regrade share (declared once), and the judge's summary line."""

import functools
import inspect
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from ..errors import TabenchError
from ..judging import JudgeConfig
from .base import _fail, console

PANEL = "Judge (free-form parts)"
# parameter: (type, option); a command decorated with @judge_options receives them as one `judge` parameter
OPTIONS = {
    "judge_models": (Optional[list[str]], typer.Option(
        None, "--judge", rich_help_panel=PANEL,
        help="A judge model for the parts the checkers leave (named as in run: openai/…, anthropic/…, google/…, "
             "local/smollm2); give it more than once for several judges that vote.")),
    "judge_base_url": (Optional[str], typer.Option(
        None, "--judge-base-url", rich_help_panel=PANEL,
        help="The judge's OpenAI-compatible server (vLLM, Ollama, llama.cpp, LM Studio).")),
    "judge_samples": (int, typer.Option(
        1, "--judge-samples", min=1, rich_help_panel=PANEL,
        help="Ask each judge K times and take the majority; a split vote needs review.")),
    "judge_concurrency": (int, typer.Option(
        4, "--judge-concurrency", min=1, rich_help_panel=PANEL, help="Judge calls in flight at once.")),
    "judge_max_tokens": (int, typer.Option(
        1024, "--judge-max-tokens", min=1, rich_help_panel=PANEL, help="Token limit of each judge reply.")),
    "judge_temperature": (Optional[float], typer.Option(
        None, "--judge-temperature", rich_help_panel=PANEL, help="Default 0, or 0.7 with --judge-samples > 1.")),
}
PROMPTS = typer.Option(None, "--prompts", help="A folder of prompt templates (judge_system.txt, judge_user.txt) "
                                               "that replace the packaged ones.")


def judge_options(command):
    """Give `command` the --judge options. It declares one parameter `judge` and receives a JudgeConfig, or None
    without --judge (the templates come from its --prompts folder, when it has one)."""
    signature = inspect.signature(command)
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=kind)
             for name, (kind, option) in OPTIONS.items()]

    @functools.wraps(command)
    def with_judge(**kwargs):
        given = {name: kwargs.pop(name) for name in OPTIONS}
        try:
            kwargs["judge"] = _config(given, kwargs.get("prompts"))
        except TabenchError as err:
            _fail(err)
        return command(**kwargs)

    kept = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in signature.parameters.values() if p.name != "judge"]
    with_judge.__signature__ = signature.replace(parameters=kept + added)
    return with_judge


def _config(given: dict, prompts: Path | None) -> JudgeConfig | None:
    if not given["judge_models"]:
        return None
    return JudgeConfig(models=tuple(given["judge_models"]), base_url=given["judge_base_url"],
                       samples=given["judge_samples"], concurrency=given["judge_concurrency"],
                       max_tokens=given["judge_max_tokens"], temperature=given["judge_temperature"], prompts=prompts)


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
