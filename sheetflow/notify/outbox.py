"""The notification outbox: a SQLite file (standard library, WAL journal) that records every
event before anything is sent, and every delivery once the channel has accepted it.

``events`` holds each situation once (by key), so an event offered again is not news;
``tasks`` is one row per event and recipient, done once that recipient's channel accepted it;
``messages`` groups a recipient's open tasks into one digest. A message is claimed with a
lease before it is sent, so two runs that overlap never send it both; a run killed while
sending leaves the lease to expire, and the next run sends the same digest again, under the
same message id. A failed attempt waits (backoff, or the server's ``Retry-After``); when a
run is terminated (SIGTERM) the message being sent is finished and recorded first.

A file SQLite cannot read is moved aside and a fresh one started: that run's events are
recorded and sent, and the sentence saying so is returned with the report.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from ..errors import SheetflowError
from .events import Event, EventKind

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    key TEXT PRIMARY KEY, event TEXT NOT NULL, recorded REAL NOT NULL,
    due REAL NOT NULL DEFAULT 0);             -- not sent before (a reminder waits for office hours)
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY, recipient TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open',      -- open, done
    attempts INTEGER NOT NULL DEFAULT 0,     -- once tried, its content is fixed: a retry is the same message
    next_at REAL NOT NULL DEFAULT 0, lease_until REAL NOT NULL DEFAULT 0,
    owner TEXT,                              -- the run holding the lease: host and process id
    error TEXT, done_at REAL);
CREATE TABLE IF NOT EXISTS tasks (
    key TEXT NOT NULL REFERENCES events(key), recipient TEXT NOT NULL, message INTEGER REFERENCES messages(id),
    done INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (key, recipient));
CREATE INDEX IF NOT EXISTS open_tasks ON tasks(recipient) WHERE done = 0;
"""
# Waits after the n-th failure: the next run tries again at once, then 5, 10, 20 … minutes, at most 6 hours.
FIRST_WAIT, LONGEST_WAIT = 300.0, 6 * 3600.0
# A recipient's tasks not in a message yet whose events are due.
READY = "recipient = ? AND message IS NULL AND done = 0 AND key IN (SELECT key FROM events WHERE due <= ?)"
BUSY_MS = 30_000  # another run holding the write lock for longer than this is stuck


class StateUnavailable(SheetflowError):
    """The outbox cannot be opened or written: nothing is sent that could not be remembered."""


@dataclass(frozen=True)
class Claim:
    """A message this run may send now: its id (stable across retries), recipient and events."""

    id: int
    recipient: str
    events: tuple[Event, ...]
    attempts: int
    token: str  # the outbox's own id: with ``id`` it names the message everywhere (Message-ID)


def wait_after(attempts: int) -> float:
    return 0.0 if attempts <= 1 else min(FIRST_WAIT * 2 ** (attempts - 2), LONGEST_WAIT)


class Outbox:
    def __init__(self, connection: sqlite3.Connection, repaired: str | None):
        self.db, self.repaired = connection, repaired
        self.token = self._token()

    @classmethod
    @contextmanager
    def open(cls, path: Path) -> Iterator[Outbox]:
        repaired = None
        try:
            connection = _connect(path)
        except (sqlite3.OperationalError, OSError) as exc:  # cannot open, read-only, locked too long: not damage
            raise _unavailable(path, exc) from exc
        except sqlite3.DatabaseError as exc:
            aside = path.with_name(f"{path.name}.rusak-{datetime.now():%Y%m%d-%H%M%S}")
            try:
                path.rename(aside)
                for suffix in ("-wal", "-shm"):
                    path.with_name(path.name + suffix).unlink(missing_ok=True)
                connection = _connect(path)
            except (OSError, sqlite3.Error) as again:
                raise _unavailable(path, again) from again
            repaired = (f"Berkas status pemberitahuan {path.name} rusak ({exc}); disimpan sebagai {aside.name} "
                        "dan diganti berkas baru, pemberitahuan putaran ini tetap dicatat dan dikirim.")
        with closing(connection):
            try:
                yield cls(connection, repaired)
            except sqlite3.Error as exc:
                raise _unavailable(path, exc) from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction holding SQLite's write lock from its start: runs take turns."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.rollback()
            raise
        self.db.commit()

    def _token(self) -> str:
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO meta VALUES ('token', ?)", (uuid.uuid4().hex[:12],))
            return db.execute("SELECT value FROM meta WHERE name = 'token'").fetchone()[0]

    def record(self, routed: Iterable[tuple[Event, list[str]]], now: float) -> None:
        """Each new event and who is to hear of it; an event whose key is known already is no news."""
        with self._write() as db:
            for event, recipients in routed:
                added = db.execute("INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?)",
                                   (event.key, json.dumps(asdict(event), ensure_ascii=False), now,
                                    event.due)).rowcount
                if added:
                    db.executemany("INSERT OR IGNORE INTO tasks (key, recipient) VALUES (?, ?)",
                                   [(event.key, r) for r in recipients])

    def adopt(self, legacy: Path, now: float) -> tuple[list[Event], dict[str, list[str]]] | None:
        """The JSON state file of earlier versions, if ``legacy`` is one: its sent keys become
        known events here; its pending events and who already had them are returned, for
        ``record`` and then ``reached``. The file is renamed ``….diimpor`` once read."""
        try:
            data = json.loads(legacy.read_text(encoding="utf-8"))
            pending = [Event(**{**e, "kind": EventKind(e["kind"])}) for e in data["pending"]]
            sent, reached = list(data["sent"]), {k: list(v) for k, v in data["reached"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            return None
        with self._write() as db:
            db.executemany("INSERT OR IGNORE INTO events VALUES (?, '{}', ?, 0)", [(key, now) for key in sent])
        legacy.rename(legacy.with_name(legacy.name + ".diimpor"))
        return pending, reached

    def reached(self, who: dict[str, list[str]]) -> None:
        """Tasks an earlier version already delivered."""
        with self._write() as db:
            db.executemany("UPDATE tasks SET done = 1 WHERE key = ? AND recipient = ?",
                           [(key, r) for key, recipients in who.items() for r in recipients])

    def claim(self, recipients: Iterable[str], now: float, lease: float) -> list[Claim]:
        """The messages due now for these recipients, leased to this run. New tasks join a
        recipient's message not tried yet; a tried one may have arrived, so it stays as it was."""
        claims = []
        with self._write() as db:
            for recipient in recipients:
                loose = db.execute(f"SELECT count(*) FROM tasks WHERE {READY}", (recipient, now)).fetchone()[0]
                if loose:
                    row = db.execute("SELECT id FROM messages WHERE recipient = ? AND state = 'open' AND attempts = 0 "
                                     "AND lease_until <= ? ORDER BY id LIMIT 1", (recipient, now)).fetchone()
                    message = row[0] if row else db.execute(
                        "INSERT INTO messages (recipient, next_at) VALUES (?, ?)", (recipient, now)).lastrowid
                    db.execute(f"UPDATE tasks SET message = ? WHERE {READY}", (message, recipient, now))
                self._void_dead_leases(db, recipient, now)
                due = db.execute("SELECT id, attempts FROM messages WHERE recipient = ? AND state = 'open' "
                                 "AND next_at <= ? AND lease_until <= ? ORDER BY id", (recipient, now, now)).fetchall()
                for message, attempts in due:
                    db.execute("UPDATE messages SET lease_until = ?, owner = ?, attempts = attempts + 1 "
                               "WHERE id = ?", (now + lease, f"{socket.gethostname()}:{os.getpid()}", message))
                    rows = db.execute("SELECT e.event FROM tasks t JOIN events e ON e.key = t.key "
                                      "WHERE t.message = ? AND t.done = 0 ORDER BY e.rowid", (message,)).fetchall()
                    claims.append(Claim(message, recipient, tuple(_event(r[0]) for r in rows), attempts + 1,
                                        self.token))
        return claims

    @staticmethod
    def _void_dead_leases(db: sqlite3.Connection, recipient: str, now: float) -> None:
        """A lease held by a process of this machine that is gone (killed, terminated) ends now:
        its message may have arrived, so it goes again unchanged, under the same id."""
        held = db.execute("SELECT id, owner FROM messages WHERE recipient = ? AND state = 'open' AND lease_until > ?",
                          (recipient, now)).fetchall()
        for message, owner in held:
            host, _, pid = (owner or "").rpartition(":")
            if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
                db.execute("UPDATE messages SET lease_until = 0 WHERE id = ?", (message,))

    def delivered(self, claim: Claim, now: float) -> None:
        with self._write() as db:
            db.execute("UPDATE messages SET state = 'done', done_at = ?, lease_until = 0, error = NULL WHERE id = ?",
                       (now, claim.id))
            db.execute("UPDATE tasks SET done = 1 WHERE message = ?", (claim.id,))

    def release(self, claims: Iterable[Claim]) -> None:
        """Claims this run did not begin: free at once, as they were."""
        with self._write() as db:
            db.executemany("UPDATE messages SET lease_until = 0, attempts = attempts - 1 WHERE id = ?",
                           [(c.id,) for c in claims])

    def failed(self, claim: Claim, reason: str, now: float, retry_after: float | None = None) -> None:
        """Not accepted: the message waits, the same, for its next attempt."""
        wait = max(retry_after or 0.0, wait_after(claim.attempts))
        with self._write() as db:
            db.execute("UPDATE messages SET lease_until = 0, next_at = ?, error = ? WHERE id = ?",
                       (now + wait, reason, claim.id))

    def pending(self) -> int:
        """Events some recipient has not heard of yet (reminders waiting for office hours too)."""
        return self.db.execute("SELECT count(DISTINCT key) FROM tasks WHERE done = 0").fetchone()[0]


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")  # a commit is on disk before a message goes out
        connection.executescript(SCHEMA)
        (verdict,) = connection.execute("PRAGMA quick_check").fetchone()
        if verdict != "ok":
            raise sqlite3.DatabaseError(verdict)
    except BaseException:
        connection.close()
        raise
    return connection


def _alive(pid: int) -> bool:
    if os.name == "nt":
        return True  # os.kill(pid, 0) would end the process there: the lease runs out instead
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def _event(text: str) -> Event:
    data = json.loads(text)
    return Event(**{**data, "kind": EventKind(data["kind"])})


def _unavailable(path: Path, exc: BaseException) -> StateUnavailable:
    return StateUnavailable(f"Berkas status pemberitahuan {path} tidak dapat dibuka atau ditulis ({exc}); "
                            "tidak ada pemberitahuan yang dikirim, periksa izin folder itu.")
