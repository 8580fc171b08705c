"""Benchmark of the village profile and the GIS download, on any store.

Usage: ``python benchmarks/bench_profile.py [--store DIR] [--runs 5]``

Times, as the page and the download callbacks call them (whole store, no territory view):
the profile of the village with the most active members of the latest month (read and
draw), its XLSX download, and the village map of the kabupaten with most villages as
GeoPackage and GeoJSON. The peer in the same run is the area table's XLSX of the same view
(the existing export the GIS files sit beside). For each: the first call and the median
of ``--runs`` warm calls (wall ms), and the bytes written.

Writes ``benchmarks/results/bench_profile_<store folder name>.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(call: Callable[[], Any], runs: int) -> dict[str, Any]:
    times = []
    out = None
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        out = call()
        times.append(1000 * (time.perf_counter() - t0))
    size = len(out[0]) if isinstance(out, tuple) and isinstance(out[0], bytes) else None
    if isinstance(out, dict) and "content" in out:
        size = len(out["content"])
    return {
        "first_ms": round(times[0], 1),
        "median_ms": round(statistics.median(times[1:]), 1),
        "bytes": size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, default=ROOT / "data" / "processed")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import pandas as pd

    from analytics.settings import Settings
    from analytics.store.reader import Store
    from app import create_app
    from layouts.core.url_state import ViewState
    from layouts.exports.files import table_file
    from layouts.exports.gis import gis_file
    from layouts.profile.views import profile_file, profile_layout, read_profile

    store = Store(args.store)
    settings = Settings().with_(store_dir=args.store)
    app = create_app(settings)
    cov = store.coverage()
    month = pd.Timestamp(cov["month"].max())
    latest = cov[(cov["level"] == "desa") & (cov["month"] == month) & (cov["segment"] == "ALL")]
    village = str(latest.sort_values("active").iloc[-1]["area_code"])
    areas = store.areas()
    villages = areas[areas["level"] == "desa"]
    kab = villages["area_code"].str.slice(0, 5).value_counts().index[0]
    ym = f"{month:%Y-%m}"
    state = ViewState(level="desa", area=kab, month=ym, segment="BPU")
    today = date.today()

    def profile_page() -> Any:
        profile, roster = read_profile(store, village, ym, "BPU", 100.0, outreach=True)
        return profile_layout(profile, "id", "", outreach=True, roster=roster)

    profile, _ = read_profile(store, village, ym, "BPU", 100.0, outreach=True)
    with app.server.test_request_context("/"):
        results = {
            "store": args.store.name,
            "village": village,
            "kabupaten": kab,
            "villages_in_view": int(villages["area_code"].str.startswith(kab + ".").sum()),
            "runs": args.runs,
            "profile_page": measure(profile_page, args.runs),
            "profile_xlsx": measure(
                lambda: profile_file(profile, "xlsx", 5, "id", today, outreach=True), args.runs
            ),
            "gis_gpkg": measure(
                lambda: gis_file(store, settings, state, "gpkg", 5, today), args.runs
            ),
            "gis_geojson": measure(
                lambda: gis_file(store, settings, state, "geojson", 5, today), args.runs
            ),
            "peer_table_xlsx": measure(
                lambda: table_file(store, state, "xlsx", 5, None), args.runs
            ),
        }
    out = ROOT / "benchmarks" / "results" / f"bench_profile_{args.store.name}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
