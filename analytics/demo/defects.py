"""How people really type place names, and the bad rows planted in the demo registry.

Everything here is pure and driven by the caller's ``numpy`` Generator. The planted rows
each carry exactly one problem, so a build's reconciliation can be checked count by count
against ``truth.json``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein

from analytics.demo.names import UNKNOWN_PLACE_NAMES

#: Problems planted in every registry file (the manual file has no codes, so no code error).
PROBLEMS: Final = (
    "no_identity",
    "missing_registration_date",
    "impossible_date",
    "unknown_segment",
    "end_before_start",
    "unknown_village_code",
    "no_location",
    "unknown_village_name",
    "ambiguous_village_name",
)
UNKNOWN_VILLAGE_CODE: Final = "99.09.99.9999"
UNKNOWN_SEGMENT: Final = "XYZ"
TYPO_SHARE: Final = 0.04
_LETTERS: Final = np.array(list("abdegijklmnoprstuwy"))


def village_typo(rng: np.random.Generator, name: str, others: list[str], taken: set[str]) -> str:
    """``name`` with one letter changed, still closer to ``name`` than to any of ``others``
    (the other villages of its kecamatan) and equal to no village name in ``taken``
    (lower case). Returns ``name`` unchanged when no such typo is found."""
    if len(name) < 6:
        return name
    for _ in range(20):
        i = int(rng.integers(2, len(name) - 1))
        letter = str(rng.choice(_LETTERS))
        if letter == name[i].lower():
            continue
        typo = name[:i] + letter + name[i + 1 :]
        if typo.lower() in taken:
            continue
        if all(Levenshtein.distance(typo.lower(), o.lower()) >= 2 for o in others):
            return typo
    return name


def _recase(rng: np.random.Generator, text: str) -> str:
    draw = rng.random()
    if draw < 0.2:
        return text.upper()
    if draw < 0.3:
        return text.lower()
    return text


def _respace(rng: np.random.Generator, text: str) -> str:
    if rng.random() < 0.1:
        return "  " + text.replace(" ", "  ") + " "
    return text


def typed_village(rng: np.random.Generator, name: str, kind: str) -> str:
    """A village name as typed at a kecamatan office: prefix, case and spaces vary."""
    draw = rng.random()
    if draw < 0.15:
        name = ("Desa " if kind == "desa" else "Kel. ") + name
    elif draw < 0.22:
        name = ("Ds. " if kind == "desa" else "Kelurahan ") + name
    return _respace(rng, _recase(rng, name))


def typed_kecamatan(rng: np.random.Generator, name: str) -> str:
    """A kecamatan name as typed: sometimes "Kec. ", case varies."""
    if rng.random() < 0.2:
        name = "Kec. " + name
    return _respace(rng, _recase(rng, name))


def typed_kabupaten(rng: np.random.Generator, full_name: str) -> str:
    """A kabupaten/kota name as typed: "Kabupaten X", "Kab. X", "X"; "Kota X" or "X"."""
    if full_name.startswith("Kota "):
        bare = full_name.removeprefix("Kota ")
        forms = [full_name, bare, "KOTA " + bare.upper()]
    else:
        bare = full_name.removeprefix("Kabupaten ")
        forms = [full_name, "Kab. " + bare, bare, "KAB " + bare.upper()]
    return _recase(rng, forms[int(rng.integers(0, len(forms)))])


def unknown_place_names(village_names: list[str]) -> list[str]:
    """Place names at least 4 edits away from every demo village name."""
    lowered = [n.lower() for n in village_names]
    return [
        u
        for u in UNKNOWN_PLACE_NAMES
        if all(Levenshtein.distance(u.lower(), v) >= 4 for v in lowered)
    ]


def planted_rows(
    rng: np.random.Generator,
    template: pd.DataFrame,
    counts: dict[str, int],
    spoil: Callable[[str, pd.DataFrame], pd.DataFrame],
) -> pd.DataFrame:
    """Bad rows: for each problem, ``counts[problem]`` copies of random ``template`` rows
    passed through ``spoil(problem, rows)``; a ``problem`` column says which."""
    frames = []
    for problem, count in counts.items():
        if count == 0:
            continue
        rows = template.iloc[rng.choice(len(template), count, replace=False)]
        frames.append(spoil(problem, rows.reset_index(drop=True)).assign(problem=problem))
    return pd.concat(frames, ignore_index=True)


def interleave(
    rng: np.random.Generator,
    clean: pd.DataFrame,
    bad: pd.DataFrame,
    duplicates_within: int,
    duplicates_across: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One file's rows: ``clean`` in order, ``bad`` rows and copies of earlier rows of
    another file scattered among them, and exact copies of ``duplicates_within`` clean rows
    placed somewhere after their original. A ``problem`` column marks the planted rows."""
    n = len(clean)
    parts = [clean.assign(problem="", _pos=np.arange(n, dtype=float))]
    parts.append(bad.assign(_pos=rng.uniform(0, n, len(bad))))
    originals = rng.choice(n - 1, duplicates_within, replace=False)
    copies = clean.iloc[originals].assign(
        problem="duplicate_within_file", _pos=originals + rng.uniform(0.5, n - originals)
    )
    parts.append(copies)
    if duplicates_across is not None and len(duplicates_across):
        parts.append(
            duplicates_across.assign(
                problem="duplicate_across_files", _pos=rng.uniform(0, n, len(duplicates_across))
            )
        )
    rows = pd.concat(parts, ignore_index=True).sort_values("_pos", kind="stable")
    return rows.drop(columns="_pos").reset_index(drop=True)


def fresh_identities(
    rng: np.random.Generator, rows: pd.DataFrame, used: set[str]
) -> tuple[list[str], list[str]]:
    """New KPJ numbers (not in ``used``, which grows) and NIKs with a serial no real row has
    (9000-9999) for ``rows`` of canonical memberships."""
    kpjs: list[str] = []
    while len(kpjs) < len(rows):
        kpj = f"{int(rng.integers(10**10, 10**11)):011d}"
        if kpj not in used:
            used.add(kpj)
            kpjs.append(kpj)
    niks = [str(n)[:12] + f"{9000 + int(rng.integers(0, 1000)):04d}" for n in rows["nik"]]
    return kpjs, niks


def spoiled_memberships(
    rng: np.random.Generator,
    problem: str,
    rows: pd.DataFrame,
    used: set[str],
    to_date: Callable[[pd.Series], Sequence[object]],
    blank: object,
    impossible: object,
) -> pd.DataFrame:
    """Canonical membership ``rows`` with fresh identities and ``problem`` planted in the
    identity, segment or date columns; dates rendered with ``to_date``, missing ones as
    ``blank``. Location problems are the caller's (they depend on the file's columns)."""
    kpj, nik = fresh_identities(rng, rows, used)
    registered = to_date(rows["registered_on"])
    ended = to_date(rows["ended_on"])
    if problem == "no_identity":
        kpj = nik = [""] * len(rows)
    elif problem == "missing_registration_date":
        registered = [blank] * len(rows)
    elif problem == "impossible_date":
        registered, ended = [impossible] * len(rows), [blank] * len(rows)
    elif problem == "end_before_start":
        back = pd.to_timedelta(rng.integers(20, 300, len(rows)), unit="D")
        ended = to_date(rows["registered_on"] - back)
    segment = [UNKNOWN_SEGMENT] * len(rows) if problem == "unknown_segment" else rows["segment"]
    return pd.DataFrame(
        {
            "kpj": kpj,
            "nik": nik,
            "name": rows["name"].to_numpy(),
            "village_code": rows["village_code"].to_numpy(),
            "segment": np.asarray(segment, dtype=object),
            "registered_on": np.array(list(registered), dtype=object),
            "ended_on": np.array(list(ended), dtype=object),
        }
    )
