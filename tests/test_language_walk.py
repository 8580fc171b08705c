"""Every page, in English and in Indonesian, through the Flask test client as the browser
does: the page's layout (Dash pages' own ``_pages_content`` callback) and then every
callback the page fires on load, with the values its layout holds. No text of the other
language may show: no sentence of the other language's catalog (every ``layouts.core.i18n``
message and the AG Grid texts), and none of a list of common words.

Area names come from the data (``Desa Satu``, ``Kabupaten Satu``) and are taken out of the
text first; the product name "Cakupan" and proper nouns (Bhabinkamtibmas, Polsek) are not
checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dash
import pytest
from dash_helpers import callback_request
from flask.testing import FlaskClient
from store_factory import write_outreach, write_store

from analytics.access import Role
from analytics.io.user_store import add_user
from analytics.settings import Settings
from analytics.store.reader import Store
from layouts.core.components import GRID_LOCALE_ID
from layouts.core.i18n import MESSAGES

PASSWORD = "correct-horse-battery"
#: Indonesian words that must not show on an English page (whole words, case-sensitive).
INDONESIAN_WORDS = (
    "Cakupan wilayah",
    "Peserta",
    "Desa",
    "Wilayah",
    "Bulan",
    "Segmen",
    "Unduh",
    "Kualitas data",
    "Halaman",
    "Tidak ada",
    "belum terlindungi",
    "Pekerja",
    "dari",
    "sampai",
    "tercapai",
    "Baris",
    "Peta",
    "Tren",
    "Skor",
    "sosialisasi",
    "kunjungan",
    "pendaftaran",
)
#: English words that must not show on an Indonesian page.
ENGLISH_WORDS = (
    "Coverage",
    "Page Size",
    "No Rows To Show",
    "Workers",
    "Members",
    "Area",
    "Month",
    "Download",
    "Data quality",
    "Page",
    "not covered",
    "active",
    "eligible",
    "Detail",
    "Trend",
    "Score",
    "visits",
    "registrations",
)


def _fragments(lang: str, other: str) -> set[str]:
    """Pieces of ``lang``'s catalog text that the ``other`` language never uses: each
    message cut at its ``{placeholders}``, pieces of 14 characters or more that are not
    in any ``other`` text."""
    other_text = "\n".join(entry[other] for entry in MESSAGES.values())
    pieces = set()
    for entry in MESSAGES.values():
        if entry[lang] == entry[other]:
            continue
        for piece in re.split(r"\{[^}]*\}", entry[lang]):
            piece = piece.strip(" .,:;()·-")
            if len(piece) >= 14 and piece not in other_text:
                pieces.add(piece)
    return pieces


#: Keys whose strings are code, not text a person reads (ids, fields, JS, values).
_CODE_KEYS = frozenset(
    {
        "id",
        "className",
        "type",
        "namespace",
        "href",
        "src",
        "style",
        "field",
        "filter",
        "valueFormatter",
        "function",
        "getRowId",
        "domLayout",
        "cellDataType",
        "value",
        "search",
        "hovertemplate",
    }
)


def _strings(value: Any) -> Iterator[str]:
    """Every string value in a Dash JSON answer (keys and ids left out)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _CODE_KEYS:
                yield from _strings(item)


def _props(value: Any, found: dict[str, dict[str, Any]]) -> None:
    """``found[id] = props`` of every component with a string id in a layout's JSON."""
    if isinstance(value, list):
        for item in value:
            _props(item, found)
    elif isinstance(value, dict):
        props = value.get("props")
        if isinstance(props, dict):
            if isinstance(props.get("id"), str):
                found[props["id"]] = props
            for item in props.values():
                _props(item, found)
        else:  # a callback's answer: {"multi": true, "response": {id: {prop: value}}}
            for item in value.values():
                _props(item, found)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dash.Dash, FlaskClient]]:
    from app import create_app

    tmp = tmp_path_factory.mktemp("walk")
    store = write_outreach(write_store(tmp / "processed"))
    users = tmp / "users.json"
    add_user(users, "admin", Role.ADMIN, PASSWORD, areas=frozenset(), polres=None)
    settings = Settings().with_(
        store_dir=store,
        users_path=users,
        audit_path=tmp / "audit.jsonl",
        uploads_dir=tmp / "uploads",
        state_dir=tmp / "state",
    )
    app = create_app(settings)
    test_client = app.server.test_client()
    page = test_client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    answer = test_client.post(
        "/masuk",
        data={"username": "admin", "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert answer.status_code == 302
    yield app, test_client


def _post(test_client: FlaskClient, payload: dict[str, Any]) -> Any:
    response = test_client.post("/_dash-update-component", json=payload)
    assert response.status_code in (200, 204), (payload["output"], response.status_code)
    return response.get_json() if response.status_code == 200 else None


def page_texts(app: dash.Dash, test_client: FlaskClient, path: str, lang: str) -> list[str]:
    """The strings a browser shows for ``path?lang=``: the shell, the page's layout and
    the answers of every callback it fires on load."""
    search = f"?lang={lang}"
    shell = test_client.get("/_dash-layout").get_json()
    pages = next(c for c in app._callback_list if "_pages_content.children" in c["output"])
    payload = callback_request(pages["output"], pages["inputs"], pages["state"], {})
    payload["inputs"] = [
        {"id": "_pages_location", "property": "pathname", "value": path},
        {"id": "_pages_location", "property": "search", "value": search},
    ]
    layout = _post(test_client, payload)
    values: dict[str, dict[str, Any]] = {}
    _props(shell, values)
    _props(layout, values)
    values["url"] = {"pathname": path, "search": search}
    texts = list(_strings(layout))
    for spec in app._callback_list:
        if spec.get("prevent_initial_call") is True or "_pages" in spec["output"]:
            continue
        if "callback" not in app.callback_map.get(spec["output"], {}):
            continue  # a clientside callback: runs in the browser, writes no text
        wired = [*spec["inputs"], *spec["state"]]
        if not all(isinstance(w["id"], str) and w["id"] in values for w in wired):
            continue  # not on this page (or a pattern-matched id: fired by a click)
        if not any(w["id"] in values and w["id"] not in ("url",) for w in spec["inputs"]):
            continue
        sent = {f"{w['id']}.{w['property']}": values[w["id"]].get(w["property"]) for w in wired}
        first = f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"
        sent = {first: sent.pop(first), **sent}
        answer = _post(
            test_client, callback_request(spec["output"], spec["inputs"], spec["state"], sent)
        )
        texts += list(_strings(answer))
    return texts


PATHS = ("/", "/semua-desa", "/tren", "/kualitas", "/penjangkauan", "/metode", "/unggah")


@pytest.mark.parametrize("path", PATHS)
def test_english_pages_have_no_indonesian(client: tuple[dash.Dash, FlaskClient], path: str) -> None:
    app, test_client = client
    leaks = _leaks(app, test_client, path, "en", "id", INDONESIAN_WORDS)
    assert not leaks, leaks


@pytest.mark.parametrize("path", PATHS)
def test_indonesian_pages_have_no_english(client: tuple[dash.Dash, FlaskClient], path: str) -> None:
    app, test_client = client
    leaks = _leaks(app, test_client, path, "id", "en", ENGLISH_WORDS)
    assert not leaks, leaks


def _leaks(
    app: dash.Dash,
    test_client: FlaskClient,
    path: str,
    lang: str,
    other: str,
    words: tuple[str, ...],
) -> list[str]:
    store = Store(_store_dir(app))
    names = sorted(store.areas()["area_name"].astype(str), key=len, reverse=True)
    texts = page_texts(app, test_client, path, lang)
    text = "\n".join(texts)
    for name in names:  # names come from the data, in their own language
        text = text.replace(name, " ")
    leaks = [f"catalog: {piece!r}" for piece in _fragments(other, lang) if piece in text]
    if lang == "id":
        grid = " ".join(GRID_LOCALE_ID.values())
        leaks += [f"grid: {w!r}" for w in ("Page Size", "No Rows To Show") if w in text]
        assert grid  # the Indonesian grid texts exist
    for word in words:
        for match in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text):
            around = text[max(match.start() - 40, 0) : match.end() + 40].replace("\n", " ")
            leaks.append(f"word {word!r} in …{around}…")
            break
    return leaks


def _store_dir(app: dash.Dash) -> Path:
    from layouts.core.data_access import SETTINGS_KEY

    return Path(app.server.config[SETTINGS_KEY].store_dir)


def test_the_walk_finds_a_leak(client: tuple[dash.Dash, FlaskClient]) -> None:
    """The check can fail: an Indonesian page text put into an English answer is found."""
    app, test_client = client
    texts = page_texts(app, test_client, "/tren", "en")
    leaked = "\n".join([*texts, MESSAGES["trend.proj.horizon"]["id"].format(years=10)])
    assert any(piece in leaked for piece in _fragments("id", "en"))
    assert not any(piece in "\n".join(texts) for piece in _fragments("id", "en"))


def test_pages_answer_in_json(client: tuple[dash.Dash, FlaskClient]) -> None:
    app, test_client = client
    texts = page_texts(app, test_client, "/tren", "id")
    assert any("Tren cakupan" in t for t in texts)
    assert json.dumps(texts)  # plain strings


def test_tab_titles_follow_the_language(client: tuple[dash.Dash, FlaskClient]) -> None:
    app, test_client = client
    html_en = test_client.get("/tren?lang=en").get_data(as_text=True)
    # the first HTML page's meta title, then the tab title Dash sets from the page callback
    assert '<meta property="og:title" content="Cakupan · Trends">' in html_en
    html_id = test_client.get("/tren").get_data(as_text=True)
    assert '<meta property="og:title" content="Cakupan · Tren">' in html_id
    texts = page_texts(app, test_client, "/kualitas", "en")
    assert "Cakupan · Data quality" in texts


def _grids(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _grids(item)
    elif isinstance(value, dict):
        if value.get("type") == "AgGrid":
            yield value["props"]
        for item in value.values():
            yield from _grids(item)


def test_every_grid_speaks_the_page_language(client: tuple[dash.Dash, FlaskClient]) -> None:
    """AG Grid's own texts (pager, filters, "No Rows To Show") come from localeText."""
    app, test_client = client
    seen = 0
    for path in PATHS:
        pages = next(c for c in app._callback_list if "_pages_content.children" in c["output"])
        for lang in ("id", "en"):
            payload = callback_request(pages["output"], pages["inputs"], pages["state"], {})
            payload["inputs"] = [
                {"id": "_pages_location", "property": "pathname", "value": path},
                {"id": "_pages_location", "property": "search", "value": f"?lang={lang}"},
            ]
            for grid in _grids(_post(test_client, payload)):
                seen += 1
                locale = (grid.get("dashGridOptions") or {}).get("localeText")
                if lang == "id":
                    assert locale == GRID_LOCALE_ID, (path, grid.get("id"))
                else:
                    assert locale is None, (path, grid.get("id"))  # AG Grid's own English
    assert seen >= 2 * 8  # map 1, quality 2, outreach 5 grids, in both languages
    for key in ("pageSizeSelectorLabel", "noRowsToShow", "to", "of", "page", "textFilter"):
        assert key in GRID_LOCALE_ID
