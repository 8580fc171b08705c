"""What a new store would change against the live one, and whether that needs a person's
confirmation before it is published (the intake page's commit, issue 15).

A new store *loses* data when it has no row at all, when a registry file loses more than
:data:`~analytics.intake.loss.LOSS_WARN_SHARE` of its rows (unmatched + rejected), when it
has fewer villages than the live store, when its matched rows fall by more than
:data:`MATCHED_DROP_SHARE`, or when the live store has outreach data (roster, events) and
the new one has none. Any of these and the commit waits for an explicit confirmation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from analytics.intake.loss import LOSS_WARN_SHARE, FileLoss, file_losses
from analytics.store.reader import AREAS_FILE, EVENTS_FILE, OFFICERS_FILE, RECONCILIATION_FILE

MATCHED_DROP_SHARE: Final = 0.05
FIGURES: Final = ("rows_in", "matched", "unmatched", "rejected", "duplicates", "villages")


@dataclass(frozen=True)
class StoreDiff:
    """Figures (:data:`FIGURES`) of the live store (``None`` when there is none) and of the
    new one, the files losing rows, and the reasons a commit needs confirming."""

    current: dict[str, int] | None
    new: dict[str, int]
    losses: list[FileLoss] = field(default_factory=list)
    #: no_rows, file_loss, fewer_villages, fewer_matched, outreach_lost
    reasons: list[str] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.reasons)

    def as_dict(self) -> dict[str, Any]:
        return {
            "current": self.current,
            "new": self.new,
            "reasons": list(self.reasons),
            "losses": [
                {
                    "file": f.file,
                    "rows_in": f.rows_in,
                    "lost": f.lost,
                    "share": f.share,
                    "top_reasons": [[r, n, list(ex)] for r, n, ex in f.top_reasons],
                }
                for f in self.losses
            ],
        }


def store_figures(reconciliation: dict[str, Any], villages: int) -> dict[str, int]:
    """The compared figures of one store."""
    out = {k: int(reconciliation.get(k, 0) or 0) for k in FIGURES if k != "villages"}
    out["villages"] = int(villages)
    return out


def read_figures(store: Path) -> tuple[dict[str, int], dict[str, Any]] | None:
    """(figures, reconciliation) of the store folder ``store``; ``None`` when it holds no
    readable store."""
    try:
        rec = json.loads((store / RECONCILIATION_FILE).read_text(encoding="utf-8"))
        areas = pd.read_parquet(store / AREAS_FILE, columns=["level"])
    except (OSError, ValueError):
        return None
    return store_figures(rec, int((areas["level"] == "desa").sum())), rec


def compare(
    current: dict[str, int] | None, new: dict[str, int], new_reconciliation: dict[str, Any]
) -> StoreDiff:
    """The difference from ``current`` to ``new`` and why it needs confirming, if it does."""
    losses = file_losses(new_reconciliation, LOSS_WARN_SHARE)
    reasons = []
    if new["rows_in"] == 0:
        reasons.append("no_rows")
    if losses:
        reasons.append("file_loss")
    if current is not None:
        if new["villages"] < current["villages"]:
            reasons.append("fewer_villages")
        if new["matched"] < current["matched"] * (1 - MATCHED_DROP_SHARE):
            reasons.append("fewer_matched")
    return StoreDiff(current, new, losses, reasons)


def compare_stores(live: Path, new: Path) -> StoreDiff:
    """:func:`compare` of two store folders (``live`` may be absent or unreadable)."""
    found = read_figures(new)
    if found is None:
        raise FileNotFoundError(f"no store in {new}")
    before = read_figures(live)
    diff = compare(None if before is None else before[0], found[0], found[1])
    lost = [
        f for f in (OFFICERS_FILE, EVENTS_FILE) if (live / f).is_file() and not (new / f).is_file()
    ]
    if before is not None and lost:
        diff.reasons.append("outreach_lost")
    return diff


def kept_versions(out: Path) -> list[dict[str, Any]]:
    """The kept earlier versions of the store at ``out``, newest first, with their figures
    (``None`` for a version that cannot be read)."""
    from analytics.store.writer import stored_versions, versions_dir

    rows = []
    for version in stored_versions(out):
        found = read_figures(versions_dir(out) / version)
        rows.append({"version": version, "figures": None if found is None else found[0]})
    return rows
