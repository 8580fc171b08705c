"""Small reusable UI pieces: KPI cards, legend, breadcrumb, info links, table columns."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from analytics.classify import (
    NO_DATA_CLASS,
    NO_DATA_COLOR,
    OVER_100_CLASS,
    OVER_100_COLOR,
    Classification,
)
from analytics.indicators import AreaKpis
from layouts import ids
from layouts.i18n import fmt_int, fmt_month, fmt_pct, fmt_pp, t


def info_link(anchor: str, lang: str) -> dcc.Link:
    """A small "ⓘ" link to the method note of an indicator."""
    return dcc.Link(
        "i",
        href=f"/metode?lang={lang}#{anchor}",
        className="info-link",
        title=t("method_link", lang),
    )


def _card(title: str, value: str, note: str, anchor: str, lang: str, tone: str = "") -> html.Div:
    return html.Div(
        [
            html.Div([title, " ", info_link(anchor, lang)], className="kpi-title"),
            html.Div(value, className="kpi-value"),
            html.Div(note, className="kpi-note"),
        ],
        className=f"kpi-card {tone}".strip(),
    )


def projection_text(k: AreaKpis, lang: str) -> tuple[str, str]:
    """(value, tone) of the projection card."""
    if k.coverage_pct is None:
        return t("unknown", lang), ""
    if k.target_reached:
        return t("reached", lang), "good"
    if k.projected_month is None:
        return t("not_reached", lang), "bad"
    return fmt_month(k.projected_month, lang, long=True), "ok"


def kpi_cards(k: AreaKpis, lang: str) -> list[html.Div]:
    projected, tone = projection_text(k, lang)
    pace = (
        t("unknown", lang)
        if k.pace_pp_per_month is None
        else f"{fmt_pp(k.pace_pp_per_month, lang, 2)[:-3]} {t('per_month', lang)}"
    )
    villages = t("villages_note", lang, n=k.villages_with_eligible, total=k.villages)
    return [
        _card(t("coverage", lang), fmt_pct(k.coverage_pct, lang), villages, "cakupan", lang),
        _card(t("active", lang), fmt_int(k.active, lang), fmt_month(k.month, lang), "aktif", lang),
        _card(
            t("eligible", lang),
            fmt_int(k.eligible, lang),
            t(f"seg.{k.segment}", lang),
            "eligible",
            lang,
        ),
        _card(t("uncovered", lang), fmt_int(k.uncovered, lang), "", "kesenjangan", lang),
        _card(
            t("vs_prev_month", lang),
            fmt_pp(k.change_mom_pp, lang),
            f"{t('vs_prev_year', lang)}: {fmt_pp(k.change_yoy_pp, lang)}",
            "perubahan",
            lang,
        ),
        _card(
            t("projection", lang),
            projected,
            f"{t('target', lang)} {fmt_pct(k.target_pct, lang)} · {t('pace', lang)} {pace}",
            "proyeksi",
            lang,
            tone,
        ),
    ]


def _swatch(color: str, label: str, count: int, shape: str = "swatch") -> html.Div:
    return html.Div(
        [
            html.Span(className=shape, style={"backgroundColor": color}),
            html.Span(label),
            html.Span(f"({count})", className="legend-count"),
        ],
        className="legend-row",
    )


def legend(c: Classification, lang: str, layer: str, max_uncovered: float | None) -> list[Any]:
    counts = c.counts()
    rows: list[Any] = [
        html.Div([t("legend", lang), " ", info_link("kelas", lang)], className="legend-title")
    ]
    labels = c.labels(lang)
    rows += [_swatch(c.colors[i], labels[i], counts[i]) for i in range(c.k)]
    rows.append(_swatch(OVER_100_COLOR, t("over_100", lang), counts[OVER_100_CLASS]))
    rows.append(_swatch(NO_DATA_COLOR, t("no_data", lang), counts[NO_DATA_CLASS]))
    if layer == "gap" and max_uncovered:
        rows.append(
            html.Div(
                [
                    html.Span(className="bubble"),
                    f"{t('uncovered', lang)}: ≤ {fmt_int(max_uncovered, lang)}",
                    " ",
                    info_link("kesenjangan", lang),
                ],
                className="legend-row",
            )
        )
    return rows


def breadcrumb(trail: list[tuple[str, str]], lang: str) -> list[Any]:
    """Buttons for each area above the view (``(code, name)``, the last one is current)."""
    out: list[Any] = []
    for i, (code, name) in enumerate(trail):
        if i:
            out.append(html.Span("›", className="crumb-sep"))
        if i == len(trail) - 1:
            out.append(html.Span(name, className="crumb-current"))
        else:
            out.append(
                html.Button(
                    name, id={"type": ids.CRUMB_TYPE, "code": code}, className="crumb", n_clicks=0
                )
            )
    return out


def table_columns(lang: str) -> list[dict[str, Any]]:
    """dash-ag-grid column definitions; numbers formatted in the browser by locale."""

    def num(field: str, header: str, fmt: str, width: int = 130) -> dict[str, Any]:
        return {
            "field": field,
            "headerName": header,
            "type": "numericColumn",
            "filter": "agNumberColumnFilter",
            "valueFormatter": {"function": f"{fmt}(params.value, '{lang}')"},
            "width": width,
        }

    return [
        {"field": "rank", "headerName": "#", "width": 70, "type": "numericColumn"},
        {"field": "area_name", "headerName": t("name", lang), "width": 190, "pinned": "left"},
        {"field": "area_code", "headerName": t("code", lang), "width": 140},
        num("uncovered", t("uncovered", lang), "fmtInt", 150),
        num("coverage_pct", t("coverage", lang), "fmtPct"),
        num("active", t("active", lang), "fmtInt"),
        num("eligible", t("eligible", lang), "fmtInt", 160),
        num("change_yoy_pp", t("change_yoy", lang), "fmtPp", 160),
        {"field": "flags_text", "headerName": t("flags", lang), "width": 200},
    ]


def store_missing(path: str, lang: str) -> html.Div:
    return html.Div(t("no_store", lang, path=path), id=ids.STORE_MESSAGE, className="store-missing")
