"""Writing a command's output files (the plan files of ``cakupan plan``): named bytes into
one folder, created when missing."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def write_files(out_dir: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write each ``{file name: bytes}`` into ``out_dir`` in order; the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
    return written
