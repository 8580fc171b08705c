"""Codes and names for the synthetic layout: the demo's ``VillageSchema`` frame.

Kemendagri-style codes under province ``99`` (used by no real province): kabupaten
``99.01``..``99.04`` and the kota ``99.71``; kecamatan numbered from the kabupaten's capital
outwards; kelurahan numbered from ``1001`` and desa from ``2001`` inside each kecamatan.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from analytics.demo.geometry import KABUPATEN_COUNT, Layout
from analytics.demo.names import place_name_pool, regency_names
from analytics.schemas import VILLAGE_ATTRIBUTES, WGS84

PROVINCE_CODE: Final = "99"
PROVINCE_NAME: Final = "Provinsi Contoh"
KOTA_CODE: Final = "71"
#: Village names planted twice in different kecamatan: (same kabupaten, other kabupaten).
REPEATS_SAME_KABUPATEN: Final = 4
REPEATS_OTHER_KABUPATEN: Final = 9


def _kabupaten_tables(rng: np.random.Generator) -> tuple[list[str], list[str]]:
    names = regency_names(rng, KABUPATEN_COUNT + 1)
    codes = [f"{PROVINCE_CODE}.{i + 1:02d}" for i in range(KABUPATEN_COUNT)]
    codes.append(f"{PROVINCE_CODE}.{KOTA_CODE}")
    full = [f"Kabupaten {n}" for n in names[:-1]] + [f"Kota {names[-1]}"]
    return codes, full


def _village_kinds(rng: np.random.Generator, frame: pd.DataFrame) -> np.ndarray:
    """Kelurahan: all of the kota, the capital's seat and neighbours, some kecamatan seats."""
    kind = np.full(len(frame), "desa", dtype=object)
    kind[frame["kab"].to_numpy() == KABUPATEN_COUNT] = "kelurahan"
    for _, group in frame.groupby("kec", sort=True):
        order = group.sort_values("seat_distance").index.to_numpy()
        if group["kec_rank"].iloc[0] == 0:
            kind[order[:3]] = "kelurahan"
        elif rng.random() < 0.25:
            kind[order[:1]] = "kelurahan"
    return kind


def _plant_repeats(
    rng: np.random.Generator, names: np.ndarray, kec: np.ndarray, kab: np.ndarray, keep: set[int]
) -> np.ndarray:
    """Give some villages the name of a village in another kecamatan."""
    names = names.copy()
    used: set[int] = set(keep)
    order = rng.permutation(len(names))
    for same_kab, wanted in ((True, REPEATS_SAME_KABUPATEN), (False, REPEATS_OTHER_KABUPATEN)):
        done = 0
        for a in order:
            if done == wanted:
                break
            if a in used:
                continue
            candidates = [
                b
                for b in order
                if b not in used and b != a and kec[b] != kec[a] and (kab[b] == kab[a]) == same_kab
            ]
            if not candidates:
                continue
            b = candidates[0]
            names[b] = names[a]
            used.update((a, b))
            done += 1
    return names


def demo_villages(rng: np.random.Generator, layout: Layout) -> gpd.GeoDataFrame:
    """The demo villages as a ``VillageSchema`` GeoDataFrame, sorted by code."""
    kab_codes, kab_names = _kabupaten_tables(rng)
    frame = pd.DataFrame(
        {
            "kab": layout.kab,
            "kec": layout.kec,
            "x": layout.points[:, 0],
            "y": layout.points[:, 1],
        }
    )
    centre = layout.kec_centres[frame["kec"].to_numpy()]
    frame["seat_distance"] = np.hypot(frame["x"] - centre[:, 0], frame["y"] - centre[:, 1])
    # Kecamatan numbered from the one nearest the kabupaten centre outwards.
    kec_ids = np.unique(layout.kec)
    kec_table = pd.DataFrame({"kec": kec_ids, "kab": layout.kec_kab[kec_ids]})
    kab_centre = layout.kab_centres[kec_table["kab"].to_numpy()]
    own = layout.kec_centres[kec_ids]
    kec_table["d"] = np.hypot(*(own - kab_centre).T)
    kec_table = kec_table.sort_values(["kab", "d"], kind="stable")
    kec_table["kec_rank"] = kec_table.groupby("kab").cumcount()
    frame = frame.merge(
        kec_table[["kec", "kec_rank"]], on="kec", how="left", validate="many_to_one"
    )
    frame["kind"] = _village_kinds(rng, frame)

    frame["kabupaten_code"] = np.array(kab_codes)[frame["kab"].to_numpy()]
    frame["kabupaten_name"] = np.array(kab_names)[frame["kab"].to_numpy()]
    frame["kecamatan_code"] = (
        frame["kabupaten_code"] + "." + (frame["kec_rank"] + 1).map("{:02d}".format)
    )
    frame = frame.sort_values(["kecamatan_code", "kind", "seat_distance"], kind="stable")
    serial = frame.groupby(["kecamatan_code", "kind"]).cumcount() + 1
    number = serial + np.where(frame["kind"] == "kelurahan", 1000, 2000)
    frame["village_code"] = frame["kecamatan_code"] + "." + number.map("{:04d}".format)
    frame = frame.sort_values("village_code").reset_index()  # "index" = position in layout

    pool = np.array(place_name_pool(), dtype=object)
    drawn = rng.permutation(pool)
    n = len(frame)
    village_names = drawn[:n]
    # Kecamatan: most are named after their seat village, the rest get a name of their own.
    seats = frame.loc[frame.groupby("kecamatan_code")["seat_distance"].idxmin()]
    fresh = iter(drawn[n:])
    kec_name = {}
    seat_rows: set[int] = set()
    for row, code in zip(seats.index, seats["kecamatan_code"], strict=True):
        if rng.random() < 0.6:
            kec_name[code] = village_names[row]
            seat_rows.add(int(row))
        else:
            kec_name[code] = next(fresh)
    frame["village_name"] = _plant_repeats(
        rng,
        village_names,
        frame["kecamatan_code"].to_numpy(),
        frame["kabupaten_code"].to_numpy(),
        keep=seat_rows,
    )
    frame["kecamatan_name"] = frame["kecamatan_code"].map(kec_name)
    frame["province_code"] = PROVINCE_CODE
    frame["province_name"] = PROVINCE_NAME
    out = frame[list(VILLAGE_ATTRIBUTES)].astype(str)
    return gpd.GeoDataFrame(out, geometry=list(layout.cells[frame["index"].to_numpy()]), crs=WGS84)
