"""The outreach page (/penjangkauan) and ``cakupan plan`` on a store with officers.

* ``--build``: writes the national store with outreach, ``benchmarks/work/
  store_outreach_<rows>``: the real national boundaries, the synthetic registry
  (:func:`national_data.make_registry`), workforce, roster and events (about 41,000
  officers for 83,402 villages, 100,000 events in 2024-2025).
* :func:`bench_outreach_page` (called by ``bench_pages.py``): the page's layout and every
  callback (Polsek choices, plan with map and tables, impact, XLSX and PDF downloads),
  first call and warm, wall and CPU, bytes, for the logged-in client it is given.
* :func:`bench_plan_cli`: ``cakupan plan`` for one Polres and for one whole province, each
  in a fresh process, as a scheduled job runs it.

    .venv/bin/python benchmarks/bench_outreach.py --build --rows 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

PLAN_INPUTS = (
    "outreach-polres",
    "outreach-polsek",
    "outreach-weeks",
    "outreach-capacity",
    "outreach-w-gap",
    "outreach-w-coverage",
    "outreach-w-pace",
    "outreach-w-recency",
)


def outreach_store_dir(rows: int) -> Path:
    from national_data import WORK

    return WORK / f"store_outreach_{rows}"


def build_outreach_store(rows: int, seed: int = 1) -> dict[str, Any]:
    """Build the national store with roster and events (about 10 minutes, geometry)."""
    import pandas as pd
    from bench_build import _peak_mb
    from national_data import NATIONAL, make_events, make_registry, make_roster, make_workforce

    from analytics.build.pipeline import BuildInputs, build_store
    from analytics.settings import DEMO_HMAC_KEY, Settings

    inputs = BuildInputs(
        boundaries=NATIONAL,
        registries=(make_registry(rows, seed),),
        workforce=make_workforce(seed),
        out=outreach_store_dir(rows),
        start=pd.Timestamp("2023-01"),
        end=pd.Timestamp("2025-12"),
        roster=make_roster(seed),
        events=make_events(seed),
    )
    began = time.perf_counter()
    result = build_store(inputs, Settings(demo=True, hmac_key=DEMO_HMAC_KEY), engine_name="pandas")
    recon = result.reconciliation
    return {
        "store": str(result.store_dir),
        "seconds": round(time.perf_counter() - began, 1),
        "timings": result.timings,
        "peak_mb": round(_peak_mb()),
        "coverage_rows": result.coverage_rows,
        "roster": recon.get("roster"),
        "events": recon.get("events"),
    }


def busiest_polres(officers: Any) -> dict[str, Any]:
    """The Polres with most villages (the worst case of the page), its Polsek with most
    officers, its kabupaten and its province."""
    villages = officers.groupby("polres")["village_code"].nunique()
    polres = str(villages.idxmax())
    mine = officers[officers["polres"] == polres]
    polsek = str(mine.groupby("polsek")["nrp"].nunique().idxmax())
    kabupaten = sorted(set(mine["village_code"].str.slice(0, 5)))
    return {
        "polres": polres,
        "polsek": polsek,
        "kabupaten": kabupaten[0],
        "province": kabupaten[0][:2],
        "polres_villages": int(villages.max()),
        "polres_officers": int(mine["nrp"].nunique()),
        "polsek_officers": int(mine.loc[mine["polsek"] == polsek, "nrp"].nunique()),
    }


def plan_values(found: dict[str, dict[str, Any]], **changes: Any) -> dict[str, Any]:
    """The plan callback's inputs as the page holds them, with ``changes`` applied
    (``polres=...``, ``polsek=...``); the first key is the input that changed."""
    values = {f"{i}.value": found.get(i, {}).get("value") for i in PLAN_INPUTS}
    for name, value in changes.items():
        values[f"outreach-{name}.value"] = value
    first = next((f"outreach-{n}.value" for n in changes), f"{PLAN_INPUTS[0]}.value")
    values = {first: values.pop(first), **values}
    values["outreach-lang.data"] = found.get("outreach-lang", {}).get("data", "id")
    return values


def bench_outreach_page(
    client: Any,
    measure: Callable[..., dict[str, Any]],
    component_values: Callable[[Any], dict[str, dict[str, Any]]],
    target: dict[str, Any],
    runs: int,
) -> dict[str, Any]:
    """Every callback of /penjangkauan for ``client`` on ``target``'s Polres and Polsek.

    ``measure(call, runs)`` times a call returning (raw, gzip) bytes; the plan and impact
    are timed for one Polsek and for the whole Polres ("semua Polsek")."""
    query = f"?polres={target['polres']}&polsek={target['polsek']}&lang=id"
    out: dict[str, Any] = {"layout": measure(lambda: client.page("/penjangkauan", query)[:2], runs)}
    found = component_values(client.page("/penjangkauan", query)[2])
    if "outreach-polres" not in found:
        out["note"] = "no outreach roster in this store: the page says so and has no callbacks"
        return out
    out["polres_choices"] = len(found["outreach-polres"].get("options") or [])
    out["polsek_choices_in_layout"] = len(found["outreach-polsek"].get("options") or [])
    polres = {"outreach-polres.value": target["polres"], "outreach-lang.data": "id"}
    out["polsek_choices"] = measure(
        lambda: client.post("outreach-polsek.options", polres)[:2], runs
    )
    polsek = plan_values(found, polres=target["polres"], polsek=target["polsek"])
    whole = plan_values(found, polres=target["polres"], polsek="all")
    for name, values in (("polsek", polsek), ("polres_all_polsek", whole)):
        out[f"plan_{name}"] = measure(
            lambda v=values: client.post("outreach-map.figure", v)[:2], runs
        )
        out[f"impact_{name}"] = measure(
            lambda v=values: client.post("outreach-impact-text.children", v)[:2], runs
        )
    _, _, body = client.post("outreach-map.figure", polsek)
    response = body["response"]
    out["polsek_plan_rows"] = {
        grid: len(response[grid]["rowData"])
        for grid in ("outreach-plan", "outreach-priority", "outreach-unassigned")
    }
    _, _, body = client.post("outreach-impact-text.children", polsek)
    out["impact_text"] = [
        p["props"]["children"] for p in body["response"]["outreach-impact-text"]["children"]
    ][:2]
    few = max(1, min(runs, 2))
    for kind in ("xlsx", "pdf"):
        values = {f"outreach-{kind}-button.n_clicks": 1, **polsek}
        del values["outreach-lang.data"]
        out[f"download_{kind}"] = measure(
            lambda v=values, k=kind: client.post(f"outreach-{k}.data", v)[:2], few
        )
    return out


def bench_plan_cli(store_dir: Path, target: dict[str, Any]) -> dict[str, Any]:
    """``cakupan plan`` in a fresh process: one Polres, then one whole province."""
    cli = str(Path(sys.executable).with_name("cakupan"))
    out: dict[str, Any] = {}
    for name, scope in (
        ("polres", ["--polres", target["polres"]]),
        ("province", ["--area", target["province"]]),
    ):
        folder = Path(tempfile.mkdtemp(prefix=f"bench-plan-{name}-"))
        command = [cli, "plan", "--store", str(store_dir), "--out", str(folder), *scope]
        command += ["--start", "2026-01-05"]
        began = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M %U %S", *command],
            capture_output=True,
            text=True,
            env=dict(os.environ),
            check=False,
        )
        seconds = time.perf_counter() - began
        peak_kb, user, system = done.stderr.strip().splitlines()[-1].split()
        files = sorted(folder.iterdir())
        out[name] = {
            "scope": " ".join(scope),
            "exit_code": done.returncode,
            "seconds": round(seconds, 1),
            "cpu_seconds": round(float(user) + float(system), 1),
            "peak_mb": round(int(peak_kb) / 1024),
            "files": len(files),
            "bytes": sum(f.stat().st_size for f in files),
        }
    return out


def bench_outreach_users(
    admin: Any,
    client: Callable[[str, str], Any],
    store: Any,
    users: Path,
    runs: int,
    tools: tuple[Callable[..., dict[str, Any]], Callable[[Any], dict[str, dict[str, Any]]]],
    *,
    cli: bool,
) -> dict[str, Any]:
    """/penjangkauan for ``admin`` and for a police user of the busiest Polres (added to
    ``users``, logged in through ``client(name, password)``); with ``cli``, ``cakupan
    plan`` for that Polres and its whole province. ``tools``: bench_pages' ``measure``
    and ``component_values``."""
    import secrets

    measure, component_values = tools
    from analytics.access import Role
    from analytics.io.user_store import add_user
    from analytics.store.reader import StoreError

    try:
        officers = store.officers()
    except StoreError:
        body = admin.page("/penjangkauan", "?lang=id")
        return {
            "layout": measure(lambda: admin.page("/penjangkauan", "?lang=id")[:2], runs),
            "note": "no outreach roster in this store: the page says so and has no callbacks",
            "message_bytes": body[0],
        }
    target = busiest_polres(officers)
    out: dict[str, Any] = {
        "officers": int(officers["nrp"].nunique()),
        "events": len(store.events()),
        "target": target,
        "admin": bench_outreach_page(admin, measure, component_values, target, runs),
    }
    password = secrets.token_urlsafe(12)
    add_user(
        users,
        "polisi",
        Role.POLICE,
        password,
        areas=frozenset({target["kabupaten"]}),
        polres=target["polres"],
    )
    police = client("polisi", password)
    out["police_user"] = bench_outreach_page(police, measure, component_values, target, runs)
    if cli:
        out["cli_plan"] = bench_plan_cli(Path(store.root), target)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", action="store_true", help="build the national store")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.build:
        print(json.dumps(build_outreach_store(args.rows, args.seed), indent=2, default=str))


if __name__ == "__main__":
    main()
