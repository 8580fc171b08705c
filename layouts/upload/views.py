"""What the intake page shows of the upload service (:mod:`analytics.uploads`): the bytes
of a ``dcc.Upload`` value, a refusal worded in the user's language, a file size."""

from __future__ import annotations

import base64
import binascii

from analytics import formatting as fmt
from analytics.errors import InputError
from layouts.core.i18n import MESSAGES, t


def decode_contents(contents: str) -> bytes:
    """The bytes of a ``dcc.Upload`` value (``data:<type>;base64,<data>``)."""
    _, sep, payload = (contents or "").partition(",")
    if not sep:
        raise InputError("the upload arrived without content; try again", code="no_content")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InputError(
            "the upload arrived damaged (not base64); try again", code="damaged"
        ) from exc


def error_text(exc: InputError, lang: str) -> str:
    """The refusal in ``lang``: the catalog's ``upload.err.<code>`` worded from the error's
    params (sizes by :mod:`analytics.formatting`, kinds by their names); an error without a
    code (a reader's own message) as it is."""
    if exc.code is None or f"upload.err.{exc.code}" not in MESSAGES:
        return str(exc)
    values: dict[str, object] = {}
    for key, value in exc.params.items():
        if key.endswith("_mb"):  # 1 MB, 1,2 MB (id) / 1.2 MB (en)
            whole = fmt.rounded_decimal(value, 1) == fmt.rounded_decimal(value, 0)
            values[key] = fmt.number(value, lang, 0 if whole else 1)
        elif key == "kinds":
            values[key] = ", ".join(t(f"upload.kind.{k}", lang) for k in value)  # type: ignore[attr-defined]
        else:
            values[key] = value
    try:
        return t(f"upload.err.{exc.code}", lang).format(**values)
    except (KeyError, IndexError):  # a param missing: the English message, never a crash
        return str(exc)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns
