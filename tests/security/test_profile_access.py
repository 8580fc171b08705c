"""The village profile (/desa) and the map's GIS download through Flask's test client, as
the branch head (cabang: kabupaten 99.01) and the viewer (tamu: kecamatan 99.01.01):
their own villages open, another area's URL gives a notice (never a blank page) and an
audit entry, and a crafted download for another area is refused on the server."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import dash
import geopandas as gpd
import openpyxl
import pytest
from conftest import callback_key, callback_payload
from flask.testing import FlaskClient

from analytics.audit import read_events
from analytics.settings import Settings
from layouts import ids
from layouts.i18n import t

OWN_VILLAGE = {"cabang": "99.01.02.2002", "tamu": "99.01.01.2001"}
OTHER_VILLAGE = {"cabang": "99.02.01.1001", "tamu": "99.01.02.2001"}
NAMES = {
    "99.01.02.2002": "Desa Empat",
    "99.01.01.2001": "Desa Satu",
    "99.02.01.1001": "Kelurahan Lima",
    "99.01.02.2001": "Desa Tiga",
}


def open_profile(client: FlaskClient, app: dash.Dash, search: str) -> str:
    """What the browser asks when it opens ``/desa<search>``: the HTML, then the layout."""
    assert client.get(f"/desa{search}").status_code == 200
    payload = callback_payload(app, callback_key(app, "_pages_content.children"), {})
    payload["inputs"] = [
        {"id": "_pages_location", "property": "pathname", "value": "/desa"},
        {"id": "_pages_location", "property": "search", "value": search},
    ]
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json(), ensure_ascii=False)


def pattern_request(
    app: dash.Dash, output: str, button: str, fmt: str, formats: tuple[str, ...], states: dict
) -> dict[str, Any]:
    """The request of a download callback fired by the ``fmt`` button of ``button``."""
    key = callback_key(app, output)
    spec = app.callback_map[key]
    payload = callback_payload(app, key, {})
    payload["inputs"] = [
        [
            {"id": {"type": button, "fmt": f}, "property": "n_clicks", "value": int(f == fmt)}
            for f in formats
        ]
    ]
    payload["state"] = [
        {**s, "value": states.get(f"{s['id']}.{s['property']}")} for s in spec["state"]
    ]
    trigger = json.dumps({"fmt": fmt, "type": button}, separators=(",", ":"), sort_keys=True)
    payload["changedPropIds"] = [f"{trigger}.n_clicks"]
    return payload


def download_bytes(response: Any, output: str) -> bytes:
    answer = response.get_json()["response"]
    assert output.split(".")[0] in answer, answer
    data = answer[output.split(".")[0]]["data"]
    return base64.b64decode(data["content"]) if data["base64"] else data["content"].encode()


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("name", ["cabang", "tamu"])
def test_own_village_profile_opens_in_the_users_language(
    app: dash.Dash, client_for, name: str, lang: str
) -> None:
    code = OWN_VILLAGE[name]
    body = open_profile(
        client_for(name), app, f"?area={code}&month=2024-12&segment=BPU&lang={lang}"
    )
    assert NAMES[code] in body and t("profile.by_segment", lang) in body
    assert t("profile.trend", lang) in body and ids.PROFILE_TREND in body
    # the viewer's role does not include outreach: no officer data, a sentence instead
    if name == "tamu":
        assert t("profile.outreach_role", lang) in body


@pytest.mark.parametrize("name", ["cabang", "tamu"])
def test_another_areas_url_gives_a_notice_and_is_logged(
    app: dash.Dash, client_for, settings: Settings, name: str
) -> None:
    other = OTHER_VILLAGE[name]
    body = open_profile(client_for(name), app, f"?area={other}&lang=id")
    assert t("profile.area_outside", "id", code=other) in body
    assert t("profile.to_map", "id") in body
    assert NAMES[other] not in body
    last = read_events(settings.audit_path)[-1]
    assert (last.action, last.user, last.detail["area"]) == ("refused", name, other)


@pytest.mark.parametrize(
    ("search", "message"),
    [
        ("?lang=en", t("profile.area_missing", "en")),
        ("?area=99.01&lang=en", t("profile.area_malformed", "en")),  # a kabupaten
        ("?area=<script>x</script>&lang=en", t("profile.area_malformed", "en")),
        ("?area=99.01.01.2999&lang=en", t("profile.area_unknown", "en", code="99.01.01.2999")),
    ],
)
def test_missing_malformed_and_unknown_codes_give_a_notice(
    app: dash.Dash, client_for, search: str, message: str
) -> None:
    body = open_profile(client_for("cabang"), app, search)
    assert message in body and t("profile.to_map", "en") in body
    assert "script" not in body


def test_profile_download_is_protected_and_refused_outside_the_territory(
    app: dash.Dash, client_for, settings: Settings
) -> None:
    client = client_for("tamu")
    output = f"{ids.PROFILE_DOWNLOAD}.data"
    own = pattern_request(
        app,
        output,
        ids.PROFILE_BUTTON,
        "xlsx",
        ("xlsx", "csv"),
        {
            f"{ids.PROFILE_QUERY}.data": "?area=99.01.01.2001&month=2024-12&segment=BPU&lang=en",
            f"{ids.PROFILE_PROTECT}.value": ["on"],
            f"{ids.PROFILE_THRESHOLD}.value": 5,
        },
    )
    response = client.post("/_dash-update-component", json=own)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(download_bytes(response, output)))
    assert book.sheetnames == ["Profile", "Trend", "Notes"]
    cells = [[c.value for c in row] for row in book["Profile"].iter_rows()]
    by_segment = {row[0]: row for row in cells if row and row[0] in {"ALL", "BPU", "JAKON", "PMI"}}
    assert by_segment["BPU"][1] == 146 and by_segment["ALL"][1] == 452
    assert by_segment["PMI"][1] == "s" and by_segment["JAKON"][1] == "s"  # 1 and complement
    # no officer data for the viewer, even in the file
    assert "Budi" not in json.dumps([[c.value for c in r] for r in book["Notes"].iter_rows()])
    crafted = pattern_request(
        app,
        output,
        ids.PROFILE_BUTTON,
        "csv",
        ("xlsx", "csv"),
        {f"{ids.PROFILE_QUERY}.data": "?area=99.01.02.2001&lang=id"},
    )
    assert client.post("/_dash-update-component", json=crafted).status_code == 403
    assert read_events(settings.audit_path)[-1].detail["area"] == "99.01.02.2001"


def _gis_states(area: str, level: str = "desa") -> dict[str, Any]:
    return {
        f"{ids.MAP_VIEW}.data": {"level": level, "area": area},
        f"{ids.MONTH}.value": "2024-12",
        f"{ids.SEGMENT}.value": "BPU",
        f"{ids.SCHEME}.value": "targets",
        f"{ids.K}.value": 5,
        f"{ids.LAYER}.value": "coverage",
        f"{ids.MAP_LANG}.data": "id",
        f"{ids.GIS_PROTECT}.value": ["on"],
        f"{ids.GIS_THRESHOLD}.value": 5,
    }


def test_gis_download_of_own_view_and_refusal_outside(
    app: dash.Dash, client_for, settings: Settings, tmp_path
) -> None:
    client = client_for("cabang")
    output = f"{ids.GIS_DOWNLOAD}.data"
    own = pattern_request(
        app, output, ids.GIS_BUTTON, "gpkg", ("gpkg", "geojson"), _gis_states("99.01")
    )
    response = client.post("/_dash-update-component", json=own)
    assert response.status_code == 200
    path = tmp_path / "view.gpkg"
    path.write_bytes(download_bytes(response, output))
    layer = gpd.read_file(path, layer="cakupan")
    assert sorted(layer["area_code"]) == [
        "99.01.01.2001",
        "99.01.01.2002",
        "99.01.02.2001",
        "99.01.02.2002",
    ]
    assert layer.crs.to_epsg() == 4326
    other = pattern_request(
        app, output, ids.GIS_BUTTON, "geojson", ("gpkg", "geojson"), _gis_states("99.02")
    )
    assert client.post("/_dash-update-component", json=other).status_code == 403
    assert read_events(settings.audit_path)[-1].detail["area"] == "99.02"
    # the branch's top view (no area) is its own kabupaten's kecamatan, as on the map
    top = pattern_request(
        app, output, ids.GIS_BUTTON, "geojson", ("gpkg", "geojson"), _gis_states("", "kabupaten")
    )
    data = json.loads(download_bytes(client.post("/_dash-update-component", json=top), output))
    assert [f["properties"]["area_code"] for f in data["features"]] == ["99.01.01", "99.01.02"]
    assert data["area"] == "99.01" and data["synthetic_data"] is True
