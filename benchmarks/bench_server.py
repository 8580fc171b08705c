"""The app server on a (national) store: memory of the workers, a fresh worker's first
answer, 20 concurrent users and territory leaks, for this checkout and a peer checkout.

Usage::

    .venv/bin/python benchmarks/bench_server.py --store DIR [--peer /path/to/other/checkout]
        [--workers 4] [--threads 4] [--users 20] [--duration 60] [--warmup 60]

Each checkout (this one, then ``--peer``, e.g. the main branch before the shared store)
is served as ``make run`` does (``gunicorn --workers W --threads T app:server``,
``CAKUPAN_WARM=1``, production mode) on 127.0.0.1 with the same temporary users (one admin,
branch users per kabupaten, viewers per kecamatan: ``load_territories.simulated_users``).
Per server, in order:

1. ``start_s``: from starting gunicorn to ``/_health`` answering.
2. ``first_answers``: right after that, one map callback (the country, or the user's
   own area) per worker, sent at once by fresh log-ins: the first answer of fresh workers.
3. An untimed warm-up (``--warmup`` s) of every user, then ``--duration`` seconds of the
   load test of ``load_territories.py`` (layout, pages, the map callback at two levels,
   boundary files, crafted requests for another territory that must get 403), every
   response checked for area codes outside the user's territory.
4. Memory of the master and every worker from ``/proc/<pid>/smaps_rollup`` (RSS, PSS, USS)
   after the load test, and the workers' peak (``VmHWM``).

Loopback only; every loop is bounded by time. Results:
``benchmarks/results/bench_server_<store>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Final

import requests

ROOT: Final = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import load_territories as lt  # noqa: E402  (the load test's users, requests and checks)
from bench_shared_store import smaps  # noqa: E402

from analytics.io.user_store import add_user  # noqa: E402

RESULTS: Final = ROOT / "benchmarks" / "results"


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except OSError:
        return []


def _hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _login(base: str, name: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/masuk", timeout=60).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on /masuk"
    data = {"username": name, "password": lt.PASSWORD, "csrf_token": token.group(1)}
    response = session.post(base + "/masuk", data=data, allow_redirects=False, timeout=60)
    assert response.status_code == 302, f"log-in of {name}: {response.status_code}"
    return session


def first_answers(
    base: str, sims: list[lt.Simulated], map_dep: dict[str, Any], n: int, tally: lt.Tally
) -> list[dict[str, Any]]:
    """``n`` users' first map callbacks, sent at once (one per fresh worker, most likely)."""
    out: list[dict[str, Any]] = []
    sessions = [(sim, _login(base, sim.user.name)) for sim in sims[:n]]

    def ask(sim: lt.Simulated, session: requests.Session) -> None:
        view = {"level": "kabupaten", "area": ""}
        if sim.user.territory.areas:
            view = {"level": "desa", "area": sim.own[0]}
        values = {"map-view.data": view, "segment.value": "BPU"}
        began = time.perf_counter()
        response = session.post(
            base + "/_dash-update-component", json=lt._payload(map_dep, values), timeout=300
        )
        seconds = time.perf_counter() - began
        lt._check(sim, "first_map", response.text, tally)
        out.append(
            {"user": sim.user.name, "status": response.status_code, "seconds": round(seconds, 3)}
        )

    threads = [threading.Thread(target=ask, args=pair) for pair in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=400)
    return out


def serve(
    label: str, code: Path, sims: list[lt.Simulated], store: Path, args: argparse.Namespace
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="cakupan-server-") as tmp:
        users_file = Path(tmp) / "users.json"
        for sim in sims:
            t = sim.user.territory
            add_user(
                users_file,
                sim.user.name,
                sim.user.role,
                lt.PASSWORD,
                areas=t.areas,
                polres=t.polres,
            )
        port = lt._free_port()
        env = {
            **os.environ,
            "PYTHONPATH": str(code),
            "CAKUPAN_MODE": "production",
            "CAKUPAN_SECRET_KEY": secrets.token_urlsafe(48),
            "CAKUPAN_HMAC_KEY": secrets.token_urlsafe(48),
            "CAKUPAN_USERS": str(users_file),
            "CAKUPAN_STORE": str(store),
            "CAKUPAN_AUDIT_LOG": str(Path(tmp) / "audit.jsonl"),
            "CAKUPAN_UPLOADS": str(Path(tmp) / "uploads"),
            "CAKUPAN_STATE_DIR": str(Path(tmp) / "state"),
            "CAKUPAN_WARM": "1",
            "CAKUPAN_DEBUG": "0",
        }
        cmd = [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers", str(args.workers),
            "--threads", str(args.threads),
            "--timeout", "300",
            "--bind", f"127.0.0.1:{port}",
            "app:server",
        ]  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        log_path = Path(tmp) / "app.log"
        log = log_path.open("wb")
        began = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=code, env=env, stdout=log, stderr=subprocess.STDOUT)
        tally = lt.Tally()
        try:
            lt._wait(base, proc, timeout=300)
            start_s = time.perf_counter() - began
            admin = _login(base, "admin")
            deps = admin.get(base + "/_dash-dependencies", timeout=60).json()
            map_dep = next(d for d in deps if "map.figure" in d["output"].split("@")[0])
            first = first_answers(base, sims, map_dep, args.workers, tally)
            first_done_s = time.perf_counter() - began
            warm = lt.Tally()
            lt._run_all(base, sims, map_dep, 0, args.warmup, warm)
            load_before = os.getloadavg()[0]
            wall = lt._run_all(base, sims, map_dep, 0, args.duration, tally)
            load_after = os.getloadavg()[0]
            workers = _children(proc.pid)
            memory = {
                "master": smaps(proc.pid),
                "workers": [smaps(pid) for pid in workers],
                "workers_peak_mb": [_hwm_mb(pid) for pid in workers],
            }
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
        errors_log = [
            line
            for line in log_path.read_text(errors="replace").splitlines()
            if "Traceback" in line or "ERROR" in line
        ][:10]
    every = [v for values in tally.latencies.values() for v in values]
    parts = [memory["master"], *memory["workers"]]
    totals = {k: round(sum(p[k] for p in parts), 1) for k in ("rss_mb", "pss_mb", "uss_mb")}
    commit = subprocess.run(
        ["git", "-C", str(code), "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    return {
        "server": label,
        "code": str(code),
        "commit": commit,
        "workers": args.workers,
        "threads": args.threads,
        "start_s": round(start_s, 2),
        "first_answers": first,
        "first_answers_done_s": round(first_done_s, 2),
        "warmup_s": args.warmup,
        "warmup_leaks": len(warm.leaks),
        "warmup_errors": len(warm.errors),
        "duration_s": args.duration,
        "load_average_1min": {"before": round(load_before, 1), "after": round(load_after, 1)},
        "requests": tally.requests,
        "requests_per_second": round(tally.requests / wall, 1) if wall else None,
        "latency_all": lt._percentiles(every),
        "latency_by_request": {k: lt._percentiles(v) for k, v in sorted(tally.latencies.items())},
        "crafted_requests_refused": tally.refused_ok,
        "crafted_requests_not_refused": len(tally.refused_missing),
        "area_codes_checked": tally.codes_checked,
        "leak_count": len(tally.leaks) + len(warm.leaks),
        "leaks": (tally.leaks + warm.leaks)[:20],
        "error_count": len(tally.errors),
        "errors": tally.errors[:20],
        "memory": memory,
        "memory_total_mb": totals,
        "log_errors": errors_log,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--peer", type=Path, help="another checkout served the same way")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=60.0)
    parser.add_argument("--order", default="this,peer", help="which server runs first")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    store = args.store.resolve()
    sims = lt.simulated_users(store, args.users)
    runs: dict[str, Any] = {}
    for which in args.order.split(","):
        if which == "peer" and args.peer is None:
            continue
        code = ROOT if which == "this" else args.peer.resolve()
        label = f"{which}: gunicorn {args.workers} workers x {args.threads} threads ({code})"
        runs[which] = serve(label, code, sims, store, args)
        brief = {
            k: runs[which][k]
            for k in (
                "start_s",
                "first_answers",
                "latency_all",
                "memory_total_mb",
                "leak_count",
                "error_count",
            )
        }
        print(json.dumps({which: brief}), flush=True)
    result = {
        "store": str(store),
        "users": {
            role: sum(s.user.role == role for s in sims)
            for role in ("admin", "branch", "police", "viewer")
        },
        "cpu_count": os.cpu_count(),
        "runs": runs,
    }
    out = args.out or RESULTS / f"bench_server_{store.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    bad = sum(r["leak_count"] + r["crafted_requests_not_refused"] for r in runs.values())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
