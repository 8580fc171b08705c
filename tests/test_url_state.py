"""URL state: parsing never crashes, round-trips, and fits the store."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from layouts.core.url_state import (
    ViewState,
    allowed_levels,
    drill_target,
    geo_parent,
    parse_query,
    parse_search,
    resolve,
    to_query,
)

AREAS = {"99", "99.01", "99.02", "99.01.01", "99.01.02", "99.02.01", "99.01.01.2001"}
MONTHS = ["2024-11", "2024-12"]


def test_defaults_preselect_bpu_and_target_bands() -> None:
    state = parse_query({})
    assert (state.level, state.segment, state.scheme, state.k, state.lang) == (
        "kabupaten",
        "BPU",
        "targets",
        5,
        "id",
    )


def test_valid_query_is_read_and_round_trips() -> None:
    state = parse_search(
        "?level=desa&area=99.01&month=2024-11&segment=PU&scheme=quantiles"
        "&k=4&layer=gap&labels=1&lang=en"
    )
    assert state == ViewState("desa", "99.01", "2024-11", "PU", "quantiles", 4, "gap", True, "en")
    assert parse_search(to_query(state)) == state


def test_invalid_values_fall_back_to_defaults() -> None:
    state = parse_query(
        {
            "level": "provinsi",
            "area": "99.1",
            "month": "2024-13",
            "segment": "JAKON",
            "scheme": "magic",
            "k": "12",
            "layer": "x",
            "lang": "fr",
        }
    )
    assert state == ViewState()
    assert parse_query({"k": "abc"}).k == 5
    assert parse_query({"area": ["99.01", "99.02"]}).area == "99.01"  # repeated: first wins


@given(
    st.dictionaries(
        st.sampled_from(
            ["level", "area", "month", "segment", "scheme", "k", "layer", "labels", "lang", "other"]
        ),
        st.text(max_size=20),
    )
)
def test_any_query_parses(params: dict[str, str]) -> None:
    state = parse_query(params)
    assert parse_search(to_query(state)) == state


def test_resolve_fits_the_store() -> None:
    roots = ["99"]
    assert resolve(ViewState(), AREAS, MONTHS, roots) == ViewState(area="99", month="2024-12")
    unknown = resolve(ViewState(area="12.34", level="desa"), AREAS, MONTHS, roots)
    assert (unknown.area, unknown.level) == ("99", "desa")
    too_high = resolve(ViewState(area="99.01.01", level="kabupaten"), AREAS, MONTHS, roots)
    assert (too_high.area, too_high.level) == ("99.01.01", "desa")
    village = resolve(ViewState(area="99.01.01.2001", level="desa"), AREAS, MONTHS, roots)
    assert village.area == "99.01.01"
    assert resolve(ViewState(month="2024-11"), AREAS, MONTHS, roots).month == "2024-11"


def test_levels_geometry_and_drill() -> None:
    assert allowed_levels("99", ["99"]) == ["kabupaten", "kecamatan", "desa"]
    assert allowed_levels("99", ["99", "34"]) == ["kabupaten"]
    assert allowed_levels("99.01", ["99"]) == ["kecamatan", "desa"]
    assert geo_parent("desa", "99", ["99"]) == "all"
    assert geo_parent("kabupaten", "99", ["99", "34"]) == "99"
    assert geo_parent("desa", "99.01", ["99"]) == "99.01"
    assert drill_target("99.01", "kabupaten") == ("99.01", "kecamatan")
    assert drill_target("99.01.01.2001", "desa") is None
