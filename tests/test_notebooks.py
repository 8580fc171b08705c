"""Notebooks run in CI against the demo store, so they never rot."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_on_the_demo_store(
    path: Path, demo_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAKUPAN_STORE", str(demo_store))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    outputs = "".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
        for cell in nb.cells
        if cell.cell_type == "code"
        for o in cell.get("outputs", [])
    )
    # the walkthrough's answers are the store's own figures: its reconciliation and the
    # village ranked first (most uncovered BPU workers) in the kabupaten with the largest gap
    from analytics.engine.indicators import areas_in_view, rank_by_uncovered
    from analytics.store.reader import Store

    store = Store(demo_store)
    rec = store.reconciliation()
    assert re.search(rf"rows_in\s+{rec['rows_in']}\n", outputs)
    coverage = store.coverage()
    latest = coverage["month"].max()
    root = coverage.loc[coverage["level"] == "provinsi", "area_code"].iloc[0]
    worst_kab = rank_by_uncovered(areas_in_view(coverage, "kabupaten", root, latest, "BPU"))[
        "area_code"
    ].iloc[0]
    worst_village = rank_by_uncovered(areas_in_view(coverage, "desa", worst_kab, latest, "BPU"))
    assert str(worst_village["area_code"].iloc[0]) in outputs
    assert f"area_code='{worst_kab}'" in outputs


def test_there_is_a_notebook() -> None:
    assert NOTEBOOKS, "notebooks/ should hold at least the walkthrough"
