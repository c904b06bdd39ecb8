from __future__ import annotations

"""Commands about the judge: regrade, agreement."""

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .. import app as application
from ..errors import TabenchError
from ..judging import JudgeConfig
from .base import _fail, app, console
from .judge_options import PROMPTS, judge_options, print_judge_summary
from .show import print_verdicts

@app.command(rich_help_panel="Pipeline")
@judge_options
def regrade(
    ref: str = typer.Argument("latest", help="A submission id (see `tabench submissions`) or 'latest'."),
    judge: Optional[JudgeConfig] = None,
    prompts: Optional[Path] = PROMPTS,
    as_json: bool = typer.Option(False, "--json", help="Print the verdicts and the judge's summary as JSON."),
) -> None:
    """Judge a stored submission's answers again, without asking the model that answered anything.

    Checkers' decisive verdicts, people's verdicts and replies cut off or refused stay as they are."""
    try:
        if judge is None:
            raise TabenchError("regrade needs a judge: add --judge MODEL, e.g. --judge openai/gpt-4o-mini")
        result = application.regrade(ref, judge)
    except TabenchError as err:
        _fail(err)
    if as_json:
        sys.stdout.write(json.dumps({"verdicts": [v.model_dump() for v in result.verdicts], "judge": result.judge},
                                    indent=2, ensure_ascii=False) + "\n")
    else:
        print_verdicts(result.verdicts, result.problem_set, f"{result.submission['name']} — {result.problem_set.title}")
    print_judge_summary(result.judge, str(result.submission["id"]), quiet=as_json)


@app.command(name="agreement", rich_help_panel="Stored results")
def agreement_command(
    ids: Optional[list[str]] = typer.Argument(None, help="Submission ids (default: all of --problem-set)."),
    problem_set_path: Optional[Path] = typer.Option(None, "--problem-set", "-p",
                                                    help="Every stored submission of this problem set."),
    as_json: bool = typer.Option(False, "--json", help="Print the numbers as JSON."),
) -> None:
    """How the judge's verdicts agree with people's: accuracy, Cohen's κ, confusion matrix, where they differ.

    People's verdicts are the imported reader's marks; the numbers come per kind and per part too."""
    try:
        title, result = application.agreement(ids, problem_set_path)
    except TabenchError as err:
        _fail(err)
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        return
    console.print(f"{title}: judge vs people over {result['n']} parts", highlight=False, markup=False)
    console.print(f"  {_scores_line(result)}", highlight=False, markup=False)
    if result["judge_undecided"] or result["not_judged"]:
        console.print(f"  not compared: {result['judge_undecided']} the judge left to review, {result['not_judged']} "
                      "decided by a checker or not judged", highlight=False, markup=False)
    if not result["n"]:
        return
    labels = result["labels"]
    matrix = Table(title="confusion (rows: person, columns: judge)", title_justify="left")
    matrix.add_column("person \\ judge")
    for label in labels:
        matrix.add_column(label)
    for human in labels:
        matrix.add_row(human, *(str(result["confusion"][human][judge]) for judge in labels))
    console.print(matrix)
    for heading, groups in (("kind", result["by_kind"]), ("part", result["by_part"])):
        table = Table(title=f"by {heading}", title_justify="left")
        for column in (heading, "parts", "agree", "accuracy", "κ"):
            table.add_column(column, overflow="fold")
        for name, scores in groups.items():
            table.add_row(name, str(scores["n"]), str(scores["agree"]), f"{scores['accuracy'] * 100:.0f}%",
                          "undefined" if scores["kappa"] is None else f"{scores['kappa']:.2f}")
        console.print(table)
    for row in result["differ"]:
        console.print(f"differ: {row['submission']} {row['part_id']} ({row['kind']}): person {row['human']}, "
                      f"judge {row['judge']}", highlight=False, markup=False)


def _scores_line(scores: dict) -> str:
    if not scores["n"]:
        return "no part has both a person's verdict and a judge's decided verdict"
    kappa = f"Cohen's κ {scores['kappa']:.2f}" if scores["kappa"] is not None else f"Cohen's κ {scores['kappa_note']}"
    return f"accuracy {scores['accuracy'] * 100:.1f}% ({scores['agree']} of {scores['n']}), {kappa}"
