"""Timeline benchmark: bytes and server time of one frame of the map's timeline, beside a
month change and a whole new figure of the same view, measured in the same run.

Usage: ``python benchmarks/bench_timeline.py [--store DIR] [--runs 20]``

Flask's test client against ``create_app`` on the demo store (as bench_dashboard.py), as the
demo admin, through ``/_dash-update-component`` with the payloads Dash's renderer posts:

- ``frame``: one tick of the timeline while playing (``layouts/timeline.py``): a ``Patch`` of
  the map's values, the legend and the KPI cards;
- ``month_change`` (peer): the month dropdown changed, the page's own callback: the same
  ``Patch``, plus the table's rows, title and query string;
- ``full_figure`` (peer): the same view drawn anew (a drill-down): the whole figure dict.

Views: the first kabupaten by village, and the whole province by village (the largest).
Writes benchmarks/results/bench_timeline.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

GZIP = {"Accept-Encoding": "gzip"}


def body(dep: dict[str, Any], values: dict[str, Any], changed: str) -> dict[str, Any]:
    """The renderer's request for ``dep`` (from /_dash-dependencies); ``values`` by "id.prop"."""
    parts = dep["output"].strip(".").split("...")
    outputs = [
        {"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1].split("@")[0]} for p in parts
    ]

    def items(entries: list[dict[str, str]]) -> list[dict[str, Any]]:
        return [{**e, "value": values.get(f"{e['id']}.{e['property']}")} for e in entries]

    return {
        "output": dep["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": items(dep["inputs"]),
        "state": items(dep["state"]),
        "changedPropIds": [changed],
    }


def measure(client: Any, request: dict[str, Any], runs: int) -> dict[str, Any]:
    times, sizes, raw = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.post("/_dash-update-component", json=request, headers=GZIP)
        times.append(time.perf_counter() - t0)
        if response.status_code != 200:
            raise SystemExit(f"callback failed: {response.status_code} {response.data[:300]!r}")
        data = response.data
        sizes.append(len(data))
        if response.headers.get("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        raw.append(len(data))
    return {
        "median_ms": round(1000 * statistics.median(times), 1),
        "median_bytes_gzip": int(statistics.median(sizes)),
        "median_bytes_raw": int(statistics.median(raw)),
        "whole_figure": b'"geojson"' in data,  # the geometry's URL: a figure drawn anew
    }


def main() -> None:
    from bench_dashboard import demo_store, login

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    store_dir = args.store or demo_store(ROOT / "benchmarks" / "work")

    from analytics.settings import Settings
    from analytics.store import Store
    from app import create_app

    work = Path(tempfile.mkdtemp(prefix="bench-timeline-"))
    settings = Settings().with_(
        store_dir=store_dir,
        users_path=work / "users.json",  # absent: the demo users are made at start-up
        audit_path=work / "audit.jsonl",
        uploads_dir=work / "uploads",
    )
    app = create_app(settings)
    client = app.server.test_client()
    login(client, "admin", "cakupan-admin")
    deps = client.get("/_dash-dependencies").get_json()
    frame_dep = next(d for d in deps if "timeline-label.children" in d["output"])
    page_dep = next(d for d in deps if d["output"].startswith("..map.figure..."))

    store = Store(store_dir)
    months = sorted({str(m)[:7] for m in store.coverage()["month"].unique()})
    areas = store.areas()
    kab = areas.loc[areas["level"] == "kabupaten", "area_code"].sort_values().iloc[0]
    root = store.meta()["root_codes"][0]
    views = {f"kabupaten_{kab}_desa": kab, f"province_{root}_desa": root}
    result: dict[str, Any] = {"store": str(store_dir), "runs": args.runs, "views": {}}
    for name, area in views.items():
        controls = {
            "map-view.data": {"level": "desa", "area": area},
            "segment.value": "BPU",
            "scheme.value": "target",
            "k.value": 5,
            "layer.value": "coverage",
            "labels.value": [],
            "map-target.value": "100",
            "map-lang.data": "id",
        }
        frame = body(
            frame_dep,
            {
                "timeline-tick.n_intervals": 1,
                "timeline-slider.value": 0,
                "month.value": months[0],
                "timeline-tick.disabled": False,
                **controls,
            },
            "timeline-tick.n_intervals",
        )
        month = body(page_dep, {"month.value": months[1], **controls}, "month.value")
        full = body(page_dep, {"month.value": months[1], **controls}, "map-view.data")
        n = int((areas["level"].eq("desa") & areas["area_code"].str.startswith(area + ".")).sum())
        result["views"][name] = {
            "areas": n,
            "frame": measure(client, frame, args.runs),
            "month_change": measure(client, month, args.runs),
            "full_figure": measure(client, full, args.runs),
        }
    out = ROOT / "benchmarks" / "results" / "bench_timeline.json"
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
