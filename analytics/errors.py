"""Errors that carry a message a person can act on.

The CLI and the app show these messages as they are; anything else is a bug.
"""

from __future__ import annotations

from collections.abc import Mapping


class InputError(ValueError):
    """An input file cannot be used at all.

    The message names the file and, where it applies, the row and the column.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        # ``code`` + ``params``: the same message for a catalog (the app words it in the
        # reader's language, e.g. layouts.upload_messages "upload.err.<code>"); the English
        # ``message`` stays for the CLI, logs and the audit trail.
        self.code, self.params = code, dict(params or {})
        where = []
        if file is not None:
            where.append(f"file {file}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        self.file, self.row, self.column = file, row, column
        super().__init__(f"{', '.join(where)}: {message}" if where else message)
