"""The map's timeline: play the months on the map (as DHIS2's timeline or Kepler's playback).

A ``dcc.Interval`` ticks once a second while playing; each tick moves the month slider on
and sends a frame: a ``Patch`` with the new values only (as a month change does), the
legend and the KPI cards (:func:`layouts.map.callbacks.timeline_frame`), never the table.
When play stops (pause, the last month, or a month picked by hand) the month goes into the
page's month dropdown, so the usual month change draws the table and writes the address
bar: the URL follows the month in one place only.

:func:`timeline_step` decides what a tick or a press does; it is pure, the callback wires it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import dash
import pandas as pd
from dash import Input, Output, State, ctx, dcc, html, no_update

from layouts.core import ids
from layouts.core.data_access import current_settings, current_store
from layouts.core.i18n import fmt_month, t

#: Milliseconds per month while playing.
FRAME_MS = 1000


@dataclass(frozen=True)
class Step:
    """What one timeline event does: the month index shown, whether it plays on, whether
    to send a frame (values of ``index`` on the map) and whether to set the page's month."""

    index: int
    playing: bool
    frame: bool
    set_month: bool


def timeline_step(trigger: str | None, *, playing: bool, index: int, n_months: int) -> Step:
    """The next step after ``trigger`` (tick, play button, slider, month dropdown)."""
    last = max(n_months - 1, 0)
    index = min(max(index, 0), last)
    if trigger == ids.TIMELINE_TICK:
        if not playing or index >= last:
            return Step(index, False, False, set_month=playing)
        index += 1
        if index == last:  # the last month: stop there, the month change draws it all
            return Step(index, False, False, set_month=True)
        return Step(index, True, True, set_month=False)
    if trigger == ids.TIMELINE_PLAY:
        if playing:  # pause: the month shown becomes the page's month
            return Step(index, False, False, set_month=True)
        if last == 0:
            return Step(index, False, False, set_month=False)
        if index >= last:  # play again from the first month
            return Step(0, True, True, set_month=False)
        return Step(index, True, False, set_month=False)
    if trigger == ids.TIMELINE_SLIDER:  # dragged by hand: stop and show that month
        return Step(index, False, False, set_month=True)
    # the month dropdown (or anything else): follow it, stop playing
    return Step(index, False, False, set_month=False)


def timeline_bar(months: Sequence[str], month: str, lang: str) -> html.Div:
    """Play button, month slider (oldest month = 0) and the month's name."""
    index = months.index(month) if month in months else max(len(months) - 1, 0)
    return html.Div(
        [
            html.Button(
                t("timeline.play", lang),
                id=ids.TIMELINE_PLAY,
                className="timeline-play",
                title=t("timeline.title", lang),
            ),
            html.Div(
                dcc.Slider(
                    id=ids.TIMELINE_SLIDER,
                    min=0,
                    max=max(len(months) - 1, 0),
                    step=1,
                    value=index,
                    marks=None,
                    included=True,
                    allow_direct_input=False,  # its box would show the month's index
                ),
                className="timeline-slider",
            ),
            html.Span(
                _label(months, index, lang), id=ids.TIMELINE_LABEL, className="timeline-label"
            ),
            dcc.Interval(id=ids.TIMELINE_TICK, interval=FRAME_MS, disabled=True),
        ],
        className="timeline",
        hidden=len(months) < 2,
    )


def _label(months: Sequence[str], index: int, lang: str) -> str:
    return fmt_month(pd.Timestamp(f"{months[index]}-01"), lang) if months else ""


def register_timeline_callbacks(app: dash.Dash) -> None:
    from layouts.core.data_access import resolve_state
    from layouts.core.store_access import store_facts
    from layouts.map.callbacks import timeline_frame
    from layouts.map.controls import control_states
    from layouts.map.view_model import state_from_controls

    @app.callback(
        Output(ids.MAP, "figure", allow_duplicate=True),
        Output(ids.LEGEND, "children", allow_duplicate=True),
        Output(ids.KPIS, "children", allow_duplicate=True),
        Output(ids.MONTH, "value"),
        Output(ids.TIMELINE_SLIDER, "value"),
        Output(ids.TIMELINE_LABEL, "children"),
        Output(ids.TIMELINE_TICK, "disabled"),
        Output(ids.TIMELINE_PLAY, "children"),
        Input(ids.TIMELINE_TICK, "n_intervals"),
        Input(ids.TIMELINE_PLAY, "n_clicks"),
        Input(ids.TIMELINE_SLIDER, "value"),
        Input(ids.MONTH, "value"),
        State(ids.TIMELINE_TICK, "disabled"),
        *control_states(month=False),
        prevent_initial_call=True,
    )
    def play(
        _tick,
        _clicks,
        slider,
        month,
        disabled,
        view,
        segment,
        scheme,
        k,
        layer,
        labels,
        lang,
        target,
        custom,
    ):
        settings, store = current_settings(), current_store()
        months = store_facts(store, settings).months
        trigger = ctx.triggered_id
        if trigger == ids.MONTH:
            index = months.index(month) if month in months else len(months) - 1
        else:
            index = slider if isinstance(slider, int) else len(months) - 1
        playing = disabled is False
        step = timeline_step(trigger, playing=playing, index=index, n_months=len(months))
        figure: Any = no_update
        legend: Any = no_update
        kpis: Any = no_update
        if step.frame:
            state = state_from_controls(
                view or {},
                months[step.index],
                segment,
                scheme,
                k,
                layer,
                labels,
                lang,
                target,
                custom,
            )
            out = timeline_frame(store, settings, resolve_state(store, settings, state))
            figure, legend, kpis = out["figure"], out["legend"], out["kpis"]
        changed = step.playing != playing
        button = t("timeline.pause" if step.playing else "timeline.play", lang)
        return (
            figure,
            legend,
            kpis,
            months[step.index] if step.set_month and months else no_update,
            step.index if step.index != slider else no_update,
            _label(months, step.index, lang),
            (not step.playing) if changed else no_update,
            button if changed else no_update,
        )
