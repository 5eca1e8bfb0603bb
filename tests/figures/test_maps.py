"""Choropleth of the 25 gu: real boundaries, Hangul labels, unit on the colour bar."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PolyCollection

from cgresearch.data.districts import load_boundaries, load_districts
from cgresearch.figures import style
from cgresearch.figures.maps import district_map, ring_centroid


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_ring_centroid_of_a_unit_square_and_a_triangle():
    assert ring_centroid(np.array([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]])) == (0.5, 0.5, 1.0)
    # Triangle (0,0), (3,0), (0,3): centroid (1, 1), area 4.5.
    cx, cy, area = ring_centroid(np.array([[0, 0], [3, 0], [0, 3], [0, 0]]))
    assert (cx, cy, area) == pytest.approx((1.0, 1.0, 4.5))


@pytest.mark.slow
def test_district_map_draws_every_gu_polygon_coloured_by_its_value_with_hangul_labels(tmp_path):
    d = load_districts()
    values = d.assign(pop_10k=d["pop_total_2017q1"] / 1e4)
    boundaries = load_boundaries()
    fig = district_map(values, "pop_10k", boundaries=boundaries, label="Population (10,000)")
    ax = fig.axes[0]
    coll = next(c for c in ax.collections if isinstance(c, PolyCollection))
    n_rings = sum(len(r) for r in boundaries["rings"])
    assert len(coll.get_paths()) == n_rings >= 25
    # Colours follow the values: the polygon array holds each gu's value (by adm_code).
    by_code = dict(zip(values["adm_code"], values["pop_10k"], strict=True))
    expected = [
        by_code[c]
        for c, rings in zip(boundaries["adm_code"], boundaries["rings"], strict=True)
        for _ in rings
    ]
    np.testing.assert_allclose(coll.get_array(), expected)
    texts = [t.get_text().split("\n")[0] for t in ax.texts]
    assert sorted(texts) == sorted(d["name_ko"])
    assert fig.axes[1].get_ylabel() == "Population (10,000)"
    path = style.save(fig, "map", tmp_path, formats=("png",))[0]
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_district_map_refuses_values_missing_a_gu():
    d = load_districts().iloc[:24]
    with pytest.raises(ValueError, match="no 'pop_total_2017q1' value for adm_code"):
        district_map(d, "pop_total_2017q1", label="x")
