"""Classification: hand-computed classes, half-open labels, special classes, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.engine.classify import (
    NO_DATA_CLASS,
    NO_DATA_COLOR,
    OVER_100_CLASS,
    OVER_100_COLOR,
    SCHEMES,
    classify,
)

VALUES = pd.Series([0, 5, 10, 12.5, 25, 30, 60, 75, 99, 100, 120, None], dtype="float64")


def test_target_bands_are_half_open_with_last_closed() -> None:
    c = classify(VALUES, "targets", k=99)  # k is ignored by the fixed bands
    assert c.edges == (0.0, 10.0, 25.0, 50.0, 75.0, 100.0)
    # 10 opens [10; 25), 25 opens [25; 50), 75 opens [75; 100], 100 stays in the last class.
    assert c.classes.tolist() == [0, 0, 1, 1, 2, 2, 3, 4, 4, 4, OVER_100_CLASS, NO_DATA_CLASS]
    assert c.labels("id") == ["[0; 10) %", "[10; 25) %", "[25; 50) %", "[50; 75) %", "[75; 100] %"]


def test_equal_interval_on_hand_values() -> None:
    c = classify(pd.Series([0.0, 10, 20, 30, 40]), "equal_interval", k=4)
    assert c.edges == (0.0, 10.0, 20.0, 30.0, 40.0)
    assert c.classes.tolist() == [0, 1, 2, 3, 3]


def test_quantiles_put_the_same_number_in_each_class() -> None:
    values = pd.Series(np.arange(1.0, 13.0))  # 1..12
    c = classify(values, "quantiles", k=4)
    assert c.counts()[0] == c.counts()[1] == c.counts()[2] == c.counts()[3] == 3


def test_natural_breaks_separate_obvious_clusters() -> None:
    values = pd.Series([1.0, 2, 3, 40, 41, 42, 90, 91, 92])
    c = classify(values, "natural_breaks", k=3)
    assert c.classes.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_labels_use_indonesian_or_english_decimal_marks() -> None:
    c = classify(pd.Series([0.0, 12.5, 25.0, 37.5, 50.0]), "equal_interval", k=4)
    assert c.labels("id")[0] == "[0; 12,5) %"
    assert c.labels("en")[0] == "[0; 12.5) %"


def test_values_above_100_do_not_stretch_the_scale() -> None:
    c = classify(pd.Series([0.0, 50.0, 100.0, 5000.0]), "equal_interval", k=4)
    assert c.edges[-1] == 100.0
    assert c.classes.iloc[-1] == OVER_100_CLASS


def test_z_values_and_stepped_colorscale() -> None:
    c = classify(pd.Series([5.0, 60.0, 150.0, np.nan]), "targets", k=5)
    assert c.z_values() == [0, 3, 5, 6]  # k = 5 classes: over-100 is 5, no-data is 6
    scale = c.colorscale()
    assert scale[0] == [0.0, c.colors[0]] and scale[-1] == [1.0, NO_DATA_COLOR]
    assert [OVER_100_COLOR in step for step in scale].count(True) == 2


def test_no_usable_value_gives_one_class_and_no_error() -> None:
    c = classify(pd.Series([np.nan, 130.0]), "natural_breaks", k=5)
    assert c.classes.tolist() == [NO_DATA_CLASS, OVER_100_CLASS]


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown classification scheme"):
        classify(VALUES, "jenks-ish", k=5)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=200),
    st.sampled_from(SCHEMES),
    st.integers(3, 7),
)
def test_every_value_lies_in_its_class_interval(values: list[float], scheme: str, k: int) -> None:
    c = classify(pd.Series(values), scheme, k)
    edges = c.edges
    assert list(edges) == sorted(edges)
    assert len(set(edges)) == len(edges) or len(set(values)) == 1  # one value: [v; v]
    assert c.k <= max(k, 5)
    for value, cls in zip(values, c.classes, strict=True):
        assert 0 <= cls < c.k
        last = cls == c.k - 1
        assert edges[cls] <= value or (cls == 0 and value >= 0)
        assert value < edges[cls + 1] or (last and value <= edges[-1] + 1e-9)
