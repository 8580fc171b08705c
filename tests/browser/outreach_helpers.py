"""Waits shared by the outreach page's browser tests."""

from __future__ import annotations

from typing import Any


def wait_for_polsek_count(page: Any, n: int) -> None:
    """Until the plan table lists rows of ``n`` Polsek (a whole Polres's plan is drawn)."""
    page.wait_for_function(
        "(n) => { let api; try { api = dash_ag_grid.getApi('outreach-plan'); }"
        " catch (e) { return false; }"
        " const seen = new Set(); api.forEachNode(r => seen.add(r.data.polsek));"
        " return seen.size === n; }",
        arg=n,
        timeout=60000,
    )
