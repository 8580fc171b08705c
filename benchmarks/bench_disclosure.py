"""Benchmark: the content of every area report (province, kabupaten, kecamatan x 5 segments),
with the small-count protection on (threshold 5) and off, in one process.

The protection's cost is the difference between the two; the figures and the PDF that
follow (``bench_report.py``) are the same either way. Run it with another checkout first on
``PYTHONPATH`` (and ``--label``) to time that checkout's protection in the same way.

    .venv/bin/python benchmarks/bench_disclosure.py --store data/processed --label linked
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SEGMENTS = ("ALL", "PU", "BPU", "JAKON", "PMI")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, default=ROOT / "data" / "processed")
    parser.add_argument("--label", default="linked")
    args = parser.parse_args()

    from analytics.report.content import assemble_report
    from analytics.store import Store

    store = Store(args.store)
    areas = store.areas()
    coverage = store.coverage()
    coverage = coverage.assign(area_code=coverage["area_code"].astype("str"))
    month = pd.Timestamp(coverage["month"].max())
    codes = sorted(
        areas.loc[
            areas["level"].astype("str").isin(["provinsi", "kabupaten", "kecamatan"]), "area_code"
        ]
    )
    shared = {
        "areas": areas,
        "quality": store.quality(),
        "reconciliation": store.reconciliation(),
        "meta": store.meta(),
        "officers": store.officers(),
        "events": store.events(),
    }
    times: dict[str, list[float]] = {"off": [], "on": []}
    slowest = (0.0, "")
    for code in codes:
        codes_col = coverage["area_code"]
        inside = coverage[codes_col.eq(code) | codes_col.str.startswith(code + ".")]
        for segment in SEGMENTS:
            for mode, threshold in (("off", None), ("on", 5)):
                started = time.perf_counter()
                assemble_report(
                    coverage=inside,
                    area_code=code,
                    month=month,
                    segment=segment,
                    target_pct=50.0,
                    threshold=threshold,
                    **shared,
                )
                seconds = time.perf_counter() - started
                times[mode].append(seconds)
                if mode == "on" and seconds > slowest[0]:
                    slowest = (seconds, f"{code} {segment}")
    result = {
        "label": args.label,
        "reports": len(times["on"]),
        "store": str(args.store),
        **{
            f"{mode}_{stat}": round(fn(values), 4)
            for mode, values in times.items()
            for stat, fn in (
                ("total_s", sum),
                ("median_s", statistics.median),
                ("max_s", max),
            )
        },
        "slowest_on": slowest[1],
    }
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"bench_disclosure_{args.label}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
