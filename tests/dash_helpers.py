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
