"""A tiny, hand-made processed store (per analytics/store.py) for dashboard tests.

Province ``99`` "Provinsi Uji"; kabupaten ``99.01`` (kecamatan ``99.01.01``, ``99.01.02``)
and kota ``99.02`` (kecamatan ``99.02.01``); six villages as 0.1-degree squares; 24 months
(2023-01 .. 2024-12). Numbers per village at month index ``t`` (0..23):

==============  ============  ========  =====  =======
village         BPU active    informal  PU     workers
==============  ============  ========  =====  =======
99.01.01.2001   100 + 2t      1000      300    1500
99.01.01.2002   50 + t        500       200    800
99.01.02.2001   10            800       100    1000
99.01.02.2002   200 + t       400       400    900
99.02.01.1001   120           100       50     300     (BPU over 100 %)
99.02.01.1002   30            --        20     --      (no denominator)
==============  ============  ========  =====  =======

JAKON has 5 and PMI 1 active per village every month (no denominator). ALL = the sum of
the four segments over ``workers``; PU's denominator is ``workers - informal``. Higher
levels sum numerators and denominators; coverage uses ``active_covered`` (the active of
villages with a denominator), as the engine does.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from shapely.geometry import box, mapping
from shapely.ops import unary_union

from analytics.intake_outcomes import COUNT_KEYS

PROVINCE = ("99", "Provinsi Uji")
KABUPATEN = {"99.01": "Kabupaten Satu", "99.02": "Kota Dua"}
KECAMATAN = {
    "99.01.01": "Kecamatan Satu",
    "99.01.02": "Kecamatan Dua",
    "99.02.01": "Kecamatan Tiga",
}
# code: (name, kind, column, row, bpu_base, bpu_slope, informal, pu, workers)
VILLAGES = {
    "99.01.01.2001": ("Desa Satu", "desa", 0, 0, 100, 2, 1000, 300, 1500),
    "99.01.01.2002": ("Desa Dua", "desa", 1, 0, 50, 1, 500, 200, 800),
    "99.01.02.2001": ("Desa Tiga", "desa", 0, 1, 10, 0, 800, 100, 1000),
    "99.01.02.2002": ("Desa Empat", "desa", 1, 1, 200, 1, 400, 400, 900),
    "99.02.01.1001": ("Kelurahan Lima", "kelurahan", 2, 0, 120, 0, 100, 50, 300),
    "99.02.01.1002": ("Kelurahan Enam", "kelurahan", 2, 1, 30, 0, None, 20, None),
}
MONTHS = pd.date_range("2023-01-01", periods=24, freq="MS")
CELL = 0.1
ORIGIN = (110.0, -7.0)


def village_square(code: str):  # type: ignore[no-untyped-def]
    _, _, col, row, *_ = VILLAGES[code]
    x0, y0 = ORIGIN[0] + col * CELL, ORIGIN[1] + row * CELL
    return box(x0, y0, x0 + CELL, y0 + CELL)


def _village_rows() -> pd.DataFrame:
    rows = []
    for code, (name, _, _, _, base, slope, informal, pu, workers) in VILLAGES.items():
        for t, month in enumerate(MONTHS):
            bpu = base + slope * t
            seg_values = {
                "BPU": (bpu, informal),
                "PU": (pu, None if workers is None else workers - informal),
                "JAKON": (5, None),
                "PMI": (1, None),
                "ALL": (bpu + pu + 5 + 1, workers),
            }
            for segment, (active, eligible) in seg_values.items():
                rows.append(
                    {
                        "village_code": code,
                        "area_name": name,
                        "month": month,
                        "segment": segment,
                        "active": active,
                        "eligible": np.nan if eligible is None else float(eligible),
                        "registrations": slope if segment in {"BPU", "ALL"} else 0,
                        "exits": 0,
                    }
                )
    return pd.DataFrame(rows)


def _rollup(villages: pd.DataFrame, level: str, length: int, names: dict[str, str]) -> pd.DataFrame:
    df = villages.assign(
        area_code=villages["village_code"].str.slice(0, length),
        has_eligible=villages["eligible"].notna(),
        active_covered=villages["active"].where(villages["eligible"].notna(), 0),
    )
    out = (
        df.groupby(["area_code", "month", "segment"], as_index=False)
        .agg(
            active=("active", "sum"),
            active_covered=("active_covered", "sum"),
            eligible=("eligible", lambda s: s.sum() if s.notna().any() else np.nan),
            registrations=("registrations", "sum"),
            exits=("exits", "sum"),
            villages=("village_code", "size"),
            villages_with_eligible=("has_eligible", "sum"),
        )
        .assign(level=level)
    )
    out["area_name"] = out["area_code"].map(names)
    return out


def coverage_frame() -> pd.DataFrame:
    """All levels, with the columns coverage.parquet has."""
    v = _village_rows()
    desa = v.rename(columns={"village_code": "area_code"}).assign(
        level="desa",
        active_covered=lambda d: d["active"].where(d["eligible"].notna(), 0),
        villages=1,
        villages_with_eligible=lambda d: d["eligible"].notna().astype("int64"),
    )
    parts = [
        _rollup(v, "provinsi", 2, {PROVINCE[0]: PROVINCE[1]}),
        _rollup(v, "kabupaten", 5, KABUPATEN),
        _rollup(v, "kecamatan", 8, KECAMATAN),
        desa,
    ]
    cov = pd.concat(parts, ignore_index=True)
    parent_len = {"provinsi": 0, "kabupaten": 2, "kecamatan": 5, "desa": 8}
    cov["parent_code"] = [
        code[: parent_len[lvl]] or None
        for code, lvl in zip(cov["area_code"], cov["level"], strict=True)
    ]
    cov["coverage_pct"] = 100 * cov["active_covered"] / cov["eligible"]
    cov["gap"] = cov["eligible"] - cov["active_covered"]
    cov = cov.sort_values(["level", "area_code", "segment", "month"], ignore_index=True)
    grouped = cov.groupby(["level", "area_code", "segment"])["coverage_pct"]
    cov["change_mom_pp"] = cov["coverage_pct"] - grouped.shift(1)
    cov["change_yoy_pp"] = cov["coverage_pct"] - grouped.shift(12)
    cov["over_100"] = cov["coverage_pct"] > 100
    return cov


def areas_frame() -> pd.DataFrame:
    rows = [("provinsi", PROVINCE[0], PROVINCE[1], None, "provinsi", 6)]
    rows += [
        ("kabupaten", c, n, "99", "kota" if "Kota" in n else "kabupaten", 0)
        for c, n in KABUPATEN.items()
    ]
    rows += [("kecamatan", c, n, c[:5], "kecamatan", 0) for c, n in KECAMATAN.items()]
    rows += [("desa", c, v[0], c[:8], v[1], 1) for c, v in VILLAGES.items()]
    df = pd.DataFrame(
        rows, columns=["level", "area_code", "area_name", "parent_code", "kind", "villages"]
    )
    points = [_geometry_of(code).representative_point() for code in df["area_code"]]
    df["villages"] = [sum(1 for v in VILLAGES if v.startswith(code)) for code in df["area_code"]]
    return df.assign(lon=[p.x for p in points], lat=[p.y for p in points])


def _geometry_of(code: str):  # type: ignore[no-untyped-def]
    return unary_union([village_square(v) for v in VILLAGES if v.startswith(code)])


def _write_geojson(path: Path, codes: list[str], names: dict[str, str]) -> None:
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"name": names[code]},
            "geometry": mapping(_geometry_of(code)),
        }
        for code in codes
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")),
        encoding="utf-8",
    )


def reconciliation() -> dict[str, object]:
    file_a = {
        "rows_in": 20,
        "matched": 14,
        "matched_by_code": 12,
        "matched_by_name": 2,
        "unmatched": 3,
        "rejected": 2,
        "duplicates": 1,
        "reasons": {"unknown_code": 2, "ambiguous_name": 1, "no_identity": 2},
        "examples": {"unknown_code": ["99.09.99.9999"], "ambiguous_name": ["Sumberrejo"]},
    }
    file_b = {
        "rows_in": 10,
        "matched": 9,
        "matched_by_code": 9,
        "matched_by_name": 0,
        "unmatched": 0,
        "rejected": 1,
        "duplicates": 0,
        "reasons": {"missing_registration_date": 1},
    }
    total = {k: file_a[k] + file_b[k] for k in COUNT_KEYS}
    return {
        **total,
        "reasons": {
            "unknown_code": 2,
            "ambiguous_name": 1,
            "no_identity": 2,
            "missing_registration_date": 1,
        },
        "files": {"registry_a.csv": file_a, "registry_b.xlsx": file_b},
        "warnings": {"nik_invalid": 4},
        "by_kabupaten": {
            "99.01": {"matched": 15, "unmatched": 1},
            "99.02": {"matched": 8, "unmatched": 0},
        },
        "workforce": {"rows_in": 10, "accepted": 10, "rejected": 0, "reasons": {}},
    }


def quality_frame(cov: pd.DataFrame) -> pd.DataFrame:
    desa = cov[cov["level"] == "desa"]
    over = desa[desa["over_100"] & desa["segment"].isin(["ALL", "PU", "BPU"])]
    missing = desa[desa["eligible"].isna() & desa["segment"].isin(["ALL", "PU", "BPU"])]
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "village_code": over["area_code"],
                    "month": over["month"],
                    "flag": "over_100",
                    "segment": over["segment"],
                    "active": over["active"],
                    "eligible": over["eligible"],
                    "coverage_pct": over["coverage_pct"],
                }
            ),
            pd.DataFrame(
                {
                    "village_code": missing["area_code"],
                    "month": missing["month"],
                    "flag": "missing_eligible",
                    "segment": missing["segment"],
                    "active": missing["active"],
                    "eligible": missing["eligible"],
                    "coverage_pct": missing["coverage_pct"],
                }
            ),
        ],
        ignore_index=True,
    )


def write_store(root: Path, *, demo: bool = True) -> Path:
    """Write the tiny store into ``root`` and return it."""
    root.mkdir(parents=True, exist_ok=True)
    cov = coverage_frame()
    cov.to_parquet(root / "coverage.parquet", index=False)
    areas_frame().to_parquet(root / "areas.parquet", index=False)
    quality_frame(cov).to_parquet(root / "quality.parquet", index=False)
    pd.DataFrame(
        {
            "village_code": ["99.01.01.2001"],
            "segment": ["BPU"],
            "week": [pd.Timestamp("2024-12-02")],
            "registrations": [2],
        }
    ).to_parquet(root / "registrations_weekly.parquet", index=False)
    (root / "reconciliation.json").write_text(json.dumps(reconciliation()), encoding="utf-8")
    unmatched = (
        "source_file,source_row,reason,village_code_raw,desa,kecamatan,kabupaten,"
        "segment,registered_on_raw,offending_value\n"
    )
    unmatched += "registry_a.csv,5,unknown_code,99.09.01.2001,,,,BPU,2023-02-01,99.09.01.2001\n"
    (root / "unmatched.csv").write_text("\ufeff" + unmatched, encoding="utf-8")
    (root / "rejected.csv").write_text(
        "\ufeffsource_file,source_row,reason\nregistry_a.csv,7,no_identity\n", encoding="utf-8"
    )
    meta = {
        "built_at": "2025-01-05T10:00:00",
        "data_until": "2024-12-20",
        "start_month": "2023-01",
        "end_month": "2024-12",
        "demo": demo,
        "sources": [],
        "workforce_source": "Data uji (tenaga kerja per desa)",
        "target_pct": 100.0,
        "root_level": "provinsi",
        "root_codes": ["99"],
    }
    (root / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    names = {
        PROVINCE[0]: PROVINCE[1],
        **KABUPATEN,
        **KECAMATAN,
        **{c: v[0] for c, v in VILLAGES.items()},
    }
    geo = root / "geo"
    _write_geojson(geo / "provinsi" / "all.geojson", ["99"], names)
    for parent in ("all", "99"):
        _write_geojson(geo / "kabupaten" / f"{parent}.geojson", list(KABUPATEN), names)
    _write_geojson(geo / "kecamatan" / "all.geojson", list(KECAMATAN), names)
    _write_geojson(geo / "desa" / "all.geojson", list(VILLAGES), names)
    for prefix in [*KABUPATEN, *KECAMATAN]:
        kec = [c for c in KECAMATAN if c.startswith(prefix)]
        if len(prefix) == 5:
            _write_geojson(geo / "kecamatan" / f"{prefix}.geojson", kec, names)
        _write_geojson(
            geo / "desa" / f"{prefix}.geojson", [v for v in VILLAGES if v.startswith(prefix)], names
        )
    return root


#: Outreach roster of the tiny store: (nrp, name, rank, polsek, polres, phone, villages).
#: Desa Tiga (99.01.02.2001) and Kelurahan Enam (99.02.01.1002) have no officer.
OFFICERS = (
    ("11111111", "Budi Santoso", "Bripka", "Polsek Satu", "Polres Uji", "0274-111111",
     ("99.01.01.2001", "99.01.01.2002")),
    ("22222222", "Siti Aminah", "Brigpol", "Polsek Dua", "Polres Uji", "0274-222222",
     ("99.01.02.2002",)),
    ("33333333", "Agus Salim", "Aipda", "Polsek Tiga", "Polres Kota", "0274-333333",
     ("99.02.01.1001",)),
)  # fmt: skip
#: Outreach events: (date, village, nrp, attendees, registrations on the day).
EVENTS = (
    ("2024-06-03", "99.01.01.2001", "11111111", 40, 6),
    ("2024-09-02", "99.01.02.2002", "22222222", 30, 4),
)


def write_outreach(root: Path) -> Path:
    """Add ``officers.parquet`` and ``events.parquet`` (as ``cakupan build --roster
    --events`` writes them) to a store written by :func:`write_store`."""
    officers = pd.DataFrame(
        [
            {
                "nrp": nrp,
                "name": name,
                "rank": rank,
                "polsek": polsek,
                "polres": polres,
                "village_code": village,
                "phone": phone,
            }
            for nrp, name, rank, polsek, polres, phone, villages in OFFICERS
            for village in villages
        ]
    )
    officers.to_parquet(root / "officers.parquet", index=False)
    events = pd.DataFrame(
        EVENTS, columns=["event_date", "village_code", "nrp", "attendees", "registrations"]
    ).assign(event_date=lambda d: pd.to_datetime(d["event_date"]))
    events.to_parquet(root / "events.parquet", index=False)
    return root


#: Rejected rows of the optional inputs written by :func:`write_row_reports`, as the build
#: writes them (file, row, reason, raw values; never a name).
WORKFORCE_REJECTED = (
    "source_file,source_row,reason,village_code_raw,year,workers,informal_workers\n"
    "tenaga_kerja.csv,4,informal_exceeds_workers,99.01.02.2001,2024,100,150\n"
)
ROSTER_REJECTED = (
    "source_file,source_row,reason,nrp_raw,polsek,polres,village_code_raw,first_row\n"
    "bhabinkamtibmas.csv,3,invalid_nrp,12AB,Polsek Dua,Polres Uji,9902011001,\n"
)
EVENTS_REJECTED = (
    "source_file,source_row,reason,event_date_raw,village_code_raw,nrp_raw,attendees_raw,"
    "registrations_raw,first_row\n"
    "kegiatan.csv,2,registrations_exceed_attendees,2024-07-01,99.01.01.2002,11111111,5,9,\n"
    "kegiatan.csv,6,duplicate,2024-06-03,99.01.01.2001,11111111,40,6,2\n"
)


def write_row_reports(root: Path) -> Path:
    """Add the workforce, roster and events rejected-row lists to a store written by
    :func:`write_store`, with their counts in reconciliation.json (as ``cakupan build
    --workforce --roster --events`` writes them). Workforce: 10 rows in, 9 accepted, 1
    rejected; roster: 4 in, 3 accepted, 1 rejected; events: 4 in, 2 accepted, 1 rejected,
    1 duplicate."""
    for name, text in (
        ("workforce_rejected.csv", WORKFORCE_REJECTED),
        ("roster_rejected.csv", ROSTER_REJECTED),
        ("events_rejected.csv", EVENTS_REJECTED),
    ):
        (root / name).write_text("\ufeff" + text, encoding="utf-8")
    rec = json.loads((root / "reconciliation.json").read_text(encoding="utf-8"))
    rec["workforce"] = {
        "rows_in": 10,
        "accepted": 9,
        "rejected": 1,
        "reasons": {"informal_exceeds_workers": 1},
    }
    rec["outreach"] = {
        "roster": {
            "file": "bhabinkamtibmas.csv",
            "rows_in": 4,
            "accepted": 3,
            "rejected": 1,
            "duplicates": 0,
            "reasons": {"invalid_nrp": 1},
            "officers": 3,
            "villages_covered": 4,
        },
        "events": {
            "file": "kegiatan.csv",
            "rows_in": 4,
            "accepted": 2,
            "rejected": 1,
            "duplicates": 1,
            "reasons": {"registrations_exceed_attendees": 1},
            "registrations": 10,
            "first_date": "2024-06-03",
            "last_date": "2024-09-02",
        },
    }
    (root / "reconciliation.json").write_text(json.dumps(rec), encoding="utf-8")
    return root
