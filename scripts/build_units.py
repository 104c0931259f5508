#!/usr/bin/env python3
"""Build src/data/units.csv: the correspondence of Correlates of War (COW)
country codes and of country names to ISO 3166-1 alpha-3 codes, used by
`--to-iso3` to join data keyed by COW codes or names to the iso3 panels.

Reads a local copy of the source data (default: ../shared/data relative to
the repository root). Only correspondences (facts: which code or name
stands for which country in which years) are taken; no data value is.

  cow   COW numeric code -> iso3, with the years each pair is used, from
        the Political Terror Scale 2024 country-year file (columns
        cow_code_n and iso3; Gibney et al., politicalterrorscale.org).
  name  country name -> iso3, from the `country` columns of the PTS file,
        of V-Dem v14 (vdem/) and of the World Bank population table
        (population/), and from the country names of the Early Warning
        Project's 2025 base data (ewp-sra/: `country` and `ewp_name`,
        joined to iso3 through their COW code `ccode` and the year).

Names are compared without case and with spaces collapsed. A code or name
that stands for different iso3 codes in the same year is left out (and
printed). The first period of a code has no first year and the last no
last year, so years before or after the sources still find a code.

    python3 scripts/build_units.py [DATA_DIR]
"""

import csv
import os
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "data", "units.csv")


def norm(name):
    return " ".join(name.split()).lower()


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def periods(pairs, label):
    """{code: {iso3: set(years)}} -> rows (code, iso3, first, last)."""
    rows = []
    for code, by_iso in sorted(pairs.items()):
        spans = sorted((min(ys), max(ys), iso) for iso, ys in by_iso.items())
        clash = any(a[1] >= b[0] for a, b in zip(spans, spans[1:]))
        if clash:
            print(f"{label} {code!r} left out: {spans}", file=sys.stderr)
            continue
        for i, (lo, hi, iso) in enumerate(spans):
            first = "" if i == 0 else str(lo)
            last = "" if i == len(spans) - 1 else str(hi)
            rows.append((code, iso, first, last))
    return rows


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
    cow = defaultdict(lambda: defaultdict(set))
    names = defaultdict(lambda: defaultdict(set))
    for r in read(os.path.join(data, "pts", "pts_2024_country_year.csv")):
        iso, year = r["iso3"], int(r["year"])
        if not iso:
            continue
        if r["cow_code_n"]:
            cow[str(int(r["cow_code_n"]))][iso].add(year)
        names[norm(r["country"])][iso].add(year)
    for sub, file in [("vdem", "vdem_v14_country_year.csv"),
                      ("population", "wdi_population_country_year.csv")]:
        for r in read(os.path.join(data, sub, file)):
            if r["iso3"]:
                names[norm(r["country"])][r["iso3"]].add(int(r["year"]))
    cow_rows = periods(cow, "COW code")

    def cow_iso(code, year):
        for c, iso, first, last in cow_rows:
            if c == code and (not first or year >= int(first)) and (not last or year <= int(last)):
                return iso
        return None

    unmatched = set()
    for r in read(os.path.join(data, "ewp-sra", "basedata2025_4august2025.csv")):
        year, code = int(r["year"]), str(int(float(r["ccode"])))
        iso = cow_iso(code, year)
        if iso is None:
            unmatched.add((code, r["ewp_name"]))
            continue
        for n in (r["country"], r["ewp_name"]):
            if n:
                names[norm(n)][iso].add(year)
    for code, name in sorted(unmatched):
        print(f"EWP COW code {code} ({name}) has no iso3 in PTS: its names are left out",
              file=sys.stderr)
    name_rows = periods(names, "name")
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["scheme", "code", "iso3", "first_year", "last_year"])
        for row in cow_rows:
            w.writerow(["cow", *row])
        for row in name_rows:
            w.writerow(["name", *row])
    print(f"{OUT}: {len(cow_rows)} COW rows, {len(name_rows)} name rows", file=sys.stderr)


if __name__ == "__main__":
    main()
