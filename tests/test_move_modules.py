"""tools/move_modules.py: the rewrite the lead re-runs after merging branches written
against the old module paths (hand-written inputs, expected outputs by hand)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_spec = importlib.util.spec_from_file_location(
    "move_modules", PROJECT_ROOT / "tools" / "move_modules.py"
)
assert _spec is not None and _spec.loader is not None
mm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mm)

CASES = [
    (
        "from analytics import matching, formatting\n",
        "from analytics.intake import matching\nfrom analytics import formatting\n",
    ),
    (
        "from analytics.io import store_writer\n",
        "from analytics.store import writer as store_writer\n",
    ),
    (
        "    from analytics import engine_dask\n",
        "    from analytics.build import dask_engine as engine_dask\n",
    ),
    (
        'patch("analytics.intake_outcomes.COUNT_KEYS")\n',
        'patch("analytics.intake.outcomes.COUNT_KEYS")\n',
    ),
    (
        'patch("analytics.store.Store.coverage")\n',
        'patch("analytics.store.reader.Store.coverage")\n',
    ),
    ("import analytics.store as store_module\n", "import analytics.store.reader as store_module\n"),
    (
        "from analytics.intake import ingest_registries\n",
        "from analytics.intake.registries import ingest_registries\n",
    ),
    (
        "see `analytics/io/store_writer.py` and analytics/intake.py\n",
        "see `analytics/store/writer.py` and analytics/intake/registries.py\n",
    ),
    ('cakupan = "analytics.cli:app"\n', 'cakupan = "cli.main:app"\n'),
    (
        "from layouts.map_callbacks import StoreLike, _row_data\nrows = _row_data(view, lang)\n",
        "from layouts.core.data_access import StoreLike\n"
        "from layouts.map.callbacks import row_data\nrows = row_data(view, lang)\n",
    ),
    (
        "from layouts import outreach_callbacks as cb, ids\n",
        "from layouts.outreach import callbacks as cb\nfrom layouts.core import ids\n",
    ),
    # names that merely start like an old module are left alone
    (
        "import analytics.intake_loss_extra\nanalytics.storehouse\n",
        "import analytics.intake_loss_extra\nanalytics.storehouse\n",
    ),
]


@pytest.mark.parametrize(("old", "new"), CASES)
def test_rewrite_and_idempotent(old: str, new: str) -> None:
    once = mm.rewrite_text(old, ".py")
    assert once == new
    assert mm.rewrite_text(once, ".py") == once


def test_private_names_only_where_imported_from_the_map() -> None:
    text = "def _row_data():\n    return 1\n"
    assert mm.rewrite_text(text, ".py") == text


def test_every_move_is_done_in_this_tree() -> None:
    for old, new in mm.MOVES.items():
        if old in mm.PENDING and not (PROJECT_ROOT / mm._path(new)).exists():
            continue  # a branch not merged yet
        assert (PROJECT_ROOT / mm._path(new)).is_file(), new
        if not (PROJECT_ROOT / old.replace(".", "/")).is_dir():  # a module now a package
            assert not (PROJECT_ROOT / mm._path(old)).exists(), old


def test_tree_needs_no_rewrite() -> None:
    assert mm.rewrite(log=lambda _: None, check=True) == 0  # every tracked text file
