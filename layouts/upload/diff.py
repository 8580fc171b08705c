"""Dash views of the intake page's dry run: the reconciliation per file, the comparison
with the live store, loss warnings, the origin of each input and the kept store versions
(text only: names are never markup)."""

from __future__ import annotations

from typing import Any

from dash import html

from analytics import formatting as fmt
from analytics.store.diff import FIGURES
from layouts.core.i18n import fmt_int, fmt_pct, t
from layouts.quality.views import COUNT_KEYS, file_rows, reasons_text


def diff_view(diff: dict[str, Any], lang: str) -> html.Div:
    """Current vs new figures, the loss warnings, and why a commit needs confirming."""
    current, new = diff.get("current"), diff.get("new") or {}
    head = [t("upload.diff.figure", lang), t("upload.diff.current", lang)]
    head += [t("upload.diff.new", lang), t("upload.diff.change", lang)]
    rows = []
    for key in FIGURES:
        before = None if current is None else current.get(key)
        after = new.get(key, 0)
        delta = None if before is None else after - before
        change = (
            "" if delta is None else "0" if delta == 0 else fmt.number(delta, lang, signed=True)
        )
        rows.append(
            html.Tr(
                [
                    html.Td(t(f"upload.fig.{key}", lang)),
                    html.Td("–" if before is None else fmt_int(before, lang), className="num"),
                    html.Td(fmt_int(after, lang), className="num"),
                    html.Td(change, className="num"),
                ]
            )
        )
    parts: list[Any] = [html.H3(t("upload.diff.title", lang))]
    if current is None:
        parts.append(html.P(t("upload.diff.no_store", lang)))
    parts.append(
        html.Table(
            [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
            className="simple-table upload-diff",
        )
    )
    parts += [html.P(line, className="upload-warning") for line in loss_lines(diff, lang)]
    parts += [
        html.P(t(f"upload.reason.{code}", lang), className="upload-warning")
        for code in diff.get("reasons", [])
        if code != "file_loss"
    ]
    return html.Div(parts, className="upload-diff-view")


def loss_lines(diff: dict[str, Any], lang: str) -> list[str]:
    """One warning per file losing more than 5 % of its rows, with its top reasons."""
    lines = []
    for loss in diff.get("losses", []):
        reasons = reasons_text({r: n for r, n, _ in loss["top_reasons"]}, lang)
        examples = [f"{r}: {', '.join(ex)}" for r, _, ex in loss["top_reasons"] if ex]
        if examples:
            reasons = f"{reasons} ({'; '.join(examples)})"
        lines.append(
            t(
                "upload.loss",
                lang,
                file=loss["file"],
                lost=fmt_int(loss["lost"], lang),
                rows_in=fmt_int(loss["rows_in"], lang),
                pct=fmt_pct(100 * loss["share"], lang),
                reasons=reasons,
            )
        )
    return lines


def origins_line(origins: dict[str, str], lang: str) -> html.P:
    parts = ", ".join(
        f"{t(f'upload.kind.{kind}', lang)}: {t(f'upload.origin.{origin}', lang)}"
        for kind, origin in origins.items()
    )
    return html.P(t("upload.origins", lang, parts=parts), className="note")


def version_options(rows: list[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    """The kept store versions as options of a radio list (newest first)."""
    options = []
    for row in rows:
        figures = row["figures"]
        label = (
            t("upload.versions.unreadable", lang, version=row["version"])
            if figures is None
            else t(
                "upload.versions.label",
                lang,
                version=row["version"],
                **{k: fmt_int(figures[k], lang) for k in ("rows_in", "matched", "villages")},
            )
        )
        options.append({"label": label, "value": row["version"]})
    return options


def reconciliation_view(rec: dict[str, Any], lang: str) -> html.Div:
    """The dry run's counts per file and in total, and the workforce's."""
    rows = file_rows(rec, lang)
    headers = [t("file", lang), *[t(k, lang) for k in COUNT_KEYS], t("reasons", lang)]
    table = html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in headers])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(r["file"]),
                            *[html.Td(fmt_int(r[k], lang), className="num") for k in COUNT_KEYS],
                            html.Td(r["reasons"]),
                        ]
                    )
                    for r in rows
                ]
            ),
        ],
        className="simple-table",
    )
    parts: list[Any] = [html.P(t("upload.dry_run_note", lang), className="note"), table]
    workforce = rec.get("workforce")
    if workforce:
        parts.append(
            html.P(
                t(
                    "upload.workforce_counts",
                    lang,
                    rows_in=fmt_int(workforce.get("rows_in", 0), lang),
                    accepted=fmt_int(workforce.get("accepted", 0), lang),
                    rejected=fmt_int(workforce.get("rejected", 0), lang),
                    reasons=reasons_text(workforce.get("reasons"), lang),
                )
            )
        )
    return html.Div(parts)


def dry_run_view(result: dict[str, Any], lang: str) -> html.Div:
    """The dry run: the inputs used, the reconciliation, the comparison with the store."""
    return html.Div(
        [
            origins_line(result.get("origins", {}), lang),
            reconciliation_view(result["reconciliation"], lang),
            diff_view(result["diff"], lang),
        ]
    )
