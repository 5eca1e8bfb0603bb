"""Benchmark: gap table, Cronbach's alpha and policy priorities on a large synthetic survey.

Data: ``N`` respondents (default 200,000) in 50 strata x 20 clusters, three groups, ten Likert items
(1-5 with 5 % don't-know codes) and five importance/performance pairs. Times, in one run:

- :func:`cgresearch.survey.gaps.gap_table` (10 items + 1 construct: domain means, 3 pairwise
  tests, Wald test, Rao-Scott test per item, effect sizes, adjustment);
- :func:`cgresearch.survey.scales.cronbach_alpha` (10 items, pairwise missing, weighted);
- :func:`cgresearch.survey.priorities.policy_priorities` (5 tasks, weighted).

When ``Rscript`` is on PATH the same gap tests are timed in R (``svyby`` + ``svyglm`` +
``regTermTest`` + ``svychisq`` per item) and the ratio is printed.

Usage: ``.venv/bin/python -m benchmarks.survey_gaps [N]``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cgresearch.survey.design import SurveyDesign
from cgresearch.survey.gaps import gap_table
from cgresearch.survey.priorities import pairs_from_prefixes, policy_priorities
from cgresearch.survey.scales import LikertItem, LikertScale, cronbach_alpha

ITEMS = [f"q{i}" for i in range(1, 11)]


def make_data(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, 50, n)
    cluster = stratum * 20 + rng.integers(0, 20, n)
    group = rng.choice(["public", "cso", "resident"], n, p=[0.2, 0.2, 0.6])
    shift = pd.Series(group).map({"public": 0.6, "cso": 0.0, "resident": -0.2}).to_numpy()
    latent = rng.normal(size=n)
    df = pd.DataFrame(
        {"stratum": stratum, "cluster": cluster, "group": group, "w": rng.uniform(50, 150, n)}
    )
    for name in ITEMS:
        v = np.clip(np.rint(3 + shift + 0.8 * latent + rng.normal(size=n)), 1, 5)
        df[name] = np.where(rng.random(n) < 0.05, 8, v).astype(int)
    for t in range(1, 6):
        df[f"imp_T{t}"] = np.clip(np.rint(4 + rng.normal(size=n) * 0.8), 1, 5)
        df[f"perf_T{t}"] = np.clip(np.rint(3 + 0.1 * t + rng.normal(size=n)), 1, 5)
    return df


_R_SCRIPT = r"""
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1])
for (v in paste0("q", 1:10)) df[[v]][df[[v]] == 8] <- NA
d <- svydesign(id = ~cluster, strata = ~stratum, weights = ~w, data = df, nest = TRUE)
t0 <- proc.time()[["elapsed"]]
for (v in paste0("q", 1:10)) {
  f <- as.formula(paste0("~", v))
  b <- svyby(f, ~group, d, svymean, na.rm = TRUE)
  m <- svyglm(as.formula(paste(v, "~ group")), d)
  w <- regTermTest(m, ~group)
  x <- svychisq(as.formula(paste0("~", v, " + group")), d)
}
cat(proc.time()[["elapsed"]] - t0, "\n")
"""


def _time_r(df: pd.DataFrame) -> float | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        csv, script = Path(tmp) / "d.csv", Path(tmp) / "b.R"
        df[["stratum", "cluster", "group", "w", *ITEMS]].to_csv(csv, index=False)
        script.write_text(_R_SCRIPT, encoding="utf-8")
        out = subprocess.run(
            ["Rscript", str(script), str(csv)], capture_output=True, text=True, check=False
        )
    if out.returncode != 0:
        print("R failed:", out.stderr.strip().splitlines()[-1:] or "")
        return None
    return float(out.stdout.split()[-1])


def main(n: int = 200_000) -> None:
    df = make_data(n)
    design = SurveyDesign(df, ids="cluster", strata="stratum", weights="w", nest=True)
    scale = LikertScale("scale", tuple(LikertItem(i) for i in ITEMS))

    t0 = time.perf_counter()
    gaps = gap_table(design, scale, "group")
    t_gap = time.perf_counter() - t0
    t0 = time.perf_counter()
    cronbach_alpha(df, scale, weights="w")
    t_alpha = time.perf_counter() - t0
    t0 = time.perf_counter()
    policy_priorities(df, pairs_from_prefixes(df.columns), weights="w")
    t_prio = time.perf_counter() - t0

    print(f"respondents {n:,}; variables in gap table {gaps.overall.shape[0]}")
    print(f"python gap_table (10 items + construct, with Rao-Scott) {t_gap:8.3f} s")
    print(f"python cronbach_alpha (10 items, weighted, pairwise)    {t_alpha:8.3f} s")
    print(f"python policy_priorities (5 tasks, weighted)            {t_prio:8.3f} s")
    r = _time_r(df)
    if r is not None:
        # R does not compute the construct, effect sizes or adjustment: the Python side does more.
        print(f"R svyby+svyglm+regTermTest+svychisq (10 items)         {r:8.3f} s")
        print(f"ratio R / python gap_table                             {r / t_gap:8.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
