"""The demo memberships laid out as the three registry files a branch office brings.

* ``kepesertaan_penerima_upah.csv``: PU, JAKON and PMI rows with plain (some dotted) codes;
* ``kepesertaan_bpu.xlsx``: BPU rows with dotted codes, addresses and real date cells;
* ``kepesertaan_manual_kecamatan.csv``: BPU rows typed by hand at kecamatan offices, with
  place names instead of codes (prefixes, case, spaces and small typos vary).

Each file also gets a handful of planted bad rows (see :data:`PLANTED`) and duplicates;
:func:`registry_tables` returns the rows (still as frames) and the truth about them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from analytics.demo.build import BPU_FILE, MANUAL_FILE, PU_FILE, DemoData
from analytics.demo.defects import (
    UNKNOWN_VILLAGE_CODE,
    interleave,
    planted_rows,
    spoiled_memberships,
)
from analytics.demo.manual import manual_table

FILES: Final = {
    PU_FILE: "registry/kepesertaan_penerima_upah.csv",
    BPU_FILE: "registry/kepesertaan_bpu.xlsx",
    MANUAL_FILE: "registry/kepesertaan_manual_kecamatan.csv",
}
PU_COLUMNS: Final = (
    "NO_KPJ", "NIK", "NAMA", "KODE_DESA", "SEGMEN", "TGL_KEPESERTAAN", "TGL_NONAKTIF",
)  # fmt: skip
BPU_COLUMNS: Final = (
    "KPJ", "NIK", "NAMA_PESERTA", "ALAMAT", "KODE_WILAYAH", "SEGMEN", "TGL_DAFTAR",
    "TGL_BERHENTI",
)  # fmt: skip
_COMMON: Final = {
    "no_identity": 3,
    "missing_registration_date": 3,
    "impossible_date": 2,
    "unknown_segment": 3,
    "end_before_start": 3,
    "no_location": 3,
}
PLANTED: Final = {
    PU_FILE: {**_COMMON, "unknown_village_code": 3},
    BPU_FILE: {**_COMMON, "unknown_village_code": 2},
    MANUAL_FILE: {**_COMMON, "unknown_village_name": 5, "ambiguous_village_name": 4},
}
DUPLICATES_WITHIN: Final = {PU_FILE: 5, BPU_FILE: 4, MANUAL_FILE: 3}
#: BPU rows of the XLSX that were also typed into the manual file.
DUPLICATES_ACROSS: Final = 6
DOTTED_CODE_SHARE: Final = 0.1
BPU_SPELLINGS: Final = (
    "Bukan Penerima Upah", "BUKAN PENERIMA UPAH", "bukan penerima upah", "Bukan penerima upah",
)  # fmt: skip
DUSUN: Final = (
    "Krajan", "Kauman", "Ngabean", "Karanganyar", "Jetis", "Gondang", "Ngemplak", "Kadipiro",
    "Sidomulyo", "Padukuhan Lor", "Padukuhan Kidul", "Tegal", "Sawahan", "Pendem",
)  # fmt: skip


@dataclass(frozen=True, eq=False)
class RegistryTables:
    """The rows of each registry file (``FILES`` keys) and the truth about them.

    Each frame holds the file's columns plus ``problem`` (empty for clean rows, else the
    planted problem), which the writer drops.
    """

    tables: dict[str, pd.DataFrame]
    truth: dict[str, Any]


def _iso(dates: pd.Series) -> list[str]:
    text = np.datetime_as_string(dates.to_numpy().astype("datetime64[D]"))
    return np.where(text == "NaT", "", text).tolist()


def _as_dates(dates: pd.Series) -> list[object]:
    return [None if pd.isna(d) else d.date() for d in dates]


def _usable_template(m: pd.DataFrame) -> pd.DataFrame:
    """Rows a planted row may be modelled on: with a KPJ and a well-formed NIK."""
    return m.loc[m["kpj"].notna() & (m["nik"].str.len() == 16)]


def _pu_table(rng: np.random.Generator, data: DemoData, used: set[str]) -> pd.DataFrame:
    m = data.memberships.loc[data.memberships["file"] == PU_FILE]
    plain = m["village_code"].str.replace(".", "", regex=False)
    dotted = rng.random(len(m)) < DOTTED_CODE_SHARE
    clean = pd.DataFrame(
        {
            "NO_KPJ": m["kpj"].fillna("").to_numpy(),
            "NIK": m["nik"].to_numpy(),
            "NAMA": m["name"].to_numpy(),
            "KODE_DESA": np.where(dotted, m["village_code"], plain).astype(object),
            "SEGMEN": m["segment"].to_numpy(),
            "TGL_KEPESERTAAN": _iso(m["registered_on"]),
            "TGL_NONAKTIF": _iso(m["ended_on"]),
        }
    )

    def spoil(problem: str, rows: pd.DataFrame) -> pd.DataFrame:
        bad = spoiled_memberships(rng, problem, rows, used, _iso, "", "2023-02-31")
        code = bad["village_code"].str.replace(".", "", regex=False)
        if problem == "unknown_village_code":
            code = pd.Series(UNKNOWN_VILLAGE_CODE, index=bad.index)
        elif problem == "no_location":
            code = pd.Series("", index=bad.index)
        return pd.DataFrame(
            {
                "NO_KPJ": bad["kpj"],
                "NIK": bad["nik"],
                "NAMA": bad["name"],
                "KODE_DESA": code,
                "SEGMEN": bad["segment"],
                "TGL_KEPESERTAAN": bad["registered_on"],
                "TGL_NONAKTIF": bad["ended_on"],
            }
        )

    bad = planted_rows(rng, _usable_template(m), PLANTED[PU_FILE], spoil)
    return interleave(rng, clean, bad, DUPLICATES_WITHIN[PU_FILE])


def _addresses(rng: np.random.Generator, data: DemoData, codes: pd.Series) -> np.ndarray:
    """Synthetic addresses: a dusun, RT/RW and the village name."""
    village_name = data.villages.set_index("village_code")["village_name"]
    n = len(codes)
    dusun = rng.choice(np.array(DUSUN, dtype=object), n)
    rt, rw = rng.integers(1, 15, n), rng.integers(1, 9, n)
    names = codes.map(village_name).to_numpy()
    return np.array(
        [
            f"Dsn. {d} RT {a:03d}/RW {b:03d}, {v}"
            for d, a, b, v in zip(dusun, rt, rw, names, strict=True)
        ],
        dtype=object,
    )


def _bpu_table(rng: np.random.Generator, data: DemoData, used: set[str]) -> pd.DataFrame:
    m = data.memberships.loc[data.memberships["file"] == BPU_FILE]
    spelling = rng.choice(np.array(BPU_SPELLINGS, dtype=object), len(m), p=(0.55, 0.2, 0.1, 0.15))
    clean = pd.DataFrame(
        {
            "KPJ": m["kpj"].fillna("").to_numpy(),
            "NIK": m["nik"].to_numpy(),
            "NAMA_PESERTA": m["name"].to_numpy(),
            "ALAMAT": _addresses(rng, data, m["village_code"]),
            "KODE_WILAYAH": m["village_code"].to_numpy(),
            "SEGMEN": spelling,
            "TGL_DAFTAR": _as_dates(m["registered_on"]),
            "TGL_BERHENTI": _as_dates(m["ended_on"]),
        }
    )

    def spoil(problem: str, rows: pd.DataFrame) -> pd.DataFrame:
        bad = spoiled_memberships(rng, problem, rows, used, _as_dates, None, "31/02/2023")
        code = bad["village_code"]
        if problem == "unknown_village_code":
            code = pd.Series(UNKNOWN_VILLAGE_CODE, index=bad.index)
        elif problem == "no_location":
            code = pd.Series("", index=bad.index)
        segment = bad["segment"].where(bad["segment"] != "BPU", BPU_SPELLINGS[0])
        return pd.DataFrame(
            {
                "KPJ": bad["kpj"],
                "NIK": bad["nik"],
                "NAMA_PESERTA": bad["name"],
                "ALAMAT": _addresses(rng, data, bad["village_code"]),
                "KODE_WILAYAH": code,
                "SEGMEN": segment,
                "TGL_DAFTAR": bad["registered_on"],
                "TGL_BERHENTI": bad["ended_on"],
            }
        )

    bad = planted_rows(rng, _usable_template(m), PLANTED[BPU_FILE], spoil)
    return interleave(rng, clean, bad, DUPLICATES_WITHIN[BPU_FILE])


def _file_truth(table: pd.DataFrame, planned: dict[str, int]) -> dict[str, Any]:
    found = table["problem"].value_counts()
    planted = {p: int(found.get(p, 0)) for p in [*planned, "duplicate_within_file"]}
    planted["duplicate_across_files"] = int(found.get("duplicate_across_files", 0))
    return {
        "rows": len(table),
        "clean_rows": int((table["problem"] == "").sum()),
        "planted": planted,
    }


def _summary(data: DemoData) -> dict[str, Any]:
    m, v = data.memberships, data.villages
    by_name = v["village_name"].value_counts()
    return {
        "memberships": len(m),
        "memberships_by_segment": {k: int(c) for k, c in m["segment"].value_counts().items()},
        "memberships_by_origin": {k: int(c) for k, c in m["origin"].value_counts().items()},
        "active_on_data_end": int(m["ended_on"].isna().sum()),
        "villages": len(v),
        "kecamatan": int(v["kecamatan_code"].nunique()),
        "kabupaten_kota": int(v["kabupaten_code"].nunique()),
        "repeated_village_names": sorted(str(n) for n in by_name[by_name > 1].index),
        "villages_without_workforce": list(data.villages_without_workforce),
        "village_with_coverage_over_100": data.village_over_100,
        "officers": int(data.officers["nrp"].nunique()),
        "villages_without_officer": int(
            (~v["village_code"].isin(data.officers["village_code"])).sum()
        ),
        "events": len(data.events),
        "event_registrations_on_the_day": int(data.events["registrations"].sum()),
    }


def registry_tables(data: DemoData) -> RegistryTables:
    """The three registry files' rows, with planted problems, and ``truth`` about them."""
    rng = np.random.default_rng([data.seed, 1])
    used = set(data.memberships["kpj"].dropna())
    pu = _pu_table(rng, data, used)
    bpu = _bpu_table(rng, data, used)
    in_bpu = _usable_template(data.memberships.loc[data.memberships["file"] == BPU_FILE])
    typed_again = in_bpu.iloc[rng.choice(len(in_bpu), DUPLICATES_ACROSS, replace=False)]
    manual, variants = manual_table(
        rng, data, used, PLANTED[MANUAL_FILE], DUPLICATES_WITHIN[MANUAL_FILE], typed_again
    )
    tables = {PU_FILE: pu, BPU_FILE: bpu, MANUAL_FILE: manual}
    files = {FILES[k]: _file_truth(t, PLANTED[k]) for k, t in tables.items()}
    m = data.memberships
    pu_clean = pu.loc[pu["problem"] == ""]
    bpu_clean = bpu.loc[bpu["problem"] == ""]
    files[FILES[PU_FILE]]["variants"] = {
        "dotted_village_code": int(pu_clean["KODE_DESA"].str.contains(".", regex=False).sum()),
        "empty_kpj": int((pu_clean["NO_KPJ"] == "").sum()),
        "malformed_nik": int((pu_clean["NIK"].str.len() != 16).sum()),
    }
    files[FILES[BPU_FILE]]["variants"] = {
        "empty_kpj": int((bpu_clean["KPJ"] == "").sum()),
        "malformed_nik": int((bpu_clean["NIK"].str.len() != 16).sum()),
    }
    files[FILES[MANUAL_FILE]]["variants"] = variants
    truth = {
        "synthetic": True,
        "generated_by": f"cakupan demo --seed {data.seed}",
        "seed": data.seed,
        "notes": (
            "Counts of what the demo generator planted. 'clean_rows' rows of each file are "
            "memberships that should be matched to a village; every planted row carries one "
            "problem. 'duplicate_across_files' rows repeat (KPJ, segment, registration date) "
            "of a row in an earlier file (order: penerima_upah, bpu, manual_kecamatan). "
            "Variant counts describe the clean rows only (not the planted copies of them)."
        ),
        "files": files,
        "totals": {
            "rows": sum(f["rows"] for f in files.values()),
            "clean_rows": sum(f["clean_rows"] for f in files.values()),
        },
        **_summary(data),
    }
    assert truth["totals"]["clean_rows"] == len(m), "every membership is in exactly one file"
    return RegistryTables(tables=tables, truth=truth)
