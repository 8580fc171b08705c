"""How a long task reports where it is: ``progress(step, done, total)``.

The build, the registry intake, the upload page's dry run and rebuild, the area report and
the dashboard's background export jobs all take one, so a progress bar (``rich`` in the
CLI, the job's status in the app) reads them the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

#: ``progress(step, done, total)``: ``step`` names the part under way, ``done`` of ``total``.
Progress: TypeAlias = Callable[[str, int, int], None]
