"""The judge's calls (the edge): through the same providers as runs, with retries, the response cache, a
concurrency limit, a token limit and cost accounting of their own. Verdicts and their provenance are stored as
they arrive.

Worker threads only call the judge models; the store is read and written in the thread that owns it (the
caller's), as with runs. `submit` plans a part (pure: `judge.plan`), answers what the cache already holds at
once and sends the rest to the pool; `collect` and `finish` read what came back, decide (pure: `judge.decide`)
and store.
"""

from __future__ import annotations

import hashlib
import json
import time
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from .errors import TabenchError
from .judge import (TEMPLATE_NAMES, Ballot, JudgeRequest, Vote, check_templates, decide, plan, prompt_version,
                    read_reply, repair_messages)
from .model import Part, ProblemSet, Verdict
from .providers.base import Completion, ProviderError
from .runner import call_with_retries, cost_of, load_prices, load_templates
from .review import merged_rubric
from .store import Store, problem_set_key

# Errors that concern one request (its prompt is too long, the server cannot take it): that part needs a person.
# Any other provider error (a refused key, an unknown model, a server down after every retry) stops the judge.
PER_REQUEST_STATUSES = (400, 413, 422)


@dataclass(frozen=True)
class JudgeConfig:
    models: tuple[str, ...]
    base_url: str | None = None
    samples: int = 1
    concurrency: int = 4
    max_tokens: int = 1024
    temperature: float | None = None  # None: 0, or 0.7 when there are several samples
    max_attempts: int = 6
    prompts: Path | None = None

    def __post_init__(self):
        if not self.models:
            raise TabenchError("name a judge model with --judge, e.g. --judge openai/gpt-4o-mini")
        if self.samples < 1 or self.concurrency < 1 or self.max_tokens < 1:
            raise TabenchError("--judge-samples, --judge-concurrency and --judge-max-tokens must be at least 1")

    @property
    def sampling_temperature(self) -> float:
        return self.temperature if self.temperature is not None else (0.7 if self.samples > 1 else 0.0)

    def ballots(self) -> list[tuple[str, int]]:
        """(model, sample) of every vote on a part. At temperature 0 a model would say the same K times: once."""
        samples = self.samples if self.sampling_temperature > 0 else 1
        return [(model, sample) for model in self.models for sample in range(samples)]


class JudgeStopped(TabenchError):
    """The judge could not go on (a refused key, an unknown model, a server down); what it decided is stored."""

    exit_code = 1


@dataclass
class Call:
    key: str
    completion: Completion
    cached: bool
    repair: bool


@dataclass
class _Part:
    """A part on its way through the judge: its request and the ballots back so far."""

    submission_id: int | None
    request: JudgeRequest
    ballots: dict[int, Ballot] = field(default_factory=dict)


@dataclass
class JudgeTally:
    parts: int = 0
    decided: int = 0
    split: int = 0
    unreadable: int = 0
    calls: int = 0
    cached_calls: int = 0
    repairs: int = 0
    tokens: dict[str, list[int]] = field(default_factory=dict)  # model -> [input, output] of fresh calls


class Judge:
    def __init__(self, config: JudgeConfig, store: Store | None = None, providers: dict | None = None,
                 sleep=time.sleep):
        self.config, self.store, self.sleep = config, store, sleep
        self.templates = load_templates(config.prompts, names=TEMPLATE_NAMES)
        check_templates(self.templates)
        self.version = prompt_version(self.templates)
        if providers is None:
            from .providers import get_provider

            providers = {model: get_provider(model, config.base_url) for model in config.models}
        self.providers = providers
        self.tally = JudgeTally()
        self.failure: str | None = None
        self.judged: list[tuple[int | None, Verdict]] = []
        self._pool = ThreadPoolExecutor(max_workers=config.concurrency, thread_name_prefix="judge")
        self._futures: dict[Future, tuple[_Part, int]] = {}
        self._keys: dict[int, tuple[ProblemSet, str]] = {}  # id(problem set) -> (it, its store key)

    # ---- the caller's side -------------------------------------------------------------------

    def submit(self, submission_id: int | None, problem_set: ProblemSet, part: Part, answer: str | None,
               verdict: Verdict) -> bool:
        """Ask the judge about this part if it has something to decide; False when not (or when it stopped)."""
        self.collect()
        if self.failure is not None:
            return False
        part = self._with_edited_rubric(problem_set, part)
        request = plan(problem_set, part, answer, verdict, self.templates, self.config.max_tokens)
        if request is None:
            return False
        self.tally.parts += 1
        item = _Part(submission_id, request)
        for index, (model, sample) in enumerate(self.config.ballots()):
            hits, complete = self._cached(model, sample, request)
            if complete:  # every call it needs is in the cache: no thread, no call
                self._keep(item, index, *self._cast(model, sample, request, hits))
            else:
                self._futures[self._pool.submit(self._cast, model, sample, request, hits)] = (item, index)
        return True

    def collect(self, block: bool = False) -> None:
        """Store what the judge models answered so far (wait for at least one answer with `block`)."""
        if not self._futures:
            return
        if block:
            done, _ = wait(list(self._futures), return_when=FIRST_COMPLETED)
        else:
            done = [future for future in self._futures if future.done()]
        for future in done:
            item, index = self._futures.pop(future)
            try:
                ballot, calls = future.result()
            except CancelledError:
                continue
            except ProviderError as err:
                self._stop(str(err))
                continue
            self._keep(item, index, ballot, calls)

    def wait(self) -> None:
        """Wait for every answer asked for so far, and store them."""
        while self._futures:
            self.collect(block=True)

    def finish(self) -> list[tuple[int | None, Verdict]]:
        """Wait for every answer, store them, and return every (submission id, verdict) the judge gave."""
        self.wait()
        self._pool.shutdown(wait=True)
        return self.judged

    def close(self) -> None:
        """Drop the calls not started yet, store those in flight (after a run stopped or was interrupted)."""
        for future in list(self._futures):
            if future.cancel():
                self._futures.pop(future)
        self.finish()

    def summary(self) -> dict:
        prices = load_prices()
        costs = [cost_of(model, tokens[0], tokens[1], prices) for model, tokens in self.tally.tokens.items()]
        t = self.tally
        return {"models": list(self.config.models), "prompt_version": self.version, "parts": t.parts,
                "decided": t.decided, "needs_review": t.split + t.unreadable, "split": t.split,
                "unreadable": t.unreadable, "calls": t.calls, "cached_calls": t.cached_calls, "repairs": t.repairs,
                "input_tokens": sum(x[0] for x in t.tokens.values()), "output_tokens": sum(x[1] for x in t.tokens.values()),
                "cost_usd": None if any(c is None for c in costs) else sum(costs), "stopped": self.failure}

    def _with_edited_rubric(self, problem_set: ProblemSet, part: Part) -> Part:
        """The part with its rubric as the reviewers edited it on the review page (stored by problem set)."""
        if self.store is None:
            return part
        if id(problem_set) not in self._keys:
            self._keys[id(problem_set)] = (problem_set, problem_set_key(problem_set))  # the object, kept alive
        edits = self.store.rubric_items(self._keys[id(problem_set)][1], part.id)
        return part.model_copy(update={"rubric": merged_rubric(part.rubric, edits)}) if edits else part

    # ---- one vote: a call, and one repair if its reply cannot be read --------------------------

    def _key(self, model: str, sample: int, messages: list[dict], schema: dict) -> str:
        temperature = self.config.sampling_temperature
        return hashlib.sha256(json.dumps(
            {"purpose": "judge", "model": model, "base_url": self.config.base_url, "messages": messages,
             "schema": schema, "max_tokens": self.config.max_tokens, "temperature": temperature,
             "sample": sample if temperature > 0 else 0}, sort_keys=True).encode()).hexdigest()

    def _cached(self, model: str, sample: int, request: JudgeRequest) -> tuple[dict[str, Completion], bool]:
        """(the cached replies this vote may need, whether they are all it needs): read here, in the store's thread."""
        if self.store is None:
            return {}, False
        key = self._key(model, sample, request.messages, request.schema)
        first = self.store.cached_response(key)
        if first is None:
            return {}, False
        hits = {key: Completion(**first)}
        problem = self._read(hits[key], request)
        if isinstance(problem, Vote):
            return hits, True
        repair_key = self._key(model, sample, repair_messages(request.messages, hits[key].text, problem), request.schema)
        repaired = self.store.cached_response(repair_key)
        if repaired is not None:
            hits[repair_key] = Completion(**repaired)
        return hits, repaired is not None

    def _cast(self, model: str, sample: int, request: JudgeRequest,
              hits: dict[str, Completion]) -> tuple[Ballot, list[Call]]:
        """One vote (safe in a worker thread: it calls the model and touches no store)."""
        calls: list[Call] = []

        def ask(messages: list[dict], repair: bool) -> Completion:
            key = self._key(model, sample, messages, request.schema)
            if key in hits:
                completion, cached = hits[key], True
            else:
                provider = self.providers[model]
                completion = call_with_retries(
                    lambda: provider.complete(messages, max_tokens=self.config.max_tokens,
                                              temperature=self.config.sampling_temperature, schema=request.schema),
                    self.config.max_attempts, sleep=self.sleep)
                cached = False
            calls.append(Call(key, completion, cached, repair))
            return completion

        ballot = Ballot(model, sample, "")
        try:
            first = ask(request.messages, repair=False)
            ballot.reply = first.text
            read = self._read(first, request)
            if isinstance(read, Vote):
                ballot.vote = read
                return ballot, calls
            second = ask(repair_messages(request.messages, first.text, read), repair=True)
            ballot.repair_reply = second.text
            reread = self._read(second, request)
        except ProviderError as err:
            if err.status not in PER_REQUEST_STATUSES:
                raise
            ballot.error = f"the judge call failed: {err}"
            return ballot, calls
        if isinstance(reread, Vote):
            ballot.vote = reread
        else:
            ballot.error = reread
        return ballot, calls

    def _read(self, completion: Completion, request: JudgeRequest) -> Vote | str:
        read = read_reply(completion.text, request.rubric, request.implicit, request.points)
        if isinstance(read, str) and completion.stop_reason == "length":
            return f"{read} (the reply was cut off at the judge's token limit, --judge-max-tokens)"
        if isinstance(read, str) and completion.stop_reason == "refusal":
            return f"{read} (the judge model refused)"
        return read

    # ---- back in the caller's thread: store and decide -----------------------------------------

    def _keep(self, item: _Part, index: int, ballot: Ballot, calls: list[Call]) -> None:
        request = item.request
        for call in calls:
            c = call.completion
            self.tally.calls += not call.cached
            self.tally.cached_calls += call.cached
            self.tally.repairs += call.repair
            if not call.cached:
                tokens = self.tally.tokens.setdefault(ballot.model, [0, 0])
                tokens[0] += c.input_tokens
                tokens[1] += c.output_tokens
            if self.store is not None:
                if not call.cached:
                    self.store.save_response(call.key, c.text, c.stop_reason, c.input_tokens, c.output_tokens)
                self.store.record_judge_call(item.submission_id, request.part.id, ballot.model, call.key, call.cached,
                                             call.repair, c.input_tokens, c.output_tokens, c.stop_reason)
        item.ballots[index] = ballot
        if len(item.ballots) == len(self.config.ballots()):
            self._decide(item)

    def _decide(self, item: _Part) -> None:
        request = item.request
        decision = decide(request, [item.ballots[i] for i in sorted(item.ballots)])
        if decision.outcome == "decided":
            self.tally.decided += 1
        elif decision.outcome == "split":
            self.tally.split += 1
        else:
            self.tally.unreadable += 1
        if self.store is not None and item.submission_id is not None:
            self.store.save_verdicts(item.submission_id, [decision.verdict])
            self.store.save_judgement(item.submission_id, request.part.id, {
                "models": list(self.config.models), "prompt_version": self.version, "prompt": request.messages,
                "ballots": [b.record() for b in decision.ballots], "outcome": decision.outcome,
                "explanation": decision.explanation, "first_error": decision.first_error,
                "rubric": [rule.model_dump() for rule in request.rubric]})
        self.judged.append((item.submission_id, decision.verdict))

    def _stop(self, reason: str) -> None:
        if self.failure is None:
            self.failure = reason
        for future in list(self._futures):
            if future.cancel():
                self._futures.pop(future)

