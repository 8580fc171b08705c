"""The page of an unknown address, in the reader's language (Dash's own says "404 - Page
not found" in English on every page). Dash pages uses this module for any path no page
registered."""

from __future__ import annotations

import dash
from dash import dcc, html

from layouts.core.i18n import t
from layouts.core.page_titles import page_title
from layouts.core.url_state import parse_query

dash.register_page(__name__, path="/404", title=page_title("nav.not_found"))


def layout(**query: object) -> html.Div:
    lang = parse_query(query).lang
    path = ""
    try:
        search = dash.ctx.inputs.get("_pages_location.pathname")
        path = str(search or "")[:80]
    except Exception:
        path = ""
    home = "/" if lang == "id" else "/?lang=en"
    return html.Div(
        [
            html.H2(t("nav.not_found", lang), className="page-title"),
            html.P(
                [
                    t("not_found.text", lang, path=path or "?"),
                    " ",
                    dcc.Link(t("nav.map", lang), href=dash.get_relative_path(home)),
                    ".",
                ]
            ),
        ],
        className="store-missing",
    )
