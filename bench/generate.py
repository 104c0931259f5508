#!/usr/bin/env python3
"""Makes a large synthetic-unit panel for benchmarks from the shipped panel.

Every value is a real value of the shipped panel (examples/data/panel.csv and
examples/data/vdem.csv, joined on iso3 and year); only the units are
synthetic: unit SYN0000001 repeats the years of one real country, SYN0000002
the next, and so on, cycling through the countries until there are enough
rows. The `country` column says which real country a unit's values come from.
Rows are sorted by unit, then year; with `--order shuffled`, each unit's
rows stay together, in year order, but the units come in a fixed
pseudo-random order, as a panel ordered by another code (EWP's, by COW code)
or by a name in a locale is grouped by unit without being sorted by it.
Standard library only.

    python3 bench/generate.py --rows 1000000 --out /tmp/big.csv
    python3 bench/generate.py --rows 1000000 --order shuffled --out /tmp/grouped.csv
"""

import argparse
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "examples", "data")

# 42 data columns: with unit, country and year, 45 columns in all.
PANEL_COLS = [
    "population", "gdp_pc", "gdp_pc_growth", "imr_wpp", "ucdp_sb_conflicts_active",
    "ucdp_sb_conflicts_war", "ucdp_sb_max_intensity", "ucdp_ns_conflicts_active",
    "ucdp_ns_deaths_best", "ucdp_sb_interstate_active", "ucdp_sb_internationalized_active",
    "ged_sb_deaths", "ged_ns_deaths", "ged_os_deaths", "ged_os_conflicts", "hrp_score",
    "pitf_genocide", "unhcr_refugees_origin", "unhcr_asylum_origin", "unhcr_idps",
    "idmc_conflict_idps", "unhcr_refugees_hosted", "unhcr_stateless_hosted",
    "arms_imports_tiv", "milex_share_gdp",
]
VDEM_COLS = [
    "v2x_regime", "v2x_polyarchy", "v2x_libdem", "v2xcl_rol", "v2x_jucon", "v2x_corr",
    "v2x_civlib", "v2mecenefm", "v2csreprss", "v2x_clphy", "v2clkill", "v2cltort",
    "v2caviol", "v2xpe_exlsocgr", "v2xpe_exlpol", "v2clrelig", "v2x_gencl",
]


def read(name):
    with open(os.path.join(DATA, name), newline="", encoding="utf-8") as f:
        return {(r["iso3"], r["year"]): r for r in csv.DictReader(f)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="at least this many rows")
    ap.add_argument("--out", required=True, help="CSV file to write")
    ap.add_argument("--order", choices=["sorted", "shuffled"], default="sorted",
                    help="units in code order, or grouped in a fixed pseudo-random order")
    a = ap.parse_args()
    panel, vdem = read("panel.csv"), read("vdem.csv")
    series = {}
    for (iso3, year), r in sorted(panel.items()):
        v = vdem.get((iso3, year), {})
        row = [r[c] for c in PANEL_COLS] + [v.get(c, "") for c in VDEM_COLS]
        series.setdefault(iso3, []).append((r["country"], year, row))
    countries = sorted(series)
    units, rows = [], 0
    while rows < a.rows:
        iso3 = countries[len(units) % len(countries)]
        units.append((f"SYN{len(units) + 1:07d}", iso3))
        rows += len(series[iso3])
    if a.order == "shuffled":
        # Knuth's multiplicative hash: a fixed order, unrelated to the codes.
        units.sort(key=lambda u: (int(u[0][3:]) * 2654435761) % 2**32)
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit", "country", "year"] + PANEL_COLS + VDEM_COLS)
        for code, iso3 in units:
            for name, year, row in series[iso3]:
                w.writerow([code, f"synthetic, values of {iso3}", year] + row)
    unit = len(units)
    print(f"{a.out}: {rows} rows, {unit} synthetic units, {3 + len(PANEL_COLS) + len(VDEM_COLS)} columns",
          file=sys.stderr)


if __name__ == "__main__":
    main()
