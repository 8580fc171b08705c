"""What a test needs from the machine: missing locally, the test is skipped; missing in
CI (``CI`` set, as ``.ci/run`` does), it fails, so a green CI run never hides a skip."""

from __future__ import annotations

import os

import pytest


def require(present: bool, what: str) -> None:
    """Skip the calling test without ``what`` (fail under CI)."""
    if present:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI but missing")
    pytest.skip(f"{what} is not present")
