"""One `flask aq sync` at a time, with a lock that a crashed run cannot leave behind.

The lock is an OS lock (`flock`) on a file, not the file's existence: the kernel releases it when
the process ends, however it ends (crash, `kill -9`, reboot), so the next run never has to guess
whether an old lock is stale. The file only carries, for the operator, who holds the lock and
since when. On PostgreSQL a session advisory lock is taken as well, so several machines sharing
one database also sync one at a time (it dies with the connection, like the flock with the process).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from .. import clock

# An arbitrary constant naming "the air sync" among PostgreSQL advisory locks (ASCII "aqsync").
ADVISORY_KEY = 0x617173796E63


@dataclass(frozen=True)
class Holder:
    pid: int | None
    since: datetime | None
    where: str  # "this machine" | "another machine sharing the database"


class SyncBusy(RuntimeError):
    """Another sync holds the lock."""

    def __init__(self, holder: Holder) -> None:
        since = f" since {clock.isoformat(holder.since)}" if holder.since else ""
        pid = f" (pid {holder.pid})" if holder.pid else ""
        super().__init__(f"another aq sync is running on {holder.where}{pid}{since}")
        self.holder = holder


def _read_holder(fh) -> Holder:
    fh.seek(0)
    try:
        info = json.loads(fh.read() or "{}")
    except ValueError:
        info = {}
    since = info.get("since")
    return Holder(info.get("pid"), datetime.fromisoformat(since) if since else None, "this machine")


@contextmanager
def sync_lock(path: Path, engine: sa.Engine | None = None) -> Iterator[None]:
    """Hold the sync lock for the duration of the block; SyncBusy when another run holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (closed in finally: closing releases the lock)
    conn = None
    locked = False
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncBusy(_read_holder(fh)) from None
        if engine is not None and engine.dialect.name == "postgresql":
            conn = engine.connect()
            if not conn.execute(sa.select(sa.func.pg_try_advisory_lock(ADVISORY_KEY))).scalar():
                raise SyncBusy(Holder(None, None, "another machine sharing the database"))
            locked = True
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps({"pid": os.getpid(), "since": clock.now_utc().isoformat()}))
        fh.flush()
        yield
        fh.seek(0)
        fh.truncate()  # nothing to report once released (a crash leaves the text, never the lock)
    finally:
        if conn is not None:
            if locked:
                # A pooled connection outlives `close()`: release the session lock explicitly (a
                # crashed process loses its connection, and the lock with it).
                conn.execute(sa.select(sa.func.pg_advisory_unlock(ADVISORY_KEY)))
            conn.close()
        fh.close()
