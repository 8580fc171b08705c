"""Adversarial: log-in on every route and callback, territory on every read, the audit log."""

from __future__ import annotations

import json
from pathlib import Path

import dash
import pytest
from conftest import PASSWORD, callback_key, callback_payload, csrf, login

from analytics.audit import read_events
from analytics.settings import Settings, SettingsError
from layouts.core.auth import PUBLIC_PATHS, PUBLIC_PREFIXES

OTHER_TERRITORY = {"cabang": "99.02", "polres": "99.01", "tamu": "99.01.02"}
OWN = {"cabang": "99.01", "polres": "99.02", "tamu": "99.01.01"}
NAMES_OF = {"99.01": "Kabupaten Satu", "99.02": "Kota Dua"}


def _urls(app: dash.Dash) -> list[str]:
    """Every route of the server, with sample values for its variables."""
    urls = []
    for rule in app.server.url_map.iter_rules():
        url = rule.rule
        for arg in rule.arguments:
            sample = {"level": "kabupaten", "parent": "all"}.get(arg, "x")
            url = url.replace(f"<{arg}>", sample).replace(f"<path:{arg}>", sample)
            url = url.replace(f"<string:{arg}>", sample)
        urls.append(url)
    return urls


def test_unauthenticated_requests_get_nothing(app: dash.Dash, settings: Settings) -> None:
    client = app.server.test_client()
    checked = 0
    for url in _urls(app):
        if url in PUBLIC_PATHS or url.startswith(PUBLIC_PREFIXES):
            continue  # the log-in page, the health check and Dash's JS bundles (no data)
        for method in ("GET", "POST"):
            response = client.open(url, method=method)
            checked += 1
            assert response.status_code in {302, 401, 405}, (url, method)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/masuk")
            body = response.get_data(as_text=True)
            assert "Kabupaten Satu" not in body and "99.01" not in body.replace("next=", "")
    assert checked >= 10
    for key in app.callback_map:
        response = client.post("/_dash-update-component", json=callback_payload(app, key, {}))
        assert response.status_code == 401, key
    assert client.get("/_health").status_code == 200


def test_login_page_escapes_user_text_and_needs_csrf(app: dash.Dash) -> None:
    client = app.server.test_client()
    evil = '<script>alert("x")</script>'
    response = client.post(
        "/masuk", data={"username": evil, "password": "x", "csrf_token": csrf(client)}
    )
    assert response.status_code == 401
    assert evil not in response.get_data(as_text=True)
    assert "&lt;script&gt;" in response.get_data(as_text=True)
    no_token = client.post("/masuk", data={"username": "admin", "password": PASSWORD})
    assert no_token.status_code == 400
    # an open redirect after log-in is refused: only local paths
    client2 = app.server.test_client()
    r = client2.post(
        "/masuk",
        data={
            "username": "admin",
            "password": PASSWORD,
            "csrf_token": csrf(client2),
            "next": "https://evil.example/",
        },
    )
    assert r.status_code == 302 and r.headers["Location"] == "/"


def test_security_headers_and_cookie(app: dash.Dash) -> None:
    client = app.server.test_client()
    response = login(client, "admin")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    assert page.status_code == 200
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"):
        assert header in page.headers
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_brute_force_login_is_throttled_and_logged(app: dash.Dash, settings: Settings) -> None:
    client = app.server.test_client()
    for _ in range(5):
        assert login(client, "cabang", "wrong-password!").status_code == 401
    locked = login(client, "cabang")  # even the right password, while locked
    assert locked.status_code == 429
    actions = [e.action for e in read_events(settings.audit_path)]
    assert actions.count("login_failed") == 5 and "login_locked" in actions
    assert "login" not in actions


@pytest.mark.parametrize("name", ["cabang", "polres", "tamu"])
def test_crafted_map_callback_for_another_territory_is_refused(
    app: dash.Dash, client_for, settings: Settings, name: str
) -> None:
    client = client_for(name)
    key = callback_key(app, "map.figure")
    other = OTHER_TERRITORY[name]
    payload = callback_payload(
        app,
        key,
        {"map-view.data": {"level": "desa", "area": other}, "segment.value": "BPU"},
    )
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 403
    assert other not in response.get_data(as_text=True)
    refusals = [e for e in read_events(settings.audit_path) if e.action == "refused"]
    assert refusals and refusals[-1].user == name and refusals[-1].detail["area"] == other
    # the same callback for the user's own territory answers, without the other's areas
    own = callback_payload(
        app, key, {"map-view.data": {"level": "desa", "area": OWN[name]}, "segment.value": "BPU"}
    )
    ok = client.post("/_dash-update-component", json=own)
    assert ok.status_code == 200
    body = ok.get_data(as_text=True)
    assert f'"{other}' not in body and OWN[name] in body


def test_branch_root_is_its_kabupaten_never_the_province(app: dash.Dash, client_for) -> None:
    client = client_for("cabang")
    key = callback_key(app, "map.figure")
    payload = callback_payload(app, key, {"map-view.data": {"level": "kabupaten", "area": ""}})
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200
    body = json.loads(response.get_data(as_text=True))["response"]
    rows = body["area-table"]["rowData"]
    assert rows and all(r["area_code"].startswith("99.01.") for r in rows)
    text = json.dumps(body)
    assert "Provinsi Uji" not in text and "Kota Dua" not in text


def test_crafted_trend_compare_outside_territory_is_refused(
    app: dash.Dash, client_for, settings: Settings
) -> None:
    client = client_for("cabang")
    key = callback_key(app, "trend-main.figure")
    payload = callback_payload(
        app,
        key,
        {"trend-area.value": "99.01", "trend-compare.value": "99.02", "trend-segment.value": "BPU"},
    )
    assert client.post("/_dash-update-component", json=payload).status_code == 403
    assert read_events(settings.audit_path)[-1].detail["area"] == "99.02"


def test_geo_route_outside_territory_is_refused(
    app: dash.Dash, client_for, settings: Settings
) -> None:
    client = client_for("cabang")
    assert client.get("/geo/kecamatan/99.01.geojson").status_code == 200
    assert client.get("/geo/kecamatan/99.02.geojson").status_code == 403
    assert read_events(settings.audit_path)[-1].action == "refused"
    # a file mixing territories is served filtered to the user's areas
    mixed = client.get("/geo/kabupaten/all.geojson")
    assert mixed.status_code == 200
    ids = {f["id"] for f in json.loads(mixed.get_data())["features"]}
    assert ids == {"99.01"}


def test_removed_user_loses_access_at_once(app: dash.Dash, settings: Settings) -> None:
    from analytics.access import Role
    from analytics.io.user_store import add_user, remove_user

    path = settings.users_path
    add_user(path, "sementara", Role.VIEWER, PASSWORD, areas=frozenset({"99.02"}))
    client = app.server.test_client()
    assert login(client, "sementara").status_code == 302
    assert client.get("/_dash-layout").status_code == 200
    remove_user(path, "sementara")
    assert client.get("/_dash-layout").status_code == 401


def test_production_refuses_unsafe_starts(tmp_path: Path, settings: Settings) -> None:
    from app import create_app

    strong = "Vq3_x9LkP2mZ7rT4wY8nB1cD5fG6hJ0sA-eUoIiKlQ"  # 42 characters, ~5.4 bits each
    prod = settings.with_(demo=False, users_path=tmp_path / "none.json", hmac_key=b"h" * 8)
    with pytest.raises(SettingsError, match="CAKUPAN_SECRET_KEY"):
        create_app(prod)
    with pytest.raises(SettingsError, match="users"):
        create_app(prod.with_(secret_key=strong))
    good = settings.with_(demo=False, secret_key=strong, hmac_key=b"a-real-key-0123456789")
    with pytest.raises(SettingsError, match="debug"):
        create_app(good.with_(debug=True))
    served = create_app(good).server.test_client().get("/masuk")
    assert served.status_code == 200 and b'name="csrf_token"' in served.data
