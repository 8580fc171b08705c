"""One formatter: every figure people read (screen, hover, table, export, PDF) goes through here.

One function per kind of value, in Bahasa Indonesia (``id``, the default) and English (``en``):

========================  ==========================  ==========================
kind                      ``id``                      ``en``
========================  ==========================  ==========================
:func:`count`             ``1.234.567``               ``1,234,567``
:func:`percent`           ``15,2%``                   ``15.2%``
:func:`pp`                ``+0,1 pp`` / ``0,0 pp``    ``+0.1 pp``
:func:`pp_per_month`      ``+0,05 pp/bulan``          ``+0.05 pp/month``
:func:`decimal`           ``7,7`` (a rate)            ``7.7``
:func:`score`             ``87,3`` (0-100)            ``87.3``
:func:`month`             ``Des 2025``/``Desember``   ``Dec 2025``/``December``
:func:`day`               ``01/12/2025``              ``01/12/2025``
========================  ==========================  ==========================

Rounding (``docs/methodology.md``, "Rounding"): the exact value is rounded **once**, half
away from zero (``ROUND_HALF_UP``: 0,25 → 0,3; -0,25 → -0,3; 12,5 → 13 with no digits),
to the digits shown. A float is first read to 15 significant digits, the precision a float
carries, so binary noise (``61/400*100`` could be ``15.249999999999998``) does not decide a
half-way case. A value that rounds to zero is written without a sign (never ``-0,0``).
Exports write :func:`rounded` numbers, so a spreadsheet and the screen agree digit for digit.

Pure functions, no Dash: the analytics (exports, PDF report, plan files) and the UI share them.
The marks (decimal, group, minus) come from Babel's locale data; digits are laid out with
Python's own formatting of the already-rounded :class:`~decimal.Decimal` (Babel's pattern
parsing costs ~0.1 ms a call and the map formats thousands of values per change;
``tests/test_formatting.py`` checks the output against ``babel.numbers.format_decimal``).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, Final, Literal

import pandas as pd
from babel.dates import format_date
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

LANGS: Final = ("id", "en")
DEFAULT_LANG: Final = "id"
#: What an unknown value shows, everywhere (screen, export text, PDF).
MISSING: Final = "—"
ROUNDING: Final = ROUND_HALF_UP
#: Digits shown per kind of value.
PERCENT_DIGITS: Final = 1
PP_DIGITS: Final = 1
PACE_DIGITS: Final = 2
RATE_DIGITS: Final = 1
SCORE_DIGITS: Final = 1
_PER_MONTH: Final = {"id": "pp/bulan", "en": "pp/month"}

Kind = Literal["count", "percent", "pp", "pace", "rate", "score"]
#: Digits of each kind: what :func:`rounded` keeps for exports.
DIGITS: Final[dict[str, int]] = {
    "count": 0,
    "percent": PERCENT_DIGITS,
    "pp": PP_DIGITS,
    "pace": PACE_DIGITS,
    "rate": RATE_DIGITS,
    "score": SCORE_DIGITS,
}


def lang_of(lang: object) -> str:
    """``lang`` when it is one of :data:`LANGS`, else Indonesian."""
    return lang if isinstance(lang, str) and lang in LANGS else DEFAULT_LANG


def is_missing(value: object) -> bool:
    """None, NA, NaN, infinite or not a number at all."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, bool):
        return False
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True
    return not math.isfinite(number)


_QUANTUM: Final = tuple(Decimal(1).scaleb(-d) for d in range(12))


def rounded_decimal(value: object, digits: int) -> Decimal | None:
    """The exact ``value`` rounded once, half away from zero, to ``digits``; never ``-0``;
    ``None`` when missing. ``Decimal`` values are taken as they are."""
    if type(value) is float:  # the common case first (numpy floats take the general path)
        if not math.isfinite(value):
            return None
        exact = Decimal(f"{value:.15g}")
    elif is_missing(value):
        return None
    elif isinstance(value, Decimal):
        exact = value
    elif isinstance(value, int) and not isinstance(value, bool):
        exact = Decimal(value)
    else:
        exact = Decimal(f"{float(value):.15g}")  # type: ignore[arg-type]
    quantum = _QUANTUM[digits] if digits < len(_QUANTUM) else Decimal(1).scaleb(-digits)
    out = exact.quantize(quantum, rounding=ROUNDING)
    return out.copy_abs() if out.is_zero() else out


def rounded(value: object, kind: Kind) -> float | int | None:
    """The number an export writes for ``value`` of ``kind``: the shown digits, as a number
    (an ``int`` for counts); ``None`` when missing. ``score`` is on the 0-100 scale."""
    if kind == "score" and not is_missing(value):
        value = float(value) * 100  # type: ignore[arg-type]
    d = rounded_decimal(value, DIGITS[kind])
    if d is None:
        return None
    return int(d) if kind == "count" else float(d)


@lru_cache(maxsize=8)
def _marks(lang: str) -> dict[int, str]:
    """A ``str.translate`` table from Python's marks (``,`` ``.`` ``-``) to ``lang``'s."""
    return str.maketrans(
        {
            ".": get_decimal_symbol(lang),
            ",": get_group_symbol(lang),
            "-": get_minus_sign_symbol(lang),
        }
    )


def _digits(d: Decimal, digits: int, lang: str, signed: bool) -> str:
    sign = "+" if signed and d > 0 else ""
    return sign + f"{d:,f}".translate(_marks(lang if lang in LANGS else DEFAULT_LANG))


def number(value: object, lang: str, digits: int = 0, *, signed: bool = False) -> str:
    """Any decimal with ``digits`` digits in ``lang``'s marks (``signed``: ``+`` when > 0)."""
    d = rounded_decimal(value, digits)
    return MISSING if d is None else _digits(d, digits, lang, signed)


def count(value: object, lang: str) -> str:
    """A whole number: ``1.234.567`` (id), ``1,234,567`` (en)."""
    if type(value) is int or (type(value) is float and value.is_integer()):
        # Already whole (most counts): nothing to round, so no Decimal needed.
        # int(-0.0) is 0: no negative zero here either.
        return f"{int(value):,}".translate(_marks(lang if lang in LANGS else DEFAULT_LANG))
    return number(value, lang, 0)


def percent(value: object, lang: str, digits: int = PERCENT_DIGITS) -> str:
    """A percentage given as a percent (15.2475, not 0.152475): ``15,2%`` / ``15.2%``."""
    d = rounded_decimal(value, digits)
    return MISSING if d is None else _digits(d, digits, lang, False) + "%"


def target(value: object, lang: str) -> str:
    """A coverage target as people write it: ``100%``, ``52,15%`` (up to two digits)."""
    if is_missing(value):
        return MISSING
    whole = float(value).is_integer()  # type: ignore[arg-type]
    return percent(value, lang, 0 if whole else 2)


def pp(value: object, lang: str, digits: int = PP_DIGITS) -> str:
    """A change in percentage points, signed: ``+0,1 pp``, ``-1,3 pp``, ``0,0 pp``."""
    d = rounded_decimal(value, digits)
    return MISSING if d is None else _digits(d, digits, lang, True) + " pp"


def pp_per_month(value: object, lang: str, digits: int = PACE_DIGITS) -> str:
    """A pace: ``+0,05 pp/bulan`` (id), ``+0.05 pp/month`` (en); ``0,00 pp/bulan``."""
    d = rounded_decimal(value, digits)
    if d is None:
        return MISSING
    return _digits(d, digits, lang, True) + " " + _PER_MONTH[lang_of(lang)]


def decimal(value: object, lang: str, digits: int = RATE_DIGITS) -> str:
    """A rate or mean (registrations per visit, weights): ``7,7`` / ``7.7``."""
    return number(value, lang, digits)


def score(value: object, lang: str) -> str:
    """A priority score given on 0..1, shown on 0-100: ``0.8734`` → ``87,3``."""
    if is_missing(value):
        return MISSING
    return number(float(value) * 100, lang, SCORE_DIGITS)  # type: ignore[arg-type]


@lru_cache(maxsize=2048)
def _month(year: int, month_no: int, lang: str, long: bool) -> str:
    stamp = pd.Timestamp(year=year, month=month_no, day=1)
    return str(format_date(stamp.date(), "MMMM y" if long else "MMM y", locale=lang))


def month(value: object, lang: str, *, long: bool = False) -> str:
    """``Des 2025`` / ``Desember 2025`` (id), ``Dec 2025`` / ``December 2025`` (en)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return MISSING
    if isinstance(value, float) and math.isnan(value):
        return MISSING
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    return _month(stamp.year, stamp.month, lang_of(lang), long)


def day(value: object, lang: str) -> str:
    """A date as ``dd/mm/yyyy`` (the form both languages use in Indonesia)."""
    del lang  # the same form in both languages; kept for a uniform signature
    if value is None or value is pd.NA or value is pd.NaT:
        return MISSING
    if isinstance(value, float) and math.isnan(value):
        return MISSING
    return pd.Timestamp(value).strftime("%d/%m/%Y")  # type: ignore[arg-type]


def markup_text(value: Any) -> str:
    """A name made safe as *text* in Plotly hover texts and labels and in reportlab
    paragraphs, which both read ``<b>``, ``<br>`` etc. as markup: ``&``, ``<`` and ``>``
    become HTML entities."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
