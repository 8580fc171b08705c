"""The ``cakupan`` command line: data jobs (demo data, build, plans, reports).

This module is the I/O edge: it parses arguments, builds a :class:`Settings`, calls the
pipeline functions and turns expected failures (:class:`InputError`) into one readable
message and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from analytics.errors import InputError
from analytics.settings import Settings, SettingsError

app = typer.Typer(
    name="cakupan",
    help="Cakupan: coverage analytics for BPJS Ketenagakerjaan (Universal Coverage Jamsostek).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)


def _fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code=2)


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 7,
    out: Annotated[Path | None, typer.Option(help="Folder for the demo inputs.")] = None,
    shapefiles: Annotated[Path | None, typer.Option(help="Folder for the demo boundaries.")] = None,
) -> None:
    """Write the synthetic demo province ("Provinsi Contoh", code 99) as a user's raw files."""
    from analytics.demo import generate_demo

    settings = Settings.from_env()
    try:
        written = generate_demo(
            out_dir=out or settings.demo_dir,
            shapefiles_dir=shapefiles or settings.shapefiles_dir / "demo",
            seed=seed,
        )
    except (InputError, SettingsError) as exc:
        _fail(str(exc))
    for kind, path in written.items():
        console.print(f"  {kind}: {path}")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
