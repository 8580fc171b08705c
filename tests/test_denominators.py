"""Denominator estimation: largest-remainder allocation and the CLI command."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from analytics.engine.denominators import METHOD, allocate_workforce, largest_remainder
from analytics.errors import InputError
from analytics.schemas import WorkforceSchema
from cli.main import app


def test_largest_remainder_by_hand() -> None:
    # Quotas 3.333, 3.333, 3.333 -> 3, 3, 3 and one unit to the first (ties: earlier first).
    assert largest_remainder(10, np.array([1, 1, 1])).tolist() == [4, 3, 3]
    # Quotas 1.5, 4.5, 4.0 (weights 3, 9, 8; total 10) -> 1, 4, 4 + one to the first .5.
    assert largest_remainder(10, np.array([3, 9, 8])).tolist() == [2, 4, 4]
    # Quotas 0.6, 2.7, 1.7 -> 0, 2, 1 and two left: the .7s win.
    assert largest_remainder(5, np.array([6, 27, 17])).tolist() == [0, 3, 2]
    with pytest.raises(ValueError, match="zero"):
        largest_remainder(3, np.array([0, 0]))


@given(
    st.integers(0, 10**6),
    st.lists(st.floats(0, 1e5, allow_nan=False), min_size=1, max_size=30).filter(
        lambda w: sum(w) > 0
    ),
)
def test_largest_remainder_sums_exactly_and_stays_near_quota(
    total: int, weights: list[float]
) -> None:
    shares = largest_remainder(total, np.array(weights))
    assert shares.sum() == total
    quotas = total * np.array(weights) / sum(weights)
    assert (np.abs(shares - quotas) < 1 + 1e-9).all()


def test_allocate_workforce_by_hand() -> None:
    totals = pd.DataFrame(
        {"kabupaten_code": ["34.71"], "year": [2024], "workers": [10], "informal_workers": [5]}
    )
    weights = pd.DataFrame(
        {"village_code": ["34.71.01.1002", "34.71.01.1001", "34.02.01.2001"], "weight": [3, 1, 9]}
    )
    frame = allocate_workforce(totals, weights)
    WorkforceSchema.validate(frame)
    # Informal 5 by 1:3 -> 1.25, 3.75 -> 1, 3 + one to .75 -> 1, 4. Formal 5 likewise.
    assert frame["village_code"].tolist() == ["34.71.01.1001", "34.71.01.1002"]
    assert frame["informal_workers"].tolist() == [1, 4]
    assert frame["workers"].tolist() == [2, 8]
    assert frame["source"].eq(METHOD).all()
    assert frame["workers"].sum() == 10  # the kabupaten total, exactly


def test_kabupaten_without_weights_is_an_error() -> None:
    totals = pd.DataFrame(
        {"kabupaten_code": ["34.04"], "year": [2024], "workers": [10], "informal_workers": [5]}
    )
    weights = pd.DataFrame({"village_code": ["34.71.01.1001"], "weight": [3]})
    with pytest.raises(InputError, match=r"34\.04"):
        allocate_workforce(totals, weights)


def test_cli_estimate_denominators(tmp_path: Path) -> None:
    totals = tmp_path / "totals.csv"
    totals.write_text(
        "kabupaten_code,year,workers,informal_workers\n3471,2024,1001,600\n34.71,2025,1100,650\n",
        encoding="utf-8",
    )
    weights = tmp_path / "weights.csv"
    weights.write_text(
        "village_code,weight\n3471011001,1200\n34.71.01.1002,800\n34.71.02.1001,1000\n"
        "3402012001,500\n",
        encoding="utf-8",
    )
    out = tmp_path / "wf.csv"
    result = CliRunner().invoke(
        app,
        [
            "estimate-denominators",
            "--totals",
            str(totals),
            "--weights",
            str(weights),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype={"village_code": str})
    assert frame.groupby("year")["workers"].sum().to_dict() == {2024: 1001, 2025: 1100}
    assert frame.groupby("year")["informal_workers"].sum().to_dict() == {2024: 600, 2025: 650}
    assert len(frame) == 6
    # 1001 x 0.4 for the first village: informal 240, formal 401 x 0.4 = 160.4 -> 160.
    first = frame[(frame["village_code"] == "34.71.01.1001") & (frame["year"] == 2024)]
    assert first[["workers", "informal_workers"]].to_numpy().tolist() == [[400, 240]]
    assert "1 villages have a weight" in result.output


def test_cli_estimate_denominators_bad_input(tmp_path: Path) -> None:
    totals = tmp_path / "totals.csv"
    totals.write_text("kabupaten_code,year,workers,informal_workers\n3471,2024,10,20\n")
    weights = tmp_path / "weights.csv"
    weights.write_text("village_code,weight\n3471011001,1\n")
    result = CliRunner().invoke(
        app,
        [
            "estimate-denominators",
            "--totals",
            str(totals),
            "--weights",
            str(weights),
            "--out",
            str(tmp_path / "wf.csv"),
        ],
    )
    assert result.exit_code == 2
    assert "row 2" in result.output and "informal_workers" in result.output
    assert "Traceback" not in result.output


def test_weights_from_xlsx_and_placeholders_in_totals(tmp_path: Path) -> None:
    import openpyxl

    from analytics.engine.denominators import read_totals, read_weights

    book = openpyxl.Workbook()
    for row in [["village_code", "weight"], ["3471011001", 1200], ["34.71.01.1002", 800.0]]:
        book.active.append(row)
    book.save(tmp_path / "weights.xlsx")
    weights = read_weights(tmp_path / "weights.xlsx")  # read with python-calamine
    assert weights.to_numpy().tolist() == [["34.71.01.1001", 1200.0], ["34.71.01.1002", 800.0]]
    totals = tmp_path / "totals.csv"
    totals.write_text("kabupaten_code,year,workers,informal_workers\n3471,2024,10,-\n")
    with pytest.raises(InputError, match="empty") as info:
        read_totals(totals)
    assert (info.value.row, info.value.column) == (2, "informal_workers")
