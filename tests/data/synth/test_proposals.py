"""Synthetic resident proposals sit in real dong of their gu, with positive costs."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from cgresearch.data import load_admin_dong
from cgresearch.data.synth import PROPOSAL_COLUMNS, generate_proposals, to_csv_bytes
from cgresearch.errors import ParameterError


@pytest.fixture(scope="module")
def proposals() -> pd.DataFrame:
    return generate_proposals(seed=31)


def test_default_gives_every_gu_20_to_60_proposals(proposals: pd.DataFrame) -> None:
    assert tuple(proposals.columns) == PROPOSAL_COLUMNS
    per_gu = proposals.groupby("gu_code").size()
    assert len(per_gu) == 25 and per_gu.between(20, 60).all()
    assert proposals["proposal_id"].is_unique
    assert (proposals["data_label"] == "synthetic").all()


def test_every_proposal_sits_in_a_real_dong_of_its_gu(proposals: pd.DataFrame) -> None:
    dong = load_admin_dong().set_index("adm_cd2_mois10")["gu_adm_code"]
    assert proposals["dong_code"].isin(dong.index).all()
    assert (proposals["dong_code"].map(dong) == proposals["gu_code"]).all()


def test_costs_votes_scores_and_flags_are_in_range(proposals: pd.DataFrame) -> None:
    assert (proposals["cost_mkrw"] > 0).all()
    assert (proposals["votes"] >= 0).all() and proposals["votes"].dtype == "int64"
    assert proposals["score"].between(0, 100).all()
    assert 0 < proposals["mandatory"].mean() < 0.06
    assert 0.15 < proposals["partial_allowed"].mean() < 0.45
    groups = proposals.dropna(subset=["duplicate_group"]).groupby("duplicate_group")
    assert groups.ngroups > 10 and groups.size().between(2, 3).all()
    assert (groups["gu_code"].nunique() == 1).all()
    assert (groups["policy_task"].nunique() == 1).all()


def test_n_is_a_parameter_for_benchmarks() -> None:
    big = generate_proposals(seed=1, n=10_000)
    assert len(big) == 10_000 and big["proposal_id"].is_unique
    assert big["dong_code"].nunique() > 400  # spread over (nearly) all 426 dong
    small = generate_proposals(seed=1, n=1126)
    assert len(small) == 1126


def test_same_seed_gives_identical_csv_bytes_and_another_seed_does_not() -> None:
    a = hashlib.sha256(to_csv_bytes(generate_proposals(seed=4))).hexdigest()
    b = hashlib.sha256(to_csv_bytes(generate_proposals(seed=4))).hexdigest()
    c = hashlib.sha256(to_csv_bytes(generate_proposals(seed=5))).hexdigest()
    assert a == b and a != c


def test_zero_proposals_are_refused() -> None:
    with pytest.raises(ParameterError, match="at least 1"):
        generate_proposals(n=0)
