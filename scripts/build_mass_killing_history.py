#!/usr/bin/env python3
"""Build examples/data/mass-killing-history.csv from
examples/data/mass-killing-onsets.csv.

The onsets file lists, for 1945-2024, the country-years in which the Early
Warning Project (EWP) records the onset of an intrastate mass killing, and those
in which an episode was under way. This script turns that list into a
country-year panel that a framework can read as data, for the countries and
years of examples/data/panel.csv:

  mk_ongoing       number of EWP mass-killing episodes under way in the country
                   that year (the `count` of its `ongoing` row; 0 when there is
                   none). The year an episode begins counts as under way.
  mk_years_since   years since the latest year, up to and including this one,
                   in which an episode was under way (0 when one is under way
                   this year); empty when the file records none for the country
                   since 1945.

Nothing is estimated: both columns are counts read off the onsets file. Rows of
the onsets file without an iso3 (states that no longer exist) are not used;
they all fall before 1990. EWP codes countries of more than 500,000 people: for
the smallest countries, 0 and an empty `mk_years_since` mean that no episode is
recorded, not that the country was assessed.

Output: iso3, year, mk_ongoing, mk_years_since; one row per (iso3, year) of
panel.csv, in the same order, "\n" line ends, so a rebuild is byte-identical.
`tests/mass_killing_history.rs` recomputes the file from the onsets file and
checks it. Python 3.11, standard library only.
"""

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data = ROOT / "examples/data"
    ap.add_argument("--events", type=Path, default=data / "mass-killing-onsets.csv")
    ap.add_argument("--panel", type=Path, default=data / "panel.csv")
    ap.add_argument("--out", type=Path, default=data / "mass-killing-history.csv")
    a = ap.parse_args()

    ongoing: dict[tuple[str, int], int] = {}
    with a.events.open(newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["iso3"] and r["event"] == "ongoing":
                ongoing[(r["iso3"], int(r["year"]))] = int(r["count"])
    last: dict[str, list[int]] = {}
    for iso3, year in sorted(ongoing):
        last.setdefault(iso3, []).append(year)

    with a.panel.open(newline="", encoding="utf-8") as f:
        keys = [(r["iso3"], int(r["year"])) for r in csv.DictReader(f)]

    lines = ["iso3,year,mk_ongoing,mk_years_since"]
    for iso3, year in keys:
        count = ongoing.get((iso3, year), 0)
        before = [y for y in last.get(iso3, []) if y <= year]
        since = str(year - before[-1]) if before else ""
        lines.append(f"{iso3},{year},{count},{since}")
    a.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {a.out} ({len(keys)} rows)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
