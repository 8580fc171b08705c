"""The all-villages map (/semua-desa) in headless Chromium, measured through CDP.

Measures, on a store with tiles (``--store``; by default a small national store built
here by ``--prepare``: the 83,402 real village boundaries with a small synthetic registry
from :mod:`benchmarks.national_data`):

* the bytes transferred for the first draw of every village at national zoom (goal
  <= 3 MB) and the time until the map is drawn (values applied, tiles loaded, idle);
* the bytes per month change and per segment change (goal <= 300 KB), and the time the
  browser took to apply the new values (``setFeatureState`` over every village);
* the same for the largest province (an admin zoomed to it; a branch user of that
  province sees the same tiles and fewer values).

Bytes as :mod:`benchmarks.bench_first_load` counts them: ``Network.loadingFinished``'s
``encodedDataLength`` (headers and compressed body, what crossed the wire), per resource.
The peer in the same run is the per-kabupaten map (``/``) at village level of the largest
kabupaten of that province: what a user loads today to see a part of it.

    .venv/bin/python benchmarks/bench_tilemap.py --prepare          # build the store once
    .venv/bin/python benchmarks/bench_tilemap.py [--store DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_first_load import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402
from national_data import NATIONAL, WORK, make_registry, make_workforce  # noqa: E402

STORE: Final = WORK / "tilemap_store"
ROWS: Final = 1_000_000
START_MONTH, END_MONTH = "2025-01", "2025-12"
LEVELS: Final = ("provinsi", "kabupaten", "kecamatan", "desa")
TM: Final = "window.cakupanTilemap"


def prepare(
    store: Path = STORE, rows: int = ROWS, boundaries: Path = NATIONAL, seed: int = 1
) -> dict[str, Any]:
    """Build a national store (small registry, one year) and its tiles when missing."""
    import pandas as pd

    from analytics.build.pipeline import BuildInputs, build_store
    from analytics.settings import DEMO_HMAC_KEY, Settings

    out: dict[str, Any] = {"store": str(store)}
    if not (store / "meta.json").is_file():
        began = time.perf_counter()
        inputs = BuildInputs(
            boundaries=boundaries,
            registries=(make_registry(rows, seed, boundaries),),
            workforce=make_workforce(seed, boundaries),
            out=store,
            start=pd.Timestamp(START_MONTH),
            end=pd.Timestamp(END_MONTH),
        )
        build_store(inputs, Settings(demo=True, hmac_key=DEMO_HMAC_KEY))
        out["build_seconds"] = round(time.perf_counter() - began, 1)
    out["tiles"] = write_missing_tiles(store)
    return out


def write_missing_tiles(store: Path) -> dict[str, int]:
    """``tiles/<level>.pmtiles`` from the store's boundaries, for a build that wrote none."""
    import geopandas as gpd
    import pandas as pd

    from analytics.engine.tiles import write_level_tiles

    sizes: dict[str, int] = {}
    for level in LEVELS:
        path = store / "tiles" / f"{level}.pmtiles"
        if not path.is_file():
            files = sorted((store / "geo" / level).glob("*.geojson"))
            if (
                level in ("provinsi", "kabupaten")
                and (store / "geo" / level / "all.geojson").is_file()
            ):
                files = [store / "geo" / level / "all.geojson"]
            frame = pd.concat([gpd.read_file(f) for f in files], ignore_index=True)
            frame = frame.drop_duplicates("id")
            areas = gpd.GeoDataFrame(
                {"area_code": frame["id"], "area_name": frame["name"]},
                geometry=frame.geometry,
                crs="EPSG:4326",
            )
            write_level_tiles(areas, level, path)  # type: ignore[arg-type]
        sizes[level] = path.stat().st_size
    return sizes


class Wire:
    """Bytes over the wire per request (CDP), from the moment it is created."""

    def __init__(self, context: Any, page: Any) -> None:
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.urls: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.decoded: dict[str, int] = defaultdict(int)
        self.cdp.on(
            "Network.requestWillBeSent",
            lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]),
        )
        self.cdp.on(
            "Network.dataReceived",
            lambda e: self.decoded.__setitem__(
                e["requestId"], self.decoded[e["requestId"]] + int(e.get("dataLength", 0))
            ),
        )
        self.cdp.on(
            "Network.loadingFinished",
            lambda e: self.sizes.__setitem__(e["requestId"], int(e.get("encodedDataLength", 0))),
        )

    def reset(self) -> None:
        self.sizes.clear()
        self.decoded.clear()

    def summary(self, base: str) -> dict[str, Any]:
        groups: dict[str, int] = defaultdict(int)
        for rid, size in self.sizes.items():
            url = self.urls.get(rid, "?").replace(base, "").split("?")[0]
            key = "tiles" if url.startswith("/geo/tiles/") else url
            groups[key] += size
        return {
            "transferred_bytes": sum(self.sizes.values()),
            "decoded_bytes": sum(self.decoded.values()),
            "requests": len(self.sizes),
            "by_resource": dict(sorted(groups.items(), key=lambda kv: -kv[1])[:12]),
        }


#: The two ways to colour every village with new values, each timed to the map's next idle
#: (drawn): feature state (what the page does) and one ``match`` expression on ``code``.
REPAINT_JS = """
async () => {
    const d = window.cakupanTilemap.debug();
    const m = d.map;
    const codes = await d.codes();
    const colors = ["#111111", "#222222", "#333333", "#444444", "#555555"];
    const idle = () => new Promise((resolve) => m.once("idle", resolve));
    let t = performance.now();
    for (let i = 0; i < codes.length; i++) {
        m.setFeatureState({source: "desa", sourceLayer: "desa", id: codes[i]},
                          {fill: colors[i % 5]});
    }
    const calls = performance.now() - t;
    m.triggerRepaint();
    await idle();
    const featureState = performance.now() - t;
    const expr = ["match", ["get", "code"]];
    for (let i = 0; i < codes.length; i++) { expr.push(codes[i], colors[(i + 1) % 5]); }
    expr.push("rgba(0,0,0,0)");
    t = performance.now();
    m.setPaintProperty("desa-fill", "fill-color", expr);
    await idle();
    const match = performance.now() - t;
    m.setPaintProperty("desa-fill", "fill-color",
                       ["coalesce", ["feature-state", "fill"], "rgba(0,0,0,0)"]);
    await idle();
    return {villages: codes.length, feature_state_calls: Math.round(calls),
            feature_state_to_idle: Math.round(featureState), match_to_idle: Math.round(match)};
}
"""


def wait_drawn(page: Any, applied: int, timeout_ms: int = 300_000) -> None:
    page.wait_for_function(
        f"() => {{ const d = {TM}?.debug(); return d && d.applied >= {applied} && d.map.loaded()"
        " && d.map.areTilesLoaded() && !d.map.isMoving(); }",
        timeout=timeout_ms,
    )


#: Users of the benchmark's app (its own users file): the admin, and a branch user of the
#: largest province (a regional office: the map fits and colours that province only).
PASSWORD: Final = "bench-tilemap-password"


def write_users(path: Path, province: str) -> None:
    from analytics.access import Role
    from analytics.io.user_store import add_user

    add_user(path, "admin", Role.ADMIN, PASSWORD)
    add_user(path, "kanwil", Role.BRANCH, PASSWORD, areas=frozenset({province}))


def log_in(browser: Any, url: str, user: str = "admin") -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{url}/masuk")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    return context, page


def choose(page: Any, dropdown: str, label: str) -> None:
    page.click(dropdown)
    page.get_by_role("option", name=label).click()


def measure_tilemap(browser: Any, url: str, user: str) -> dict[str, Any]:
    """First draw of ``user``'s territory (the admin: the country), then a month and a
    segment change, each: bytes, seconds, and the browser's time to apply the values."""
    context, page = log_in(browser, url, user)
    wire = Wire(context, page)
    wire.cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    page.goto(f"{url}/semua-desa?month={END_MONTH}&segment=BPU")
    wait_drawn(page, 1)
    drawn_s = time.perf_counter() - t0
    page.wait_for_load_state("networkidle")
    out["first_draw"] = {**wire.summary(url), "seconds_to_drawn": round(drawn_s, 2)}
    out["first_draw"]["villages_drawn"] = page.evaluate(
        f"() => new Set({TM}.debug().map.queryRenderedFeatures({{layers: ['desa-fill']}})"
        ".map(f => f.properties.code)).size"
    )
    out["first_draw"]["apply_ms"] = round(page.evaluate(f"() => {TM}.debug().lastApplyMs"), 1)
    out["repaint_ms"] = page.evaluate(REPAINT_JS)
    for name, dropdown, label, n in (
        ("month_change", "#tm-month", None, 2),
        ("segment_change", None, "PU (penerima upah)", 3),
    ):
        page.wait_for_timeout(500)
        wire.reset()
        t1 = time.perf_counter()
        if dropdown:
            page.click(dropdown)
            page.locator(".dash-dropdown-option, [role=option]").nth(3).click()
        else:
            page.get_by_label(label).check()
        wait_drawn(page, n)
        seconds = time.perf_counter() - t1
        page.wait_for_load_state("networkidle")
        out[name] = {
            **wire.summary(url),
            "seconds": round(seconds, 2),
            "apply_ms": round(page.evaluate(f"() => {TM}.debug().lastApplyMs"), 1),
        }
    context.close()
    return out


def measure_kabupaten_map(browser: Any, url: str, kabupaten: str) -> dict[str, Any]:
    """The peer: today's per-kabupaten map at village level (GeoJSON, Plotly)."""
    context, page = log_in(browser, url)
    wire = Wire(context, page)
    wire.cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    t0 = time.perf_counter()
    page.goto(f"{url}/?level=desa&area={kabupaten}&month={END_MONTH}&segment=BPU")
    gd = "document.querySelector('#map .js-plotly-plot')"
    page.wait_for_function(
        f"() => {{ const m = {gd}?._fullLayout?.map?._subplot?.map;"
        " return m && m.loaded() && m.getStyle().layers.length > 1; }",
        timeout=300_000,
    )
    seconds = time.perf_counter() - t0
    page.wait_for_load_state("networkidle")
    first = {**wire.summary(url), "seconds_to_drawn": round(seconds, 2)}
    context.close()
    return {"kabupaten": kabupaten, "first_draw": first}


def largest(store: Path) -> tuple[str, str, int]:
    """(largest province by villages, its largest kabupaten, its villages)."""
    import pandas as pd

    areas = pd.read_parquet(store / "areas.parquet")
    prov = areas[areas["level"] == "provinsi"].sort_values("villages").iloc[-1]
    kabs = areas[
        (areas["level"] == "kabupaten") & areas["area_code"].str.startswith(prov.area_code + ".")
    ]
    kab = kabs.sort_values("villages").iloc[-1]
    return str(prov.area_code), str(kab.area_code), int(prov.villages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=STORE)
    parser.add_argument("--prepare", action="store_true", help="build the store and its tiles")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--boundaries", type=Path, default=NATIONAL, help="the national village boundaries"
    )
    parser.add_argument("--rows", type=int, default=ROWS, help="registry rows (--prepare)")
    parser.add_argument(
        "--seed", type=int, default=1, help="inputs' seed; another one for other boundaries"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--name", default="tilemap", help="results file: <out>/<name>.json")
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(args.store, args.rows, args.boundaries, args.seed)))
        return
    from playwright.sync_api import sync_playwright

    province, kabupaten, province_villages = largest(args.store)
    result: dict[str, Any] = {
        "store": str(args.store),
        "tiles_bytes": {
            lvl: (args.store / "tiles" / f"{lvl}.pmtiles").stat().st_size for lvl in LEVELS
        },
        "largest_province": {"code": province, "villages": province_villages},
        "goals": {"first_draw_bytes": 3_000_000, "change_bytes": 300_000},
    }
    with tempfile.TemporaryDirectory(prefix="cakupan-tilemap-") as tmp, sync_playwright() as p:
        write_users(Path(tmp) / "no-users.json", province)  # serve() points the app at it
        proc, url = serve(ROOT, args.store, Path(tmp), args.workers)
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            result["national"] = measure_tilemap(browser, url, "admin")
            result["national_again"] = measure_tilemap(browser, url, "admin")  # server warm
            result["province"] = measure_tilemap(browser, url, "kanwil")
            result["peer_kabupaten_map"] = measure_kabupaten_map(browser, url, kabupaten)
            browser.close()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{args.name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
