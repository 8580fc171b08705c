"""Who may see what: roles, territories and the area codes a user may read.

Pure functions over small frozen dataclasses; the app's data access layer
(``layouts/core/data_access.py``) applies them to every read, from the logged-in identity only.

Roles (see docs/security.md):

- ``admin``: every area, data intake, user management.
- ``branch``: a set of kabupaten/kecamatan codes (a BPJamsostek branch office).
- ``police``: a Polres/Polsek territory given as area codes; aggregates and outreach only,
  never row lists of unmatched or rejected records.
- ``viewer``: read-only, one territory.

A restricted user's territory is their areas and everything below them; never the areas
above (a branch head sees their kabupaten, not the province total).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

import pandas as pd

from analytics.schemas import ANY_AREA_CODE_RE

_AREA_CODE: Final = re.compile(ANY_AREA_CODE_RE)


class Role(StrEnum):
    ADMIN = "admin"
    BRANCH = "branch"
    POLICE = "police"
    VIEWER = "viewer"


class Action(StrEnum):
    """Things a role may do, beyond reading aggregates of its territory."""

    VIEW = "view"  # aggregates: coverage, trends, quality counts
    ROW_DETAILS = "row_details"  # lists of unmatched/rejected rows and flagged villages
    OUTREACH = "outreach"  # outreach plans and impact
    EXPORT = "export"  # downloads of what the user may see
    UPLOAD = "upload"  # data intake and store rebuilds
    MANAGE_USERS = "manage_users"


PERMISSIONS: Final[dict[Role, frozenset[Action]]] = {
    Role.ADMIN: frozenset(Action),
    Role.BRANCH: frozenset({Action.VIEW, Action.ROW_DETAILS, Action.OUTREACH, Action.EXPORT}),
    Role.POLICE: frozenset({Action.VIEW, Action.OUTREACH, Action.EXPORT}),
    Role.VIEWER: frozenset({Action.VIEW, Action.EXPORT}),
}


class AccessError(ValueError):
    """A user or territory definition is unusable; the message says what to fix."""


class AccessDenied(PermissionError):
    """The logged-in user may not read or do this."""


@dataclass(frozen=True)
class Territory:
    """Area codes (dotted Kemendagri codes of any level) plus, for police, the unit name."""

    areas: frozenset[str] = frozenset()
    polres: str | None = None
    polsek: str | None = None


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    territory: Territory = field(default_factory=Territory)
    password_hash: str = ""

    def __post_init__(self) -> None:
        validate_user(self)


def validate_user(user: User) -> None:
    """Raise :class:`AccessError` when the role and territory do not fit together."""
    if not user.name or not user.name.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise AccessError(f"user name {user.name!r}: use letters, digits, '.', '-' or '_' only")
    bad = sorted(code for code in user.territory.areas if not _AREA_CODE.match(code))
    if bad:
        raise AccessError(f"user {user.name}: {bad} are not dotted area codes (e.g. 34.71)")
    if user.role is Role.ADMIN:
        return
    if not user.territory.areas:
        raise AccessError(f"user {user.name} ({user.role}) needs at least one area code")
    if user.role is Role.VIEWER and len(user.territory.areas) != 1:
        raise AccessError(f"user {user.name} (viewer) must have exactly one area code")
    if user.role is Role.POLICE and not (user.territory.polres or user.territory.polsek):
        raise AccessError(f"user {user.name} (police) needs --polres or --polsek")


def unrestricted(user: User) -> bool:
    """True when the user sees every area (admin)."""
    return user.role is Role.ADMIN


def may(user: User, action: Action) -> bool:
    return action in PERMISSIONS[user.role]


def _inside(code: str, roots: Iterable[str]) -> bool:
    return any(code == root or code.startswith(root + ".") for root in roots)


def is_allowed(user: User, area_code: str) -> bool:
    """May ``user`` see ``area_code``? Their areas and everything below them."""
    if unrestricted(user):
        return True
    return _inside(area_code, user.territory.areas)


def territory_codes(user: User, areas: pd.DataFrame) -> frozenset[str]:
    """Codes of every area in ``areas`` (column ``area_code``) that ``user`` may see, at
    every level. An admin gets them all."""
    codes = areas["area_code"].astype("str")
    if unrestricted(user):
        return frozenset(codes)
    mask = pd.Series(False, index=codes.index)
    for root in user.territory.areas:
        mask |= codes.eq(root) | codes.str.startswith(root + ".")
    return frozenset(codes[mask])


def root_codes(user: User, allowed: frozenset[str]) -> list[str]:
    """The user's top-level areas that exist (their areas, minus any inside another)."""
    roots = sorted(code for code in user.territory.areas if code in allowed)
    return [code for code in roots if not _inside(code, [r for r in roots if r != code])]


def filter_frame(df: pd.DataFrame, codes_col: str, allowed: frozenset[str]) -> pd.DataFrame:
    """The rows of ``df`` whose ``codes_col`` is in ``allowed`` (a new frame)."""
    keep = df[codes_col].astype("str").isin(allowed)
    return df.loc[keep].reset_index(drop=True)
