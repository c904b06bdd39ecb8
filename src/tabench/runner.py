"""Run a model on a problem set: protocols, samples, a response cache, concurrency, retries, resume (the edge).

Every reply is stored the moment it arrives, whatever happens to other calls, so a failed call, a crash, a
kill or Ctrl-C loses nothing and rerunning asks nothing twice that was answered. Answers are graded as they
arrive. A run records the process that runs it; a run whose process is gone is marked `interrupted`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import deque
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable

from .calls import CallPool, Event, call_with_retries, well_formed
from .errors import InputError, ParseError, TabenchError
from .figures import figures_to_show, with_image_data
from .grade import grade_part
from .ingest.loader import read_text
from .model import Part, ProblemSet, Verdict
from .partids import only_parts
from .processes import is_running, this_process
from .protocols import (TEMPLATE_NAMES, Figures, index_messages, per_part_messages, revised_answer, self_check_message,
                        solve_message, template_problem, whole_messages)
from .providers.base import Completion, ProviderError
from .store import Store, default_home
from .transcripts import Turn, import_text, import_turns

__all__ = ["RunConfig", "Runner", "RunStopped", "Terminated", "call_with_retries", "load_templates", "load_prices",
           "cost_of", "summary"]

FIGURE_MISSING = "figure_missing"  # the tag of a verdict on a part whose figure the model was not shown
CONNECT_ATTEMPTS = 3  # tries for a server that has not answered yet in this run (a dead one fails in ~2 s)
POLL_SECONDS = 0.2  # how often the run's thread looks at its deadline while it waits for replies
GRACE_SECONDS = 1.0  # on Ctrl-C, how long replies already on their way are waited for
DEADLINE_GRACE_SECONDS = 5.0  # the same when --run-timeout runs out (no one is waiting at the keyboard)


@dataclass(frozen=True)
class RunConfig:
    model: str
    protocol: str = "per-part"
    samples: int = 1
    max_concurrency: int = 4
    limit: int | None = None
    max_tokens: int = 2048
    temperature: float = 0.0
    base_url: str | None = None
    max_attempts: int = 6
    parts: tuple[str, ...] | None = None  # only these part ids (--parts)
    timeout: float = 120.0  # seconds for one request (given to the provider)
    run_timeout: float | None = None  # seconds for the whole run
    images: bool = True  # send figures to a model that reads images (--no-images: never)

    def params(self, templates: dict[str, str] | None = None, figures: str | None = None) -> str:
        """What makes two runs the same run (and a rerun a resume): what is asked, and how (`figures`: a digest
        of the images sent, so a changed figure is a new run)."""
        params = {"limit": self.limit, "max_tokens": self.max_tokens, "temperature": self.temperature}
        if figures:
            params["figures"] = figures
        if self.parts:
            params["parts"] = list(self.parts)
        if not self.images:
            params["images"] = False
        if templates is not None:
            params["prompts"] = templates_digest(templates)
        return json.dumps(params, sort_keys=True)


def templates_digest(templates: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(templates, sort_keys=True).encode()).hexdigest()[:16]


class RunStopped(TabenchError):
    """A run stopped before the end; its state is stored and it can be resumed."""

    exit_code = 1


class Terminated(KeyboardInterrupt):
    """SIGTERM: the run stops as on Ctrl-C."""


class _DeadlineReached(Exception):
    pass


def load_templates(folder: Path | None = None, names: tuple[str, ...] = TEMPLATE_NAMES) -> dict[str, str]:
    """Prompt templates: the packaged ones, each replaced by FOLDER/NAME.txt or $TABENCH_HOME/prompts/NAME.txt.

    A template with an unknown placeholder, a missing one or an unpaired brace is refused with one line, and
    so is a file in FOLDER that is not a template's name (it would be ignored)."""
    if folder is not None:
        _check_prompt_folder(Path(folder), names)
    templates = {}
    for name in names:
        packaged = resources.files("tabench") / "prompts" / f"{name}.txt"
        text, where = packaged.read_text(encoding="utf-8"), f"{name}.txt"
        for override in (default_home() / "prompts" / f"{name}.txt", (Path(folder) / f"{name}.txt") if folder else None):
            if override is not None and override.exists():
                text, where = read_text(override, what="prompt template"), str(override)
        problem = template_problem(name, text)
        if problem:
            raise InputError(f"{where}: {problem}")
        templates[name] = text
    return templates


def _check_prompt_folder(folder: Path, wanted: tuple[str, ...]) -> None:
    if not folder.is_dir():
        raise InputError(f"--prompts {folder}: no such folder; give a folder of NAME.txt templates")
    packaged = {Path(entry.name).stem for entry in (resources.files("tabench") / "prompts").iterdir()}
    names = ", ".join(f"{n}.txt" for n in wanted)
    stray = sorted(p.name for p in folder.iterdir() if p.suffix == ".txt" and p.stem not in packaged)
    if stray:
        raise InputError(f"--prompts {folder}: {stray[0]} is not a template name, so it would be ignored; "
                         f"name the files {names}")
    if not any((folder / f"{n}.txt").exists() for n in wanted):
        raise InputError(f"--prompts {folder}: the folder has none of the templates {names}")


def load_prices() -> dict[str, dict]:
    prices = json.loads((resources.files("tabench") / "data" / "prices.json").read_text(encoding="utf-8"))
    user = default_home() / "prices.json"
    if user.exists():
        try:
            extra = json.loads(read_text(user, what="prices file"))
        except json.JSONDecodeError as err:
            raise TabenchError(f"{user}: not valid JSON ({err.msg}); fix or remove it") from None
        if not isinstance(extra, dict):
            raise TabenchError(f'{user}: expected an object {{"provider/model": {{"input": …, "output": …}}}}; fix it')
        prices.update(extra)
    return prices


def cost_of(model: str, input_tokens: int, output_tokens: int, prices: dict) -> float | None:
    price = prices.get(model)
    if not isinstance(price, dict):
        return None
    rates = [price.get("input", 0), price.get("output", 0)]
    if not all(isinstance(r, (int, float)) and not isinstance(r, bool) for r in rates):
        return None
    return (input_tokens * rates[0] + output_tokens * rates[1]) / 1e6


class Runner:
    def __init__(self, store: Store, problem_set: ProblemSet, config: RunConfig, provider, templates: dict[str, str],
                 sleep=time.sleep, on_progress: Callable[[int, int, str], None] | None = None, clock=time.monotonic,
                 on_graded: Callable[[int, Part, str, Verdict], None] | None = None, figures: list | None = None):
        """`figures` (figures.KeptFigure, gathered by the caller): sent with their parts to a model that reads
        images, else marked in the prompt as not shown; without them, parts are asked as their text says."""
        self.store, self.problem_set, self.config, self.provider = store, problem_set, config, provider
        self.templates, self.sleep, self.clock = templates, sleep, clock
        self.on_progress = on_progress or (lambda done, total, note: None)
        # called with each answer once it is stored and graded (the judge takes it from there)
        self.on_graded = on_graded or (lambda submission_id, part, text, verdict: None)
        gradable = [p for p in problem_set.parts() if p.kind != "admin"]
        if config.parts:
            gradable = [p for p in gradable if p.id in set(config.parts)]
        self.parts = gradable[: config.limit or None]
        self.key_id = store.save_problem_set(problem_set)
        self.figures: Figures | None = None
        self._image_data: dict[str, str] = {}
        if figures is not None:
            store.save_figures(self.key_id, figures)
            reads_images = config.images and getattr(provider, "accepts_images", False)
            self.figures, self._image_data = figures_to_show(figures, reads_images)
        self.resumed: dict | None = None  # the stored run a rerun continues, as it was before
        self._names: dict[int, str] = {}  # submission id -> name, for the verdicts
        self._traces: dict[int, list[dict]] = {}  # submission id -> per-part trace, as stored
        self._pool = CallPool(self._fetch)
        self._reached = False  # a reply came back in this run: the server is up
        self._deadline: float | None = None
        self._done = self._total = 0

    # ---- the run as a whole ----------------------------------------------------------------------

    def start(self, resume: int | None = None, new: bool = False) -> int:
        """The run to work on: `resume`, else the latest run of the same settings (a rerun continues it) unless
        `new`, else a new one. The run is claimed for this process."""
        config, store = self.config, self.store
        store.mark_dead_runs(is_running)
        params = config.params(self.templates, self._figures_digest())
        if resume is not None:
            run = store.run(resume)
            differences = self._differences(run, params)
            if differences:
                raise TabenchError(f"run {resume} was asked with another {' and '.join(differences)}; give the same "
                                   "options to resume it, or leave out --resume to start a run with these")
            run_id = resume
        else:
            run_id = None if new else store.find_run(self.key_id, config.model, config.protocol, params,
                                                     config.base_url)
            if run_id is None:
                return store.create_run(self.key_id, config.model, config.protocol, config.samples, params,
                                        config.base_url, this_process())
        before = store.run(run_id)
        store.claim_run(run_id, this_process(), config.samples, is_running)
        self.resumed = dict(before, calls=len(store.run_calls(run_id)))
        return run_id

    def _figures_digest(self) -> str | None:
        """A digest of the images this run sends with their parts, or None when it sends none."""
        if self.figures is None or not self.figures.model_reads_images or not self.figures.kept:
            return None
        asked = {part.id for part in self.parts}
        sent = sorted((part_id, image["sha256"]) for part_id, images in self.figures.kept.items() if part_id in asked
                      for image in images)
        return hashlib.sha256(json.dumps(sent).encode()).hexdigest()[:16] if sent else None

    def _differences(self, run: dict, params: str) -> list[str]:
        """What a stored run was asked with that differs from this command (named as the user gives it)."""
        config = self.config
        mine = {"problem set": self.key_id, "model": config.model, "protocol": config.protocol,
                "--base-url": config.base_url, **json.loads(params)}
        theirs = {"problem set": run["problem_set_id"], "model": run["model"], "protocol": run["protocol"],
                  "--base-url": run["base_url"], **json.loads(run["params"])}
        names = {"limit": "--limit", "max_tokens": "--max-tokens", "temperature": "--temperature", "parts": "--parts",
                 "prompts": "set of prompt templates", "images": "--no-images", "figures": "set of figure images"}
        return [names.get(field, field) for field in mine | theirs if mine.get(field) != theirs.get(field)]

    def run(self, run_id: int) -> None:
        samples = range(self.store.run(run_id)["samples"])
        submissions = {k: self._submission(run_id, k) for k in samples}
        if self.config.run_timeout:
            self._deadline = self.clock() + self.config.run_timeout
        try:
            if self.config.protocol == "per-part":
                self._per_part(run_id, submissions)
            else:
                # A conversation is sequential; samples of the whole and interactive protocols run one after another.
                self._begin(run_id, len(submissions) * self._calls_per_sample())
                runner = self._whole if self.config.protocol == "whole" else self._interactive
                for sample, submission_id in submissions.items():
                    runner(run_id, sample, submission_id)
        except ProviderError as err:
            self.store.set_run_status(run_id, "failed", str(err))
            raise RunStopped(f"run {run_id} stopped: {err}; what was answered is kept: rerun the same command "
                             f"(or add --resume {run_id}) to continue") from None
        except _DeadlineReached:
            self._keep_arrived(DEADLINE_GRACE_SECONDS)
            why = f"its --run-timeout of {self.config.run_timeout:g} s ran out"
            self.store.set_run_status(run_id, "failed", why)
            raise RunStopped(f"run {run_id} stopped: {why}; what was answered is kept: rerun the same command "
                             f"(or add --resume {run_id}) to continue") from None
        except KeyboardInterrupt as err:
            self._keep_arrived(GRACE_SECONDS)
            self.store.set_run_status(run_id, "interrupted",
                                      "terminated (SIGTERM)" if isinstance(err, Terminated) else "interrupted (Ctrl-C)")
            raise
        except BaseException as err:
            self.store.set_run_status(run_id, "failed", f"tabench failed: {type(err).__name__}: {err}"[:500])
            raise
        self.store.set_run_status(run_id, "done")

    def _submission(self, run_id: int, sample: int) -> int:
        name = f"run{run_id}-s{sample}"
        with self.store.transaction():
            submission_id = self.store.save_submission(self.key_id, name, {}, f"run {run_id}", f"run:{run_id}")
            self.store.describe_submission(submission_id, self.config.model, self.config.protocol, sample)
            self.store.link_submission(submission_id, run_id)
        self._names[submission_id] = name
        return submission_id

    # ---- progress: calls made out of calls to make, with retries -------------------------------------

    def _calls_per_sample(self) -> int:
        if self.config.protocol == "per-part":
            return len(self.parts)
        if self.config.protocol == "whole":
            return 1
        return 1 + 2 * len(self._limited().questions)

    def _begin(self, run_id: int, total: int) -> None:
        self._total, self._done = total, min(total, len(self.store.run_calls(run_id)))
        self.on_progress(self._done, self._total, "")

    def _advance(self) -> None:
        self._done += 1
        self.on_progress(self._done, self._total, "")

    # ---- one model call: cached, retried, stored as it arrives ------------------------------------

    def _key(self, sample: int, messages: list[dict]) -> str:
        config = self.config
        return hashlib.sha256(json.dumps(
            {"model": config.model, "base_url": config.base_url, "messages": messages, "max_tokens": config.max_tokens,
             "temperature": config.temperature, "sample": sample if config.temperature > 0 else 0},
            sort_keys=True).encode()).hexdigest()

    def _fetch(self, messages: list[dict], on_retry: Callable[[str], None]) -> Completion:
        """The provider call alone, run in a worker thread: it does not touch the store."""
        config = self.config
        return call_with_retries(
            lambda: self.provider.complete(with_image_data(messages, self._image_data), max_tokens=config.max_tokens,
                                           temperature=config.temperature),
            config.max_attempts, sleep=self.sleep, on_retry=on_retry,
            connect_attempts=None if self._reached else CONNECT_ATTEMPTS)

    def _lookup(self, sample: int, messages: list[dict]) -> tuple[str, Completion | None]:
        """The cache key of a call, and its stored reply if there is one."""
        key = self._key(sample, messages)
        cached = self.store.cached_response(key)
        return key, (Completion(**cached) if cached is not None else None)

    def _next_event(self) -> Event:
        """The next reply or error of the calls in flight; retries are shown on the progress line meanwhile."""
        while True:
            if self._deadline is not None and self.clock() > self._deadline:
                raise _DeadlineReached
            event = self._pool.next(POLL_SECONDS)
            if event is None:
                continue
            if event.kind == "retry":
                self.on_progress(self._done, self._total, event.note)
                continue
            return event

    def _arrived(self, key: str, reply: Completion) -> Completion:
        """Store a reply the moment the run's thread takes it, before anything else is done with it."""
        completion = well_formed(reply)
        self._reached = True
        self._keep(key, completion)
        return completion

    def _ask(self, sample: int, messages: list[dict]) -> tuple[Completion, str, bool]:
        """One call of a conversation: from the cache, or from the model (stored as it arrives)."""
        key, cached = self._lookup(sample, messages)
        if cached is not None:
            return cached, key, True
        self._check_deadline()
        self._pool.start((key,), messages)
        event = self._next_event()
        if event.kind == "error":
            raise event.error
        return self._arrived(key, event.reply), key, False

    def _check_deadline(self) -> None:
        if self._deadline is not None and self.clock() > self._deadline:
            raise _DeadlineReached

    def _keep(self, key: str, completion: Completion) -> None:
        self.store.save_response(key, completion.text, completion.stop_reason, completion.input_tokens,
                                 completion.output_tokens)

    def _keep_arrived(self, grace: float) -> None:
        """When a run stops: replies that have arrived, or arrive within `grace` seconds (a reply the server has
        sent is being read), go to the cache, so a rerun does not ask for them again. Ctrl-C stops waiting."""
        until = time.monotonic() + grace
        try:
            while self._pool.in_flight and time.monotonic() < until:
                event = self._pool.next(max(0.0, until - time.monotonic()))
                if event is not None and event.kind == "reply":
                    self._keep(event.tag[0], well_formed(event.reply))
        except KeyboardInterrupt:
            pass
        for event in self._pool.arrived():
            self._keep(event.tag[0], well_formed(event.reply))

    def _record(self, run_id, sample, step, key, cached, completion) -> None:
        self.store.record_call(run_id, sample, step, key, cached, completion.input_tokens, completion.output_tokens,
                               completion.stop_reason)

    def _grade(self, submission_id: int, part, text: str, stop_reason: str) -> Verdict:
        verdict = grade_part(part, text, self._names[submission_id], stop_reason=stop_reason)
        if self.figures is not None and self.figures.status(part) in ("text_only", "not_found"):
            verdict.tags.append(FIGURE_MISSING)
        return verdict

    def _save(self, submission_id: int, answers: dict[str, str], verdicts: list[Verdict]) -> None:
        self.store.save_answers(submission_id, answers)
        self.store.save_verdicts(submission_id, verdicts)

    def _graded(self, submission_id: int, answers: dict[str, str], verdicts: list[Verdict]) -> None:
        """Hands stored answers and their verdicts on (after their transaction is committed)."""
        for verdict in verdicts:
            self.on_graded(submission_id, self.problem_set.part(verdict.part_id), answers.get(verdict.part_id, ""),
                           verdict)

    # ---- protocols ------------------------------------------------------------------------------

    def _per_part(self, run_id: int, submissions: dict[int, int]) -> None:
        todo = deque()
        for sample, submission_id in submissions.items():
            done = self.store.done_steps(run_id, sample)
            todo += [(sample, submission_id, part) for part in self.parts if f"part:{part.id}" not in done]
        self._begin(run_id, len(self.parts) * len(submissions))
        width = max(1, self.config.max_concurrency)
        failure: BaseException | None = None
        # After a failed call no new call starts, but the replies in flight are still taken and stored.
        while self._pool.in_flight or (todo and failure is None):
            while todo and failure is None and self._pool.in_flight < width:
                sample, submission_id, part = todo.popleft()
                messages = per_part_messages(self.problem_set, part, self.templates, self.figures)
                key, cached = self._lookup(sample, messages)
                if cached is not None:
                    self._part_answered(run_id, sample, submission_id, part, messages, key, cached, True)
                    continue
                self._check_deadline()
                self._pool.start((key, sample, submission_id, part, messages), messages)
            if not self._pool.in_flight:
                break
            event = self._next_event()
            if event.kind == "error":
                failure = failure or event.error
                continue
            key, sample, submission_id, part, messages = event.tag
            completion = self._arrived(key, event.reply)
            self._part_answered(run_id, sample, submission_id, part, messages, key, completion, False)
        if failure is not None:
            raise failure

    def _part_answered(self, run_id, sample, submission_id, part, messages, key, completion, cached) -> None:
        verdict = self._grade(submission_id, part, completion.text, completion.stop_reason)
        with self.store.transaction():
            self._save(submission_id, {part.id: completion.text}, [verdict])
            self._trace_append(submission_id, messages, completion, part.id)
            self._record(run_id, sample, f"part:{part.id}", key, cached, completion)
        self._graded(submission_id, {part.id: completion.text}, [verdict])
        self._advance()

    def _whole(self, run_id: int, sample: int, submission_id: int) -> None:
        if "whole" in self.store.done_steps(run_id, sample):
            return
        problem_set = self._limited()
        messages = whole_messages(problem_set, self.templates, self.figures)
        completion, key, cached = self._ask(sample, messages)
        try:
            answers = import_text(completion.text, f"run {run_id} reply", problem_set).answer_map()
        except ParseError:  # an empty or unreadable reply: every part is graded from nothing
            answers = {}
        # a part the reply does not answer is graded missing
        verdicts = [self._grade(submission_id, part, answers.get(part.id, ""), completion.stop_reason)
                    for part in self.parts]
        with self.store.transaction():
            self._save(submission_id, {part.id: answers.get(part.id, "") for part in self.parts}, verdicts)
            self.store.save_trace(submission_id, messages + [{"role": "assistant", "content": completion.text}])
            self._record(run_id, sample, "whole", key, cached, completion)
        self._graded(submission_id, answers, verdicts)
        self._advance()

    def _interactive(self, run_id: int, sample: int, submission_id: int) -> None:
        problem_set = self._limited()
        messages = [m for m in self.store.trace(submission_id) if m.get("role") in ("system", "user", "assistant")]
        done = self.store.done_steps(run_id, sample)
        if "index" not in done or not messages:
            messages = index_messages(problem_set, self.templates, self.figures)
            completion, key, cached = self._ask(sample, messages)
            messages = messages + [{"role": "assistant", "content": completion.text}]
            with self.store.transaction():
                self.store.save_trace(submission_id, messages)
                if "index" not in done:
                    self._record(run_id, sample, "index", key, cached, completion)
            if "index" not in done:
                self._advance()
        for question in problem_set.questions:
            step = f"question:{question.number}"
            if step + ":check" in done:
                continue
            solve = messages + [solve_message(question, self.templates)]
            answer, key, cached = self._ask(sample, solve)
            if step not in done:  # recorded as it arrives: its tokens count even if the run stops before the check
                self._record(run_id, sample, step, key, cached, answer)
                self._advance()
            check = solve + [{"role": "assistant", "content": answer.text}, self_check_message(question, self.templates)]
            verdict, check_key, check_cached = self._ask(sample, check)
            revision = revised_answer(verdict.text)
            final = revision or answer.text
            single = ProblemSet(title=problem_set.title, questions=[question])
            conversation = [Turn("user", solve[-1]["content"]), Turn("assistant", final)]
            try:
                answers = import_turns(conversation, "reply", single).answer_map()
            except ParseError:
                answers = {}
            if len(question.parts) == 1 and question.parts[0].id not in answers:
                answers = {question.parts[0].id: final}
            stop = verdict.stop_reason if revision else answer.stop_reason
            # _limited() kept only the parts this run asks
            verdicts = [self._grade(submission_id, part, answers.get(part.id, ""), stop) for part in question.parts]
            messages = check + [{"role": "assistant", "content": verdict.text}]
            with self.store.transaction():
                self._save(submission_id, {part.id: answers.get(part.id, "") for part in question.parts}, verdicts)
                self.store.save_trace(submission_id, messages)
                self._record(run_id, sample, step + ":check", check_key, check_cached, verdict)
            self._graded(submission_id, answers, verdicts)
            self._advance()

    def _limited(self) -> ProblemSet:
        """The problem set cut to the questions of the parts this run asks (--parts, --limit)."""
        return only_parts(self.problem_set, [part.id for part in self.parts])

    def _trace_append(self, submission_id: int, messages: list[dict], completion: Completion, part_id: str) -> None:
        if submission_id not in self._traces:  # read once per run, then kept here
            self._traces[submission_id] = self.store.trace(submission_id)
        trace = self._traces[submission_id]
        trace += [dict(m, part_id=part_id) for m in messages if m["role"] == "user"]
        trace.append({"role": "assistant", "content": completion.text, "part_id": part_id,
                      "stop_reason": completion.stop_reason})
        self.store.save_trace(submission_id, trace)


def summary(store: Store, run_id: int, prices: dict) -> dict:
    (run,) = store.runs(run_id)
    calls = store.run_calls(run_id)
    return {
        "run": run_id, "model": run["model"], "protocol": run["protocol"], "samples": run["samples"],
        "status": run["status"], "calls": len(calls), "cached_calls": sum(bool(c["cached"]) for c in calls),
        "input_tokens": run["input_tokens"], "output_tokens": run["output_tokens"],
        "cost_usd": cost_of(run["model"], run["input_tokens"], run["output_tokens"], prices),
        "truncated_or_refused": sum(c["stop_reason"] in ("length", "refusal") for c in calls),
        "score": run["score"], "points": run["points"],
    }


