"""The map page on a phone: the filter panel as a drawer, and the map fitted to the size
it has in the browser (a phone's map is narrow and tall, a desktop's wide).

Both are clientside callbacks (no server round trip); the layout is in CSS
(``assets/cakupan.css``, ``@media (max-width: 600px)``). On a desktop the drawer buttons
are hidden and the panel is the left column, as before.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, html

from layouts import ids
from layouts.i18n import t

DRAWER_CLASS = "controls drawer"

# Open on the ☰ button, close on the drawer's own button.
TOGGLE_JS = """
function(openClicks, closeClicks) {
    const trig = window.dash_clientside.callback_context.triggered_id;
    return trig === "OPEN_ID" ? "CLASS open" : "CLASS";
}
""".replace("OPEN_ID", ids.DRAWER_OPEN).replace("CLASS", DRAWER_CLASS)

# The map's size as laid out (CSS decides it: 560 px high on a desktop, most of the
# screen on a phone); the server fits the area into it.
SIZE_JS = """
function(lang) {
    const el = document.getElementById("MAP_ID");
    if (!el) { return window.dash_clientside.no_update; }
    const r = el.getBoundingClientRect();
    return {w: Math.round(r.width), h: Math.round(r.height)};
}
""".replace("MAP_ID", ids.MAP)

#: Sizes outside this range (px) are ignored (a hidden map, a forged request).
SIZE_RANGE = (120.0, 4000.0)


def open_button(lang: str) -> html.Button:
    return html.Button(t("drawer.open", lang), id=ids.DRAWER_OPEN, className="drawer-open")


def close_button(lang: str) -> html.Button:
    return html.Button(t("drawer.close", lang), id=ids.DRAWER_CLOSE, className="drawer-close")


def map_size(data: Any) -> tuple[float, float] | None:
    """``(width, height)`` from the browser's ``{w, h}``; ``None`` when absent or implausible."""
    if not isinstance(data, dict):
        return None
    try:
        w, h = float(data["w"]), float(data["h"])
    except (KeyError, TypeError, ValueError):
        return None
    lo, hi = SIZE_RANGE
    return (w, h) if lo <= w <= hi and lo <= h <= hi else None


def register_drawer_callbacks(app: dash.Dash) -> None:
    app.clientside_callback(
        TOGGLE_JS,
        Output(ids.MAP_CONTROLS, "className"),
        Input(ids.DRAWER_OPEN, "n_clicks"),
        Input(ids.DRAWER_CLOSE, "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(SIZE_JS, Output(ids.MAP_SIZE, "data"), Input(ids.MAP_LANG, "data"))
