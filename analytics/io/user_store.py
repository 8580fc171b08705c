"""Users of the dashboard in one JSON file, with argon2id password hashes.

The file lives at ``data/users/users.json`` (git-ignored) or where ``CAKUPAN_USERS``
points. Writes are atomic (temporary file + rename) and the file is created mode 0600.
Managed with ``cakupan users add/remove/list``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from analytics.access import AccessError, Role, Territory, User

MIN_PASSWORD_CHARS: Final = 10
_HASHER: Final = PasswordHasher()  # argon2id with the library's recommended parameters
#: Verified against when the user does not exist, so timing does not reveal user names.
_DUMMY_HASH: Final = _HASHER.hash("not-a-real-password-0000")


class UserStoreError(RuntimeError):
    """The users file is unreadable or a change is invalid; the message says why."""


def hash_password(
    password: str, *, min_chars: int = MIN_PASSWORD_CHARS, salt: bytes | None = None
) -> str:
    """An argon2id hash with a random salt (``salt`` only for the public demo passwords, so
    that every worker process makes the same demo users)."""
    if len(password) < min_chars:
        raise UserStoreError(f"the password needs at least {min_chars} characters")
    return _HASHER.hash(password, salt=salt)


def verify_password(user: User | None, password: str) -> bool:
    """True when ``password`` matches; constant work whether or not the user exists."""
    try:
        return _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password) and (
            user is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def _to_json(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "role": str(user.role),
        "areas": sorted(user.territory.areas),
        "polres": user.territory.polres,
        "polsek": user.territory.polsek,
        "password_hash": user.password_hash,
    }


def _from_json(row: dict[str, Any], path: Path) -> User:
    try:
        return User(
            name=str(row["name"]),
            role=Role(row["role"]),
            territory=Territory(
                areas=frozenset(str(a) for a in row.get("areas") or []),
                polres=row.get("polres"),
                polsek=row.get("polsek"),
            ),
            password_hash=str(row["password_hash"]),
        )
    except (KeyError, ValueError, AccessError) as exc:
        raise UserStoreError(f"{path}: unusable user entry {row.get('name')!r}: {exc}") from exc


def load_users(path: Path) -> dict[str, User]:
    """Users by name; an absent file holds none."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserStoreError(f"{path} is not a readable users file: {exc}") from exc
    users = [_from_json(row, path) for row in data.get("users", [])]
    return {u.name: u for u in users}


def save_users(path: Path, users: dict[str, User]) -> None:
    """Write all users atomically (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"users": [_to_json(users[name]) for name in sorted(users)]}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".users-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, indent=2)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_user(
    path: Path,
    name: str,
    role: Role,
    password: str,
    *,
    areas: frozenset[str] = frozenset(),
    polres: str | None = None,
    polsek: str | None = None,
    replace: bool = False,
) -> User:
    users = load_users(path)
    if name in users and not replace:
        raise UserStoreError(f"user {name} exists already (remove it first)")
    try:
        user = User(name, role, Territory(areas, polres, polsek), hash_password(password))
    except AccessError as exc:
        raise UserStoreError(str(exc)) from exc
    save_users(path, {**users, name: user})
    return user


def remove_user(path: Path, name: str) -> None:
    users = load_users(path)
    if name not in users:
        raise UserStoreError(f"no user {name} in {path}")
    save_users(path, {k: v for k, v in users.items() if k != name})
