"""The hand-typed registry file of the demo: BPU rows recorded at kecamatan offices.

No village code, only names: ``DESA`` (sometimes "Desa "/"Kel. " prefixed, upper or lower
case, extra spaces, one letter off), ``KECAMATAN`` (left blank now and then where the
village name is unique in its kabupaten) and ``KABUPATEN``. Dates are ``DD/MM/YYYY``.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from analytics.demo.build import MANUAL_FILE, DemoData
from analytics.demo.defects import (
    TYPO_SHARE,
    interleave,
    planted_rows,
    spoiled_memberships,
    typed_kabupaten,
    typed_kecamatan,
    typed_village,
    unknown_place_names,
    village_typo,
)

MANUAL_COLUMNS: Final = (
    "NO_KPJ", "NAMA", "DESA", "KECAMATAN", "KABUPATEN", "SEGMEN", "TGL_KEPESERTAAN",
    "TGL_NONAKTIF",
)  # fmt: skip
MISSING_KECAMATAN_SHARE: Final = 0.05
IMPOSSIBLE_DATE: Final = "31/02/2023"


def _dmy(dates: pd.Series) -> list[str]:
    iso = pd.Series(np.datetime_as_string(dates.to_numpy().astype("datetime64[D]")))
    dmy = iso.str.slice(8, 10) + "/" + iso.str.slice(5, 7) + "/" + iso.str.slice(0, 4)
    return dmy.where(iso != "NaT", "").tolist()


def _segments(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.where(rng.random(n) < 0.85, "BPU", "Bukan Penerima Upah").astype(object)


def _typed_places(
    rng: np.random.Generator, data: DemoData, codes: pd.Series, allow_variants: bool
) -> tuple[pd.DataFrame, dict[str, int]]:
    """DESA, KECAMATAN, KABUPATEN for each village code, typed as people type them.

    With ``allow_variants``, some names get a typo (one letter off, still unambiguous in
    the kecamatan) and some rows leave KECAMATAN blank where the name is unique in the
    kabupaten. Returns the columns and how many rows got each variant.
    """
    villages = pd.DataFrame(data.villages.drop(columns="geometry")).set_index("village_code")
    info = villages.to_dict("index")
    taken = {n.lower() for n in villages["village_name"]}
    in_kab = data.villages.groupby(["kabupaten_code", "village_name"])["village_code"].transform(
        "size"
    )
    unique_in_kab = dict(zip(data.villages["village_code"], in_kab == 1, strict=True))
    by_kec = data.villages.groupby("kecamatan_code")["village_name"].apply(list).to_dict()
    rows, typos, blanks, prefixed = [], 0, 0, 0
    for code in codes:
        v = info[code]
        name = v["village_name"]
        typo = allow_variants and rng.random() < TYPO_SHARE
        if typo:
            others = [o for o in by_kec[v["kecamatan_code"]] if o != name]
            typed = village_typo(rng, name, others, taken)
            typo, name = typed != name, typed
        desa = typed_village(rng, name, v["kind"])
        blank = (
            allow_variants
            and not typo
            and unique_in_kab[code]
            and rng.random() < MISSING_KECAMATAN_SHARE
        )
        kec = "" if blank else typed_kecamatan(rng, v["kecamatan_name"])
        rows.append((desa, kec, typed_kabupaten(rng, v["kabupaten_name"])))
        typos += typo
        blanks += blank
        prefixed += desa.strip().lower().startswith(("desa ", "ds. ", "kel. ", "kelurahan "))
    places = pd.DataFrame(rows, columns=["DESA", "KECAMATAN", "KABUPATEN"])
    return places, {"typo_in_village_name": typos, "kecamatan_left_blank": blanks,
                    "prefixed_village_name": prefixed}  # fmt: skip


def _as_manual_rows(
    rng: np.random.Generator, data: DemoData, m: pd.DataFrame, allow_variants: bool
) -> tuple[pd.DataFrame, dict[str, int]]:
    places, variants = _typed_places(rng, data, m["village_code"], allow_variants)
    rows = pd.DataFrame(
        {
            "NO_KPJ": m["kpj"].fillna("").to_numpy(),
            "NAMA": m["name"].to_numpy(),
            "DESA": places["DESA"].to_numpy(),
            "KECAMATAN": places["KECAMATAN"].to_numpy(),
            "KABUPATEN": places["KABUPATEN"].to_numpy(),
            "SEGMEN": _segments(rng, len(m)),
            "TGL_KEPESERTAAN": _dmy(m["registered_on"]),
            "TGL_NONAKTIF": _dmy(m["ended_on"]),
        }
    )
    return rows, variants


def manual_table(
    rng: np.random.Generator,
    data: DemoData,
    used: set[str],
    counts: dict[str, int],
    duplicates_within: int,
    also_in_earlier_file: pd.DataFrame,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The manual file's rows (``MANUAL_COLUMNS`` + ``problem``) and its variant counts.

    ``also_in_earlier_file`` holds canonical memberships recorded in an earlier file that
    are typed in again here (duplicates across files).
    """
    m = data.memberships.loc[data.memberships["file"] == MANUAL_FILE]
    clean, variants = _as_manual_rows(rng, data, m, allow_variants=True)
    repeated = data.villages.groupby("village_name")["kabupaten_code"].agg(["size", "nunique"])
    repeated = repeated.loc[repeated["size"] > 1]
    kab_of_name = data.villages.drop_duplicates("village_name").set_index("village_name")
    unknown = unknown_place_names(data.villages["village_name"].tolist())

    def spoil(problem: str, rows: pd.DataFrame) -> pd.DataFrame:
        bad = spoiled_memberships(rng, problem, rows, used, _dmy, "", IMPOSSIBLE_DATE)
        out, _ = _as_manual_rows(rng, data, rows, allow_variants=False)
        out["NO_KPJ"] = bad["kpj"].to_numpy()
        out["SEGMEN"] = np.where(bad["segment"] == "BPU", out["SEGMEN"], bad["segment"])
        out["TGL_KEPESERTAAN"] = bad["registered_on"].to_numpy()
        out["TGL_NONAKTIF"] = bad["ended_on"].to_numpy()
        if problem == "no_location":
            out[["DESA", "KECAMATAN", "KABUPATEN"]] = ""
        elif problem == "unknown_village_name":
            out["DESA"] = rng.choice(np.array(unknown, dtype=object), len(out))
        elif problem == "ambiguous_village_name":
            names = rng.choice(repeated.index.to_numpy(dtype=object), len(out), replace=False)
            out["DESA"] = names
            out["KECAMATAN"] = ""
            out["KABUPATEN"] = [
                typed_kabupaten(rng, kab_of_name.loc[n, "kabupaten_name"])
                if repeated.loc[n, "nunique"] == 1
                else ""
                for n in names
            ]
        return out

    bad = planted_rows(rng, m, counts, spoil)
    across, _ = _as_manual_rows(rng, data, also_in_earlier_file, allow_variants=False)
    rows = interleave(rng, clean, bad, duplicates_within, across)
    return rows, variants
