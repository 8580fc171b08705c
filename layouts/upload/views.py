"""What the intake page shows of the upload service (:mod:`analytics.uploads`): the kept
files per kind with their drop zones, selection and remove buttons; the bytes of a
``dcc.Upload`` value, a refusal worded in the user's language, a file size."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from dash import dcc, html

from analytics import formatting as fmt
from analytics.errors import InputError
from analytics.io.upload_checks import KINDS
from analytics.settings import Settings
from analytics.uploads.manifest import KIND_ORDER, MULTIPLE, StoredFile
from layouts.core import ids
from layouts.core.i18n import MESSAGES, t

#: The browser does not even read a file this many times over the limit (dcc.Upload
#: ``max_size``); up to it, the server refuses with a message in the page.
BROWSER_SIZE_FACTOR = 4


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
        elif key == "field":
            values[key] = t(f"upload.field.{value}", lang)
        elif key == "kinds":
            values[key] = ", ".join(t(f"upload.kind.{k}", lang) for k in value)  # type: ignore[attr-defined]
        else:
            values[key] = value
    try:
        return t(f"upload.err.{exc.code}", lang).format(**values)
    except (KeyError, IndexError):  # a param missing: the English message, never a crash
        return str(exc)


def human_size(size: int, lang: str) -> str:
    """``33,3 KB`` (id) / ``33.3 KB`` (en), by :mod:`analytics.formatting`."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{fmt.number(value, lang, 0 if unit == 'B' else 1)} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns


def kind_list(kind: str, files: list[StoredFile], lang: str) -> html.Div:
    if not files:
        return html.Div(t("upload.none", lang), className="upload-empty")
    options = [
        {
            "label": (
                f"{f.name} · {f.sha_prefix} · {human_size(f.size, lang)} · "
                f"{f.uploaded:%Y-%m-%d %H:%M} UTC"
            ),
            "value": f.file,
        }
        for f in files
    ]
    chosen = [f.file for f in files if f.selected]
    select_id = {"type": ids.UP_SELECT, "kind": kind}
    selector = (
        dcc.Checklist(id=select_id, options=options, value=chosen)
        if kind in MULTIPLE
        else dcc.RadioItems(id=select_id, options=options, value=chosen[-1] if chosen else None)
    )
    removes = [
        html.Button(
            f"{t('upload.remove', lang)} {f.name}",
            id={"type": ids.UP_REMOVE, "kind": kind, "file": f.file},
            className="upload-remove",
        )
        for f in files
    ]
    return html.Div([selector, html.Div(removes, className="upload-removes")])


def upload_inputs(files: dict[str, list[StoredFile]], settings: Settings, lang: str) -> list[Any]:
    """The kept uploads per kind (:func:`analytics.uploads.manifest.stored_files`), each
    with its drop zone, the selection and remove buttons."""
    limit = t("upload.limit", lang, mb=settings.max_upload_mb)
    return [
        html.Section(
            [
                html.H3(t(f"upload.kind.{kind}", lang)),
                dcc.Upload(
                    html.Div(
                        f"{t('upload.drop', lang, types=', '.join(sorted(KINDS[kind])))} · {limit}"
                    ),
                    id={"type": ids.UP_INPUT, "kind": kind},
                    multiple=kind in MULTIPLE,
                    max_size=BROWSER_SIZE_FACTOR * settings.max_upload_bytes,
                    accept=",".join(sorted(KINDS[kind])),
                    className="upload-drop",
                ),
                kind_list(kind, files[kind], lang),
            ],
            className="upload-kind",
        )
        for kind in KIND_ORDER
    ]
