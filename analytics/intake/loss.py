"""Files that lose too many rows: what the build summary, the dry run and the quality page
say loudly.

A registry file *loses* a row when the row ends unmatched or rejected (a duplicate is not
lost: its membership counts once, from the earlier row). A file losing more than
:data:`LOSS_WARN_SHARE` of its rows is named with its largest reasons and a few offending
values (from ``reconciliation.json``: ``files[name]["examples"]``, never personal data).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["LOSS_WARN_SHARE", "TOP_REASONS", "FileLoss", "file_losses"]

#: Share of a file's rows lost (unmatched + rejected) above which the file is named.
LOSS_WARN_SHARE: Final = 0.05
#: Reasons named per file, largest first.
TOP_REASONS: Final = 3
_EXAMPLES: Final = 3


@dataclass(frozen=True)
class FileLoss:
    """One registry file's loss: rows in, rows lost and the largest reasons."""

    file: str
    rows_in: int
    lost: int  # unmatched + rejected (duplicates are not lost)
    share: float  # lost / rows_in (0.0 when rows_in == 0)
    # (reason, count, up to 3 example offending values), largest first, at most 3 reasons
    top_reasons: tuple[tuple[str, int, tuple[str, ...]], ...]


def _count(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def file_losses(
    reconciliation: Mapping[str, Any], threshold: float = LOSS_WARN_SHARE
) -> list[FileLoss]:
    """Files of a reconciliation (the dict written to reconciliation.json) losing more than
    `threshold` of their rows."""
    losses: list[FileLoss] = []
    files = reconciliation.get("files") or {}
    for name, counts in files.items():
        if not isinstance(counts, Mapping):
            continue
        rows_in = _count(counts.get("rows_in"))
        lost = _count(counts.get("unmatched")) + _count(counts.get("rejected"))
        share = lost / rows_in if rows_in else 0.0
        if share <= threshold:
            continue
        reasons = sorted(
            ((str(r), _count(n)) for r, n in (counts.get("reasons") or {}).items()),
            key=lambda item: (-item[1], item[0]),
        )
        examples = counts.get("examples") or {}
        top = tuple(
            (reason, n, tuple(str(v) for v in (examples.get(reason) or [])[:_EXAMPLES]))
            for reason, n in reasons[:TOP_REASONS]
            if n
        )
        losses.append(FileLoss(str(name), rows_in, lost, share, top))
    return losses
