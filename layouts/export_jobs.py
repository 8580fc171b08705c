"""Long exports (the area report) as background jobs with progress, per app.

Why not Dash background callbacks: they run in a separate process without the Flask
request, so they could not know the logged-in user's territory, and every job would start
a cold browser. Here the callback checks access in the request, hands the already
restricted store view to a small thread pool and returns at once; a ``dcc.Interval`` polls
the job's state. States and results live in a ``diskcache`` folder, so a poll answered by
another worker process of the same server still finds the job. Other users' callbacks are
never blocked: the work runs off the request threads.

A job id is a random token (``secrets.token_urlsafe``) known only to the page that started
it; results expire after :data:`RESULT_TTL_S`.
"""

from __future__ import annotations

import secrets
import tempfile
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import flask

EXTENSION_KEY: Final = "cakupan_export_jobs"
RESULT_TTL_S: Final = 3600
MAX_WORKERS: Final = 2

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class JobState:
    state: str  # queued | running | done | failed | unknown
    step: str = ""
    done: int = 0
    total: int = 0
    message: str = ""
    filename: str = ""

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class ExportJobs:
    """A thread pool and a disk cache of job states and results (one per app)."""

    def __init__(self, directory: Path, max_workers: int = MAX_WORKERS) -> None:
        import diskcache

        self.cache = diskcache.Cache(str(directory))
        self.pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="export")

    def _set(self, job: str, **values: Any) -> None:
        current = self.cache.get(f"state:{job}") or {}
        self.cache.set(f"state:{job}", {**current, **values}, expire=RESULT_TTL_S)

    def submit(self, work: Callable[[Progress], bytes], filename: str) -> str:
        """Run ``work(progress)`` in the pool; returns the job id."""
        job = secrets.token_urlsafe(16)
        self._set(job, state="queued", filename=filename)

        def run() -> None:
            self._set(job, state="running")
            try:
                data = work(
                    lambda step, done, total: self._set(job, step=step, done=done, total=total)
                )
            except Exception as exc:  # reported to the user, never swallowed
                self._set(job, state="failed", message=str(exc) or type(exc).__name__)
                traceback.print_exc()
                return
            self.cache.set(f"result:{job}", data, expire=RESULT_TTL_S)
            self._set(job, state="done")

        self.pool.submit(run)
        return job

    def state(self, job: str | None) -> JobState:
        raw = self.cache.get(f"state:{job}") if job else None
        if not raw:
            return JobState("unknown")
        return JobState(**{k: raw[k] for k in raw if k in JobState.__dataclass_fields__})

    def result(self, job: str) -> bytes | None:
        data = self.cache.get(f"result:{job}")
        return bytes(data) if data is not None else None


def setup_export_jobs(server: flask.Flask, directory: Path | None = None) -> ExportJobs:
    """Attach the app's job runner (``server.extensions``); idempotent."""
    jobs = server.extensions.get(EXTENSION_KEY)
    if jobs is None:
        folder = directory or Path(tempfile.gettempdir()) / "cakupan-exports"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # reports stay private
        jobs = ExportJobs(folder)
        server.extensions[EXTENSION_KEY] = jobs
    return jobs


def current_jobs() -> ExportJobs:
    jobs: ExportJobs = flask.current_app.extensions[EXTENSION_KEY]
    return jobs
