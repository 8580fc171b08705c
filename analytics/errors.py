"""Errors that carry a message a person can act on.

The CLI and the app show these messages as they are; anything else is a bug.
"""

from __future__ import annotations


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
    ) -> None:
        where = []
        if file is not None:
            where.append(f"file {file}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        self.file, self.row, self.column = file, row, column
        super().__init__(f"{', '.join(where)}: {message}" if where else message)
