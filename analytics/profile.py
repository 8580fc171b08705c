"""The village profile (as DHIS2's org-unit profile): one village, one month, one segment.

Pure functions over frames read from the store; the page (``layouts/pages/village.py``) and
its download read them through the user's territory view and call :func:`village_profile`.

A profile holds the village's coverage by segment in the month (active, eligible,
coverage, gap), the trend of the chosen segment with its 12-month pace and the projected
month of reaching the target (:mod:`analytics.trends`), the source of the denominators,
the Bhabinkamtibmas of the roster and the last outreach event, and the data-quality flags
of the village. :func:`protected_tables` gives the same figures ready to leave the
organisation: small counts hidden as in every export (:mod:`analytics.suppression`).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from analytics.schemas import SEGMENTS
from analytics.suppression import MARK, footnote, suppress_list
from analytics.tables_export import Column, neutralise, table_rows
from analytics.trends import pace_per_month, projected_month

#: Rows of the segment table: all segments together first, then each segment.
PROFILE_SEGMENTS: Final = ("ALL", *SEGMENTS)
SEGMENT_COLUMNS: Final = ("segment", "active", "eligible", "coverage_pct", "gap", "change_yoy_pp")
TREND_COLUMNS: Final = ("month", "active", "eligible", "coverage_pct")
#: What the profile shows of an officer (what the outreach page shows: no phone).
OFFICER_COLUMNS: Final = ("nrp", "name", "rank", "polsek", "polres")
#: Values computed from a member count: hidden with it.
DERIVED: Final = ("coverage_pct", "gap", "change_yoy_pp")


class ProfileError(LookupError):
    """The village is not in the store (or not in the user's view of it)."""


@dataclass(frozen=True)
class LastEvent:
    date: pd.Timestamp
    nrp: str
    attendees: int
    registrations: int


@dataclass(frozen=True)
class VillageProfile:
    """Everything the profile page and its download show (no personal data but the
    officers' names and NRP, which the outreach page shows to the same roles)."""

    code: str
    name: str
    kind: str
    parents: tuple[tuple[str, str, str], ...]  # (level, code, name), nearest first
    month: pd.Timestamp
    segment: str
    segments: pd.DataFrame  # SEGMENT_COLUMNS, one row per PROFILE_SEGMENTS present
    trend: pd.DataFrame  # TREND_COLUMNS of ``segment``, by month
    pace_pp_per_month: float | None
    projected: pd.Timestamp | None
    target_pct: float
    workforce_source: str
    workforce_files: tuple[str, ...]
    officers: pd.DataFrame  # OFFICER_COLUMNS
    last_event: LastEvent | None
    events: int  # outreach events held in the village (all time)
    flags: pd.DataFrame  # flag, segment, months, first_month, last_month, in_month
    kabupaten_unmatched: tuple[int, int] | None  # (matched, unmatched) rows of the kabupaten
    data_until: str
    built_at: str
    demo: bool

    @property
    def current(self) -> pd.Series:
        """The segment table's row of ``segment`` (empty values when it has none)."""
        rows = self.segments[self.segments["segment"] == self.segment]
        if rows.empty:
            return pd.Series({c: None for c in SEGMENT_COLUMNS} | {"segment": self.segment})
        return rows.iloc[0]


def _number(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def segment_table(rows: pd.DataFrame, month: pd.Timestamp) -> pd.DataFrame:
    """The village's rows of ``month``, one per segment in :data:`PROFILE_SEGMENTS` order."""
    at = rows[rows["month"] == month].astype({"segment": "str"})
    at = at.drop_duplicates("segment").set_index("segment")
    present = [s for s in PROFILE_SEGMENTS if s in at.index]
    out = at.reindex(present).reset_index()
    for column in SEGMENT_COLUMNS:
        if column not in out.columns:
            out[column] = float("nan")
    out["active"] = out["active"].astype("int64")
    return out.loc[:, list(SEGMENT_COLUMNS)]


def trend_table(rows: pd.DataFrame, segment: str, until: pd.Timestamp) -> pd.DataFrame:
    """The segment's rows up to ``until``, by month."""
    mine = rows[(rows["segment"].astype("str") == segment) & (rows["month"] <= until)]
    return mine.sort_values("month").loc[:, list(TREND_COLUMNS)].reset_index(drop=True)


def flag_summary(quality: pd.DataFrame, code: str, month: pd.Timestamp) -> pd.DataFrame:
    """Quality flags of the village: per (flag, segment) how many months, the first and
    last, and whether the profile's month is one of them."""
    columns = ["flag", "segment", "months", "first_month", "last_month", "in_month"]
    mine = quality[quality["village_code"].astype("str") == code]
    if mine.empty:
        return pd.DataFrame(columns=columns)
    grouped = mine.astype({"flag": "str", "segment": "str"}).groupby(["flag", "segment"])
    out = grouped["month"].agg(
        months="nunique", first_month="min", last_month="max", in_month=lambda m: (m == month).any()
    )
    return out.reset_index().loc[:, columns]


def last_event(
    events: pd.DataFrame, code: str, until: pd.Timestamp
) -> tuple[LastEvent | None, int]:
    """The village's latest outreach event on or before the end of ``until``'s month, and
    how many events it had in all."""
    mine = events[events["village_code"].astype("str") == code]
    if mine.empty:
        return None, 0
    end = until + pd.offsets.MonthEnd(0)
    before = mine[mine["event_date"] <= end].sort_values(["event_date", "nrp"])
    if before.empty:
        return None, len(mine)
    row = before.iloc[-1]
    event = LastEvent(
        pd.Timestamp(row["event_date"]),
        str(row["nrp"]),
        int(row["attendees"]),
        int(row["registrations"]),
    )
    return event, len(mine)


def village_profile(
    rows: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    code: str,
    month: pd.Timestamp,
    segment: str,
    target_pct: float,
    meta: dict[str, Any],
    quality: pd.DataFrame | None = None,
    officers: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    reconciliation: dict[str, Any] | None = None,
) -> VillageProfile:
    """The profile of village ``code``.

    ``rows`` are coverage rows (any level, segment and month; only the village's are used),
    ``areas`` the store's areas. ``quality``, ``officers``, ``events`` and
    ``reconciliation`` are optional (a build without ``--roster``/``--events`` has none).
    :class:`ProfileError` when ``areas`` has no village ``code``.
    """
    found = areas[(areas["area_code"].astype("str") == code) & (areas["level"] == "desa")]
    if found.empty:
        raise ProfileError(code)
    area = found.iloc[0]
    names = dict(zip(areas["area_code"].astype("str"), areas["area_name"], strict=True))
    levels = dict(zip(areas["area_code"].astype("str"), areas["level"], strict=True))
    parents = tuple(
        (str(levels[p]), p, str(names[p])) for p in (code[:8], code[:5], code[:2]) if p in names
    )
    mine = rows[(rows["area_code"].astype("str") == code) & (rows["level"] == "desa")]
    month = pd.Timestamp(month)
    trend = trend_table(mine, segment, month)
    series = trend.set_index("month")["coverage_pct"].astype("float64")
    pace = pace_per_month(series)
    latest = _number(series.get(month)) if month in series.index else None
    projected = None if latest is None else projected_month(month, latest, pace, float(target_pct))
    no_officers = pd.DataFrame(columns=list(OFFICER_COLUMNS))
    if officers is not None and not officers.empty:
        crew = officers[officers["village_code"].astype("str") == code]
        crew = crew.reindex(columns=list(OFFICER_COLUMNS)).sort_values("nrp")
        crew = crew.drop_duplicates("nrp").reset_index(drop=True)
    else:
        crew = no_officers
    event, n_events = (None, 0) if events is None else last_event(events, code, month)
    by_kab = (reconciliation or {}).get("by_kabupaten") or {}
    kab = by_kab.get(code[:5]) if isinstance(by_kab, dict) else None
    kab_counts = (
        (int(kab.get("matched", 0)), int(kab.get("unmatched", 0)))
        if isinstance(kab, dict)
        else None
    )
    files = tuple(
        str(s.get("file"))
        for s in meta.get("sources") or []
        if isinstance(s, dict) and s.get("kind") == "workforce"
    )
    return VillageProfile(
        code=code,
        name=str(area["area_name"]),
        kind=str(area.get("kind", "desa")),
        parents=parents,
        month=month,
        segment=segment,
        segments=segment_table(mine, month),
        trend=trend,
        pace_pp_per_month=pace,
        projected=projected,
        target_pct=float(target_pct),
        workforce_source=str(meta.get("workforce_source") or ""),
        workforce_files=files,
        officers=crew,
        last_event=event,
        events=n_events,
        flags=flag_summary(quality, code, month)
        if quality is not None
        else flag_summary(
            pd.DataFrame(columns=["village_code", "month", "flag", "segment"]), code, month
        ),
        kabupaten_unmatched=kab_counts,
        data_until=str(meta.get("data_until") or ""),
        built_at=str(meta.get("built_at") or ""),
        demo=bool(meta.get("demo")),
    )


# --- protected tables for the download ----------------------------------------------------
@dataclass(frozen=True)
class ProtectedProfile:
    """The profile's tables with small counts hidden (:data:`~analytics.suppression.MARK`)."""

    segments: pd.DataFrame
    trend: pd.DataFrame
    event: pd.DataFrame  # one row (date, attendees, registrations) or none
    notes: tuple[str, ...]
    suppressed: int


def _hide(frame: pd.DataFrame, hidden: pd.Series, columns: Sequence[str]) -> pd.DataFrame:
    out = frame.copy()
    mask = hidden.to_numpy()
    for column in columns:
        if column in out.columns:
            out[column] = out[column].astype("object").where(~mask, MARK)
    return out


def protected_tables(profile: VillageProfile, threshold: int | None) -> ProtectedProfile:
    """The segment table, the trend and the last event with counts of 1 to
    ``threshold - 1`` hidden (``None``: nothing hidden, internal use).

    The segment table publishes a total (``ALL`` = PU + BPU + JAKON + PMI), so a hidden
    segment gets a complement (:func:`~analytics.suppression.suppress_list`), and ``ALL``
    is withheld when one segment alone would be the difference. The trend publishes one
    count per month and no total; the last event two counts of people (attendees,
    registrations on the day). Coverage, gap and change are computed from the active
    count, so they are hidden with it.
    """
    event = (
        pd.DataFrame(
            [
                {
                    "event_date": profile.last_event.date,
                    "attendees": profile.last_event.attendees,
                    "registrations": profile.last_event.registrations,
                }
            ]
        )
        if profile.last_event
        else pd.DataFrame(columns=["event_date", "attendees", "registrations"])
    )
    if threshold is None:
        return ProtectedProfile(profile.segments, profile.trend, event, (), 0)
    seg = profile.segments.reset_index(drop=True)
    parts = seg["segment"].isin(SEGMENTS)
    hidden = pd.Series(False, index=seg.index)
    is_total = seg["segment"] == "ALL"
    small_total = bool(((seg["active"] > 0) & (seg["active"] < threshold) & is_total).any())
    if parts.any():
        # a small total is hidden itself, and then publishes nothing to complement
        has_total = bool(is_total.any()) and not small_total
        result = suppress_list(seg.loc[parts, "active"], threshold, total=has_total)
        hidden.loc[parts] = result.hidden.to_numpy()
        if small_total or (has_total and not result.total_published):
            hidden.loc[is_total] = True
    else:  # only the total: hidden when small
        hidden = (seg["active"] > 0) & (seg["active"] < threshold)
    segments = _hide(seg, hidden, ("active", *DERIVED))
    trend_hidden = suppress_list(profile.trend["active"], threshold, total=False).hidden
    trend = _hide(profile.trend, trend_hidden, ("active", "coverage_pct"))
    for column in ("attendees", "registrations"):
        if not event.empty:
            small = (event[column] > 0) & (event[column] < threshold)
            event = _hide(event, small, (column,))
    n = int(hidden.sum()) + int(trend_hidden.sum())
    n += int((event[["attendees", "registrations"]] == MARK).to_numpy().sum())
    return ProtectedProfile(segments, trend, event, (footnote(threshold),) if n else (), n)


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: a title, key-value lines, then a table and notes."""

    name: str
    title: str
    frame: pd.DataFrame
    columns: tuple[Column, ...]
    lines: tuple[tuple[str, Any], ...] = ()
    notes: tuple[str, ...] = ()


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook of ``sheets`` (typed, neutralised cells; see tables_export)."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    book.remove(book.active)
    formats = {"int": "#,##0", "float": "0.00", "pct": "0.00"}
    for sheet in sheets:
        ws = book.create_sheet(sheet.name[:31])
        ws.append([neutralise(sheet.title)])
        ws["A1"].font = Font(bold=True, size=13)
        for key, value in sheet.lines:
            ws.append([neutralise(key), neutralise(value)])
        ws.append([])
        header_row = ws.max_row + 1
        if sheet.columns:
            ws.append([c.header for c in sheet.columns])
            for cell in ws[header_row]:
                cell.font = Font(bold=True)
            for row in table_rows(sheet.frame, sheet.columns):
                ws.append(row)
                for cell in ws[ws.max_row]:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"
            for i, column in enumerate(sheet.columns, start=1):
                letter = get_column_letter(i)
                if column.kind in formats:
                    for cell in ws[letter][header_row:]:
                        cell.number_format = formats[column.kind]
                ws.column_dimensions[letter].width = max(14, len(column.header) + 2)
        for note in sheet.notes:
            ws.append([neutralise(note)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
