"""The impact view: difference-in-differences estimates as table rows and plain sentences.

Input is :class:`analytics.outreach.impact.ImpactResult`; output is rows for the tables and
a few sentences (Indonesian or English) that say what the estimate means and what it does
not. No Dash.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analytics import formatting as fmt
from analytics.outreach.impact import ImpactResult
from layouts.core.i18n import fmt_int, t
from layouts.outreach.views import with_texts


def _exact(value: Any) -> float | None:
    return None if fmt.is_missing(value) else float(value)


def group_rows(frame: pd.DataFrame, lang: str = "id") -> list[dict[str, Any]]:
    """Rows of a per-officer or per-Polsek table (columns of ``impact.GROUP_COLUMNS``)."""
    rows = []
    for record in frame.to_dict("records"):
        row: dict[str, Any] = {
            key: (str(record[key]) if pd.notna(record[key]) else "")
            for key in ("nrp", "name", "polsek")
            if key in record
        }
        row.update(
            n_events=int(record["n_events"]),
            n_villages=int(record["n_villages"]),
            before_mean=_exact(record["before_mean"]),
            after_mean=_exact(record["after_mean"]),
            did=_exact(record["did"]),
            ci_low=_exact(record["ci_low"]),
            ci_high=_exact(record["ci_high"]),
            registrations_on_day=int(record["registrations_on_day"]),
            small_sample=bool(record["small_sample"]),
        )
        rows.append(with_texts(row, lang))
    return rows


def excluded_counts(impact: ImpactResult) -> dict[str, int]:
    """Events not used in the estimate, by reason."""
    unused = impact.per_event[~impact.per_event["used"].astype(bool)]
    return {str(k): int(v) for k, v in unused["reason"].value_counts().sort_index().items()}


def impact_sentences(row: dict[str, Any] | None, weeks: int, scope: str, lang: str) -> list[str]:
    """What the estimate of ``scope`` says, in words, with its interval and caveats.

    ``row`` is one row of :func:`group_rows` (``None`` when no event could be assessed).
    """
    if row is None or not row.get("n_events"):
        return [t("impact.none", lang, scope=scope, k=weeks)]
    did = row["did"]
    lead = t(
        "impact.lead",
        lang,
        scope=scope,
        k=weeks,
        did=fmt.decimal(abs(did), lang),
        direction=t("impact.more" if did >= 0 else "impact.less", lang),
        n=fmt_int(row["n_events"], lang),
        v=fmt_int(row["n_villages"], lang),
    )
    out = [lead]
    low, high = row["ci_low"], row["ci_high"]
    if low is None or high is None:
        out.append(t("impact.no_ci", lang))
    else:
        verdict = (
            "impact.positive" if low > 0 else "impact.negative" if high < 0 else "impact.unclear"
        )
        out.append(
            t("impact.interval", lang, low=fmt.decimal(low, lang), high=fmt.decimal(high, lang))
            + " "
            + t(verdict, lang)
        )
    if row["small_sample"]:
        out.append(t("impact.small", lang))
    out.append(t("impact.on_day", lang, n=fmt_int(row["registrations_on_day"], lang)))
    return out


def excluded_sentence(counts: dict[str, int], lang: str) -> str:
    """``12 kegiatan tidak dinilai: ...`` or an empty string."""
    if not counts:
        return ""
    parts = [f"{t('impact.reason.' + k, lang)} {fmt_int(v, lang)}" for k, v in counts.items()]
    return t(
        "impact.excluded", lang, n=fmt_int(sum(counts.values()), lang), reasons=", ".join(parts)
    )
