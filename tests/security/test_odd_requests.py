"""Adversarial: hostile redirects, unknown static paths and caching of per-user files.

Never a 500, never a header break, never a shared-cache copy of one user's boundaries.
"""

from __future__ import annotations

import logging

import dash
import pytest
from conftest import PASSWORD, csrf

from analytics.settings import Settings


@pytest.mark.parametrize(
    "target",
    [
        "/\r\nSet-Cookie: evil=1",
        "/%0d%0aSet-Cookie: evil=1",
        "/\nLocation: https://evil.example/",
        "/\\evil.example",
        "/\\/evil.example",
        "/\t/evil.example",
        "https:/evil.example",
        "/" + "a" * 5000,
    ],
)
def test_odd_next_after_login_is_a_safe_local_redirect(app: dash.Dash, target: str) -> None:
    client = app.server.test_client()
    response = client.post(
        "/masuk",
        data={
            "username": "admin",
            "password": PASSWORD,
            "csrf_token": csrf(client),
            "next": target,
        },
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "\r" not in location and "\n" not in location and "evil" not in location.lower()
    assert all("evil" not in c for c in response.headers.getlist("Set-Cookie"))
    assert client.get("/_dash-layout").status_code == 200  # logged in, on a normal answer


def test_a_normal_next_is_kept(app: dash.Dash) -> None:
    client = app.server.test_client()
    response = client.post(
        "/masuk",
        data={
            "username": "admin",
            "password": PASSWORD,
            "csrf_token": csrf(client),
            "next": "/tren?area=99.01&segment=BPU",
        },
    )
    assert response.headers["Location"] == "/tren?area=99.01&segment=BPU"


@pytest.mark.parametrize("path", ["/%0d%0aSet-Cookie:%20evil=1", "/x%0aLocation:%20//evil"])
def test_odd_paths_before_login_redirect_safely(app: dash.Dash, path: str) -> None:
    response = app.server.test_client().get(path)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/masuk?next=") and "\n" not in location and "\r" not in location
    assert not response.headers.getlist("Set-Cookie") or all(
        "evil" not in c for c in response.headers.getlist("Set-Cookie")
    )


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/dash/no-such-file.js",
        "/_dash-component-suites/not_a_library/x.js",
        "/_dash-component-suites/dash/deps/../../../../etc/passwd",
    ],
)
def test_unknown_dash_asset_is_a_404_with_one_log_line(
    app: dash.Dash, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = app.server.test_client()  # not logged in: these paths are public
    with caplog.at_level(logging.DEBUG):
        response = client.get(path)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Registered" not in body and "registered" not in body
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 1
    text = records[0].getMessage()
    assert records[0].exc_info is None and "Traceback" not in text
    assert "registered" not in text.lower() and ".js'" not in text


def test_boundaries_of_a_territory_are_never_publicly_cacheable(
    app: dash.Dash, client_for, settings: Settings
) -> None:
    client = client_for("cabang")
    for url in ("/geo/kabupaten/all.geojson", "/geo/kecamatan/99.01.geojson"):
        response = client.get(url)
        assert response.status_code == 200
        cache = response.headers["Cache-Control"]
        assert "private" in cache and "public" not in cache, (url, cache)
        assert "Cookie" in response.headers.get("Vary", "")
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and "public" not in again.headers["Cache-Control"]
