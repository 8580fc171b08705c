"""Files that lose more than a share of their rows in the intake (issue 12, "Say it loudly").

A row is *lost* when it is unmatched or rejected (duplicates are the same person counted
once, not a loss). :func:`file_losses` reads a reconciliation (``reconciliation.json`` or
the build's result) and names each file over the threshold with its top reasons and up to
three example offending values per reason (``files[f]["examples"]``, when the intake keeps
them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

LOSS_WARN_SHARE: Final = 0.05
_TOP_REASONS: Final = 3
_EXAMPLES: Final = 3


@dataclass(frozen=True)
class FileLoss:
    """One file's rows lost (unmatched + rejected), as a count and a share of its rows."""

    file: str
    rows_in: int
    lost: int
    share: float
    top_reasons: tuple[tuple[str, int, tuple[str, ...]], ...]  # (reason, count, ≤3 examples)


def file_losses(
    reconciliation: Mapping[str, Any], threshold: float = LOSS_WARN_SHARE
) -> list[FileLoss]:
    """The files of ``reconciliation`` losing more than ``threshold`` of their rows (a file
    with no row at all loses everything), worst share first."""
    out: list[FileLoss] = []
    for name, counts in (reconciliation.get("files") or {}).items():
        rows_in = int(counts.get("rows_in", 0) or 0)
        lost = int(counts.get("unmatched", 0) or 0) + int(counts.get("rejected", 0) or 0)
        share = lost / rows_in if rows_in else 1.0
        if share <= threshold:
            continue
        examples = counts.get("examples") or {}
        reasons = sorted(
            ((str(r), int(n)) for r, n in (counts.get("reasons") or {}).items() if n),
            key=lambda item: (-item[1], item[0]),
        )[:_TOP_REASONS]
        top = tuple(
            (reason, n, tuple(str(v) for v in list(examples.get(reason) or [])[:_EXAMPLES]))
            for reason, n in reasons
        )
        out.append(FileLoss(str(name), rows_in, lost, share, top))
    return sorted(out, key=lambda f: (-f.share, f.file))
