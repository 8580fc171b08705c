"""Placing registry rows in villages: by village code, else by names.

Rules, in order:

1. A village code (dotted, plain or spaced) that exists in the boundaries wins
   (``match_method = "code"``).
2. Otherwise the village name is looked up within the kabupaten and/or kecamatan given
   (``match_method = "name"``). Names are compared by a key: accents, case, spacing and
   punctuation removed, and the administrative prefixes of each level dropped (``Desa``,
   ``Kel.``, ``Kelurahan``, ``Kalurahan``; ``Kec.``, ``Kecamatan``, ``Kapanewon``,
   ``Kemantren``; ``Kab.``, ``Kabupaten``, ``Kota``), so ``Kalurahan Caturtunggal`` =
   ``CATURTUNGGAL`` and ``Gunung Kidul`` = ``Gunungkidul``. A ``Kota``/``Kabupaten``
   prefix still tells Kota Bogor from Kabupaten Bogor when both exist.
3. Spelling errors are tolerated when one candidate in scope is *clearly closest*: its
   :func:`rapidfuzz.fuzz.ratio` score against the key is at least
   :data:`FUZZY_MIN_SCORE` and beats the runner-up by at least :data:`FUZZY_MARGIN`
   points. Two candidates within the margin make the name ambiguous; none above the
   threshold makes it unknown. The same rule resolves kecamatan and kabupaten names.

A name that fits several villages in scope (the same name in two kecamatan, no
kecamatan given) is ``ambiguous_name``. Rows not placed get a reason: ``ambiguous_name``;
else ``unknown_code`` when a code was given; else ``unknown_name`` when a village name
was given; else ``no_location``.

Names are resolved once per distinct (desa, kecamatan, kabupaten) combination, so the
cost grows with the number of distinct spellings, not with the number of rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from analytics.codes import normalize_village_codes
from analytics.values import blank, distinct, spread

#: Minimum rapidfuzz ratio (0-100) for a misspelt name to match (one wrong letter in a
#: five-letter name scores 80).
FUZZY_MIN_SCORE: Final = 80.0
#: How many points the best candidate must beat the runner-up by.
FUZZY_MARGIN: Final = 10.0

Level = Literal["desa", "kecamatan", "kabupaten"]
_PREFIXES: Final[dict[Level, tuple[str, ...]]] = {
    "desa": ("desa", "ds", "kelurahan", "kel", "kalurahan"),
    "kecamatan": ("kecamatan", "kec", "kapanewon", "kemantren"),
    "kabupaten": ("kabupaten", "kab", "kotamadya", "kota", "administrasi", "adm"),
}
_KOTA_WORDS: Final = frozenset({"kota", "kotamadya"})
_KABUPATEN_WORDS: Final = frozenset({"kabupaten", "kab"})
_NON_ALNUM: Final = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class NameKey:
    """A name reduced for comparison: ``key`` without prefixes, ``full`` with them."""

    key: str
    full: str
    hint: str | None = None  # "kota" or "kabupaten" when the name said so


def name_key(name: object, level: Level) -> NameKey | None:
    """The comparison key of one typed name (``None`` when blank).

    >>> name_key("Kab. Gunung Kidul", "kabupaten")
    NameKey(key='gunungkidul', full='kabgunungkidul', hint='kabupaten')
    """
    if name is None or (isinstance(name, float) and np.isnan(name)) or name is pd.NA:
        return None
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = _NON_ALNUM.sub(" ", text).split()
    if not words:
        return None
    full = "".join(words)
    hint = None
    prefixes = _PREFIXES[level]
    rest = list(words)
    while len(rest) > 1 and rest[0] in prefixes:
        word = rest.pop(0)
        if word in _KOTA_WORDS:
            hint = "kota"
        elif word in _KABUPATEN_WORDS:
            hint = hint or "kabupaten"
    return NameKey("".join(rest), full, hint)


@dataclass(frozen=True)
class _Area:
    code: str
    name: NameKey


@dataclass(frozen=True)
class Gazetteer:
    """The villages of the boundaries, indexed for placing rows."""

    codes: tuple[str, ...]
    kecamatan_of: tuple[str, ...]
    kabupaten_of: tuple[str, ...]
    village_keys: tuple[str, ...]
    by_key: dict[str, tuple[int, ...]]
    by_kecamatan: dict[str, tuple[int, ...]]
    by_kabupaten: dict[str, tuple[int, ...]]
    kecamatan: tuple[_Area, ...]
    kabupaten: tuple[_Area, ...]
    kabupaten_of_kecamatan: dict[str, str]

    @property
    def code_set(self) -> frozenset[str]:
        return frozenset(self.codes)


def build_gazetteer(villages: pd.DataFrame) -> Gazetteer:
    """Index a :class:`~analytics.schemas.VillageSchema` frame (geometry is not needed)."""
    codes = tuple(villages["village_code"].astype(str))
    kec = tuple(villages["kecamatan_code"].astype(str))
    kab = tuple(villages["kabupaten_code"].astype(str))
    keys = []
    for name in villages["village_name"]:
        found = name_key(name, "desa")
        keys.append(found.key if found else "")
    by_key: dict[str, list[int]] = {}
    by_kec: dict[str, list[int]] = {}
    by_kab: dict[str, list[int]] = {}
    for i, (key, kec_code, kab_code) in enumerate(zip(keys, kec, kab, strict=True)):
        by_key.setdefault(key, []).append(i)
        by_kec.setdefault(kec_code, []).append(i)
        by_kab.setdefault(kab_code, []).append(i)

    def areas(code_col: str, name_col: str, level: Level) -> tuple[_Area, ...]:
        pairs = villages[[code_col, name_col]].drop_duplicates(code_col)
        found = []
        for code, name in pairs.itertuples(index=False):
            parsed = name_key(name, level)
            found.append(_Area(str(code), parsed or NameKey("", "")))
        return tuple(found)

    return Gazetteer(
        codes=codes,
        kecamatan_of=kec,
        kabupaten_of=kab,
        village_keys=tuple(keys),
        by_key={k: tuple(v) for k, v in by_key.items()},
        by_kecamatan={k: tuple(v) for k, v in by_kec.items()},
        by_kabupaten={k: tuple(v) for k, v in by_kab.items()},
        kecamatan=areas("kecamatan_code", "kecamatan_name", "kecamatan"),
        kabupaten=areas("kabupaten_code", "kabupaten_name", "kabupaten"),
        kabupaten_of_kecamatan=dict(zip(kec, kab, strict=True)),
    )


def closest(query: str, keys: list[str]) -> tuple[str | None, str | None]:
    """The clearly closest key to ``query``: ``(key, None)`` or ``(None, reason)``."""
    if not query or not keys:
        return None, "unknown_name"
    best = process.extract(query, keys, scorer=fuzz.ratio, limit=2)
    if not best or best[0][1] < FUZZY_MIN_SCORE:
        return None, "unknown_name"
    if len(best) > 1 and best[0][1] - best[1][1] < FUZZY_MARGIN:
        return None, "ambiguous_name"
    return str(best[0][0]), None


def _same(a: NameKey, b: NameKey) -> bool:
    return a.key == b.key or a.full == b.key or a.full == b.full


def resolve_area(query: NameKey, areas: Iterable[_Area]) -> tuple[frozenset[str], str | None]:
    """Codes of the areas (kecamatan or kabupaten) a typed name can mean, or a reason.

    Exact key matches are all kept (the next level narrows them down), except that a
    Kota/Kabupaten prefix picks among equal keys; otherwise the clearly closest key.
    """
    pool = list(areas)
    exact = [a for a in pool if _same(query, a.name)]
    if len(exact) > 1 and query.hint:
        hinted = [a for a in exact if a.name.hint == query.hint]
        exact = hinted or exact
    if exact:
        return frozenset(a.code for a in exact), None
    key, reason = closest(query.key, sorted({a.name.key for a in pool if a.name.key}))
    if key is None:
        return frozenset(), reason
    return frozenset(a.code for a in pool if a.name.key == key), None


@dataclass(frozen=True)
class NameMatch:
    village_code: str | None
    reason: str | None
    kabupaten_code: str | None


def match_names(
    gazetteer: Gazetteer,
    desa: NameKey | None,
    kecamatan: NameKey | None,
    kabupaten: NameKey | None,
    scope_keys: dict[tuple[frozenset[str] | None, frozenset[str] | None], list[str]],
) -> NameMatch:
    """Place one (desa, kecamatan, kabupaten) combination; ``scope_keys`` caches key lists."""
    kab_codes: frozenset[str] | None = None
    kec_codes: frozenset[str] | None = None
    if kabupaten is not None:
        kab_codes, reason = resolve_area(kabupaten, gazetteer.kabupaten)
        if reason:
            return NameMatch(None, reason, None)
    known_kab = next(iter(kab_codes)) if kab_codes and len(kab_codes) == 1 else None
    if kecamatan is not None:
        pool = [
            a
            for a in gazetteer.kecamatan
            if kab_codes is None or gazetteer.kabupaten_of_kecamatan[a.code] in kab_codes
        ]
        kec_codes, reason = resolve_area(kecamatan, pool)
        if reason:
            return NameMatch(None, reason, known_kab)
        kabs = {gazetteer.kabupaten_of_kecamatan[c] for c in kec_codes}
        known_kab = known_kab or (next(iter(kabs)) if len(kabs) == 1 else None)
    if desa is None:
        return NameMatch(None, "no_location", known_kab)

    def in_scope(i: int) -> bool:
        if kec_codes is not None:
            return gazetteer.kecamatan_of[i] in kec_codes
        return kab_codes is None or gazetteer.kabupaten_of[i] in kab_codes

    found = {i for k in {desa.key, desa.full} for i in gazetteer.by_key.get(k, ()) if in_scope(i)}
    if not found:
        scope = (kab_codes, kec_codes)
        if scope not in scope_keys:
            if kec_codes is not None:
                members: Iterable[int] = (i for c in kec_codes for i in gazetteer.by_kecamatan[c])
            elif kab_codes is not None:
                members = (i for c in kab_codes for i in gazetteer.by_kabupaten[c])
            else:
                members = range(len(gazetteer.codes))
            scope_keys[scope] = sorted({gazetteer.village_keys[i] for i in members} - {""})
        key, reason = closest(desa.key, scope_keys[scope])
        if key is None:
            return NameMatch(None, reason, known_kab)
        found = {i for i in gazetteer.by_key[key] if in_scope(i)}
    if len(found) > 1:
        kabs = {gazetteer.kabupaten_of[i] for i in found}
        return NameMatch(
            None, "ambiguous_name", known_kab or (kabs.pop() if len(kabs) == 1 else None)
        )
    i = found.pop()
    return NameMatch(gazetteer.codes[i], None, gazetteer.kabupaten_of[i])


#: Reasons a row is not placed, in the order of the ``reason`` categories.
UNMATCHED_REASONS: Final = ("unknown_code", "unknown_name", "ambiguous_name", "no_location")


def _column(locations: pd.DataFrame, name: str) -> pd.Series:
    if name in locations:
        return locations[name]
    return pd.Series(np.nan, index=locations.index, dtype="str")


def _match_combinations(
    parts: list[pd.Series],
    need: np.ndarray,
    gazetteer: Gazetteer,
    progress: Callable[[str, int, int], None] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Village index, reason and kabupaten code of the rows in ``need``, by name."""
    combo = np.zeros(int(need.sum()), dtype=np.int64)
    keys: list[list[NameKey | None]] = []
    sizes = []
    levels: tuple[Level, ...] = ("desa", "kecamatan", "kabupaten")
    for part, level in zip(parts, levels, strict=True):
        codes, uniques = distinct(part)
        combo = combo * (len(uniques) + 1) + (codes[need] + 1)
        keys.append([name_key(v, level) for v in uniques])
        sizes.append(len(uniques) + 1)
    combo_ids, combos = pd.factorize(combo)
    position = {code: i for i, code in enumerate(gazetteer.codes)}
    scope_keys: dict[tuple[frozenset[str] | None, frozenset[str] | None], list[str]] = {}
    village = np.full(len(combos), -1, dtype=np.int64)
    reason = np.full(len(combos), None, dtype=object)
    kabupaten = np.full(len(combos), None, dtype=object)
    for done, value in enumerate(combos.tolist()):
        k_i, c_i = value % sizes[2], (value // sizes[2]) % sizes[1]
        d_i = value // (sizes[2] * sizes[1])
        found = match_names(
            gazetteer,
            keys[0][d_i - 1] if d_i else None,
            keys[1][c_i - 1] if c_i else None,
            keys[2][k_i - 1] if k_i else None,
            scope_keys,
        )
        if found.village_code is not None:
            village[done] = position[found.village_code]
        reason[done], kabupaten[done] = found.reason, found.kabupaten_code
        if progress and done % 5000 == 0:
            progress("match", done, len(combos))
    if progress:
        progress("match", len(combos), len(combos))
    return village[combo_ids], reason[combo_ids], kabupaten[combo_ids]


def place_rows(
    locations: pd.DataFrame,
    gazetteer: Gazetteer,
    progress: Callable[[str, int, int], None] | None = None,
) -> pd.DataFrame:
    """Place rows given by ``village_code_raw``, ``desa``, ``kecamatan``, ``kabupaten``.

    Missing columns count as empty. Returns categorical columns aligned with
    ``locations``: ``village_code`` (dotted, missing when not placed), ``match_method``
    (``code`` or ``name``), ``reason`` (missing when placed) and ``kabupaten_code`` (the
    kabupaten of the row when its code or names tell, else missing).
    """
    codes_index = pd.Index(gazetteer.codes)
    kab_codes = pd.Index(sorted(set(gazetteer.kabupaten_of)))
    raw_codes, raw_uniques = distinct(_column(locations, "village_code_raw"))
    normalized = normalize_village_codes(raw_uniques).fillna("").astype("str")
    village = spread(codes_index.get_indexer(pd.Index(normalized)), raw_codes, -1)
    kab_from_code = spread(
        kab_codes.get_indexer(pd.Index(normalized.str.slice(0, 5))), raw_codes, -1
    )
    code_given = spread((~blank(raw_uniques)).to_numpy(), raw_codes, False).astype(bool)
    by_code = village >= 0

    parts = [_column(locations, c) for c in ("desa", "kecamatan", "kabupaten")]
    given = [~blank(part).to_numpy() for part in parts]
    need = ~by_code & (given[0] | given[1] | given[2])
    name_reason = np.full(len(locations), None, dtype=object)
    kab_from_names = np.full(len(locations), -1, dtype=np.int64)
    if need.any():
        found, reasons, kabs = _match_combinations(parts, need, gazetteer, progress)
        village[need] = found
        name_reason[need] = reasons
        kab_from_names[need] = kab_codes.get_indexer(pd.Index(kabs, dtype=object))
    placed = village >= 0
    reason = np.select(
        [placed, name_reason == "ambiguous_name", code_given, given[0]],
        [-1, 2, 0, 1],
        default=3,
    )
    kabupaten = np.where(
        placed,
        kab_codes.get_indexer(pd.Index(gazetteer.kabupaten_of)).take(np.maximum(village, 0)),
        np.where(kab_from_names >= 0, kab_from_names, kab_from_code),
    )
    method = np.select([by_code, placed], [0, 1], default=-1)
    return pd.DataFrame(
        {
            "village_code": pd.Categorical.from_codes(village, categories=codes_index),
            "match_method": pd.Categorical.from_codes(
                method, categories=pd.Index(["code", "name"])
            ),
            "reason": pd.Categorical.from_codes(reason, categories=pd.Index(UNMATCHED_REASONS)),
            "kabupaten_code": pd.Categorical.from_codes(kabupaten, categories=kab_codes),
        },
        index=locations.index,
    )
