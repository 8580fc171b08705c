"""Placing registry rows in villages: by village code, else by names.

Rules, in order:

1. A village code (dotted, plain or spaced) that exists in the boundaries wins
   (``match_method = "code"``).
2. Otherwise the village name is looked up within the kabupaten and/or kecamatan given
   (``match_method = "name"``). Names are compared by their key
   (:func:`analytics.intake.name_keys.name_key`: accents, case, spacing, punctuation and the
   administrative prefixes of each level dropped, roman numerals read as numbers), so
   ``Kalurahan Caturtunggal`` = ``CATURTUNGGAL``, ``Gunung Kidul`` = ``Gunungkidul`` and
   ``Sidomulyo II`` = ``Sidomulyo 2``. A ``Kota``/``Kabupaten`` prefix still tells Kota
   Bogor from Kabupaten Bogor when both exist.
3. A name with no exact key in scope is placed when one candidate is *clearly closest* by
   Damerau-Levenshtein edits (a wrong, missing or extra letter, or two neighbours swapped,
   is one edit), the key compared as typed and in today's spelling
   (:func:`analytics.intake.name_keys.fold_old_spelling`: ``Soerodjo`` = Surojo): the closest
   candidate is the only one at its distance (strictly fewer edits than the runner-up), and
   that distance is within :func:`max_edits` of its length (one edit from 4 letters, two
   from 10). Two candidates at the same distance make the name ``ambiguous_name`` (never
   guessed); none within reach makes it ``unknown_name``. The same rule resolves kecamatan
   and kabupaten names.

A name that fits several villages in scope (the same name in two kecamatan, no
kecamatan given) is ``ambiguous_name``. Rows not placed get a reason: ``ambiguous_name``;
else ``unknown_code`` when a code was given; else ``unknown_name`` when a village name
was given; else ``no_location``.

Names are resolved once per distinct (desa, kecamatan, kabupaten) combination, and each
kabupaten and kecamatan spelling once per scope, so the cost grows with the number of
distinct spellings, not with the number of rows.

Why one module of ~450 lines: the gazetteer, the fuzzy area resolution and the row
placement are one algorithm (docs/matching.md) whose steps share ``NameKey``/``AreaPool``
and the cache; split, each part would only be read with the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

from analytics.codes import normalize_village_codes
from analytics.intake.name_keys import Level, NameKey, fold_old_spelling, name_key
from analytics.io.values import blank, distinct, spread

__all__ = [
    "UNMATCHED_REASONS",
    "Gazetteer",
    "NameKey",
    "build_gazetteer",
    "closest",
    "max_edits",
    "name_key",
    "place_rows",
]

#: Edits tolerated by key length: (shortest length, edits), longest first.
EDITS_BY_LENGTH: Final = ((10, 2), (4, 1))


def max_edits(length: int) -> int:
    """Edits tolerated between a typed name and a candidate key of ``length`` letters.

    >>> [max_edits(n) for n in (3, 4, 9, 10)]
    [0, 1, 1, 2]
    """
    return next((edits for shortest, edits in EDITS_BY_LENGTH if length >= shortest), 0)


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
    kecamatan_by_kabupaten: dict[str, tuple[_Area, ...]]

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

    kecamatan = areas("kecamatan_code", "kecamatan_name", "kecamatan")
    kabupaten_of_kecamatan = dict(zip(kec, kab, strict=True))
    kec_by_kab: dict[str, list[_Area]] = {}
    for area in kecamatan:
        kec_by_kab.setdefault(kabupaten_of_kecamatan[area.code], []).append(area)
    return Gazetteer(
        codes=codes,
        kecamatan_of=kec,
        kabupaten_of=kab,
        village_keys=tuple(keys),
        by_key={k: tuple(v) for k, v in by_key.items()},
        by_kecamatan={k: tuple(v) for k, v in by_kec.items()},
        by_kabupaten={k: tuple(v) for k, v in by_kab.items()},
        kecamatan=kecamatan,
        kabupaten=areas("kabupaten_code", "kabupaten_name", "kabupaten"),
        kabupaten_of_kecamatan=kabupaten_of_kecamatan,
        kecamatan_by_kabupaten={k: tuple(v) for k, v in kec_by_kab.items()},
    )


def closest(query: str, keys: Sequence[str]) -> tuple[str | None, str | None]:
    """The clearly closest key to ``query``: ``(key, None)`` or ``(None, reason)``.

    Distances are Damerau-Levenshtein edits, the smaller of the key as typed and in
    today's spelling. The closest key must be the only one at its distance and within
    :func:`max_edits` of its length.

    >>> closest("monorejo", ["mororejo", "pondokrejo", "lumbungrejo"])
    ('mororejo', None)
    >>> closest("sukamaja", ["sukamaju", "sukamaji"])
    (None, 'ambiguous_name')
    """
    if not query or not keys:
        return None, "unknown_name"
    forms = list(dict.fromkeys((query, fold_old_spelling(query))))
    near, distances = edit_distances(forms, keys, EDITS_BY_LENGTH[0][1])
    if not near:
        return None, "unknown_name"
    best = int(distances.min())
    at_best = [near[i] for i in np.flatnonzero(distances == best)]
    within = [key for key in at_best if best <= max_edits(len(key))]
    if not within:
        return None, "unknown_name"
    if len(at_best) > 1:
        return None, "ambiguous_name"
    return within[0], None


def edit_distances(
    forms: Sequence[str], keys: Sequence[str], reach: int
) -> tuple[list[str], np.ndarray]:
    """The keys within ``reach`` Damerau-Levenshtein edits of the nearest of ``forms``
    and those edits.

    Levenshtein distances (bit-parallel, several times faster) pick the candidates first:
    a transposition is two Levenshtein edits, so a key within ``reach`` edits is within
    ``2 * reach`` Levenshtein edits.
    """
    rough = process.cdist(
        forms, keys, scorer=Levenshtein.distance, score_cutoff=2 * reach, dtype=np.int32
    ).min(axis=0)
    near = [keys[i] for i in np.flatnonzero(rough <= 2 * reach).tolist()]
    if not near:
        return [], np.zeros(0, dtype=np.int32)
    distances = process.cdist(
        forms, near, scorer=DamerauLevenshtein.distance, score_cutoff=reach, dtype=np.int32
    ).min(axis=0)
    keep = np.flatnonzero(distances <= reach)
    return [near[i] for i in keep.tolist()], distances[keep]


@dataclass(frozen=True)
class AreaPool:
    """The kecamatan or kabupaten a name is looked up among, indexed by key."""

    by_key: dict[str, tuple[_Area, ...]]
    by_full: dict[str, tuple[_Area, ...]]
    keys: list[str]  # distinct non-empty keys, sorted

    @classmethod
    def of(cls, areas: Iterable[_Area]) -> AreaPool:
        by_key: dict[str, list[_Area]] = {}
        by_full: dict[str, list[_Area]] = {}
        for area in areas:
            by_key.setdefault(area.name.key, []).append(area)
            by_full.setdefault(area.name.full, []).append(area)
        return cls(
            {k: tuple(v) for k, v in by_key.items()},
            {k: tuple(v) for k, v in by_full.items()},
            sorted(k for k in by_key if k),
        )


def _hinted(query: NameKey, found: Iterable[_Area]) -> list[_Area]:
    """Areas without repeats; a Kota/Kabupaten prefix picks among areas of the same key."""
    areas = list(dict.fromkeys(found))
    if len(areas) > 1 and query.hint:
        return [a for a in areas if a.name.hint == query.hint] or areas
    return areas


def resolve_area(query: NameKey, pool: AreaPool) -> tuple[frozenset[str], str | None]:
    """Codes of the areas (kecamatan or kabupaten) a typed name can mean, or a reason.

    Exact matches (key, or the name with its prefix) are all kept (the next level narrows
    them down), except that a Kota/Kabupaten prefix picks among equal keys; otherwise the
    clearly closest key.
    """
    exact = _hinted(
        query,
        [
            *pool.by_key.get(query.key, ()),
            *pool.by_key.get(query.full, ()),
            *pool.by_full.get(query.full, ()),
        ],
    )
    if exact:
        return frozenset(a.code for a in exact), None
    key, reason = closest(query.key, pool.keys)
    if key is None:
        return frozenset(), reason
    return frozenset(a.code for a in _hinted(query, pool.by_key[key])), None


@dataclass(frozen=True)
class NameMatch:
    village_code: str | None
    reason: str | None
    kabupaten_code: str | None


_Scope = tuple[frozenset[str] | None, frozenset[str] | None]
_Resolved = tuple[frozenset[str], str | None]


@dataclass
class NameCache:
    """What one placing run has resolved already: area pools and village keys per scope,
    areas per spelling and scope."""

    pools: dict[str | frozenset[str] | None, AreaPool] = field(default_factory=dict)
    areas: dict[tuple[NameKey, str | frozenset[str] | None], _Resolved] = field(
        default_factory=dict
    )
    scope_keys: dict[_Scope, list[str]] = field(default_factory=dict)


def _resolve(
    gazetteer: Gazetteer, query: NameKey, scope: str | frozenset[str] | None, cache: NameCache
) -> _Resolved:
    """Kabupaten (``scope == "kabupaten"``) or kecamatan (within the kabupaten codes given,
    or all when ``None``) that ``query`` names."""
    if scope not in cache.pools:
        if scope == "kabupaten":
            areas: Iterable[_Area] = gazetteer.kabupaten
        elif scope is None:
            areas = gazetteer.kecamatan
        else:
            areas = (a for c in sorted(scope) for a in gazetteer.kecamatan_by_kabupaten.get(c, ()))
        cache.pools[scope] = AreaPool.of(areas)
    if (query, scope) not in cache.areas:
        cache.areas[(query, scope)] = resolve_area(query, cache.pools[scope])
    return cache.areas[(query, scope)]


def match_names(
    gazetteer: Gazetteer,
    desa: NameKey | None,
    kecamatan: NameKey | None,
    kabupaten: NameKey | None,
    cache: NameCache,
) -> NameMatch:
    """Place one (desa, kecamatan, kabupaten) combination; ``cache`` keeps what is known."""
    kab_codes: frozenset[str] | None = None
    kec_codes: frozenset[str] | None = None
    if kabupaten is not None:
        kab_codes, reason = _resolve(gazetteer, kabupaten, "kabupaten", cache)
        if reason:
            return NameMatch(None, reason, None)
    known_kab = next(iter(kab_codes)) if kab_codes and len(kab_codes) == 1 else None
    if kecamatan is not None:
        kec_codes, reason = _resolve(gazetteer, kecamatan, kab_codes, cache)
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
        if scope not in cache.scope_keys:
            if kec_codes is not None:
                members: Iterable[int] = (i for c in kec_codes for i in gazetteer.by_kecamatan[c])
            elif kab_codes is not None:
                members = (i for c in kab_codes for i in gazetteer.by_kabupaten[c])
            else:
                members = range(len(gazetteer.codes))
            cache.scope_keys[scope] = sorted({gazetteer.village_keys[i] for i in members} - {""})
        key, reason = closest(desa.key, cache.scope_keys[scope])
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
    cache = NameCache()
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
            cache,
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
