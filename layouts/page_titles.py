"""The browser tab's title of each page in the reader's language.

``dash.register_page(title=...)`` takes a function; Dash calls it while it answers the
page callback (``_pages_content``, where the URL's ``?lang=`` is among the callback's
inputs) and when it serves the first HTML page (where it is in the request's query).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs

import dash
import flask

from layouts.i18n import lang_or_default, t


def request_lang() -> str:
    """The ``lang`` of the URL being served: the page callback's ``search`` input, else
    the HTTP request's query; Indonesian when neither says."""
    search = None
    try:
        search = dash.ctx.inputs.get("_pages_location.search")
    except Exception:
        search = None
    if isinstance(search, str):
        values = parse_qs(search.lstrip("?")).get("lang")
        return lang_or_default(values[0] if values else None)
    if flask.has_request_context():
        return lang_or_default(flask.request.args.get("lang"))
    return lang_or_default(None)


def page_title(message_id: str) -> Callable[..., str]:
    """A ``title`` for ``dash.register_page``: ``Cakupan · <message in the URL's language>``."""

    def title(**_path_variables: object) -> str:
        return f"Cakupan · {t(message_id, request_lang())}"

    return title
