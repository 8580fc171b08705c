"""A page address that asks for what the page cannot show: say so, show the nearest view.

A bookmarked or shared address may name an area outside the user's territory, an area or
month the data does not hold, or a value that is not one at all (``area=abc``,
``level=xyz``, ``month=2099-13``). The page then shows the nearest view the user may see
(their territory's top, the latest month, the default) with a notice above it that says
what was asked for and what is shown, in the page's language.

Only the page address is handled this way, before any callback asks for an area: a
callback that asks for an area outside the territory is still refused with HTTP 403 and
an audit entry (layouts/core/data_access.py). An address outside the territory is logged too
(``refused`` / ``redirected``), as it may be a probe.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final

import dash
from dash import html

from analytics.access import is_allowed
from analytics.settings import Settings
from analytics.store.territory import TerritoryStore
from layouts.core import components, ids
from layouts.core.data_access import (
    audit_event,
    current_settings,
    current_store,
    current_user,
    resolve_state,
)
from layouts.core.i18n import t
from layouts.core.store_access import StoreFacts, store_facts
from layouts.core.url_state import ViewState, parse_query, resolve, to_query

#: Fields of the address with a sentence of their own; the others get a generic one.
_OWN_SENTENCE: Final = ("area", "level", "month")
_SHOWN_CHARS: Final = 40  # an address value quoted back is cut (it is the user's own text)


def _raw(query: Mapping[str, object], key: str) -> str:
    value = query.get(key)
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return value.strip() if isinstance(value, str) else ""


def query_problems(query: Mapping[str, object]) -> list[tuple[str, str]]:
    """(field, value) of every address value :func:`parse_query` did not accept."""
    default = asdict(ViewState())
    out = []
    for key in default:
        raw = _raw(query, key)
        if not raw or key == "labels":  # any labels value is a yes or a no
            continue
        parsed = asdict(parse_query({key: raw}))[key]
        if parsed == default[key] and raw != str(default[key]):
            out.append((key, raw))
    return out


def fit_address(
    query: Mapping[str, object],
    names: Mapping[str, str],
    months: Sequence[str],
    root_codes: Sequence[str],
) -> tuple[ViewState, list[str]]:
    """The view to show for the address ``query`` of the logged-in user, and the
    sentences of its notice (none when the address was shown as asked)."""
    state = parse_query(query)
    lang = state.lang
    reasons = [
        t(
            f"view.bad.{key}" if key in _OWN_SENTENCE else "view.bad.other",
            lang,
            value=raw[:_SHOWN_CHARS],
            field=key,
        )
        for key, raw in query_problems(query)
    ]
    if state.area and not is_allowed(current_user(), state.area):
        what: dict[str, object] = {"what": "address outside territory", "area": state.area[:20]}
        audit_event("refused", "redirected", what)
        reasons.append(t("view.outside", lang, code=state.area))
        state = state.with_(area="")
    elif state.area and state.area not in names:
        reasons.append(t("view.unknown_area", lang, code=state.area))
        state = state.with_(area="")
    if state.month and state.month not in months:
        reasons.append(t("view.month_missing", lang, month=state.month))
    return resolve(state, set(names), months, root_codes), reasons


@dataclass(frozen=True)
class PageView:
    """What a page's layout starts from: the request's settings and store (the user's
    territory), the store's facts, the view to show and why it is not the address's."""

    settings: Settings
    store: TerritoryStore
    facts: StoreFacts
    state: ViewState
    reasons: list[str]


def open_view(query: Mapping[str, object]) -> PageView | html.Div:
    """The view the address ``query`` asks for, fitted to the store and the user's
    territory (:func:`fit_address`); without a store, the page that says so instead."""
    settings, store = current_settings(), current_store()
    if not store.exists():
        return components.store_missing(str(settings.store_dir), parse_query(query).lang)
    facts = store_facts(store, settings)
    state, reasons = fit_address(query, facts.names, facts.months, facts.root_codes)
    return PageView(settings, store, facts, resolve_state(store, settings, state), reasons)


def already_shown(path: str, state: ViewState, shown: object) -> bool:
    """Whether the view ``state`` of the page at ``path`` is the one on screen
    (``ids.SHOWN_VIEW``, path and query as the browser's address holds them)."""
    return isinstance(shown, str) and shown == dash.get_relative_path(path) + to_query(state)


def area_label(area: str, names: Mapping[str, str], lang: str) -> str:
    """``Kabupaten X (99.01)``; the whole store when ``area`` is empty."""
    if not area:
        return t("all_areas", lang)
    name = names.get(area, area)
    return f"{name} ({area})" if name != area else area


def notice(reasons: Sequence[str], shown: str, lang: str) -> html.Div | None:
    """The notice strip above a page (``None`` without reasons)."""
    if not reasons:
        return None
    items: list[Any] = [html.Li(reason) for reason in reasons]
    return html.Div(
        [
            html.Strong(t("view.notice.title", lang)),
            html.Ul(items),
            html.Span(t("view.notice.showing", lang, area=shown)),
        ],
        id=ids.VIEW_NOTICE,
        className="store-missing view-notice",
        role="status",
    )
