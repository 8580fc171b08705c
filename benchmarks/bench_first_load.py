"""Bytes a browser transfers for the first load of the map page, measured in Chromium.

Usage: ``python benchmarks/bench_first_load.py [--store DIR] [--baseline DIR] [--runs 2]``

Starts the app (``gunicorn app:server``, as ``make run`` does) on a free port with the demo
users, opens a fresh Chromium context (empty cache, 1400x1000), logs in as each demo user
(``admin``, ``cabang``, ``polres``, ``tamu``: each lands on the map of their territory) and,
from the log-in form's submit on, records every response through the Chrome DevTools Protocol:
``Network.loadingFinished.encodedDataLength`` is what came over the wire (headers and
compressed body), ``Network.dataReceived.dataLength`` summed per request the decoded body.
The load is over when the map is drawn (the graph holds its traces) and the network is
idle. The headline figure is the largest of the roles' medians; one more load as ``admin``
on a 1920x1080 window, where the map page's table starts inside the window (AG Grid is
loaded when a table is shown), is reported beside it. The server's very first
load (bundles not yet in their best compression, see layouts/core/static_assets.py) is kept
apart as ``cold_server_transferred_bytes``; the figures are the loads after it.

Peers in the same run: the decoded bytes (what the same load would transfer without
compression), and with ``--baseline DIR`` the same measurement against another checkout
of the app (e.g. ``/work/main`` before a change), served the same way.

Writes ``benchmarks/results/bench_first_load.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
TARGET_BYTES = 1_000_000
VIEWPORT = (1400, 1000)
#: the demo users (layouts/core/auth.py), each landing on the map of their territory
ROLES = ("admin", "cabang", "polres", "tamu")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(
    app_dir: Path, store: Path, tmp: Path, workers: int
) -> tuple[subprocess.Popen[bytes], str]:
    """``gunicorn app:server`` from ``app_dir`` on a free port, with demo users."""
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(app_dir),
        "CAKUPAN_STORE": str(store),
        "CAKUPAN_BASEMAP": "0",
        "CAKUPAN_USERS": str(tmp / "no-users.json"),
        "CAKUPAN_AUDIT_LOG": str(tmp / "audit.jsonl"),
        "CAKUPAN_STATE_DIR": str(tmp / "state"),
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    cmd = [str(gunicorn), "--workers", str(workers), "--threads", "4"]
    cmd += ["--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(
        [*cmd, "app:server"],
        cwd=app_dir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(url + "/_health", timeout=2):
                return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.terminate()
                raise RuntimeError(f"the app in {app_dir} did not start") from None
            time.sleep(0.3)


def measure(
    browser: Any, url: str, user: str = "admin", viewport: tuple[int, int] = VIEWPORT
) -> dict[str, Any]:
    """One first load of ``/`` after log-in as ``user`` in a fresh context: bytes per resource."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    page.goto(f"{url}/masuk")
    page.fill("#username", user)
    page.fill("#password", f"cakupan-{user}")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: dict[str, str] = {}
    encoding: dict[str, str] = {}
    wire: dict[str, int] = {}
    decoded: dict[str, int] = defaultdict(int)

    def on_response(event: dict[str, Any]) -> None:
        urls[event["requestId"]] = event["response"]["url"]
        headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
        encoding[event["requestId"]] = headers.get("content-encoding", "")

    def on_data(event: dict[str, Any]) -> None:
        decoded[event["requestId"]] += int(event.get("dataLength", 0))

    def on_finished(event: dict[str, Any]) -> None:
        wire[event["requestId"]] = int(event.get("encodedDataLength", 0))

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.dataReceived", on_data)
    cdp.on("Network.loadingFinished", on_finished)
    t0 = time.perf_counter()
    with page.expect_navigation():
        page.click("button[type=submit]")
    # drawn: the graph holds the figure's traces (an empty graph div comes first)
    page.wait_for_function(
        "() => (document.querySelector('#map .js-plotly-plot')?.data || []).length > 0",
        timeout=60_000,
    )
    page.wait_for_load_state("networkidle")
    # a table in view loads AG Grid once the page has settled (assets/lazy_bundles.js,
    # at most SETTLE_MS = 3 s): count what that brings too
    page.wait_for_timeout(3500)
    page.wait_for_load_state("networkidle")
    grid = page.evaluate(
        "() => { const e = document.getElementById('area-table'); if (!e) return null;"
        " return {top: Math.round(e.getBoundingClientRect().top),"
        " loaded: !e.dataset.lazyGrid}; }"
    )
    seconds = time.perf_counter() - t0
    context.close()
    resources = sorted(
        (
            {
                "url": urls.get(rid, "?").split("?")[0].replace(url, ""),
                "transferred": size,
                "decoded": decoded.get(rid, 0),
                "encoding": encoding.get(rid, ""),
            }
            for rid, size in wire.items()
        ),
        key=lambda r: -r["transferred"],
    )
    return {
        "transferred_bytes": sum(r["transferred"] for r in resources),
        "decoded_bytes": sum(r["decoded"] for r in resources),
        "requests": len(resources),
        "seconds": round(seconds, 2),
        "table": grid,  # where the map page's table starts, and whether AG Grid came
        "resources": resources,
    }


def _wait_compressed(folder: Path, resources: list[dict[str, Any]], limit_s: float = 600.0) -> int:
    """Until the app has made the best compression of every static bundle of ``resources``
    (files in ``folder``, its state folder's ``compressed/``; made in the background after
    the first request). A checkout that never makes them: 20 s. Returns how many there are."""
    static = {
        r["url"]
        for r in resources
        if r["url"].startswith(("/_dash-component-suites/", "/assets/"))
        and r["url"].endswith((".js", ".css", ".ico"))
    }
    start = time.monotonic()
    while True:
        done = len(list(folder.glob("*.br"))) if folder.is_dir() else 0
        waited = time.monotonic() - start
        if done >= len(static) or waited > limit_s or (done == 0 and waited > 20):
            return done
        time.sleep(1)


def run(
    app_dir: Path,
    store: Path,
    runs: int,
    browser: Any,
    workers: int,
    roles: tuple[str, ...] = ROLES,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="cakupan-first-load-") as tmp:
        proc, url = serve(app_dir, store, Path(tmp), workers)
        try:
            cold = measure(browser, url)  # the server's first: bundles not yet compressed
            # and one where the table shows, so AG Grid's bundles are asked for (and their
            # best compression made) before any measured load
            shown = measure(browser, url, "admin", (1920, 1080))
            folder = Path(tmp) / "state" / "compressed"
            t0 = time.monotonic()
            made = _wait_compressed(folder, cold["resources"] + shown["resources"])
            print(f"{app_dir}: {made} bundles compressed after {time.monotonic() - t0:.0f} s")
            by_role = {user: [measure(browser, url, user) for _ in range(runs)] for user in roles}
            wide = measure(browser, url, "admin", (1920, 1080))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    roles_out = {
        user: {
            "transferred_bytes_median": statistics.median(x["transferred_bytes"] for x in loads),
            "decoded_bytes_median": statistics.median(x["decoded_bytes"] for x in loads),
            "runs": [{k: v for k, v in x.items() if k != "resources"} for x in loads],
        }
        for user, loads in by_role.items()
    }
    worst = max(roles_out, key=lambda u: roles_out[u]["transferred_bytes_median"])
    return {
        "app_dir": str(app_dir),
        "gunicorn_workers": workers,
        "viewport": list(VIEWPORT),
        "cold_server_transferred_bytes": cold["transferred_bytes"],
        # the largest of the roles' medians: every role's landing is within it
        "transferred_bytes_median": roles_out[worst]["transferred_bytes_median"],
        "decoded_bytes_median": roles_out[worst]["decoded_bytes_median"],
        "largest_role": worst,
        "roles": roles_out,
        # a 1920x1080 screen: the map page's table starts inside the window, so AG Grid
        # (loaded when a table is shown) comes with the first load
        "admin_1920x1080": {k: v for k, v in wide.items() if k != "resources"},
        "resources_first_run": by_role["admin"][0]["resources"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=ROOT / "data" / "processed")
    parser.add_argument("--baseline", type=Path, help="another checkout to measure as the peer")
    parser.add_argument("--runs", type=int, default=2, help="loads per role")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        result: dict[str, Any] = {
            "store": str(args.store),
            "target_bytes": TARGET_BYTES,
            "this": run(ROOT, args.store, args.runs, browser, workers=2),
        }
        if args.baseline:
            # one worker: before this change each worker made its own session key, so a
            # log-in on one worker was unknown to the other
            result["baseline"] = run(args.baseline, args.store, args.runs, browser, workers=1)
        browser.close()
    this = result["this"]
    result["within_target"] = this["transferred_bytes_median"] <= TARGET_BYTES
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / "bench_first_load.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for name in ("this", "baseline"):
        if name in result:
            r = result[name]
            print(
                f"{name:8s} transferred {r['transferred_bytes_median'] / 1e6:.3f} MB "
                f"(decoded {r['decoded_bytes_median'] / 1e6:.2f} MB, {r['largest_role']})"
                f" - {r['app_dir']}"
            )
            for user, role in r["roles"].items():
                print(f"    {user:8s} {role['transferred_bytes_median'] / 1e6:.3f} MB")
            wide = r["admin_1920x1080"]
            print(f"    admin at 1920x1080: {wide['transferred_bytes'] / 1e6:.3f} MB")
            for res in r["resources_first_run"][:8]:
                print(
                    f"    {res['transferred'] / 1e3:8.1f} KB {res['encoding'] or '-':5s}"
                    f" {res['decoded'] / 1e3:8.1f} KB  {res['url']}"
                )
    print(f"-> {out}")


if __name__ == "__main__":
    main()
