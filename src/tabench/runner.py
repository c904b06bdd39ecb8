"""Run a model on a problem set: protocols, samples, a response cache, concurrency, retries, resume (the edge).

Every call's reply is stored before the next step, so a crash, a kill or Ctrl-C loses nothing and rerunning
asks nothing twice that was answered. Answers are graded as they arrive.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable

from .errors import TabenchError
from .grade import grade_part
from .model import Part, ProblemSet, Verdict
from .protocols import (TEMPLATE_NAMES, index_messages, per_part_messages, revised_answer, self_check_message,
                        solve_message, whole_messages)
from .providers.base import Completion, ProviderError
from .store import Store, default_home
from .transcripts import Turn, import_text, import_turns


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

    def params(self) -> str:
        """What makes two runs the same run (and a rerun a resume)."""
        return json.dumps({"limit": self.limit, "max_tokens": self.max_tokens, "temperature": self.temperature},
                          sort_keys=True)


class RunStopped(TabenchError):
    """A run stopped before the end; its state is stored and it can be resumed."""

    exit_code = 1


def load_templates(folder: Path | None = None, names: tuple[str, ...] = TEMPLATE_NAMES) -> dict[str, str]:
    """Prompt templates: the packaged ones, each replaced by FOLDER/NAME.txt or $TABENCH_HOME/prompts/NAME.txt."""
    templates = {}
    for name in names:
        text = (resources.files("tabench") / "prompts" / f"{name}.txt").read_text(encoding="utf-8")
        for override in (default_home() / "prompts" / f"{name}.txt", (folder / f"{name}.txt") if folder else None):
            if override is not None and override.exists():
                text = override.read_text(encoding="utf-8")
        templates[name] = text
    return templates


def load_prices() -> dict[str, dict]:
    prices = json.loads((resources.files("tabench") / "data" / "prices.json").read_text(encoding="utf-8"))
    user = default_home() / "prices.json"
    if user.exists():
        try:
            prices.update(json.loads(user.read_text(encoding="utf-8")))
        except json.JSONDecodeError as err:
            raise TabenchError(f"{user}: not valid JSON ({err.msg}); fix or remove it") from None
    return prices


def cost_of(model: str, input_tokens: int, output_tokens: int, prices: dict) -> float | None:
    price = prices.get(model)
    if not isinstance(price, dict):
        return None
    return (input_tokens * price.get("input", 0) + output_tokens * price.get("output", 0)) / 1e6


def call_with_retries(call: Callable[[], Completion], max_attempts: int, sleep=time.sleep, rand=random.random,
                      base: float = 0.5, cap: float = 30.0) -> Completion:
    """Retry rate limits, server errors, timeouts and malformed replies with exponential backoff and full
    jitter; wait at least what Retry-After asks."""
    for attempt in range(1, max_attempts + 1):
        try:
            return call()
        except ProviderError as err:
            if not err.retryable or attempt == max_attempts:
                raise
            delay = rand() * min(cap, base * 2 ** (attempt - 1))
            if err.retry_after is not None:
                delay = max(delay, min(err.retry_after, 120.0))
            sleep(delay)
    raise AssertionError("unreachable")


class Runner:
    def __init__(self, store: Store, problem_set: ProblemSet, config: RunConfig, provider, templates: dict[str, str],
                 sleep=time.sleep, on_progress: Callable[[int, int], None] | None = None,
                 on_graded: Callable[[int, Part, str, Verdict], None] | None = None):
        self.store, self.problem_set, self.config, self.provider = store, problem_set, config, provider
        self.templates, self.sleep, self.on_progress = templates, sleep, on_progress or (lambda done, total: None)
        # called with each answer once it is stored and graded (the judge takes it from there)
        self.on_graded = on_graded or (lambda submission_id, part, text, verdict: None)
        self.parts = [p for p in problem_set.parts() if p.kind != "admin"][: config.limit or None]
        self.key_id = store.save_problem_set(problem_set)
        self._names: dict[int, str] = {}  # submission id -> name, for the verdicts
        self._traces: dict[int, list[dict]] = {}  # submission id -> per-part trace, as stored

    # ---- the run as a whole ----------------------------------------------------------------------

    def start(self, resume: int | None = None) -> int:
        config = self.config
        if resume is not None:
            run = self.store.run(resume)
            if run["problem_set_id"] != self.key_id or run["model"] != config.model or run["protocol"] != config.protocol:
                raise TabenchError(f"run {resume} was {run['model']} / {run['protocol']} on another problem set; "
                                   "give the same KEY, --model and --protocol to resume it")
            run_id = resume
        else:
            run_id = self.store.find_run(self.key_id, config.model, config.protocol, config.params(), config.base_url)
            if run_id is None:
                run_id = self.store.create_run(self.key_id, config.model, config.protocol, config.samples,
                                               config.params(), config.base_url)
        self.store.set_run_status(run_id, "running", samples=max(config.samples, self.store.run(run_id)["samples"]))
        return run_id

    def run(self, run_id: int) -> None:
        samples = range(self.store.run(run_id)["samples"])
        submissions = {k: self._submission(run_id, k) for k in samples}
        try:
            if self.config.protocol == "per-part":
                self._per_part(run_id, submissions)
            else:
                # A conversation is sequential; samples of the whole and interactive protocols run one after another.
                runner = self._whole if self.config.protocol == "whole" else self._interactive
                for sample, submission_id in submissions.items():
                    runner(run_id, sample, submission_id)
        except ProviderError as err:
            self.store.set_run_status(run_id, "failed", str(err))
            raise RunStopped(f"run {run_id} stopped: {err}; what was answered is kept: rerun the same command "
                             f"(or add --resume {run_id}) to continue") from None
        except KeyboardInterrupt:
            self.store.set_run_status(run_id, "interrupted", "interrupted")
            raise
        self.store.set_run_status(run_id, "done")

    def _submission(self, run_id: int, sample: int) -> int:
        name = f"run{run_id}-s{sample}"
        submission_id = self.store.save_submission(self.key_id, name, {}, f"run {run_id}")
        self.store.describe_submission(submission_id, self.config.model, self.config.protocol, sample)
        self.store.link_submission(submission_id, run_id)
        self._names[submission_id] = name
        return submission_id

    # ---- one model call: cached, retried, recorded ---------------------------------------------

    def _key(self, sample: int, messages: list[dict]) -> str:
        config = self.config
        return hashlib.sha256(json.dumps(
            {"model": config.model, "base_url": config.base_url, "messages": messages, "max_tokens": config.max_tokens,
             "temperature": config.temperature, "sample": sample if config.temperature > 0 else 0},
            sort_keys=True).encode()).hexdigest()

    def _fetch(self, messages: list[dict]) -> Completion:
        """The provider call alone (safe in a worker thread: it does not touch the store)."""
        config = self.config
        return call_with_retries(
            lambda: self.provider.complete(messages, max_tokens=config.max_tokens, temperature=config.temperature),
            config.max_attempts, sleep=self.sleep)

    def _lookup(self, sample: int, messages: list[dict]) -> tuple[str, Completion | None]:
        """The cache key of a call, and its stored reply if there is one."""
        key = self._key(sample, messages)
        cached = self.store.cached_response(key)
        return key, (Completion(**cached) if cached is not None else None)

    def _call(self, sample: int, messages: list[dict]) -> tuple[Completion, str, bool]:
        key, cached = self._lookup(sample, messages)
        if cached is not None:
            return cached, key, True
        completion = self._fetch(messages)
        self._keep(key, completion)
        return completion, key, False

    def _keep(self, key: str, completion: Completion) -> None:
        self.store.save_response(key, completion.text, completion.stop_reason, completion.input_tokens,
                                 completion.output_tokens)

    def _record(self, run_id, sample, step, key, cached, completion) -> None:
        self.store.record_call(run_id, sample, step, key, cached, completion.input_tokens, completion.output_tokens,
                               completion.stop_reason)

    def _answer(self, submission_id: int, part, text: str, stop_reason: str) -> None:
        self.store.save_answers(submission_id, {part.id: text})
        verdict = grade_part(part, text, self._names[submission_id], stop_reason=stop_reason)
        self.store.save_verdicts(submission_id, [verdict])
        self.on_graded(submission_id, part, text, verdict)

    # ---- protocols ------------------------------------------------------------------------------

    def _per_part(self, run_id: int, submissions: dict[int, int]) -> None:
        todo = []
        for sample, submission_id in submissions.items():
            done = self.store.done_steps(run_id, sample)
            todo += [(sample, submission_id, part) for part in self.parts if f"part:{part.id}" not in done]
        total = len(self.parts) * len(submissions)
        finished = total - len(todo)
        self.on_progress(finished, total)

        def finish(sample, submission_id, part, messages, completion, key, cached) -> None:
            nonlocal finished
            self._answer(submission_id, part, completion.text, completion.stop_reason)
            self._trace_append(submission_id, messages, completion, part.id)
            self._record(run_id, sample, f"part:{part.id}", key, cached, completion)
            finished += 1
            self.on_progress(finished, total)

        # Workers only call the model; the store is written here, in this thread, as replies arrive.
        with ThreadPoolExecutor(max_workers=max(1, self.config.max_concurrency)) as pool:
            pending: dict = {}
            queue = list(todo)
            while queue or pending:
                while queue and len(pending) < self.config.max_concurrency:
                    sample, submission_id, part = queue.pop(0)
                    messages = per_part_messages(self.problem_set, part, self.templates)
                    key, cached = self._lookup(sample, messages)
                    if cached is not None:
                        finish(sample, submission_id, part, messages, cached, key, True)
                        continue
                    pending[pool.submit(self._fetch, messages)] = (sample, submission_id, part, messages, key)
                if not pending:
                    continue
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    sample, submission_id, part, messages, key = pending.pop(future)
                    completion = future.result()
                    self._keep(key, completion)
                    finish(sample, submission_id, part, messages, completion, key, False)

    def _whole(self, run_id: int, sample: int, submission_id: int) -> None:
        if "whole" in self.store.done_steps(run_id, sample):
            return
        problem_set = self._limited()
        messages = whole_messages(problem_set, self.templates)
        completion, key, cached = self._call(sample, messages)
        imported = import_text(completion.text, f"run {run_id} reply", problem_set)
        answers = imported.answer_map()
        for part in self.parts:  # a part the reply does not answer is graded missing
            self._answer(submission_id, part, answers.get(part.id, ""), completion.stop_reason)
        self.store.save_trace(submission_id, messages + [{"role": "assistant", "content": completion.text}])
        self._record(run_id, sample, "whole", key, cached, completion)
        self.on_progress(1, 1)

    def _interactive(self, run_id: int, sample: int, submission_id: int) -> None:
        problem_set = self._limited()
        messages = [m for m in self.store.trace(submission_id) if m.get("role") in ("system", "user", "assistant")]
        done = self.store.done_steps(run_id, sample)
        if "index" not in done:
            messages = index_messages(problem_set, self.templates)
            completion, key, cached = self._call(sample, messages)
            messages = messages + [{"role": "assistant", "content": completion.text}]
            self.store.save_trace(submission_id, messages)
            self._record(run_id, sample, "index", key, cached, completion)
        for number, question in enumerate(problem_set.questions, start=1):
            step = f"question:{question.number}"
            if step in done:
                continue
            solve = messages + [solve_message(question, self.templates)]
            answer, key, cached = self._call(sample, solve)
            check = solve + [{"role": "assistant", "content": answer.text}, self_check_message(question, self.templates)]
            verdict, check_key, check_cached = self._call(sample, check)
            revision = revised_answer(verdict.text)
            final = revision or answer.text
            single = ProblemSet(title=problem_set.title, questions=[question])
            conversation = [Turn("user", solve[-1]["content"]), Turn("assistant", final)]
            answers = import_turns(conversation, "reply", single).answer_map()
            if len(question.parts) == 1 and question.parts[0].id not in answers:
                answers = {question.parts[0].id: final}
            stop = verdict.stop_reason if revision else answer.stop_reason
            for part in question.parts:  # _limited() kept only the parts this run asks
                self._answer(submission_id, part, answers.get(part.id, ""), stop)
            messages = check + [{"role": "assistant", "content": verdict.text}]
            self.store.save_trace(submission_id, messages)
            self._record(run_id, sample, step + ":check", check_key, check_cached, verdict)
            self._record(run_id, sample, step, key, cached, answer)
            self.on_progress(number, len(problem_set.questions))

    def _limited(self) -> ProblemSet:
        """The problem set cut to the questions of the parts this run asks (--limit)."""
        wanted = {part.id for part in self.parts}
        questions = []
        for question in self.problem_set.questions:
            parts = [p for p in question.parts if p.id in wanted]
            if parts:
                questions.append(question.model_copy(update={"parts": parts}))
        return self.problem_set.model_copy(update={"questions": questions})

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


