"""Kemendagri code parsing and hierarchy."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.codes import (
    child_level,
    level_of,
    normalize_village_code,
    normalize_village_codes,
    parent_code,
    parent_codes,
    parent_level,
    village_key,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("34.71.01.1001", "34.71.01.1001"),
        ("3471011001", "34.71.01.1001"),
        ("34 71 01 1001", "34.71.01.1001"),
        (" 34.71.01.1001 ", "34.71.01.1001"),
        ("34-71-01-1001", "34.71.01.1001"),
        ("34.71.01", None),
        ("347101100", None),  # 9 digits: a leading zero lost somewhere
        ("34711.01.1001", None),  # wrong grouping
        ("34.71.01.100A", None),
        ("", None),
        (None, None),
        (3471011001, None),  # a number went through a spreadsheet: refuse, do not guess
    ],
)
def test_normalize_village_code_forms(raw: object, expected: str | None) -> None:
    assert normalize_village_code(raw) == expected


def test_vectorised_matches_scalar() -> None:
    raw = pd.Series(["34.71.01.1001", "3471011001", "34 71 01 1001", "34.71.01", None, "x"])
    got = normalize_village_codes(raw)
    assert got.tolist()[:3] == ["34.71.01.1001"] * 3
    assert got.isna().tolist() == [False, False, False, True, True, True]


@given(st.text(alphabet="0123456789 .-", max_size=20))
def test_vectorised_agrees_with_scalar_on_any_text(text: str) -> None:
    vec = normalize_village_codes(pd.Series([text], dtype="string")).iloc[0]
    scalar = normalize_village_code(text)
    assert (None if pd.isna(vec) else vec) == scalar


def test_hierarchy() -> None:
    assert parent_code("34.71.01.1001", "kecamatan") == "34.71.01"
    assert parent_code("34.71.01.1001", "kabupaten") == "34.71"
    assert parent_code("34.71.01.1001", "provinsi") == "34"
    assert parent_codes(pd.Series(["34.71.01.1001", "99.01.02.2003"]), "kabupaten").tolist() == [
        "34.71",
        "99.01",
    ]
    assert [level_of(c) for c in ("34", "34.71", "34.71.01", "34.71.01.1001")] == [
        "provinsi",
        "kabupaten",
        "kecamatan",
        "desa",
    ]
    assert child_level("kabupaten") == "kecamatan" and child_level("desa") is None
    assert parent_level("kecamatan") == "kabupaten" and parent_level("provinsi") is None
    with pytest.raises(ValueError, match="not a dotted"):
        level_of("3471")


def test_village_key_is_the_ten_digits() -> None:
    keys = village_key(pd.Series(["34.71.01.1001", "99.01.01.2001"]))
    assert keys.tolist() == [3471011001, 9901012001]


def test_code_mask_tests_categories_once_and_agrees_with_text() -> None:
    import numpy as np
    import pandas as pd

    from analytics.codes import code_mask

    text = pd.Series(["34.71", "34.71.01", None, "33.01.02", "34.71.02"], dtype="str")
    calls: list[int] = []

    def inside(codes: pd.Series) -> pd.Series:
        calls.append(len(codes))
        return codes.str.startswith("34.71.")

    expected = np.array([False, True, False, False, True])
    assert (code_mask(text, inside) == expected).all()
    assert (code_mask(text.astype("category"), inside) == expected).all()
    assert calls[-1] == 4  # four categories, not five rows; the missing code is out
