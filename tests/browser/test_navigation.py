"""The paths users take in headless Chromium, wrong turns included: addresses outside the
territory or malformed, Back and Forward after drill-downs and the breadcrumb, the header
(who is logged in, log-out) and the navigation per role. No uncaught script error and no
refused request on any of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from layouts.core.auth import DEMO_PASSWORDS

pytestmark = pytest.mark.browser

GD = "document.querySelector('#map .js-plotly-plot')"
TREND = "document.querySelector('#trend-main .js-plotly-plot')"


class Watch:
    """Uncaught script errors and refused or failed responses of one page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.refused: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on(
            "response",
            lambda r: self.refused.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.refused == [], self.refused


@pytest.fixture
def as_user(browser: Any, app_url: str) -> Iterator[Any]:
    """``as_user(name)``: a fresh browser context logged in as a demo user, watched."""
    contexts: list[Any] = []

    def login(name: str) -> tuple[Any, Watch]:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{app_url}/masuk")
        page.fill("#username", name)
        page.fill("#password", DEMO_PASSWORDS[name])
        with page.expect_navigation():
            page.click("button[type=submit]")
        return page, Watch(page)

    yield login
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def areas(demo_store: Path) -> pd.DataFrame:
    return pd.read_parquet(demo_store / "areas.parquet")


def kabupaten(areas: pd.DataFrame) -> list[str]:
    return sorted(areas.loc[areas["level"] == "kabupaten", "area_code"])


def wait_map(page: Any, prefix: str = "", length: int = 5) -> list[str]:
    """The codes drawn, once they all start with ``prefix`` and are ``length`` long
    (0: any length)."""
    handle = page.wait_for_function(
        f"([p, n]) => {{ const l = {GD}?.data?.[0]?.locations;"
        " const ok = c => c.startsWith(p) && (!n || c.length === n);"
        " return l && l.length > 0 && l.every(ok) && l; }",
        arg=[prefix, length],
        timeout=60000,
    )
    return list(handle.json_value())


def search(page: Any) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(page.evaluate("() => window.location.search").lstrip("?")))


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("/?level=desa&area={other}&segment=BPU", "di luar wilayah akses"),
        ("/?area=99", "di luar wilayah akses"),
        ("/?area=12.34", "di luar wilayah akses"),
        ("/?area=abc&level=xyz&month=2099-13", "tidak sah"),
    ],
)
def test_branch_address_outside_territory_shows_notice_and_own_kabupaten(
    as_user: Any, app_url: str, areas: pd.DataFrame, address: str, reason: str
) -> None:
    own, other = kabupaten(areas)[0], kabupaten(areas)[1]
    page, watch = as_user("cabang")
    page.goto(app_url + address.format(other=other))
    notice = page.locator("#view-notice")
    notice.wait_for(timeout=30000)
    assert reason in notice.inner_text()
    assert "Ditampilkan:" in notice.inner_text()
    codes = wait_map(page, own + ".", 0)
    assert codes and all(c.startswith(own + ".") for c in codes)
    assert search(page)["area"] == own  # the address now names the view shown
    watch.assert_clean()


def test_malformed_values_are_each_named_in_english(
    as_user: Any, app_url: str, areas: pd.DataFrame
) -> None:
    page, watch = as_user("cabang")
    page.goto(f"{app_url}/?area=abc&level=xyz&month=2099-13&lang=en")
    text = page.locator("#view-notice").inner_text(timeout=30000)
    assert "This address asks for a view that cannot be shown." in text
    for part in ("Area code “abc”", "Level “xyz”", "Month “2099-13”"):
        assert part in text
    wait_map(page, kabupaten(areas)[0] + ".", 0)
    watch.assert_clean()


def test_guest_trend_address_outside_territory_shows_own_kecamatan(
    as_user: Any, app_url: str
) -> None:
    page, watch = as_user("tamu")
    page.goto(f"{app_url}/tren?area=99.71")
    assert "99.71" in page.locator("#view-notice").inner_text(timeout=30000)
    page.wait_for_function(f"() => {TREND}?.data?.length > 0", timeout=60000)
    area = search(page)["area"]
    assert area.count(".") == 2  # the guest's kecamatan, their whole territory
    watch.assert_clean()


def test_back_and_forward_walk_drill_and_breadcrumb(
    as_user: Any, app_url: str, areas: pd.DataFrame
) -> None:
    page, watch = as_user("admin")
    page.goto(f"{app_url}/")
    kabs = kabupaten(areas)
    assert sorted(wait_map(page)) == kabs
    top = page.url
    target = areas[areas["area_code"] == kabs[1]].iloc[0]
    # drill: a click on the kabupaten
    xy = page.evaluate(
        f"([lon, lat]) => {{ const m = {GD}._fullLayout.map._subplot.map;"
        " const p = m.project([lon, lat]); const r = m.getCanvas().getBoundingClientRect();"
        " return [r.left + p.x, r.top + p.y]; }",
        [float(target.lon), float(target.lat)],
    )
    page.wait_for_timeout(800)
    page.mouse.move(*xy)
    page.mouse.click(*xy)
    wait_map(page, target.area_code + ".", 8)
    drilled = page.url
    assert search(page)["level"] == "kecamatan" and search(page)["area"] == target.area_code
    # breadcrumb back to the top: another history entry
    page.locator("#breadcrumb button.crumb").first.click()
    page.wait_for_function("(u) => window.location.href !== u", arg=drilled)
    assert sorted(wait_map(page)) == kabs and page.url == top
    # Back: the drilled view again, from the address
    page.go_back()
    assert page.url == drilled
    wait_map(page, target.area_code + ".", 8)
    assert target.area_name in page.locator("#breadcrumb").inner_text()
    # Back: the top view, still in the app (not the log-in form)
    page.go_back()
    assert page.url == top
    assert sorted(wait_map(page)) == kabs
    # Forward: drilled again
    page.go_forward()
    assert page.url == drilled
    wait_map(page, target.area_code + ".", 8)
    watch.assert_clean()


def test_filter_change_is_a_history_entry(as_user: Any, app_url: str, areas: pd.DataFrame) -> None:
    page, watch = as_user("admin")
    page.goto(f"{app_url}/?segment=BPU")
    wait_map(page)
    page.wait_for_function("() => window.location.search.includes('level=')")  # canonical
    before = page.url
    page.locator("#segment").get_by_text("PU (penerima upah)").click()
    page.wait_for_function("() => window.location.search.includes('segment=PU&')")
    page.wait_for_timeout(300)  # a person's Back comes later than the address update
    page.go_back()
    page.wait_for_function("(u) => window.location.href === u", arg=before)
    page.wait_for_function(
        "() => document.querySelector('#segment input[value=BPU]')?.checked === true",
        timeout=30000,
    )
    watch.assert_clean()


def test_back_from_another_page_draws_the_map_again(
    as_user: Any, app_url: str, areas: pd.DataFrame
) -> None:
    page, watch = as_user("admin")
    page.goto(f"{app_url}/?segment=PU")
    wait_map(page)
    page.locator("#nav-trends").click()
    page.wait_for_function("() => window.location.pathname === '/tren'")
    page.wait_for_function(f"() => {TREND}?.data?.length > 0", timeout=60000)
    page.locator("#nav-method").click()
    page.wait_for_function("() => window.location.pathname === '/metode'")
    page.go_back()
    page.wait_for_function("() => window.location.pathname === '/tren'")
    page.go_back()
    page.wait_for_function("() => window.location.pathname === '/'")
    assert sorted(wait_map(page)) == kabupaten(areas)
    assert search(page)["segment"] == "PU"
    watch.assert_clean()


@pytest.mark.parametrize(
    ("name", "role", "visible", "hidden"),
    [
        ("admin", "Admin · seluruh wilayah", ["#nav-outreach", "#nav-upload"], []),
        ("cabang", "Kantor cabang · ", ["#nav-outreach"], ["#nav-upload"]),
        ("polres", "Kepolisian · ", ["#nav-outreach"], ["#nav-upload"]),
        ("tamu", "Tamu (lihat saja) · ", [], ["#nav-outreach", "#nav-upload"]),
    ],
)
def test_header_names_the_user_and_nav_fits_the_role(
    as_user: Any, app_url: str, name: str, role: str, visible: list[str], hidden: list[str]
) -> None:
    page, watch = as_user(name)
    page.goto(f"{app_url}/metode")
    page.locator("#user-name").wait_for(timeout=30000)
    assert page.locator("#user-name").inner_text() == name
    assert page.locator("#user-role").inner_text().startswith(role)
    for selector in ["#nav-map", "#nav-trends", *visible]:
        assert page.locator(selector).is_visible(), selector
    for selector in hidden:
        assert not page.locator(selector).is_visible(), selector
    assert page.locator("#logout-button").inner_text() == "Keluar"
    page.locator("#lang-en").click()
    page.wait_for_function("() => document.querySelector('#logout-button').innerText === 'Log out'")
    assert page.locator("#user-label").inner_text() == "Logged in as"
    watch.assert_clean()


def test_log_out_then_back_shows_the_log_in_page(as_user: Any, app_url: str) -> None:
    page, _ = as_user("cabang")
    page.goto(f"{app_url}/")
    wait_map(page, "", 0)
    with page.expect_navigation():
        page.locator("#logout-button").click()
    assert page.url.startswith(f"{app_url}/masuk")
    page.go_back()
    page.wait_for_load_state()
    page.locator("#username").wait_for(timeout=30000)  # the log-in form, not the old page
    assert page.url.startswith(f"{app_url}/masuk")


def test_a_page_left_open_after_log_out_goes_to_the_log_in_page(as_user: Any, app_url: str) -> None:
    """Logged out in another tab: the next change on the open page leads to the log-in
    form with a sentence saying why (callbacks get 401, which Dash alone only logs in the
    console), and logging in again brings back the same view."""
    page, _ = as_user("cabang")
    page.goto(f"{app_url}/?level=kecamatan&area=99.01")
    wait_map(page, "99.01.", 8)
    other = page.context.new_page()
    other.goto(f"{app_url}/metode")
    with other.expect_navigation():
        other.locator("#logout-button").click()
    other.close()
    with page.expect_navigation(url="**/masuk?**", timeout=30000):
        page.locator("#segment input[value='PU']").click()
    assert "expired=1" in page.url
    assert "Sesi Anda telah berakhir" in page.locator(".error").inner_text()
    page.fill("#username", "cabang")
    page.fill("#password", "cakupan-cabang")
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()
    wait_map(page, "99.01.", 8)
    assert "area=99.01" in page.url and "level=kecamatan" in page.url


def test_police_outreach_address_for_another_polres_says_so(as_user: Any, app_url: str) -> None:
    page, watch = as_user("polres")
    page.goto(f"{app_url}/penjangkauan?polres=Polres%20Tidak%20Ada")
    text = page.locator("#view-notice").inner_text(timeout=30000)
    assert "Polres Tidak Ada" in text and "Ditampilkan:" in text
    watch.assert_clean()


def test_timeline_playback_is_not_one_history_entry_per_month(
    as_user: Any, app_url: str, areas: pd.DataFrame
) -> None:
    page, watch = as_user("admin")
    page.goto(f"{app_url}/")
    wait_map(page)
    page.wait_for_timeout(500)
    before = page.evaluate("() => window.history.length")
    label = page.locator("#timeline-label")
    page.click("#timeline-play")
    seen = [label.inner_text()]
    for _ in range(4):  # four months played
        page.wait_for_function(
            "(last) => document.getElementById('timeline-label').innerText !== last",
            arg=seen[-1],
            timeout=15000,
        )
        seen.append(label.inner_text())
    page.click("#timeline-play")  # pause
    page.wait_for_timeout(1500)
    grown = page.evaluate("() => window.history.length") - before
    assert grown <= 2, f"{grown} history entries for {len(seen) - 1} months played"
    # Back leaves the played months for the view before them
    page.go_back()
    wait_map(page)
    watch.assert_clean()
