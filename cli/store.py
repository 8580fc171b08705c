"""``cakupan store versions`` / ``cakupan store rollback``: the kept earlier versions of the
processed store (``CAKUPAN_STORE_KEEP``, see docs/security.md). A rollback is audited like
the intake page's."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.console import Console

from analytics.errors import InputError
from analytics.settings import Settings, SettingsError

store_app = typer.Typer(help="Kept versions of the processed store: list, roll back.")
console = Console(stderr=True)


def _fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code=2)


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        _fail(str(exc))
        raise  # unreachable: _fail exits


@store_app.command("versions")
def versions() -> None:
    """List the kept earlier versions of the store (newest first) with their figures."""
    from analytics.store.diff import kept_versions

    settings = _settings()
    rows = kept_versions(settings.store_dir)
    if not rows:
        console.print(f"no earlier version kept for {settings.store_dir}")
        return
    for row in rows:
        figures = row["figures"]
        text = (
            "unreadable"
            if figures is None
            else f"{figures['rows_in']} rows, {figures['matched']} matched, "
            f"{figures['villages']} villages"
        )
        typer.echo(f"{row['version']}  {text}")


@store_app.command("rollback")
def rollback(
    to: Annotated[
        str | None, typer.Option(help="Version to serve (see `cakupan store versions`).")
    ] = None,
) -> None:
    """Serve an earlier store version (default: the newest kept); the live store is kept."""
    from analytics import audit
    from analytics.store.writer import rollback as roll_back

    settings = _settings()
    user = f"cli:{getpass.getuser()}"
    try:
        now, aside = roll_back(settings.store_dir, to, settings.store_keep)
    except (InputError, OSError) as exc:
        audit.record(
            settings.audit_path,
            user=user,
            action="store_rollback",
            outcome="failed",
            detail={"to": to, "reason": str(exc)},
        )
        _fail(str(exc))
        return
    audit.record(
        settings.audit_path,
        user=user,
        action="store_rollback",
        outcome="ok",
        detail={"to": now, "kept": aside},
    )
    console.print(f"store {settings.store_dir} now serves version {now} (kept {aside or '-'})")
