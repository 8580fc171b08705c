"""Messy spellings of real village, kecamatan and kabupaten names, and what they should match.

Used by :mod:`bench_matching` (the whole country) and by ``tests/test_matching_real.py``
(DI Yogyakarta).

:func:`make_variants` writes, for every village, one row per *variant kind* (the ways
registry exports misspell a village name):

* ``substitution``, ``insertion``, ``deletion``, ``transposition``: one edit of one letter
  (transposition: two neighbouring letters swapped);
* ``two_edits``: two of those, only in names of at least 10 letters;
* ``old_spelling``: today's letters written as before 1972 (u→oe, j→dj, c→tj, ny→nj,
  sy→sj, kh→ch: Surojo→Soerodjo), when the name has any of them;
* ``spacing``: the spaces of the name dropped (Sendang Arum→Sendangarum), or one added
  inside a one-word name of at least 6 letters;
* ``numerals``: a roman numeral after the first word written in digits or the reverse
  (Sidomulyo II↔Sidomulyo 2), when the name has one;
* ``prefix_case``: an administrative prefix (Desa, Ds., Kel., Kelurahan, Kalurahan) and
  upper, lower or title case.

Each row names its kecamatan and kabupaten in a messy way too, drawn independently: the
kecamatan as written, with a prefix (Kec., Kecamatan, Kapanewon) and case, spaces dropped
or added, one edit, or in old spelling; the kabupaten as written (Kabupaten X, Kota Y),
abbreviated (Kab. X), without prefix, upper case, with one edit, in old spelling, or left
out. Letters are drawn from a seeded :class:`numpy.random.Generator`.

:func:`judge` is the reference a person with the gazetteer would apply. At each level (the
kabupaten among all kabupaten, the kecamatan among those of the kabupaten the row names,
the village among those of the kecamatan it names) the typed key is compared with every
distinct key in scope by Damerau-Levenshtein edits (the smaller of the key as typed and in
today's spelling). A row is

* ``misleading`` when at some level another name is strictly closer than the true one (the
  typo made another real name, or nearly): no rule can place it right, it is left out of
  recall and wrong placements and reported apart;
* ``decidable`` when at every level the true name is *clearly closest*: the only name at
  the smallest distance (strictly fewer edits than the runner-up), that distance within
  :func:`analytics.matching.max_edits` of the true name's length, and the village name
  unique in its kecamatan;
* ``undecidable`` otherwise, with the first reason: ``tie`` (another name equally close),
  ``too_far`` (clearly closest but more edits than tolerated) or ``duplicate_name`` (two
  villages of the kecamatan share the name), and the level (``tie:kecamatan``).

``unique_closest`` marks the rows whose true names are the only closest at every level
whatever the number of edits (decidable without the length bound).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from analytics.matching import edit_distances, max_edits
from analytics.name_keys import Level, NameKey, fold_old_spelling, name_key, roman_to_int

VARIANT_KINDS: Final = (
    "substitution",
    "insertion",
    "deletion",
    "transposition",
    "two_edits",
    "old_spelling",
    "spacing",
    "numerals",
    "prefix_case",
)
EDIT_KINDS: Final = ("substitution", "insertion", "deletion", "transposition")
TWO_EDITS_MIN_LETTERS: Final = 10
_LETTERS: Final = "abcdefghijklmnopqrstuvwxyz"
#: Edits beyond which distances are not computed exactly (any name further away is too
#: far for every rule measured).
_CUTOFF: Final = 3
_NEW_TO_OLD: Final = {"u": "oe", "j": "dj", "c": "tj", "ny": "nj", "sy": "sj", "kh": "ch"}
_NEW_GROUPS: Final = re.compile("ny|sy|kh|u|j|c", re.IGNORECASE)
_ROMAN_OF: Final = {
    n: r
    for n, r in (
        (i, "X" * (i // 10) + ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")[i % 10])
        for i in range(1, 40)
    )
}
VILLAGE_PREFIXES: Final = ("Desa ", "Ds. ", "Kel. ", "Kelurahan ", "Kalurahan ", "DESA ")
KECAMATAN_PREFIXES: Final = ("Kec. ", "Kecamatan ", "KEC. ", "Kapanewon ")


def edit(rng: np.random.Generator, name: str, kind: str) -> str:
    """``name`` with one edit of ``kind`` on its letters (unchanged when impossible)."""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if kind == "transposition":
        pairs = [i for i in letters if i + 1 < len(name) and name[i + 1].isalpha()]
        pairs = [i for i in pairs if name[i].lower() != name[i + 1].lower()]
        if not pairs:
            return name
        i = int(rng.choice(pairs))
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if not letters or (kind == "deletion" and len(letters) < 2):
        return name
    i = int(rng.choice(letters))
    if kind == "deletion":
        return name[:i] + name[i + 1 :]
    letter = str(rng.choice(list(_LETTERS)))
    if kind == "insertion":
        return name[:i] + letter + name[i:]
    while letter == name[i].lower():
        letter = str(rng.choice(list(_LETTERS)))
    return name[:i] + (letter.upper() if name[i].isupper() else letter) + name[i + 1 :]


def old_spelling(name: str) -> str:
    """``name`` in the spelling before 1972 (Surojo→Soerodjo, Banjar→Bandjar)."""

    def old(match: re.Match[str]) -> str:
        group = match.group(0)
        spelt = _NEW_TO_OLD[group.lower()]
        return spelt.capitalize() if group[0].isupper() else spelt

    return _NEW_GROUPS.sub(old, name)


def respace(rng: np.random.Generator, name: str) -> str:
    """Spaces dropped, or one added inside a one-word name of at least 6 letters."""
    if " " in name.strip():
        return name.replace(" ", "")
    if len(name) < 6:
        return name
    i = int(rng.integers(3, len(name) - 2))
    return name[:i] + " " + name[i:].lower()


def renumber(name: str) -> str:
    """A roman numeral after the first word in digits, or digits 1-39 as a roman numeral."""
    words = name.split(" ")
    for i in range(1, len(words)):
        value = roman_to_int(words[i].lower())
        if value is not None:
            return " ".join([*words[:i], str(value), *words[i + 1 :]])
        if words[i].isdigit() and 1 <= int(words[i]) <= 39:
            return " ".join([*words[:i], _ROMAN_OF[int(words[i])], *words[i + 1 :]])
    return name


def recase(rng: np.random.Generator, name: str) -> str:
    return str(rng.choice([name.upper(), name.lower(), name.title(), name]))


def village_variant(rng: np.random.Generator, name: str, kind: str) -> str | None:
    """One messy spelling of a village name, ``None`` when ``kind`` does not apply."""
    letters = sum(c.isalnum() for c in name)
    if kind in EDIT_KINDS:
        typed = edit(rng, name, kind)
    elif kind == "two_edits":
        if letters < TWO_EDITS_MIN_LETTERS:
            return None
        kinds = rng.choice(list(EDIT_KINDS), 2)
        typed = edit(rng, edit(rng, name, str(kinds[0])), str(kinds[1]))
    elif kind == "old_spelling":
        typed = old_spelling(name)
    elif kind == "spacing":
        typed = respace(rng, name)
    elif kind == "numerals":
        typed = renumber(name)
    else:
        typed = recase(rng, str(rng.choice(VILLAGE_PREFIXES)) + name)
    return None if typed == name else typed


def kecamatan_variant(rng: np.random.Generator, name: str) -> str:
    draw = rng.random()
    if draw < 0.3:
        return name
    if draw < 0.55:
        return recase(rng, str(rng.choice(KECAMATAN_PREFIXES)) + name)
    if draw < 0.65:
        return respace(rng, name)
    if draw < 0.85:
        return edit(rng, name, str(rng.choice(list(EDIT_KINDS))))
    return old_spelling(name)


def kabupaten_variant(rng: np.random.Generator, name: str) -> str | None:
    prefix, _, bare = name.partition(" ")
    if prefix not in ("Kabupaten", "Kota"):
        prefix, bare = "", name
    draw = rng.random()
    if draw < 0.25:
        return name
    if draw < 0.4:
        return ("Kab. " if prefix == "Kabupaten" else "Kota ") + bare
    if draw < 0.6:
        return bare
    if draw < 0.7:
        return name.upper()
    if draw < 0.8:
        return f"{prefix} {edit(rng, bare, str(rng.choice(list(EDIT_KINDS))))}".strip()
    if draw < 0.9:
        return old_spelling(name)
    return None


def make_variants(villages: pd.DataFrame, seed: int, kinds: tuple[str, ...] = VARIANT_KINDS):
    """One row per village and applicable kind: ``source`` (the village's position),
    ``kind``, ``desa``, ``kecamatan``, ``kabupaten`` (``None`` when left out)."""
    rng = np.random.default_rng(seed)
    rows = []
    names = villages[["village_name", "kecamatan_name", "kabupaten_name"]].itertuples(index=False)
    for source, (desa, kec, kab) in enumerate(names):
        for kind in kinds:
            typed = village_variant(rng, str(desa), kind)
            if typed is None:
                continue
            rows.append(
                (
                    source,
                    kind,
                    typed,
                    kecamatan_variant(rng, str(kec)),
                    kabupaten_variant(rng, str(kab)),
                )
            )
    return pd.DataFrame(rows, columns=["source", "kind", "desa", "kecamatan", "kabupaten"])


@dataclass(frozen=True)
class _Level:
    """Distinct keys of one level and, per key, the codes that carry it."""

    codes_of: dict[str, list[str]]
    hint_of: dict[str, str | None]


def _verdict(typed: str, keys: list[str], true_key: str) -> tuple[str, int]:
    """(``ok``, ``misleading``, ``tie``, ``too_far``; edits to the true key) at one level."""
    forms = list(dict.fromkeys((typed, fold_old_spelling(typed))))
    near, found = edit_distances(forms, keys, _CUTOFF)
    true = int(dict(zip(near, found.tolist(), strict=True)).get(true_key, _CUTOFF + 1))
    best = int(found.min()) if len(found) else _CUTOFF + 1
    if best < true:
        return "misleading", true
    if true > _CUTOFF:  # distances beyond the cut-off are not told apart
        return "too_far", true
    if int((found == best).sum()) > 1:
        return "tie", true
    if true > max_edits(len(true_key)):
        return "too_far", true
    return "ok", true


def judge(villages: pd.DataFrame, variants: pd.DataFrame) -> pd.DataFrame:
    """``status`` (decidable, misleading, undecidable), ``why`` and ``unique_closest`` of
    every variant row, by the reference rule of the module doc."""
    vil_key = [_key(n, "desa").key for n in villages["village_name"]]
    kec_key = {
        c: _key(n, "kecamatan").key
        for c, n in zip(villages["kecamatan_code"], villages["kecamatan_name"], strict=True)
    }
    kab_name = dict(zip(villages["kabupaten_code"], villages["kabupaten_name"], strict=True))
    kab_key = {c: _key(n, "kabupaten") for c, n in kab_name.items()}
    kab_of_kec = dict(zip(villages["kecamatan_code"], villages["kabupaten_code"], strict=True))
    kec_of_kab: dict[str, list[str]] = {}
    for kec, kab in kab_of_kec.items():
        kec_of_kab.setdefault(kab, []).append(kec)
    members: dict[str, list[int]] = {}
    for i, kec in enumerate(villages["kecamatan_code"]):
        members.setdefault(kec, []).append(i)
    all_kab = sorted({k.key for k in kab_key.values()})
    codes = villages["kecamatan_code"].to_numpy()
    kabs = villages["kabupaten_code"].to_numpy()
    kab_scopes: dict[tuple[str, str | None, str], tuple[str, ...]] = {}
    kec_pools: dict[tuple[str, ...], tuple[list[str], list[str], dict[str, list[str]]]] = {}
    vil_scopes: dict[tuple[tuple[str, ...], str], tuple[list[str], list[int]]] = {}
    memo: dict[tuple[str, tuple[str, ...], str], tuple[str, int]] = {}

    def verdict(typed: str, scope: tuple[str, ...], keys: list[str], true: str) -> tuple[str, int]:
        if (typed, scope, true) not in memo:
            memo[(typed, scope, true)] = _verdict(typed, keys, true)
        return memo[(typed, scope, true)]

    out_status, out_why, out_unique = [], [], []
    for row in variants.itertuples(index=False):
        kab, kec, true_vil = kabs[row.source], codes[row.source], vil_key[row.source]
        verdicts: list[tuple[str, int, str]] = []
        # Kabupaten: among all; the row's scope is every kabupaten with the true key, or
        # only those with the row's Kota/Kabupaten prefix when it names one.
        true_kab = kab_key[kab]
        scope_kabs: tuple[str, ...] = ("",)
        typed = name_key(row.kabupaten, "kabupaten")
        if typed is not None:
            verdicts.append(
                (*verdict(typed.key, ("kabupaten",), all_kab, true_kab.key), "kabupaten")
            )
            scope_id = (true_kab.key, typed.hint, kab)
            if scope_id not in kab_scopes:
                same = [c for c, k in kab_key.items() if k.key == true_kab.key]
                hinted = [c for c in same if typed.hint and kab_key[c].hint == typed.hint]
                kab_scopes[scope_id] = tuple(hinted or same)
            scope_kabs = kab_scopes[scope_id]
        if scope_kabs not in kec_pools:
            chosen = list(kab_key) if scope_kabs == ("",) else scope_kabs
            members_of = [c for k in chosen for c in kec_of_kab[k]]
            by_key: dict[str, list[str]] = {}
            for c in members_of:
                by_key.setdefault(kec_key[c], []).append(c)
            kec_pools[scope_kabs] = (members_of, sorted(by_key), by_key)
        pool_keys = kec_pools[scope_kabs][1]
        typed_kec = _key(row.kecamatan, "kecamatan")
        verdicts.append((*verdict(typed_kec.key, scope_kabs, pool_keys, kec_key[kec]), "kecamatan"))
        if (scope_kabs, kec) not in vil_scopes:
            same = kec_pools[scope_kabs][2].get(kec_key[kec], [])
            scope = [i for c in same for i in members[c]]
            vil_scopes[(scope_kabs, kec)] = (sorted({vil_key[i] for i in scope}), scope)
        keys, scope = vil_scopes[(scope_kabs, kec)]
        typed_vil = _key(row.desa, "desa").key
        verdicts.append((*verdict(typed_vil, (kec, *scope_kabs), keys, true_vil), "desa"))
        if sum(vil_key[i] == true_vil for i in scope) > 1:
            verdicts.append(("duplicate_name", 0, "desa"))
        found = [v for v, _, _ in verdicts if v != "ok"]
        if "misleading" in found:
            out_status.append("misleading")
        elif found:
            out_status.append("undecidable")
        else:
            out_status.append("decidable")
        out_why.append(next((f"{v}:{lv}" for v, _, lv in verdicts if v != "ok"), ""))
        out_unique.append(not found or set(found) == {"too_far"})
    return variants.assign(status=out_status, why=out_why, unique_closest=out_unique)


def _key(name: object, level: Level) -> NameKey:
    found = name_key(name, level)
    if found is None:
        raise ValueError(f"blank {level} name")
    return found
