"""Page addresses outside the territory, unknown or malformed (Flask test client, tiny store).

The page (Dash's router callback) answers with a notice and the nearest view the user may
see, never a 403 or an empty page, and logs the attempt; a crafted callback for the same
area is still refused (test_access_control.py). The header names the user and offers a
log-out form; the navigation hides what the role may not use.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dash
from conftest import callback_key, callback_payload, login
from flask.testing import FlaskClient
from store_factory import write_outreach, write_store

from analytics.audit import read_events
from analytics.settings import Settings
from layouts.core.url_state import ViewState, to_query
from layouts.core.view_notice import query_problems

PAGE = "_pages_content.children"


def open_page(
    app: dash.Dash, client: FlaskClient, path: str, search: str, shown: str | None = None
) -> tuple[int, Any]:
    """Dash's router callback for ``path?search``, as the renderer posts it."""
    key = callback_key(app, PAGE)
    payload = callback_payload(
        app,
        key,
        {
            "_pages_location.pathname": path,
            "_pages_location.search": search,
            "shown-view.data": shown,
        },
    )
    response = client.post("/_dash-update-component", json=payload)
    body = (
        json.loads(response.get_data(as_text=True) or "{}") if response.status_code == 200 else {}
    )
    return response.status_code, body.get("response", {})


def texts(node: Any) -> str:
    return json.dumps(node, ensure_ascii=False)


def test_query_problems_name_each_malformed_value() -> None:
    query = {"area": "abc", "level": "xyz", "month": "2099-13", "k": "99", "lang": "fr"}
    assert query_problems(query) == [
        ("level", "xyz"),
        ("area", "abc"),
        ("month", "2099-13"),
        ("k", "99"),
        ("lang", "fr"),
    ]
    good = {"area": "99.01", "level": "desa", "month": "2024-12", "k": "5", "labels": "x"}
    assert query_problems(good) == []


def test_branch_address_for_another_kabupaten_shows_notice_and_own_view(
    app: dash.Dash, client_for, settings: Settings
) -> None:
    client = client_for("cabang")
    status, body = open_page(app, client, "/", "?level=desa&area=99.02&segment=BPU")
    assert status == 200  # a page, not a 403
    page = texts(body["_pages_content"])
    assert "view-notice" in page
    assert "Wilayah 99.02 berada di luar wilayah akses Anda." in page
    assert "Ditampilkan: Kabupaten Satu (99.01)." in page
    # the map's view is the branch's own kabupaten, at the level asked for
    assert '"data": {"level": "desa", "area": "99.01"}' in page
    refused = [e for e in read_events(settings.audit_path) if e.action == "refused"]
    assert refused[-1].user == "cabang" and refused[-1].outcome == "redirected"
    assert refused[-1].detail["area"] == "99.02"


def test_branch_address_for_the_province_and_unknown_codes(app: dash.Dash, client_for) -> None:
    client = client_for("cabang")
    for search, sentence in (
        ("?area=99", "Wilayah 99 berada di luar"),
        ("?area=12.34", "Wilayah 12.34 berada di luar"),
        ("?area=abc&level=xyz&month=2099-13", "Kode wilayah “abc” tidak sah"),
    ):
        status, body = open_page(app, client, "/", search)
        assert status == 200
        page = texts(body["_pages_content"])
        assert sentence in page and '"area": "99.01"' in page


def test_admin_unknown_area_and_month_in_english(app: dash.Dash, client_for) -> None:
    client = client_for("admin")
    status, body = open_page(app, client, "/", "?area=99.07&month=2031-01&lang=en")
    page = texts(body["_pages_content"])
    assert status == 200
    assert "Area 99.07 is not in the data." in page
    assert "Month 2031-01 is not in the data; the latest month is shown." in page


def test_guest_trend_address_outside_territory(app: dash.Dash, client_for) -> None:
    client = client_for("tamu")
    status, body = open_page(app, client, "/tren", "?area=99.02")
    assert status == 200
    page = texts(body["_pages_content"])
    assert "Wilayah 99.02 berada di luar" in page and "(99.01.01)" in page


def test_an_address_already_on_screen_is_not_drawn_again(app: dash.Dash, client_for) -> None:
    client = client_for("cabang")
    state = ViewState(level="kecamatan", area="99.01", month="2024-12")
    query = to_query(state)
    status, body = open_page(app, client, "/", query, shown="/" + query)
    assert status == 200 and "_pages_content" not in body  # no_update: only the title
    status, body = open_page(app, client, "/", query, shown="/?level=desa&area=99.01")
    assert "_pages_content" in body  # another view on screen (Back/Forward): drawn


def test_police_outreach_address_for_another_polres(settings: Settings, tmp_path: Path) -> None:
    from app import create_app

    store = write_outreach(write_store(tmp_path / "outreach" / "processed"))
    app = create_app(settings.with_(store_dir=store))
    client = app.server.test_client()
    assert login(client, "polres").status_code == 302
    status, body = open_page(app, client, "/penjangkauan", "?polres=Polres%20Uji")
    assert status == 200
    page = texts(body["_pages_content"])
    assert "Polres Uji tidak termasuk wilayah akses Anda" in page
    assert "Ditampilkan: Polres Kota" in page
    # a horizon or a capacity the page does not offer: the default, and a notice
    status, body = open_page(app, client, "/penjangkauan", "?weeks=99&capacity=-1")
    page = texts(body["_pages_content"])
    assert "Nilai “99” untuk weeks tidak sah" in page
    assert "Nilai “-1” untuk capacity tidak sah" in page
    status, body = open_page(app, client, "/penjangkauan", "?weeks=8&capacity=2")
    assert "tidak sah" not in texts(body["_pages_content"])


def _layout(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/_dash-layout")
    assert response.status_code == 200
    return dict(json.loads(response.get_data(as_text=True)))


def _find(node: Any, component_id: str) -> dict[str, Any] | None:
    """The props of the component with ``component_id`` in a layout's JSON."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if props.get("id") == component_id:
            return dict(props)
        children = props.get("children")
        return _find(children, component_id) if children is not None else None
    if isinstance(node, list):
        for child in node:
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


def test_header_names_user_role_territory_and_posts_log_out(app: dash.Dash, client_for) -> None:
    client = client_for("cabang")
    layout = _layout(client)
    assert _find(layout, "user-name")["children"] == "cabang"
    assert _find(layout, "user-role")["children"] == "Kantor cabang · Kabupaten Satu"
    form = _find(layout, "logout-form")
    assert form["action"] == "/keluar" and form["method"] == "POST"
    hidden = form["children"][0]["props"]
    assert hidden["name"] == "csrf_token" and hidden["type"] == "hidden"
    response = client.post("/keluar", data={"csrf_token": hidden["value"]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/masuk")
    assert client.get("/_dash-layout").status_code == 401  # logged out
    assert client.post("/keluar", data={}).status_code in (400, 401)


def test_nav_hides_what_the_role_may_not_use(app: dash.Dash, client_for) -> None:
    expected = {
        "admin": (False, False, "Admin · seluruh wilayah"),
        "cabang": (False, True, "Kantor cabang · Kabupaten Satu"),
        "polres": (False, True, "Kepolisian · Polres Dua"),
        "tamu": (True, True, "Tamu (lihat saja) · Kecamatan Satu"),
    }
    for name, (outreach_hidden, upload_hidden, role) in expected.items():
        layout = _layout(client_for(name))
        hide = {"display": "none"}
        assert (_find(layout, "nav-outreach")["style"] == hide) is outreach_hidden, name
        assert (_find(layout, "nav-upload")["style"] == hide) is upload_hidden, name
        assert _find(layout, "user-role")["children"] == role


def test_an_unknown_address_says_so_in_the_pages_language(app: dash.Dash, client_for) -> None:
    """Dash's own 404 text is English on every page; ours follows ``?lang=``."""
    client = client_for("cabang")
    status, body = open_page(app, client, "/tidak-ada", "")
    page = texts(body["_pages_content"])
    assert status == 200
    assert "Halaman tidak ditemukan" in page and "/tidak-ada" in page
    assert "Page not found" not in page
    status, body = open_page(app, client, "/nothing-here", "?lang=en")
    page = texts(body["_pages_content"])
    assert "Page not found" in page and "Halaman" not in page
