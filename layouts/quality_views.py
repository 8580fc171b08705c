"""Data-quality page tables from the store's reconciliation and quality flags (pure)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from layouts.i18n import fmt_month, fmt_pct, t

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


def flagged_villages(quality: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Villages flagged (over 100 %, missing denominator): months flagged, segments,
    latest month flagged and its detail."""
    if quality.empty:
        return pd.DataFrame(
            columns=[
                "village_code",
                "name",
                "kabupaten",
                "flag",
                "months",
                "segments",
                "latest",
                "detail",
            ]
        )
    q = quality.sort_values(["village_code", "flag", "month"])
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
    ).loc[
        :, ["village_code", "name", "kabupaten", "flag", "months", "segments", "latest", "detail"]
    ]
