"""Helpers for tests that call Dash pages and callbacks as plain functions."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

import dash


def page(path: str) -> ModuleType:
    """The module of the registered page served at ``path``."""
    entry = next(p for p in dash.page_registry.values() if p["path"] == path)
    return sys.modules[entry["module"]]


def find(component: Any, component_id: str) -> Any:
    """The component with ``id`` inside a layout tree (``None`` when absent)."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def callback_request(
    key: str, inputs: list[dict[str, Any]], state: list[dict[str, Any]], values: dict[str, Any]
) -> dict[str, Any]:
    """The JSON Dash's renderer posts to ``/_dash-update-component`` for the callback whose
    output key is ``key`` (from ``app.callback_map`` or ``/_dash-dependencies``).

    ``values`` maps ``"id.prop"`` to the value sent (others are ``None``); its first key is
    the input that changed.
    """
    stripped = key[2:-2] if key.startswith("..") else key
    outputs = []
    for part in stripped.split("..."):
        cid, prop = part.rsplit(".", 1)
        outputs.append({"id": cid, "property": prop})

    def items(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {**e, "value": values.get(f"{e['id']}.{e['property']}")}
            for e in entries
            if isinstance(e["id"], str)
        ]

    return {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": items(inputs),
        "state": items(state),
        "changedPropIds": [next(iter(values))] if values else [],
    }
