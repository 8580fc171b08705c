"""The outreach page's callbacks: thin glue between the page's controls and the views.

They read through :mod:`layouts.outreach.data` (the store handed out by the data access
layer, limited to the user's territory), check that the user's role may plan outreach,
and call the pure views of :mod:`layouts.outreach.views`, :mod:`layouts.outreach.map` and
:mod:`layouts.outreach.impact`. ``layouts/pages/outreach.py`` registers them per app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode

import dash
import pandas as pd
from dash import dcc, html, no_update

from analytics import formatting as fmt
from analytics.access import Action
from analytics.errors import InputError
from analytics.outreach.files import (
    briefing_pdf,
    plan_to_xlsx,
    polres_briefing_pdf,
    polres_plan_to_xlsx,
)
from analytics.outreach.plan import conversion_text
from analytics.outreach.plan_job import next_monday, slug
from analytics.outreach.priority import PriorityWeights
from layouts.core import ids
from layouts.core.data_access import audit_event, current_store, require
from layouts.core.glyphs import glyphs_url
from layouts.core.i18n import fmt_int, lang_or_default, t
from layouts.core.jobs import current_jobs, job_progress
from layouts.outreach.data import (
    map_frame,
    polres_kabupaten,
    read_officers,
    read_outreach,
    store_impact,
    store_plan,
)
from layouts.outreach.impact import (
    excluded_counts,
    excluded_sentence,
    group_rows,
    impact_sentences,
)
from layouts.outreach.map import (
    colour_key,
    legend_items,
    map_villages,
    officer_colours,
    outreach_map_figure,
)
from layouts.outreach.views import (
    CAPACITY_RANGE,
    DEFAULT_CAPACITY,
    DEFAULT_WEEKS,
    WEEK_CHOICES,
    OutreachPlan,
    normalised_weights,
    plan_totals,
    polres_options,
    polsek_options,
    priority_rows,
    schedule_rows,
    unassigned_rows,
    weights_from,
)

WEIGHT_IDS: Final = (ids.OUT_W_GAP, ids.OUT_W_COVERAGE, ids.OUT_W_PACE, ids.OUT_W_RECENCY)
#: The controls a plan depends on, in the order of :func:`update_plan`'s arguments.
PLAN_INPUTS: Final = (
    ids.OUT_POLRES,
    ids.OUT_POLSEK,
    ids.OUT_WEEKS,
    ids.OUT_CAPACITY,
    *WEIGHT_IDS,
)


def first_value(value: object) -> str:
    """The first value of a query parameter (a string or a list of strings), stripped."""
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return value.strip() if isinstance(value, str) else ""


def page_state(query: dict[str, object], officers: pd.DataFrame) -> dict[str, Any]:
    """Polres, Polsek, weeks and capacity from the URL, fitted to the roster (the first
    Polres and its first Polsek by default, so a plan shows at once)."""
    choices = polres_options(officers)
    polres = first_value(query.get("polres"))
    polres = polres if polres in choices else (choices[0] if choices else "")
    polseks = polsek_options(officers, polres)
    polsek = first_value(query.get("polsek"))
    if polsek not in polseks and polsek != "all":
        polsek = polseks[0] if polseks else ""
    try:
        weeks = int(first_value(query.get("weeks")))
    except ValueError:
        weeks = DEFAULT_WEEKS
    try:
        capacity = int(first_value(query.get("capacity")))
    except ValueError:
        capacity = DEFAULT_CAPACITY
    return {
        "polres": polres,
        "polsek": "" if polsek == "all" else polsek,
        "weeks": weeks if weeks in WEEK_CHOICES else DEFAULT_WEEKS,
        "capacity": capacity
        if CAPACITY_RANGE[0] <= capacity <= CAPACITY_RANGE[1]
        else DEFAULT_CAPACITY,
        "lang": lang_or_default(first_value(query.get("lang"))),
    }


def polsek_choice_options(
    officers: pd.DataFrame, polres: str | None, lang: str
) -> list[dict[str, str]]:
    """The Polsek dropdown's options: "all Polsek" of the Polres, then each Polsek."""
    return [{"label": t("out.all_polsek", lang), "value": "all"}] + [
        {"label": p, "value": p} for p in polsek_options(officers, polres)
    ]


def compute_plan(
    store: Any,
    polres: str | None,
    polsek: str | None,
    weeks: int,
    capacity: int,
    weights: PriorityWeights,
    start: pd.Timestamp | None = None,
) -> OutreachPlan:
    """The plan of the scope from the store (``polsek`` ``None``: the whole Polres).
    Raises InputError for a scope without officers or unusable numbers."""
    try:
        weeks, capacity = int(weeks), int(capacity)
    except (TypeError, ValueError) as exc:
        raise InputError(f"weeks ({weeks}) and capacity ({capacity}) must be numbers") from exc
    first_day = start if start is not None else next_monday(pd.Timestamp.today())
    return store_plan(
        store, polres or "", polsek or "", weeks, capacity, weights, pd.Timestamp(first_day)
    )


def polsek_of(store: Any, result: OutreachPlan) -> dict[str, str]:
    """NRP -> Polsek of every officer on the map: the plan's own, then the roster's (the
    map also shows neighbouring villages' officers from outside the scope)."""
    roster = read_officers(store)
    pairs = [] if roster is None else list(zip(roster["nrp"], roster["polsek"], strict=True))
    pairs += list(zip(result.plan.summary["nrp"], result.plan.summary["polsek"], strict=True))
    return {str(n): str(p) for n, p in pairs}


def _legend(items: list[dict[str, Any]], key: str = "nrp", lang: str = "id") -> list[Any]:
    note = [html.P(t("out.map_by_polsek", lang), className="hint")] if key == "polsek" else []
    return note + [
        html.Div(
            [
                html.Span(className="swatch", style={"backgroundColor": i["colour"]}),
                html.Span(i["label"]),
                html.Span(f"({i['count']})", className="legend-count"),
            ],
            className="legend-row",
        )
        for i in items
    ]


def view_query(polres: str, polsek: str, weeks: int, capacity: int, lang: str) -> str:
    """The page's state for the address bar (``?polres=...&polsek=...``)."""
    values = {"polres": polres, "polsek": polsek or "all", "weeks": weeks, "capacity": capacity}
    return "?" + urlencode({**values, "lang": lang})


def update_plan(
    polres: str | None,
    polsek: str | None,
    weeks: int,
    capacity: int,
    w_gap: float | None,
    w_cov: float | None,
    w_pace: float | None,
    w_rec: float | None,
    lang: str | None,
) -> tuple[Any, ...]:
    """Map, legend, weights note, summary, three tables, download hint and buttons, URL."""
    require(Action.OUTREACH)
    lang = lang_or_default(lang)
    polsek = "" if polsek in (None, "all") else polsek
    weights, valid = weights_from([w_gap, w_cov, w_pace, w_rec])
    applied = normalised_weights(weights)
    note = t("out.weights_note", lang, **{k: fmt.decimal(v, lang, 2) for k, v in applied.items()})
    if not valid:
        note = t("out.weights_invalid", lang) + " " + note
    store = current_store()
    query = view_query(polres or "", polsek, weeks, capacity, lang)
    try:
        result = compute_plan(store, polres, polsek, weeks, capacity, weights)
    except InputError as exc:
        empty: dict[str, Any] = {"data": [], "layout": {}}
        error = t("out.error", lang, error=str(exc))
        return empty, [], note, error, [], [], [], error, True, True, query
    villages = map_villages(result.priority, result.village_officers, store.areas())
    villages, key = colour_key(villages, lambda: polsek_of(store, result))
    colours = officer_colours(villages[key].dropna().tolist())
    url, center, zoom = map_frame(store, set(villages["village_code"]))
    figure = outreach_map_figure(
        villages,
        colours,
        geojson_url=url,
        center=center,
        zoom=zoom,
        lang=lang,
        key=key,
        glyphs=glyphs_url(),
    )
    totals = plan_totals(result.plan)
    summary = t(
        "out.plan_summary",
        lang,
        visits=fmt_int(totals["visits"], lang),
        officers=fmt_int(totals["officers"], lang),
        weeks=totals["weeks"],
        start=fmt.day(totals["start"], lang),
        expected=fmt.count(totals["expected"], lang),
        conversion=conversion_text(totals["conversion"], lang),
    )
    basis = {b: t(f"out.basis.{b}", lang) for b in ("adjacent", "distance", "capacity")}
    hint = t("out.ready", lang, polsek=polsek or polres, weeks=weeks, capacity=capacity)
    if not polsek:
        hint += " " + t("out.all_polsek_files", lang)
    return (
        figure,
        _legend(legend_items(villages, colours, lang, key=key), key, lang),
        note,
        summary,
        priority_rows(result, lang),
        schedule_rows(result.plan, lang),
        unassigned_rows(result.plan, basis, lang),
        hint,
        False,
        False,
        query,
    )


def update_impact(
    polres: str | None, polsek: str | None, lang: str | None
) -> tuple[list[html.P], list[dict[str, Any]], list[dict[str, Any]]]:
    """Sentences for the whole store and the chosen scope; per-Polsek and officer rows."""
    require(Action.OUTREACH)
    lang = lang_or_default(lang)
    polsek = "" if polsek in (None, "all") else polsek
    store = current_store()
    data = read_outreach(store)
    # Nationally the events of the chosen Polres only (its kabupaten): the whole country's
    # 100,000 events would take minutes, and a Polres is what the page is about.
    kabupaten = None if data is None else polres_kabupaten(data.officers, polres)
    impact = store_impact(store, kabupaten=kabupaten)
    if impact is None:
        return [html.P(t("impact.no_events", lang))], [], []
    k = impact.window_weeks
    overall = group_rows(impact.overall, lang)
    per_polsek = group_rows(impact.per_polsek, lang)
    per_officer = group_rows(impact.per_officer, lang)
    in_polres = set() if data is None else set(polsek_options(data.officers, polres))
    if polres:
        per_polsek = [r for r in per_polsek if r["polsek"] in in_polres]
        per_officer = [r for r in per_officer if r["polsek"] in in_polres]
    if polsek:
        per_officer = [r for r in per_officer if r["polsek"] == polsek]
    scope = t("out.polres_area", lang, polres=polres) if kabupaten else t("out.all_areas", lang)
    paragraphs = impact_sentences(overall[0] if overall else None, k, scope, lang)
    if polsek:
        mine = next((r for r in group_rows(impact.per_polsek, lang) if r["polsek"] == polsek), None)
        paragraphs += impact_sentences(mine, k, polsek, lang)
    excluded = excluded_sentence(excluded_counts(impact), lang)
    texts = [*paragraphs, *([excluded] if excluded else []), t("impact.caveats", lang)]
    return [html.P(p) for p in texts], per_polsek, per_officer


def polsek_choices(polres: str | None, lang: str | None) -> tuple[list[dict[str, str]], str | None]:
    """The Polsek of the new Polres (its first one selected)."""
    require(Action.OUTREACH)
    data = read_outreach(current_store())
    if data is None:
        return [], None
    options = polsek_choice_options(data.officers, polres, lang_or_default(lang))
    return options, options[1]["value"] if len(options) > 1 else "all"


def file_name(kind: str, polres: str | None, polsek: str) -> str:
    """``rencana_<unit>.xlsx`` or ``briefing_<unit>.pdf``; a whole Polres's files end in
    ``_semua_polsek``."""
    name = slug(polsek or polres or "") + ("" if polsek else "_semua_polsek")
    return f"rencana_{name}.xlsx" if kind == "xlsx" else f"briefing_{name}.pdf"


def plan_file(
    kind: str, store: Any, plan: Any, polres: str | None, polsek: str, lang: str
) -> bytes:
    """The bytes of one outreach file: the XLSX plan or the PDF briefing of one Polsek,
    or with ``polsek`` empty of the whole Polres (a sheet, a section per Polsek)."""
    if kind == "xlsx":
        if polsek:
            return plan_to_xlsx(plan, polsek, lang)
        return polres_plan_to_xlsx(plan, polres or "", lang)
    meta = store.meta()
    file_meta = {"data_until": meta.get("data_until"), "demo": bool(meta.get("demo"))}
    if polsek:
        return briefing_pdf(plan, polsek, file_meta, lang)
    return polres_briefing_pdf(plan, polres or "", file_meta, lang)


def _requested(
    kind: str,
    polres: str | None,
    polsek: str | None,
    weeks: int,
    capacity: int,
    weights: Sequence[float | None],
) -> tuple[Any, str, Any] | None:
    """(store, Polsek or "" for the whole Polres, plan) of a download request, audited;
    ``None`` when there is nothing to download (the page already says why)."""
    require(Action.OUTREACH)
    polsek = "" if polsek in (None, "all") else polsek
    if not polres and not polsek:
        return None
    chosen, _ = weights_from(list(weights))
    store = current_store()
    try:
        result = compute_plan(store, polres, polsek, weeks, capacity, chosen)
    except InputError:
        return None
    unit = polsek or polres or ""
    # Officers' names and phones leave the app in these files: record who took which.
    audit_event(
        "export",
        "ok",
        {"what": f"outreach plan {kind}", "polsek": polsek[:80] or "all", "polres": unit[:80]},
    )
    return store, polsek, result.plan


def download(
    kind: str,
    polres: str | None,
    polsek: str | None,
    weeks: int,
    capacity: int,
    weights: Sequence[float | None],
    lang: str | None = None,
) -> Any:
    """``dcc.Download`` data of the plan on screen (``kind``: ``xlsx`` or ``pdf``) in the
    user's language ``lang`` (Indonesian when unset), made in the request: one
    Polsek's files, or with "(semua Polsek)" the Polres plan as one workbook with a sheet
    per Polsek and one PDF with every Polsek's briefing. The plan is computed from the
    user's own store view, so a Polres outside the territory gives nothing."""
    lang = lang_or_default(lang)
    asked = _requested(kind, polres, polsek, weeks, capacity, weights)
    if asked is None:
        return dash.no_update
    store, unit, plan = asked
    data = plan_file(kind, store, plan, polres, unit, lang)
    return dcc.send_bytes(data, file_name(kind, polres, unit))


def start_download(
    kind: str,
    polres: str | None,
    polsek: str | None,
    weeks: int,
    capacity: int,
    weights: Sequence[float | None],
    lang: str | None = None,
) -> tuple[Any, Any, Any, Any, Any]:
    """A download button's click: one Polsek's file at once (under a second); a whole
    Polres's (every Polsek's sheets or briefings, seconds to minutes for a large Polres)
    as a background job the page polls, so the request returns at once and the user
    sees its progress. Returns (file now, job id, polling disabled, status, progress
    hidden)."""
    lang = lang_or_default(lang)
    if polsek not in (None, "", "all"):
        return download(kind, polres, polsek, weeks, capacity, weights, lang), *[no_update] * 4
    jobs = current_jobs()
    busy = jobs.wait_text(lang)  # the user's own jobs first (limit)
    if busy:
        return no_update, no_update, True, busy, True
    asked = _requested(kind, polres, polsek, weeks, capacity, weights)
    if asked is None:
        return (no_update,) * 5
    store, unit, plan = asked

    def work(progress: Any) -> bytes:
        progress("file", 0, 1)
        return plan_file(kind, store, plan, polres, unit, lang)

    job = jobs.submit(work, file_name(kind, polres, unit))
    return no_update, job, False, t("out.job.running", lang), False


def download_callback(kind: str) -> Callable[..., Any]:
    """The click handler of one download button (``kind``: ``xlsx`` or ``pdf``); the
    user's language comes first of the states, then the plan inputs."""

    def on_click(
        _n_clicks: int | None,
        lang: str | None,
        polres: str | None,
        polsek: str | None,
        weeks: int,
        capacity: int,
        *weights: float | None,
    ) -> tuple[Any, Any, Any, Any, Any]:
        return start_download(kind, polres, polsek, weeks, capacity, weights, lang)

    return on_click


def download_progress(_n: int | None, job: str | None, lang: str | None) -> tuple[Any, ...]:
    """The whole-Polres file job: (progress, status, the file once done, stop polling,
    progress hidden)."""
    require(Action.OUTREACH)
    lang = lang_or_default(lang)
    pct, status, data, stop = job_progress(
        job,
        lang,
        running=t("out.job.running", lang),
        done=t("out.job.done", lang),
        failed=lambda reason: t("out.job.failed", lang, msg=reason),
    )
    return pct, status, data, stop, stop


def query_pairs(query: str | None) -> dict[str, str]:
    """``?a=b&c=d`` as a dict (tests and links)."""
    return dict(parse_qsl((query or "").lstrip("?")))
