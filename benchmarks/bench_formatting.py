"""Benchmark: the one formatter (analytics.formatting) against its peers, in one run.

The map page formats five numbers per area on every change of month, segment or
classification (a kabupaten's villages: a few hundred areas; the demo province's: ~430).
Measured per value, on the same 100,000 random coverage percentages:

* ``formatting_percent``: :func:`analytics.formatting.percent` (Decimal, rounded once half up);
* ``float_format_peer``: the code it replaced (``f"{x:,.1f}"`` + locale marks: fast, but
  rounds the binary float, half to even on ties);
* ``babel_format_decimal_peer``: ``babel.numbers.format_decimal`` with a pattern per call;
* ``hover_texts_430``: :func:`layouts.core.figures.hover_texts` for 430 areas (one map change).

Prints and writes ``benchmarks/results/bench_formatting.json``.

    .venv/bin/python benchmarks/bench_formatting.py
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "bench_formatting.json"
N = 100_000


def _per_value_us(fn, values: list[float]) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for v in values:
        fn(v)
    return (time.perf_counter() - started) / len(values) * 1e6


def main() -> None:
    from babel.numbers import format_decimal

    from analytics import formatting as fmt
    from layouts.core.figures import hover_texts

    rng = np.random.default_rng(7)
    values = (rng.integers(0, 5000, N) / rng.integers(1, 5000, N) * 100).tolist()
    marks = str.maketrans({".": ",", ",": "."})

    results = {
        "values": N,
        "formatting_percent_us": _per_value_us(lambda v: fmt.percent(v, "id"), values),
        "float_format_peer_us": _per_value_us(lambda v: f"{v:,.1f}".translate(marks) + "%", values),
        "babel_format_decimal_peer_us": _per_value_us(
            lambda v: format_decimal(v, "#,##0.0", locale="id") + "%", values[:10_000]
        ),
    }
    view = pd.DataFrame(
        {
            "area_name": [f"Desa {i}" for i in range(430)],
            "area_code": [f"99.01.01.{2000 + i}" for i in range(430)],
            "active": rng.integers(0, 900, 430),
            "eligible": rng.integers(900, 2000, 430).astype(float),
            "coverage_pct": values[:430],
            "uncovered": rng.integers(0, 900, 430).astype(float),
            "change_yoy_pp": (rng.normal(0, 2, 430)).tolist(),
            "flags": [""] * 430,
        }
    )
    started = time.perf_counter()
    for _ in range(20):
        hover_texts(view, "id")
    results["hover_texts_430_ms"] = (time.perf_counter() - started) / 20 * 1e3
    results = {k: round(v, 3) if isinstance(v, float) else v for k, v in results.items()}
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
