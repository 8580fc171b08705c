"""Log-in state shared by every worker of a server: sessions and failed log-ins, in SQLite.

One small SQLite file (``<state dir>/auth.sqlite``, WAL mode) holds

* **sessions**: one row per logged-in browser (a random id kept in the signed cookie), with
  its user, a fingerprint of the user's entry (password hash, role, territory), the time it
  was opened and last seen. A request is logged in only while its row exists, the user's
  entry still has the same fingerprint and neither the idle nor the absolute timeout has
  passed; log-out deletes the row, so a saved cookie replayed later is refused by every
  worker, and a password, role or territory change ends every session of that user.
* **failures**: failed log-ins per key (an account, an account at one address) with the
  time of the last one. After a number of free failures each further one doubles the wait
  before the key may try again (capped); see :func:`backoff_seconds`.

Why not Flask-Session or flask-limiter: Flask-Session ends one session at a time (no way to
end all sessions of a user when their password changes), and flask-limiter shares counts
across processes only through Redis, Memcached or MongoDB, which a one-machine deployment
does not run. Pure Python, no Flask: the app passes the times and keys.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from analytics.access import User

STATE_FILE: Final = "auth.sqlite"
#: Write "last seen" at most this often per session (a write per request is not needed).
SEEN_RESOLUTION_S: Final = 30.0
#: Failures of a key older than this are forgotten (the count starts again).
FAILURE_MEMORY_S: Final = 24 * 3600.0

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS sessions (
    sid TEXT PRIMARY KEY, user TEXT NOT NULL, fingerprint TEXT NOT NULL,
    created REAL NOT NULL, seen REAL NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user);
CREATE TABLE IF NOT EXISTS failures (
    key TEXT PRIMARY KEY, count INTEGER NOT NULL, last REAL NOT NULL);
"""


def fingerprint(user: User) -> str:
    """A digest of what a session was granted on: changes with the password (a new argon2
    hash, even for the same password), the role and the territory."""
    t = user.territory
    text = json.dumps(
        [user.name, str(user.role), sorted(t.areas), t.polres, t.polsek, user.password_hash]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def backoff_seconds(count: int, free: int, base_s: float, cap_s: float) -> float:
    """The wait after ``count`` failures: none for the first ``free`` ones, then ``base_s``
    doubling with every further failure, at most ``cap_s``.

    >>> [backoff_seconds(n, 5, 1.0, 60.0) for n in (4, 5, 6, 7, 20)]
    [0.0, 1.0, 2.0, 4.0, 60.0]
    """
    if count < free:
        return 0.0
    return float(min(cap_s, base_s * 2 ** min(count - free, 30)))


@dataclass(frozen=True)
class SessionLimits:
    idle_s: float
    absolute_s: float


class AuthState:
    """Sessions and failure counts in one SQLite file; safe across threads and processes
    (a connection per call, WAL journal, a busy timeout)."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = directory / STATE_FILE
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=15.0, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    # sessions --------------------------------------------------------------------------
    def open_session(self, user: User, now: float, limits: SessionLimits) -> str:
        """A new session id for ``user`` (expired sessions of everyone are dropped)."""
        sid = secrets.token_urlsafe(32)
        with self._db() as db:
            db.execute(
                "DELETE FROM sessions WHERE seen < ? OR created < ?",
                (now - limits.idle_s, now - limits.absolute_s),
            )
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                (sid, user.name, fingerprint(user), now, now),
            )
        return sid

    def session_valid(self, sid: str, user: User, now: float, limits: SessionLimits) -> bool:
        """True while ``sid`` is open for ``user`` as they are now and not timed out; a
        session found invalid is deleted."""
        with self._db() as db:
            row = db.execute(
                "SELECT user, fingerprint, created, seen FROM sessions WHERE sid = ?", (sid,)
            ).fetchone()
            if row is None:
                return False
            name, print_, created, seen = row
            ok = (
                name == user.name
                and secrets.compare_digest(print_, fingerprint(user))
                and now - seen <= limits.idle_s
                and now - created <= limits.absolute_s
            )
            if not ok:
                db.execute("DELETE FROM sessions WHERE sid = ?", (sid,))
            elif now - seen >= SEEN_RESOLUTION_S:
                db.execute("UPDATE sessions SET seen = ? WHERE sid = ?", (now, sid))
            return ok

    def end_session(self, sid: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE sid = ?", (sid,))

    def end_user_sessions(self, name: str) -> int:
        """End every session of ``name``; returns how many there were."""
        with self._db() as db:
            return db.execute("DELETE FROM sessions WHERE user = ?", (name,)).rowcount

    # failed log-ins --------------------------------------------------------------------
    def wait_seconds(self, key: str, now: float, free: int, base_s: float, cap_s: float) -> float:
        """Seconds ``key`` must still wait before its next try (0: it may try now)."""
        with self._db() as db:
            row = db.execute("SELECT count, last FROM failures WHERE key = ?", (key,)).fetchone()
        if row is None or now - row[1] > FAILURE_MEMORY_S:
            return 0.0
        return max(0.0, row[1] + backoff_seconds(row[0], free, base_s, cap_s) - now)

    def fail(self, key: str, now: float) -> int:
        """Count a failure of ``key``; returns its count."""
        with self._db() as db:
            db.execute(
                "INSERT INTO failures VALUES (?, 1, ?) ON CONFLICT(key) DO UPDATE SET "
                "count = CASE WHEN ? - last > ? THEN 1 ELSE count + 1 END, last = ?",
                (key, now, now, FAILURE_MEMORY_S, now),
            )
            db.execute("DELETE FROM failures WHERE last < ?", (now - FAILURE_MEMORY_S,))
            row = db.execute("SELECT count FROM failures WHERE key = ?", (key,)).fetchone()
        return int(row[0])

    def clear(self, *keys: str) -> None:
        with self._db() as db:
            db.executemany("DELETE FROM failures WHERE key = ?", [(k,) for k in keys])
