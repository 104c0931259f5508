#!/usr/bin/env python3
"""bench/logistic.yaml written by hand with polars, as an analyst would,
for the benchmark (bench/run.sh). Reads only the columns the framework
reads; writes year, unit, score and the crime and risk-factor scores.

    python3 bench/polars_score.py PANEL.csv OUT.csv
"""

import sys

import polars as pl

# (id, expression of the transformed value before the missing policy,
#  policy ("fill", v) or ("carry", n), weight) of the logistic model.
U = "unit"


def col(c):
    return pl.col(c).cast(pl.Float64)


def log1p(e):
    return pl.when(e > -1).then(e.log1p()).otherwise(None)


def carry(e, n):
    return e.fill_null(strategy="forward", limit=n).over(U)


def fill(e, v):
    return e.fill_null(v)


def main():
    src, out = sys.argv[1], sys.argv[2]
    cols = [
        U, "country", "year", "ged_sb_deaths", "ged_os_deaths", "v2x_polyarchy", "v2x_civlib",
        "imr_wpp", "population", "gdp_pc_growth", "v2xpe_exlsocgr", "v2csreprss",
        "unhcr_refugees_origin", "unhcr_asylum_origin", "v2clkill", "ucdp_sb_max_intensity",
        "v2x_clphy",
    ]
    df = pl.read_csv(src, columns=cols, infer_schema_length=0)  # all as text
    num = [c for c in cols if c not in (U, "country", "year")]
    df = df.with_columns([pl.col(c).cast(pl.Float64) for c in num] + [pl.col("year").cast(pl.Int32)])
    pop = col("population")
    refugees = (col("unhcr_refugees_origin") + col("unhcr_asylum_origin"))
    refugees = pl.when(pop > 0).then(refugees / pop * 1000).otherwise(None)
    model = [
        (fill(log1p(col("ged_sb_deaths").rolling_mean(3, min_samples=1).over(U)), 0), 0.2),
        (fill(log1p(col("ged_os_deaths")), 0), 0.15),
        (fill(col("v2x_polyarchy").diff(1).over(U), 0), -1.5),
        (carry(col("v2x_civlib").shift(1).over(U), 3), -1.0),
        (carry(pl.when(col("imr_wpp") >= 0).then(col("imr_wpp").sqrt()), 5), 0.1),
        (carry(pl.when(pop > 0).then(pop.log()), 5), 0.1),
        (fill(col("gdp_pc_growth"), 0), -0.02),
        (carry(col("v2xpe_exlsocgr"), 3), 1.0),
        (carry(col("v2csreprss"), 3), -0.2),
        (fill(log1p(refugees), 0), 0.1),
        (carry(col("v2clkill").rolling_max(5, min_samples=1).over(U), 3), -0.1),
    ]
    z = pl.lit(-4.0)
    for e, w in model:
        z = z + e * w  # any missing predictor leaves the model without a score
    logit = (1 / (1 + (-z).exp())).clip(0, 1)
    intensity = fill(col("ucdp_sb_max_intensity"), 0)
    steps = pl.when(intensity >= 2).then(1.0).when(intensity >= 1).then(0.6).otherwise(0.0)
    clphy = 1 - carry(col("v2x_clphy"), 3).clip(0, 1)
    context = pl.concat_list([steps, clphy]).list.drop_nulls().list.mean()
    df = df.select(
        pl.col("year"), pl.col(U), logit.alias("model"), context.alias("context")
    )
    crime = pl.concat_list([pl.col("model"), pl.col("context")]).list.drop_nulls().list.mean()
    df = df.with_columns(crime.alias("mass_killing")).with_columns(pl.col("mass_killing").alias("score"))
    df.select("year", U, "score", "mass_killing", "context", "model").write_csv(out)


if __name__ == "__main__":
    main()
