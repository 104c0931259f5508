#!/usr/bin/env python3
"""Build examples/subnational/regions.csv: SYNTHETIC regions over REAL values.

The regions (admin1 = "North", "South", ...) are invented. Each region's
row for a year copies the real national values, in the shipped panel
(examples/data/panel.csv and vdem.csv), of the country named in
the `country` label: the regions of SDN carry the values of Sudan, South Sudan and
Chad, and so on. No value is made up; only which region holds it is.

    python3 examples/subnational/build.py
"""

import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")
COLS = ["ged_sb_deaths", "ged_os_deaths", "imr_wpp", "v2x_clphy", "v2x_civlib"]
# (iso3 of the synthetic regions, admin1, country whose values it carries)
REGIONS = [
    ("COL", "Andes", "COL"), ("COL", "Coast", "ECU"), ("COL", "Llanos", "VEN"),
    ("NGA", "North", "NER"), ("NGA", "South", "NGA"), ("NGA", "East", "CMR"),
    ("SDN", "Darfur", "TCD"), ("SDN", "Khartoum", "SDN"), ("SDN", "South", "SSD"),
]
YEARS = range(2012, 2024)


def read(name):
    with open(os.path.join(DATA, name), newline="", encoding="utf-8") as f:
        return {(r["iso3"], r["year"]): r for r in csv.DictReader(f)}


def main():
    panel, vdem = read("panel.csv"), read("vdem.csv")
    rows = []
    for iso3, admin1, src in sorted(REGIONS):
        for y in YEARS:
            k = (src, str(y))
            if k not in panel:
                continue
            merged = {**vdem.get(k, {}), **panel[k]}
            rows.append([iso3, admin1, f"{admin1} (synthetic region, values of {src})", y]
                        + [merged.get(c, "") for c in COLS])
    with open(os.path.join(HERE, "regions.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["iso3", "admin1", "country", "year"] + COLS)
        w.writerows(rows)


if __name__ == "__main__":
    main()
