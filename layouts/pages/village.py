"""Village profile page (/desa?area=CODE&month=YYYY-MM&segment=BPU&lang=id).

Reached by clicking a village on the coverage map (village level) or by URL; Back returns
to the map. Another territory's, an unknown or a malformed code gives a notice with a link
to the user's own map (never a blank page); the refusal is audit-logged. The view is in
:mod:`layouts.profile.views`, the numbers in :mod:`analytics.report.village_profile`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from analytics.access import Action, is_allowed, may
from analytics.report.village_profile import ProfileError
from layouts.core import components, ids
from layouts.core.data_access import (
    audit_event,
    current_settings,
    current_store,
    current_user,
    require,
    require_area,
)
from layouts.core.i18n import t
from layouts.core.page_titles import page_title
from layouts.core.store_access import store_facts
from layouts.core.url_state import ViewState, effective_target, parse_query
from layouts.profile.views import (
    PROFILE_FORMATS,
    is_village_code,
    notice,
    profile_file,
    profile_layout,
    read_profile,
)

dash.register_page(__name__, path="/desa", name="Profil desa", title=page_title("nav.profile"))


def _raw_area(query: dict[str, Any]) -> str:
    value = query.get("area", "")
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return value.strip()[:40] if isinstance(value, str) else ""


def _month(state: ViewState, months: Sequence[str]) -> str:
    return state.month if state.month in months else months[-1]


def layout(**query: Any) -> html.Div:
    settings, store = current_settings(), current_store()
    state = parse_query(query)
    lang = state.lang
    if not store.exists():
        return components.store_missing(str(settings.store_dir), lang)
    code = _raw_area(query)
    if not code:
        return notice(t("profile.area_missing", lang), lang)
    if not is_village_code(code):  # never echo what is not a code
        return notice(t("profile.area_malformed", lang), lang)
    user = current_user()
    if not is_allowed(user, code):
        audit_event("refused", "refused", {"what": "village profile", "area": code})
        return notice(t("profile.area_outside", lang, code=code), lang)
    facts = store_facts(store, settings)
    if code not in facts.names or not facts.months:
        return notice(t("profile.area_unknown", lang, code=code), lang)
    month = _month(state, facts.months)
    outreach = may(user, Action.OUTREACH)
    try:
        profile, roster = read_profile(
            store,
            code,
            month,
            state.segment,
            effective_target(state, facts.target_pct),
            outreach=outreach,
        )
    except ProfileError:
        return notice(t("profile.area_unknown", lang, code=code), lang)
    page_query = {"area": code, "month": month, "segment": state.segment, "lang": lang}
    if state.target is not None:
        page_query["target"] = repr(state.target)
    return profile_layout(
        profile, lang, "?" + urlencode(page_query), outreach=outreach, roster=roster
    )


def profile_download(
    query: str | None, fmt: str, threshold: int | None, today: date
) -> dict[str, Any]:
    """The ``dcc.Download`` data of the profile of ``query`` (the page's query string);
    the territory is checked again here (403, logged), never trusted from the page."""
    params = dict(parse_qsl((query or "").lstrip("?")))
    code = _raw_area(params)
    require_area(code)
    if not is_village_code(code):
        raise PreventUpdate
    settings, store = current_settings(), current_store()
    state = parse_query(params)
    facts = store_facts(store, settings)
    outreach = may(current_user(), Action.OUTREACH)
    profile, _ = read_profile(
        store,
        code,
        _month(state, facts.months),
        state.segment,
        effective_target(state, facts.target_pct),
        outreach=outreach,
    )
    data, name, media = profile_file(profile, fmt, threshold, state.lang, today, outreach=outreach)
    return dcc.send_bytes(data, name, type=media)


def register_callbacks(app: dash.Dash) -> None:
    from layouts.exports.files import threshold_of
    from layouts.profile.link import register_profile_link

    register_profile_link(app)

    @app.callback(
        Output(ids.PROFILE_DOWNLOAD, "data"),
        Output(ids.PROFILE_MESSAGE, "children"),
        Input({"type": ids.PROFILE_BUTTON, "fmt": ALL}, "n_clicks"),
        State(ids.PROFILE_QUERY, "data"),
        State(ids.PROFILE_PROTECT, "value"),
        State(ids.PROFILE_THRESHOLD, "value"),
        prevent_initial_call=True,
    )
    def download(_clicks, query, protect, thr):
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not (ctx.triggered and ctx.triggered[0]["value"]):
            return no_update, no_update
        require(Action.EXPORT)
        fmt = str(trigger.get("fmt"))
        if fmt not in PROFILE_FORMATS:
            return no_update, no_update
        threshold = threshold_of(protect, thr)
        data = profile_download(query, fmt, threshold, date.today())
        code = _raw_area(dict(parse_qsl((query or "").lstrip("?"))))
        audit_event(
            "export", "ok", {"what": f"profile.{fmt}", "area": code, "threshold": threshold}
        )
        return data, ""
