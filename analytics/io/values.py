"""Normalising cell values: placeholders, segments, dates, identifiers, counts.

Every function takes a Series and returns one aligned to it, with ``<NA>``/``NaT`` where
a value is missing or cannot be read; callers decide what a missing value means. Work is
done once per distinct value (:func:`map_unique`), so a column of ten million dates with
a few thousand distinct values is parsed a few thousand times.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Segment codes and spelled-out labels (upper case, single spaces) -> segment code.
SEGMENT_LABELS: Final[dict[str, str]] = {
    "PU": "PU",
    "PENERIMA UPAH": "PU",
    "BPU": "BPU",
    "BUKAN PENERIMA UPAH": "BPU",
    "JAKON": "JAKON",
    "JASA KONSTRUKSI": "JAKON",
    "PMI": "PMI",
    "PEKERJA MIGRAN INDONESIA": "PMI",
}

#: Cell texts that mean "empty" in every field (compared trimmed and case-insensitively):
#: what spreadsheets, databases and pandas write where there is no value. A ``--mapping``
#: file can add to or replace them (``placeholders:``, see :mod:`analytics.io.headers`).
PLACEHOLDERS: Final[frozenset[str]] = frozenset(
    {
        "",
        "-",
        "--",
        "\u2013",  # en dash
        "\u2014",  # em dash
        "n/a",
        "na",
        "#n/a",
        "null",
        "none",
        "nan",
        "0000-00-00",
        "0000-00-00 00:00:00",
        "00/00/0000",
        "00-00-0000",
    }
)


def placeholder_keys(tokens: Iterable[str]) -> frozenset[str]:
    """The comparison keys of placeholder tokens: trimmed, lower case."""
    return frozenset(str(t).strip().lower() for t in tokens)


def placeholder_mask(values: pd.Series, placeholders: Collection[str] = PLACEHOLDERS) -> pd.Series:
    """True where a text cell is a placeholder (or only whitespace); False elsewhere.

    Categorical columns are checked once per category; text columns with Arrow kernels over
    the whole column (identifiers are nearly all distinct). Non-text columns (typed Parquet
    dates) hold no placeholders.
    """
    keys = placeholder_keys(placeholders)
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = pd.Series(values.cat.categories.astype("str"))
        hit = np.append(categories.str.strip().str.lower().isin(keys).to_numpy(), False)
        codes = values.cat.codes.to_numpy()
        return pd.Series(hit[codes], index=values.index)  # code -1 reads the appended False
    if not (pd.api.types.is_string_dtype(values.dtype) or values.dtype == object):
        return pd.Series(False, index=values.index)
    text = pc.utf8_lower(pc.utf8_trim_whitespace(_arrow_text(values)))
    found = pc.fill_null(pc.is_in(text, pa.array(sorted(keys), pa.large_string())), False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def without_placeholders(
    values: pd.Series, placeholders: Collection[str] = PLACEHOLDERS
) -> pd.Series:
    """``values`` with placeholder cells made missing (the same object when there are none)."""
    mask = placeholder_mask(values, placeholders)
    if not mask.any():
        return values
    if isinstance(values.dtype, pd.CategoricalDtype):
        keys = placeholder_keys(placeholders)
        drop = [c for c in values.cat.categories if str(c).strip().lower() in keys]
        return values.cat.remove_categories(drop)
    return values.mask(mask)


#: Dates outside these years are typing errors, not registrations.
MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2100

_TIME: Final = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO_DATE: Final = rf"^(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}}){_TIME}$"
_DAY_FIRST_DATE: Final = (
    rf"^(?P<day>\d{{1,2}})([/-])(?P<month>\d{{1,2}})\2(?P<year>\d{{4}}){_TIME}$"
)


def distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Integer codes per row (``-1`` where missing) and the distinct non-missing values."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.cat.categories
        return values.cat.codes.to_numpy(), pd.Series(categories, dtype=categories.dtype)
    codes, found = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Series(found)


def spread(per_value: np.ndarray, codes: np.ndarray, missing: object) -> np.ndarray:
    """Per-row values from per-distinct-value ones (``missing`` where the code is -1)."""
    if len(per_value) == 0:
        return np.full(len(codes), missing)
    return np.where(codes >= 0, per_value[np.maximum(codes, 0)], missing)  # type: ignore[call-overload]


def map_unique(values: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply ``transform`` to the distinct values of ``values`` and spread the results back.

    ``transform`` receives the distinct non-missing values as a Series with a fresh
    index and returns a Series of the same length. Text results come back categorical
    (a few distinct values over millions of rows); other results keep their dtype, which
    must hold missing values (extension or datetime dtypes). Missing inputs give missing
    outputs.
    """
    codes, uniques = distinct(values)
    mapped = transform(uniques.reset_index(drop=True))
    if pd.api.types.is_string_dtype(mapped.dtype) and not isinstance(
        mapped.dtype, pd.CategoricalDtype
    ):
        mapped_codes, mapped_uniques = pd.factorize(mapped, use_na_sentinel=True)
        categories = pd.Index(mapped_uniques, dtype="str")
        result = pd.Categorical.from_codes(spread(mapped_codes, codes, -1), categories=categories)
        return pd.Series(result, index=values.index, name=values.name)
    return pd.Series(
        mapped.array.take(codes, allow_fill=True), index=values.index, name=values.name
    )


def blank(values: pd.Series) -> pd.Series:
    """True where a value is missing or only whitespace."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.isna()
    text = map_unique(values, lambda u: u.astype("string").str.strip())
    return (text.isna() | (text == "")).astype(bool)


def _text(values: pd.Series) -> pd.Series:
    """Stripped text, ``<NA>`` for blanks."""
    stripped = values.astype("string").str.strip()
    return stripped.mask(stripped == "")


def normalize_segments(values: pd.Series) -> pd.Series:
    """Segment codes (``PU``, ``BPU``, ``JAKON``, ``PMI``); ``<NA>`` when unknown or missing.

    Accepts the codes and the spelled-out labels in any case and spacing
    (``penerima upah``, ``Bukan_Penerima_Upah``).
    """

    def transform(u: pd.Series) -> pd.Series:
        key = _text(u).str.upper().str.replace(r"[\s_\-.]+", " ", regex=True).str.strip()
        return key.map(SEGMENT_LABELS).astype("string")

    return map_unique(values, transform)


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates from ISO ``YYYY-MM-DD``, ``DD/MM/YYYY`` or ``DD-MM-YYYY`` text (a time is ignored).

    Datetime columns (real Excel or Parquet dates) are taken as they are. Impossible
    dates (``31/02/2023``), other forms, years outside 1900-2100 and numbers (an Excel
    serial number in a CSV is not guessed) give ``NaT``; use :func:`blank` to tell a
    missing value from an unreadable one.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.normalize().astype("datetime64[ns]")

    def transform(u: pd.Series) -> pd.Series:
        text = _text(u)
        iso = text.str.extract(_ISO_DATE)[["year", "month", "day"]]
        dmy = text.str.extract(_DAY_FIRST_DATE)[["year", "month", "day"]]
        parts = iso.fillna(dmy).astype("float64")
        ok = parts.notna().all(axis=1) & parts["year"].between(MIN_YEAR, MAX_YEAR)
        parts = parts.where(ok, np.nan)
        return pd.to_datetime(parts, errors="coerce").astype("datetime64[ns]")

    return map_unique(values, transform)


def _arrow_text(values: pd.Series) -> pa.ChunkedArray:
    """Arrow text of ``values``, without a copy when they are Arrow-backed already."""
    arrow_backed = isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"
    array = pa.array((values if arrow_backed else values.astype("string[pyarrow]")).array)
    array = array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])
    return array if array.type == pa.large_string() else array.cast(pa.large_string())


def normalize_identifiers(values: pd.Series) -> pd.Series:
    """Identifier text (KPJ or NIK) without spaces, upper case; ``<NA>`` when blank.

    Identifiers are nearly all distinct, so this works on the whole column with Arrow
    kernels rather than per distinct value, and copies it only when something changes.
    """
    text = _arrow_text(values)
    if pc.any(pc.match_substring_regex(text, r"\s|\p{Ll}")).as_py():
        text = pc.utf8_upper(pc.replace_substring_regex(text, r"\s+", ""))
    if pc.any(pc.equal(text, "")).as_py():
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.large_string()), text)
    return pd.Series(pd.array(text, dtype="string[pyarrow]"), index=values.index, name=values.name)


#: 16 digits; digits 7-8 a day of birth (1-31, or 41-71 for women), digits 9-10 a month.
NIK_PATTERN: Final = r"^\d{6}(0[1-9]|[12]\d|3[01]|4[1-9]|[56]\d|7[01])(0[1-9]|1[0-2])\d{6}$"


def nik_structure_valid(niks: pd.Series) -> pd.Series:
    """True where a NIK has a plausible structure (:data:`NIK_PATTERN`).

    Digits 7-8 are the day of birth (plus 40 for women: 1-31 or 41-71) and digits 9-10
    the month (1-12). Missing NIKs give ``False``.
    """
    found = pc.fill_null(pc.match_substring_regex(_arrow_text(niks), NIK_PATTERN), False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=niks.index, dtype=bool)


#: A number Excel or pandas wrote in place of the identifier: scientific notation
#: (``3.47101E+15``, ``3,47101E+15``) or a decimal part (``3471012345678901.0``).
_MANGLED: Final = r"^[+-]?\d+(?:[.,]\d*)?E[+-]?\d+$|^\d+[.,]\d+$"
#: What makes an identifier unusable, as said in the outcome tables (never the value).
IDENTIFIER_PROBLEMS: Final[dict[str, str]] = {
    "scientific": "scientific notation",
    "decimal": "decimal part",
    "length": "not 16 digits",
    "structure": "no birth date in digits 7-10",
    "numeric_cell": "numeric cell",
}


def identifier_problem(text: str, kind: str) -> str | None:
    """Why a normalised identifier (:func:`normalize_identifiers`) is not an identity.

    ``scientific`` or ``decimal``: a number written by Excel or pandas, whose digits are
    no longer the identifier's (a float keeps 15-17 significant digits, Excel 15); for a
    NIK also ``length`` (not 16 digits) and ``structure`` (16 digits without a possible
    birth date, e.g. ``0000000000000000``). A KPJ has no fixed length here (exports write
    it in several forms). ``None`` when the identifier is usable.
    """
    if re.fullmatch(_MANGLED, text):
        return "scientific" if "E" in text else "decimal"
    if kind == "nik":
        if not re.fullmatch(r"\d{16}", text):
            return "length"
        if not re.fullmatch(NIK_PATTERN, text):
            return "structure"
    return None


def unusable_identifiers(values: pd.Series, kind: str) -> pd.Series:
    """True where a normalised identifier is present but not an identity.

    One Arrow pass over the column (identifiers are nearly all distinct); the reasons are
    :func:`identifier_problem`'s.
    """
    text = _arrow_text(values)
    if kind == "nik":
        bad = pc.invert(pc.match_substring_regex(text, NIK_PATTERN))
    else:
        bad = pc.match_substring_regex(text, _MANGLED)
    found = pc.fill_null(bad, False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def identifier_shape(text: str | None, kind: str, problem: str) -> str:
    """How an unusable identifier looks, without its value: ``NIK 9.99999E+99 (scientific
    notation, 11 characters)``; digits become ``9`` and letters ``A`` (an exponent's ``E``
    stays)."""
    label = kind.upper()
    said = IDENTIFIER_PROBLEMS[problem]
    if text is None:
        return f"{label} ({said})"
    masked = re.sub(r"[^\W\d_E]", "A", re.sub(r"\d", "9", text))
    return f"{label} {masked} ({said}, {len(text)} characters)"


def parse_counts(values: pd.Series) -> pd.Series:
    """Whole non-negative numbers (``Int64``); ``<NA>`` when missing or not a whole number.

    Thousands may be grouped with dots, commas or spaces (``12.345``, ``12,345``,
    ``12 345``): worker counts are whole numbers, so a group of exactly three digits
    after a separator is a thousands group, never a decimal part.
    """

    def transform(u: pd.Series) -> pd.Series:
        text = _text(u)
        grouped = text.str.fullmatch(r"\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*").fillna(False)
        plain = text.str.fullmatch(r"\d+").fillna(False)
        digits = text.str.replace(r"[.,\s]", "", regex=True)
        return pd.to_numeric(digits.where(grouped | plain), errors="coerce").astype("Int64")

    return map_unique(values, transform)
