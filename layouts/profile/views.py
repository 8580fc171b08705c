"""The village profile page's view: read the profile through the user's view of the store,
draw it, and write its download. Callbacks and the page's registration are in
``layouts/pages/village.py``; the numbers come from :mod:`analytics.report.village_profile`.

Officers and outreach events are shown, and exported, only to roles that see the outreach
page (``Action.OUTREACH``), and only what that page shows: name, NRP, rank, Polsek and
Polres (never the phone number).

Why one module of ~470 lines: the village page is one view model (read, sentences,
tables, trend, download menu) of one ``VillageProfile``; its parts are only used together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import dcc, html

from analytics import formatting
from analytics.access import AccessDenied
from analytics.codes import level_of
from analytics.exports.tables import Column, to_csv_bytes
from analytics.report.sheets_pdf import LineChart, sheets_pdf
from analytics.report.village_profile import (
    Sheet,
    VillageProfile,
    protected_tables,
    village_profile,
    workbook_bytes,
)
from analytics.schemas import ANY_AREA_CODE_RE
from analytics.store.reader import StoreError
from layouts.core import components, ids
from layouts.core.i18n import fmt_int, fmt_month, fmt_pct, fmt_pp, fmt_target, t
from layouts.core.store_access import StoreLike
from layouts.trends.views import trend_main

#: Formats of the profile download.
PROFILE_FORMATS: Final = ("xlsx", "csv", "pdf")
#: Height of the trend chart (px), the figure's and its box's.
TREND_HEIGHT: Final = 380


@dataclass(frozen=True)
class Extras:
    """What the store holds beyond coverage (a build without ``--roster`` has no officers)."""

    quality: pd.DataFrame | None
    officers: pd.DataFrame | None
    events: pd.DataFrame | None
    reconciliation: dict[str, Any] | None


def _optional(read: Any) -> Any:
    try:
        return read()
    except (StoreError, AccessDenied):
        return None


def read_profile(
    store: StoreLike,
    code: str,
    month: str,
    segment: str,
    target_pct: float,
    *,
    outreach: bool,
) -> tuple[VillageProfile, bool]:
    """(the profile of village ``code``, whether the store has a roster). Officers and
    events are read only when ``outreach`` (the user's role sees outreach)."""
    rows = store.coverage_rows(codes=[code])
    roster = _optional(store.officers) if outreach else None
    has_roster = roster is not None
    extras = Extras(
        quality=_optional(store.quality),
        officers=roster,
        events=_optional(store.events) if outreach else None,
        reconciliation=_optional(store.reconciliation),
    )
    profile = village_profile(
        rows,
        store.areas(),
        code=code,
        month=pd.Timestamp(f"{month}-01"),
        segment=segment,
        target_pct=target_pct,
        meta=store.meta(),
        quality=extras.quality,
        officers=extras.officers,
        events=extras.events,
        reconciliation=extras.reconciliation,
    )
    return profile, has_roster


def is_village_code(code: str) -> bool:
    import re

    return (
        bool(code)
        and re.fullmatch(ANY_AREA_CODE_RE, code) is not None
        and (level_of(code) == "desa")
    )


def map_href(code: str, month: str, segment: str, lang: str) -> str:
    """The village map of the kecamatan holding ``code`` (or the user's top map)."""
    query = {"level": "desa", "month": month, "segment": segment, "lang": lang}
    if code:
        query["area"] = code[:8]
    else:
        query.pop("level")
    return dash.get_relative_path("/") + "?" + urlencode(query)


def notice(message: str, lang: str) -> html.Div:
    """A clear notice with a way back to the user's own map (never a blank page)."""
    return html.Div(
        [
            html.P(message),
            dcc.Link(t("profile.to_map", lang), href=map_href("", "", "", lang)),
        ],
        className="store-missing profile-notice",
        role="alert",
    )


# --- screen --------------------------------------------------------------------------------
def _kind(profile: VillageProfile, lang: str) -> str:
    return t(f"profile.kind.{profile.kind}", lang) if profile.kind else t("profile.kind.desa", lang)


def _uncovered(gap: object) -> float | None:
    """Uncovered workers: the gap, never below 0 (as the map's table); empty stays empty."""
    number = pd.to_numeric(pd.Series([gap]), errors="coerce").iloc[0]
    return None if pd.isna(number) else max(float(number), 0.0)


def _rank(rank: object) -> str:
    return f"{rank} " if isinstance(rank, str) and rank.strip() else ""


def segment_rows(profile: VillageProfile, lang: str) -> html.Table:
    head = html.Tr(
        [
            html.Th(t("segment", lang)),
            html.Th(t("active", lang)),
            html.Th(t("eligible", lang)),
            html.Th(t("coverage", lang)),
            html.Th(t("uncovered", lang)),
            html.Th(t("change_yoy", lang)),
        ]
    )
    body = [
        html.Tr(
            [
                html.Td(t(f"seg.{r.segment}", lang)),
                html.Td(fmt_int(r.active, lang), className="num"),
                html.Td(fmt_int(r.eligible, lang), className="num"),
                html.Td(fmt_pct(r.coverage_pct, lang), className="num"),
                html.Td(fmt_int(_uncovered(r.gap), lang), className="num"),
                html.Td(fmt_pp(r.change_yoy_pp, lang), className="num"),
            ],
            className="current" if r.segment == profile.segment else None,
        )
        for r in profile.segments.itertuples()
    ]
    return html.Table([html.Thead(head), html.Tbody(body)], className="profile-table")


def projection_sentence(profile: VillageProfile, lang: str) -> str:
    target = fmt_target(profile.target_pct, lang)
    pace = (
        t("profile.pace_unknown", lang)
        if profile.pace_pp_per_month is None
        else t("profile.pace", lang, pace=formatting.pp_per_month(profile.pace_pp_per_month, lang))
    )
    current = profile.current.get("coverage_pct")
    if current is None or pd.isna(current):
        when = t("profile.no_coverage", lang)
    elif profile.projected is None:
        when = t("profile.not_reached", lang, target=target)
    elif current >= profile.target_pct:
        when = t(
            "profile.reached", lang, target=target, month=fmt_month(profile.month, lang, long=True)
        )
    else:
        when = t(
            "profile.projected",
            lang,
            target=target,
            month=fmt_month(profile.projected, lang, long=True),
        )
    return f"{pace} {when}"


def trend_figure(profile: VillageProfile, lang: str) -> Any:
    rows = profile.trend.assign(area_code=profile.code, segment=profile.segment)
    fig = trend_main(
        rows, {profile.code: profile.name}, profile.code, profile.segment, None, None,
        profile.target_pct, lang,
    )  # fmt: skip
    return fig.update_layout(height=TREND_HEIGHT)


def officer_block(profile: VillageProfile, lang: str, *, outreach: bool, roster: bool) -> list[Any]:
    if not outreach:
        return [html.P(t("profile.outreach_role", lang))]
    if not roster:
        return [html.P(t("profile.no_roster", lang))]
    out: list[Any] = []
    if profile.officers.empty:
        out.append(html.P(t("profile.no_officer", lang)))
    else:
        out.append(
            html.Ul(
                [
                    html.Li(f"{_rank(o.rank)}{o.name} ({o.nrp}) · {o.polsek} · {o.polres}")
                    for o in profile.officers.itertuples()
                ]
            )
        )
    event = profile.last_event
    if event is None:
        out.append(html.P(t("profile.no_event", lang)))
    else:
        out.append(
            html.P(
                t(
                    "profile.last_event",
                    lang,
                    date=formatting.day(event.date, lang),
                    attendees=fmt_int(event.attendees, lang),
                    registrations=fmt_int(event.registrations, lang),
                    events=fmt_int(profile.events, lang),
                )
            )
        )
    return out


def note_lines(profile: VillageProfile, lang: str) -> list[str]:
    """The data notes as sentences (screen and download)."""
    lines = [
        t(
            "profile.flag_line",
            lang,
            flag=t(f"flag.{f.flag}", lang),
            segment=f.segment,
            months=f.months,
            first=fmt_month(f.first_month, lang),
            last=fmt_month(f.last_month, lang),
            now=t("profile.flag_now", lang) if f.in_month else "",
        )
        for f in profile.flags.itertuples()
    ]
    if not lines:
        lines.append(t("profile.no_flags", lang))
    if profile.kabupaten_unmatched:
        matched, unmatched = profile.kabupaten_unmatched
        total = matched + unmatched
        kab = next((n for lvl, _, n in profile.parents if lvl == "kabupaten"), profile.code[:5])
        if total:
            lines.append(
                t(
                    "profile.kabupaten_unmatched",
                    lang,
                    kabupaten=kab,
                    share=fmt_pct(100 * unmatched / total, lang),
                    unmatched=fmt_int(unmatched, lang),
                    total=fmt_int(total, lang),
                )
            )
    lines.append(
        t(
            "profile.data_until",
            lang,
            date=formatting.day(profile.data_until or None, lang),
            built=formatting.day(profile.built_at[:10] or None, lang),
        )
    )
    return lines


def download_menu(lang: str) -> html.Details:
    buttons = [
        html.Button(
            t(f"profile.{fmt}", lang),
            id={"type": ids.PROFILE_BUTTON, "fmt": fmt},
            className="export-button",
            n_clicks=0,
        )
        for fmt in PROFILE_FORMATS
    ]
    return html.Details(
        [
            html.Summary(t("profile.download", lang)),
            html.Div(buttons, className="export-buttons"),
            components.protection_controls(ids.PROFILE_PROTECT, ids.PROFILE_THRESHOLD, lang),
            html.Div(id=ids.PROFILE_MESSAGE, className="export-message"),
            dcc.Download(id=ids.PROFILE_DOWNLOAD),
        ],
        className="profile-menu",
    )


def profile_layout(
    profile: VillageProfile, lang: str, query: str, *, outreach: bool, roster: bool
) -> html.Div:
    parents = " · ".join(name for _, _, name in profile.parents)
    month = fmt_month(profile.month, lang, long=True)
    sub = t("profile.month_segment", lang, month=month, segment=t(f"seg.{profile.segment}", lang))
    ws_files = ", ".join(profile.workforce_files)
    return html.Div(
        [
            dcc.Store(id=ids.PROFILE_QUERY, data=query),
            dcc.Link(
                t("profile.back", lang),
                href=map_href(profile.code, f"{profile.month:%Y-%m}", profile.segment, lang),
                className="profile-back",
            ),
            html.H2(
                [
                    f"{t('profile.title', lang, kind=_kind(profile, lang))}: ",
                    html.Span(profile.name, className="profile-name"),
                    f" ({profile.code})",
                ],
                className="page-title",
            ),
            html.P(parents, className="profile-parents"),
            html.P(sub, className="profile-sub"),
            download_menu(lang),
            html.H3([t("profile.by_segment", lang), " ", components.info_link("cakupan", lang)]),
            html.Div(segment_rows(profile, lang), className="profile-table-box"),
            html.Small(t("profile.no_denominator", lang)),
            html.H3([t("profile.trend", lang), " ", components.info_link("proyeksi", lang)]),
            html.P(projection_sentence(profile, lang), className="profile-projection"),
            components.graph(
                ids.PROFILE_TREND,
                figure=trend_figure(profile, lang),
                style={"height": f"{TREND_HEIGHT}px"},
            ),
            html.H3([t("profile.denominators", lang), " ", components.info_link("eligible", lang)]),
            html.Ul(
                [
                    html.Li(f"{t('profile.workforce_source', lang)}: {profile.workforce_source}"),
                    *(
                        [html.Li(f"{t('profile.workforce_files', lang)}: {ws_files}")]
                        if ws_files
                        else []
                    ),
                    html.Li(t("profile.denominator_rule", lang, month=month)),
                ]
            ),
            html.H3(t("profile.officer", lang)),
            *officer_block(profile, lang, outreach=outreach, roster=roster),
            html.H3([t("profile.notes", lang), " ", components.info_link("kualitas", lang)]),
            html.Ul(
                [html.Li(line) for line in note_lines(profile, lang)], className="profile-notes"
            ),
        ],
        className="profile-page",
    )


# --- download ------------------------------------------------------------------------------
def _segment_columns(lang: str) -> tuple[Column, ...]:
    return (
        Column("segment", t("segment", lang)),
        Column("active", t("active", lang), "int"),
        Column("eligible", t("eligible", lang), "int"),
        Column("coverage_pct", f"{t('coverage', lang)} (%)", "pct"),
        Column("gap", t("uncovered", lang), "int"),
        Column("change_yoy_pp", f"{t('change_yoy', lang)} (pp)", "pp"),
    )


def _header_lines(
    profile: VillageProfile, lang: str, today: date, threshold: int | None
) -> tuple[tuple[str, Any], ...]:
    yes, no = t("profile.yes", lang), t("profile.no", lang)
    parents = " · ".join(name for _, _, name in profile.parents)
    return (
        (t("code", lang), profile.code),
        (t("name", lang), profile.name),
        (t("level", lang), parents),
        (t("month", lang), f"{profile.month:%Y-%m}"),
        (t("segment", lang), profile.segment),
        (t("profile.workforce_source", lang), profile.workforce_source),
        (t("method.data_date", lang), profile.data_until),
        (t("profile.exported", lang), formatting.day(today, lang)),
        (t("profile.synthetic", lang), yes if profile.demo else no),
        (t("protect.threshold", lang), "" if threshold is None else threshold),
    )


def profile_file(
    profile: VillageProfile,
    fmt: str,
    threshold: int | None,
    lang: str,
    today: date,
    *,
    outreach: bool,
) -> tuple[bytes, str, str]:
    """(bytes, file name, media type) of the profile's download, small counts protected."""
    tables = protected_tables(profile, threshold)
    segments = tables.segments.assign(
        gap=[v if v == "s" or pd.isna(v) else max(float(v), 0.0) for v in tables.segments["gap"]]
    )
    stem = (
        f"cakupan_profil_{profile.code.replace('.', '-')}_{profile.month:%Y-%m}_{profile.segment}"
    )
    header = _header_lines(profile, lang, today, threshold)
    if fmt == "csv":
        notes = tuple(f"{k}: {v}" for k, v in header) + tables.notes
        data = to_csv_bytes(segments, _segment_columns(lang), notes, lang=lang)
        return data, f"{stem}.csv", "text/csv"
    trend = tables.trend.assign(month=[f"{m:%Y-%m}" for m in tables.trend["month"]])
    notes = tuple(note_lines(profile, lang))
    lines: list[tuple[str, Any]] = []
    if outreach:
        lines += [
            (t("profile.officer", lang), f"{o.name} ({o.nrp}) · {o.polsek} · {o.polres}")
            for o in profile.officers.itertuples()
        ]
        if not tables.event.empty:
            e = tables.event.iloc[0]
            lines += [
                (t("profile.event_date", lang), f"{pd.Timestamp(e['event_date']):%Y-%m-%d}"),
                (t("profile.attendees", lang), e["attendees"]),
                (t("profile.registrations", lang), e["registrations"]),
            ]
    sheets = [
        Sheet(
            t("profile.sheet.profile", lang),
            f"{t('profile.title', lang, kind=_kind(profile, lang))}: {profile.name}",
            segments,
            _segment_columns(lang),
            header,
            tables.notes,
        ),
        Sheet(
            t("profile.sheet.trend", lang),
            f"{t('profile.trend', lang)} · {profile.segment}",
            trend,
            (
                Column("month", t("profile.month_col", lang)),
                Column("active", t("active", lang), "int"),
                Column("eligible", t("eligible", lang), "int"),
                Column("coverage_pct", f"{t('coverage', lang)} (%)", "pct"),
            ),
            ((t("profile.trend", lang), projection_sentence(profile, lang)),),
            tables.notes,
        ),
        Sheet(
            t("profile.sheet.notes", lang),
            t("profile.notes", lang),
            pd.DataFrame(),
            (),
            tuple(lines),
            notes,
        ),
    ]
    if fmt == "pdf":
        title = f"{t('profile.title', lang, kind=_kind(profile, lang))}: {profile.name}"
        chart = LineChart(
            "month",
            "coverage_pct",
            f"{t('coverage', lang)} (%) · {profile.segment}",
            reference=profile.target_pct,
            reference_label=(
                f"{t('profile.target', lang)} {formatting.percent(profile.target_pct, lang)}"
            ),
        )
        footer = f"Cakupan · {profile.name} ({profile.code}) · {formatting.day(today, lang)}"
        pdf = sheets_pdf(
            title, sheets, lang, footer=footer, charts={t("profile.sheet.trend", lang): chart}
        )
        return pdf, f"{stem}.pdf", "application/pdf"
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return workbook_bytes(sheets), f"{stem}.xlsx", media
