#!/usr/bin/env python3
"""bench/plain.yaml (a logistic model of raw columns) written by hand with
polars or pandas, as an analyst would, for the benchmark (bench/run.sh).
The intercept and the (column, weight) of each measure are read from the
YAML file itself, so that the peers and atrisk cannot drift apart. Writes
year, unit, score and the crime and risk-factor scores, in file order, at
full precision; a row with a predictor missing has no score.

    python3 bench/plain_peers.py polars|pandas PANEL.csv OUT.csv
"""

import os
import re
import sys

MISSING = ["", "NA", "NaN", "nan"]


def model():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plain.yaml")
    text = open(path, encoding="utf-8").read()
    intercept = float(re.search(r"intercept: (-?[0-9.]+)", text).group(1))
    terms = [(c, float(w)) for c, w in
             re.findall(r"\{column: (\w+), normalise: raw, weight: (-?[0-9.]+)\}", text)]
    return intercept, terms


def with_polars(src, out, intercept, terms):
    import polars as pl

    cols = ["unit", "year"] + [c for c, _ in terms]
    df = pl.read_csv(src, columns=cols, schema_overrides={"unit": pl.String}, null_values=MISSING)
    z = pl.lit(intercept)
    for c, w in terms:
        z = z + pl.col(c).cast(pl.Float64) * w
    p = 1 / (1 + (-z).exp())
    df.select(pl.col("year"), pl.col("unit"), p.alias("score"), p.alias("mass_killing"),
              p.alias("model")).write_csv(out, float_precision=17)


def with_pandas(src, out, intercept, terms):
    import numpy as np
    import pandas as pd

    cols = ["unit", "year"] + [c for c, _ in terms]
    df = pd.read_csv(src, usecols=cols, dtype={"unit": str}, engine="c", na_values=MISSING,
                     keep_default_na=False)
    z = pd.Series(intercept, index=df.index)
    for c, w in terms:
        z = z + df[c].astype(float) * w
    p = 1 / (1 + np.exp(-z))
    pd.DataFrame({"year": df["year"], "unit": df["unit"], "score": p, "mass_killing": p,
                  "model": p}).to_csv(out, index=False, float_format="%.17g")


def main():
    lib, src, out = sys.argv[1:4]
    {"polars": with_polars, "pandas": with_pandas}[lib](src, out, *model())


if __name__ == "__main__":
    main()
