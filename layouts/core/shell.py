"""The layout shell: header, navigation, demo badge, language switch, URL state plumbing."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

import dash
from dash import Input, Output, dcc, html
from werkzeug.exceptions import HTTPException

from analytics.access import Action, may
from analytics.store.reader import StoreDamaged, StoreError
from layouts.core import ids
from layouts.core.data_access import current_store, current_user
from layouts.core.i18n import lang_or_default, t

#: Navigation: (component id, message id, path). Outreach and exports come later.
NAV = (
    (ids.NAV_MAP, "nav.map", "/"),
    (ids.NAV_TRENDS, "nav.trends", "/tren"),
    (ids.NAV_QUALITY, "nav.quality", "/kualitas"),
    (ids.NAV_OUTREACH, "nav.outreach", "/penjangkauan"),
    (ids.NAV_METHOD, "nav.method", "/metode"),
    (ids.NAV_UPLOAD, "nav.upload", "/unggah"),  # admins only (hidden for others)
)
#: Nav entries shown only to a role allowed the action (the pages refuse others anyway).
NAV_ACTIONS = {ids.NAV_UPLOAD: Action.UPLOAD}

# Mirror the page state into the address bar without a navigation (no page re-render):
# history.replaceState does not notify Dash's Location components.
REPLACE_STATE_JS = """
function(query) {
    if (typeof query === "string" && query.startsWith("?")) {
        const url = window.location.pathname + query + window.location.hash;
        if (url !== window.location.pathname + window.location.search + window.location.hash) {
            window.history.replaceState(window.history.state, "", url);
        }
    }
    return "";
}
"""


def _is_demo() -> bool:
    try:
        store = current_store()
        return bool(store.exists() and store.meta().get("demo"))
    except (StoreError, StoreDamaged, OSError, ValueError, HTTPException):  # not logged in
        return False


def _nav_allowed(cid: str) -> bool:
    action = NAV_ACTIONS.get(cid)
    if action is None:
        return True
    try:
        return may(current_user(), action)
    except (HTTPException, RuntimeError):  # not logged in, or no request
        return False


def shell_links(pathname: str | None, search: str | None, view_query: str | None) -> dict[str, Any]:
    """Hrefs and labels of the header. Page state comes from the page's last query
    (``view_query``), the language from the address bar (it only changes by navigation)."""
    url_params = parse_qs((search or "").lstrip("?"))
    lang = lang_or_default((url_params.get("lang") or [""])[0])
    state = parse_qs((view_query or search or "").lstrip("?"))
    state["lang"] = [lang]
    query = "?" + urlencode({k: v[0] for k, v in state.items()})
    here = pathname or "/"
    return {
        "hrefs": [path + query for _, _, path in NAV],
        "labels": [t(msg, lang) for _, msg, _ in NAV],
        "lang_hrefs": [
            here + "?" + urlencode({**{k: v[0] for k, v in state.items()}, "lang": code})
            for code in ("id", "en")
        ],
        "badge": t("demo_badge", lang),
        "tagline": t("tagline", lang),
        "lang": lang,
    }


def shell_layout() -> html.Div:
    links = shell_links("/", "", "")
    badge_style = {} if _is_demo() else {"display": "none"}
    return html.Div(
        [
            dcc.Location(id=ids.URL),
            dcc.Store(id=ids.VIEW_QUERY),
            html.Div(id=ids.URL_SYNC, hidden=True),
            html.Header(
                [
                    html.Div(
                        [
                            html.Span("Cakupan", className="brand"),
                            html.Span(links["tagline"], id=ids.PRODUCT, className="tagline"),
                            html.Span(
                                links["badge"],
                                id=ids.DEMO_BADGE,
                                className="demo-badge",
                                style=badge_style,
                            ),
                        ],
                        className="brand-row",
                    ),
                    html.Nav(
                        [
                            dcc.Link(
                                label,
                                id=cid,
                                href=href,
                                className="nav-link",
                                style=None if _nav_allowed(cid) else {"display": "none"},
                            )
                            for (cid, _, _), label, href in zip(
                                NAV, links["labels"], links["hrefs"], strict=True
                            )
                        ],
                        className="nav",
                    ),
                    html.Div(
                        [
                            dcc.Link(
                                "ID", id=ids.LANG_ID, href=links["lang_hrefs"][0], className="lang"
                            ),
                            dcc.Link(
                                "EN", id=ids.LANG_EN, href=links["lang_hrefs"][1], className="lang"
                            ),
                        ],
                        className="lang-switch",
                    ),
                ],
                className="header",
            ),
            html.Main(
                [
                    # A callback that met a missing or damaged store says so here
                    # (layouts/core/store_notice.py); the next navigation clears it.
                    html.Div(id=ids.STORE_NOTICE, className="store-missing", hidden=True),
                    dash.page_container,
                ],
                className="content",
            ),
        ]
    )


def register_shell_callbacks(app: dash.Dash) -> None:
    app.clientside_callback(
        REPLACE_STATE_JS, Output(ids.URL_SYNC, "children"), Input(ids.VIEW_QUERY, "data")
    )

    @app.callback(
        [Output(cid, "href") for cid, _, _ in NAV]
        + [Output(cid, "children") for cid, _, _ in NAV]
        + [
            Output(ids.LANG_ID, "href"),
            Output(ids.LANG_EN, "href"),
            Output(ids.DEMO_BADGE, "children"),
            Output(ids.PRODUCT, "children"),
            Output(ids.STORE_NOTICE, "children"),
            Output(ids.STORE_NOTICE, "hidden"),
        ],
        Input(ids.URL, "pathname"),
        Input(ids.URL, "search"),
        Input(ids.VIEW_QUERY, "data"),
    )
    def update_shell(pathname: str, search: str, view_query: str | None) -> list[Any]:
        links = shell_links(pathname, search, view_query)
        return [
            *links["hrefs"],
            *links["labels"],
            *links["lang_hrefs"],
            links["badge"],
            links["tagline"],
            None,  # a new page or a view drawn: an earlier store notice is stale
            True,
        ]
