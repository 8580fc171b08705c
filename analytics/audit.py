"""Append-only audit log: one JSON object per line (who, when, what, outcome).

Logged: logins, failed logins, log-outs, exports, uploads, store rebuilds and every
refusal. Never participants' personal data: ``detail`` holds area codes, file names,
hashes and counts only, and free text from the browser is cut short and never trusted.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

MAX_DETAIL_CHARS: Final = 300
_LOCK = threading.Lock()  # serialises appends from the threads of one process


@dataclass(frozen=True)
class AuditEvent:
    time: str
    user: str
    action: str  # login, login_failed, login_locked, logout, export, upload, rebuild, refused
    outcome: str  # ok | refused | failed
    detail: dict[str, Any]
    ip: str = ""


def _clip(value: object) -> object:
    if isinstance(value, str):
        return value[:MAX_DETAIL_CHARS]
    if isinstance(value, list | tuple):
        return [_clip(v) for v in list(value)[:50]]
    if isinstance(value, dict):
        return {str(k)[:50]: _clip(v) for k, v in list(value.items())[:30]}
    if isinstance(value, int | float | bool) or value is None:
        return value
    return str(value)[:MAX_DETAIL_CHARS]


def record(
    path: Path,
    *,
    user: str,
    action: str,
    outcome: str,
    detail: dict[str, Any] | None = None,
    ip: str = "",
) -> AuditEvent:
    """Append one event to ``path`` (created with its folder, mode 0600) and return it.

    The file is opened in append mode for each event (``O_APPEND``: several processes
    never overwrite each other's lines)."""
    event = AuditEvent(
        time=datetime.now(UTC).isoformat(timespec="seconds"),
        user=str(user)[:100],
        action=action,
        outcome=outcome,
        detail=_clip(detail or {}),  # type: ignore[arg-type]
        ip=str(ip)[:64],
    )
    line = json.dumps(asdict(event), ensure_ascii=False, sort_keys=True) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCK:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
    return event


def read_events(path: Path) -> list[AuditEvent]:
    """Every event in ``path`` (oldest first); an absent file has none."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [AuditEvent(**json.loads(line)) for line in lines if line.strip()]
