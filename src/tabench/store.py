"""The SQLite store: problem sets, submissions, answers and verdicts, with named, append-only migrations.

It lives in $TABENCH_HOME (default: the platform's user data folder) as tabench.db.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from .errors import StoreError
from .model import ProblemSet, Verdict

MIGRATIONS: list[tuple[str, str]] = [
    (
        "001_initial",
        """
        CREATE TABLE problem_sets (
            id TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT, json TEXT NOT NULL, created_at TEXT NOT NULL
        );
        CREATE TABLE submissions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            problem_set_id TEXT NOT NULL REFERENCES problem_sets(id),
            name TEXT NOT NULL, source TEXT, created_at TEXT NOT NULL,
            UNIQUE (problem_set_id, name)
        );
        CREATE TABLE answers (
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            part_id TEXT NOT NULL, text TEXT NOT NULL,
            PRIMARY KEY (submission_id, part_id)
        );
        CREATE TABLE verdicts (
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            part_id TEXT NOT NULL, verdict TEXT NOT NULL, score REAL NOT NULL, points REAL NOT NULL,
            method TEXT NOT NULL, tags TEXT NOT NULL, rationale TEXT NOT NULL, extracted TEXT, graded_at TEXT NOT NULL,
            PRIMARY KEY (submission_id, part_id)
        );
        """,
    ),
    (
        "002_traces_and_human_verdicts",
        """
        ALTER TABLE submissions ADD COLUMN trace TEXT;
        CREATE TABLE human_verdicts (
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            part_id TEXT NOT NULL, verdict TEXT, tags TEXT NOT NULL, comment TEXT NOT NULL,
            PRIMARY KEY (submission_id, part_id)
        );
        """,
    ),
    (
        "003_submission_model_protocol_sample",
        """
        ALTER TABLE submissions ADD COLUMN model TEXT;
        ALTER TABLE submissions ADD COLUMN protocol TEXT;
        ALTER TABLE submissions ADD COLUMN sample INTEGER;
        """,
    ),
    (
        "004_runs_and_response_cache",
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT, problem_set_id TEXT NOT NULL REFERENCES problem_sets(id),
            model TEXT NOT NULL, protocol TEXT NOT NULL, samples INTEGER NOT NULL, params TEXT NOT NULL,
            base_url TEXT, status TEXT NOT NULL, error TEXT, started_at TEXT NOT NULL, finished_at TEXT
        );
        CREATE TABLE responses (
            key TEXT PRIMARY KEY, text TEXT NOT NULL, stop_reason TEXT NOT NULL,
            input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, created_at TEXT NOT NULL
        );
        CREATE TABLE run_calls (
            run_id INTEGER NOT NULL REFERENCES runs(id), sample INTEGER NOT NULL, step TEXT NOT NULL,
            response_key TEXT NOT NULL, cached INTEGER NOT NULL, input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL, stop_reason TEXT NOT NULL,
            PRIMARY KEY (run_id, sample, step)
        );
        ALTER TABLE submissions ADD COLUMN run_id INTEGER;
        """,
    ),
    (
        "005_judge_provenance",
        """
        CREATE TABLE judgements (
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            part_id TEXT NOT NULL, models TEXT NOT NULL, prompt_version TEXT NOT NULL, prompt TEXT NOT NULL,
            ballots TEXT NOT NULL, outcome TEXT NOT NULL, explanation TEXT NOT NULL, first_error TEXT,
            rubric TEXT NOT NULL, judged_at TEXT NOT NULL
        );
        CREATE INDEX judgements_by_part ON judgements (submission_id, part_id);
        CREATE TABLE judge_calls (
            submission_id INTEGER REFERENCES submissions(id), part_id TEXT NOT NULL, model TEXT NOT NULL,
            response_key TEXT NOT NULL, cached INTEGER NOT NULL, repair INTEGER NOT NULL,
            input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, stop_reason TEXT NOT NULL,
            called_at TEXT NOT NULL
        );
        """,
    ),
    (
        "006_runs_and_names",
        """
        ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
        ALTER TABLE runs ADD COLUMN owner_host TEXT;
        ALTER TABLE runs ADD COLUMN owner_started TEXT;
        ALTER TABLE submissions ADD COLUMN origin TEXT;
        """,
    ),
    (
        "007_human_verdict_events",
        """
        CREATE TABLE human_verdict_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            part_id TEXT NOT NULL, grader TEXT NOT NULL, created_at TEXT NOT NULL,
            old_verdict TEXT, old_score REAL,
            verdict TEXT, score REAL, points REAL,
            tags TEXT NOT NULL, comment TEXT NOT NULL, rubric TEXT NOT NULL,
            source TEXT NOT NULL
        );
        CREATE INDEX human_verdict_events_by_part ON human_verdict_events (submission_id, part_id, id);
        CREATE TRIGGER human_verdict_events_append_only BEFORE UPDATE ON human_verdict_events
        BEGIN SELECT RAISE(ABORT, 'human verdict events are append-only'); END;
        CREATE VIEW final_verdicts AS
            SELECT v.submission_id, v.part_id,
                   COALESCE(e.verdict, v.verdict) AS verdict,
                   CASE WHEN e.verdict IS NULL THEN v.score ELSE e.score END AS score,
                   v.points,
                   CASE WHEN e.verdict IS NULL THEN v.method ELSE 'human' END AS method,
                   CASE WHEN e.verdict IS NULL THEN v.tags ELSE e.tags END AS tags,
                   CASE WHEN e.verdict IS NULL THEN v.rationale
                        ELSE COALESCE(NULLIF(e.comment, ''), 'graded by ' || e.grader) END AS rationale,
                   v.extracted, v.rowid AS position
            FROM verdicts v LEFT JOIN human_verdict_events e
                 ON e.id = (SELECT MAX(x.id) FROM human_verdict_events x
                            WHERE x.submission_id = v.submission_id AND x.part_id = v.part_id);
        CREATE TABLE rubric_items (
            problem_set_id TEXT NOT NULL REFERENCES problem_sets(id), part_id TEXT NOT NULL,
            item_id TEXT NOT NULL, text TEXT NOT NULL, points REAL NOT NULL, position INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (problem_set_id, part_id, item_id)
        );
        CREATE TABLE review_comments (
            problem_set_id TEXT NOT NULL REFERENCES problem_sets(id), part_id TEXT NOT NULL,
            text TEXT NOT NULL, uses INTEGER NOT NULL, last_used_at TEXT NOT NULL,
            PRIMARY KEY (problem_set_id, part_id, text)
        );
        """,
    ),
    (
        "008_figures",
        """
        CREATE TABLE figure_images (
            sha256 TEXT PRIMARY KEY, media_type TEXT NOT NULL, data BLOB NOT NULL, created_at TEXT NOT NULL
        );
        CREATE TABLE figures (
            problem_set_id TEXT NOT NULL REFERENCES problem_sets(id), part_id TEXT NOT NULL, position INTEGER NOT NULL,
            sha256 TEXT REFERENCES figure_images(sha256), media_type TEXT, size INTEGER,
            source_path TEXT, page INTEGER, bbox TEXT, caption TEXT NOT NULL, missing TEXT, gathered_at TEXT NOT NULL,
            PRIMARY KEY (problem_set_id, part_id, position)
        );
        """,
    ),
]


def default_home() -> Path:
    configured = os.environ.get("TABENCH_HOME")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("tabench", appauthor=False))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


BUSY_WAIT_SECONDS = 120.0  # how long a write waits for other tabench processes before giving up


def _busy(err: sqlite3.OperationalError) -> bool:
    return "locked" in str(err) or "busy" in str(err)


def _statements(script: str) -> list[str]:
    """The statements of a migration, one by one (a trigger's body keeps its own ';'), so that they run inside
    the caller's transaction — executescript() would commit it first."""
    statements, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip())
            pending = ""
    return statements


def problem_set_key(problem_set: ProblemSet) -> str:
    """The id a problem set is stored under: a hash of its JSON, so the same key always finds the same rows."""
    return hashlib.sha256(problem_set.model_dump_json().encode()).hexdigest()[:16]


_EVENT_KEYS = ("id", "submission_id", "part_id", "grader", "created_at", "old_verdict", "old_score", "verdict", "score",
               "points", "tags", "comment", "rubric", "source")


def _event(row: tuple) -> dict:
    event = dict(zip(_EVENT_KEYS, row))
    event["tags"], event["rubric"] = json.loads(event["tags"]), json.loads(event["rubric"])
    return event


def _as_human_verdict(event: dict) -> dict:
    return {"part_id": event["part_id"], "verdict": event["verdict"], "tags": event["tags"], "comment": event["comment"],
            "score": event["score"], "points": event["points"], "grader": event["grader"], "at": event["created_at"],
            "rubric": event["rubric"], "source": event["source"]}


class Store:
    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else default_home() / "tabench.db"
        self._depth = 0  # nesting of transaction()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit mode: transactions are opened by transaction() only, always as BEGIN IMMEDIATE.
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA foreign_keys = ON")
            self._retrying(lambda: self.db.execute("PRAGMA journal_mode = WAL").fetchone())
            # WAL with synchronous=NORMAL survives a crash or a kill of tabench; only a power cut may lose the last commits.
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except (sqlite3.Error, OSError) as err:
            raise StoreError(
                f"{self.path}: cannot open the tabench store ({err}); set TABENCH_HOME to a writable folder"
            ) from None

    def _retrying(self, action, wait: float = BUSY_WAIT_SECONDS):
        """Run `action`, trying again while another process holds the store (beyond SQLite's own busy wait)."""
        deadline = time.monotonic() + wait
        pause = 0.02
        while True:
            try:
                return action()
            except sqlite3.OperationalError as err:
                if not _busy(err) or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)

    @contextmanager
    def transaction(self):
        """One atomic write: BEGIN IMMEDIATE takes the write lock at once (waiting for other processes), so
        a transaction never fails half-way on a lock. Nested uses join the outer transaction. A transaction
        left open by an interruption (Ctrl-C between BEGIN and its end) is rolled back, never joined."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._rollback()
        try:
            self._retrying(lambda: self.db.execute("BEGIN IMMEDIATE"))
        except sqlite3.OperationalError as err:
            self._rollback()
            raise StoreError(f"{self.path}: the store stays busy ({err}); another tabench process holds it, "
                             "try again when it is done") from None
        except BaseException:
            self._rollback()
            raise
        self._depth = 1
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        else:
            self.db.execute("COMMIT")
        finally:
            self._depth = 0

    def _rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def _migrate(self) -> None:
        """Apply the missing migrations under the write lock, so processes opening a new store at once agree."""
        with self.transaction():
            self.db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            done = {row[0] for row in self.db.execute("SELECT name FROM _migrations")}
            for name, script in MIGRATIONS:
                if name not in done:
                    for statement in _statements(script):
                        self.db.execute(statement)
                    self.db.execute("INSERT INTO _migrations VALUES (?, ?)", (name, _now()))

    def migrations(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT name FROM _migrations ORDER BY name")]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- writes --------------------------------------------------------------------------------

    def save_problem_set(self, problem_set: ProblemSet) -> str:
        data = problem_set.model_dump_json()
        key = problem_set_key(problem_set)
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO problem_sets VALUES (?, ?, ?, ?, ?)",
                (key, problem_set.title, problem_set.source, data, _now()),
            )
        return key

    def save_figures(self, problem_set_id: str, figures: list) -> None:
        """The figures gathered for a problem set (figures.KeptFigure): each image once by its sha256, and per
        part and position which image it is, or why there is none. A figure gathered again takes the place of
        the row it had (the image a past run sent stays stored under its sha256)."""
        with self.transaction():
            for kept in figures:
                sha = kept.sha256
                if sha is not None:
                    self.db.execute("INSERT OR IGNORE INTO figure_images VALUES (?, ?, ?, ?)",
                                    (sha, kept.media_type, kept.data, _now()))
                figure = kept.figure
                self.db.execute(
                    "INSERT OR REPLACE INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (problem_set_id, kept.part_id, kept.position, sha, kept.media_type,
                     len(kept.data) if kept.data is not None else None, figure.path, figure.page,
                     json.dumps(figure.bbox) if figure.bbox is not None else None, figure.caption, kept.missing,
                     _now()))

    def figures(self, problem_set_id: str) -> list[dict]:
        """The stored figures of a problem set, by part and position (without their bytes)."""
        keys = ("part_id", "position", "sha256", "media_type", "size", "source_path", "page", "bbox", "caption",
                "missing")
        rows = self.db.execute(
            "SELECT part_id, position, sha256, media_type, size, source_path, page, bbox, caption, missing "
            "FROM figures WHERE problem_set_id = ? ORDER BY rowid", (problem_set_id,)).fetchall()
        return [dict(zip(keys, row), bbox=json.loads(row[7]) if row[7] else None) for row in rows]

    def figure_image(self, sha256: str) -> tuple[str, bytes] | None:
        """(media type, bytes) of a stored figure image."""
        row = self.db.execute("SELECT media_type, data FROM figure_images WHERE sha256 = ?", (sha256,)).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def save_submission(self, problem_set_id: str, name: str, answers: dict[str, str], source: str | None = None,
                        origin: str | None = None) -> int:
        """The submission `name` (created if new) with `answers` added to what it holds."""
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO submissions (problem_set_id, name, source, origin, created_at) VALUES (?, ?, ?, ?, ?)",
                (problem_set_id, name, source, origin, _now()),
            )
            (submission_id,) = self.db.execute(
                "SELECT id FROM submissions WHERE problem_set_id = ? AND name = ?", (problem_set_id, name)
            ).fetchone()
            self.save_answers(submission_id, answers)
        return submission_id

    def submission_named(self, problem_set_id: str, name: str) -> dict | None:
        """{id, source, origin, run_id} of the submission of this name, or None."""
        row = self.db.execute("SELECT id, source, origin, run_id FROM submissions WHERE problem_set_id = ? AND name = ?",
                              (problem_set_id, name)).fetchone()
        return dict(zip(("id", "source", "origin", "run_id"), row)) if row else None

    def regrade_submission(self, problem_set_id: str, name: str, source: str | None, origin: str | None,
                           parts: list[str] | None = None) -> int:
        """The submission `name`, emptied for a new grading: its answers, verdicts and reader's marks are removed
        (only those of `parts` when given), so what is stored next all comes from one grading."""
        with self.transaction():
            existing = self.submission_named(problem_set_id, name)
            if existing is None:
                return self.save_submission(problem_set_id, name, {}, source, origin)
            submission_id = existing["id"]
            chosen = "" if parts is None else f" AND part_id IN ({', '.join('?' * len(parts))})"
            for table in ("answers", "verdicts", "human_verdicts"):
                self.db.execute(f"DELETE FROM {table} WHERE submission_id = ?{chosen}", (submission_id, *(parts or ())))
            if parts is None:
                self.db.execute("UPDATE submissions SET source = ?, origin = ?, trace = NULL, created_at = ? WHERE id = ?",
                                (source, origin, _now(), submission_id))
        return submission_id

    def delete_submission(self, submission_id: int) -> dict:
        """Remove a submission and everything stored about it; {name, rows} of what went."""
        row = self.submission(submission_id)
        with self.transaction():
            removed = sum(self.db.execute(f'DELETE FROM "{table}" WHERE submission_id = ?', (submission_id,)).rowcount
                          for table in self._tables_with("submission_id"))
            self.db.execute("DELETE FROM submissions WHERE id = ?", (submission_id,))
        return {"name": row["name"], "rows": removed}

    def _tables_with(self, column: str) -> list[str]:
        """Tables with this column, also those later migrations add (so a delete leaves nothing behind)."""
        tables = [r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [t for t in tables if any(c[1] == column for c in self.db.execute(f'PRAGMA table_info("{t}")'))]

    def save_answers(self, submission_id: int, answers: dict[str, str]) -> None:
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?)",
                [(submission_id, part_id, text) for part_id, text in answers.items()],
            )

    def describe_submission(self, submission_id: int, model: str | None, protocol: str | None, sample: int | None) -> None:
        with self.transaction():
            self.db.execute("UPDATE submissions SET model = ?, protocol = ?, sample = ? WHERE id = ?",
                            (model, protocol, sample, submission_id))

    def submission(self, ref: str | int) -> dict:
        """A submission by id, or the most recent one for 'latest'."""
        query = ("SELECT s.id, s.name, s.source, s.created_at, s.model, s.protocol, s.sample, s.problem_set_id, p.title, "
                 "s.run_id, s.origin "
                 "FROM submissions s JOIN problem_sets p ON p.id = s.problem_set_id ")
        if str(ref) == "latest":
            row = self.db.execute(query + "ORDER BY s.id DESC LIMIT 1").fetchone()
        else:
            try:
                row = self.db.execute(query + "WHERE s.id = ?", (int(ref),)).fetchone()
            except ValueError:
                raise StoreError(f"{ref!r} is not a submission id; give a number from `tabench submissions` or 'latest'") from None
        if row is None:
            raise StoreError(f"no submission {ref!r} in {self.path}; grade something first or list them with `tabench submissions`")
        keys = ("id", "name", "source", "created_at", "model", "protocol", "sample", "problem_set_id", "problem_set",
                "run_id", "origin")
        return dict(zip(keys, row))

    def answers_of(self, problem_set_id: str, name: str) -> dict[str, str]:
        """The stored answers of a submission by its name ({} when there is none yet)."""
        row = self.db.execute("SELECT id FROM submissions WHERE problem_set_id = ? AND name = ?",
                              (problem_set_id, name)).fetchone()
        return self.answers(row[0]) if row else {}

    def submissions_of(self, problem_set_id: str) -> list[dict]:
        rows = self.db.execute("SELECT id FROM submissions WHERE problem_set_id = ? ORDER BY id", (problem_set_id,))
        return [self.submission(row[0]) for row in rows.fetchall()]

    # ---- runs ----------------------------------------------------------------------------------

    def find_run(self, problem_set_id: str, model: str, protocol: str, params: str, base_url: str | None) -> int | None:
        row = self.db.execute(
            "SELECT id FROM runs WHERE problem_set_id = ? AND model = ? AND protocol = ? AND params = ? "
            "AND COALESCE(base_url, '') = COALESCE(?, '') ORDER BY id DESC LIMIT 1",
            (problem_set_id, model, protocol, params, base_url),
        ).fetchone()
        return row[0] if row else None

    def create_run(self, problem_set_id: str, model: str, protocol: str, samples: int, params: str,
                   base_url: str | None, owner: dict | None = None) -> int:
        owner = owner or {}
        with self.transaction():
            cursor = self.db.execute(
                "INSERT INTO runs (problem_set_id, model, protocol, samples, params, base_url, status, started_at, "
                "owner_pid, owner_host, owner_started) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)",
                (problem_set_id, model, protocol, samples, params, base_url, _now(), owner.get("pid"),
                 owner.get("host"), owner.get("started")),
            )
        return cursor.lastrowid

    def run(self, run_id: int) -> dict:
        row = self.db.execute(
            "SELECT id, problem_set_id, model, protocol, samples, params, base_url, status, error, started_at, finished_at, "
            "owner_pid, owner_host, owner_started FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise StoreError(f"no run {run_id} in {self.path}; list them with `tabench runs`")
        keys = ("id", "problem_set_id", "model", "protocol", "samples", "params", "base_url", "status", "error",
                "started_at", "finished_at", "owner_pid", "owner_host", "owner_started")
        return dict(zip(keys, row))

    def claim_run(self, run_id: int, owner: dict, samples: int, is_running) -> dict:
        """Mark the run `running` under this process; a StoreError when a live process already runs it."""
        with self.transaction():
            run = self.run(run_id)
            if run["status"] == "running" and is_running(run["owner_pid"], run["owner_host"], run["owner_started"]):
                raise StoreError(f"run {run_id} is being run by process {run['owner_pid']} on {run['owner_host']}; "
                                 "wait for it to finish, or start a separate run with --new")
            self.db.execute("UPDATE runs SET status = 'running', error = NULL, finished_at = NULL, samples = ?, "
                            "owner_pid = ?, owner_host = ?, owner_started = ? WHERE id = ?",
                            (max(samples, run["samples"]), owner.get("pid"), owner.get("host"), owner.get("started"),
                             run_id))
        return self.run(run_id)

    def set_run_status(self, run_id: int, status: str, error: str | None = None, samples: int | None = None) -> None:
        finished = _now() if status in ("done", "failed", "interrupted") else None
        with self.transaction():
            self.db.execute("UPDATE runs SET status = ?, error = ?, finished_at = ?, samples = COALESCE(?, samples) "
                            "WHERE id = ?", (status, error, finished, samples, run_id))

    def mark_dead_runs(self, is_running) -> list[int]:
        """Runs left `running` by a process that is gone (killed, crashed, machine restarted) become
        `interrupted`; `is_running(pid, host, started)` is False only when it knows the owner is gone."""
        dead = []
        with self.transaction():
            rows = self.db.execute("SELECT id, owner_pid, owner_host, owner_started FROM runs WHERE status = 'running'")
            for run_id, pid, host, started in rows.fetchall():
                if not is_running(pid, host, started):
                    owner = f"its process {pid}" if pid is not None else "its process"
                    self.set_run_status(run_id, "interrupted", f"{owner} ended before the run finished")
                    dead.append(run_id)
        return dead

    def delete_run(self, run_id: int) -> dict:
        """Remove a run, its submissions and its call records (the response cache keeps the replies)."""
        self.run(run_id)
        with self.transaction():
            ids = [r[0] for r in self.db.execute("SELECT id FROM submissions WHERE run_id = ?", (run_id,)).fetchall()]
            removed = sum(self.delete_submission(submission_id)["rows"] for submission_id in ids)
            removed += sum(self.db.execute(f'DELETE FROM "{table}" WHERE run_id = ?', (run_id,)).rowcount
                           for table in self._tables_with("run_id") if table != "submissions")
            self.db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        return {"submissions": len(ids), "rows": removed}

    def runs(self, run_id: int | None = None) -> list[dict]:
        """Every run (or one) with its tokens from fresh calls and the score of its graded answers (the verdicts of
        record: a person's where one was given)."""
        where = "" if run_id is None else "WHERE r.id = ? "
        rows = self.db.execute(
            "SELECT r.id, p.title, r.model, r.protocol, r.samples, r.status, r.error, r.started_at, "
            "(SELECT COALESCE(SUM(input_tokens), 0) FROM run_calls c WHERE c.run_id = r.id AND c.cached = 0), "
            "(SELECT COALESCE(SUM(output_tokens), 0) FROM run_calls c WHERE c.run_id = r.id AND c.cached = 0), "
            "(SELECT COALESCE(SUM(v.score), 0) FROM final_verdicts v JOIN submissions s ON s.id = v.submission_id WHERE s.run_id = r.id), "
            "(SELECT COALESCE(SUM(v.points), 0) FROM final_verdicts v JOIN submissions s ON s.id = v.submission_id WHERE s.run_id = r.id) "
            "FROM runs r JOIN problem_sets p ON p.id = r.problem_set_id " + where + "ORDER BY r.id",
            () if run_id is None else (run_id,),
        )
        keys = ("id", "problem_set", "model", "protocol", "samples", "status", "error", "started_at", "input_tokens",
                "output_tokens", "score", "points")
        return [dict(zip(keys, row)) for row in rows.fetchall()]

    def link_submission(self, submission_id: int, run_id: int) -> None:
        with self.transaction():
            self.db.execute("UPDATE submissions SET run_id = ? WHERE id = ?", (run_id, submission_id))

    def cached_response(self, key: str) -> dict | None:
        row = self.db.execute("SELECT text, stop_reason, input_tokens, output_tokens FROM responses WHERE key = ?",
                              (key,)).fetchone()
        return dict(zip(("text", "stop_reason", "input_tokens", "output_tokens"), row)) if row else None

    def save_response(self, key: str, text: str, stop_reason: str, input_tokens: int, output_tokens: int) -> None:
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?)",
                            (key, text, stop_reason, input_tokens, output_tokens, _now()))

    def record_call(self, run_id: int, sample: int, step: str, key: str, cached: bool, input_tokens: int,
                    output_tokens: int, stop_reason: str) -> None:
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO run_calls VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            (run_id, sample, step, key, int(cached), input_tokens, output_tokens, stop_reason))

    def done_steps(self, run_id: int, sample: int) -> dict[str, str]:
        rows = self.db.execute("SELECT step, response_key FROM run_calls WHERE run_id = ? AND sample = ?", (run_id, sample))
        return dict(rows.fetchall())

    def run_calls(self, run_id: int) -> list[dict]:
        rows = self.db.execute("SELECT sample, step, cached, input_tokens, output_tokens, stop_reason FROM run_calls "
                               "WHERE run_id = ? ORDER BY rowid", (run_id,))
        keys = ("sample", "step", "cached", "input_tokens", "output_tokens", "stop_reason")
        return [dict(zip(keys, row)) for row in rows.fetchall()]

    def save_trace(self, submission_id: int, turns: list[dict]) -> None:
        with self.transaction():
            self.db.execute("UPDATE submissions SET trace = ? WHERE id = ?", (json.dumps(turns), submission_id))

    def save_human_verdicts(self, submission_id: int, annotations: list[dict]) -> None:
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO human_verdicts VALUES (?, ?, ?, ?, ?)",
                [(submission_id, a["part_id"], a["verdict"], json.dumps(a["tags"]), a["comment"]) for a in annotations],
            )

    def trace(self, submission_id: int) -> list[dict]:
        (data,) = self.db.execute("SELECT trace FROM submissions WHERE id = ?", (submission_id,)).fetchone()
        return json.loads(data) if data else []

    def human_verdicts(self, submission_id: int) -> list[dict]:
        """The latest human verdict per part: a review event where one exists, else the imported reader's mark.

        Each is {part_id, verdict, tags, comment, score, points, grader, at, rubric, source}; an imported mark has
        no score and source 'import'. A review event that was voided (its answer changed) gives way to the mark."""
        marks = self.db.execute(
            "SELECT part_id, verdict, tags, comment FROM human_verdicts WHERE submission_id = ? ORDER BY rowid",
            (submission_id,),
        )
        latest = {p: {"part_id": p, "verdict": v, "tags": json.loads(t), "comment": c, "score": None, "points": None,
                      "grader": None, "at": None, "rubric": [], "source": "import"} for p, v, t, c in marks.fetchall()}
        for event in self.human_verdict_events(submission_id, latest_only=True):
            if event["verdict"] is not None:
                latest[event["part_id"]] = _as_human_verdict(event)
        return list(latest.values())

    # ---- human verdict events (the review page) -----------------------------------------------

    def record_human_verdicts(self, events: list[dict]) -> list[dict]:
        """Append human verdict events, each {submission_id, part_id, grader, verdict, score, points, tags, comment,
        rubric, source}; old_verdict/old_score are what stood before (the last human verdict, else the automatic
        one). verdict None voids the last human verdict. All or nothing; returns the stored events."""
        stamp = _now()
        stored = []
        with self.transaction():
            for event in events:
                old = self.db.execute(
                    "SELECT verdict, score FROM final_verdicts WHERE submission_id = ? AND part_id = ?",
                    (event["submission_id"], event["part_id"]),
                ).fetchone() or (None, None)
                cursor = self.db.execute(
                    "INSERT INTO human_verdict_events (submission_id, part_id, grader, created_at, old_verdict, old_score, "
                    "verdict, score, points, tags, comment, rubric, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (event["submission_id"], event["part_id"], event["grader"], stamp, old[0], old[1], event["verdict"],
                     event.get("score"), event.get("points"), json.dumps(list(event.get("tags", []))),
                     event.get("comment", ""), json.dumps(list(event.get("rubric", []))), event["source"]),
                )
                stored.append(dict(event, id=cursor.lastrowid, created_at=stamp, old_verdict=old[0], old_score=old[1]))
        return stored

    def human_verdict_events(self, submission_id: int | None = None, part_id: str | None = None,
                             latest_only: bool = False, problem_set_id: str | None = None) -> list[dict]:
        """Human verdict events, oldest first (or only the latest per submission and part)."""
        where, args = [], []
        for column, value in (("e.submission_id", submission_id), ("e.part_id", part_id),
                              ("s.problem_set_id", problem_set_id)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if latest_only:
            where.append("e.id = (SELECT MAX(x.id) FROM human_verdict_events x "
                         "WHERE x.submission_id = e.submission_id AND x.part_id = e.part_id)")
        rows = self.db.execute(
            f"SELECT {', '.join('e.' + k for k in _EVENT_KEYS)} FROM human_verdict_events e "
            "JOIN submissions s ON s.id = e.submission_id" + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY e.id", args)
        return [_event(row) for row in rows.fetchall()]

    def final_verdicts(self, submission_id: int) -> list[Verdict]:
        """The verdicts of record: the latest human verdict where a person graded the part, else the automatic one."""
        (name,) = self.db.execute("SELECT name FROM submissions WHERE id = ?", (submission_id,)).fetchone()
        rows = self.db.execute(
            "SELECT part_id, verdict, score, points, method, tags, rationale, extracted FROM final_verdicts "
            "WHERE submission_id = ? ORDER BY position", (submission_id,))
        return [Verdict(submission=name, part_id=p, verdict=v, score=s, points=pts, method=m, tags=json.loads(t),
                        rationale=r, extracted=e) for p, v, s, pts, m, t, r, e in rows.fetchall()]

    def part_review_rows(self, problem_set_id: str, part_id: str | None = None) -> list[dict]:
        """Every graded answer of a problem set (or of one part) with its submission, automatic verdict, latest
        review event (None if none) and imported reader's mark (None if none), by submission id."""
        rows = self.db.execute(
            "SELECT s.id, s.name, s.model, s.protocol, s.sample, v.part_id, a.text, v.verdict, v.score, v.points, "
            "v.method, v.tags, v.rationale, v.extracted, e.id, m.verdict, m.tags, m.comment "
            "FROM submissions s JOIN verdicts v ON v.submission_id = s.id "
            "LEFT JOIN answers a ON a.submission_id = s.id AND a.part_id = v.part_id "
            "LEFT JOIN human_verdict_events e ON e.id = (SELECT MAX(x.id) FROM human_verdict_events x "
            "    WHERE x.submission_id = s.id AND x.part_id = v.part_id) "
            "LEFT JOIN human_verdicts m ON m.submission_id = s.id AND m.part_id = v.part_id "
            "WHERE s.problem_set_id = ? AND (? IS NULL OR v.part_id = ?) ORDER BY s.id, v.rowid",
            (problem_set_id, part_id, part_id))
        fetched = rows.fetchall()
        event_ids = [row[14] for row in fetched if row[14] is not None]
        events = {}
        for start in range(0, len(event_ids), 500):
            chunk = event_ids[start : start + 500]
            found = self.db.execute(f"SELECT {', '.join(_EVENT_KEYS)} FROM human_verdict_events WHERE id IN "
                                    f"({', '.join('?' * len(chunk))})", chunk)
            events.update({row[0]: _event(row) for row in found.fetchall()})
        out = []
        for (sid, name, model, protocol, sample, pid, text, verdict, score, points, method, tags, rationale, extracted,
             event_id, mark_verdict, mark_tags, mark_comment) in fetched:
            out.append({
                "submission_id": sid, "submission": name, "model": model, "protocol": protocol, "sample": sample,
                "part_id": pid, "answer": text,
                "automatic": Verdict(submission=name, part_id=pid, verdict=verdict, score=score, points=points,
                                     method=method, tags=json.loads(tags), rationale=rationale, extracted=extracted),
                "event": events.get(event_id),
                "mark": None if mark_tags is None else {"verdict": mark_verdict, "tags": json.loads(mark_tags),
                                                        "comment": mark_comment},
            })
        return out

    def rubric_items(self, problem_set_id: str, part_id: str) -> list[dict]:
        """Rubric items added or edited on the review page for a part, in their order."""
        rows = self.db.execute("SELECT item_id, text, points FROM rubric_items WHERE problem_set_id = ? AND part_id = ? "
                               "ORDER BY position, item_id", (problem_set_id, part_id))
        return [{"id": i, "text": t, "points": p} for i, t, p in rows.fetchall()]

    def save_rubric_item(self, problem_set_id: str, part_id: str, item_id: str, text: str, points: float,
                         position: int) -> None:
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO rubric_items VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (problem_set_id, part_id, item_id, text, points, position, _now()))

    def review_comments(self, problem_set_id: str, part_id: str) -> list[str]:
        """Comments given on a part before, most used first."""
        rows = self.db.execute("SELECT text FROM review_comments WHERE problem_set_id = ? AND part_id = ? "
                               "ORDER BY uses DESC, last_used_at DESC", (problem_set_id, part_id))
        return [row[0] for row in rows.fetchall()]

    def use_comment(self, problem_set_id: str, part_id: str, text: str, times: int = 1) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO review_comments VALUES (?, ?, ?, ?, ?) ON CONFLICT (problem_set_id, part_id, text) "
                "DO UPDATE SET uses = uses + excluded.uses, last_used_at = excluded.last_used_at",
                (problem_set_id, part_id, text, times, _now()))

    def problem_sets(self) -> list[dict]:
        """Stored problem sets that have submissions, with how many."""
        rows = self.db.execute(
            "SELECT p.id, p.title, p.source, COUNT(s.id) FROM problem_sets p JOIN submissions s ON s.problem_set_id = p.id "
            "GROUP BY p.id ORDER BY MIN(s.id)")
        return [{"id": i, "title": t, "source": src, "submissions": n} for i, t, src, n in rows.fetchall()]

    def save_verdicts(self, submission_id: int, verdicts: list[Verdict]) -> None:
        stamp = _now()
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO verdicts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (submission_id, v.part_id, v.verdict, v.score, v.points, v.method, json.dumps(v.tags),
                     v.rationale, v.extracted, stamp)
                    for v in verdicts
                ],
            )

    # ---- the judge's provenance ----------------------------------------------------------------

    def save_judgement(self, submission_id: int, part_id: str, record: dict) -> None:
        """How a judge decided a part: its models, prompt version, the prompt, each raw reply, the outcome. Kept
        beside earlier judgements of the part (a regrade adds one; the latest is the one that counts)."""
        with self.db:
            self.db.execute(
                "INSERT INTO judgements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (submission_id, part_id, json.dumps(record["models"]), record["prompt_version"],
                 json.dumps(record["prompt"], ensure_ascii=False), json.dumps(record["ballots"], ensure_ascii=False),
                 record["outcome"], record["explanation"], record["first_error"], json.dumps(record["rubric"]), _now()),
            )

    def judgements(self, submission_id: int) -> dict[str, dict]:
        """The latest judgement of each judged part."""
        rows = self.db.execute(
            "SELECT part_id, models, prompt_version, prompt, ballots, outcome, explanation, first_error, rubric, "
            "judged_at FROM judgements WHERE submission_id = ? ORDER BY rowid", (submission_id,))
        return {
            part_id: {"models": json.loads(models), "prompt_version": version, "prompt": json.loads(prompt),
                      "ballots": json.loads(ballots), "outcome": outcome, "explanation": explanation,
                      "first_error": first_error, "rubric": json.loads(rubric), "judged_at": judged_at}
            for part_id, models, version, prompt, ballots, outcome, explanation, first_error, rubric, judged_at
            in rows.fetchall()
        }

    def record_judge_call(self, submission_id: int | None, part_id: str, model: str, key: str, cached: bool,
                          repair: bool, input_tokens: int, output_tokens: int, stop_reason: str) -> None:
        with self.db:
            self.db.execute("INSERT INTO judge_calls VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (submission_id, part_id, model, key, int(cached), int(repair), input_tokens,
                             output_tokens, stop_reason, _now()))

    def judge_calls(self, submission_id: int) -> list[dict]:
        rows = self.db.execute("SELECT part_id, model, cached, repair, input_tokens, output_tokens, stop_reason "
                               "FROM judge_calls WHERE submission_id = ? ORDER BY rowid", (submission_id,))
        keys = ("part_id", "model", "cached", "repair", "input_tokens", "output_tokens", "stop_reason")
        return [dict(zip(keys, row)) for row in rows.fetchall()]

    # ---- reads ---------------------------------------------------------------------------------

    def answers(self, submission_id: int) -> dict[str, str]:
        rows = self.db.execute("SELECT part_id, text FROM answers WHERE submission_id = ?", (submission_id,))
        return dict(rows.fetchall())

    def verdicts(self, submission_id: int) -> list[Verdict]:
        (name,) = self.db.execute("SELECT name FROM submissions WHERE id = ?", (submission_id,)).fetchone()
        rows = self.db.execute(
            "SELECT part_id, verdict, score, points, method, tags, rationale, extracted FROM verdicts "
            "WHERE submission_id = ? ORDER BY rowid",
            (submission_id,),
        )
        return [
            Verdict(submission=name, part_id=p, verdict=v, score=s, points=pts, method=m, tags=json.loads(t),
                    rationale=r, extracted=e)
            for p, v, s, pts, m, t, r, e in rows.fetchall()
        ]

    def problem_set(self, problem_set_id: str) -> ProblemSet:
        (data,) = self.db.execute("SELECT json FROM problem_sets WHERE id = ?", (problem_set_id,)).fetchone()
        return ProblemSet.model_validate_json(data)

    def submissions(self) -> list[dict]:
        """Every submission with its score over the verdicts of record (a person's where one was given)."""
        rows = self.db.execute(
            "SELECT s.id, s.name, p.title, s.created_at, s.model, s.protocol, s.sample, COALESCE(SUM(v.score), 0), "
            "COALESCE(SUM(v.points), 0), COUNT(v.part_id), s.run_id FROM submissions s "
            "JOIN problem_sets p ON p.id = s.problem_set_id "
            "LEFT JOIN final_verdicts v ON v.submission_id = s.id GROUP BY s.id ORDER BY s.id"
        )
        keys = ("id", "name", "problem_set", "created_at", "model", "protocol", "sample", "score", "points", "graded_parts",
                "run_id")
        return [dict(zip(keys, row)) for row in rows.fetchall()]
