"""The synthetic CG inventory keeps the local-CG study's four totals exactly, reproducibly."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from scipy.stats import spearmanr

from cgresearch.data import load_districts
from cgresearch.data.synth import (
    INVENTORY_COLUMNS,
    InventoryParams,
    generate_inventory,
    to_csv_bytes,
)
from cgresearch.errors import ParameterError
from cgresearch.vocabulary import FUNDING_SOURCES, POLICY_TASKS, STRATEGIES


@pytest.fixture(scope="module")
def inv() -> pd.DataFrame:
    return generate_inventory(seed=11)


def test_totals_match_the_report_exactly(inv: pd.DataFrame) -> None:
    # Seoul Institute 2016-PR-24 abstract: 1,126 projects worth 7,661,500 million KRW, of which
    # 920 (81.7 %) SMG-grant projects worth 6,060,700 million KRW.
    assert len(inv) == 1126
    assert int(inv["budget_mkrw"].sum()) == 7_661_500
    smg = inv[inv["funding_source"] == "smg_grant"]
    assert len(smg) == 920 and int(smg["budget_mkrw"].sum()) == 6_060_700
    assert round(100 * 920 / 1126, 1) == 81.7


def test_totals_hold_for_other_seeds_too() -> None:
    for seed in (0, 1, 2):
        inv = generate_inventory(seed=seed)
        smg = inv["funding_source"] == "smg_grant"
        assert (len(inv), int(inv["budget_mkrw"].sum())) == (1126, 7_661_500)
        assert (int(smg.sum()), int(inv.loc[smg, "budget_mkrw"].sum())) == (920, 6_060_700)


def test_columns_codes_and_labels(inv: pd.DataFrame) -> None:
    assert tuple(inv.columns) == INVENTORY_COLUMNS
    assert inv["project_id"].is_unique
    assert set(inv["policy_task"]) == set(POLICY_TASKS)
    assert set(inv["strategy"]) <= set(STRATEGIES)
    assert set(inv["funding_source"]) == set(FUNDING_SOURCES)
    assert set(inv["year"]) == {2014, 2015, 2016}
    assert (inv["budget_mkrw"] >= 1).all() and inv["budget_mkrw"].dtype == "int64"
    assert (inv["data_label"] == "synthetic").all()


def test_every_gu_is_present_and_counts_follow_population(inv: pd.DataFrame) -> None:
    d = load_districts()
    counts = inv.groupby("gu_code").size().reindex(d["adm_code"])
    assert counts.notna().all() and (counts > 0).all()
    names = inv.groupby("gu_code")["gu_name"].first()
    assert names.to_dict() == d.set_index("adm_code")["name_ko"].to_dict()
    rho = spearmanr(counts.to_numpy(), d["pop_total_2017q1"].to_numpy()).statistic
    assert rho > 0.7


def test_budgets_are_heavy_tailed(inv: pd.DataFrame) -> None:
    b = inv["budget_mkrw"].sort_values(ascending=False)
    top_decile_share = b.iloc[: len(b) // 10].sum() / b.sum()
    assert top_decile_share > 0.3  # an even spread would give 0.1
    assert b.mean() > 1.3 * b.median()


def test_duplicate_groups_are_near_duplicates_across_departments(inv: pd.DataFrame) -> None:
    groups = inv.dropna(subset=["duplicate_group"]).groupby("duplicate_group")
    assert groups.ngroups >= 20
    sizes = groups.size()
    assert sizes.between(2, 4).all()
    assert (groups["gu_code"].nunique() == 1).all()
    assert (groups["policy_task"].nunique() == 1).all()
    assert (groups["department"].nunique() == sizes).all()  # each member in its own department
    for _, g in groups:
        gu = g["gu_name"].iloc[0]
        assert all(t.startswith(gu + " ") for t in g["title_ko"])


def test_duplicates_are_reworded_not_only_suffixed_and_only_duplicates_share_a_title(
    inv: pd.DataFrame,
) -> None:
    groups = inv.dropna(subset=["duplicate_group"]).groupby("duplicate_group")["title_ko"]
    # the same title plus a suffix would make detection trivial: most groups are reworded
    suffixed = [all(t.startswith(min(g, key=len)) for t in g) for _, g in groups]
    assert sum(suffixed) < 0.5 * len(suffixed)
    # two projects of one gu share a title only if they are labelled one duplicate group
    for _, same in inv.groupby(["gu_code", "title_ko"]):
        if len(same) > 1:
            assert same["duplicate_group"].notna().all() and same["duplicate_group"].nunique() == 1


def test_same_seed_gives_identical_csv_bytes_and_another_seed_does_not() -> None:
    a = hashlib.sha256(to_csv_bytes(generate_inventory(seed=5))).hexdigest()
    b = hashlib.sha256(to_csv_bytes(generate_inventory(seed=5))).hexdigest()
    c = hashlib.sha256(to_csv_bytes(generate_inventory(seed=6))).hexdigest()
    assert a == b and a != c


def test_inconsistent_parameters_are_refused() -> None:
    with pytest.raises(ParameterError, match="n_smg_grant"):
        generate_inventory(params=InventoryParams(n_smg_grant=2000))
    with pytest.raises(ParameterError, match="at least 1 million"):
        generate_inventory(params=InventoryParams(smg_grant_budget_mkrw=100))
