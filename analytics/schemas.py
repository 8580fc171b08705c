"""The canonical data model, as pandera schemas.

Every loader returns frames that validate against one of these models, and every
pipeline step states what it takes and gives in these terms. ``docs/data-model.md``
documents each field. Column names are English snake_case in code; the UI and the
exports speak Indonesian.

Codes are dotted Kemendagri codes held as text (``34.71.01.1001``), never numbers.
"""

from __future__ import annotations

from typing import Final

import pandas as pd
import pandera.pandas as pa
from pandera.engines.geopandas_engine import Geometry
from pandera.typing import Series

SEGMENTS: Final[tuple[str, ...]] = ("PU", "BPU", "JAKON", "PMI")
#: Segments with a village denominator; ``ALL`` is every segment together.
COVERAGE_SEGMENTS: Final[tuple[str, ...]] = ("ALL", "PU", "BPU")
VILLAGE_KINDS: Final[tuple[str, ...]] = ("desa", "kelurahan", "kalurahan")
LEVEL_NAMES: Final[tuple[str, ...]] = ("provinsi", "kabupaten", "kecamatan", "desa")
#: Columns of the store's ``quality.parquet`` (written by :mod:`analytics.engine.quality`).
QUALITY_COLUMNS: Final = (
    "village_code",
    "month",
    "flag",  # over_100 | missing_eligible
    "segment",
    # The values behind the flag; the page words them in the reader's language
    # (layouts.quality.views.flag_detail). Stores built before these columns carry an
    # English ``detail`` text instead, shown as it is.
    "active",  # active memberships (Int64)
    "eligible",  # eligible workers; empty when the village has no workforce figure
    "coverage_pct",  # empty for missing_eligible
)

#: The privacy allow-list of a registry row report (``unmatched.csv``, ``rejected.csv``):
#: file, row, reason, location, segment and date fields only, never NIK, KPJ or names.
#: The intake builds its outcomes with these columns and the store writes no other.
ROW_REPORT_COLUMNS: Final[tuple[str, ...]] = (
    "source_file",
    "source_row",
    "reason",
    "village_code_raw",
    "desa",
    "kecamatan",
    "kabupaten",
    "segment",
    "registered_on_raw",
    "offending_value",
)
VILLAGE_CODE_RE: Final = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"
KECAMATAN_CODE_RE: Final = r"^\d{2}\.\d{2}\.\d{2}$"
KABUPATEN_CODE_RE: Final = r"^\d{2}\.\d{2}$"
PROVINCE_CODE_RE: Final = r"^\d{2}$"
ANY_AREA_CODE_RE: Final = r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"
WGS84: Final = "EPSG:4326"


#: The columns of a village besides its polygon (:class:`VillageSchema`), in order.
VILLAGE_ATTRIBUTES: Final = (
    "village_code",
    "village_name",
    "kind",
    "kecamatan_code",
    "kecamatan_name",
    "kabupaten_code",
    "kabupaten_name",
    "province_code",
    "province_name",
)


class VillageSchema(pa.DataFrameModel):
    """Villages (desa, kelurahan; kalurahan in DI Yogyakarta) with their boundaries."""

    village_code: Series[str] = pa.Field(str_matches=VILLAGE_CODE_RE, unique=True)
    village_name: Series[str] = pa.Field(str_length={"min_value": 1})
    kind: Series[str] = pa.Field(isin=VILLAGE_KINDS)
    kecamatan_code: Series[str] = pa.Field(str_matches=KECAMATAN_CODE_RE)
    kecamatan_name: Series[str] = pa.Field(str_length={"min_value": 1})
    kabupaten_code: Series[str] = pa.Field(str_matches=KABUPATEN_CODE_RE)
    kabupaten_name: Series[str] = pa.Field(str_length={"min_value": 1})
    province_code: Series[str] = pa.Field(str_matches=PROVINCE_CODE_RE)
    province_name: Series[str] = pa.Field(str_length={"min_value": 1})
    geometry: Series[Geometry(crs=WGS84)] = pa.Field(nullable=False)  # type: ignore[valid-type]

    class Config:
        strict = "filter"
        coerce = False

    @pa.dataframe_check(error="kecamatan_code must be the first 8 characters of village_code")
    def _kecamatan_prefix(cls, df: pd.DataFrame) -> pd.Series:
        return df["village_code"].str.slice(0, 8) == df["kecamatan_code"]

    @pa.dataframe_check(error="kabupaten_code must be the first 5 characters of village_code")
    def _kabupaten_prefix(cls, df: pd.DataFrame) -> pd.Series:
        return df["village_code"].str.slice(0, 5) == df["kabupaten_code"]

    @pa.dataframe_check(error="province_code must be the first 2 characters of village_code")
    def _province_prefix(cls, df: pd.DataFrame) -> pd.Series:
        return df["village_code"].str.slice(0, 2) == df["province_code"]

    @pa.dataframe_check(error="geometries must be valid polygons (run make_valid on the source)")
    def _valid_geometry(cls, df: pd.DataFrame) -> pd.Series:
        geoms = df["geometry"]
        return geoms.is_valid & geoms.geom_type.isin(["Polygon", "MultiPolygon"])


class MembershipSchema(pa.DataFrameModel):
    """One membership (participant record), pseudonymous, placed in a village.

    ``member_id`` is a keyed HMAC-SHA256 pseudonym of the KPJ number (or of the NIK when
    the KPJ is empty); the raw identifiers never leave intake.
    """

    member_id: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{16,64}$")
    village_code: Series[str] = pa.Field(str_matches=VILLAGE_CODE_RE)
    segment: Series[str] = pa.Field(isin=SEGMENTS)
    registered_on: Series[pd.Timestamp] = pa.Field()
    ended_on: Series[pd.Timestamp] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = True

    @pa.dataframe_check(error="ended_on must not be before registered_on")
    def _end_after_start(cls, df: pd.DataFrame) -> pd.Series:
        return df["ended_on"].isna() | (df["ended_on"] >= df["registered_on"])


class WorkforceSchema(pa.DataFrameModel):
    """Workforce denominators per village and year."""

    village_code: Series[str] = pa.Field(str_matches=VILLAGE_CODE_RE)
    year: Series[int] = pa.Field(ge=1990, le=2100)
    workers: Series[int] = pa.Field(ge=0)
    informal_workers: Series[int] = pa.Field(ge=0)
    source: Series[str] = pa.Field()

    class Config:
        strict = False
        coerce = True
        unique = ("village_code", "year")

    @pa.dataframe_check(error="informal_workers must not exceed workers")
    def _informal_within_workers(cls, df: pd.DataFrame) -> pd.Series:
        return df["informal_workers"] <= df["workers"]


class OfficerSchema(pa.DataFrameModel):
    """Bhabinkamtibmas roster, one row per (officer, village covered).

    An officer covering several villages has several rows with the same ``nrp``; a
    village with no officer has no row.
    """

    nrp: Series[str] = pa.Field(str_matches=r"^\d{8}$")
    name: Series[str] = pa.Field(str_length={"min_value": 1})
    rank: Series[str] = pa.Field(nullable=True)
    polsek: Series[str] = pa.Field(str_length={"min_value": 1})
    polres: Series[str] = pa.Field(str_length={"min_value": 1})
    village_code: Series[str] = pa.Field(str_matches=VILLAGE_CODE_RE)

    class Config:
        strict = False
        coerce = True
        unique = ("nrp", "village_code")


class OutreachEventSchema(pa.DataFrameModel):
    """Outreach (sosialisasi) events held by Bhabinkamtibmas in villages."""

    event_date: Series[pd.Timestamp] = pa.Field()
    village_code: Series[str] = pa.Field(str_matches=VILLAGE_CODE_RE)
    nrp: Series[str] = pa.Field(str_matches=r"^\d{8}$")
    attendees: Series[int] = pa.Field(ge=0)
    registrations: Series[int] = pa.Field(ge=0)

    class Config:
        strict = False
        coerce = True

    @pa.dataframe_check(error="registrations on the day cannot exceed attendees")
    def _registrations_within_attendees(cls, df: pd.DataFrame) -> pd.Series:
        return df["registrations"] <= df["attendees"]


class CoverageSchema(pa.DataFrameModel):
    """Coverage per (level, area, month, segment): the engine's main output."""

    level: Series[str] = pa.Field(isin=LEVEL_NAMES)
    area_code: Series[str] = pa.Field(str_matches=ANY_AREA_CODE_RE)
    area_name: Series[str] = pa.Field()
    parent_code: Series[str] = pa.Field(nullable=True)
    month: Series[pd.Timestamp] = pa.Field()
    segment: Series[str] = pa.Field(isin=("ALL", *SEGMENTS))
    active: Series[int] = pa.Field(ge=0)
    eligible: Series[float] = pa.Field(nullable=True, ge=0)
    coverage_pct: Series[float] = pa.Field(nullable=True, ge=0)
    gap: Series[float] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = True
        unique = ("level", "area_code", "month", "segment")

    @pa.dataframe_check(error="month must be the first day of a month")
    def _month_start(cls, df: pd.DataFrame) -> pd.Series:
        return df["month"].dt.day == 1
