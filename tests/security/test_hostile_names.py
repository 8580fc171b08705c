"""Hostile or broken names in the data never break a PDF: they are cut and printed as text."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from store_factory import write_outreach, write_store

from analytics.report.content import assemble_report
from analytics.report.pdf import render_report
from analytics.store import Store

LONG = "Desa <b>" + "x" * 10_000


@pytest.fixture
def hostile_store(tmp_path: Path) -> Store:
    root = write_outreach(write_store(tmp_path / "processed"))
    for name in ("coverage.parquet", "areas.parquet"):
        frame = pd.read_parquet(root / name)
        villages = frame["area_code"].astype(str).str.len() == 13
        frame["area_name"] = frame["area_name"].astype(str).where(~villages, LONG)
        frame.to_parquet(root / name, index=False)
    return Store(root)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (120, 160, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_area_report_with_a_10000_character_village_name(hostile_store: Store) -> None:
    store = hostile_store
    content = assemble_report(
        coverage=store.coverage(),
        areas=store.areas(),
        quality=store.quality(),
        reconciliation=store.reconciliation(),
        meta=store.meta(),
        area_code="99.01",
        month=pd.Timestamp(store.coverage()["month"].max()),
        segment="BPU",
        target_pct=100.0,
        threshold=None,
        officers=store.officers(),
        events=store.events(),
    )
    pdf = render_report(content, _png(), _png(), "31-01-2025")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "Desa <b>xxx" in text  # the name is there, as text, not as markup
    assert "x" * 300 not in text  # and cut
