#!/usr/bin/env python3
"""Checks that score files of atrisk and its peers agree: every unit-year of
a peer is in the base file, and the scores the two files share (`score`,
`mass_killing`, `context`, `model`) are equal within a tolerance (default
5e-7: atrisk writes six decimals, so its figures can be half a unit of the
sixth decimal from the exact value; two peers writing full precision are
compared with --tol 1e-9).

    python3 bench/compare.py [--tol 1e-9] BASE.csv PEER.csv [PEER.csv...]
"""

import csv
import math
import sys

COLS = ["score", "mass_killing", "context", "model"]


def num(s):
    return float(s) if s not in ("", "NaN", "nan") else math.nan


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.DictReader(f)
        cols = [c for c in COLS if c in r.fieldnames]
        unit = "unit" if "unit" in r.fieldnames else r.fieldnames[1]
        return cols, {(row["year"], row[unit]): [num(row[c]) for c in cols] for row in r}


def main():
    args = sys.argv[1:]
    tol = 5e-7 + 1e-12
    if args and args[0] == "--tol":
        tol, args = float(args[1]), args[2:]
    base, peers = args[0], args[1:]
    bcols, brows = read(base)
    ok = True
    for peer in peers:
        pcols, prows = read(peer)
        shared = [c for c in pcols if c in bcols]
        bi, pi = [bcols.index(c) for c in shared], [pcols.index(c) for c in shared]
        bad = absent = scored = 0
        worst = 0.0
        for k, pv in prows.items():
            bv = brows.get(k)
            if bv is None:
                absent += 1
                continue
            for i, j in zip(bi, pi):
                a, b = bv[i], pv[j]
                if math.isnan(a) and math.isnan(b):
                    continue
                d = abs(a - b) if not (math.isnan(a) or math.isnan(b)) else math.inf
                worst = max(worst, d)
                if d > tol:
                    bad += 1
                    if bad <= 5:
                        print(f"  differ: {k} {shared[bi.index(i)]}: {a} / {b}", file=sys.stderr)
            scored += not math.isnan(pv[pi[0]])
        print(f"{peer}: {len(prows)} rows ({scored} scored), {absent} not in {base}, "
              f"{bad} values differ by more than {tol:.0e} (largest difference {worst:.1e})")
        ok = ok and bad == 0 and absent == 0 and len(prows) > 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
