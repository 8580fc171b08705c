"""Synthetic national inputs over the real village codes, written in bounded memory.

* :func:`make_registry`: a registry export of ``rows`` memberships (``NO_KPJ``, ``NIK``,
  ``KODE_DESA``, ``SEGMEN``, ``TGL_KEPESERTAAN``, ``TGL_NONAKTIF``) as Parquet, written
  one row group of :data:`ROW_GROUP` rows at a time, so 45 million rows never sit in
  memory together.
* :func:`make_workforce`: workers and informal workers per village and year (2023-2025).

Proportions: villages differ a lot in size, so each village gets a log-normal weight
(sigma 1.0, fixed by the seed) used both for memberships and workers; segment shares follow
the Dec 2023 national totals (PU 25.0 M, BPU 9.19 M, JAKON 7.36 M, PMI the rest); 139.85
million people work, 59.11% informally (Sakernas Aug 2023). Registration dates are uniform
over 2015-2025; about 30% of memberships have ended by the end of 2025.

    .venv/bin/python benchmarks/national_data.py --rows 45000000
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT: Final = Path(__file__).resolve().parent.parent
WORK: Final = ROOT / "benchmarks" / "work"
NATIONAL: Final = ROOT.parent / "shared" / "data" / "national" / "idn_desa_cahyadsn.parquet"
ROW_GROUP: Final = 1_000_000
SEGMENT_SHARES: Final = {"PU": 0.601, "BPU": 0.221, "JAKON": 0.177, "PMI": 0.001}
FIRST_DAY: Final = np.datetime64("2015-01-01")
LAST_DAY: Final = np.datetime64("2025-12-31")
WORKERS_TOTAL: Final = 139_850_000
INFORMAL_SHARE: Final = 0.5911
YEARS: Final = (2023, 2024, 2025)


def national_codes(boundaries: Path = NATIONAL) -> np.ndarray:
    """Sorted village codes (dotted) of the national boundaries."""
    codes = pq.read_table(boundaries, columns=["kode"]).column("kode").to_numpy()
    return np.sort(codes.astype(object))


def village_weights(n: int, seed: int) -> np.ndarray:
    """Log-normal village sizes, normalised to sum to 1."""
    weights = np.random.default_rng([seed, 7]).lognormal(0.0, 1.0, n)
    return weights / weights.sum()


def registry_path(rows: int, seed: int) -> Path:
    return WORK / f"national_registry_{rows}_{seed}.parquet"


def _row_group(
    rng: np.random.Generator, first_id: int, rows: int, codes: pa.Array, cdf: np.ndarray
) -> pa.Table:
    village = np.searchsorted(cdf, rng.random(rows), side="right").clip(0, len(cdf) - 1)
    shares = np.array(list(SEGMENT_SHARES.values()))
    segment = np.searchsorted(np.cumsum(shares), rng.random(rows) * shares.sum(), side="right")
    span = int((LAST_DAY - FIRST_DAY).astype(int))
    registered = FIRST_DAY + rng.integers(0, span + 1, rows).astype("timedelta64[D]")
    ended = registered + rng.integers(1, 3000, rows).astype("timedelta64[D]")
    has_end = (rng.random(rows) < 0.40) & (ended <= LAST_DAY)
    kpj = pa.array(np.arange(first_id, first_id + rows)).cast(pa.string())
    nik = pa.array(3_100_000_000_000_000 + rng.integers(0, 10**14, rows)).cast(pa.string())
    return pa.table(
        {
            "NO_KPJ": pa.compute.utf8_lpad(kpj, 11, "0"),
            "NIK": nik,
            "KODE_DESA": pa.DictionaryArray.from_arrays(pa.array(village.astype(np.int32)), codes),
            "SEGMEN": pa.DictionaryArray.from_arrays(
                pa.array(segment.astype(np.int8)), pa.array(list(SEGMENT_SHARES))
            ),
            "TGL_KEPESERTAAN": pa.array(registered, pa.date32()),
            "TGL_NONAKTIF": pa.array(ended, pa.date32(), mask=~has_end),
        }
    )


def make_registry(rows: int, seed: int = 1, boundaries: Path = NATIONAL) -> Path:
    """Write the synthetic export once per (rows, seed), a row group at a time."""
    import pyarrow.compute  # noqa: F401  (pa.compute is used in _row_group)

    path = registry_path(rows, seed)
    if path.is_file():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    codes = national_codes(boundaries)
    cdf = np.cumsum(village_weights(len(codes), seed))
    code_array = pa.array(codes, pa.string())
    rng = np.random.default_rng(seed)
    partial = path.with_suffix(".partial")
    writer = None
    try:
        for start in range(0, rows, ROW_GROUP):
            group = _row_group(rng, start + 1, min(ROW_GROUP, rows - start), code_array, cdf)
            if writer is None:
                writer = pq.ParquetWriter(partial, group.schema)
            writer.write_table(group, row_group_size=ROW_GROUP)
    finally:
        if writer is not None:
            writer.close()
    partial.rename(path)
    return path


def make_workforce(seed: int = 1, boundaries: Path = NATIONAL) -> Path:
    """Workers per village and year in the registry's proportions, as a CSV."""
    path = WORK / f"national_workforce_{seed}.csv"
    if path.is_file():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    codes = national_codes(boundaries)
    weights = village_weights(len(codes), seed)
    rng = np.random.default_rng([seed, 11])
    frames = []
    for offset, year in enumerate(YEARS):
        workers = np.round(WORKERS_TOTAL * (1 + 0.01 * offset) * weights).astype(np.int64)
        informal = np.round(workers * rng.uniform(0.4, 0.75, len(codes))).astype(np.int64)
        frames.append(
            pd.DataFrame(
                {
                    "KODE_DESA": codes,
                    "TAHUN": year,
                    "JUMLAH_PEKERJA": workers,
                    "PEKERJA_INFORMAL": informal,
                    "SUMBER": "Sintetis (benchmark)",
                }
            )
        )
    pd.concat(frames, ignore_index=True).to_csv(path, index=False)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=45_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(make_registry(args.rows, args.seed))
    print(make_workforce(args.seed))


if __name__ == "__main__":
    main()
