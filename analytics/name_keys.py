"""Comparison keys of typed area names (village, kecamatan, kabupaten).

A key is what is left of a name once the ways people write the same name differently are
removed: accents, case, spacing and punctuation, the administrative prefixes of the level
(``Desa``, ``Ds.``, ``Kel.``, ``Kelurahan``, ``Kalurahan``; ``Kec.``, ``Kecamatan``,
``Kapanewon``, ``Kemantren``; ``Kab.``, ``Kabupaten``, ``Kota``; also in the old spelling,
``Kaboepaten``, ``Ketjamatan``), and roman numerals after
the first word (``Sidomulyo II`` = ``Sidomulyo 2``). So ``Kalurahan Caturtunggal`` =
``CATURTUNGGAL`` and ``Gunung Kidul`` = ``Gunungkidul``.

The spelling before 1972 (``Soerodjo`` for Surojo) is folded by :func:`fold_old_spelling`,
used beside the key when names are compared by edit distance (not inside the key: ``nj``
and ``tj`` are also ordinary letter pairs of today's names, as in Banjar or Kramatjati).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

Level = Literal["desa", "kecamatan", "kabupaten"]
PREFIXES: Final[dict[Level, tuple[str, ...]]] = {
    "desa": ("desa", "ds", "kelurahan", "kel", "kalurahan", "kal"),
    "kecamatan": ("kecamatan", "kec", "kapanewon", "kemantren"),
    "kabupaten": ("kabupaten", "kab", "kotamadya", "kota", "administrasi", "adm"),
}
_KOTA_WORDS: Final = frozenset({"kota", "kotamadya"})
_KABUPATEN_WORDS: Final = frozenset({"kabupaten", "kab"})
_NON_ALNUM: Final = re.compile(r"[^0-9a-z]+")
#: Roman numerals 1-39 (``i`` ... ``xxxix``), as whole words.
_ROMAN: Final = re.compile(r"(?=[ivx])(x{0,3})(ix|iv|v?i{0,3})")
_ROMAN_DIGITS: Final = {"i": 1, "v": 5, "x": 10}
#: Old (Van Ophuijsen / Soewandi) letter groups and today's spelling, read left to right in
#: one pass so that ``ndj`` becomes ``nj`` (Bandjar, Banjar) and not ``ny``.
OLD_SPELLING: Final = {"oe": "u", "dj": "j", "tj": "c", "nj": "ny", "sj": "sy", "ch": "kh"}
_OLD_GROUPS: Final = re.compile("|".join(OLD_SPELLING))


@dataclass(frozen=True)
class NameKey:
    """A name reduced for comparison: ``key`` without prefixes, ``full`` with them."""

    key: str
    full: str
    hint: str | None = None  # "kota" or "kabupaten" when the name said so


def roman_to_int(word: str) -> int | None:
    """The value of a roman numeral from 1 to 39, else ``None``.

    >>> roman_to_int("xiv"), roman_to_int("iiii"), roman_to_int("mix")
    (14, None, None)
    """
    if not _ROMAN.fullmatch(word):
        return None
    values = [_ROMAN_DIGITS[c] for c in word]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def fold_old_spelling(key: str) -> str:
    """A key in today's spelling: ``oe``→u, ``dj``→j, ``tj``→c, ``nj``→ny, ``sj``→sy, ``ch``→kh.

    >>> fold_old_spelling("soerodjo"), fold_old_spelling("bandjar")
    ('surojo', 'banjar')
    """
    return _OLD_GROUPS.sub(lambda m: OLD_SPELLING[m.group(0)], key)


def name_key(name: object, level: Level) -> NameKey | None:
    """The comparison key of one typed name (``None`` when blank).

    >>> name_key("Kab. Gunung Kidul", "kabupaten")
    NameKey(key='gunungkidul', full='kabgunungkidul', hint='kabupaten')
    >>> name_key("Desa Sidomulyo II", "desa").key
    'sidomulyo2'
    """
    if name is None or (isinstance(name, float) and np.isnan(name)) or name is pd.NA:
        return None
    text = str(name)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower()
    words = _NON_ALNUM.sub(" ", text).split()
    if not words:
        return None
    hint = None
    prefixes = PREFIXES[level]
    rest = list(words)
    while len(rest) > 1 and fold_old_spelling(rest[0]) in prefixes:  # also Kaboepaten
        word = fold_old_spelling(rest.pop(0))
        if word in _KOTA_WORDS:
            hint = "kota"
        elif word in _KABUPATEN_WORDS:
            hint = hint or "kabupaten"
    first = len(words) - len(rest)
    words = words[:first] + [_arabic(w) if i else w for i, w in enumerate(rest)]
    return NameKey("".join(words[first:]), "".join(words), hint)


def _arabic(word: str) -> str:
    value = roman_to_int(word)
    return word if value is None else str(value)
