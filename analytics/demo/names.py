"""Javanese-style names for the synthetic demo province: places, people and officers.

Place names are built like real ones in Central Java and DI Yogyakarta, from a prefix and a
suffix (Sido + mulyo, Karang + rejo); people get one or two given names. Every name is drawn
with the caller's ``numpy`` Generator, so a seed always gives the same names.
"""

from __future__ import annotations

from itertools import product
from typing import Final

import numpy as np

PLACE_PREFIXES: Final = (
    "Karang", "Sido", "Sumber", "Wono", "Tegal", "Banjar", "Purwo", "Ngesti", "Argo",
    "Gunung", "Kali", "Suko", "Tirto", "Sri", "Wukir", "Jati", "Margo", "Bumi", "Harjo",
    "Sendang", "Giri", "Selo", "Tanjung", "Ngringin", "Kebon", "Watu", "Pandan", "Candi",
    "Gedong", "Mojo", "Kerto", "Sari", "Rejo", "Guwo", "Glagah", "Mulyo", "Bangun",
)  # fmt: skip
PLACE_SUFFIXES: Final = (
    "rejo", "harjo", "mulyo", "sari", "agung", "asri", "makmur", "tani", "martani", "kerto",
    "wangi", "joyo", "utomo", "kulon", "wetan", "lor", "kidul", "jati", "sido", "rahayu",
    "arum", "luhur", "winangun", "tirto", "binangun", "mukti", "rejeki", "ombo",
)  # fmt: skip

#: Names that no demo village carries, for rows naming a place that does not exist.
UNKNOWN_PLACE_NAMES: Final = (
    "Cibeureum", "Lemahabang", "Pasirjaya", "Rawalumbu", "Cikaret", "Bojongloa",
    "Pondokcabe", "Leuwiliang", "Sukabumen", "Cijantung", "Parungpanjang", "Babakanmadang",
)  # fmt: skip

#: Candidate kabupaten/kota names (without "Kabupaten"/"Kota").
REGENCY_NAMES: Final = (
    "Wonoasri", "Gunungkerto", "Kaliagung", "Tegalmakmur", "Argomukti", "Sendangwangi",
    "Purwoluhur", "Giriarum", "Banjarwinangun", "Selorejeki", "Tirtobinangun", "Margoutomo",
)  # fmt: skip

MALE_GIVEN: Final = (
    "Budi", "Agus", "Joko", "Slamet", "Heru", "Bambang", "Eko", "Dwi", "Tri", "Sigit", "Wahyu",
    "Hendra", "Rudi", "Yusuf", "Ahmad", "Muhammad", "Rizky", "Fajar", "Bayu", "Dimas", "Aris",
    "Teguh", "Sugeng", "Suparno", "Sutrisno", "Haryanto", "Gunawan", "Ari", "Andi", "Yoga",
    "Wawan", "Purnomo", "Darmaji", "Sukirman", "Yanto", "Rohmat", "Ilham", "Galih", "Anton",
)  # fmt: skip
FEMALE_GIVEN: Final = (
    "Sri", "Siti", "Dewi", "Endang", "Wulan", "Rina", "Ratna", "Sari", "Lestari", "Nur", "Ayu",
    "Fitri", "Indah", "Dian", "Yuni", "Tutik", "Suryani", "Kartini", "Puji", "Rahayu", "Nanik",
    "Wahyuni", "Putri", "Anisa", "Novi", "Sumarni", "Partini", "Tri", "Eka", "Ratih", "Desi",
)  # fmt: skip
MALE_SECOND: Final = (
    "Santoso", "Wibowo", "Susanto", "Prasetyo", "Saputra", "Nugroho", "Setiawan", "Hidayat",
    "Kurniawan", "Purnomo", "Widodo", "Utomo", "Pratama", "Hartono", "Firmansyah", "Riyadi",
    "Sulistyo", "Wijaya", "Haryadi", "Triyono",
)  # fmt: skip
FEMALE_SECOND: Final = (
    "Lestari", "Wati", "Rahayu", "Handayani", "Astuti", "Puspitasari", "Wulandari", "Rahmawati",
    "Safitri", "Kusumawati", "Anggraini", "Susilowati", "Ningsih", "Pertiwi", "Utami",
)  # fmt: skip
#: Names with a character outside ASCII but inside cp1252, for the hand-typed cp1252 file.
CP1252_NAMES: Final = ("Dimas Andréas", "Maria Renée", "José Saputra", "Agnès Wulandari")


def place_name_pool() -> list[str]:
    """Every prefix+suffix place name, without doubled stems (no "Sarisari")."""
    names = []
    for prefix, suffix in product(PLACE_PREFIXES, PLACE_SUFFIXES):
        if prefix.lower() == suffix or prefix.lower().startswith(suffix):
            continue
        names.append(prefix + suffix)
    return sorted(set(names))


def person_names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    """One synthetic name per person; ``female`` is a boolean array."""
    n = len(female)
    given = np.where(
        female,
        rng.choice(np.array(FEMALE_GIVEN, dtype=object), n),
        rng.choice(np.array(MALE_GIVEN, dtype=object), n),
    )
    second = np.where(
        female,
        rng.choice(np.array(FEMALE_SECOND, dtype=object), n),
        rng.choice(np.array(MALE_SECOND, dtype=object), n),
    )
    single = rng.random(n) < 0.2
    return np.where(single, given, given + " " + second)


def regency_names(rng: np.random.Generator, count: int) -> list[str]:
    """``count`` distinct kabupaten/kota names (without the "Kabupaten"/"Kota" word)."""
    return [str(x) for x in rng.choice(np.array(REGENCY_NAMES, dtype=object), count, replace=False)]
