"""``cakupan users add/remove/list``: the dashboard's users file (see docs/security.md).

Passwords are prompted (hidden, twice) or read from stdin with ``--password-stdin``;
they are stored only as argon2id hashes. Heavy imports happen inside the commands.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from analytics.settings import Settings

users_app = typer.Typer(help="Manage dashboard users (hashed passwords, roles, territories).")
console = Console(stderr=True)


def _fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code=2)


@users_app.command("add")
def add(
    name: str,
    role: Annotated[str, typer.Option(help="admin | branch | police | viewer")],
    area: Annotated[
        list[str] | None, typer.Option(help="Area code (repeatable), e.g. 34.71 or 34.71.01")
    ] = None,
    polres: Annotated[str | None, typer.Option(help="Polres name (police)")] = None,
    polsek: Annotated[str | None, typer.Option(help="Polsek name (police)")] = None,
    password_stdin: Annotated[bool, typer.Option(help="Read the password from stdin")] = False,
    replace: Annotated[bool, typer.Option(help="Replace an existing user")] = False,
) -> None:
    """Add a user (the password is prompted, never given on the command line)."""
    from analytics.access import Role
    from analytics.io.user_store import UserStoreError, add_user

    try:
        role_value = Role(role)
    except ValueError:
        _fail(f"unknown role {role!r}: use admin, branch, police or viewer")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    path = Settings.from_env().users_path
    try:
        user = add_user(
            path,
            name,
            role_value,
            password,
            areas=frozenset(area or []),
            polres=polres,
            polsek=polsek,
            replace=replace,
        )
    except UserStoreError as exc:
        _fail(str(exc))
    console.print(f"added {user.name} ({user.role}) to {path}", highlight=False)
    if replace:  # a new hash and maybe a new role or territory: the old sessions are void
        console.print(
            f"existing sessions of {user.name} end at their next request", highlight=False
        )


@users_app.command("remove")
def remove(name: str) -> None:
    """Remove a user; their sessions stop working at their next request."""
    from analytics.io.user_store import UserStoreError, remove_user

    path = Settings.from_env().users_path
    try:
        remove_user(path, name)
    except UserStoreError as exc:
        _fail(str(exc))
    console.print(f"removed {name} from {path}", highlight=False)


@users_app.command("list")
def list_users() -> None:
    """Users with their role and territory (never the hashes)."""
    from analytics.io.user_store import UserStoreError, load_users

    try:
        users = load_users(Settings.from_env().users_path)
    except UserStoreError as exc:
        _fail(str(exc))
    for user in users.values():
        t = user.territory
        where = ", ".join(sorted(t.areas)) or "all areas"
        unit = " ".join(x for x in (t.polres, t.polsek) if x)
        typer.echo(f"{user.name}\t{user.role}\t{where}\t{unit}".rstrip())
