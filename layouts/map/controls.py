"""The map controls both map pages show (the per-kabupaten map and all villages): one
builder each, so month, segment, classification and classes read and behave the same.
Each takes its component id, the value to show and the language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from dash import State, dcc, html

from analytics.engine.classify import K_RANGE, PALETTE, SCHEMES
from analytics.schemas import COVERAGE_SEGMENTS
from layouts.core import components, ids
from layouts.core.i18n import fmt_month, t


def control(label: str, child: Any, anchor: str | None = None, lang: str = "id") -> html.Div:
    """A labelled control, with a link to its method note when ``anchor`` is given."""
    title: list[Any] = [label]
    if anchor:
        title += [" ", components.info_link(anchor, lang)]
    return html.Div([html.Label(title, className="control-label"), child], className="control")


def month_control(component_id: str, months: Sequence[str], month: str, lang: str) -> html.Div:
    options = [
        {"label": fmt_month(pd.Timestamp(f"{m}-01"), lang), "value": m} for m in reversed(months)
    ]
    return control(
        t("month", lang),
        dcc.Dropdown(
            id=component_id,
            labels=components.dropdown_labels(lang),
            options=options,
            value=month,
            clearable=False,
        ),
    )


def segment_control(component_id: str, segment: str, lang: str) -> html.Div:
    return control(
        t("segment", lang),
        dcc.RadioItems(
            id=component_id,
            options=[{"label": t(f"seg.{s}", lang), "value": s} for s in COVERAGE_SEGMENTS],
            value=segment,
            className="radio",
        ),
        "segmen",
        lang,
    )


def scheme_control(component_id: str, scheme: str, lang: str) -> html.Div:
    return control(
        t("classification", lang),
        dcc.Dropdown(
            id=component_id,
            labels=components.dropdown_labels(lang),
            options=[{"label": t(f"scheme.{s}", lang), "value": s} for s in SCHEMES],
            value=scheme,
            clearable=False,
        ),
        "kelas",
        lang,
    )


def classes_control(component_id: str, k: int, lang: str) -> html.Div:
    return control(
        t("classes", lang),
        dcc.Dropdown(
            id=component_id,
            labels=components.dropdown_labels(lang),
            options=list(range(K_RANGE[0], len(PALETTE) + 1)),
            value=k,
            clearable=False,
        ),
    )


#: (id, property) of the map page's controls, in
#: :func:`layouts.map.view_model.state_from_controls`'s order: what every callback that
#: rebuilds the page's view state reads (exports, GIS, report, timeline).
MAP_CONTROLS: tuple[tuple[str, str], ...] = (
    (ids.MAP_VIEW, "data"),
    (ids.MONTH, "value"),
    (ids.SEGMENT, "value"),
    (ids.SCHEME, "value"),
    (ids.K, "value"),
    (ids.LAYER, "value"),
    (ids.LABELS, "value"),
    (ids.MAP_LANG, "data"),
    (ids.MAP_TARGET, "value"),
    (ids.MAP_TARGET_CUSTOM, "value"),
)


def control_states(*, month: bool = True) -> list[State]:
    """:data:`MAP_CONTROLS` as callback states; ``month=False`` leaves the month out (for a
    callback that takes it as an input)."""
    return [State(i, p) for i, p in MAP_CONTROLS if month or i != ids.MONTH]
