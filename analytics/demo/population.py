"""Synthetic workforce denominators and memberships for the demo province.

Each village gets a workforce (denser in kelurahan, slowly growing, informal share 40-80 %,
higher in rural desa) and two coverage targets for the end of 2025 that vary by kabupaten
and kecamatan: PU active = 40-80 % of formal workers, BPU active = 3-30 % of informal
workers. Memberships are drawn so that, after exits, those targets hold on average; JAKON
and PMI memberships (no village denominator) are spread in proportion to workers. The
workforce is scaled so the whole registry holds about :data:`TARGET_MEMBERSHIPS` rows.

Outreach events plant a real effect: the registrations on the day are BPU memberships of
that village on that date, and BPU registrations in the village are lifted for four weeks.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from analytics.demo.names import person_names

DATA_START: Final = pd.Timestamp("2019-01-01")
DATA_END: Final = pd.Timestamp("2025-12-31")
YEARS: Final = tuple(range(2019, 2026))
TARGET_MEMBERSHIPS: Final = 150_000
#: Share of all memberships in the segments without a village denominator.
OTHER_SEGMENT_SHARE: Final = {"JAKON": 0.10, "PMI": 0.02}
#: Mean membership length in years (exits are exponential).
MEAN_YEARS: Final = {"PU": 6.0, "BPU": 2.5, "JAKON": 0.6, "PMI": 2.0}
FEMALE_SHARE: Final = {"PU": 0.4, "BPU": 0.5, "JAKON": 0.08, "PMI": 0.6}
#: Share of registrations that were existing members migrated in the first half of 2019.
MIGRATED_SHARE: Final = 0.3
GROWTH_SLOPE: Final = 1.5  # registration density rises from 1 to 1 + slope over 2019-2025
#: Extra BPU registrations in the 4 weeks after an event, per registration on the day.
FOLLOW_UP_LIFT: Final = 0.6
FOLLOW_UP_DAYS: Final = 28
#: The workforce file's source column: data text, shown as it is on pages of either language.
SOURCE: Final = "Sintetis / synthetic (demo)"

_SPAN_DAYS: Final = (DATA_END - DATA_START).days + 1
_MIGRATION_DAYS: Final = (pd.Timestamp("2019-06-30") - DATA_START).days + 1


def village_profiles(rng: np.random.Generator, villages: pd.DataFrame) -> pd.DataFrame:
    """Per village: unscaled 2019 workers, growth, informal share and coverage targets."""
    n = len(villages)
    urban = (villages["kind"].to_numpy() == "kelurahan") | villages["kabupaten_code"].str.endswith(
        ".71"
    ).to_numpy()
    kec_codes, kec = np.unique(villages["kecamatan_code"].to_numpy(), return_inverse=True)
    kab_codes, kab = np.unique(villages["kabupaten_code"].to_numpy(), return_inverse=True)
    kab_pu = rng.uniform(-0.08, 0.08, len(kab_codes))
    kec_pu = rng.uniform(0.44, 0.74, len(kec_codes))
    kab_bpu = rng.normal(0.0, 0.25, len(kab_codes))
    kec_bpu = rng.normal(np.log(0.10), 0.45, len(kec_codes))
    return pd.DataFrame(
        {
            "village_code": villages["village_code"].to_numpy(),
            "urban": urban,
            "workers_2019": np.where(urban, rng.uniform(1300, 2600, n), rng.uniform(450, 1100, n)),
            "growth": rng.uniform(0.008, 0.025, n),
            "informal_2019": np.where(urban, rng.uniform(0.42, 0.56, n), rng.uniform(0.6, 0.8, n)),
            "pu_rate": np.clip(kec_pu[kec] + kab_pu[kab] + rng.normal(0, 0.03, n), 0.4, 0.8),
            "bpu_rate": np.clip(
                np.exp(kec_bpu[kec] + kab_bpu[kab] + rng.normal(0, 0.15, n)), 0.03, 0.3
            ),
        }
    )


def _workers(profiles: pd.DataFrame, scale: float, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Workers and informal workers of ``year`` (floats, before rounding)."""
    workers = profiles["workers_2019"].to_numpy() * scale
    workers = workers * (1 + profiles["growth"].to_numpy()) ** (year - YEARS[0])
    share = np.clip(profiles["informal_2019"].to_numpy() - 0.004 * (year - YEARS[0]), 0.4, 0.8)
    return workers, workers * share


def demo_workforce(
    profiles: pd.DataFrame, scale: float, missing: list[str], too_small: str
) -> pd.DataFrame:
    """``WorkforceSchema`` rows for 2019-2025, without ``missing`` and with one implausibly
    small denominator (``too_small``: 15 % of the true figure)."""
    frames = []
    for year in YEARS:
        workers, informal = _workers(profiles, scale, year)
        frames.append(
            pd.DataFrame(
                {
                    "village_code": profiles["village_code"].to_numpy(),
                    "year": year,
                    "workers": np.rint(workers).astype("int64"),
                    "informal_workers": np.rint(informal).astype("int64"),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    small = table["village_code"] == too_small
    table["workers"] = table["workers"].where(~small, (table["workers"] * 0.15).round())
    table["informal_workers"] = table["informal_workers"].where(
        ~small, (table["informal_workers"] * 0.15).round()
    )
    table = table.astype({"workers": "int64", "informal_workers": "int64"})
    table = table.loc[~table["village_code"].isin(missing)]
    return table.assign(source=SOURCE).sort_values(["village_code", "year"], ignore_index=True)


def _registration_weights() -> np.ndarray:
    """Probability of registering on each day of 2019-2025 (sums to 1)."""
    u = (np.arange(_SPAN_DAYS) + 0.5) / _SPAN_DAYS
    rising = 1 + GROWTH_SLOPE * u
    rising = rising / rising.sum()
    migrated = np.zeros(_SPAN_DAYS)
    migrated[:_MIGRATION_DAYS] = 1.0 / _MIGRATION_DAYS
    return MIGRATED_SHARE * migrated + (1 - MIGRATED_SHARE) * rising


def _still_active_share(segment: str) -> float:
    """Expected share of baseline memberships of ``segment`` still active on DATA_END."""
    weights = _registration_weights()
    days_to_end = _SPAN_DAYS - 1 - np.arange(_SPAN_DAYS)
    return float(np.sum(weights * np.exp(-days_to_end / (MEAN_YEARS[segment] * 365.25))))


def _end_dates(
    rng: np.random.Generator, registered: np.ndarray, segments: np.ndarray
) -> np.ndarray:
    means = np.vectorize(MEAN_YEARS.get, otypes=[float])(segments) * 365.25
    days = np.ceil(rng.exponential(means)).astype("int64")
    ended = registered + days.astype("timedelta64[D]")
    return np.where(ended > np.datetime64(DATA_END.date()), np.datetime64("NaT"), ended)


def event_registrations(rng: np.random.Generator, events: pd.DataFrame) -> pd.DataFrame:
    """BPU registrations caused by the events: on the day, and lifted for four weeks."""
    day = events.loc[events.index.repeat(events["registrations"])]
    follow_counts = rng.poisson(FOLLOW_UP_LIFT * events["registrations"].to_numpy())
    follow = events.loc[events.index.repeat(follow_counts)]
    offsets = rng.integers(1, FOLLOW_UP_DAYS + 1, len(follow))
    follow_dates = follow["event_date"].to_numpy() + offsets.astype("timedelta64[D]")
    return pd.DataFrame(
        {
            "village_code": np.concatenate([day["village_code"], follow["village_code"]]),
            "registered_on": np.concatenate([day["event_date"].to_numpy(), follow_dates]).astype(
                "datetime64[D]"
            ),
            "origin": ["event_day"] * len(day) + ["event_follow_up"] * len(follow),
        }
    ).assign(segment="BPU")


def membership_scale(profiles: pd.DataFrame, extra_rows: int) -> float:
    """The workforce scale that makes the registry hold about TARGET_MEMBERSHIPS rows."""
    workers, informal = _workers(profiles, 1.0, YEARS[-1])
    pu = np.sum(profiles["pu_rate"] * (workers - informal)) / _still_active_share("PU")
    bpu = np.sum(profiles["bpu_rate"] * informal) / _still_active_share("BPU")
    total = (pu + bpu) / (1 - sum(OTHER_SEGMENT_SHARE.values()))
    return (TARGET_MEMBERSHIPS - extra_rows) / total


def baseline_registrations(
    rng: np.random.Generator, profiles: pd.DataFrame, scale: float
) -> pd.DataFrame:
    """Baseline memberships per village and segment (village, segment, registered_on)."""
    workers, informal = _workers(profiles, scale, YEARS[-1])
    counts = {
        "PU": rng.poisson(profiles["pu_rate"] * (workers - informal) / _still_active_share("PU")),
        "BPU": rng.poisson(profiles["bpu_rate"] * informal / _still_active_share("BPU")),
    }
    core = sum(int(c.sum()) for c in counts.values())
    everything = core / (1 - sum(OTHER_SEGMENT_SHARE.values()))
    for segment, share in OTHER_SEGMENT_SHARE.items():
        counts[segment] = rng.multinomial(round(everything * share), workers / workers.sum())
    codes = profiles["village_code"].to_numpy()
    weights = _registration_weights()
    frames = []
    for segment, per_village in counts.items():
        n = int(per_village.sum())
        day = rng.choice(_SPAN_DAYS, n, p=weights)
        frames.append(
            pd.DataFrame(
                {
                    "village_code": np.repeat(codes, per_village),
                    "segment": segment,
                    "registered_on": np.datetime64(DATA_START.date()) + day,
                }
            )
        )
    return pd.concat(frames, ignore_index=True).assign(origin="baseline")


def _niks(
    rng: np.random.Generator, village_codes: pd.Series, registered: np.ndarray, female: np.ndarray
) -> np.ndarray:
    """Synthetic 16-digit NIKs: 99 + kabupaten + kecamatan + DDMMYY (+40 on the day for
    women) + a serial unique within that prefix."""
    age_days = rng.integers(18 * 365, 58 * 365, len(registered)).astype("timedelta64[D]")
    born = pd.DatetimeIndex(registered - age_days)
    area = village_codes.str.slice(0, 8).str.replace(".", "", regex=False).astype("int64")
    day = born.day.to_numpy() + np.where(female, 40, 0)
    birth = day * 10_000 + born.month.to_numpy() * 100 + born.year.to_numpy() % 100
    prefix = area.to_numpy() * 1_000_000 + birth
    serial = pd.Series(prefix).groupby(prefix).cumcount().to_numpy() + 1
    return (prefix * 10_000 + serial).astype(str).astype(object)


def _kpjs(rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` distinct 11-digit KPJ numbers in random order."""
    drawn = pd.unique(rng.integers(10**10, 10**11, int(count * 1.05) + 100))
    while len(drawn) < count:  # pragma: no cover - needs ~5 % collisions among 10^11
        more = rng.integers(10**10, 10**11, count)
        drawn = pd.unique(np.concatenate([drawn, more]))
    return drawn[:count].astype(str).astype(object)


def with_identities(rng: np.random.Generator, registrations: pd.DataFrame) -> pd.DataFrame:
    """Add exits, KPJ, NIK and a synthetic name to each registration; sort by date."""
    rows = registrations.sort_values(
        ["registered_on", "village_code", "segment"], kind="stable", ignore_index=True
    )
    segments = rows["segment"].to_numpy()
    registered = rows["registered_on"].to_numpy().astype("datetime64[D]")
    female = rng.random(len(rows)) < np.vectorize(FEMALE_SHARE.get, otypes=[float])(segments)
    return pd.DataFrame(
        {
            "kpj": _kpjs(rng, len(rows)),
            "nik": _niks(rng, rows["village_code"], registered, female),
            "name": person_names(rng, female),
            "village_code": rows["village_code"].to_numpy(),
            "segment": segments,
            "registered_on": pd.to_datetime(registered),
            "ended_on": pd.to_datetime(_end_dates(rng, registered, segments)),
            "origin": rows["origin"].to_numpy(),
        }
    )
