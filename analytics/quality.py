"""Data-quality flags: where the numbers need a person to look before they are believed.

* ``over_100``: a village's coverage is above 100% in a month (more active memberships than
  eligible workers). Usually a denominator that is too low or memberships placed in the
  wrong village; never a success to celebrate.
* ``missing_eligible``: a village has no usable denominator in a month for a coverage
  segment (no workforce row at all, or an eligible count of 0), so its coverage is empty.

Each flag keeps the numbers behind it (active, eligible, coverage), not a sentence: the
page words them in the reader's language.
* The share of registry rows that could not be placed in a village, by kabupaten/kota (from
  the reconciliation), shows where the location data needs fixing at the source.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import pandas as pd

from analytics.schemas import COVERAGE_SEGMENTS
from analytics.store import QUALITY_COLUMNS

OVER_100: Final = "over_100"
MISSING_ELIGIBLE: Final = "missing_eligible"


def quality_flags(coverage: pd.DataFrame) -> pd.DataFrame:
    """Flags per village, month and coverage segment (columns ``QUALITY_COLUMNS``).

    ``coverage`` is the engine's table (only ``level == "desa"`` rows are used).
    """
    villages = coverage[coverage["level"].eq("desa") & coverage["segment"].isin(COVERAGE_SEGMENTS)]
    over = villages[villages["coverage_pct"].gt(100.0)]
    no_denominator = villages[villages["eligible"].isna() | villages["eligible"].eq(0)]
    parts = [
        rows.loc[:, ["area_code", "month", "segment", "active", "eligible", "coverage_pct"]]
        .rename(columns={"area_code": "village_code"})
        .assign(flag=flag)
        for flag, rows in ((OVER_100, over), (MISSING_ELIGIBLE, no_denominator))
    ]
    flags = pd.concat(parts, ignore_index=True)
    flags = flags.astype(
        {
            "village_code": "str",
            "flag": "str",
            "segment": "str",
            "active": "Int64",
            "eligible": "float64",
            "coverage_pct": "float64",
        }
    )
    flags["month"] = pd.to_datetime(flags["month"])
    return flags.sort_values(["village_code", "month", "flag", "segment"], ignore_index=True)[
        list(QUALITY_COLUMNS)
    ]


def unmatched_share_by_kabupaten(reconciliation: Mapping[str, Any]) -> pd.DataFrame:
    """Matched and unmatched registry rows per kabupaten/kota, with the unmatched share (%).

    Reads ``reconciliation["by_kabupaten"]`` ({kab_code: {"matched": n, "unmatched": n}});
    sorted by the share, worst first.
    """
    by_kab = reconciliation.get("by_kabupaten") or {}
    frame = pd.DataFrame(
        {
            "kabupaten_code": pd.array(list(by_kab), dtype="str"),
            "matched": [int(v.get("matched", 0)) for v in by_kab.values()],
            "unmatched": [int(v.get("unmatched", 0)) for v in by_kab.values()],
        }
    )
    total = frame["matched"] + frame["unmatched"]
    share = (100.0 * frame["unmatched"] / total.where(total > 0)).astype(float)
    return frame.assign(unmatched_share_pct=share).sort_values(
        ["unmatched_share_pct", "kabupaten_code"], ascending=[False, True], ignore_index=True
    )
