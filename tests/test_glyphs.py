"""Map label glyphs made by the app (layouts/core/glyphs.py): MapLibre's glyph protobuf,
decoded here by hand, with metrics checked against the font's own tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from store_factory import write_store

from analytics.settings import Settings
from layouts.core import glyphs

# --- a hand decoder of the protobuf wire format (varint = 0, length-delimited = 2) ---------


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def _fields(data: bytes) -> list[tuple[int, Any]]:
    out: list[tuple[int, Any]] = []
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
        else:
            assert wire == 2, f"unexpected wire type {wire}"
            size, i = _varint(data, i)
            value, i = data[i : i + size], i + size
        out.append((number, value))
    return out


def _zigzag(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def _stack(pbf: bytes) -> tuple[str, str, dict[int, dict[int, Any]]]:
    ((number, body),) = _fields(pbf)
    assert number == 1  # glyphs.stacks
    fields = _fields(body)
    name = next(v for n, v in fields if n == 1).decode()
    span = next(v for n, v in fields if n == 2).decode()
    found = {}
    for n, value in fields:
        if n == 3:
            glyph = dict(_fields(value))
            found[glyph[1]] = glyph
    return name, span, found


@pytest.fixture(scope="module")
def latin() -> bytes:
    return glyphs.glyph_range(glyphs.font_path(), 0)


def test_the_range_decodes_and_a_has_the_fonts_advance(latin: bytes) -> None:
    from reportlab.pdfbase.ttfonts import TTFontFile

    name, span, found = _stack(latin)
    assert (name, span) == ("Bitstream Vera Sans", "0-255")
    font = TTFontFile(str(glyphs.font_path()))
    # every character the font maps in 0-255, and no other
    assert set(found) == {c for c in font.charToGlyph if c < 256}
    a = found[ord("A")]
    # the advance from the font's hmtx (per 1000 em): 'A' is 684.08/1000 em -> 16.4 at 24 px
    assert font.charWidths[ord("A")] == pytest.approx(684.08, abs=0.01)
    assert a[7] == round(font.charWidths[ord("A")] * 24 / 1000) == 16
    width, height, left, top = a[3], a[4], _zigzag(a[5]), _zigzag(a[6])
    assert (width, height) == (17, 18) and left == 0
    assert top < 0  # measured from the ascender line, as node-fontnik
    bitmap = np.frombuffer(a[2], dtype=np.uint8)
    assert bitmap.size == (width + 6) * (height + 6)  # 3 px buffer on each side
    sdf = bitmap.reshape(height + 6, width + 6)
    # the buffer ring is outside the outline (< 192, MapLibre's edge); the stroke is inside
    assert sdf[0].max() < 192 and sdf[-1].max() < 192
    assert (sdf >= 192).sum() > 40
    # a space: metrics only, no bitmap, a positive advance
    space = found[ord(" ")]
    assert 2 not in space and space[3] == space[4] == 0 and space[7] > 0


def test_a_range_without_glyphs_is_an_empty_stack() -> None:
    _, span, found = _stack(glyphs.glyph_range(glyphs.font_path(), 0x4E00))
    assert span == "19968-20223" and found == {}


def test_the_route_serves_cached_ranges_to_anyone(tmp_path: Path) -> None:
    from app import create_app

    settings = Settings().with_(
        store_dir=write_store(tmp_path / "processed"),
        users_path=tmp_path / "no-users.json",
        audit_path=tmp_path / "audit.jsonl",
        state_dir=tmp_path / "state",
    )
    client = create_app(settings).server.test_client()
    # any font stack name (Plotly asks for "Open Sans Regular,Arial Unicode MS Regular")
    response = client.get("/glyphs/Open Sans Regular,Arial Unicode MS Regular/0-255.pbf")
    assert response.status_code == 200  # no log-in: a public font
    assert response.mimetype == "application/x-protobuf"
    assert "max-age=604800" in response.headers["Cache-Control"]
    assert (
        _stack(response.get_data())[2].keys()
        == _stack(glyphs.glyph_range(glyphs.font_path(), 0))[2].keys()
    )
    cached = list((tmp_path / "state" / "glyphs").glob("regular-*/0-255.pbf"))
    assert len(cached) == 1
    again = client.get(
        "/glyphs/Open Sans Regular/0-255.pbf",
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304
    bold = client.get("/glyphs/Open Sans Bold/0-255.pbf")
    assert _stack(bold.get_data())[0] == "Bitstream Vera Sans Bold"
    for bad in ("/glyphs/x/1-256.pbf", "/glyphs/x/0-100.pbf", "/glyphs/x/65536-65791.pbf"):
        assert client.get(bad).status_code == 404


def test_the_map_style_points_at_the_app() -> None:
    from layouts.core.figures import TILE_STYLE, map_style

    url = "http://dash.example/glyphs/{fontstack}/{range}.pbf"
    style = map_style(False, url)
    assert isinstance(style, dict)
    assert style["glyphs"] == url and style["version"] == 8 and style["sources"]
    assert "glyphs" not in map_style(False)  # exports draw no labels
    assert map_style(True, url) == TILE_STYLE  # the online basemap keeps its own fonts


def test_the_glyph_url_names_the_host_the_browser_used() -> None:
    import flask

    assert glyphs.glyphs_url() is None  # no request: no host to name
    server = flask.Flask(__name__)
    with server.test_request_context("/", base_url="https://cakupan.example:8443/app"):
        assert glyphs.glyphs_url() == (
            "https://cakupan.example:8443/app/glyphs/{fontstack}/{range}.pbf"
        )
