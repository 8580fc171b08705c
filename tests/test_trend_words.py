"""The trend page says in words where each line is heading (the KPI card's projection),
draws the projection to the target or the stated horizon, and formats every hover text."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analytics.indicators import area_kpis
from analytics.trends import project
from layouts.trend_views import (
    PROJECTION_HORIZON,
    projection_statement,
    trend_main,
    trend_small,
    trend_statements,
)

MONTHS = pd.date_range("2024-01-01", periods=12, freq="MS")
NAMES = {"51.04": "Kabupaten Gianyar Yang Namanya Panjang", "51.71": "Kota Denpasar"}


def _rows(code: str, values: list[float], segment: str = "BPU") -> pd.DataFrame:
    return pd.DataFrame(
        {"area_code": code, "segment": segment, "month": MONTHS, "coverage_pct": values}
    )


#: +1 pp a month exactly: 10, 11, ..., 21 (December 2024).
RISING = [10.0 + i for i in range(12)]
FLAT = [21.0] * 12
SLOW = [10.0 + 0.1 * i for i in range(12)]  # +0.1 pp a month: 30% is 189 months away


def _series(values: list[float]) -> pd.Series:
    return pd.Series(values, index=MONTHS)


def test_projected_month_in_words_both_languages() -> None:
    # (30 - 21) / 1 = 9 months after December 2024
    assert projection_statement(_series(RISING), "Gianyar · BPU", 30.0, "id") == (
        "Gianyar · BPU: target 30% tercapai September 2025 "
        "(cakupan 21,0% pada Desember 2024, laju +1,00 pp/bulan)"
    )
    assert projection_statement(_series(RISING), "Gianyar · BPU", 30.0, "en") == (
        "Gianyar · BPU: reaches the 30% target in September 2025 "
        "(21.0% in December 2024, pace +1.00 pp/month)"
    )
    assert projection_statement(_series(FLAT), "X", 30.0, "id") == (
        "X: tidak tercapai dengan laju sekarang (cakupan 21,0% pada Desember 2024, "
        "laju 0,00 pp/bulan)"
    )
    assert projection_statement(_series(FLAT), "X", 30.0, "en").startswith(
        "X: not at the current pace (21.0% in December 2024"
    )
    assert projection_statement(_series(RISING), "X", 20.0, "en") == (
        "X: the 20% target is already reached (21.0% in December 2024)"
    )
    assert projection_statement(_series([float("nan")] * 12), "X", 30.0, "id") == (
        "X: belum ada angka cakupan"
    )


def test_statement_and_kpi_card_share_one_projection() -> None:
    rows = _rows("51.04", RISING).assign(
        area_name=NAMES["51.04"],
        active=100,
        eligible=1000.0,
        gap=0.0,
        change_mom_pp=1.0,
        change_yoy_pp=11.0,
        villages=3,
        villages_with_eligible=3,
    )
    kpis = area_kpis(rows, "51.04", MONTHS[-1], "BPU", 30.0)
    p = project(_series(RISING), 30.0)
    assert p is not None and kpis.projected_month == p.month == pd.Timestamp("2025-09-01")
    assert p.months_ahead == 9
    # as of an earlier month the card projects from that month, as project(as_of=) does
    earlier = area_kpis(rows, "51.04", MONTHS[5], "BPU", 30.0)
    assert earlier.projected_month == project(_series(RISING), 30.0, as_of=MONTHS[5]).month  # type: ignore[union-attr]
    assert earlier.projected_month == pd.Timestamp("2025-09-01")  # June: 15% + 1 pp x 15


def _projection_traces(fig):  # type: ignore[no-untyped-def]
    return [tr for tr in fig.data if tr.line.dash == "dot"]


def test_projection_drawn_to_the_target_or_the_horizon() -> None:
    coverage = pd.concat([_rows("51.04", RISING), _rows("51.71", SLOW)], ignore_index=True)
    fig = trend_main(coverage, NAMES, "51.04", "BPU", "51.71", None, 30.0, "id")
    reached, cut = _projection_traces(fig)
    assert pd.Timestamp(reached.x[-1]) == pd.Timestamp("2025-09-01")
    assert reached.y[-1] == pytest.approx(30.0)
    assert "tahun pertama" not in reached.name
    assert len(cut.x) == PROJECTION_HORIZON + 1
    assert pd.Timestamp(cut.x[-1]) == pd.Timestamp("2034-12-01")  # 10 years on
    assert cut.y[-1] == pytest.approx(11.1 + 0.1 * 120)
    assert cut.name == "Kota Denpasar · BPU: proyeksi laju saat ini (10 tahun pertama)"
    en = trend_main(coverage, NAMES, "51.04", "BPU", "51.71", None, 30.0, "en")
    assert _projection_traces(en)[1].name.endswith("(first 10 years)")
    words = trend_statements(coverage, NAMES, "51.04", "BPU", "51.71", None, 30.0, "id")
    assert words[0].startswith(f"{NAMES['51.04']} · BPU: target 30% tercapai September 2025")
    # beyond the drawn horizon the month is still stated (18.9 pp / 0.1 = 189 months)
    assert words[1].startswith("Kota Denpasar · BPU: target 30% tercapai September 2040")


_RAW_NUMBER = re.compile(r"\d[.,]\d{3,}")  # 12,21124 or 12.21124: unformatted


def test_hover_texts_formatted_with_full_names() -> None:
    coverage = pd.concat(
        [_rows("51.04", [12.21124 + i / 7 for i in range(12)]), _rows("51.71", SLOW)],
        ignore_index=True,
    )
    for lang, month in (("id", "Des 2024"), ("en", "Dec 2024")):
        fig = trend_main(coverage, NAMES, "51.04", "BPU", "51.71", None, 30.0, lang)
        assert fig.layout.hoverlabel.namelength == -1  # names never cut to "Kabupaten Gi..."
        for trace in fig.data:
            assert "%{y" not in trace.hovertemplate and "%{x" not in trace.hovertemplate
            assert trace.hovertemplate.endswith("<extra></extra>")
            texts = [" ".join(map(str, row)) for row in trace.customdata]
            assert not any(_RAW_NUMBER.search(text) for text in texts), texts[:2]
        first = fig.data[0]
        assert list(first.customdata[-1]) == [
            f"{NAMES['51.04']} · BPU",
            month,
            "13,8%" if lang == "id" else "13.8%",
        ]
    id_fig = trend_main(coverage, NAMES, "51.04", "BPU", None, None, 30.0, "id")
    months = {row[1] for tr in id_fig.data for row in tr.customdata}
    assert "Des 2024" in months and not any(m.startswith("Dec") for m in months)


def test_small_multiples_share_y_ticks_in_every_row() -> None:
    # 6 panels: two rows of four and two; the last row's areas are much lower
    codes = [f"51.04.0{i}" for i in range(1, 7)]
    levels = [60.0, 55.0, 50.0, 45.0, 3.0, 2.0]
    sub = pd.concat(
        [
            _rows(code, [level] * 12).assign(area_name=f"Kecamatan {code}")
            for code, level in zip(codes, levels, strict=True)
        ],
        ignore_index=True,
    ).loc[:, ["area_code", "area_name", "month", "coverage_pct"]]
    fig = trend_small(sub, "kecamatan", 30.0, "id")
    axes = [fig.layout[k] for k in fig.layout if k.startswith("yaxis")]
    assert len(axes) == 8  # 2 rows x 4 columns
    ranges = {tuple(round(v, 6) for v in a.range) if a.range else None for a in axes}
    assert ranges == {(0, 63.0)}  # 60% x 1.05, the same in every row
    assert all(a.matches == "y" for a in axes[1:])
    hovers = [row[0] for tr in fig.data for row in tr.customdata]
    assert "Kecamatan 51.04.06" in hovers
