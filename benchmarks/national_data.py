"""Synthetic national inputs over the real village codes, written in bounded memory.

* :func:`make_registry`: a registry export of ``rows`` memberships (``NO_KPJ``, ``NIK``,
  ``KODE_DESA``, ``SEGMEN``, ``TGL_KEPESERTAAN``, ``TGL_NONAKTIF``) as Parquet, written
  one row group of :data:`ROW_GROUP` rows at a time, so 45 million rows never sit in
  memory together.
* :func:`make_workforce`: workers and informal workers per village and year (2023-2025).
* :func:`make_roster`: a Bhabinkamtibmas roster (``bhabinkamtibmas.csv``, the columns of
  the demo's roster): one Polres per kabupaten/kota (Polresta in a kota), one Polsek per
  kecamatan; every kelurahan its own officer, desa shared by one to four per officer, a
  few villages with none: about 40,000 officers for 83,402 villages, as in Indonesia.
* :func:`make_events`: sosialisasi events (``kegiatan_sosialisasi.csv``) in 2024-2025,
  zero to five per officer, each in one of his own villages.

Proportions: villages differ a lot in size, so each village gets a log-normal weight
(sigma 1.0, fixed by the seed) used both for memberships and workers; segment shares follow
the Dec 2023 national totals (PU 25.0 M, BPU 9.19 M, JAKON 7.36 M, PMI the rest); 139.85
million people work, 59.11% informally (Sakernas Aug 2023). Registration dates are uniform
over 2015-2025; about 30% of memberships have ended by the end of 2025.

    .venv/bin/python benchmarks/national_data.py --rows 45000000
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT: Final = Path(__file__).resolve().parent.parent
WORK: Final = ROOT / "benchmarks" / "work"
#: The national boundaries; ``CAKUPAN_NATIONAL`` overrides the path (a git worktree's
#: ``../shared`` is not the project's).
NATIONAL: Final = Path(
    os.environ.get(
        "CAKUPAN_NATIONAL",
        str(ROOT.parent / "shared" / "data" / "national" / "idn_desa_cahyadsn.parquet"),
    )
)
ROW_GROUP: Final = 1_000_000
SEGMENT_SHARES: Final = {"PU": 0.601, "BPU": 0.221, "JAKON": 0.177, "PMI": 0.001}
FIRST_DAY: Final = np.datetime64("2015-01-01")
LAST_DAY: Final = np.datetime64("2025-12-31")
WORKERS_TOTAL: Final = 139_850_000
INFORMAL_SHARE: Final = 0.5911
YEARS: Final = (2023, 2024, 2025)
RANKS: Final = ("Bripda", "Briptu", "Brigpol", "Bripka", "Aipda", "Aiptu")
RANK_WEIGHTS: Final = (0.08, 0.14, 0.2, 0.28, 0.18, 0.12)
#: Villages per desa officer (one, two, three, four) and their shares (2.35 on average,
#: fewer where a kecamatan runs out of villages).
DESA_GROUP_SHARES: Final = (0.3, 0.25, 0.25, 0.2)
SHARE_WITHOUT_OFFICER: Final = {"desa": 0.08, "kelurahan": 0.02}
EVENTS_FIRST_DAY: Final = np.datetime64("2024-01-01")
EVENTS_LAST_DAY: Final = np.datetime64("2025-12-31")
MAX_EVENTS_PER_OFFICER: Final = 5


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


def _unique_within(names: pd.Series, parent: pd.Series, code: pd.Series) -> pd.Series:
    """``names`` with `` (code)`` added where two different codes of one parent share one."""
    per_code = pd.DataFrame({"name": names, "parent": parent, "code": code}).drop_duplicates("code")
    clash = per_code.duplicated(["parent", "name"], keep=False)
    return names.where(~code.isin(set(per_code.loc[clash, "code"])), names + " (" + code + ")")


def _police_names(villages: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Polres (per kabupaten: "Polresta X" in Kota X, else "Polres X") and Polsek (per
    kecamatan: "Polsek <kecamatan>") of each village row, unique within their parent."""
    kab = villages["nama_kab"].astype(str)
    polres = pd.Series(
        np.where(
            kab.str.startswith("Kota "),
            "Polresta " + kab.str.removeprefix("Kota "),
            "Polres " + kab.str.removeprefix("Kabupaten "),
        ),
        index=villages.index,
    )
    everywhere = pd.Series("", index=villages.index)
    polres = _unique_within(polres, everywhere, villages["kode_kab"].astype(str))
    polsek = "Polsek " + villages["nama_kec"].astype(str)
    polsek = _unique_within(
        polsek, villages["kode_kab"].astype(str), villages["kode_kec"].astype(str)
    )
    return polres, polsek


def roster_path(seed: int) -> Path:
    return WORK / f"national_roster_{seed}.csv"


def events_path(seed: int) -> Path:
    return WORK / f"national_events_{seed}.csv"


def national_villages(boundaries: Path = NATIONAL) -> pd.DataFrame:
    """Codes and names of every village, kecamatan and kabupaten (no geometry), by code."""
    columns = ["kode", "jenis", "kode_kec", "nama_kec", "kode_kab", "nama_kab"]
    frame = pq.read_table(boundaries, columns=columns).to_pandas()
    return frame.sort_values("kode", ignore_index=True)


def roster_frame(villages: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The roster as the file holds it (NRP, NAMA, PANGKAT, POLSEK, POLRES, KODE_DESA,
    NO_HP_KANTOR), one row per officer and village, over ``villages`` (columns of
    :func:`national_villages`)."""
    from analytics.demo.names import person_names

    rng = np.random.default_rng([seed, 13])
    urban = (villages["jenis"] == "kelurahan").to_numpy()
    without = np.where(urban, SHARE_WITHOUT_OFFICER["kelurahan"], SHARE_WITHOUT_OFFICER["desa"])
    staffed = villages[rng.random(len(villages)) >= without]
    staffed = staffed.assign(order=rng.random(len(staffed))).sort_values(
        ["kode_kec", "order"], kind="stable"
    )
    # Officers per kecamatan: kelurahan one each, desa in groups of one to four.
    sizes = rng.choice(np.arange(1, 5), len(staffed), p=DESA_GROUP_SHARES)
    officer = np.empty(len(staffed), dtype=np.int64)
    kec = staffed["kode_kec"].to_numpy()
    is_urban = (staffed["jenis"] == "kelurahan").to_numpy()
    current, left = -1, 0
    for i in range(len(staffed)):
        new_kec = i == 0 or kec[i] != kec[i - 1]
        if new_kec or is_urban[i] or left == 0 or (i > 0 and is_urban[i - 1]):
            current += 1
            left = 1 if is_urban[i] else int(sizes[i])
        officer[i] = current
        left -= 1
    n = current + 1
    # NRPs: birth year (75..02) and month, then a serial; unique, drawn without replacement.
    serials = rng.choice(28 * 12 * 10_000, n, replace=False)
    year = (75 + serials // 120_000) % 100
    month = serials // 10_000 % 12 + 1
    nrp = np.char.zfill(
        (year * 1_000_000 + month * 10_000 + serials % 10_000).astype(str), 8
    ).astype(object)
    names = person_names(rng, rng.random(n) < 0.1)
    ranks = rng.choice(np.array(RANKS, dtype=object), n, p=RANK_WEIGHTS)
    polres, polsek = _police_names(staffed)
    kec_codes = np.sort(villages["kode_kec"].unique())
    phones = pd.Series(
        [
            f"0{int(d):03d}-{int(p):06d}"
            for d, p in zip(
                rng.integers(21, 999, len(kec_codes)),
                rng.integers(0, 10**6, len(kec_codes)),
                strict=True,
            )
        ],
        index=kec_codes,
    )
    frame = pd.DataFrame(
        {
            "NRP": nrp[officer],
            "NAMA": names[officer],
            "PANGKAT": ranks[officer],
            "POLSEK": polsek.to_numpy(),
            "POLRES": polres.to_numpy(),
            "KODE_DESA": staffed["kode"].to_numpy(),
            "NO_HP_KANTOR": staffed["kode_kec"].map(phones).to_numpy(),
        }
    )
    return frame.sort_values(["KODE_DESA", "NRP"], ignore_index=True)


def events_frame(roster: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Events as the file holds them (TANGGAL DD/MM/YYYY, KODE_DESA, NRP, JUMLAH_PESERTA,
    PENDAFTARAN): zero to five per officer over 2024-2025, each in one of his villages,
    one per officer, village and day."""
    rng = np.random.default_rng([seed, 17])
    rows = roster.sort_values(["NRP", "KODE_DESA"], ignore_index=True)
    first = rows.groupby("NRP", sort=True).cumcount() == 0
    start = np.flatnonzero(first.to_numpy())
    count = np.diff(np.append(start, len(rows)))
    per_officer = rng.integers(0, MAX_EVENTS_PER_OFFICER + 1, len(start))
    officer = np.repeat(np.arange(len(start)), per_officer)
    pick = start[officer] + (rng.random(len(officer)) * count[officer]).astype(np.int64)
    span = int((EVENTS_LAST_DAY - EVENTS_FIRST_DAY).astype(int))
    day = EVENTS_FIRST_DAY + rng.integers(0, span + 1, len(officer)).astype("timedelta64[D]")
    attendees = rng.integers(10, 81, len(officer))
    registrations = (attendees * rng.uniform(0.0, 0.4, len(officer))).astype(np.int64)
    frame = pd.DataFrame(
        {
            "day": day,
            "KODE_DESA": rows["KODE_DESA"].to_numpy()[pick],
            "NRP": rows["NRP"].to_numpy()[pick],
            "JUMLAH_PESERTA": attendees,
            "PENDAFTARAN": registrations,
        }
    ).drop_duplicates(["day", "KODE_DESA", "NRP"])
    frame = frame.sort_values(["day", "KODE_DESA", "NRP"], ignore_index=True)
    tanggal = pd.to_datetime(frame["day"]).dt.strftime("%d/%m/%Y")
    return frame.drop(columns="day").assign(TANGGAL=tanggal)[
        ["TANGGAL", "KODE_DESA", "NRP", "JUMLAH_PESERTA", "PENDAFTARAN"]
    ]


def make_roster(seed: int = 1, boundaries: Path = NATIONAL) -> Path:
    """Write the synthetic national roster once per seed (CSV, the intake's columns)."""
    path = roster_path(seed)
    if not path.is_file():
        WORK.mkdir(parents=True, exist_ok=True)
        roster_frame(national_villages(boundaries), seed).to_csv(path, index=False)
    return path


def make_events(seed: int = 1, boundaries: Path = NATIONAL) -> Path:
    """Write the synthetic national event log once per seed (CSV, the intake's columns)."""
    path = events_path(seed)
    if not path.is_file():
        roster = pd.read_csv(make_roster(seed, boundaries), dtype=str)
        WORK.mkdir(parents=True, exist_ok=True)
        events_frame(roster, seed).to_csv(path, index=False)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=45_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(make_registry(args.rows, args.seed))
    print(make_workforce(args.seed))
    print(make_roster(args.seed))
    print(make_events(args.seed))


if __name__ == "__main__":
    main()
