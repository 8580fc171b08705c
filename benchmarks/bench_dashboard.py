"""Dashboard benchmark: bytes on first load, bytes and server time per hot change.

Usage: ``python benchmarks/bench_dashboard.py [--store DIR] [--runs 30]``

Uses Flask's test client against ``create_app`` (no browser): the map page of the demo
province at village level, its GeoJSON (gzipped), and the map callback through
``/_dash-update-component`` with real payloads for month, segment and classification
changes. The peer in the same run is what the ``Patch`` approach avoids: a rebuilt
``go.Figure`` with the village geometry embedded. Targets (from the issue): <= 1.5 MB first
load, <= 30 KB and <= 100 ms median per change. Writes benchmarks/results/bench_dashboard.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GZIP = {"Accept-Encoding": "gzip"}


def demo_store(work: Path) -> Path:
    """data/processed when built, else the demo built into benchmarks/work/."""
    processed = ROOT / "data" / "processed"
    if (processed / "meta.json").is_file():
        return processed
    out = work / "processed"
    if (out / "meta.json").is_file():
        return out
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import build_demo_store  # the same commands as the tests

    return build_demo_store(work)


def login(client: Any, name: str, password: str) -> None:
    """Log in through the real form (CSRF token included), as a user would."""
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no log-in form at /masuk")
    response = client.post(
        "/masuk",
        data={"username": name, "password": password, "csrf_token": token.group(1), "next": "/"},
    )
    if response.status_code != 302:
        raise SystemExit(f"log-in as {name} failed ({response.status_code})")


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def first_load(client: Any, query: str) -> dict[str, Any]:
    html = client.get("/" + query, headers=GZIP)
    page = (
        gzip.decompress(html.data).decode()
        if html.headers.get("Content-Encoding")
        else html.get_data(as_text=True)
    )
    scripts = re.findall(r'src="([^"]+\.js[^"]*)"', page)
    styles = re.findall(r'href="([^"]+\.css[^"]*)"', page)
    bundle_bytes = 0
    for url in scripts + styles:
        bundle_bytes += len(client.get(url, headers=GZIP).data)
    layout = client.get("/_dash-layout", headers=GZIP)
    deps = client.get("/_dash-dependencies", headers=GZIP)
    return {
        "html_gzip": len(html.data),
        "bundles_gzip": bundle_bytes,
        "layout_gzip": len(layout.data),
        "dependencies_gzip": len(deps.data),
        "n_bundles": len(scripts) + len(styles),
    }


def map_callback(client: Any) -> dict[str, Any]:
    deps = client.get("/_dash-dependencies").get_json()
    for dep in deps:
        if dep["output"].startswith("..map.figure...") and any(
            i["id"] == "map-view" for i in dep["inputs"]
        ):
            return dep
    raise SystemExit("map callback not found in /_dash-dependencies")


def payload(dep: dict[str, Any], values: dict[str, Any], changed: str) -> dict[str, Any]:
    def outputs() -> list[dict[str, str]]:
        parts = dep["output"].strip(".").split("...")
        return [
            {"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1].split("@")[0]}
            for p in parts
        ]

    return {
        "output": dep["output"],
        "outputs": outputs(),
        "inputs": [
            {"id": i["id"], "property": i["property"], "value": values[i["id"]]}
            for i in dep["inputs"]
        ],
        "state": [
            {"id": s["id"], "property": s["property"], "value": values[s["id"]]}
            for s in dep["state"]
        ],
        "changedPropIds": [changed],
    }


def time_changes(
    client: Any,
    dep: dict[str, Any],
    base: dict[str, Any],
    runs: int,
    changes: list[tuple[str, Any]],
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for key, values in changes:
        times, cpu, sizes, raw = [], [], [], []
        for i in range(runs):
            body = payload(dep, {**base, key: values[i % len(values)]}, f"{key}.value")
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.post("/_dash-update-component", json=body, headers=GZIP)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            assert response.status_code == 200, response.data[:300]
            sizes.append(len(response.data))
            data = response.data
            if response.headers.get("Content-Encoding") == "gzip":
                data = gzip.decompress(data)
            raw.append(len(data))
            assert b'"geojson"' not in data, "a hot change must not send geometry"
        results[key] = {
            "median_ms": round(1000 * statistics.median(times), 1),
            "p90_ms": round(1000 * sorted(times)[int(0.9 * len(times)) - 1], 1),
            # CPU time of this process: the same work without the wait for a shared core
            "median_cpu_ms": round(1000 * statistics.median(cpu), 1),
            "median_bytes_gzip": int(statistics.median(sizes)),
            "median_bytes_raw": int(statistics.median(raw)),
        }
    return results


def peer_full_figure(
    geojson_path: Path, codes: list[str] | None, runs: int, featureidkey: str = "id"
) -> dict[str, Any]:
    """A rebuilt go.Figure with the geometry inside (what the Patch approach avoids)."""
    import plotly.graph_objects as go

    geojson = json.loads(geojson_path.read_text(encoding="utf-8"))
    if codes is None:
        codes = [f["properties"]["kode"] for f in geojson["features"]]
    times, size = [], 0
    for i in range(max(3, runs // 10)):
        t0 = time.perf_counter()
        fig = go.Figure(
            go.Choroplethmap(
                geojson=geojson,
                locations=codes,
                z=[(j + i) % 5 for j in range(len(codes))],
                featureidkey="id",
            )
        )
        body = fig.to_json().encode()
        times.append(time.perf_counter() - t0)
        size = _gz(body)
    return {
        "median_ms": round(1000 * statistics.median(times), 1),
        "bytes_gzip": size,
        "areas": len(codes),
        "geojson": str(geojson_path),
    }


def national_views(store: Any) -> list[tuple[str, str, str]]:
    """(name, area, level) of the views a national user walks through: the country by
    kabupaten, the province with most kabupaten, the kabupaten with most villages by
    kecamatan and by village (the largest change payload), and the kabupaten with the
    largest village geometry file (the heaviest drill-down)."""
    areas = store.areas()
    kab = areas.loc[areas["level"] == "kabupaten", "area_code"]
    desa = areas.loc[areas["level"] == "desa", "area_code"]
    province = kab.str[:2].value_counts().idxmax()
    biggest = desa.str[:5].value_counts().idxmax()
    files = [p for p in (store.root / "geo" / "desa").glob("*.geojson") if len(p.stem) == 5]
    heaviest = max(files, key=lambda p: p.stat().st_size).stem
    views = [
        ("country_kabupaten", "", "kabupaten"),
        (f"province_{province}_kabupaten", province, "kabupaten"),
        (f"kabupaten_{biggest}_kecamatan", biggest, "kecamatan"),
        (f"kabupaten_{biggest}_desa", biggest, "desa"),
    ]
    if heaviest != biggest:
        views.append((f"kabupaten_{heaviest}_desa", heaviest, "desa"))
    return views


def _geo_urls(callback_json: bytes) -> list[str]:
    """The /geo/ files a browser fetches for a drawn map (its traces name them by URL)."""
    figure = json.loads(callback_json)["response"]["map"]["figure"]
    return sorted(
        {t["geojson"] for t in figure["data"] if str(t.get("geojson", "")).startswith("/geo/")}
    )


def measure_view(
    client: Any, dep: dict[str, Any], base: dict[str, Any], months: list[str], runs: int
) -> dict[str, Any]:
    """Bytes of drawing one view (the full callback and the geometry it names) and the
    bytes and server time of each hot change in that view."""
    t0 = time.perf_counter()
    full = client.post(
        "/_dash-update-component", json=payload(dep, base, "map-view.data"), headers=GZIP
    )
    full_ms = 1000 * (time.perf_counter() - t0)
    assert full.status_code == 200, full.data[:300]
    t0 = time.perf_counter()  # again, with the store's caches filled: a later drill-down
    client.post("/_dash-update-component", json=payload(dep, base, "map-view.data"))
    warm_ms = 1000 * (time.perf_counter() - t0)
    body = gzip.decompress(full.data) if full.headers.get("Content-Encoding") else full.data
    geo = {}
    for url in _geo_urls(body):
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200, url
        geo[url.split("?")[0]] = len(response.data)
    changes = [
        ("month", list(reversed(months[-13:-1]))),
        ("segment", ["ALL", "PU", "BPU"]),
        ("scheme", ["quantiles", "equal_interval", "natural_breaks", "targets"]),
        ("map-target", ["ucj", "100"]),
    ]
    return {
        "view": base["map-view"],
        "draw_callback_gzip": len(full.data),
        "draw_callback_ms_first": round(full_ms, 1),
        "draw_callback_ms_warm": round(warm_ms, 1),
        "geojson_gzip": geo,
        "draw_total_gzip": len(full.data) + sum(geo.values()),
        "hot_changes": time_changes(client, dep, base, runs, changes),
    }


def national(
    client: Any, store: Any, months: list[str], runs: int, page: dict[str, Any]
) -> dict[str, Any]:
    """Issue 8's targets on a national store: <= 1 MB first load of the country's
    kabupaten map, <= 400 KB villages of one kabupaten, <= 50 KB and <= 200 ms per change."""
    dep = map_callback(client)
    views = {}
    for name, area, level in national_views(store):
        base = {**BASE, "map-view": {"level": level, "area": area}, "month": months[-1]}
        views[name] = measure_view(client, dep, base, months, runs)
    hot = [c for v in views.values() for c in v["hot_changes"].values()]
    country = views["country_kabupaten"]
    village_files = [
        size for v in views.values() for url, size in v["geojson_gzip"].items() if "/desa/" in url
    ]
    village_views = [v["draw_total_gzip"] for k, v in views.items() if k.endswith("_desa")]
    # the page itself (HTML, layout, dependencies) and the country map; JS bundles apart
    first = page["html_gzip"] + page["layout_gzip"] + page["dependencies_gzip"]
    first += country["draw_total_gzip"]
    return {
        "views": views,
        "country_first_load_gzip": first,
        "country_first_load_with_bundles_gzip": first + page["bundles_gzip"],
        # a village view also draws the kecamatan outline (often cached from the kecamatan
        # view the user drilled through) and the values: the whole, for the record
        "largest_village_file_gzip": max(village_files),
        "largest_village_view_total_gzip": max(village_views),
        "targets": {
            "country_first_load_bytes": 1_000_000,
            "kabupaten_villages_bytes": 400_000,
            "change_bytes": 50_000,
            "change_ms": 200,
        },
        "meets_targets": {
            "country_first_load": first <= 1_000_000,
            "kabupaten_villages": max(village_files) <= 400_000,
            "change_bytes": all(c["median_bytes_gzip"] <= 50_000 for c in hot),
            "change_ms": all(c["median_ms"] <= 200 for c in hot),
        },
    }


BASE: dict[str, Any] = {
    "segment": "BPU",
    "scheme": "targets",
    "k": 5,
    "layer": "coverage",
    "labels": [],
    "map-lang": "id",
    "map-target": "100",
    "map-target-custom": None,
}


def _context() -> dict[str, Any]:
    return {
        "load_average": Path("/proc/loadavg").read_text().split()[:3]
        if Path("/proc/loadavg").exists()
        else None,
        "python": sys.version.split()[0],
        "git": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--out", type=Path, default=None, help="result file (default by the store's kind)"
    )
    args = parser.parse_args()
    work = ROOT / "benchmarks" / "work"
    work.mkdir(parents=True, exist_ok=True)
    store_dir = args.store or demo_store(work)

    from analytics.settings import Settings
    from analytics.store.reader import Store
    from app import create_app

    settings = Settings().with_(store_dir=store_dir)
    app = create_app(settings)
    client = app.server.test_client()
    login(client, "admin", "cakupan-admin")  # the documented demo admin (sees every area)
    store = Store(store_dir)
    months = sorted({str(m)[:7] for m in store.coverage()["month"].unique()})
    if len(store.meta()["root_codes"]) > 1:
        t0 = time.perf_counter()
        load = first_load(client, "")
        load["first_page_seconds"] = round(time.perf_counter() - t0, 2)
        result = {
            "store": str(store_dir),
            "first_load_bytes": load,
            **national(client, store, months, args.runs, load),
            **_context(),
        }
        out = args.out or ROOT / "benchmarks" / "results" / "bench_dashboard_national.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2), encoding="utf-8")
        print(json.dumps(result, indent=2))
        return
    root = store.meta()["root_codes"][0]
    query = f"?level=desa&area={root}"
    load = first_load(client, query)
    geo = client.get("/geo/desa/all.geojson", headers=GZIP)
    areas = store.areas()
    codes = sorted(areas.loc[areas["level"] == "desa", "area_code"])
    load["geojson_gzip"] = len(geo.data)
    load["geojson_raw"] = store.geojson_path("desa", "all").stat().st_size
    outline = client.get("/geo/kecamatan/all.geojson", headers=GZIP)
    load["outline_geojson_gzip"] = len(outline.data)

    dep = map_callback(client)
    base = {**BASE, "map-view": {"level": "desa", "area": root}, "month": months[-1]}
    # the initial (full) call, as the browser makes it on first load
    first = client.post(
        "/_dash-update-component", json=payload(dep, base, "map-view.data"), headers=GZIP
    )
    load["initial_map_callback_gzip"] = len(first.data)
    load["total_without_bundles"] = (
        load["html_gzip"]
        + load["layout_gzip"]
        + load["dependencies_gzip"]
        + load["geojson_gzip"]
        + load["outline_geojson_gzip"]
        + load["initial_map_callback_gzip"]
    )
    load["total_with_bundles"] = load["total_without_bundles"] + load["bundles_gzip"]

    changes = [
        ("month", list(reversed(months[-13:-1]))),
        ("segment", ["ALL", "PU", "BPU"]),
        ("scheme", ["quantiles", "equal_interval", "natural_breaks", "targets"]),
        ("map-target", ["ucj", "100"]),
    ]
    hot = time_changes(client, dep, base, args.runs, changes)
    peer = peer_full_figure(store.geojson_path("desa", "all"), codes, args.runs)
    # The demo's synthetic polygons are simple; real boundaries (DIY: 438 villages, 63k
    # vertices) show what embedding geometry in every response would cost.
    diy = ROOT.parent / "shared" / "data" / "diy" / "diy_desa_cahyadsn_kepmendagri2025.geojson"
    peer_real = (
        peer_full_figure(diy, None, args.runs, featureidkey="properties.kode")
        if diy.is_file()
        else None
    )
    result = {
        "store": str(store_dir),
        "villages_in_view": len(codes),
        "first_load_bytes": load,
        "hot_changes": hot,
        "peer_full_figure_with_geometry": peer,
        "peer_full_figure_with_real_diy_geometry": peer_real,
        "targets": {"first_load_bytes": 1_500_000, "change_bytes": 30_000, "change_ms": 100},
        "meets_targets": {
            "first_load_without_bundles": load["total_without_bundles"] <= 1_500_000,
            "first_load_with_bundles": load["total_with_bundles"] <= 1_500_000,
            "change_bytes": all(v["median_bytes_gzip"] <= 30_000 for v in hot.values()),
            "change_ms": all(v["median_ms"] <= 100 for v in hot.values()),
        },
        **_context(),
    }
    out = ROOT / "benchmarks" / "results" / "bench_dashboard.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
