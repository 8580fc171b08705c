"""The coverage engine: active memberships, eligible workers and coverage per area and month.

Rules (``docs/methodology.md`` explains them in words):

* A membership is **active** in month *m* when ``registered_on`` <= the last day of *m* and
  (``ended_on`` is empty or ``ended_on`` > the last day of *m*). With months numbered, that is
  ``registered_month <= m < ended_month``: a membership ending on any day of March is no
  longer active in March.
* **Eligible** workers for a month come from the workforce row of the month's year, else the
  latest earlier year, else the earliest year; ``ALL`` uses workers, ``BPU`` informal
  workers, ``PU`` workers minus informal workers; ``JAKON`` and ``PMI`` have none.
* **Coverage** = 100 x active / eligible. Higher levels sum numerators and denominators over
  their villages; the denominator is the sum over villages that have one, and the numerator
  (``active_covered``) the actives of those same villages.

Counting never tests each membership against each month: registrations and exits are
counted per village x segment x month with ``numpy.bincount`` on small integer indexes
and active memberships are their running sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

import numpy as np
import pandas as pd
import pandera.pandas as pa_schema
import pyarrow as pa
import pyarrow.compute as pc

from analytics.codes import LEVEL_CODE_LENGTH, LEVELS, Level
from analytics.schemas import SEGMENTS, CoverageSchema

#: Segments of the output, in order: every segment together, then each one.
OUTPUT_SEGMENTS: Final[tuple[str, ...]] = ("ALL", *SEGMENTS)
#: The segments whose denominator comes from the workforce file.
_ELIGIBLE_SEGMENTS: Final[tuple[str, ...]] = ("ALL", "PU", "BPU")
#: Months in the default reporting window.
DEFAULT_WINDOW_MONTHS: Final = 36

COVERAGE_COLUMNS: Final[tuple[str, ...]] = (
    "level",
    "area_code",
    "area_name",
    "parent_code",
    "month",
    "segment",
    "active",
    "active_covered",
    "eligible",
    "coverage_pct",
    "gap",
    "registrations",
    "exits",
    "villages",
    "villages_with_eligible",
    "over_100",
)
#: Text columns of the coverage table, held as categoricals (16 M rows at national scale).
CATEGORICAL_COLUMNS: Final[tuple[str, ...]] = (
    "level",
    "area_code",
    "area_name",
    "parent_code",
    "segment",
)


@dataclass(frozen=True)
class VillageCounts:
    """Counts per village x segment x month, as arrays of shape (villages, 4, months).

    The segment axis follows :data:`analytics.schemas.SEGMENTS`; ``village_codes`` is sorted.
    """

    village_codes: np.ndarray
    months: pd.DatetimeIndex
    active: np.ndarray
    registrations: np.ndarray
    exits: np.ndarray


def month_range(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """First days of every month from ``start``'s month to ``end``'s month, inclusive."""
    first = pd.Timestamp(start).to_period("M").to_timestamp()
    last = pd.Timestamp(end).to_period("M").to_timestamp()
    if last < first:
        raise ValueError(f"the end month {last:%Y-%m} is before the start month {first:%Y-%m}")
    return pd.date_range(first, last, freq="MS")


def default_months(
    data_until: pd.Timestamp | None, months: int = DEFAULT_WINDOW_MONTHS
) -> pd.DatetimeIndex:
    """The ``months`` months ending at the month of ``data_until`` (today when unknown)."""
    end = pd.Timestamp(data_until) if data_until is not None else pd.Timestamp.today()
    end_month = end.to_period("M").to_timestamp()
    return month_range(end_month - pd.DateOffset(months=months - 1), end_month)


def _month_numbers(values: pd.Series) -> np.ndarray:
    """Months since 1970-01 as int64 (``NaT`` becomes the int64 minimum)."""
    as_months = pd.to_datetime(values).to_numpy().astype("datetime64[M]")
    return as_months.astype(np.int64)


def _positions(values: pd.Series, universe: np.ndarray) -> np.ndarray:
    """Position of each value in ``universe`` (-1 when absent), via Arrow's hash lookup."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        category_positions = _positions(pd.Series(values.cat.categories), universe)
        # Code -1 (missing) picks the appended -1.
        return np.append(category_positions, -1)[values.cat.codes.to_numpy()]
    found = pc.index_in(pa.array(values.astype("str")), value_set=pa.array(universe, pa.string()))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


@dataclass(frozen=True)
class MembershipDeltas:
    """Additive counts of a set of memberships, flat over village x segment x month.

    ``delta`` is +1 at each membership's registration month (or the first month, when
    earlier) and -1 at its end month (likewise); ``registrations``/``exits`` count those
    inside the months. The deltas of disjoint sets of memberships add up to the deltas of
    their union, so partitions (files, row groups, Dask partitions) can be counted apart.
    """

    village_codes: np.ndarray
    months: pd.DatetimeIndex
    delta: np.ndarray
    registrations: np.ndarray
    exits: np.ndarray

    def __add__(self, other: MembershipDeltas) -> MembershipDeltas:
        return MembershipDeltas(
            self.village_codes,
            self.months,
            self.delta + other.delta,
            self.registrations + other.registrations,
            self.exits + other.exits,
        )


def membership_deltas(
    memberships: pd.DataFrame, village_codes: np.ndarray | pd.Series, months: pd.DatetimeIndex
) -> MembershipDeltas:
    """The :class:`MembershipDeltas` of ``memberships`` (see :func:`count_memberships`)."""
    codes = np.sort(np.asarray(village_codes, dtype=object))
    n_v, n_s, n_m = len(codes), len(SEGMENTS), len(months)
    village = _positions(memberships["village_code"], codes)
    if (village < 0).any():
        raise ValueError(f"{int((village < 0).sum())} memberships are in villages not in the list")
    segment = _positions(memberships["segment"], np.array(SEGMENTS, dtype=object))
    if (segment < 0).any():
        raise ValueError("memberships with a segment outside " + ", ".join(SEGMENTS))
    first = int(_month_numbers(pd.Series([months[0]]))[0])
    registered = _month_numbers(memberships["registered_on"]) - first
    ended_raw = _month_numbers(memberships["ended_on"])
    has_end = memberships["ended_on"].notna().to_numpy()
    ended = np.where(has_end, ended_raw - first, n_m)
    cell = (village * n_s + segment) * n_m
    size = n_v * n_s * n_m

    starts = registered < n_m
    delta = np.bincount(cell[starts] + np.maximum(registered[starts], 0), minlength=size)
    stops = ended < n_m
    delta -= np.bincount(cell[stops] + np.maximum(ended[stops], 0), minlength=size)
    new = (registered >= 0) & starts
    registrations = np.bincount(cell[new] + registered[new], minlength=size)
    gone = (ended >= 0) & stops
    exits = np.bincount(cell[gone] + ended[gone], minlength=size)
    return MembershipDeltas(codes, months, delta, registrations, exits)


def counts_from_deltas(deltas: MembershipDeltas) -> VillageCounts:
    """Active memberships (running sum of ``delta``), registrations and exits."""
    shape = (len(deltas.village_codes), len(SEGMENTS), len(deltas.months))
    return VillageCounts(
        village_codes=deltas.village_codes,
        months=deltas.months,
        active=np.cumsum(deltas.delta.reshape(shape), axis=2),
        registrations=deltas.registrations.reshape(shape),
        exits=deltas.exits.reshape(shape),
    )


def count_memberships(
    memberships: pd.DataFrame, village_codes: np.ndarray | pd.Series, months: pd.DatetimeIndex
) -> VillageCounts:
    """Active memberships, registrations and exits per village x segment x month.

    ``memberships`` holds ``village_code``, ``segment``, ``registered_on`` and ``ended_on``
    (MembershipSchema). Memberships registered before the first month count as active from
    it; those registered after the last month are not counted. Every membership's village
    must be one of ``village_codes`` (intake guarantees it): anything else is a bug and
    raises ``ValueError``.
    """
    return counts_from_deltas(membership_deltas(memberships, village_codes, months))


def eligible_by_year(workforce: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """The workforce row used for each village and year in ``years``.

    The row of the year itself, else the latest earlier year, else the earliest year. Returns
    ``village_code``, ``year``, ``workers``, ``informal_workers`` and ``source_year``.
    """
    columns = ["village_code", "year", "workers", "informal_workers", "source_year"]
    if workforce.empty:
        return pd.DataFrame(columns=columns)
    wf = (
        workforce[["village_code", "year", "workers", "informal_workers"]]
        .astype({"year": "int64"})
        .assign(source_year=lambda d: d["year"])
        .sort_values("year")
    )
    grid = pd.MultiIndex.from_product(
        [wf["village_code"].unique(), sorted(set(years))], names=["village_code", "year"]
    ).to_frame(index=False)
    grid = grid.astype({"year": "int64"}).sort_values("year")
    earlier = pd.merge_asof(grid, wf, on="year", by="village_code", direction="backward")
    later = pd.merge_asof(grid, wf, on="year", by="village_code", direction="forward")
    chosen = earlier.fillna(later)
    return chosen[columns].sort_values(["village_code", "year"]).reset_index(drop=True)


def eligible_cube(
    workforce: pd.DataFrame, village_codes: np.ndarray, months: pd.DatetimeIndex
) -> np.ndarray:
    """Eligible workers per village x output segment x month; NaN where there is none.

    Shape (villages, 5, months) along :data:`OUTPUT_SEGMENTS`; JAKON and PMI are always NaN.
    """
    n_v, n_m = len(village_codes), len(months)
    cube = np.full((n_v, len(OUTPUT_SEGMENTS), n_m), np.nan)
    years = months.year.to_numpy()
    rows = eligible_by_year(workforce, sorted(set(years.tolist())))
    if rows.empty:
        return cube
    village = _positions(rows["village_code"], np.asarray(village_codes, dtype=object))
    known = village >= 0
    rows, village = rows[known], village[known]
    workers = rows["workers"].to_numpy(dtype=float)
    informal = rows["informal_workers"].to_numpy(dtype=float)
    by_segment = {"ALL": workers, "PU": workers - informal, "BPU": informal}
    year_of_row = rows["year"].to_numpy()
    for month_i, year in enumerate(years):
        in_year = year_of_row == year
        for segment, values in by_segment.items():
            cube[village[in_year], OUTPUT_SEGMENTS.index(segment), month_i] = values[in_year]
    return cube


def _with_all(per_segment: np.ndarray) -> np.ndarray:
    """Prepend the ``ALL`` segment (sum of the four) to a (villages, 4, months) array."""
    return np.concatenate([per_segment.sum(axis=1, keepdims=True), per_segment], axis=1)


def _group_starts(codes: np.ndarray, level: Level) -> tuple[np.ndarray, np.ndarray]:
    """Codes of ``level`` and where each group starts in the sorted village codes."""
    prefixes = np.array([c[: LEVEL_CODE_LENGTH[level]] for c in codes], dtype=object)
    group_codes, starts = np.unique(prefixes, return_index=True)
    return group_codes, starts


def _level_rows(
    first_area: int,
    starts: np.ndarray,
    cubes: dict[str, np.ndarray],
    months: pd.DatetimeIndex,
) -> dict[str, np.ndarray]:
    """Sum the village cubes over groups starting at ``starts`` and flatten them to columns.

    Areas and segments are given as integer positions (``area``: ``first_area`` + group,
    ``segment``: in :data:`OUTPUT_SEGMENTS`); :func:`coverage_table` names them.
    """
    summed = {name: np.add.reduceat(cube, starts, axis=0) for name, cube in cubes.items()}
    n_villages = np.diff(np.append(starts, len(next(iter(cubes.values())))))
    with_eligible = summed["has_eligible"]
    eligible = np.where(with_eligible > 0, summed["eligible"], np.nan)
    covered = summed["active_covered"]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(eligible > 0, 100.0 * covered / eligible, np.nan)
    n_g, n_s, n_m = summed["active"].shape
    segments = np.arange(n_s, dtype=np.int8)
    return {
        "area": np.repeat(np.arange(first_area, first_area + n_g), n_s * n_m),
        "month": np.tile(months.to_numpy().astype("datetime64[ns]"), n_g * n_s),
        "segment": np.tile(np.repeat(segments, n_m), n_g),
        "active": summed["active"].ravel(),
        "active_covered": covered.ravel(),
        "eligible": eligible.ravel(),
        "coverage_pct": pct.ravel(),
        "gap": (eligible - covered).ravel(),
        "registrations": summed["registrations"].ravel(),
        "exits": summed["exits"].ravel(),
        "villages": np.repeat(n_villages, n_s * n_m),
        "villages_with_eligible": with_eligible.ravel(),
    }


def coverage_table(
    counts: VillageCounts,
    eligible: np.ndarray,
    areas: pd.DataFrame,
    *,
    categorical: bool = False,
) -> pd.DataFrame:
    """Coverage rows for every level, area, month and output segment (CoverageSchema).

    ``eligible`` comes from :func:`eligible_cube` over the same village codes and months;
    ``areas`` (``level``, ``area_code``, ``area_name``, ``parent_code``) names the areas.
    Adds ``active_covered`` (actives in villages with a denominator) and ``over_100``.
    With ``categorical`` the text columns (:data:`CATEGORICAL_COLUMNS`) stay categoricals,
    a few bytes a row instead of a string each: the build's choice at national scale.
    """
    has = ~np.isnan(eligible)
    active = _with_all(counts.active)
    cubes = {
        "active": active,
        "active_covered": np.where(has, active, 0),
        "eligible": np.where(has, eligible, 0.0),
        "has_eligible": has.astype(np.int64),
        "registrations": _with_all(counts.registrations),
        "exits": _with_all(counts.exits),
    }
    parts: list[dict[str, np.ndarray]] = []
    area_codes: list[str] = []
    area_levels: list[int] = []
    for number, level in enumerate(LEVELS):
        codes, starts = _group_starts(counts.village_codes, level)
        parts.append(_level_rows(len(area_codes), starts, cubes, counts.months))
        area_codes.extend(codes)
        area_levels.extend([number] * len(codes))
    del cubes
    columns = {name: np.concatenate([p.pop(name) for p in parts]) for name in list(parts[0])}
    area = columns.pop("area")
    named = _area_names(areas, np.asarray(area_levels), np.asarray(area_codes, dtype=object))
    text = {
        "level": pd.Categorical.from_codes(
            np.asarray(area_levels, dtype=np.int8)[area], categories=pd.Index(LEVELS)
        ),
        "area_code": pd.Categorical.from_codes(area, categories=pd.Index(area_codes, dtype="str")),
        "segment": pd.Categorical.from_codes(
            columns.pop("segment"), categories=pd.Index(OUTPUT_SEGMENTS)
        ),
    }
    for name in ("area_name", "parent_code"):
        codes, uniques = pd.factorize(named[name])
        text[name] = pd.Categorical.from_codes(codes[area], categories=uniques.astype("str"))
    del area
    columns["over_100"] = columns["coverage_pct"] > 100.0
    merged = {**text, **columns}
    table = pd.DataFrame({name: merged[name] for name in COVERAGE_COLUMNS}, copy=False)
    del merged, text, columns
    if categorical:
        return _categorical_schema().validate(table)
    return CoverageSchema.validate(table.astype(dict.fromkeys(CATEGORICAL_COLUMNS, "str")))


def _area_names(areas: pd.DataFrame, levels: np.ndarray, codes: np.ndarray) -> pd.DataFrame:
    """``area_name`` and ``parent_code`` of each (level position, code); ValueError if unnamed."""
    names = areas[["level", "area_code", "area_name", "parent_code"]].astype(
        {"level": "str", "area_code": "str"}
    )
    if names.duplicated(["level", "area_code"]).any():
        raise ValueError("areas has more than one row for an area")
    wanted = pd.DataFrame({"level": np.asarray(LEVELS, dtype=object)[levels], "area_code": codes})
    found = wanted.astype("str").merge(
        names, on=["level", "area_code"], how="left", validate="one_to_one", indicator=True
    )
    unnamed = (found["_merge"] == "left_only") | found["area_name"].isna()
    if unnamed.any():
        missing = found.loc[unnamed, "area_code"].head(5)
        raise ValueError(f"areas without a name: {', '.join(map(str, missing))}")
    return found


@cache
def _categorical_schema() -> pa_schema.DataFrameSchema:
    """:class:`CoverageSchema` with its text columns checked as categoricals of text.

    Without coercion (the dtypes are built exact) and without the row-uniqueness check,
    which would hash 16 M rows at national scale: :func:`coverage_table` makes one row per
    area (``np.unique`` codes per level; ``areas`` is checked for repeats), segment and
    month by construction.
    """
    schema = CoverageSchema.to_schema()
    schema = schema.update_columns({c: {"dtype": "category"} for c in CATEGORICAL_COLUMNS})
    schema.coerce, schema.unique = False, None
    return schema
