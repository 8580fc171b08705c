"""Fixtures for the adversarial suite: the hand-made store (tests/store_factory.py), one
user per role, the app with Flask's test client, and a log-in helper.

Territories on the tiny store (province 99; kabupaten 99.01 and kota 99.02):
``cabang`` = branch 99.01, ``polres`` = police 99.02 (Polres Dua), ``tamu`` = viewer
kecamatan 99.01.01, ``admin`` = everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dash
import pytest
from dash_helpers import callback_request
from flask.testing import FlaskClient
from store_factory import write_store

from analytics.access import Role
from analytics.io.user_store import add_user
from analytics.settings import Settings

PASSWORD = "correct-horse-battery"
USERS: dict[str, tuple[Role, frozenset[str], str | None]] = {
    "admin": (Role.ADMIN, frozenset(), None),
    "cabang": (Role.BRANCH, frozenset({"99.01"}), None),
    "polres": (Role.POLICE, frozenset({"99.02"}), "Polres Dua"),
    "tamu": (Role.VIEWER, frozenset({"99.01.01"}), None),
}


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("users") / "users.json"
    for name, (role, areas, polres) in USERS.items():
        add_user(path, name, role, PASSWORD, areas=areas, polres=polres)
    return path


@pytest.fixture(scope="session")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("store") / "processed")


@pytest.fixture
def settings(tiny_store: Path, users_file: Path, tmp_path: Path) -> Settings:
    return Settings().with_(
        store_dir=tiny_store,
        users_path=users_file,
        audit_path=tmp_path / "audit" / "audit.jsonl",
        uploads_dir=tmp_path / "uploads",
        state_dir=tmp_path / "state",  # sessions, failed log-ins and jobs of this test only
        max_upload_mb=1,
    )


@pytest.fixture
def app(settings: Settings) -> dash.Dash:
    from app import create_app

    return create_app(settings)


def csrf(client: FlaskClient, path: str = "/masuk") -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def login(client: FlaskClient, name: str, password: str = PASSWORD) -> Any:
    return client.post(
        "/masuk",
        data={"username": name, "password": password, "csrf_token": csrf(client), "next": "/"},
    )


@pytest.fixture
def client_for(app: dash.Dash) -> Callable[[str], FlaskClient]:
    def make(name: str) -> FlaskClient:
        client = app.server.test_client()
        assert login(client, name).status_code == 302
        return client

    return make


def callback_key(app: dash.Dash, output: str) -> str:
    """The callback_map key whose outputs include ``output`` (e.g. ``map.figure``)."""
    return next(k for k in app.callback_map if output in k.split("@")[0])


def callback_payload(app: dash.Dash, key: str, values: dict[str, Any]) -> dict[str, Any]:
    """The JSON Dash's renderer posts to /_dash-update-component for callback ``key``;
    ``values`` maps ``"id.prop"`` to the value sent (others are None)."""
    spec = app.callback_map[key]
    return callback_request(key, spec["inputs"], spec["state"], values)
