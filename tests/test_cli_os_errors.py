"""The CLI on a full disk, a folder it may not write, a damaged store: one line naming
the path, exit code 2, no traceback, and the store in use left as it was (issue 15)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from store_factory import write_outreach, write_store
from test_cli_build import _args
from test_pipeline import write_tiny_inputs
from typer.testing import CliRunner, Result

from analytics.store import writer as store_writer
from analytics.store.reader import COVERAGE_FILE, META_FILE
from cli.main import app


def error_lines(result: Result) -> list[str]:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # typer.Exit, not an escaped error
    assert "Traceback" not in result.output
    return [line for line in result.output.splitlines() if line.startswith("error:")]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], Path]:
    """Tiny inputs and a store built from them (the store a failed rebuild must keep)."""
    root = tmp_path_factory.mktemp("cli")
    paths = write_tiny_inputs(root / "in")
    out = root / "store"
    result = CliRunner().invoke(app, [*_args(paths, out), "--start", "2024-01", "--end", "2024-03"])
    assert result.exit_code == 0, result.output
    return paths, out


@pytest.mark.parametrize(
    ("code", "error", "words"),
    [
        (errno.ENOSPC, OSError, "disk full"),
        (errno.EACCES, PermissionError, "permission denied"),
        (errno.EROFS, OSError, "read-only file system"),
    ],
)
def test_build_that_cannot_write_ends_in_one_line_and_keeps_the_store(
    built: tuple[dict[str, Path], Path],
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    error: type[OSError],
    words: str,
) -> None:
    paths, out = built
    before = {name: (out / name).read_bytes() for name in (COVERAGE_FILE, META_FILE)}
    written: list[Path] = []

    def fail(frame: object, path: Path) -> None:
        written.append(path)
        raise error(code, os.strerror(code), str(path))

    monkeypatch.setattr(store_writer, "write_parquet", fail)
    result = CliRunner().invoke(app, [*_args(paths, out), "--start", "2024-01", "--end", "2024-03"])
    lines = error_lines(result)
    assert len(lines) == 1, result.output
    assert str(written[0]) in lines[0] and words in lines[0], lines[0]
    assert {name: (out / name).read_bytes() for name in before} == before  # store untouched


def test_an_error_without_a_path_names_the_out_folder(
    built: tuple[dict[str, Path], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyarrow's write errors carry no file name, only the errno in their text."""
    paths, out = built

    def fail(frame: object, path: Path) -> None:
        raise OSError("Error writing bytes to file. Detail: [errno 28] No space left on device")

    monkeypatch.setattr(store_writer, "write_parquet", fail)
    result = CliRunner().invoke(app, [*_args(paths, out), "--start", "2024-01", "--end", "2024-03"])
    lines = error_lines(result)
    assert len(lines) == 1 and f"{out}: disk full" in lines[0], result.output


def test_plan_into_a_path_below_a_file_names_it(tmp_path: Path) -> None:
    store = write_outreach(write_store(tmp_path / "processed"))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    out = blocker / "rencana"
    result = CliRunner().invoke(app, ["plan", "--out", str(out), "--store", str(store)])
    lines = error_lines(result)
    assert len(lines) == 1 and str(out) in lines[0], result.output
    assert "a part of the path is not a folder" in lines[0], lines[0]


def test_report_on_a_damaged_store_names_the_file(tmp_path: Path) -> None:
    store = write_store(tmp_path / "processed")
    coverage = store / COVERAGE_FILE
    coverage.write_bytes(coverage.read_bytes()[:100])
    result = CliRunner().invoke(
        app, ["report", "--area", "99.01", "--out", str(tmp_path / "r.pdf"), "--store", str(store)]
    )
    lines = error_lines(result)
    assert len(lines) == 1 and str(coverage) in lines[0], result.output
