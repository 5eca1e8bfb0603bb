"""Seoul-size participatory-budget round: Seoul's rule, max-welfare and MES + completion.

The instance (synthetic, seeded): the example budget system ``seoul_2025`` (4 types; the gu type
split across the 25 gu), 3,815 proposals as in 2016 (S14) of which about a fifth pass the review
(2016: 502 city-level + 238 gu projects were put to the vote), 100,000 e-voters and 250 on-site
voters. Goals from issue #14: Seoul's rule and max-welfare <= 10 s each, MES with completion
<= 60 s (2 cores).

References measured in the same run, on the same contests:

* Seoul's rule vs pabutools' ``greedy_utilitarian_welfare`` (cost satisfaction: by votes per
  cost; the nearest pabutools rule) on the largest contest, pabutools alone;
* max-welfare (our MIP through ``select_projects``) vs raw HiGHS (``scipy.optimize.milp``) on
  the same multi-knapsack;
* MES + greedy completion (our ``select_round`` with the array engine,
  :mod:`cgresearch.allocation.mes_fast`, tested equal to pabutools) vs pabutools'
  ``method_of_equal_shares`` alone on the largest contest, and vs our ``select_round`` with
  ``mes_engine="pabutools"``. Runs that pass a time cap are stopped in a child process and
  reported as "stopped after N s" (a missed goal).

Run: ``.venv/bin/python -m benchmarks.seoul_pb``.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from cgresearch.allocation import (
    contest_envelopes,
    count_votes,
    load_budget_system,
    screen_proposals,
    select_round,
)
from cgresearch.data import load_districts
from cgresearch.data.synth import (
    SeoulPBParams,
    generate_seoul_pb_ballots,
    generate_seoul_pb_proposals,
)
from cgresearch.paths import scenarios_dir

N_PROPOSALS = 3815
N_E_VOTERS = 100_000
N_ONSITE = 250
CAP_S = 150.0  # time cap of a child run
GOALS = {"seoul": 10.0, "max-welfare": 10.0, "mes+greedy": 60.0}


def build(n_e_voters: int = N_E_VOTERS) -> tuple[Any, Any]:
    """The Seoul-size round: (VoteCount, contest envelopes)."""
    bs = load_budget_system(scenarios_dir() / "budget_system" / "seoul_2025.toml")
    params = SeoulPBParams(
        n=N_PROPOSALS, n_e_voters=n_e_voters, n_onsite=N_ONSITE, review_fail_share=0.8
    )
    props = generate_seoul_pb_proposals(bs.to_frame(), seed=2016, params=params)
    screening = screen_proposals(props, bs)
    gu_types = tuple(t.code for t in bs.types if t.level == "gu")
    ballots = generate_seoul_pb_ballots(
        screening.ballot(), bs.vote_limit_share, seed=2017, params=params, gu_level_types=gu_types
    )
    return count_votes(screening, ballots), contest_envelopes(bs, load_districts())


def _child(fn: Callable[[], object], q: Any) -> None:
    t = time.perf_counter()
    fn()
    q.put(time.perf_counter() - t)


def capped(fn: Callable[[], object], cap: float = CAP_S) -> float | None:
    """Seconds ``fn`` took in a forked child, or None when it passed ``cap`` (then stopped)."""
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(fn, q))
    p.start()
    p.join(cap)
    if p.is_alive():
        p.terminate()
        p.join()
        return None
    return float(q.get())


def _largest(votes: Any) -> str:
    return str(votes.table["contest"].value_counts().idxmax())


def pabutools_alone(votes: Any, env: Any, contest: str, rule: str) -> None:
    """pabutools' rule on one contest, building its instance and profile from the ballots."""
    import pabutools.election as pe
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    t = votes.table[votes.table["contest"] == contest]
    projects = {
        p: pe.Project(p, round(float(c) * 10_000))
        for p, c in zip(t["proposal_id"], t["cost_eok"], strict=True)
    }
    inst = pe.Instance(projects.values(), budget_limit=round(float(env[contest]) * 10_000))
    b = votes.ballots[votes.ballots["contest"] == contest]
    prof = pe.ApprovalProfile(instance=inst)
    for _, s in b.groupby("voter_id", sort=False)["proposal_id"]:
        prof.append(pe.ApprovalBallot([projects[p] for p in s]))
    if rule == "greedy":
        greedy_utilitarian_welfare(inst, prof, sat_class=pe.Cost_Sat)
    else:
        method_of_equal_shares(inst, prof, sat_class=pe.Cost_Sat)


def raw_milp(votes: Any, env: Any) -> float:
    """The same multi-knapsack as max-welfare, solved by scipy.optimize.milp (HiGHS)."""
    t = votes.table
    contests = sorted(t["contest"].unique())
    row = np.searchsorted(contests, t["contest"].to_numpy())
    n = len(t)
    a = csr_matrix((t["cost_eok"].to_numpy(float), (row, np.arange(n))), shape=(len(contests), n))
    res = milp(
        -t["score"].to_numpy(float),
        constraints=LinearConstraint(a, -np.inf, env[contests].to_numpy(float)),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 1e-6},
    )
    return -res.fun


def _say(name: str, ours: float | None, ref: float | None, ref_name: str, goal: float) -> None:
    o = f"{ours:.2f} s" if ours is not None else f"stopped after {CAP_S:.0f} s"
    r = f"{ref:.2f} s" if ref is not None else f"stopped after {CAP_S:.0f} s"
    ratio = f" ({ours / ref:.2f}×)" if ours is not None and ref else ""
    verdict = "met" if ours is not None and ours <= goal else "missed"
    print(f"{name}: ours {o}; {ref_name} {r}{ratio}; goal ≤ {goal:.0f} s: {verdict}")


def main() -> None:
    t = time.perf_counter()
    votes, env = build()
    n_on = len(votes.table)
    print(
        f"round: {N_PROPOSALS:,} proposals, {n_on:,} put to the vote in {len(env)} contests, "
        f"{votes.n_voters:,} voters, {len(votes.ballots):,} votes; built and counted in "
        f"{time.perf_counter() - t:.1f} s"
    )
    big = _largest(votes)
    print(f"largest contest: {big} ({int((votes.table['contest'] == big).sum())} projects)")

    seoul = capped(lambda: select_round(votes, env, "seoul"))
    ref = capped(lambda: pabutools_alone(votes, env, big, "greedy"))
    _say("Seoul's rule (all contests)", seoul, ref, f"pabutools greedy alone ({big})", 10)

    mw = capped(lambda: select_round(votes, env, "max-welfare"))
    ref = capped(lambda: raw_milp(votes, env))
    _say("max-welfare (all contests)", mw, ref, "raw HiGHS (scipy.milp)", 10)

    mes = capped(lambda: select_round(votes, env, "mes", completion="greedy"))
    ref = capped(lambda: pabutools_alone(votes, env, big, "mes"))
    _say("MES + greedy completion (all contests)", mes, ref, f"pabutools MES alone ({big})", 60)
    slow = capped(
        lambda: select_round(votes, env, "mes", completion="greedy", mes_engine="pabutools")
    )
    _say("MES + greedy completion (all contests)", mes, slow, "pabutools engine (all)", 60)


if __name__ == "__main__":
    main()
