"""Requests to the intake page's callbacks as the browser sends them (POST
/_dash-update-component through Flask's test client), for the upload security tests."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import dash
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from analytics.uploads.manifest import KIND_ORDER, MULTIPLE
from layouts.core import ids

UPDATE = "/_dash-update-component"


def data_url(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


def key_of(app: dash.Dash, first_output: str, contains: str = "") -> str:
    """The callback_map key whose first output is ``first_output`` (and holds ``contains``)."""
    return next(
        k
        for k in app.callback_map
        if k.lstrip(".").split("@")[0].split("...")[0] == first_output and contains in k
    )


def _outputs(key: str) -> list[dict[str, str]]:
    parts = key[2:-2].split("...")
    out = []
    for part in parts:
        cid, prop = part.split("@")[0].rsplit(".", 1)
        out.append({"id": cid, "property": prop})
    return out


def post_upload(
    client: FlaskClient, app: dash.Dash, kind: str, name: str, data: bytes, lang: str = "id"
) -> TestResponse:
    """The upload callback for one file of ``kind`` (every dcc.Upload of the page sent)."""
    key = next(k for k in app.callback_map if k.startswith(f"..{ids.UP_MESSAGE}.children..."))
    input_ids = [{"kind": k, "type": ids.UP_INPUT} for k in KIND_ORDER]
    at = list(KIND_ORDER).index(kind)
    multiple = kind in MULTIPLE
    contents: list[Any] = [None] * len(KIND_ORDER)
    names: list[Any] = [None] * len(KIND_ORDER)
    contents[at] = [data_url(data)] if multiple else data_url(data)
    names[at] = [name] if multiple else name

    def items(prop: str, values: list[Any]) -> list[dict[str, Any]]:
        return [
            {"id": i, "property": prop, "value": v} for i, v in zip(input_ids, values, strict=True)
        ]

    payload = {
        "output": key,
        "outputs": _outputs(key),
        "inputs": [items("contents", contents)],
        "state": [
            items("filename", names),
            items("id", input_ids),
            {"id": ids.UP_LANG, "property": "data", "value": lang},
        ],
        "changedPropIds": [json.dumps(input_ids[at], separators=(",", ":")) + ".contents"],
    }
    return client.post(UPDATE, json=payload)


def post(
    client: FlaskClient,
    app: dash.Dash,
    key: str,
    inputs: dict[str, Any],
    state: dict[str, Any],
) -> TestResponse:
    """A callback with plain ids: ``inputs``/``state`` map ``"id.prop"`` to the value sent."""
    spec = app.callback_map[key]

    def items(entries: list[dict[str, Any]], values: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**e, "value": values.get(f"{e['id']}.{e['property']}")} for e in entries]

    outputs = _outputs(key) if key.startswith("..") else _outputs(f"..{key}..")[0]
    return client.post(
        UPDATE,
        json={
            "output": key,
            "outputs": outputs,
            "inputs": items(spec["inputs"], inputs),
            "state": items(spec["state"], state),
            "changedPropIds": list(inputs)[:1],
        },
    )


def text_of(node: Any) -> str:
    """All text in a callback response's JSON (component children, option labels)."""
    if node is None:
        return ""
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, list):
        return " ".join(text_of(n) for n in node)
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict):
            labels = " ".join(str(o.get("label", "")) for o in props.get("options") or [])
            return f"{text_of(props.get('children'))} {labels}".strip()
        return " ".join(text_of(v) for v in node.values())
    return ""


def dry_run(client: FlaskClient, app: dash.Dash, lang: str = "en") -> tuple[int, str]:
    key = key_of(app, f"{ids.UP_RESULT}.children")
    response = client.post(
        UPDATE,
        json={
            "output": key,
            "outputs": {"id": ids.UP_RESULT, "property": "children"},
            "inputs": [{"id": ids.UP_DRY_RUN, "property": "n_clicks", "value": 1}],
            "state": [{"id": ids.UP_LANG, "property": "data", "value": lang}],
            "changedPropIds": [f"{ids.UP_DRY_RUN}.n_clicks"],
        },
    )
    body = response.get_json(silent=True) or {}
    return response.status_code, text_of(body.get("response"))


def commit(
    client: FlaskClient, app: dash.Dash, *, confirm: bool = False, lang: str = "en"
) -> tuple[str, str]:
    """Press Commit (with the confirmation ticked or not), then poll until the job ends:
    (status text, progress value)."""
    key = key_of(app, f"{ids.UP_JOB}.data")
    response = post(
        client,
        app,
        key,
        {f"{ids.UP_COMMIT}.n_clicks": 1},
        {f"{ids.UP_LANG}.data": lang, f"{ids.UP_CONFIRM}.value": ["yes"] if confirm else []},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    job = response.get_json()["response"][ids.UP_JOB]["data"]
    poll = key_of(app, f"{ids.UP_STATUS}.children", f"{ids.UP_PROGRESS}.value")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        answer = post(
            client,
            app,
            poll,
            {f"{ids.UP_POLL}.n_intervals": 1},
            {f"{ids.UP_JOB}.data": job, f"{ids.UP_LANG}.data": lang},
        ).get_json()["response"]
        if answer[ids.UP_POLL]["disabled"]:
            return text_of(answer[ids.UP_STATUS]["children"]), answer[ids.UP_PROGRESS]["value"]
        time.sleep(0.2)
    raise AssertionError("the rebuild did not end")


def rollback(client: FlaskClient, app: dash.Dash, version: str | None) -> tuple[str, list[Any]]:
    key = key_of(app, f"{ids.UP_MESSAGE}.children", f"{ids.UP_VERSIONS}.options")
    response = post(
        client,
        app,
        key,
        {f"{ids.UP_ROLLBACK}.n_clicks": 1},
        {f"{ids.UP_VERSIONS}.value": version, f"{ids.UP_LANG}.data": "en"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.get_json()["response"]
    return text_of(body[ids.UP_MESSAGE]["children"]), body[ids.UP_VERSIONS]["options"]
