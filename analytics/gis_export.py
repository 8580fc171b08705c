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
LAYER: Final = "cakupan"
METADATA_TABLE: Final = "metadata"


def coverage_layer(
    boundaries: gpd.GeoDataFrame,
    rows: pd.DataFrame,
    *,
    level: str,
    month: str,
    segment: str,
) -> gpd.GeoDataFrame:
    """The features of the view: ``boundaries`` (``id`` or ``area_code`` column) joined to
    ``rows``, the area table of the view as its export writes it: every area, protected by
    :func:`analytics.tables_export.protect_area_rows` (hidden cells hold
    :data:`~analytics.suppression.MARK`), with columns ``area_code``, ``area_name``,
    ``active``, ``eligible``, ``coverage_pct``, ``uncovered`` and optionally
    ``class_label`` and ``flags_text``.

    A hidden cell becomes null; the class label goes with the coverage; ``suppressed`` is
    true where anything of the row is hidden. Areas of ``rows`` without a boundary are an
    error (never dropped silently); boundaries without a row are left out.
    """

    def hidden(column: str) -> pd.Series:
        if column not in rows.columns:
            return pd.Series(False, index=rows.index)
        return rows[column].astype("object").eq(MARK)

    def numbers(column: str) -> pd.Series:
        values = rows[column].astype("object").where(~hidden(column), None)
        return pd.to_numeric(values, errors="coerce").astype("float64")

    any_hidden = hidden("active") | hidden("coverage_pct") | hidden("uncovered")
    labels = (
        rows["class_label"] if "class_label" in rows.columns else pd.Series("", index=rows.index)
    )
    flags = rows["flags_text"] if "flags_text" in rows.columns else pd.Series("", index=rows.index)
    attrs = pd.DataFrame(
        {
            "area_code": rows["area_code"].astype("str"),
            "area_name": rows["area_name"].astype("str"),
            "level": level,
            "month": month,
            "segment": segment,
            "active": numbers("active").round().astype("Int64"),
            "eligible": numbers("eligible"),
            "coverage_pct": numbers("coverage_pct").round(2),
            # the uncovered workers (eligible - active, never below 0), as the table
            "gap": numbers("uncovered").round().astype("Int64"),
            "class_label": labels.astype("object").where(~hidden("coverage_pct"), None),
            "flags": flags.fillna("").astype("str"),
            "suppressed": any_hidden.to_numpy(dtype=bool),
        }
    )
    geo = boundaries.copy()
    if "area_code" not in geo.columns:
        geo = geo.rename(columns={"id": "area_code"})
    geo["area_code"] = geo["area_code"].astype("str")
    missing = sorted(set(attrs["area_code"]) - set(geo["area_code"]))
    if missing:
        raise ValueError(f"areas without a boundary: {missing[:5]}")
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
