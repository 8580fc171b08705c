"""Reading village boundaries into a :class:`~analytics.schemas.VillageSchema` frame.

Accepted: GeoPackage, Shapefile (a ``.shp``, a folder holding one, or a ``.zip``),
GeoJSON and GeoParquet. When a file holds several layers, the village layer is the one
whose code column holds 10-digit village codes (``FILE:LAYER`` names it explicitly).

Fields are recognised by common names (see the ``*_FIELDS`` tuples, compared like table
headers). Codes of higher levels are always derived from the village code, which is
authoritative; their names are taken from the file when present, else written as
``Kecamatan 34.71.01`` with a warning. Geometries are reprojected to EPSG:4326 and made
valid (``shapely.make_valid``, keeping the polygonal parts).

The returned frame carries ``attrs["warnings"]`` (list of messages, also logged) and
``attrs["repaired_geometries"]`` (how many geometries were made valid).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from analytics.codes import normalize_village_codes
from analytics.errors import InputError
from analytics.io.headers import header_key
from analytics.schemas import WGS84, VillageSchema

logger = logging.getLogger(__name__)

CODE_FIELDS: Final = (
    "KODE_DESA",
    "KODE",
    "KDEPUM",
    "KD_DESA",
    "KODE10",
    "KODE_DESA_KELURAHAN",
    "KODE_KELURAHAN",
    "KODE_WILAYAH",
    "ADM4_PCODE",
    "ID_DESA",
    "KODE_KEMENDAGRI",
)
VILLAGE_NAME_FIELDS: Final = (
    "NAMA_DESA",
    "NAMA",
    "DESA",
    "DESA_KELURAHAN",
    "NAMA_KELURAHAN",
    "KELURAHAN",
    "WADMKD",
    "NAMOBJ",
    "ADM4_EN",
)
KECAMATAN_NAME_FIELDS: Final = ("NAMA_KEC", "NAMA_KECAMATAN", "KECAMATAN", "WADMKC", "ADM3_EN")
KABUPATEN_NAME_FIELDS: Final = (
    "NAMA_KAB",
    "NAMA_KABUPATEN",
    "KABUPATEN",
    "KAB_KOTA",
    "KABUPATEN_KOTA",
    "WADMKK",
    "ADM2_EN",
)
PROVINCE_NAME_FIELDS: Final = ("NAMA_PROV", "NAMA_PROVINSI", "PROVINSI", "WADMPR", "ADM1_EN")
KIND_FIELDS: Final = ("JENIS", "JENIS_DESA", "TIPE", "KIND", "TYPE")
#: Province whose desa are called kalurahan (DI Yogyakarta).
KALURAHAN_PROVINCE: Final = "34"
_VECTOR_SUFFIXES: Final = {".gpkg", ".geojson", ".json", ".shp", ".zip", ".fgb", ".gml", ".kml"}


def read_villages(spec: str | Path) -> gpd.GeoDataFrame:
    """Read village polygons from ``spec`` (a path, or ``FILE:LAYER``); see the module doc."""
    path, layer = _split_spec(spec)
    frame = _read_village_layer(path, layer)
    return _to_villages(frame, path.name)


def _split_spec(spec: str | Path) -> tuple[Path, str | None]:
    path = Path(spec)
    if path.exists() or isinstance(spec, Path):
        return path, None
    text = str(spec)
    if ":" in text:
        file, layer = text.rsplit(":", 1)
        if Path(file).exists():
            return Path(file), layer
    raise InputError("the boundaries file does not exist", file=text)


def _column_for(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    keys = {header_key(c): c for c in frame.columns if c != "geometry"}
    for name in names:
        if header_key(name) in keys:
            return keys[header_key(name)]
    return None


def _village_codes(values: pd.Series) -> pd.Series:
    """Dotted village codes from a code column (text with or without a country prefix such
    as ``ID``, or whole numbers: boundary files are not spreadsheets, so an integer field
    of 10 digits is taken as it is)."""
    if pd.api.types.is_numeric_dtype(values):
        whole = values.notna() & (values == values.round())
        text = values.where(whole).astype("Int64").astype("string")
    else:
        text = values.astype("string").str.strip().str.replace(r"^[A-Za-z]+", "", regex=True)
    return normalize_village_codes(text)


def find_code_column(frame: pd.DataFrame) -> tuple[str | None, float]:
    """The column holding village codes and the share of rows where they are valid.

    Known code field names are tried first, then every other column; a column counts
    when at least half of its values are village codes.
    """
    known = [_column_for(frame, (name,)) for name in CODE_FIELDS]
    others = [c for c in frame.columns if c != "geometry" and c not in known]
    for column in [c for c in known if c is not None] + others:
        values = frame[column]
        if values.notna().sum() == 0:
            continue
        share = float(_village_codes(values).notna().mean())
        if share >= 0.5:
            return column, share
    return None, 0.0


def _layers(path: Path) -> list[tuple[str, str | None]]:
    """(dataset, layer) pairs to consider in ``path``."""
    import pyogrio

    if path.is_dir():
        shapefiles = sorted(path.rglob("*.shp"))
        if not shapefiles:
            raise InputError("the folder holds no shapefile (.shp)", file=str(path))
        return [(str(p), None) for p in shapefiles]
    if path.suffix.lower() == ".zip":
        import zipfile

        with zipfile.ZipFile(path) as archive:
            members = sorted(
                m
                for m in archive.namelist()
                if Path(m).suffix.lower() in {".shp", ".gpkg", ".geojson", ".json"}
                and not Path(m).name.startswith(".")
            )
        if not members:
            raise InputError(
                "the archive holds no shapefile, GeoPackage or GeoJSON", file=path.name
            )
        datasets = [f"/vsizip/{path}/{m}" for m in members]
    else:
        datasets = [str(path)]
    return [(d, str(row[0])) for d in datasets for row in pyogrio.list_layers(d)]


def _read_village_layer(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    import pyogrio

    suffix = path.suffix.lower()
    try:
        if suffix in {".parquet", ".geoparquet"}:
            return gpd.read_parquet(path)
        if not path.is_dir() and suffix not in _VECTOR_SUFFIXES:
            raise InputError(
                f"unsupported boundaries format {suffix!r}: use GeoPackage, Shapefile "
                "(folder or .zip), GeoJSON or GeoParquet",
                file=path.name,
            )
        candidates = _layers(path)
        if layer is not None:
            found = [c for c in candidates if c[1] == layer]
            if not found:
                names = ", ".join(str(c[1]) for c in candidates)
                raise InputError(f"no layer {layer!r}; layers found: {names}", file=path.name)
            return gpd.read_file(found[0][0], layer=layer, engine="pyogrio")
        if len(candidates) == 1:
            return gpd.read_file(candidates[0][0], layer=candidates[0][1], engine="pyogrio")
        scored = []
        for dataset, name in candidates:
            sample = pyogrio.read_dataframe(
                dataset, layer=name, max_features=50, read_geometry=False
            )
            column, share = find_code_column(sample)
            if column is not None:
                count = pyogrio.read_info(dataset, layer=name)["features"]
                scored.append((share, count, dataset, name))
        if not scored:
            names = ", ".join(str(n or Path(d).name) for d, n in candidates)
            raise InputError(
                f"no layer holds 10-digit village codes; layers found: {names}", file=path.name
            )
        _, _, dataset, name = max(scored, key=lambda s: (s[0], s[1]))
        return gpd.read_file(dataset, layer=name, engine="pyogrio")
    except InputError:
        raise
    except Exception as exc:  # GDAL/pyarrow errors vary; the user needs the file named
        raise InputError(f"cannot read the boundaries: {exc}", file=path.name) from exc


def polygonal(geoms: np.ndarray) -> tuple[np.ndarray, int]:
    """Geometries made valid, keeping only their polygonal parts, and how many were fixed.

    A geometry with no polygonal part becomes ``None``.
    """
    geoms = shapely.force_2d(geoms)
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    fixed = geoms.copy()
    fixed[invalid] = shapely.make_valid(geoms[invalid])
    kinds = shapely.get_type_id(fixed)
    odd = np.flatnonzero(~np.isin(kinds, [3, 6]) & ~shapely.is_missing(fixed))
    for i in odd:
        parts = shapely.get_parts(fixed[i])
        polys = [p for p in parts if shapely.get_type_id(p) in (3, 6)]
        fixed[i] = shapely.union_all(polys) if polys else None
        if fixed[i] is not None and shapely.is_empty(fixed[i]):
            fixed[i] = None
    return fixed, int(invalid.sum())


def _names(frame: pd.DataFrame, codes: pd.Series, fields: tuple[str, ...]) -> pd.Series | None:
    """The most frequent name per code, aligned to ``codes``; ``None`` without a column."""
    column = _column_for(frame, fields)
    if column is None:
        return None
    pairs = pd.DataFrame({"code": codes, "name": frame[column].astype("string").str.strip()})
    pairs = pairs.loc[pairs["name"].fillna("") != ""]
    counts = pairs.value_counts(["code", "name"], sort=True).reset_index()
    first = counts.drop_duplicates("code").set_index("code")["name"]
    return codes.map(first).astype("string")


def _kinds(frame: pd.DataFrame, codes: pd.Series) -> pd.Series:
    """desa / kelurahan / kalurahan. Without a kind column the code tells: in Kemendagri
    codes the last group starts with 1 for a kelurahan and 2 for a desa."""
    province = codes.str.slice(0, 2)
    column = _column_for(frame, KIND_FIELDS)
    if column is None:
        kelurahan = codes.str.slice(9, 10) == "1"
    else:
        text = frame[column].astype("string").str.lower().str.strip().fillna("")
        kelurahan = text.str.contains("kelurahan") & ~text.str.contains("desa")
    desa = np.where(province == KALURAHAN_PROVINCE, "kalurahan", "desa")
    return pd.Series(np.where(kelurahan, "kelurahan", desa), index=codes.index, dtype="str")


def _to_villages(frame: gpd.GeoDataFrame, file: str) -> gpd.GeoDataFrame:
    warnings: list[str] = []
    column, _ = find_code_column(frame)
    if column is None:
        found = ", ".join(str(c) for c in frame.columns if c != "geometry")
        raise InputError(f"no column holds village codes; columns found: {found}", file=file)
    codes = _village_codes(frame[column])
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise InputError("the boundaries have no CRS and are not in degrees", file=file)
        warnings.append(f"{file}: no CRS given; coordinates read as EPSG:4326")
        frame = frame.set_crs(WGS84)
    elif not frame.crs.equals(WGS84):
        frame = frame.to_crs(WGS84)
    geoms, repaired = polygonal(frame.geometry.to_numpy())
    if repaired:
        warnings.append(f"{file}: {repaired} invalid geometries made valid")
    keep = codes.notna().to_numpy() & ~shapely.is_missing(geoms)
    if (~keep).any():
        warnings.append(
            f"{file}: {int((~keep).sum())} features left out (no valid village code "
            f"in column {column!r} or no polygon)"
        )
    base = pd.DataFrame(frame.drop(columns="geometry")).loc[keep].reset_index(drop=True)
    codes = codes.loc[keep].reset_index(drop=True).astype("str")
    geoms = geoms[keep]
    if codes.duplicated().any():
        warnings.append(f"{file}: {int(codes.duplicated().sum())} repeated village codes merged")
    parents = {
        "kecamatan_code": codes.str.slice(0, 8),
        "kabupaten_code": codes.str.slice(0, 5),
        "province_code": codes.str.slice(0, 2),
    }
    out = pd.DataFrame({"village_code": codes, **parents})
    label = {"kecamatan": "Kecamatan", "kabupaten": "Kabupaten/Kota", "province": "Provinsi"}
    fields = {
        "kecamatan": KECAMATAN_NAME_FIELDS,
        "kabupaten": KABUPATEN_NAME_FIELDS,
        "province": PROVINCE_NAME_FIELDS,
    }
    village_names = _names(base, codes, VILLAGE_NAME_FIELDS)
    out["village_name"] = (
        village_names if village_names is not None else pd.Series(pd.NA, index=codes.index)
    )
    missing = out["village_name"].isna()
    if missing.any():
        warnings.append(f"{file}: {int(missing.sum())} villages have no name; named by code")
        out["village_name"] = out["village_name"].fillna("Desa " + codes)
    for level, names_fields in fields.items():
        level_codes = out[f"{level}_code"]
        names = _names(base, level_codes, names_fields)
        if names is None:
            names = pd.Series(pd.NA, index=codes.index, dtype="string")
        if names.isna().any():
            warnings.append(
                f"{file}: no {level} name for {level_codes[names.isna()].nunique()} "
                f"{level} codes; named like '{label[level]} {level_codes[names.isna()].iloc[0]}'"
            )
            names = names.fillna(label[level] + " " + level_codes)
        out[f"{level}_name"] = names.astype("str")
    out["kind"] = _kinds(base, codes)
    out["village_name"] = out["village_name"].astype("str")
    villages = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)
    if codes.duplicated().any():
        villages = villages.dissolve(by="village_code", aggfunc="first", as_index=False)
    villages = VillageSchema.validate(villages)
    for message in warnings:
        logger.warning(message)
    villages.attrs["warnings"] = warnings
    villages.attrs["repaired_geometries"] = repaired
    return villages
