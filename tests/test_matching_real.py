"""Name matching on the real DI Yogyakarta villages: every village misspelt the ways real
exports misspell names (benchmarks/name_variants.py, the same generator and reference as
the national benchmark), with its kecamatan and kabupaten misspelt too.

The property: no row is placed in another village than the one it was written from
(misleading rows, where the typo is closer to another real name, apart), and at least
99.5 % of the decidable rows are placed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.io.boundaries import read_villages
from analytics.matching import build_gazetteer, place_rows

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from name_variants import VARIANT_KINDS, judge, make_variants  # after the path set-up

DIY = Path("diy") / "diy_desa_cahyadsn_kepmendagri2025.geojson"


@pytest.fixture(scope="module")
def diy(shared_data: Path) -> pd.DataFrame:
    villages = read_villages(shared_data / DIY)
    return pd.DataFrame(villages.drop(columns="geometry")).astype(object)


def _placed(villages: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    columns = ["desa", "kecamatan", "kabupaten"]
    frame = pd.DataFrame(rows[columns].to_numpy(), columns=columns, dtype="str")
    result = place_rows(frame, build_gazetteer(villages))
    return result["village_code"].astype(object).to_numpy()


@pytest.mark.shared
@pytest.mark.parametrize("seed", [1, 2])
def test_every_diy_village_misspelt_is_placed_right_or_not_at_all(
    diy: pd.DataFrame, seed: int
) -> None:
    rows = judge(diy, make_variants(diy, seed))
    got = _placed(diy, rows)
    truth = diy["village_code"].to_numpy()[rows["source"].to_numpy()]
    placed = pd.notna(got)
    counted = rows["status"].to_numpy() != "misleading"
    decidable = rows["status"].to_numpy() == "decidable"
    wrong = rows[placed & (got != truth) & counted]
    assert wrong.empty, wrong.head(10).to_string()
    assert decidable.sum() > 0.8 * len(rows) > 2000
    assert set(rows.loc[decidable, "kind"]) == set(VARIANT_KINDS) - {"numerals"}
    recall = (got[decidable] == truth[decidable]).mean()
    missed = rows[decidable & (got != truth)]
    assert recall >= 0.995, missed.head(10).to_string()


@pytest.mark.shared
def test_the_issues_example_monorejo_in_tempel(diy: pd.DataFrame) -> None:
    tempel = diy.loc[diy["kecamatan_name"] == "Tempel", "village_name"].tolist()
    assert {"Mororejo", "Pondokrejo"} <= set(tempel)
    rows = pd.DataFrame(
        [
            ("Monorejo", "Kapanewon Tempel", None),
            ("Monorejo", "Tempel", "Kabupaten Sleman"),
            ("Pondokredjo", "Kec. Tempel", "Sleman"),  # old spelling
        ],
        columns=["desa", "kecamatan", "kabupaten"],
    )
    names = diy.set_index("village_code")["village_name"]
    assert [names[c] for c in _placed(diy, rows)] == ["Mororejo", "Mororejo", "Pondokrejo"]
