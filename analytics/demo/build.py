"""The pure half of the demo: :func:`build_demo` makes every canonical frame from a seed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Polygon

from analytics.demo.geometry import village_layout
from analytics.demo.names import CP1252_NAMES
from analytics.demo.outreach import demo_events, demo_officers
from analytics.demo.population import (
    baseline_registrations,
    demo_workforce,
    event_registrations,
    membership_scale,
    village_profiles,
    with_identities,
)
from analytics.demo.villages import demo_villages

#: Where each membership is recorded (see ``analytics.demo.registry.FILES``).
PU_FILE: Final = "penerima_upah"
BPU_FILE: Final = "bpu"
MANUAL_FILE: Final = "manual_kecamatan"
MANUAL_KECAMATAN: Final = 10
MANUAL_ROWS: Final = 3000
EMPTY_KPJ_SHARE: Final = 0.03
MALFORMED_NIKS: Final = 24
VILLAGES_WITHOUT_WORKFORCE: Final = 3


@dataclass(frozen=True, eq=False)
class DemoData:
    """Every canonical frame of the demo province, before it is written as raw files.

    ``villages`` validates ``VillageSchema``, ``workforce`` ``WorkforceSchema``,
    ``officers`` ``OfficerSchema`` (plus ``office_phone``) and ``events``
    ``OutreachEventSchema``. ``memberships`` holds the raw identifiers a registry has
    (``kpj``, missing for some; ``nik``, malformed for a few; ``name``) with
    ``village_code``, ``segment``, ``registered_on``, ``ended_on``, ``origin`` (baseline,
    event_day, event_follow_up) and ``file`` (the registry file that records it). The
    planted bad rows are not here: they are added when the registry files are laid out.
    """

    seed: int
    outline: Polygon
    villages: gpd.GeoDataFrame
    memberships: pd.DataFrame
    workforce: pd.DataFrame
    officers: pd.DataFrame
    events: pd.DataFrame
    villages_without_workforce: tuple[str, ...]
    village_over_100: str


def _record_files(
    rng: np.random.Generator, members: pd.DataFrame, kecamatan: np.ndarray
) -> pd.DataFrame:
    """Decide the file of each membership, blank some KPJs and garble a few NIKs."""
    segment = members["segment"].to_numpy()
    file = np.where(segment == "BPU", BPU_FILE, PU_FILE).astype(object)
    hand_kec = rng.choice(kecamatan, MANUAL_KECAMATAN, replace=False)
    eligible = (
        (segment == "BPU")
        & (members["origin"].to_numpy() == "baseline")
        & members["village_code"].str.slice(0, 8).isin(hand_kec).to_numpy()
    )
    share = min(1.0, MANUAL_ROWS / max(1, int(eligible.sum())))
    file[eligible & (rng.random(len(members)) < share)] = MANUAL_FILE
    manual = file == MANUAL_FILE
    blank = ~manual & (rng.random(len(members)) < EMPTY_KPJ_SHARE)
    kpj = members["kpj"].where(~blank)
    nik = members["nik"].copy()
    garbled = rng.choice(np.flatnonzero(~blank), MALFORMED_NIKS, replace=False)
    nik.iloc[garbled] = nik.iloc[garbled].str.slice(0, 15)
    name = members["name"].copy()
    first_manual = np.flatnonzero(manual)[: len(CP1252_NAMES)]
    name.iloc[first_manual] = list(CP1252_NAMES)[: len(first_manual)]
    return members.assign(kpj=kpj, nik=nik, name=name, file=file)


def build_demo(seed: int) -> DemoData:
    """Generate the synthetic demo province "Provinsi Contoh" (code 99) for ``seed``.

    Pure and deterministic: the same seed gives equal frames.
    """
    rng = np.random.default_rng(seed)
    layout = village_layout(rng)
    villages = demo_villages(rng, layout)
    officers = demo_officers(rng, villages)
    events = demo_events(rng, officers)
    caused = event_registrations(rng, events)
    profiles = village_profiles(rng, villages)
    scale = membership_scale(profiles, len(caused))
    desa = villages.loc[villages["kind"] == "desa", "village_code"].to_numpy()
    missing = sorted(str(c) for c in rng.choice(desa, VILLAGES_WITHOUT_WORKFORCE, replace=False))
    kelurahan = villages.loc[villages["kind"] == "kelurahan", "village_code"].to_numpy()
    too_small = str(rng.choice(kelurahan))
    workforce = demo_workforce(profiles, scale, missing, too_small)
    registrations = pd.concat(
        [baseline_registrations(rng, profiles, scale), caused], ignore_index=True
    )
    members = with_identities(rng, registrations)
    members = _record_files(rng, members, villages["kecamatan_code"].unique())
    return DemoData(
        seed=seed,
        outline=layout.outline,
        villages=villages,
        memberships=members,
        workforce=workforce,
        officers=officers,
        events=events,
        villages_without_workforce=tuple(missing),
        village_over_100=too_small,
    )
