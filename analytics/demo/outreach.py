"""The demo's Bhabinkamtibmas roster and its 2025 outreach (sosialisasi) events.

One Polres per kabupaten (Polresta in the kota) and one Polsek per kecamatan. About one
village in ten has no officer; about half of the officers cover 2-4 villages of their
kecamatan. Events are held by an officer in a village they cover, at least a month apart
in any one village, so their effect on registrations can be measured afterwards.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from analytics.demo.names import person_names

RANKS: Final = ("Bripda", "Briptu", "Brigpol", "Bripka", "Aipda", "Aiptu")
RANK_WEIGHTS: Final = (0.08, 0.14, 0.2, 0.28, 0.18, 0.12)
SHARE_WITHOUT_OFFICER: Final = 0.10
SHARE_OF_VILLAGES_WITH_EVENTS: Final = 0.35
EVENT_YEAR: Final = 2025
#: Months an event may fall in (two apart, so events in one village are >= 33 days apart).
EVENT_MONTHS: Final = (1, 3, 5, 7, 9, 11)


def _polres_name(kabupaten_name: str) -> str:
    if kabupaten_name.startswith("Kota "):
        return "Polresta " + kabupaten_name.removeprefix("Kota ")
    return "Polres " + kabupaten_name.removeprefix("Kabupaten ")


def _nrps(rng: np.random.Generator, count: int) -> list[str]:
    """Unique 8-digit NRPs shaped like real ones: birth year and month, then a serial."""
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        year = int(rng.integers(1975, 2003)) % 100
        month = int(rng.integers(1, 13))
        nrp = f"{year:02d}{month:02d}{int(rng.integers(0, 10000)):04d}"
        if nrp not in seen:
            seen.add(nrp)
            out.append(nrp)
    return out


def demo_officers(rng: np.random.Generator, villages: pd.DataFrame) -> pd.DataFrame:
    """The roster: one row per (officer, village covered), ``OfficerSchema`` plus phone."""
    uncovered = rng.random(len(villages)) < SHARE_WITHOUT_OFFICER
    covered = villages.loc[~uncovered]
    groups: list[tuple[str, list[str]]] = []
    for kec_code, group in covered.groupby("kecamatan_code", sort=True):
        codes = list(rng.permutation(group["village_code"].to_numpy()))
        while codes:
            size = 1 if rng.random() < 0.5 else int(rng.integers(2, 5))
            groups.append((str(kec_code), [str(c) for c in codes[:size]]))
            codes = codes[size:]
    nrps = _nrps(rng, len(groups))
    female = rng.random(len(groups)) < 0.1
    names = person_names(rng, female)
    ranks = rng.choice(np.array(RANKS, dtype=object), len(groups), p=RANK_WEIGHTS)
    kec = villages.drop_duplicates("kecamatan_code").set_index("kecamatan_code")
    kec_name = {str(k): str(v) for k, v in kec["kecamatan_name"].items()}
    kab_name = {str(k): str(v) for k, v in kec["kabupaten_name"].items()}
    phones = {code: f"0274-5{int(rng.integers(0, 100000)):05d}" for code in sorted(kec_name)}
    rows = [
        {
            "nrp": nrp,
            "name": name,
            "rank": rank,
            "polsek": "Polsek " + kec_name[kec_code],
            "polres": _polres_name(kab_name[kec_code]),
            "village_code": code,
            "office_phone": phones[kec_code],
        }
        for (kec_code, codes), nrp, name, rank in zip(groups, nrps, names, ranks, strict=True)
        for code in codes
    ]
    return pd.DataFrame(rows).sort_values(["village_code", "nrp"], ignore_index=True)


def demo_events(rng: np.random.Generator, officers: pd.DataFrame) -> pd.DataFrame:
    """2025 outreach events (``OutreachEventSchema``) in some villages that have an officer."""
    villages = np.sort(officers["village_code"].unique())
    hosts = rng.choice(villages, int(len(villages) * SHARE_OF_VILLAGES_WITH_EVENTS), replace=False)
    by_village = officers.groupby("village_code")["nrp"].apply(sorted)
    rows = []
    for village in np.sort(hosts):
        count = int(rng.integers(1, 4))
        months = np.sort(rng.choice(np.array(EVENT_MONTHS), count, replace=False))
        for month in months:
            attendees = int(rng.integers(10, 81))
            rows.append(
                {
                    "event_date": pd.Timestamp(EVENT_YEAR, int(month), int(rng.integers(1, 29))),
                    "village_code": str(village),
                    "nrp": str(rng.choice(by_village[village])),
                    "attendees": attendees,
                    "registrations": int(attendees * rng.uniform(0.0, 0.4)),
                }
            )
    return pd.DataFrame(rows).sort_values(["event_date", "village_code"], ignore_index=True)
