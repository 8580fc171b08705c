"""Benchmark: placing misspelt village names on the real national gazetteer.

Every one of the 83,402 villages of ``../shared/data/national/idn_desa_cahyadsn.parquet``
(names and codes only) is written in each of the ways of :mod:`name_variants` (one edit of
each kind, two edits in names of 10+ letters, old spelling, spacing, numerals, prefix and
case), its kecamatan and kabupaten written in messy ways too, letters drawn with a seeded
generator (``--seed``). :func:`name_variants.judge` says which rows are *decidable* (the true
names clearly closest at every level, see there), which are *misleading* (another name is
strictly closer: left out) and why the others are not decidable.

Both rules place the same rows with :func:`analytics.matching.place_rows` on the same
gazetteer, one after the other in this process:

* ``before``: the rule of commit ``--before-commit`` (rapidfuzz ratio >= 80 and 10 points
  ahead of the runner-up), its ``analytics/matching.py`` read from git into a module of its
  own;
* ``after``: the rule of this working tree (Damerau-Levenshtein edits, strictly fewer than
  the runner-up, within the length bound, old spelling folded, numerals read).

Reported per rule: recall on decidable rows (overall and per kind), wrong placements (rows
placed in another village than the one they were made from, misleading rows apart), what
decidable rows stay unmatched (reason counts and examples), how misleading rows end up,
and seconds to place all rows (the gazetteer built once, not timed). Also the recall on
rows whose true names are the only closest whatever the edits (``unique_closest``), and a
control kind ``foreign``: the name of a village of another kecamatan of the same kabupaten,
given with this kecamatan (not in scope, so a placement there is a guess; reported only).
Writes ``benchmarks/results/bench_matching.json``.

    .venv/bin/python benchmarks/bench_matching.py [--seed 12] [--sample 0] [--national FILE]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from name_variants import VARIANT_KINDS, judge, make_variants  # noqa: E402

from analytics import matching  # noqa: E402  (path set-up)

NATIONAL = ROOT.parent / "shared" / "data" / "national" / "idn_desa_cahyadsn.parquet"
RESULTS = ROOT / "benchmarks" / "results" / "bench_matching.json"
#: The last commit with the ratio rule (fuzz.ratio >= 80, 10 points margin).
BEFORE_COMMIT = "61d9827986ac1cb314a9d75db645ef1c0431f7a4"
COLUMNS = {
    "kode": "village_code",
    "nama": "village_name",
    "kode_kec": "kecamatan_code",
    "nama_kec": "kecamatan_name",
    "kode_kab": "kabupaten_code",
    "nama_kab": "kabupaten_name",
}
EXAMPLES = 8


def national_villages(path: Path = NATIONAL) -> pd.DataFrame:
    """Codes and names of every village (no geometry)."""
    table = pq.read_table(path, columns=list(COLUMNS))
    return table.to_pandas().rename(columns=COLUMNS).astype(object)


def rule_before(commit: str) -> ModuleType:
    """``analytics/matching.py`` as it was at ``commit``, as a module of its own."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{commit}:analytics/matching.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "matching_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("matching_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def foreign_rows(villages: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Per village, the name of a village of another kecamatan of its kabupaten whose key
    is not in the village's kecamatan, given with the village's kecamatan and kabupaten."""
    rng = np.random.default_rng(seed + 1)
    keys = villages["village_name"].map(lambda n: matching.name_key(n, "desa").key)
    in_kec = set(zip(villages["kecamatan_code"], keys, strict=True))
    by_kab = villages.groupby("kabupaten_code").indices
    rows = []
    kab_codes = villages["kabupaten_code"].to_numpy()
    kec_codes = villages["kecamatan_code"].to_numpy()
    names = villages["village_name"].to_numpy()
    for source in range(len(villages)):
        pool = by_kab[kab_codes[source]]
        for _ in range(10):
            other = int(rng.choice(pool))
            if (kec_codes[source], keys.iloc[other]) not in in_kec:
                rows.append(
                    (
                        source,
                        "foreign",
                        names[other],
                        villages["kecamatan_name"].iloc[source],
                        villages["kabupaten_name"].iloc[source],
                    )
                )
                break
    return pd.DataFrame(rows, columns=["source", "kind", "desa", "kecamatan", "kabupaten"])


def place(module: ModuleType, villages: pd.DataFrame, rows: pd.DataFrame) -> tuple[Any, float]:
    gazetteer = module.build_gazetteer(villages)
    columns = ["desa", "kecamatan", "kabupaten"]
    frame = pd.DataFrame(rows[columns].to_numpy(), columns=columns, dtype="str")
    began = time.perf_counter()
    placed = module.place_rows(frame, gazetteer)
    return placed, round(time.perf_counter() - began, 1)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 3) if whole else None


def report(
    villages: pd.DataFrame, rows: pd.DataFrame, placed: pd.DataFrame, seconds: float
) -> dict[str, Any]:
    codes = villages["village_code"].to_numpy()
    got = placed["village_code"].astype(object).to_numpy()
    reason = placed["reason"].astype(object).to_numpy()
    truth = codes[rows["source"].to_numpy()]
    right = got == truth
    is_placed = pd.notna(got)
    wrong = is_placed & ~right
    status = rows["status"].to_numpy()
    kinds = rows["kind"].to_numpy()
    foreign = kinds == "foreign"
    decidable = (status == "decidable") & ~foreign
    misleading = (status == "misleading") & ~foreign
    counted = ~misleading & ~foreign
    unique = rows["unique_closest"].to_numpy() & counted
    per_kind = {}
    for kind in VARIANT_KINDS:
        mask = decidable & (kinds == kind)
        per_kind[kind] = {
            "decidable": int(mask.sum()),
            "recall_pct": _pct(int((right & mask).sum()), int(mask.sum())),
            "wrong": int((wrong & counted & (kinds == kind)).sum()),
        }
    missed = decidable & ~right
    examples = [
        {
            "kind": r.kind,
            "typed": [r.desa, r.kecamatan, r.kabupaten],
            "village": villages["village_name"].iloc[r.source],
            "kecamatan": villages["kecamatan_name"].iloc[r.source],
            "kabupaten": villages["kabupaten_name"].iloc[r.source],
            "reason": reason[i] if not wrong[i] else "wrong",
        }
        for i, r in zip(
            np.flatnonzero(missed)[:EXAMPLES],
            rows[missed].head(EXAMPLES).itertuples(),
            strict=False,
        )
    ]
    wrong_rows = rows[wrong & counted].head(EXAMPLES)
    return {
        "seconds_to_place": seconds,
        "recall_pct": _pct(int((right & decidable).sum()), int(decidable.sum())),
        "recall_unique_closest_pct": _pct(int((right & unique).sum()), int(unique.sum())),
        "wrong_placements": int((wrong & counted).sum()),
        "wrong_examples": [
            {
                "kind": r.kind,
                "typed": [r.desa, r.kecamatan, r.kabupaten],
                "village": villages["village_name"].iloc[r.source],
                "placed_in": str(got[i]),
            }
            for i, r in zip(
                np.flatnonzero(wrong & counted)[:EXAMPLES], wrong_rows.itertuples(), strict=False
            )
        ],
        "per_kind": per_kind,
        "decidable_unmatched_by_reason": {
            str(k): int(v) for k, v in pd.Series(reason[missed & ~wrong]).value_counts().items()
        },
        "decidable_unmatched_examples": examples,
        "all_rows_unmatched_by_reason": {
            str(k): int(v)
            for k, v in pd.Series(reason[~is_placed & ~foreign]).value_counts().items()
        },
        "misleading": {
            "placed_in_source": int((right & misleading).sum()),
            "placed_elsewhere": int((wrong & misleading).sum()),
            "unmatched": int((~is_placed & misleading).sum()),
        },
        "foreign_control": {
            "rows": int(foreign.sum()),
            "placed": int((is_placed & foreign).sum()),
            "placed_pct": _pct(int((is_placed & foreign).sum()), int(foreign.sum())),
        },
    }


def run(
    seed: int, sample: int, before_commit: str, before_villages: int, national: Path
) -> dict[str, Any]:
    villages = national_villages(national)
    chosen = villages
    if sample:
        chosen = villages.sample(sample, random_state=seed).reset_index(drop=True)
    began = time.perf_counter()
    rows = pd.concat([make_variants(chosen, seed), foreign_rows(chosen, seed)], ignore_index=True)
    made = time.perf_counter() - began
    # Rows refer to ``chosen``; the gazetteer is always the whole country.
    position = pd.Index(villages["village_code"]).get_indexer(chosen["village_code"])
    rows["source"] = position[rows["source"].to_numpy()]
    began = time.perf_counter()
    rows = judge(villages, rows)
    judged = time.perf_counter() - began
    variant_rows = rows[rows["kind"] != "foreign"]
    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "gazetteer_villages": len(villages),
        "villages_varied": len(chosen),
        "seed": seed,
        "rows": len(variant_rows),
        "rows_by_kind": variant_rows["kind"].value_counts().to_dict(),
        "status": variant_rows["status"].value_counts().to_dict(),
        "undecidable_why": variant_rows.loc[variant_rows["status"] == "undecidable", "why"]
        .value_counts()
        .to_dict(),
        "seconds_to_make_and_judge": round(made + judged, 1),
        "before_commit": before_commit,
        "rules": {},
    }
    # The ratio rule looks at every kecamatan of the country for each spelling: it runs
    # on the rows of a seeded sample of villages, and the new rule on the same rows too.
    sample = np.random.default_rng(seed + 2).permutation(chosen["village_code"])
    in_sample = pd.Index(villages["village_code"]).get_indexer(sample[:before_villages])
    peer = rows[rows["source"].isin(in_sample)].reset_index(drop=True)
    result["before_villages"] = int(min(before_villages, len(chosen)))
    result["before_rows"] = int((peer["kind"] != "foreign").sum())
    runs = (
        ("before", rule_before(before_commit), peer),
        ("after_same_rows", matching, peer),
        ("after", matching, rows),
    )
    for name, module, subset in runs:
        placed, seconds = place(module, villages, subset)
        result["rules"][name] = report(villages, subset, placed, seconds)
        print(name, json.dumps(result["rules"][name]["per_kind"]), file=sys.stderr)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--sample", type=int, default=0, help="vary only N villages (0: all)")
    parser.add_argument("--before-commit", default=BEFORE_COMMIT)
    parser.add_argument(
        "--before-villages", type=int, default=3_000, help="villages the old rule runs on"
    )
    parser.add_argument("--national", type=Path, default=NATIONAL, help="the GeoParquet")
    args = parser.parse_args()
    result = run(args.seed, args.sample, args.before_commit, args.before_villages, args.national)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    out = RESULTS if not args.sample else RESULTS.with_name(f"bench_matching_{args.sample}.json")
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    summary = {k: v for k, v in result.items() if k != "rules"}
    summary["rules"] = {
        n: {k: r[k] for k in ("recall_pct", "wrong_placements", "seconds_to_place")}
        for n, r in result["rules"].items()
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
