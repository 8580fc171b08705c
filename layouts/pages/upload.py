"""Data intake page (/unggah), administrators only: upload the input files, dry-run the
reconciliation, commit a rebuild in the background.

Every callback starts with ``require(Action.UPLOAD)``: a request from another role gets a
logged 403, whatever the browser sends. The callbacks are module-level functions (thin glue
over the service :mod:`analytics.uploads`) registered per app, so tests can call them directly.
Nothing a user typed (file names, refusal reasons) is rendered as HTML: it is Dash text.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import dash
from dash import ALL, Input, Output, State, dcc, html

from analytics.access import Action, may
from analytics.errors import InputError
from analytics.settings import SettingsError
from analytics.uploads.manifest import (
    keep_upload,
    read_manifest,
    remove_upload,
    save_selection,
    stored_files,
)
from analytics.uploads.rebuild import dry_run, rebuild_store
from layouts.core import ids
from layouts.core.data_access import audit_event, current_settings, current_user, require
from layouts.core.i18n import fmt_int, lang_or_default, t
from layouts.core.jobs import JOB_POLL_MS, current_jobs, failure_reason, setup_export_jobs
from layouts.core.page_titles import page_title
from layouts.core.url_state import parse_query
from layouts.upload.diff import diff_view, dry_run_view, loss_lines, version_options
from layouts.upload.views import decode_contents, error_text, upload_inputs

dash.register_page(__name__, path="/unggah", name="Unggah data", title=page_title("nav.upload"))

logger = logging.getLogger(__name__)


def input_list(lang: str) -> list[Any]:
    """The kept uploads per kind, with the selection and remove buttons."""
    settings = current_settings()
    return upload_inputs(stored_files(settings.uploads_dir), settings, lang)


def layout(**query: object) -> html.Div:
    lang = parse_query(query).lang
    if not may(current_user(), Action.UPLOAD):
        audit_event("refused", "refused", {"what": "upload page", "path": "/unggah"})
        return html.Div(t("upload.admin_only", lang), className="store-missing")
    return html.Div(
        [
            dcc.Store(id=ids.UP_LANG, data=lang),
            dcc.Store(id=ids.UP_JOB),
            dcc.Interval(id=ids.UP_POLL, interval=JOB_POLL_MS, disabled=True),
            html.H2(t("upload.title", lang)),
            html.P(t("upload.intro", lang)),
            html.Div(id=ids.UP_MESSAGE, role="status", className="upload-message"),
            html.Div(input_list(lang), id=ids.UP_LIST),
            html.Div(
                [
                    html.Button(t("upload.dry_run", lang), id=ids.UP_DRY_RUN),
                    html.Button(t("upload.commit", lang), id=ids.UP_COMMIT),
                    dcc.Checklist(
                        id=ids.UP_CONFIRM,
                        options=[{"label": t("upload.confirm", lang), "value": "yes"}],
                        value=[],
                    ),
                ],
                className="upload-actions",
            ),
            html.Progress(id=ids.UP_PROGRESS, max="100", value="0"),
            html.Div(id=ids.UP_STATUS, role="status"),
            html.Div(id=ids.UP_RESULT),
            html.Section(
                [
                    html.H3(t("upload.versions.title", lang)),
                    dcc.RadioItems(id=ids.UP_VERSIONS, options=_versions(lang)),
                    html.Button(t("upload.rollback", lang), id=ids.UP_ROLLBACK),
                ],
                id=ids.UP_VERSION_LIST,
                className="upload-versions",
            ),
        ],
        className="upload-page",
    )


def _versions(lang: str) -> list[dict[str, str]]:
    from analytics.store.diff import kept_versions

    return version_options(kept_versions(current_settings().store_dir), lang)


def _triggered() -> Any:
    """The id of the input that fired, or None outside a Dash request (direct calls)."""
    try:
        return dash.ctx.triggered_id
    except Exception:  # dash raises its own MissingCallbackContextException outside a callback
        return None


def _lines(lines: list[str]) -> list[Any]:
    return [html.Div(line) for line in lines]


# --- callbacks (each checks the role server-side) ------------------------------------------


def handle_upload(
    contents: list[Any], filenames: list[Any], input_ids: list[dict[str, str]], lang: str | None
) -> tuple[Any, Any]:
    """Keep the file(s) of the upload that fired; one message line per file."""
    require(Action.UPLOAD)
    lang = lang_or_default(lang)
    settings = current_settings()
    triggered = _triggered()
    lines: list[str] = []
    for given, names, cid in zip(contents, filenames, input_ids, strict=True):
        kind = cid.get("kind", "")
        if given is None or (triggered is not None and triggered != cid):
            continue
        items = given if isinstance(given, list) else [given]
        item_names = names if isinstance(names, list) else [names]
        for data_url, name in zip(items, item_names, strict=False):
            name = str(name or "upload")[:200]
            try:
                saved = keep_upload(name, decode_contents(data_url), kind, settings)
            except InputError as exc:
                audit_event("upload", "refused", {"kind": kind, "file": name, "reason": str(exc)})
                lines.append(t("upload.refused", lang, reason=error_text(exc, lang)))
                continue
            except Exception as exc:  # any reader's own error: a message, never a 500
                what = type(exc).__name__
                logger.warning("upload of a %s file refused: %s", kind, what)
                audit_event("upload", "refused", {"kind": kind, "file": name, "reason": what})
                lines.append(t("upload.unreadable", lang, name=name, what=what))
                continue
            audit_event(
                "upload",
                "ok" if saved.new else "exists",
                {"kind": kind, "file": name, "sha256": saved.sha256, "bytes": saved.size},
            )
            msg = "upload.saved" if saved.new else "upload.exists"
            lines.append(t(msg, lang, name=name, sha=saved.sha256[:12]))
    if not lines:
        return dash.no_update, dash.no_update
    return _lines(lines), input_list(lang)


def handle_remove(
    clicks: list[int | None], remove_ids: list[dict[str, str]], lang: str | None
) -> tuple[Any, Any]:
    require(Action.UPLOAD)
    lang = lang_or_default(lang)
    triggered = _triggered()
    settings = current_settings()
    names = read_manifest(settings.uploads_dir)["names"]
    lines = []
    for n, cid in zip(clicks, remove_ids, strict=True):
        if not n or (triggered is not None and triggered != cid):
            continue
        kind, file = str(cid.get("kind", "")), str(cid.get("file", ""))
        if remove_upload(kind, file, settings):
            audit_event("upload_remove", "ok", {"kind": kind, "sha256": file.split(".")[0]})
            name = names.get(f"{kind}/{file}", file)
            lines.append(t("upload.removed", lang, name=name))
    if not lines:
        return dash.no_update, dash.no_update
    return _lines(lines), input_list(lang)


def handle_select(values: list[Any], select_ids: list[dict[str, str]]) -> str:
    """Persist the admin's choice of files in the manifest."""
    require(Action.UPLOAD)
    settings = current_settings()
    for value, cid in zip(values, select_ids, strict=True):
        files = value if isinstance(value, list) else ([value] if value else [])
        save_selection(str(cid.get("kind", "")), [str(f) for f in files], settings)
    return ""


def handle_dry_run(n_clicks: int | None, lang: str | None) -> Any:
    require(Action.UPLOAD)
    if not n_clicks:
        return dash.no_update
    lang = lang_or_default(lang)
    settings = current_settings()
    try:
        result = dry_run(settings.uploads_dir, settings)
    except (InputError, SettingsError, OSError) as exc:
        audit_event("intake_dry_run", "failed", {"reason": str(exc)})
        reason = error_text(exc, lang) if isinstance(exc, InputError) else str(exc)
        return html.Div(t("upload.failed", lang, reason=reason), className="upload-error")
    except Exception as exc:  # a reader's own error on a hostile file: a message, not a 500
        what = type(exc).__name__
        logger.warning("dry run failed: %s", what)
        audit_event("intake_dry_run", "failed", {"reason": what})
        return html.Div(t("upload.failed", lang, reason=what), className="upload-error")
    rec, diff = result["reconciliation"], result["diff"]
    detail = {k: rec.get(k) for k in ("rows_in", "matched")}
    audit_event("intake_dry_run", "ok", {**detail, "needs_confirmation": diff["reasons"]})
    return dry_run_view(result, lang)


def _audited_diff(diff: dict[str, Any]) -> dict[str, Any]:
    """The comparison for the audit log: figures, reasons and per-file losses, without the
    example values of the loss warnings (raw cells: never in the audit)."""
    losses = [
        {"file": f["file"], "rows_in": f["rows_in"], "lost": f["lost"]}
        for f in diff.get("losses", [])
    ]
    return {**diff, "losses": losses}


def handle_commit(
    n_clicks: int | None, lang: str | None, confirm: list[str] | None = None
) -> tuple[Any, Any, Any]:
    """Start the rebuild in the app's job pool; the page polls its state. A rebuild that
    loses data against the live store is published only with ``confirm`` ticked."""
    user = require(Action.UPLOAD)
    if not n_clicks:
        return dash.no_update, dash.no_update, dash.no_update
    lang = lang_or_default(lang)
    settings = current_settings()
    confirmed = "yes" in (confirm or [])

    def work(progress: Any) -> bytes:
        from analytics import audit

        try:
            summary = rebuild_store(settings.uploads_dir, settings, progress, confirmed=confirmed)
        except Exception as exc:
            audit.record(
                settings.audit_path,
                user=user.name,
                action="intake_commit",
                outcome="failed",
                detail={"reason": str(exc)},
            )
            raise
        outcome = "ok" if summary["status"] == "ok" else "needs_confirmation"
        audit.record(
            settings.audit_path,
            user=user.name,
            action="intake_commit",
            outcome=outcome,
            detail={**summary, "diff": _audited_diff(summary["diff"]), "confirmed": confirmed},
        )
        return json.dumps(summary).encode()

    job = current_jobs().submit(work, "rebuild.json")
    audit_event("intake_commit", "started", {"job": job[:8], "confirmed": confirmed})
    return job, False, t("upload.job.queued", lang)


def handle_poll(_n: int | None, job: str | None, lang: str | None) -> tuple[Any, Any, Any]:
    """Status text, progress (0-100) and whether to stop polling."""
    require(Action.UPLOAD)
    lang = lang_or_default(lang)
    jobs = current_jobs()
    state = jobs.state(job)
    if state.state == "done":
        summary = json.loads(jobs.result(str(job)) or b"{}")
        if summary.get("status") == "confirm":
            parts = [html.P(t("upload.job.confirm", lang), className="upload-warning")]
            return html.Div([*parts, diff_view(summary["diff"], lang)]), "0", True
        counts = ("rows_in", "matched", "unmatched", "rejected", "duplicates")
        text = t("upload.job.done", lang, **{k: fmt_int(summary.get(k, 0), lang) for k in counts})
        warnings = loss_lines(summary.get("diff", {}), lang)
        if not warnings:
            return text, "100", True
        return html.Div([html.P(text), *[html.P(w) for w in warnings]]), "100", True
    if state.state == "failed":
        return t("upload.failed", lang, reason=failure_reason(state.message, lang)), "0", True
    if state.state == "unknown":
        return t("upload.job.unknown", lang), "0", True
    if state.state == "queued":
        return t("upload.job.queued", lang), "0", False
    text = t("upload.job.running", lang, step=state.step, pct=state.percent)
    return text, str(state.percent), False


def handle_rollback(n_clicks: int | None, version: str | None, lang: str | None) -> Any:
    """Serve the chosen kept store version; the live one is kept as a version."""
    user = require(Action.UPLOAD)
    if not n_clicks:
        return dash.no_update, dash.no_update
    lang = lang_or_default(lang)
    settings = current_settings()
    from analytics.store.writer import rollback

    try:
        now, aside = rollback(settings.store_dir, version or None, settings.store_keep)
    except (InputError, OSError) as exc:
        audit_event("store_rollback", "failed", {"to": version, "reason": str(exc)})
        return html.Div(t("upload.failed", lang, reason=str(exc))), _versions(lang)
    audit_event("store_rollback", "ok", {"to": now, "kept": aside, "by": user.name})
    return html.Div(t("upload.rolled_back", lang, version=now, aside=aside)), _versions(lang)


def handle_versions(poll_disabled: bool | None, lang: str | None) -> Any:
    """The kept versions again once a rebuild has ended (a commit adds one)."""
    require(Action.UPLOAD)
    if not poll_disabled:
        return dash.no_update
    return _versions(lang_or_default(lang))


def register_callbacks(app: dash.Dash) -> None:
    setup_export_jobs(app.server)  # the exports' job pool, reused (idempotent)
    app.callback(
        Output(ids.UP_MESSAGE, "children"),
        Output(ids.UP_LIST, "children"),
        Input({"type": ids.UP_INPUT, "kind": ALL}, "contents"),
        State({"type": ids.UP_INPUT, "kind": ALL}, "filename"),
        State({"type": ids.UP_INPUT, "kind": ALL}, "id"),
        State(ids.UP_LANG, "data"),
        prevent_initial_call=True,
    )(handle_upload)
    app.callback(
        Output(ids.UP_MESSAGE, "children", allow_duplicate=True),
        Output(ids.UP_LIST, "children", allow_duplicate=True),
        Input({"type": ids.UP_REMOVE, "kind": ALL, "file": ALL}, "n_clicks"),
        State({"type": ids.UP_REMOVE, "kind": ALL, "file": ALL}, "id"),
        State(ids.UP_LANG, "data"),
        prevent_initial_call=True,
    )(handle_remove)
    app.callback(
        Output(ids.UP_STATUS, "title"),
        Input({"type": ids.UP_SELECT, "kind": ALL}, "value"),
        State({"type": ids.UP_SELECT, "kind": ALL}, "id"),
        prevent_initial_call=True,
    )(handle_select)
    app.callback(
        Output(ids.UP_RESULT, "children"),
        Input(ids.UP_DRY_RUN, "n_clicks"),
        State(ids.UP_LANG, "data"),
        prevent_initial_call=True,
    )(handle_dry_run)
    app.callback(
        Output(ids.UP_JOB, "data"),
        Output(ids.UP_POLL, "disabled"),
        Output(ids.UP_STATUS, "children"),
        Input(ids.UP_COMMIT, "n_clicks"),
        State(ids.UP_LANG, "data"),
        State(ids.UP_CONFIRM, "value"),
        prevent_initial_call=True,
    )(handle_commit)
    app.callback(
        Output(ids.UP_MESSAGE, "children", allow_duplicate=True),
        Output(ids.UP_VERSIONS, "options"),
        Input(ids.UP_ROLLBACK, "n_clicks"),
        State(ids.UP_VERSIONS, "value"),
        State(ids.UP_LANG, "data"),
        prevent_initial_call=True,
    )(handle_rollback)
    app.callback(
        Output(ids.UP_VERSIONS, "options", allow_duplicate=True),
        Input(ids.UP_POLL, "disabled"),
        State(ids.UP_LANG, "data"),
        prevent_initial_call=True,
    )(handle_versions)
    app.callback(
        Output(ids.UP_STATUS, "children", allow_duplicate=True),
        Output(ids.UP_PROGRESS, "value"),
        Output(ids.UP_POLL, "disabled", allow_duplicate=True),
        Input(ids.UP_POLL, "n_intervals"),
        State(ids.UP_JOB, "data"),
        State(ids.UP_LANG, "data"),
        prevent_initial_call=True,
    )(handle_poll)
