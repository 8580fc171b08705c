"""Long exports (the area report) as background jobs with progress, per app.

Why not Dash background callbacks: they run in a separate process without the Flask
request, so they could not know the logged-in user's territory, and every job would start
a cold browser. Here the callback checks access in the request, hands the already
restricted store view to a small thread pool and returns at once; a ``dcc.Interval`` polls
the job's state. States and results live in a ``diskcache`` folder, so a poll answered by
another worker process of the same server still finds the job. Other users' callbacks are
never blocked: the work runs off the request threads.

A job id is a random token (``secrets.token_urlsafe``) known only to the page that started
it, and every job belongs to the user who started it: its state and result are given to
that user only; anyone else asking for them gets 403 and an audit entry, even with the id.
A user may have at most ``Settings.max_jobs_per_user`` jobs queued or running (counted
across the workers, in the shared cache); one more is refused with a message saying to
wait (:func:`wait_message`). Results expire after :data:`RESULT_TTL_S`.
"""

from __future__ import annotations

import mimetypes
import os
import secrets
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import flask
import psutil
from dash import dcc, no_update

from analytics.errors import InputError
from analytics.progress import Progress
from analytics.settings import Settings
from analytics.store.reader import StoreDamaged, StoreError
from layouts.core.data_access import (
    SETTINGS_KEY,
    audit_event,
    current_settings,
    current_user,
    refuse,
)
from layouts.core.i18n import t
from layouts.core.store_notice import notice_text

EXTENSION_KEY: Final = "cakupan_export_jobs"
RESULT_TTL_S: Final = 3600
MAX_WORKERS: Final = 2
ACTIVE: Final = frozenset({"queued", "running"})
WAIT_MESSAGES: Final = {
    "id": "Tunggu: {n} pekerjaan Anda masih berjalan (paling banyak {limit} sekaligus). "
    "Mulai lagi setelah satu selesai.",
    "en": "Please wait: {n} of your jobs are still running (at most {limit} at once). "
    "Start again when one has finished.",
}


def wait_message(lang: str, active: int, limit: int) -> str:
    """The message for a user who must wait for their own jobs (``lang``: id or en)."""
    return WAIT_MESSAGES.get(lang, WAIT_MESSAGES["id"]).format(n=active, limit=limit)


def _requester() -> str | None:
    """The logged-in user of the request (``None`` outside a request, e.g. the CLI)."""
    if not flask.has_request_context():
        return None
    return current_user().name


def _job_limit() -> int:
    return current_settings().max_jobs_per_user if flask.has_app_context() else MAX_WORKERS


def _alive(pid: object) -> bool:
    """Whether the process running a job still exists (a killed worker leaves its jobs
    "running" in the cache; they must not count against the user for an hour)."""
    return not isinstance(pid, int) or psutil.pid_exists(pid)


#: Markers stored instead of an exception's text, which may name server paths or objects.
#: How often a page asks for its job's progress (ms).
JOB_POLL_MS: Final = 700
STORE_FAILURE: Final = "@store"
INTERNAL_FAILURE: Final = "@internal"


def failure_message(exc: BaseException) -> str:
    """What a failed job tells its user: a clear input message as written, else a marker
    (the store is unavailable, or an internal error logged on the server): never the raw
    text of an unexpected exception."""
    if isinstance(exc, InputError):
        return str(exc)
    if isinstance(exc, (StoreError, StoreDamaged)):
        return STORE_FAILURE
    return INTERNAL_FAILURE


def failure_reason(message: str, lang: str) -> str:
    """A failed job's message as its user reads it: the markers of
    :func:`failure_message` in the user's language, an input message as written."""
    if message == STORE_FAILURE:
        return notice_text(None, lang)
    if message == INTERNAL_FAILURE:
        return t("job.internal", lang)
    return message


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

    def active(self, owner: str) -> int:
        """Jobs of ``owner`` queued or running (in any worker)."""
        return len(self._active_ids(owner))

    def _active_ids(self, owner: str) -> list[str]:
        ids = self.cache.get(f"owner:{owner}") or []
        states = {job: self.cache.get(f"state:{job}") or {} for job in ids}
        return [
            job for job, st in states.items() if st.get("state") in ACTIVE and _alive(st.get("pid"))
        ]

    def wait_text(self, lang: str) -> str | None:
        """The message to wait when the request's user is at their job limit, else None."""
        owner, limit = _requester() or "", _job_limit()
        active = self.active(owner)
        return wait_message(lang, active, limit) if active >= limit else None

    def submit(self, work: Callable[[Progress], bytes], filename: str) -> str:
        """Run ``work(progress)`` in the pool for the request's user; returns the job id.

        Over the user's limit the job is not run: its state is ``failed`` with the message
        to wait (both languages), so every page's progress display shows it."""
        job = secrets.token_urlsafe(16)
        owner = _requester() or ""
        limit = _job_limit()
        with self.cache.transact():  # one count per user across threads and workers
            active = self._active_ids(owner)
            admitted = len(active) < limit
            if admitted:
                self.cache.set(f"owner:{owner}", [*active, job], expire=RESULT_TTL_S)
        if not admitted:
            text = f"{wait_message('id', len(active), limit)} / "
            text += wait_message("en", len(active), limit)
            self._set(job, state="failed", owner=owner, filename=filename, message=text)
            _audit_job("job_refused", "limit", {"active": len(active), "limit": limit})
            return job
        self._set(job, state="queued", filename=filename, owner=owner, pid=os.getpid())

        def run() -> None:
            self._set(job, state="running")
            try:
                data = work(
                    lambda step, done, total: self._set(job, step=step, done=done, total=total)
                )
            except Exception as exc:  # reported to the user, never swallowed
                self._set(job, state="failed", message=failure_message(exc))
                print(f"cakupan: job {job} failed", flush=True)
                traceback.print_exc()
                return
            self.cache.set(f"result:{job}", data, expire=RESULT_TTL_S)
            self._set(job, state="done")

        self.pool.submit(run)
        return job

    def _owned(self, job: str | None) -> dict[str, Any] | None:
        """The job's raw state; another user's job is refused (403, audit entry)."""
        raw = self.cache.get(f"state:{job}") if job else None
        if not raw:
            return None
        who = _requester()
        if who is not None and raw.get("owner") != who:
            refuse("job of another user", {"job": str(job)[:8]})
        return dict(raw)

    def state(self, job: str | None) -> JobState:
        raw = self._owned(job)
        if not raw:
            return JobState("unknown")
        return JobState(**{k: raw[k] for k in raw if k in JobState.__dataclass_fields__})

    def result(self, job: str) -> bytes | None:
        if self._owned(job) is None:
            return None
        data = self.cache.get(f"result:{job}")
        return bytes(data) if data is not None else None


def job_progress(
    job: str | None,
    lang: str,
    *,
    running: str,
    done: str,
    failed: Callable[[str], str],
    steps: Mapping[str, str] | None = None,
) -> tuple[int, str, Any, bool]:
    """What a page shows of its file job: (percent, status text, the file for
    ``dcc.Download`` once done or ``no_update``, whether to stop polling). ``failed``
    writes the sentence around a failure's reason (:func:`failure_reason`); ``steps``
    names the job's steps for the status line."""
    jobs = current_jobs()
    st = jobs.state(job)
    if st.state == "done" and job:
        data = jobs.result(job)
        if data is None:  # kept for RESULT_TTL_S only
            return 0, failed(t("job.expired", lang)), no_update, True
        kind = mimetypes.guess_type(st.filename)[0] or "application/octet-stream"
        return 100, done, dcc.send_bytes(data, st.filename, type=kind), True
    if st.state == "unknown":
        return 0, failed(t("job.unknown", lang)), no_update, True
    if st.state == "failed":
        return 0, failed(failure_reason(st.message, lang)), no_update, True
    step = (steps or {}).get(st.step, "")
    return st.percent, f"{running} {step}".strip(), no_update, False


def _audit_job(action: str, outcome: str, detail: dict[str, object]) -> None:
    if flask.has_request_context():
        audit_event(action, outcome, detail)


def setup_export_jobs(server: flask.Flask, directory: Path | None = None) -> ExportJobs:
    """Attach the app's job runner (``server.extensions``); idempotent."""
    jobs = server.extensions.get(EXTENSION_KEY)
    if jobs is None:
        settings = server.config.get(SETTINGS_KEY) or Settings()
        # beside the sessions: one folder per deployment, shared by its workers
        folder = directory or settings.state_dir / "jobs"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # reports stay private
        jobs = ExportJobs(folder)
        server.extensions[EXTENSION_KEY] = jobs
    return jobs


def current_jobs() -> ExportJobs:
    jobs: ExportJobs = flask.current_app.extensions[EXTENSION_KEY]
    return jobs
