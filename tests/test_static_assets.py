"""The first load's bundles (best compression, long caching, the plotly.js partial bundle)
and the demo session key shared by the workers of ``make run``."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import brotli
import pytest
from store_factory import write_store

from analytics.settings import Settings
from layouts.core.auth import demo_secret
from layouts.core.static_assets import (
    EXTENSION_KEY,
    LAZY_SCRIPT_TYPE,
    accepts_brotli,
    is_fingerprinted,
    lazy_scripts,
)

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "assets" / "vendor" / "plotly-cakupan.min.js"
PASSWORD = "cakupan-cabang"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("store") / "processed")


def _settings(store: Path, tmp: Path) -> Settings:
    return Settings().with_(
        store_dir=store,
        users_path=tmp / "no-users.json",  # demo users
        audit_path=tmp / "audit.jsonl",
        state_dir=tmp / "state",
    )


def test_accept_encoding_and_fingerprints() -> None:
    assert accepts_brotli("gzip, deflate, br, zstd")
    assert accepts_brotli("br;q=0.5")
    assert not accepts_brotli("br;q=0, gzip")
    assert not accepts_brotli("gzip, brotli")
    assert is_fingerprinted("/_dash-component-suites/dash/dcc/dcc.v4_4_1m1796217745.js", {})
    assert not is_fingerprinted("/_dash-component-suites/dash_ag_grid/async-community.js", {})
    assert is_fingerprinted("/assets/cakupan.css", {"m": "1796217745.0"})
    assert not is_fingerprinted("/assets/cakupan.css", {})


def test_bundle_is_served_brotli_once_made_and_cached_for_long(store: Path, tmp_path: Path) -> None:
    from app import create_app

    app = create_app(_settings(store, tmp_path))
    client = app.server.test_client()
    path = "/assets/cakupan.css?m=1"
    body = (ROOT / "assets" / "cakupan.css").read_bytes()
    first = client.get(path, headers={"Accept-Encoding": "br, gzip"})
    assert first.status_code == 200
    assert "immutable" in first.headers["Cache-Control"]
    assert "max-age=31536000" in first.headers["Cache-Control"]
    # the best compression is made in the background; here directly (deterministic)
    best = app.server.extensions[EXTENSION_KEY].make(body)
    assert best == brotli.compress(body, quality=11)
    second = client.get(path, headers={"Accept-Encoding": "br, gzip"})
    assert second.headers["Content-Encoding"] == "br"
    assert second.get_data() == best and brotli.decompress(best) == body
    # kept on disk: another worker (a new app on the same state folder) serves it at once
    other = create_app(_settings(store, tmp_path)).server.test_client()
    assert other.get(path, headers={"Accept-Encoding": "br"}).get_data() == best
    # a browser without Brotli never gets br; an unfingerprinted address is not kept long
    plain = client.get("/assets/cakupan.css", headers={"Accept-Encoding": "gzip"})
    assert plain.headers.get("Content-Encoding") == "gzip"
    assert "immutable" not in plain.headers.get("Cache-Control", "")


def test_plotly_bundle_matches_the_python_plotly_version() -> None:
    """The partial bundle (tools/plotly-bundle) is rebuilt when plotly is upgraded."""
    from plotly.offline import get_plotlyjs_version

    head = BUNDLE.read_text(encoding="utf-8")[:300]
    found = re.search(r"plotly\.js v(\d+\.\d+\.\d+) partial bundle", head)
    assert found and found.group(1) == get_plotlyjs_version()
    for trace in ("scattermap", "choroplethmap"):
        assert trace in head


def test_demo_secret_is_made_once_and_shared(tmp_path: Path) -> None:
    state = tmp_path / "state"
    key = demo_secret(state)
    assert len(key) >= 32 and demo_secret(state) == key
    mode = (state / "demo-secret.key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    assert demo_secret(tmp_path / "other") != key


def test_a_demo_log_in_holds_in_every_worker(store: Path, tmp_path: Path) -> None:
    """Two apps on one state folder stand for two gunicorn workers: the session cookie
    made by one is valid in the other (before: a key per process logged users out)."""
    from app import create_app

    settings = _settings(store, tmp_path)
    one = create_app(settings).server.test_client()
    two_app = create_app(settings)
    page = one.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    form = {"username": "cabang", "password": PASSWORD, "csrf_token": token.group(1)}
    assert one.post("/masuk", data={**form, "next": "/"}).status_code == 302
    cookie = one.get_cookie("cakupan_session")
    assert cookie is not None
    two = two_app.server.test_client()
    two.set_cookie("cakupan_session", cookie.value)
    assert two.get("/_dash-layout").status_code == 200


def test_ag_grid_bundle_is_left_inert_in_the_page(store: Path, tmp_path: Path) -> None:
    """AG Grid's main bundle is not fetched with the page: its tag has a type no browser
    runs or fetches, and assets/lazy_bundles.js loads its fingerprinted address on demand."""
    from app import create_app

    tag = '<script src="/_dash-component-suites/dash_ag_grid/dash_ag_grid.v35_3_0m17.min.js">'
    other = '<script src="/_dash-component-suites/dash/dcc/dash_core_components.v4m1.js">'
    scripts = f"{tag}</script>\n{other}</script>"
    out = lazy_scripts(scripts)
    assert out.splitlines()[0] == (
        f'<script type="{LAZY_SCRIPT_TYPE}" data-cakupan-lazy="dash_ag_grid"'
        ' src="/_dash-component-suites/dash_ag_grid/dash_ag_grid.v35_3_0m17.min.js"></script>'
    )
    assert out.splitlines()[1] == f"{other}</script>"
    # the app's own page: the same, and the stand-in script is served with it
    client = create_app(_settings(store, tmp_path)).server.test_client()
    form = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token
    login = {"username": "cabang", "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/masuk", data={**login, "next": "/"}).status_code == 302
    page = client.get("/").get_data(as_text=True)
    lazy = re.findall(r'<script type="text/x-cakupan-lazy"[^>]*src="([^"]+)"', page)
    assert len(lazy) == 1 and "/dash_ag_grid/dash_ag_grid.v" in lazy[0]
    assert not re.search(r'<script src="[^"]*/dash_ag_grid/', page)
    assert "/assets/lazy_bundles.js" in page
    # the inert address is still served (a public, fingerprinted bundle)
    path = lazy[0].split("?")[0]
    response = client.get(path)
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
