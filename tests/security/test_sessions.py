"""Adversarial: a session ends when the user thinks it ends, in every worker.

A saved session cookie replayed after log-out, after a password change, after a territory
change, after the idle and the absolute timeout, and in a second app instance (another
gunicorn worker of the same deployment: same secret, same state folder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dash
import pytest
from conftest import PASSWORD, callback_key, callback_payload, csrf, login
from flask.testing import FlaskClient

from analytics.settings import Settings

COOKIE = "cakupan_session"
STRONG_SECRET = "Vq3_x9LkP2mZ7rT4wY8nB1cD5fG6hJ0sA-eUoIiKlQ"


def _protected(app: dash.Dash, client: FlaskClient) -> list[int]:
    """Status of the layout, a boundary file and the map callback for ``client``."""
    key = callback_key(app, "map.figure")
    payload = callback_payload(
        app, key, {"map-view.data": {"level": "desa", "area": "99.01.01"}, "segment.value": "BPU"}
    )
    return [
        client.get("/_dash-layout").status_code,
        client.get("/geo/kecamatan/99.01.geojson").status_code,
        client.post("/_dash-update-component", json=payload).status_code,
    ]


def _replay(app: dash.Dash, cookie: str) -> FlaskClient:
    """A fresh client (another browser, another worker) sending a saved session cookie."""
    thief = app.server.test_client()
    thief.set_cookie(COOKIE, cookie)
    return thief


def _logged_in(app: dash.Dash, name: str) -> tuple[FlaskClient, str]:
    client = app.server.test_client()
    assert login(client, name).status_code == 302
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return client, cookie.value


@pytest.fixture
def own_users(settings: Settings, tmp_path: Path) -> Settings:
    """The settings with a users file of this test only (it is changed by the test)."""
    path = tmp_path / "users" / "users.json"
    path.parent.mkdir()
    shutil.copy(settings.users_path, path)
    return settings.with_(users_path=path)


def test_saved_cookie_is_refused_after_logout(app: dash.Dash) -> None:
    client, cookie = _logged_in(app, "tamu")
    assert _protected(app, _replay(app, cookie)) == [200, 200, 200]
    token = csrf(client, "/keluar")
    assert client.post("/keluar", data={"csrf_token": token}).status_code == 302
    assert _protected(app, _replay(app, cookie)) == [401, 401, 401]
    page = _replay(app, cookie).get("/")
    assert page.status_code == 302 and page.headers["Location"].startswith("/masuk")


def test_logout_ends_the_session_in_every_worker(settings: Settings) -> None:
    from app import create_app

    # two workers of one deployment: the same secret key and state folder, no shared memory
    shared = settings.with_(secret_key=STRONG_SECRET)
    worker_a, worker_b = create_app(shared), create_app(shared)
    client, cookie = _logged_in(worker_a, "cabang")
    assert _replay(worker_b, cookie).get("/_dash-layout").status_code == 200
    client.post("/keluar", data={"csrf_token": csrf(client, "/keluar")})
    assert _replay(worker_b, cookie).get("/_dash-layout").status_code == 401


def _cakupan_users(users: Path, *args: str, password: str = PASSWORD) -> None:
    env = {**os.environ, "CAKUPAN_USERS": str(users)}
    env["PYTHONPATH"] = os.pathsep.join([str(Path.cwd()), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-m", "cli", "users", *args, "--password-stdin"],
        input=password + "\n",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_password_change_ends_existing_sessions(own_users: Settings) -> None:
    from app import create_app

    app = create_app(own_users)
    _, cookie = _logged_in(app, "tamu")
    # the same password again: still a new hash, and the admin meant to end the sessions
    _cakupan_users(
        own_users.users_path, "add", "tamu", "--role", "viewer", "--area", "99.01.01", "--replace"
    )
    assert _protected(app, _replay(app, cookie)) == [401, 401, 401]
    assert login(app.server.test_client(), "tamu").status_code == 302  # a new log-in works


def test_territory_change_ends_existing_sessions(own_users: Settings) -> None:
    from analytics.access import Role
    from analytics.io.user_store import load_users, save_users
    from app import create_app

    app = create_app(own_users)
    _, cookie = _logged_in(app, "cabang")
    users = load_users(own_users.users_path)
    old = users["cabang"]
    # the hash is kept: only the territory changes (an edit of the users file)
    moved = type(old)(
        old.name, Role.BRANCH, type(old.territory)(frozenset({"99.02"})), old.password_hash
    )
    save_users(own_users.users_path, {**users, "cabang": moved})
    assert _replay(app, cookie).get("/_dash-layout").status_code == 401


def test_idle_and_absolute_timeouts(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import create_app

    app = create_app(settings.with_(session_idle_minutes=30, session_max_hours=1))
    start = time.time()
    _, idle_cookie = _logged_in(app, "tamu")
    _, busy_cookie = _logged_in(app, "cabang")
    busy = _replay(app, busy_cookie)
    for minutes in (20, 40):  # busy every 20 minutes: never idle for 30
        monkeypatch.setattr(time, "time", lambda m=minutes: start + m * 60)
        assert busy.get("/_dash-layout").status_code == 200
    assert _replay(app, idle_cookie).get("/_dash-layout").status_code == 401  # 40 min idle
    monkeypatch.setattr(time, "time", lambda: start + 61 * 60)
    assert busy.get("/_dash-layout").status_code == 401  # past the absolute hour
