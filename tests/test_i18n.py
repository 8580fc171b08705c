"""Indonesian and English messages and number/date formats."""

from __future__ import annotations

import math

import pandas as pd
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from layouts.core.i18n import MESSAGES, fmt_int, fmt_month, fmt_pct, fmt_pp, t


def test_indonesian_formats() -> None:
    assert fmt_int(1234567, "id") == "1.234.567"
    assert fmt_pct(12.5, "id") == "12,5%"
    assert fmt_pp(0.2, "id") == "+0,2 pp"
    assert fmt_pp(-1.5, "id") == "-1,5 pp"
    assert fmt_month(pd.Timestamp("2025-01-01"), "id") == "Jan 2025"
    assert fmt_month(pd.Timestamp("2025-08-01"), "id", long=True) == "Agustus 2025"


def test_english_formats() -> None:
    assert fmt_int(1234567, "en") == "1,234,567"
    assert fmt_pct(12.5, "en") == "12.5%"
    assert fmt_month(pd.Timestamp("2025-08-01"), "en", long=True) == "August 2025"


def test_missing_values_show_a_dash() -> None:
    for value in (None, math.nan, pd.NA):
        assert fmt_int(value, "id") == fmt_pct(value, "id") == fmt_pp(value, "en") == "—"


@given(st.integers(-(10**12), 10**12))
def test_integers_match_babel(n: int) -> None:
    for lang in ("id", "en"):
        assert fmt_int(n, lang) == format_decimal(n, format="#,##0", locale=lang)


def test_every_message_has_both_languages() -> None:
    assert all(set(entry) == {"id", "en"} and all(entry.values()) for entry in MESSAGES.values())
    assert t("demo_badge", "id") == "Data sintetis (demo)"
    assert t("nav.map", "en") == "Coverage map"
    assert t("nav.map", "fr") == "Peta cakupan"  # unknown language: Indonesian
    assert t("no.such.message", "id") == "no.such.message"
