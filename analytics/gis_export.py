"""The map view as GIS files for QGIS users: GeoPackage and GeoJSON with coverage attributes.

One feature per area drawn (the store's simplified boundaries, EPSG:4326) with the
attributes of :data:`ATTRIBUTES`; the rows are protected exactly as the area table's export
(:func:`analytics.tables_export.protect_area_rows`): a hidden value is empty (null) and the
feature's ``suppressed`` column is true. The metadata (source, data date, export date,
synthetic-data flag, suppression threshold) goes into the GeoPackage as a ``metadata``
table (and the layer's description), and into the GeoJSON as top-level members of the
FeatureCollection (foreign members, RFC 7946 section 6.1).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import pandas as pd

from analytics.suppression import MARK
from analytics.tables_export import protect_area_rows

CRS: Final = "EPSG:4326"
#: Attributes of each feature, in order.
ATTRIBUTES: Final = (
    "area_code",
    "area_name",
    "level",
    "month",
    "segment",
    "active",
    "eligible",
    "coverage_pct",
    "gap",
    "class_label",
    "flags",
    "suppressed",
)
#: Values hidden with the active count (``gap`` is ``eligible - active``).
HIDDEN_WITH_ACTIVE: Final = ("active", "coverage_pct", "gap", "class_label")
LAYER: Final = "cakupan"
METADATA_TABLE: Final = "metadata"


def coverage_layer(
    boundaries: gpd.GeoDataFrame,
    rows: pd.DataFrame,
    *,
    level: str,
    month: str,
    segment: str,
    threshold: int | None,
) -> gpd.GeoDataFrame:
    """The features of the view: ``boundaries`` (``id`` or ``area_code`` column) joined to
    ``rows`` (every area of the view: ``area_code``, ``area_name``, ``active``,
    ``eligible``, ``coverage_pct``, ``uncovered``, ``class_label``, ``flags``), protected
    with ``threshold`` (``None``: off) before anything is dropped.

    Areas of ``rows`` without a boundary are an error (never dropped silently); boundaries
    without a row (outside the view) are left out.
    """
    # the gap published is the uncovered workers (eligible - active, never below 0)
    frame = rows.drop(columns="gap", errors="ignore").rename(columns={"uncovered": "gap"})
    protected = protect_area_rows(frame, threshold).frame
    hidden = protected["active"].astype("object").eq(MARK)
    for column in HIDDEN_WITH_ACTIVE:
        protected[column] = protected[column].astype("object").where(~hidden, None)
    geo = boundaries.copy()
    if "area_code" not in geo.columns:
        geo = geo.rename(columns={"id": "area_code"})
    geo["area_code"] = geo["area_code"].astype("str")
    missing = sorted(set(protected["area_code"].astype("str")) - set(geo["area_code"]))
    if missing:
        raise ValueError(f"areas without a boundary: {missing[:5]}")
    attrs = pd.DataFrame(
        {
            "area_code": protected["area_code"].astype("str"),
            "area_name": protected["area_name"].astype("str"),
            "level": level,
            "month": month,
            "segment": segment,
            "active": pd.array(protected["active"].tolist(), dtype="Int64"),
            "eligible": pd.to_numeric(protected["eligible"]).astype("float64"),
            "coverage_pct": pd.to_numeric(protected["coverage_pct"]).astype("float64").round(2),
            "gap": pd.array(
                [None if v is None or pd.isna(v) else round(float(v)) for v in protected["gap"]],
                dtype="Int64",
            ),
            "class_label": protected["class_label"].astype("object"),
            "flags": protected["flags"].astype("str"),
            "suppressed": hidden.to_numpy(dtype=bool),
        }
    )
    joined = geo[["area_code", "geometry"]].merge(
        attrs, on="area_code", how="right", validate="one_to_one"
    )
    out = gpd.GeoDataFrame(joined, geometry="geometry", crs=boundaries.crs or CRS)
    return out.loc[:, [*ATTRIBUTES, "geometry"]].sort_values("area_code", ignore_index=True)


def metadata(
    *,
    source: str,
    data_until: str,
    exported_on: date,
    demo: bool,
    threshold: int | None,
    area: str,
    level: str,
    month: str,
    segment: str,
) -> dict[str, Any]:
    """The metadata of an export, as written into both formats."""
    return {
        "title": f"Cakupan {area or 'semua'} {level} {month} {segment}",
        "source": source,
        "data_until": data_until,
        "exported_on": exported_on.isoformat(),
        "synthetic_data": bool(demo),
        "suppression_threshold": threshold,
        "suppression": (
            f"active 1..{threshold - 1} hidden (null, suppressed=true) with complements"
            if threshold
            else "off"
        ),
        "area": area,
        "level": level,
        "month": month,
        "segment": segment,
        "crs": CRS,
    }


def to_geojson(layer: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> bytes:
    """A GeoJSON FeatureCollection (EPSG:4326) with ``meta`` as top-level members."""
    collection = json.loads(layer.to_crs(CRS).to_json(na="null", drop_id=True))
    return json.dumps({**collection, **meta}, ensure_ascii=False).encode("utf-8")


def to_geopackage(layer: gpd.GeoDataFrame, meta: Mapping[str, Any]) -> bytes:
    """A GeoPackage with the layer :data:`LAYER` and a table :data:`METADATA_TABLE`
    (key, value); the layer's description names the source and the threshold."""
    import pyogrio

    description = "; ".join(f"{k}={v}" for k, v in meta.items())
    with tempfile.TemporaryDirectory(prefix="cakupan-gpkg-") as tmp:
        path = Path(tmp) / "view.gpkg"
        pyogrio.write_dataframe(
            layer,
            path,
            layer=LAYER,
            driver="GPKG",
            layer_options={"DESCRIPTION": description, "IDENTIFIER": str(meta.get("title", ""))},
        )
        table = pd.DataFrame(
            {"key": list(meta), "value": ["" if v is None else str(v) for v in meta.values()]}
        )
        pyogrio.write_dataframe(table, path, layer=METADATA_TABLE, driver="GPKG", append=False)
        return path.read_bytes()
