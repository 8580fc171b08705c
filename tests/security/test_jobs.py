"""Adversarial: a background job belongs to the user who started it, and one user cannot
fill the job pool.

A viewer polls the report job of a branch user of another kabupaten (the id leaked):
403 and an audit entry, no PDF. A user over the per-user limit gets a message to wait
and no job is queued.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dash
import pytest
from conftest import callback_key, callback_payload, login

from analytics.audit import read_events
from analytics.settings import Settings
from layouts import ids


@pytest.fixture
def one_job_app(settings: Settings) -> dash.Dash:
    from app import create_app

    return create_app(settings.with_(max_jobs_per_user=1))


def _start(app: dash.Dash, client: Any, area: str) -> tuple[int, dict[str, Any]]:
    key = callback_key(app, f"{ids.REPORT_JOB}.data")
    payload = callback_payload(
        app,
        key,
        {
            f"{ids.REPORT_BUTTON}.n_clicks": 1,
            "map-view.data": {"level": "kecamatan", "area": area},
            "segment.value": "BPU",
        },
    )
    response = client.post("/_dash-update-component", json=payload)
    body = json.loads(response.get_data(as_text=True)) if response.status_code == 200 else {}
    return response.status_code, body.get("response", {})


def _poll(app: dash.Dash, client: Any, job: str) -> Any:
    key = next(k for k in app.callback_map if f"{ids.REPORT_DOWNLOAD}.data" in k)
    payload = callback_payload(
        app, key, {f"{ids.REPORT_POLL}.n_intervals": 1, f"{ids.REPORT_JOB}.data": job}
    )
    return client.post("/_dash-update-component", json=payload)


def test_another_users_job_is_refused_and_logged(
    one_job_app: dash.Dash, settings: Settings
) -> None:
    app = one_job_app
    branch, viewer = app.server.test_client(), app.server.test_client()
    assert login(branch, "cabang").status_code == 302
    assert login(viewer, "tamu").status_code == 302
    status, body = _start(app, branch, "99.01")
    assert status == 200
    job = body[ids.REPORT_JOB]["data"]
    assert isinstance(job, str) and len(job) >= 20
    stolen = _poll(app, viewer, job)
    assert stolen.status_code == 403
    assert b"%PDF" not in stolen.get_data() and "laporan_" not in stolen.get_data(as_text=True)
    refusal = read_events(settings.audit_path)[-1]
    assert refusal.user == "tamu" and refusal.action == "refused"
    assert refusal.detail["what"] == "job of another user"
    # the owner polls the same id and gets its state (done, running or the job's own error)
    own = _poll(app, branch, job)
    assert own.status_code == 200
    assert "unknown" not in own.get_data(as_text=True)


def test_one_user_cannot_queue_more_than_the_limit(
    one_job_app: dash.Dash, settings: Settings
) -> None:
    app = one_job_app
    viewer, branch = app.server.test_client(), app.server.test_client()
    assert login(viewer, "tamu").status_code == 302
    assert login(branch, "cabang").status_code == 302
    status, first = _start(app, viewer, "99.01.01")
    assert status == 200 and first[ids.REPORT_JOB]["data"]
    status, second = _start(app, viewer, "99.01.01")  # a second click while the first runs
    assert status == 200
    assert ids.REPORT_JOB not in second  # no new job
    message = second[ids.REPORT_STATUS]["children"]
    assert "Tunggu" in message and "1" in message
    # another user is not held up by the viewer's job
    status, other = _start(app, branch, "99.01")
    assert status == 200 and other[ids.REPORT_JOB]["data"]
    jobs = [e for e in read_events(settings.audit_path) if e.detail.get("what") == "report.pdf"]
    assert [e.user for e in jobs] == ["tamu", "cabang"]


def test_a_failed_job_never_shows_the_raw_exception_text() -> None:
    from analytics.errors import InputError
    from analytics.store import StoreDamaged
    from layouts.export_jobs import INTERNAL_FAILURE, STORE_FAILURE, failure_message
    from layouts.export_ui import failure_text

    raw = RuntimeError("Flowable <Table@0x7f00 5 rows> too large on page 3 /srv/cakupan/x")
    assert failure_message(raw) == INTERNAL_FAILURE
    for lang in ("id", "en"):
        shown = failure_text(failure_message(raw), lang)
        assert "Flowable" not in shown and "/srv" not in shown and "0x7f00" not in shown
    damaged = StoreDamaged(Path("/srv/cakupan/processed/coverage.parquet"), "truncated")
    assert failure_message(damaged) == STORE_FAILURE
    assert failure_message(InputError("bulan 2099-13 tidak ada")) == "bulan 2099-13 tidak ada"
