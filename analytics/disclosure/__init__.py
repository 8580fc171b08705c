"""Small-count protection of everything published together (see docs/exports.md).

:mod:`~analytics.disclosure.linked` models a publication as figures over base cells,
:mod:`~analytics.disclosure.suppress` chooses what to hide and
:mod:`~analytics.disclosure.audit` checks it as an attacker would.
"""

from analytics.disclosure.audit import Attacker, Finding, Interval, audit, intervals
from analytics.disclosure.linked import FigureKey, LinkedSet
from analytics.disclosure.suppress import protect

__all__ = [
    "Attacker",
    "FigureKey",
    "Finding",
    "Interval",
    "LinkedSet",
    "audit",
    "intervals",
    "protect",
]
