"""Benchmark: print exports of the map, raster (WebGL, as before) against vector (geo).

For each kabupaten of the store: the village map as SVG and PDF, drawn with the screen's
WebGL traces (Kaleido rasterises them) and with the SVG geo traces of
``layouts/exports/print_map.py``, each rendered three times with a warm browser (median kept):
seconds, bytes, ``<path`` polygons and ``<image`` rasters in the SVG, image XObjects in
the PDF. Writes ``benchmarks/results/bench_print_exports.json``.

    .venv/bin/python benchmarks/bench_print_exports.py --store data/processed
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "bench_print_exports.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, default=ROOT / "data" / "processed")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from pypdf import PdfReader

    from analytics.report.job import kabupaten_codes
    from analytics.settings import Settings
    from analytics.store.reader import Store
    from layouts.core.data_access import resolve_state
    from layouts.core.url_state import ViewState
    from layouts.exports.figures import map_export
    from layouts.exports.rendering import export_figure, stop_kaleido
    from layouts.map.view_model import view_rows

    store = Store(args.store)
    settings = Settings.from_env().with_(store_dir=args.store)
    export_figure({"data": [], "layout": {}}, "svg")  # start the browser (not timed)
    rows = []
    try:
        for code in kabupaten_codes(store):
            state = resolve_state(store, settings, ViewState(level="desa", area=code))
            areas = len(view_rows(store, state)[0])
            for vector in (False, True):
                fig = map_export(
                    store, settings, state, threshold=5, exported_on=date.today(), vector=vector
                )
                for fmt in ("svg", "pdf"):
                    times, data = [], b""
                    for _ in range(args.runs):
                        started = time.perf_counter()
                        data = export_figure(fig, fmt)  # type: ignore[arg-type]
                        times.append(time.perf_counter() - started)
                    row = {
                        "area": code,
                        "villages": areas,
                        "map": "vector" if vector else "webgl",
                        "format": fmt,
                        "seconds_median": round(statistics.median(times), 3),
                        "bytes": len(data),
                    }
                    if fmt == "svg":
                        text = data.decode("utf-8")
                        row["svg_polygons"] = text.count('class="choroplethlocation"')
                        row["svg_images"] = text.count("<image")
                    else:
                        row["pdf_images"] = len(PdfReader(io.BytesIO(data)).pages[0].images)
                    rows.append(row)
                    print(row)
    finally:
        stop_kaleido()
    RESULTS.write_text(json.dumps({"runs": args.runs, "rows": rows}, indent=2) + "\n")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
