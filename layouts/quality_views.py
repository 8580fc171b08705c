"""Data-quality page tables from the store's reconciliation, quality flags and row lists
(pure: frames and dicts in, rows out)."""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from analytics.codes import normalize_village_code
from analytics.formatting import is_missing
from analytics.intake_loss import LOSS_WARN_SHARE, file_losses
from analytics.store import ROW_REPORT_FILES
from analytics.tables_export import Column
from layouts.i18n import fmt_int, fmt_month, fmt_pct, t

COUNT_KEYS = (
    "rows_in",
    "matched_by_code",
    "matched_by_name",
    "unmatched",
    "rejected",
    "duplicates",
)


def reasons_text(reasons: dict[str, int] | None, lang: str) -> str:
    items = sorted((reasons or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    return "; ".join(f"{t('reason.' + reason, lang)}: {n}" for reason, n in items)


def identity_holds(counts: dict[str, Any]) -> bool:
    """rows_in = matched + unmatched + rejected + duplicates (and matched = by code + by name)."""
    get = lambda key: int(counts.get(key, 0) or 0)  # noqa: E731 - a tiny local accessor
    return get("rows_in") == get("matched") + get("unmatched") + get("rejected") + get(
        "duplicates"
    ) and get("matched") == get("matched_by_code") + get("matched_by_name")


def file_rows(reconciliation: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """One row per input file plus a total row."""
    files = reconciliation.get("files") or {}
    rows = [
        {
            "file": name,
            **{k: int(v.get(k, 0) or 0) for k in COUNT_KEYS},
            "reasons": reasons_text(v.get("reasons"), lang),
            "ok": identity_holds(v),
        }
        for name, v in files.items()
    ]
    rows.append(
        {
            "file": "Total",
            **{k: int(reconciliation.get(k, 0) or 0) for k in COUNT_KEYS},
            "reasons": reasons_text(reconciliation.get("reasons"), lang),
            "ok": identity_holds(reconciliation),
        }
    )
    return rows


def kabupaten_rows(
    reconciliation: dict[str, Any], names: dict[str, str], lang: str
) -> list[dict[str, Any]]:
    """Matched and unmatched rows per kabupaten, largest unmatched share first."""
    rows = []
    for code, v in (reconciliation.get("by_kabupaten") or {}).items():
        matched, unmatched = int(v.get("matched", 0)), int(v.get("unmatched", 0))
        total = matched + unmatched
        share = 100 * unmatched / total if total else None
        rows.append(
            {
                "code": code,
                "name": names.get(code, code),
                "matched": matched,
                "unmatched": unmatched,
                "share": share,
                "share_text": fmt_pct(share, lang, 2),
            }
        )
    return sorted(rows, key=lambda r: (-(r["share"] or 0), r["code"]))


def flag_detail(flag: str, active: Any, eligible: Any, pct: Any, lang: str) -> str:
    """The detail of one village flag in ``lang``, from its numbers:
    ``341 peserta aktif > 96 pekerja (355,2%)`` / ``341 active > 96 eligible (355.2%)``."""
    if flag == "over_100":
        return t(
            "quality.detail.over_100",
            lang,
            active=fmt_int(active, lang),
            eligible=fmt_int(eligible, lang),
            pct=fmt_pct(pct, lang),
        )
    if is_missing(eligible):
        return t("quality.detail.no_workforce", lang)
    return t("quality.detail.zero_eligible", lang)


_FLAG_COLUMNS: Final = [
    "village_code",
    "name",
    "kabupaten",
    "flag",
    "months",
    "segments",
    "latest",
    "detail",
]


def flagged_villages(quality: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Villages flagged (over 100 %, missing denominator): months flagged, segments,
    latest month flagged and its detail in ``lang`` (:func:`flag_detail`; a store built
    before the flags kept their numbers shows its stored ``detail`` text)."""
    if quality.empty:
        return pd.DataFrame(columns=_FLAG_COLUMNS)
    q = quality.sort_values(["village_code", "flag", "month", "segment"])
    if "coverage_pct" in q.columns:
        detail = [
            flag_detail(f, a, e, p, lang)
            for f, a, e, p in zip(
                q["flag"], q["active"], q["eligible"], q["coverage_pct"], strict=True
            )
        ]
        q = q.assign(detail=detail)
    grouped = q.groupby(["village_code", "flag"], as_index=False).agg(
        months=("month", "nunique"),
        segments=("segment", lambda s: ", ".join(sorted(set(s)))),
        latest=("month", "max"),
        detail=("detail", "last"),
    )
    return grouped.assign(
        name=grouped["village_code"].map(names).fillna(""),
        kabupaten=grouped["village_code"].str.slice(0, 5).map(names).fillna(""),
        flag=[t(f"flag.{f}", lang) for f in grouped["flag"]],
        latest=[fmt_month(m, lang) for m in grouped["latest"]],
    ).loc[:, _FLAG_COLUMNS]


def loss_warnings(reconciliation: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """One warning per registry file losing more than 5 % of its rows: a title, a sentence
    and its largest reasons (label, count, examples), in ``lang``."""
    warnings = []
    for loss in file_losses(reconciliation):
        share = fmt_pct(100 * loss.share, lang, 1)
        warnings.append(
            {
                "file": loss.file,
                "title": t("quality.loss.title", lang, file=loss.file, share=share),
                "body": t(
                    "quality.loss.body",
                    lang,
                    lost=fmt_int(loss.lost, lang),
                    rows=fmt_int(loss.rows_in, lang),
                    limit=fmt_pct(100 * LOSS_WARN_SHARE, lang, 0),
                ),
                "reasons": [
                    {
                        "reason": reason,
                        "label": reason_label("rejected", reason, lang),
                        "count": fmt_int(count, lang),
                        "examples": "; ".join(examples),
                    }
                    for reason, count, examples in loss.top_reasons
                ],
            }
        )
    return warnings


# --- rows to fix: the unmatched and rejected rows of every input ------------------------

#: Row lists shown, in order: registry unmatched/rejected, then the optional inputs.
ROW_LISTS: Final = ("unmatched", "rejected", *ROW_REPORT_FILES)
#: Columns of the rows-to-fix table (field, message id of its header, export kind).
ROW_COLUMNS: Final = (
    ("list", "quality.rows.list", "text"),
    ("source_file", "file", "text"),
    ("source_row", "quality.rows.source_row", "int"),
    ("reason_text", "reasons", "text"),
    ("fix", "quality.rows.fix", "text"),
    ("offending_value", "quality.rows.offending", "text"),
    ("location", "quality.rows.location", "text"),
    ("kabupaten", "level.kabupaten", "text"),
    ("detail", "quality.rows.detail", "text"),
)
#: Columns of a list that say where the row is, and the other values worth showing.
_LOCATION: Final = ("village_code_raw", "desa", "kecamatan")
_SKIP: Final = frozenset(
    {"source_file", "source_row", "reason", "kabupaten", "offending_value", *_LOCATION}
)


def list_kind(name: str) -> str:
    """``workforce_rejected`` for ``workforce_rejected.csv``; store methods unchanged."""
    return name.removesuffix(".csv")


def _message(prefix: str, kind: str, reason: str, lang: str) -> str:
    """The list's own message for ``reason``, else the shared one, else the code."""
    for key in (f"{prefix}.{kind}.{reason}", f"{prefix}.{reason}"):
        if t(key, lang) != key:
            return t(key, lang)
    return reason


def fix_text(kind: str, reason: str, lang: str) -> str:
    """What a person must fix in the source file for a row rejected with ``reason``."""
    return _message("fix", kind, reason, lang)


def reason_label(kind: str, reason: str, lang: str) -> str:
    return _message("reason", kind, reason, lang)


def _kabupaten(row: dict[str, str], names: dict[str, str]) -> str:
    if row.get("kabupaten"):
        return row["kabupaten"]
    code = normalize_village_code(row.get("village_code_raw") or "")
    return names.get(code[:5], "") if isinstance(code, str) else ""


def _present(value: object) -> str:
    """A cell's text, empty for a missing value."""
    return "" if value is None or str(value) in ("", "nan", "<NA>") else str(value)


def rows_to_fix(lists: dict[str, pd.DataFrame], names: dict[str, str], lang: str) -> pd.DataFrame:
    """One table of every row of ``lists`` (``ROW_LISTS`` name -> the store's CSV, all
    text): list, file, row, reason, the sentence saying what to fix, the location written
    in the file, its kabupaten (as written, else from the village code) and the row's other
    values. ``key`` identifies a row (list, file, row) for the grid and the downloads."""
    records: list[dict[str, Any]] = []
    for name in ROW_LISTS:
        frame = lists.get(name)
        if frame is None or frame.empty:
            continue
        kind = list_kind(name)
        for row in frame.astype("str").to_dict("records"):
            reason = row.get("reason", "")
            records.append(
                {
                    "key": f"{kind}|{row.get('source_file', '')}|{row.get('source_row', '')}",
                    "list": t(f"quality.rows.kind.{kind}", lang),
                    "source_file": row.get("source_file", ""),
                    "source_row": int(row["source_row"])
                    if str(row.get("source_row", "")).isdigit()
                    else None,
                    "reason": reason,
                    "reason_text": reason_label(kind, reason, lang),
                    "fix": fix_text(kind, reason, lang),
                    "offending_value": _present(row.get("offending_value")),
                    "location": " · ".join(row[c] for c in _LOCATION if row.get(c)),
                    "kabupaten": _kabupaten(row, names),
                    "detail": "; ".join(
                        f"{col}={value}"
                        for col, value in row.items()
                        if col not in _SKIP and value not in ("", "nan", "<NA>")
                    ),
                }
            )
    columns = ["key", "reason", *[field for field, _, _ in ROW_COLUMNS]]
    return pd.DataFrame.from_records(records, columns=columns)


def row_export_columns(lang: str) -> tuple[Column, ...]:
    """The rows-to-fix table's columns for :mod:`analytics.tables_export`."""
    return tuple(Column(field, t(header, lang), kind) for field, header, kind in ROW_COLUMNS)  # type: ignore[arg-type]


def row_grid_columns(lang: str) -> list[dict[str, Any]]:
    """dash-ag-grid column definitions of the rows-to-fix table."""
    widths = {"fix": 420, "detail": 260, "source_row": 90}
    return [
        {
            "field": field,
            "headerName": t(header, lang),
            "width": widths.get(field, 170),
            "wrapText": field == "fix",
            "autoHeight": field == "fix",
            **(
                {"type": "numericColumn", "filter": "agNumberColumnFilter"} if kind == "int" else {}
            ),
        }
        for field, header, kind in ROW_COLUMNS
    ]


def shown_rows(table: pd.DataFrame, shown_keys: list[str] | None) -> pd.DataFrame:
    """``table`` in the order and filter of the screen (``shown_keys``; ``None`` = all)."""
    if shown_keys is None:
        return table
    by_key = table.set_index("key", drop=False)
    return by_key.loc[[k for k in shown_keys if k in by_key.index]].reset_index(drop=True)


# --- reconciliations of the workforce, roster and events inputs ---------------------------

#: (message id of the input, where its counts are in reconciliation.json, list kind)
OTHER_INPUTS: Final = (
    ("quality.rec.workforce", ("workforce",), "workforce_rejected"),
    ("quality.rec.roster", ("outreach", "roster"), "roster_rejected"),
    ("quality.rec.events", ("outreach", "events"), "events_rejected"),
)


def _dig(data: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None  # type: ignore[assignment]
    return data if isinstance(data, dict) else None


def _input_note(counts: dict[str, Any], lang: str) -> str:
    if "officers" in counts:
        return t(
            "quality.rec.officers",
            lang,
            n=fmt_int(counts.get("officers"), lang),
            villages=fmt_int(counts.get("villages_covered"), lang),
        )
    if "first_date" in counts:
        return t(
            "quality.rec.period",
            lang,
            registrations=fmt_int(counts.get("registrations"), lang),
            first=counts.get("first_date") or "—",
            last=counts.get("last_date") or "—",
        )
    return ""


def other_input_rows(reconciliation: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """One row per optional input of the build (workforce, roster, events): rows in,
    accepted, rejected, duplicates, reasons in words, a note, and whether
    rows in = accepted + rejected + duplicates holds."""
    rows = []
    for message, path, kind in OTHER_INPUTS:
        counts = _dig(reconciliation, path)
        if counts is None:
            continue
        get = lambda key, c=counts: int(c.get(key, 0) or 0)  # noqa: E731 - local accessor
        reasons = sorted((counts.get("reasons") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
        rows.append(
            {
                "input": t(message, lang),
                "file": str(counts.get("file", "")),
                "rows_in": get("rows_in"),
                "accepted": get("accepted"),
                "rejected": get("rejected"),
                "duplicates": get("duplicates"),
                "reasons": "; ".join(
                    f"{reason_label(kind, r, lang)}: {fmt_int(n, lang)}" for r, n in reasons
                )
                or t("quality.rec.none", lang),
                "note": _input_note(counts, lang),
                "ok": get("rows_in") == get("accepted") + get("rejected") + get("duplicates"),
            }
        )
    return rows
