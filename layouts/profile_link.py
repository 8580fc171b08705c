"""A click on a village of the coverage map (village level) opens its profile page.

The map page holds a ``dcc.Location`` (:data:`layouts.ids.PROFILE_LINK`) with
``refresh="callback-nav"``: setting its ``href`` adds a history entry and lets Dash pages
draw ``/desa`` without reloading, so Back returns to the map view (whose URL keeps the
level, area, month and segment).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash
from dash import Input, Output, State, no_update

from analytics.codes import level_of
from layouts import ids


def profile_href(
    view: dict[str, str] | None,
    click_data: dict[str, Any] | None,
    month: str | None,
    segment: str | None,
    lang: str | None,
    path: str = "/desa",
) -> str | None:
    """The profile URL of the village clicked, with the map's month and segment; ``None``
    when the map is not at village level or the click was not on a village."""
    if (view or {}).get("level") != "desa":
        return None
    points = (click_data or {}).get("points") or []
    code = (points[0].get("location") or points[0].get("customdata")) if points else None
    if not isinstance(code, str) or not code:
        return None
    try:
        if level_of(code) != "desa":
            return None
    except (KeyError, ValueError):
        return None
    query = {"area": code, "month": month or "", "segment": segment or "", "lang": lang or "id"}
    return path + "?" + urlencode({k: v for k, v in query.items() if v})


def register_profile_link(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.PROFILE_LINK, "href"),
        Input(ids.MAP, "clickData"),
        State(ids.MAP_VIEW, "data"),
        State(ids.MONTH, "value"),
        State(ids.SEGMENT, "value"),
        State(ids.MAP_LANG, "data"),
        prevent_initial_call=True,
    )
    def open_profile(click_data, view, month, segment, lang):  # type: ignore[no-untyped-def]
        path = dash.get_relative_path("/desa")
        href = profile_href(view, click_data, month, segment, lang, path)
        return no_update if href is None else href
