"""Cell value normalisation: segments, dates, identifiers, NIK structure, counts."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.io.values import (
    PLACEHOLDERS,
    blank,
    identifier_problem,
    identifier_shape,
    map_unique,
    nik_structure_valid,
    normalize_identifiers,
    normalize_segments,
    parse_counts,
    parse_dates,
    placeholder_mask,
    unusable_identifiers,
    without_placeholders,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PU", "PU"),
        ("pu", "PU"),
        (" Penerima Upah ", "PU"),
        ("BPU", "BPU"),
        ("bukan_penerima_upah", "BPU"),
        ("Bukan  Penerima Upah", "BPU"),
        ("JAKON", "JAKON"),
        ("jasa konstruksi", "JAKON"),
        ("PMI", "PMI"),
        ("Pekerja Migran Indonesia", "PMI"),
        ("PNS", None),
        ("", None),
        (None, None),
    ],
)
def test_segments_accept_codes_and_labels(raw: str | None, expected: str | None) -> None:
    result = normalize_segments(pd.Series([raw], dtype="str"))
    assert (None if pd.isna(result.iloc[0]) else result.iloc[0]) == expected


def test_segments_on_categorical_input_keep_alignment() -> None:
    values = pd.Series(["bpu", "PU", None, "bpu", "x"], dtype="category", index=[5, 6, 7, 8, 9])
    result = normalize_segments(values)
    assert result.index.tolist() == [5, 6, 7, 8, 9]
    assert result.astype(object).fillna("-").tolist() == ["BPU", "PU", "-", "BPU", "-"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-01-05", "2023-01-05"),
        ("2023-1-5", "2023-01-05"),
        ("2023-01-05 00:00:00", "2023-01-05"),
        ("05/01/2023", "2023-01-05"),
        ("5/1/2023", "2023-01-05"),
        ("05-01-2023", "2023-01-05"),
        ("29/02/2024", "2024-02-29"),
        ("31/02/2023", None),  # impossible day
        ("2023-13-01", None),  # impossible month
        ("29/02/2023", None),  # not a leap year
        ("05/01-2023", None),  # mixed separators
        ("44927", None),  # an Excel serial number in a CSV is not guessed
        ("01/05/23", None),  # two-digit year
        ("1850-01-01", None),  # out of range
        ("Jan 5 2023", None),
        ("", None),
    ],
)
def test_dates_accept_iso_and_day_first_only(raw: str, expected: str | None) -> None:
    result = parse_dates(pd.Series([raw], dtype="str")).iloc[0]
    assert (None if pd.isna(result) else result.strftime("%Y-%m-%d")) == expected


def test_datetime_columns_are_taken_as_they_are() -> None:
    values = pd.Series(pd.to_datetime(["2023-01-05 13:45", None]))
    result = parse_dates(values)
    assert result.iloc[0] == pd.Timestamp("2023-01-05")
    assert pd.isna(result.iloc[1])


def test_blank_tells_missing_from_unreadable() -> None:
    values = pd.Series(["", "  ", None, "x", "2023-01-05"], dtype="str")
    assert blank(values).tolist() == [True, True, True, False, False]


def test_identifiers_drop_spaces_and_blank_values() -> None:
    values = pd.Series([" 12 345 ", "ab1", "", None], dtype="str")
    assert normalize_identifiers(values).fillna("-").tolist() == ["12345", "AB1", "-", "-"]


@pytest.mark.parametrize(
    ("nik", "valid"),
    [
        ("3471010101900001", True),  # day 01, month 01
        ("3471014112900001", True),  # day 41 (a woman born on the 1st), month 12
        ("3471017112900001", True),  # day 71
        ("3471013212900001", False),  # day 32
        ("3471014012900001", False),  # day 40
        ("3471017212900001", False),  # day 72
        ("3471010113900001", False),  # month 13
        ("3471010100900001", False),  # month 00
        ("347101010190000", False),  # 15 digits
        ("3.47101E+15", False),
        (None, False),
    ],
)
def test_nik_structure(nik: str | None, valid: bool) -> None:
    assert nik_structure_valid(pd.Series([nik], dtype="str")).tolist() == [valid]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234", 1234),
        ("1.234", 1234),
        ("1,234,567", 1234567),
        ("12 345", 12345),
        ("0", 0),
        ("1.5", None),
        ("-3", None),
        ("12.34", None),
        ("1.234,567", None),
        ("", None),
    ],
)
def test_counts(raw: str, expected: int | None) -> None:
    result = parse_counts(pd.Series([raw], dtype="str")).iloc[0]
    assert (None if pd.isna(result) else int(result)) == expected


@given(st.lists(st.sampled_from(["a", "b", None, "c"]), max_size=30))
def test_map_unique_equals_elementwise(values: list[str | None]) -> None:
    series = pd.Series(values, dtype="str")
    result = map_unique(series, lambda u: u.astype("string").str.upper())
    expected = [None if v is None else v.upper() for v in values]
    assert [None if pd.isna(v) else v for v in result] == expected


# --- placeholders ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    ["-", "–", "—", "N/A", "NA", "n/a", "NULL", "null", "#N/A", "None", "nan", "NaN",
     "0000-00-00", "00/00/0000", "00-00-0000", "", "   ", " - ", "\tn/a "],
)  # fmt: skip
def test_placeholders_mean_empty_trimmed_and_in_any_case(token: str) -> None:
    values = pd.Series([token, "2024-01-05"], dtype="str")
    assert placeholder_mask(values).tolist() == [True, False]
    categorical = values.astype("category")
    assert without_placeholders(categorical).isna().tolist() == [True, False]


def test_placeholders_leave_real_values_and_can_be_changed() -> None:
    values = pd.Series(["-5", "NAS", "Nanggulan", "2023-02-31", "tidak ada", None], dtype="str")
    assert not placeholder_mask(values).any()
    mine = {*PLACEHOLDERS, "tidak ada"}
    assert placeholder_mask(values, mine).tolist() == [False] * 4 + [True, False]
    assert without_placeholders(values, mine).isna().tolist() == [False] * 4 + [True, True]


# --- identifiers that are not identities ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "problem"),
    [
        ("3.47101E+15", "nik", "scientific"),
        ("3,47101E+15", "nik", "scientific"),
        ("3.4710101019E15", "kpj", "scientific"),
        ("3471010101900001.0", "nik", "decimal"),
        ("12345678901.0", "kpj", "decimal"),
        ("347101010190000", "nik", "length"),
        ("34710101019000011", "nik", "length"),
        ("3471O10101900001", "nik", "length"),
        ("0000000000000000", "nik", "structure"),
        ("3471013201900001", "nik", "structure"),  # day 32
        ("3471010113900001", "nik", "structure"),  # month 13
        ("3471010101900001", "nik", None),
        ("3471014101900001", "nik", None),  # a woman: day + 40
        ("12345678901", "kpj", None),
        ("K1", "kpj", None),  # a KPJ has no fixed form here
        ("13.012.345.678", "kpj", None),  # grouped digits are not a decimal part
    ],
)
def test_identifier_problems(text: str, kind: str, problem: str | None) -> None:
    assert identifier_problem(text, kind) == problem
    found = unusable_identifiers(pd.Series([text, None], dtype="str"), kind).tolist()
    assert found == [problem is not None, False]


def test_identifier_shape_never_shows_the_digits() -> None:
    shape = identifier_shape("3.47101E+15", "nik", "scientific")
    assert shape == "NIK 9.99999E+99 (scientific notation, 11 characters)"
    assert identifier_shape("34710101019000", "nik", "length") == (
        "NIK 99999999999999 (not 16 digits, 14 characters)"
    )
    assert identifier_shape(None, "kpj", "numeric_cell") == "KPJ (numeric cell)"
