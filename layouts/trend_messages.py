"""Messages of the trend page's projection statements and small multiples (Bahasa
Indonesia first, English too). Merged into :data:`layouts.i18n.MESSAGES`."""

from __future__ import annotations

from typing import Final

_M: Final[dict[str, tuple[str, str]]] = {
    "trend.proj.heading": (
        "Kapan target {target} tercapai (laju 12 bulan terakhir)",
        "When the {target} target is reached (pace of the last 12 months)",
    ),
    "trend.proj.month": (
        "{label}: target {target} tercapai {month} (cakupan {pct} pada {latest}, laju {pace})",
        "{label}: reaches the {target} target in {month} ({pct} in {latest}, pace {pace})",
    ),
    "trend.proj.reached": (
        "{label}: target {target} sudah tercapai ({pct} pada {latest})",
        "{label}: the {target} target is already reached ({pct} in {latest})",
    ),
    "trend.proj.not": (
        "{label}: tidak tercapai dengan laju sekarang (cakupan {pct} pada {latest}, laju {pace})",
        "{label}: not at the current pace ({pct} in {latest}, pace {pace})",
    ),
    "trend.proj.unknown": (
        "{label}: belum ada angka cakupan",
        "{label}: no coverage figure yet",
    ),
    "trend.proj.horizon": (
        "Garis proyeksi digambar sampai target atau paling jauh {years} tahun ke depan.",
        "Projection lines are drawn to the target or at most {years} years ahead.",
    ),
    "trend.proj.legend_horizon": ("{years} tahun pertama", "first {years} years"),
}

TREND_MESSAGES: Final[dict[str, dict[str, str]]] = {
    key: {"id": id_text, "en": en_text} for key, (id_text, en_text) in _M.items()
}
