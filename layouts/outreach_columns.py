"""dash-ag-grid column definitions of the outreach page's tables. A number column sorts and
filters on the exact value and shows ``<field>_text``, the text the server wrote with
:mod:`analytics.formatting` (``layouts.outreach_views.with_texts``)."""

from __future__ import annotations

from typing import Any

from layouts.i18n import t


def _num(field: str, header: str, width: int = 120) -> dict[str, Any]:
    """A number column: sorts and filters on the exact value, shows ``<field>_text``."""
    call = f"params.data['{field}_text']"
    return {
        "field": field,
        "headerName": header,
        "type": "numericColumn",
        "filter": "agNumberColumnFilter",
        "valueFormatter": {"function": call},
        "width": width,
    }


def _text(field: str, header: str, width: int = 160, **extra: Any) -> dict[str, Any]:
    return {"field": field, "headerName": header, "width": width, **extra}


def _flag(field: str, header: str) -> dict[str, Any]:
    """A true/false column, drawn by the grid as a (read-only) tick box."""
    return {"field": field, "headerName": header, "width": 120, "cellDataType": "boolean"}


def priority_columns(lang: str) -> list[dict[str, Any]]:
    return [
        _num("rank", "#", width=70),
        _text("village_name", t("out.col.village", lang), 170, pinned="left"),
        _text("village_code", t("code", lang), 125),
        _num("score", t("out.col.score", lang), 90),
        _num("uncovered", t("uncovered", lang), width=130),
        _num("gap_norm", t("out.col.gap_norm", lang), 105),
        _num("coverage_pct", t("coverage", lang), 105),
        _num("coverage_norm", t("out.col.coverage_norm", lang), 125),
        _num("years_to_close", t("out.col.years", lang), 130),
        _num("pace_norm", t("out.col.pace_norm", lang), 105),
        _text("last_event", t("out.col.last_event", lang), 130),
        _num("months_since_event", t("out.col.months", lang), 130),
        _num("recency_norm", t("out.col.recency_norm", lang), 125),
        _text("officers", t("out.officer", lang), 200),
        _text("explanation", t("out.col.explanation", lang), 420),
    ]


def plan_columns(lang: str) -> list[dict[str, Any]]:
    return [
        _num("week", t("out.col.week", lang), width=90),
        _text("week_start", t("out.col.week_start", lang), 110),
        _text("officer", t("out.officer", lang), 220),
        _text("village_name", t("out.col.village", lang), 150, pinned="left"),
        _text("village_code", t("code", lang), 125),
        _num("visit", t("out.col.visit", lang), width=110),
        _num("priority_rank", t("rank", lang), width=100),
        _num("uncovered", t("uncovered", lang), width=130),
        _num("coverage_pct", t("coverage", lang), 105),
        _num("expected_registrations", t("out.col.expected", lang), 170),
    ]


def unassigned_columns(lang: str) -> list[dict[str, Any]]:
    return [
        _num("priority_rank", t("rank", lang), width=100),
        _text("village_name", t("out.col.village", lang), 170, pinned="left"),
        _text("village_code", t("code", lang), 125),
        _num("score", t("out.col.score", lang), 90),
        _num("uncovered", t("uncovered", lang), width=130),
        _num("coverage_pct", t("coverage", lang), 105),
        _flag("high_priority", t("out.col.high", lang)),
        _text("proposed", t("out.col.proposed", lang), 220),
        _text("basis", t("out.col.basis", lang), 150),
        _num("distance_km", t("out.col.distance", lang), 110),
        _text("alternatives", t("out.col.alternatives", lang), 300),
    ]


def impact_columns(lang: str, per: str) -> list[dict[str, Any]]:
    """Columns of the per-Polsek (``per="polsek"``) or per-officer table."""
    keys: list[dict[str, Any]] = [_text("polsek", t("out.polsek", lang), 190)]
    if per == "officer":
        keys = [
            _text("name", t("out.officer", lang), 170),
            _text("nrp", "NRP", 100),
            *keys,
        ]
    return [
        *keys,
        _num("n_events", t("out.col.events", lang), width=95),
        _num("n_villages", t("out.col.villages", lang), width=85),
        _num("before_mean", t("out.col.before", lang), 145),
        _num("after_mean", t("out.col.after", lang), 145),
        _num("did", t("out.col.did", lang), 140),
        _num("ci_low", t("out.col.ci_low", lang), 125),
        _num("ci_high", t("out.col.ci_high", lang), 125),
        _num("registrations_on_day", t("out.col.on_day", lang), width=160),
        _flag("small_sample", t("out.col.small", lang)),
    ]
