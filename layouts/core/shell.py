"""The layout shell: header (who is logged in, log-out), navigation, demo badge, language
switch, and the URL plumbing that makes every view change a history entry.

Each page's callbacks write the view they drew as a query string to ``ids.VIEW_QUERY``; the
clientside :data:`HISTORY_JS` puts it in the address bar: a change of the view the user
made pushes a history entry, the first view drawn after a navigation replaces the address
(``/`` becomes ``/?level=...``). Dash's Location components are told (the event dcc.Link
uses), so Back and Forward re-render the page from the address; the page's layout returns
``no_update`` when the address is the view already on screen (``ids.SHOWN_VIEW``, passed to
the layouts as ``shown`` through ``routing_callback_inputs``)."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import parse_qs, urlencode

import dash
from dash import Input, Output, State, dcc, html
from dash.exceptions import MissingCallbackContextException
from werkzeug.exceptions import HTTPException

from analytics.access import Action, Role, User, may, unrestricted
from analytics.store.reader import StoreDamaged, StoreError
from layouts.core import ids
from layouts.core.auth import LOGOUT_PATH, csrf_token
from layouts.core.data_access import current_store, current_user
from layouts.core.i18n import lang_or_default, t

#: Navigation: (component id, message id, path). Outreach and exports come later.
NAV = (
    (ids.NAV_MAP, "nav.map", "/"),
    (ids.NAV_TILEMAP, "nav.tilemap", "/semua-desa"),
    (ids.NAV_TRENDS, "nav.trends", "/tren"),
    (ids.NAV_QUALITY, "nav.quality", "/kualitas"),
    (ids.NAV_OUTREACH, "nav.outreach", "/penjangkauan"),
    (ids.NAV_METHOD, "nav.method", "/metode"),
    (ids.NAV_UPLOAD, "nav.upload", "/unggah"),  # admins only (hidden for others)
)
#: Nav entries shown only to a role allowed the action (the pages refuse others anyway).
NAV_ACTIONS = {ids.NAV_UPLOAD: Action.UPLOAD, ids.NAV_OUTREACH: Action.OUTREACH}

# The view drawn (``query``) into the address bar. Push when the address showed the view
# on screen before (the user changed it), replace otherwise (the first view after a
# navigation, or an address the page fitted); then tell Dash's Location components, whose
# router asks the page, which returns no_update for the view already shown.
#: Before a page's query: replace the current history entry even after a view the user
#: chose (the timeline's months while it plays: one entry, not one per month).
REPLACE_MARK = "~"
HISTORY_JS = """
function(query, shown) {
    const dc = window.dash_clientside;
    let replace = false;
    if (typeof query === "string" && query.startsWith("REPLACE_MARK")) {
        replace = true;
        query = query.slice(1);
    }
    if (typeof query !== "string" || !query.startsWith("?")) {
        return dc.no_update;
    }
    const loc = window.location;
    const here = loc.pathname + loc.search;
    const target = loc.pathname + query;
    dc.set_props("SHOWN_ID", {data: target});
    if (target === here) {
        return dc.no_update;
    }
    if (shown === here && !replace) {
        window.history.pushState({}, "", target + loc.hash);
    } else {
        window.history.replaceState(window.history.state, "", target + loc.hash);
    }
    if (!replace) {
        // Location props follow the address; the router finds the view on screen (stored
        // just above, read once this task is done) and draws nothing
        window.setTimeout(() => window.dispatchEvent(new CustomEvent("_dashprivate_pushstate")), 0);
    }
    return dc.no_update;
}
""".replace("SHOWN_ID", ids.SHOWN_VIEW).replace("REPLACE_MARK", REPLACE_MARK)


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


def _user_or_none() -> User | None:
    try:
        return current_user()
    except (HTTPException, RuntimeError):  # not logged in, or no request
        return None


def territory_label(user: User, lang: str) -> str:
    """The user's territory in words: area names (codes when the store has none), the
    police unit, or all areas."""
    if unrestricted(user):
        return t("territory.all", lang)
    names: dict[str, str] = {}
    try:
        areas = current_store().areas()
        names = dict(zip(areas["area_code"], areas["area_name"], strict=True))
    except (StoreError, StoreDamaged, OSError, ValueError, HTTPException):
        pass
    unit = user.territory.polsek or user.territory.polres
    if user.role is Role.POLICE and unit:
        return unit
    return ", ".join(names.get(code, code) for code in sorted(user.territory.areas))


def user_box(lang: str) -> html.Div:
    """Who is logged in, role and territory, and the log-out form (POST with the CSRF
    token, as ``/keluar`` requires)."""
    user = _user_or_none()
    return html.Div(
        [
            html.Span(
                [
                    html.Span(t("nav.user_label", lang), id=ids.USER_LABEL, className="user-label"),
                    " ",
                    html.Strong(user.name if user else "", id=ids.USER_NAME),
                ]
            ),
            html.Span(
                role_text(user, lang),
                id=ids.USER_ROLE,
                className="user-role",
            ),
            html.Form(
                [
                    dcc.Input(type="hidden", name="csrf_token", value=csrf_token() if user else ""),
                    html.Button(
                        t("nav.logout", lang),
                        id=ids.LOGOUT_BUTTON,
                        type="submit",
                        className="logout-button",
                    ),
                ],
                id=ids.LOGOUT_FORM,
                action=dash.get_relative_path(LOGOUT_PATH),
                method="POST",
                className="logout-form",
            ),
        ],
        id=ids.USER_BOX,
        className="user-box",
        hidden=user is None,
    )


def role_text(user: User | None, lang: str) -> str:
    """``Kantor cabang · Kabupaten Contoh``: the role and territory of ``user``."""
    if user is None:
        return ""
    return f"{t(f'role.{user.role}', lang)} · {territory_label(user, lang)}"


def shell_links(pathname: str | None, search: str | None, view_query: str | None) -> dict[str, Any]:
    """Hrefs and labels of the header. Page state comes from the page's last query
    (``view_query``), the language from the address bar (it only changes by navigation)."""
    url_params = parse_qs((search or "").lstrip("?"))
    lang = lang_or_default((url_params.get("lang") or [""])[0])
    state = parse_qs((view_query or search or "").lstrip(REPLACE_MARK).lstrip("?"))
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
        "logout": t("nav.logout", lang),
        "user_label": t("nav.user_label", lang),
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
            dcc.Store(id=ids.SHOWN_VIEW),
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
                    user_box(links["lang"]),
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


def _resetting_shown(layout: Any) -> Any:
    """``layout`` that, when it draws a page (anything but ``no_update``), clears
    ``ids.SHOWN_VIEW`` in the same response: no view of the new page is on screen yet, so
    its first view replaces the address instead of pushing an entry."""
    if getattr(layout, "_resets_shown", False) or not callable(layout):
        return layout

    @functools.wraps(layout)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        out = layout(*args, **kwargs)
        if out is not dash.no_update:
            try:
                dash.set_props(ids.SHOWN_VIEW, {"data": None})
            except MissingCallbackContextException:  # called outside the router
                pass
        return out

    wrapped._resets_shown = True  # type: ignore[attr-defined]
    return wrapped


def track_page_renders() -> None:
    """Wrap every registered page's layout with :func:`_resetting_shown` (idempotent)."""
    for page in dash.page_registry.values():
        page["layout"] = _resetting_shown(page.get("layout"))


def register_shell_callbacks(app: dash.Dash) -> None:
    app.clientside_callback(
        HISTORY_JS,
        Output(ids.URL_SYNC, "children"),
        Input(ids.VIEW_QUERY, "data"),
        State(ids.SHOWN_VIEW, "data"),
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
            Output(ids.USER_LABEL, "children"),
            Output(ids.USER_ROLE, "children"),
            Output(ids.LOGOUT_BUTTON, "children"),
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
            links["user_label"],
            role_text(_user_or_none(), links["lang"]),
            links["logout"],
        ]
