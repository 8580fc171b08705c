"""Input files rebuilt from a processed store, for a dry run or commit that changes only
some of the inputs (the intake page): the store keeps no copy of its source boundaries or
workforce file, so they are written back from what it holds.

- Boundaries: the village polygons of ``geo/desa/all.geojson`` (simplified by the build)
  with the names of the village and its kecamatan, kabupaten and province from
  ``areas.parquet``. Codes and names are those the build matched against; only the
  geometry is the simplified one.
- Workforce: per village and year, the workers (``eligible`` of segment ALL) and informal
  workers (``eligible`` of BPU) of ``coverage.parquet`` in the last month of that year.
  These are the denominators the build used, so the same window gives the same coverage.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analytics.errors import InputError
from analytics.store.reader import AREAS_FILE, COVERAGE_FILE, GEO_DIR


def boundaries_from_store(store: Path, out: Path) -> Path:
    """Write the store's villages as a GeoJSON at ``out``; ``out``."""
    geo = store / GEO_DIR / "desa" / "all.geojson"
    try:
        features = json.loads(geo.read_text(encoding="utf-8"))["features"]
        areas = pd.read_parquet(store / AREAS_FILE)
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(
            "the current store holds no usable village boundaries", file=str(geo)
        ) from exc
    names = dict(zip(areas["area_code"].astype(str), areas["area_name"].astype(str), strict=True))
    kinds = dict(zip(areas["area_code"].astype(str), areas["kind"].astype(str), strict=True))
    rows = []
    for feature in features:
        code = str(feature.get("id") or feature.get("properties", {}).get("area_code", ""))
        rows.append(
            {
                "type": "Feature",
                "properties": {
                    "KODE_DESA": code,
                    "NAMA_DESA": names.get(code, ""),
                    "NAMA_KEC": names.get(code[:8], ""),
                    "NAMA_KAB": names.get(code[:5], ""),
                    "NAMA_PROV": names.get(code[:2], ""),
                    "JENIS": kinds.get(code, "desa"),
                },
                "geometry": feature["geometry"],
            }
        )
    out.write_text(json.dumps({"type": "FeatureCollection", "features": rows}), encoding="utf-8")
    return out


def workforce_from_store(store: Path, out: Path) -> Path:
    """Write the store's village denominators as a workforce CSV at ``out``; ``out``."""
    try:
        frame = pd.read_parquet(
            store / COVERAGE_FILE,
            columns=["level", "area_code", "month", "segment", "eligible"],
            filters=[("level", "==", "desa"), ("segment", "in", ["ALL", "BPU"])],
        )
    except (OSError, ValueError) as exc:
        raise InputError("the current store holds no workforce figures", file=str(store)) from exc
    frame = frame.dropna(subset=["eligible"])
    frame["year"] = pd.to_datetime(frame["month"]).dt.year
    wide = frame.sort_values("month").pivot_table(
        index=["area_code", "year"],
        columns="segment",
        values="eligible",
        aggfunc="last",
        observed=True,
    )
    wide = wide.dropna(subset=["ALL"]).reset_index()
    informal = wide["BPU"] if "BPU" in wide else pd.Series(0, index=wide.index)
    table = pd.DataFrame(
        {
            "KODE_DESA": wide["area_code"].astype(str),
            "TAHUN": wide["year"].astype(int),
            "JUMLAH_PEKERJA": wide["ALL"].round().astype(int),
            "PEKERJA_INFORMAL": informal.fillna(0).round().astype(int),
        }
    )
    table.to_csv(out, index=False)
    return out
