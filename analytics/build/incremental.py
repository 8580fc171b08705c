"""Monthly refresh without recounting history (``cakupan build --incremental``).

Every build keeps ``counts.parquet``: registrations and exits per village x segment x
calendar month over every month of the data (aggregates only, no membership rows). Active
memberships in any window follow from them (:func:`counts_from_monthly`), exactly as
:func:`analytics.engine.coverage.count_memberships` counts them from the rows.

A refresh applies when the new build's inputs are the previous build's inputs plus new
registry files (:func:`plan_refresh`): same boundaries, the same registry files unchanged
and in the same order, the same first month. Only the new files are read; their rows must
all be registered after the previous data's last month (:func:`check_new_months`), so they
can repeat no earlier row and change no earlier month. Their monthly counts are added to
the stored ones, the geometry is reused (as in any build with unchanged boundaries,
see analytics.build.geometry_cache), and the reconciliation and row reports are
extended. Anything else is a full rebuild, with the reason given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from analytics.engine.coverage import MembershipDeltas, VillageCounts, counts_from_deltas
from analytics.errors import InputError
from analytics.intake.outcomes import COUNT_KEYS
from analytics.schemas import SEGMENTS

COUNTS_FILE: Final = "counts.parquet"
_KEYS: Final = ["village_code", "segment", "month"]


def monthly_counts(memberships: pd.DataFrame) -> pd.DataFrame:
    """Registrations and exits per village x segment x calendar month (non-zero cells).

    Columns ``village_code``, ``segment`` (str), ``month`` (first day), ``registrations``
    and ``exits`` (int64), sorted by village code, segment (in :data:`SEGMENTS` order) and
    month. Works on integer codes (a sort of 64-bit cell keys), never on text per row.
    """
    village = memberships["village_code"].astype("category")
    village = village.cat.reorder_categories(sorted(village.cat.categories))
    codes = village.cat.categories.astype("str").to_numpy(dtype=object)
    segment = memberships["segment"].astype("category").cat.set_categories(list(SEGMENTS))
    registered = pd.to_datetime(memberships["registered_on"]).to_numpy().astype("datetime64[M]")
    ended = pd.to_datetime(memberships["ended_on"]).to_numpy().astype("datetime64[M]")
    has_end = ~np.isnat(ended)
    numbers = np.concatenate([registered.astype(np.int64), ended[has_end].astype(np.int64)])
    low = int(numbers.min()) if len(numbers) else 0
    span = int(numbers.max()) - low + 1 if len(numbers) else 1
    base = village.cat.codes.to_numpy().astype(np.int64) * len(SEGMENTS)
    base = (base + segment.cat.codes.to_numpy()) * span
    reg_keys = base + (registered.astype(np.int64) - low)
    end_keys = base[has_end] + (ended[has_end].astype(np.int64) - low)
    reg_cells, reg_counts = np.unique(reg_keys, return_counts=True)
    end_cells, end_counts = np.unique(end_keys, return_counts=True)
    merged = np.sort(np.concatenate([reg_cells, end_cells]))  # a sort: faster than union1d
    cells = merged[np.r_[True, merged[1:] != merged[:-1]]] if len(merged) else merged
    registrations = np.zeros(len(cells), dtype=np.int64)
    registrations[np.searchsorted(cells, reg_cells)] = reg_counts
    exits = np.zeros(len(cells), dtype=np.int64)
    exits[np.searchsorted(cells, end_cells)] = end_counts
    village_segment = cells // span
    return pd.DataFrame(
        {
            "village_code": pd.array(codes[village_segment // len(SEGMENTS)], dtype="str"),
            "segment": pd.array(
                np.asarray(SEGMENTS, dtype=object)[village_segment % len(SEGMENTS)], dtype="str"
            ),
            "month": (cells % span + low).astype("datetime64[M]").astype("datetime64[ns]"),
            "registrations": registrations,
            "exits": exits,
        }
    )


def add_monthly(previous: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Cell-wise sum of two :func:`monthly_counts` tables, in the same order."""
    both = pd.concat([previous, new], ignore_index=True)
    segment = pd.Categorical(both["segment"], categories=list(SEGMENTS))
    summed = (
        both.assign(segment=segment)
        .groupby(_KEYS, sort=True, observed=True)[["registrations", "exits"]]
        .sum()
        .reset_index()
    )
    return summed.astype({"village_code": "str", "segment": "str"})


def counts_from_monthly(
    monthly: pd.DataFrame, village_codes: np.ndarray, months: pd.DatetimeIndex
) -> VillageCounts:
    """The :class:`VillageCounts` of ``months`` from a :func:`monthly_counts` table.

    Months before the window fold into its first month (memberships registered earlier
    are active from it; exits earlier end them), months after it are left out: the rule
    of :func:`analytics.engine.coverage.membership_deltas`, applied to counts instead of rows.
    """
    codes = np.sort(np.asarray(village_codes, dtype=object))
    n_v, n_s, n_m = len(codes), len(SEGMENTS), len(months)
    village = np.searchsorted(codes, monthly["village_code"].to_numpy(dtype=object))
    village = np.minimum(village, n_v - 1)
    if not (codes[village] == monthly["village_code"].to_numpy(dtype=object)).all():
        raise ValueError("stored counts hold villages that are not in the boundaries")
    segment = pd.Index(SEGMENTS).get_indexer(pd.Index(monthly["segment"]))
    first = months[0].to_period("M").ordinal
    month = monthly["month"].dt.to_period("M").array.asi8 - first
    cell = (village * n_s + segment) * n_m
    size = n_v * n_s * n_m
    regs = monthly["registrations"].to_numpy()
    exits = monthly["exits"].to_numpy()
    inside = month < n_m
    at = cell[inside] + np.maximum(month[inside], 0)
    delta = np.bincount(at, weights=regs[inside] - exits[inside], minlength=size)
    window = inside & (month >= 0)
    in_window = cell[window] + month[window]
    return counts_from_deltas(
        MembershipDeltas(
            codes,
            months,
            delta.round().astype(np.int64),
            np.bincount(in_window, weights=regs[window], minlength=size).astype(np.int64),
            np.bincount(in_window, weights=exits[window], minlength=size).astype(np.int64),
        )
    )


@dataclass(frozen=True)
class RefreshPlan:
    """What a refresh reuses from the previous store and which files it reads."""

    previous: Path
    new_registries: tuple[Path, ...]
    data_until: pd.Timestamp


def plan_refresh(
    previous: Path, meta: dict[str, Any], fingerprints: list[dict[str, Any]], start: str
) -> tuple[RefreshPlan | None, str]:
    """A :class:`RefreshPlan`, or ``None`` and why a full rebuild is needed.

    ``fingerprints`` are the new build's sources (``file``, ``kind``, ``sha256`` and
    ``path`` for registries) in input order; ``start`` the new first month (``YYYY-MM``).
    """
    if not (previous / COUNTS_FILE).is_file() or not meta:
        return None, "the previous store has no stored counts"
    if meta.get("data_until") is None:
        return None, "the previous store has no data"
    if meta.get("start_month") != start:
        return None, f"the first month changed ({meta.get('start_month')} -> {start})"
    old = [(s["kind"], s["file"], s["sha256"]) for s in meta.get("sources", [])]
    new = [(s["kind"], s["file"], s["sha256"]) for s in fingerprints]
    old_boundaries = [s for s in old if s[0] == "boundaries"]
    if old_boundaries != [s for s in new if s[0] == "boundaries"]:
        return None, "the boundaries changed"
    old_registries = [s for s in old if s[0] == "registry"]
    new_registries = [s for s in new if s[0] == "registry"]
    if new_registries[: len(old_registries)] != old_registries:
        return None, "an earlier registry file changed, was removed or moved"
    added = [s for s in fingerprints if s["kind"] == "registry"][len(old_registries) :]
    if not added:
        return None, "no new registry file"
    if {s["file"] for s in added} & {s[1] for s in old_registries}:
        return None, "a new registry file has the name of an earlier one"
    paths = tuple(Path(s["path"]) for s in added)
    return RefreshPlan(previous, paths, pd.Timestamp(meta["data_until"])), ""


def check_new_months(memberships: pd.DataFrame, until: pd.Timestamp) -> None:
    """Raise :class:`InputError` unless every new row is registered after ``until``'s month."""
    last = pd.Timestamp(until).to_period("M").to_timestamp() + pd.offsets.MonthEnd(0)
    early = memberships.loc[pd.to_datetime(memberships["registered_on"]) <= last]
    if len(early):
        row = early.iloc[0]
        raise InputError(
            f"{len(early)} new rows are registered in months already built (up to "
            f"{last:%Y-%m}); an incremental refresh only adds later months. "
            "Rebuild without --incremental.",
            file=str(row["source_file"]),
            row=int(row["source_row"]),
            column="registered_on",
        )


def merge_reconciliation(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The reconciliation of the old files followed by the new ones."""
    merged: dict[str, Any] = {k: old.get(k, 0) + new.get(k, 0) for k in COUNT_KEYS}
    for section in ("reasons", "warnings"):
        both: dict[str, int] = dict(old.get(section, {}))
        for k, v in new.get(section, {}).items():
            both[k] = both.get(k, 0) + v
        merged[section] = dict(sorted(both.items())) if section == "reasons" else both
    merged["files"] = {**old.get("files", {}), **new.get("files", {})}
    by_kab: dict[str, dict[str, int]] = {}
    for part in (old.get("by_kabupaten", {}), new.get("by_kabupaten", {})):
        for code, row in part.items():
            into = by_kab.setdefault(code, {"matched": 0, "unmatched": 0})
            for k in ("matched", "unmatched"):
                into[k] += int(row.get(k, 0))
    merged["by_kabupaten"] = dict(sorted(by_kab.items()))
    return merged


def registry_fingerprints(sources: Sequence[dict[str, Any]], paths: Sequence[Path]) -> list:
    """``sources`` with each registry's ``path`` added (registries in input order)."""
    registry_paths = iter(paths)
    return [
        {**s, "path": str(next(registry_paths))} if s["kind"] == "registry" else dict(s)
        for s in sources
    ]


def add_weekly(previous: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Weekly registrations of the old and new rows (a week may span both)."""
    both = pd.concat([previous, new], ignore_index=True)
    keys = ["village_code", "segment", "week"]
    summed = both.groupby(keys, sort=True)["registrations"].sum().reset_index()
    return summed.astype({"village_code": "str", "segment": "str", "registrations": "int64"})


def append_row_report(previous: Path, new_report: Path, out: Path) -> None:
    """``previous``'s CSV followed by the rows of ``new_report``, as one file.

    Same columns: the bytes are joined. A previous report with other columns (a store built
    before a column was added, e.g. ``offending_value``) is aligned to the new columns
    (missing values empty)."""
    old = previous.read_bytes() if previous.is_file() else b""
    lines = new_report.read_bytes().split(b"\n", 1)
    rows = lines[1] if len(lines) > 1 else b""
    if not old or old.split(b"\n", 1)[0] == lines[0]:
        out.write_bytes((old or lines[0] + b"\n") + rows)
        return
    before, after = (
        pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for path in (previous, new_report)
    )
    joined = pd.concat([before.reindex(columns=after.columns, fill_value=""), after])
    joined.to_csv(out, index=False, encoding="utf-8-sig")
