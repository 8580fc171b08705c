"""The one formatter (analytics.formatting): hand-computed strings in both languages,
rounding once and half up, no negative zero, and Babel's own output as the reference."""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from analytics import formatting as fmt


def test_the_issue_case_rounds_the_exact_value_once() -> None:
    exact = 77 / 505 * 100  # 15.247524...
    assert fmt.percent(exact, "id") == "15,2%"
    assert fmt.percent(exact, "en") == "15.2%"
    # Rounding an already-rounded value (15.25) is what gave 15,3% in the table.
    assert fmt.percent(round(exact, 2), "id") == "15,3%"
    assert fmt.rounded(exact, "percent") == 15.2


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (1234567, "id", "1.234.567"),
        (1234567, "en", "1,234,567"),
        (0, "id", "0"),
        (2.5, "id", "3"),  # half up, not to even (Babel's default would give 2)
        (3.5, "id", "4"),
        (-2.5, "id", "-3"),  # half away from zero
        (-0.4, "id", "0"),  # never "-0"
        (1234.5, "en", "1,235"),
    ],
)
def test_count(value: float, lang: str, expected: str) -> None:
    assert fmt.count(value, lang) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (12.5, "id", "12,5%"),
        (12.5, "en", "12.5%"),
        (0.25, "id", "0,3%"),  # half up
        (0.35, "id", "0,4%"),
        (0.15, "en", "0.2%"),  # 0.15 is 0.1499999... as a float; read to 15 digits
        (61 / 400 * 100, "id", "15,3%"),  # exactly 15,25: half up
        (-0.04, "id", "0,0%"),
        (1234.56, "id", "1.234,6%"),
        (100, "en", "100.0%"),
    ],
)
def test_percent(value: float, lang: str, expected: str) -> None:
    assert fmt.percent(value, lang) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (0.2, "id", "+0,2 pp"),
        (-1.5, "id", "-1,5 pp"),
        (0.1, "en", "+0.1 pp"),
        (-0.04, "id", "0,0 pp"),  # the issue: "-0,0 pp" beside "+0,1 pp"
        (0.04, "id", "0,0 pp"),
        (-0.05, "id", "-0,1 pp"),
        (0.05, "en", "+0.1 pp"),
        (0.0, "en", "0.0 pp"),
    ],
)
def test_pp(value: float, lang: str, expected: str) -> None:
    assert fmt.pp(value, lang) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (0.0512, "id", "+0,05 pp/bulan"),
        (0.0512, "en", "+0.05 pp/month"),
        (-0.004, "id", "0,00 pp/bulan"),  # the issue: "-0,00 pp/bulan"
        (-0.125, "en", "-0.13 pp/month"),
        (1.005, "id", "+1,01 pp/bulan"),  # 1.005 is 1.00499999... as a float
    ],
)
def test_pp_per_month(value: float, lang: str, expected: str) -> None:
    assert fmt.pp_per_month(value, lang) == expected


def test_rates_scores_targets_dates() -> None:
    assert fmt.decimal(7.7, "id") == "7,7" and fmt.decimal(8.65, "en") == "8.7"
    assert fmt.decimal(0.125, "id", 2) == "0,13"
    assert fmt.score(0.8734, "id") == "87,3" and fmt.score(0.9975, "en") == "99.8"
    assert fmt.rounded(0.9975, "score") == 99.8
    assert fmt.target(100, "id") == "100%" and fmt.target(52.15, "id") == "52,15%"
    assert fmt.day(pd.Timestamp("2025-12-01"), "en") == "01/12/2025"


@pytest.mark.parametrize(
    ("lang", "long", "expected"),
    [
        ("id", False, "Des 2025"),
        ("id", True, "Desember 2025"),
        ("en", False, "Dec 2025"),
        ("en", True, "December 2025"),
    ],
)
def test_month(lang: str, long: bool, expected: str) -> None:
    assert fmt.month(pd.Timestamp("2025-12-01"), lang, long=long) == expected
    assert fmt.month("2025-12", lang, long=long) == expected


@pytest.mark.parametrize("empty", [None, float("nan"), pd.NA, math.inf, "x"])
def test_missing_values_show_a_dash_and_export_empty(empty: object) -> None:
    for kind in (fmt.count, fmt.percent, fmt.pp, fmt.pp_per_month, fmt.decimal, fmt.score):
        assert kind(empty, "id") == fmt.MISSING == "—"
    assert fmt.rounded(empty, "percent") is None
    assert fmt.month(None, "en") == fmt.day(pd.NaT, "id") == fmt.MISSING


def test_markup_text_escapes_names() -> None:
    assert fmt.markup_text("<b>Desa</b> & <iframe>") == (
        "&lt;b&gt;Desa&lt;/b&gt; &amp; &lt;iframe&gt;"
    )


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(
    st.one_of(st.integers(-(10**12), 10**12), finite.map(round).map(float), finite),
    st.sampled_from(["id", "en"]),
)
def test_count_fast_path_equals_the_general_rounding(value: float, lang: str) -> None:
    assert fmt.count(value, lang) == fmt.number(Decimal(f"{value:.15g}"), lang, 0)
    assert fmt.count(-0.0, lang) == "0"


@given(finite, st.integers(0, 3), st.sampled_from(["id", "en"]))
def test_same_digits_as_babel_given_the_same_rounded_value(
    value: float, digits: int, lang: str
) -> None:
    """Python's layout of the rounded Decimal with Babel's marks is Babel's own output."""
    rounded = fmt.rounded_decimal(value, digits)
    assert rounded is not None
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    assert fmt.number(value, lang, digits) == format_decimal(rounded, pattern, locale=lang)


@given(finite, st.integers(0, 3))
def test_rounded_once_half_up_and_never_negative_zero(value: float, digits: int) -> None:
    d = fmt.rounded_decimal(value, digits)
    assert d is not None
    exact = Decimal(f"{value:.15g}")
    step = Decimal(1).scaleb(-digits)
    assert abs(d - exact) <= step / 2  # the nearest value with ``digits`` digits
    if abs(d - exact) == step / 2:
        assert abs(d) > abs(exact)  # a tie goes away from zero
    assert not (d.is_zero() and d.is_signed())
    text = fmt.pp(value, "id", digits)
    assert text.startswith("-") == (d < 0) and text.startswith("+") == (d > 0)
    # formatting the exported number again gives the same text (idempotent once rounded)
    assert fmt.number(float(d), "id", digits) == fmt.number(value, "id", digits)


@given(st.integers(0, 10**7), st.integers(1, 10**7))
def test_percent_of_any_ratio_matches_the_export(numerator: int, denominator: int) -> None:
    exact = 100 * numerator / denominator
    shown = fmt.percent(exact, "id")
    exported = fmt.rounded(exact, "percent")
    assert fmt.percent(exported, "id") == shown
    assert shown == fmt.number(exact, "id", 1) + "%"
