#!/usr/bin/env python3
"""Checks that score files of atrisk and its peers agree: same unit-years in
the same order, and scores equal to 1e-6 (atrisk writes 6 decimals).

    python3 bench/compare.py ATRISK.csv PEER.csv [PEER.csv...]
"""

import csv
import math
import sys

COLS = ["score", "mass_killing", "context", "model"]


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            yield (r["year"], r["unit"]), [float(r[c]) if r[c] not in ("", "NaN") else math.nan
                                         for c in COLS]


def main():
    base, peers = sys.argv[1], sys.argv[2:]
    ok = True
    for peer in peers:
        n = bad = 0
        for (ka, va), (kb, vb) in zip(rows(base), rows(peer), strict=True):
            n += 1
            same = ka == kb and all(
                (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-6 for a, b in zip(va, vb))
            if not same:
                bad += 1
                if bad <= 5:
                    print(f"  differ: {ka} {va} / {kb} {vb}", file=sys.stderr)
        print(f"{peer}: {n} rows, {bad} differ from {base}")
        ok = ok and bad == 0 and n > 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
