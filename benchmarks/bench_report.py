"""Benchmark: the area report (PDF) for every kabupaten of a store, cold and warm.

* ``cli_cold``: ``cakupan report --area <first kabupaten>`` in a fresh process (imports,
  Chromium start, data, figures, PDF): what a user waits for at the command line;
* ``in_process``: then, in this process, every kabupaten one after the other: the first
  starts Kaleido's browser (cold), the others reuse it (warm), as in the dashboard.

Prints and writes the times to ``benchmarks/results/bench_report.json``.

    .venv/bin/python benchmarks/bench_report.py --store data/processed
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "bench_report.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, default=ROOT / "data" / "processed")
    parser.add_argument("--segment", default="BPU")
    args = parser.parse_args()

    from analytics.report.job import ReportRequest, kabupaten_codes
    from analytics.settings import Settings
    from analytics.store.reader import Store
    from layouts.exports.report_job import build_area_report

    store = Store(args.store)
    codes = kabupaten_codes(store)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "cakupan"), "report", "--area", codes[0],
             "--store", str(args.store), "--out", str(Path(tmp) / "r.pdf")],
            check=True,
            capture_output=True,
        )  # fmt: skip
        cli_cold = time.perf_counter() - started
    settings = Settings.from_env().with_(store_dir=args.store)
    runs = []
    for code in codes:
        started = time.perf_counter()
        pdf = build_area_report(store, settings, ReportRequest(code, "", args.segment))
        runs.append({"area": code, "seconds": round(time.perf_counter() - started, 2),
                     "bytes": len(pdf)})  # fmt: skip
    result = {
        "store": str(args.store),
        "cli_cold_seconds": round(cli_cold, 2),
        "in_process": runs,
        "warm_mean_seconds": round(sum(r["seconds"] for r in runs[1:]) / max(len(runs) - 1, 1), 2),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
