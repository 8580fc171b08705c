"""Adversarial: a store that is damaged, half-removed or removed while users are on it
(issue 15). Every page and callback answers 200 with one notice (the store's server path
to admins only), and the app serves a good store again as soon as it is back, without a
restart. Real requests through Flask's test client, as each role."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dash
import pytest
from conftest import callback_key, callback_payload
from flask.testing import FlaskClient
from store_factory import write_outreach, write_store

from analytics.store.reader import AREAS_FILE, COVERAGE_FILE, GEO_DIR, META_FILE
from layouts.core import ids
from layouts.core.i18n import LANGS, t

ROLES = ("admin", "cabang", "polres", "tamu")
OWN_AREA = {"admin": "99", "cabang": "99.01", "polres": "99.02", "tamu": "99.01.01"}
#: Pages that read coverage.parquet at layout time (the viewer may not open /penjangkauan).
COVERAGE_PAGES = ("/", "/tren", "/penjangkauan")


@pytest.fixture
def tiny_store(tmp_path: Path) -> Path:
    """A store of this test only (the suite's shared one stays whole): the tiny store
    with a roster and events, so /penjangkauan reads coverage too."""
    return write_outreach(write_store(tmp_path / "processed"))


def truncate(path: Path) -> None:
    """Half the file, as an interrupted copy or a full disk leaves it."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def text_of(response: Any) -> str:
    """The response as text, JSON decoded (Dash writes ``/`` as ``\\u002f``)."""
    data = response.get_json(silent=True)
    return json.dumps(data, ensure_ascii=False) if data is not None else response.get_data(True)


def post(client: FlaskClient, payload: dict[str, Any], page: str, lang: str) -> Any:
    referer = f"http://localhost{page}?lang={lang}"
    return client.post("/_dash-update-component", json=payload, headers={"Referer": referer})


def open_page(client: FlaskClient, app: dash.Dash, path: str, lang: str = "id") -> Any:
    """What the browser asks when it opens ``path``: the page's HTML, then its layout."""
    assert client.get(f"{path}?lang={lang}").status_code == 200, path
    payload = callback_payload(app, callback_key(app, "_pages_content.children"), {})
    payload["inputs"] = [
        {"id": "_pages_location", "property": "pathname", "value": path},
        {"id": "_pages_location", "property": "search", "value": f"?lang={lang}"},
    ]
    return post(client, payload, path, lang)


def map_request(app: dash.Dash, role: str) -> dict[str, Any]:
    key = callback_key(app, "map.figure")
    return callback_payload(
        app,
        key,
        {"map-view.data": {"level": "desa", "area": OWN_AREA[role]}, "segment.value": "ALL"},
    )


def trend_request(app: dash.Dash, role: str) -> dict[str, Any]:
    key = callback_key(app, "trend-main.figure")
    return callback_payload(
        app, key, {"trend-area.value": OWN_AREA[role], "trend-segment.value": "BPU"}
    )


def assert_notice(body: str, role: str, lang: str, store: Path, admin_sees: str) -> None:
    """One notice in ``lang``; the server path only for admins (``admin_sees`` in it)."""
    if role == "admin":
        assert admin_sees in body, body[:500]
    else:
        assert t("store.unavailable", lang) in body, body[:500]
        assert str(store.parent) not in body and "/processed" not in body, body[:500]
        assert "parquet" not in body and "meta.json" not in body


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
def test_truncated_coverage_pages_answer_with_the_notice(
    app: dash.Dash, client_for: Callable[[str], FlaskClient], tiny_store: Path, role: str, lang: str
) -> None:
    truncate(tiny_store / COVERAGE_FILE)
    client = client_for(role)
    for path in COVERAGE_PAGES:
        response = open_page(client, app, path, lang)
        assert response.status_code == 200, (path, text_of(response)[:300])
        body = text_of(response)
        if path == "/penjangkauan" and role == "tamu":
            assert t("out.not_allowed", lang) in body  # viewers may not open it at all
            continue
        assert ids.STORE_MESSAGE in body, (path, body[:300])
        assert_notice(body, role, lang, tiny_store, str(tiny_store / COVERAGE_FILE))
    # The callbacks of a page opened before the damage: the notice, not a 500.
    for payload, page in ((map_request(app, role), "/"), (trend_request(app, role), "/tren")):
        response = post(client, payload, page, lang)
        assert response.status_code == 200, (page, text_of(response)[:300])
        assert_notice(text_of(response), role, lang, tiny_store, str(tiny_store / COVERAGE_FILE))


@pytest.mark.parametrize("role", ROLES)
def test_broken_meta_too_every_page_answers_without_a_path(
    app: dash.Dash, client_for: Callable[[str], FlaskClient], tiny_store: Path, role: str
) -> None:
    truncate(tiny_store / COVERAGE_FILE)
    (tiny_store / META_FILE).write_text('{"built_at": "2024-', encoding="utf-8")
    client = client_for(role)
    assert client.get("/_dash-layout").status_code == 200  # the shell (demo badge reads meta)
    for page in dash.page_registry.values():
        response = open_page(client, app, page["path"])
        assert response.status_code == 200, (page["path"], text_of(response)[:300])
        body = text_of(response)
        if role != "admin":
            assert str(tiny_store) not in body, page["path"]
        if page["path"] in ("/", "/tren", "/metode"):  # these read meta.json
            assert_notice(body, role, "id", tiny_store, str(tiny_store / META_FILE))


@pytest.mark.parametrize("removed", ["store", AREAS_FILE, GEO_DIR])
@pytest.mark.parametrize("role", ROLES)
def test_store_removed_while_users_are_on_it(
    app: dash.Dash,
    client_for: Callable[[str], FlaskClient],
    tiny_store: Path,
    tmp_path: Path,
    role: str,
    removed: str,
) -> None:
    client = client_for(role)
    assert open_page(client, app, "/").status_code == 200  # the page is open...
    assert post(client, map_request(app, role), "/", "id").status_code == 200
    # ...when the store (or a part of it) is moved away, as a careless restore does
    target = tiny_store if removed == "store" else tiny_store / removed
    shutil.move(target, tmp_path / "away")
    response = post(client, map_request(app, role), "/", "en")
    assert response.status_code == 200, text_of(response)[:300]
    body = text_of(response)
    # The map keeps what it showed; the notice appears above the page.
    side = response.get_json()["sideUpdate"][ids.STORE_NOTICE]
    assert side["hidden"] is False
    assert "map" not in response.get_json().get("response", {})
    assert_notice(body, role, "en", tiny_store, str(tiny_store))
    if removed == GEO_DIR:
        return  # the trends and the pages themselves read no boundaries
    response = post(client, trend_request(app, role), "/tren", "id")
    assert response.status_code == 200, text_of(response)[:300]
    assert_notice(text_of(response), role, "id", tiny_store, str(tiny_store))
    for path in ("/", "/tren"):
        response = open_page(client, app, path)
        assert response.status_code == 200, path
        assert_notice(text_of(response), role, "id", tiny_store, str(tiny_store))


def test_the_app_serves_a_good_store_again_without_a_restart(
    app: dash.Dash, client_for: Callable[[str], FlaskClient], tiny_store: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "backup"
    shutil.copytree(tiny_store, backup)
    client = client_for("cabang")

    def map_answer() -> dict[str, Any]:
        response = post(client, map_request(app, "cabang"), "/", "id")
        assert response.status_code == 200
        answer: dict[str, Any] = response.get_json()
        return answer

    def figure() -> list[dict[str, Any]]:
        """The map's traces without the boundaries' URL (its ``?v=`` is the file's time)."""
        traces = map_answer()["response"]["map"]["figure"]["data"]
        return [{k: v for k, v in trace.items() if k != "geojson"} for trace in traces]

    good = figure()
    assert good[0]["z"]  # the villages' values
    assert ids.MAP in text_of(open_page(client, app, "/"))
    # 1. damaged: the notice, twice (a failed read is not kept, it is tried again)
    truncate(tiny_store / COVERAGE_FILE)
    truncate(tiny_store / META_FILE)
    for _ in range(2):
        assert t("store.unavailable", "id") in text_of(open_page(client, app, "/"))
        assert "sideUpdate" in map_answer()
    # 2. restored from the backup (old modification times): served at once
    for name in (COVERAGE_FILE, META_FILE):
        shutil.copy2(backup / name, tiny_store / name)
    page = text_of(open_page(client, app, "/"))
    assert ids.MAP in page and t("store.unavailable", "id") not in page
    assert figure() == good
    # 3. removed, then a rebuilt store put in its place (new files, new times)
    shutil.move(tiny_store, tmp_path / "away")
    assert t("store.unavailable", "id") in text_of(open_page(client, app, "/"))
    assert "sideUpdate" in map_answer()
    write_outreach(write_store(tiny_store))
    page = text_of(open_page(client, app, "/"))
    assert ids.MAP in page and t("store.unavailable", "id") not in page
    assert figure() == good
    # 4. a later navigation clears the notice a callback showed
    shell = callback_payload(
        app, callback_key(app, "nav-map.href"), {"url.pathname": "/tren", "url.search": ""}
    )
    answer = post(client, shell, "/tren", "id").get_json()["response"]
    assert answer[ids.STORE_NOTICE] == {"children": None, "hidden": True}


@pytest.mark.parametrize("role", ["cabang", "polres"])
def test_damaged_boundaries_answer_404_not_500(
    client_for: Callable[[str], FlaskClient], tiny_store: Path, role: str
) -> None:
    """A restricted user's boundaries are a filtered copy made from the store's file;
    when that file cannot be read the answer is 404, not a 500 with a traceback."""
    truncate(tiny_store / GEO_DIR / "kabupaten" / "all.geojson")
    response = client_for(role).get("/geo/kabupaten/all.geojson")
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["admin", "cabang"])
def test_damaged_village_boundaries_give_the_notice_on_the_map(
    app: dash.Dash, client_for: Callable[[str], FlaskClient], tiny_store: Path, role: str
) -> None:
    """The map frames the area from its boundaries file: damaged, the map says so."""
    damaged = tiny_store / GEO_DIR / "desa" / "99.01.geojson"
    truncate(damaged)
    payload = callback_payload(
        app,
        callback_key(app, "map.figure"),
        {"map-view.data": {"level": "desa", "area": "99.01"}, "segment.value": "ALL"},
    )
    response = post(client_for(role), payload, "/", "id")
    assert response.status_code == 200, text_of(response)[:300]
    assert_notice(text_of(response), role, "id", tiny_store, str(damaged))
