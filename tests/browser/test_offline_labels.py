"""Map labels draw offline: the names on the coverage map and the outreach ranks take their
glyphs from the app (layouts/core/glyphs.py), and no page asks any other host for anything."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def _watch(page: Any, app_url: str) -> tuple[list[str], dict[str, int]]:
    """Every request to another host, and the status of every glyph response."""
    own = urlsplit(app_url).netloc
    foreign: list[str] = []
    glyphs: dict[str, int] = {}

    def on_request(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != own:
            foreign.append(request.url)

    def on_response(response: Any) -> None:
        if "/glyphs/" in response.url:
            glyphs[response.url] = response.status

    page.on("request", on_request)
    page.on("response", on_response)
    return foreign, glyphs


def _text_layers_drawn(page: Any, graph: str) -> None:
    """Until MapLibre has a text layer and has finished loading (glyphs included)."""
    page.wait_for_function(
        f"() => {{ const gd = document.querySelector('{graph} .js-plotly-plot');"
        " const m = gd?._fullLayout?.map?._subplot?.map;"
        " return m && m.loaded() && m.areTilesLoaded() && m.getStyle().layers"
        ".some(l => l.type === 'symbol' && l.layout && l.layout['text-field']); }",
        timeout=60000,
    )


def test_map_with_names_fetches_glyphs_from_the_app_only(page: Any, app_url: str) -> None:
    foreign, glyphs = _watch(page, app_url)
    page.goto(f"{app_url}/?level=kecamatan&area=99.01&labels=1")
    _text_layers_drawn(page, "#map")
    page.wait_for_function("() => true")  # let the last responses arrive
    page.wait_for_load_state("networkidle")
    style = page.evaluate(
        "() => document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map"
        ".getStyle().glyphs"
    )
    assert style.startswith(app_url + "/glyphs/")
    assert glyphs, "the names were drawn without any glyph request"
    assert set(glyphs.values()) == {200}, glyphs
    assert foreign == [], foreign


def test_outreach_ranks_fetch_glyphs_from_the_app_only(page: Any, app_url: str) -> None:
    foreign, glyphs = _watch(page, app_url)
    page.goto(f"{app_url}/penjangkauan")
    _text_layers_drawn(page, "#outreach-map")
    page.wait_for_load_state("networkidle")
    assert glyphs, "the rank numbers were drawn without any glyph request"
    assert set(glyphs.values()) == {200}, glyphs
    assert foreign == [], foreign
