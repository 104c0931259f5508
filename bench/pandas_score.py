#!/usr/bin/env python3
"""bench/logistic.yaml written by hand with pandas, as an analyst would,
for the benchmark (bench/run.sh). Reads only the columns the framework
reads; writes year, unit, score and the crime and risk-factor scores.

    python3 bench/pandas_score.py PANEL.csv OUT.csv
"""

import sys

import numpy as np
import pandas as pd

U = "unit"


def main():
    src, out = sys.argv[1], sys.argv[2]
    cols = [
        U, "year", "ged_sb_deaths", "ged_os_deaths", "v2x_polyarchy", "v2x_civlib",
        "imr_wpp", "population", "gdp_pc_growth", "v2xpe_exlsocgr", "v2csreprss",
        "unhcr_refugees_origin", "unhcr_asylum_origin", "v2clkill", "ucdp_sb_max_intensity",
        "v2x_clphy",
    ]
    df = pd.read_csv(src, usecols=cols, dtype={U: str}, engine="c")
    g = df.groupby(U, sort=False)

    def carry(s, n):
        return s.groupby(df[U], sort=False).ffill(limit=n)

    def log1p(s):
        return np.log1p(s.where(s > -1))

    pop = df["population"]
    refugees = (df["unhcr_refugees_origin"] + df["unhcr_asylum_origin"]) / pop.where(pop > 0) * 1000
    deaths3 = g["ged_sb_deaths"].rolling(3, min_periods=1).mean().reset_index(level=0, drop=True)
    killmax = g["v2clkill"].rolling(5, min_periods=1).max().reset_index(level=0, drop=True)
    model = [
        (log1p(deaths3).fillna(0), 0.2),
        (log1p(df["ged_os_deaths"]).fillna(0), 0.15),
        (g["v2x_polyarchy"].diff(1).fillna(0), -1.5),
        (carry(g["v2x_civlib"].shift(1), 3), -1.0),
        (carry(np.sqrt(df["imr_wpp"].where(df["imr_wpp"] >= 0)), 5), 0.1),
        (carry(np.log(pop.where(pop > 0)), 5), 0.1),
        (df["gdp_pc_growth"].fillna(0), -0.02),
        (carry(df["v2xpe_exlsocgr"], 3), 1.0),
        (carry(df["v2csreprss"], 3), -0.2),
        (log1p(refugees).fillna(0), 0.1),
        (carry(killmax, 3), -0.1),
    ]
    z = -4.0
    for s, w in model:
        z = z + s * w  # NaN when any predictor is missing
    logit = (1 / (1 + np.exp(-z))).clip(0, 1)
    intensity = df["ucdp_sb_max_intensity"].fillna(0)
    steps = np.where(intensity >= 2, 1.0, np.where(intensity >= 1, 0.6, 0.0))
    clphy = 1 - carry(df["v2x_clphy"], 3).clip(0, 1)
    context = pd.concat([pd.Series(steps, index=df.index), clphy], axis=1).mean(axis=1)
    crime = pd.concat([logit, context], axis=1).mean(axis=1)
    res = pd.DataFrame({
        "year": df["year"], U: df[U], "score": crime, "mass_killing": crime,
        "context": context, "model": logit,
    })
    res.to_csv(out, index=False)


if __name__ == "__main__":
    main()
