#!/usr/bin/env python3
"""Build examples/data/mass-killing-onsets.csv from the Early Warning Project's
mass-killing base data.

Reads `basedata2025_4august2025.csv` of the Early Warning Project (EWP)
Statistical Risk Assessment, 2025 edition (default folder: ../shared/data/ewp-sra
relative to the repository root; or give it with --ewp-dir), and writes one row
per country-year with an event:

  event = onset    a new intrastate mass-killing episode began that year
                   (EWP `mk_onset` = 1; `count` = EWP `mk_onset_count`)
  event = ongoing  at least one episode was ongoing that year
                   (EWP `mk_ongoing` = 1; `count` = EWP `mk_ongoing_count`)

Columns: iso3, ewp_name, ccode, year, event, count, episodes.
`ewp_name` and `ccode` join the rows to EWP's own panel; `iso3` joins them to
the panel shipped in examples/data. `episodes` lists EWP's episode codes
(space-separated): for an onset row, the codes that first appear in that year;
for an ongoing row, every code EWP lists for the year.

iso3 comes from the Correlates-of-War style `ccode` by the table below, built
from the country names of examples/data/panel.csv plus explicit entries for the
names that differ. Codes with no present-day ISO 3166-1 alpha-3 code (states
that no longer exist) get an empty iso3 and are listed on standard error: no
row is dropped.

Only facts are copied (which country, which year, how many episodes); the
output is sorted and written with "\n" line ends, so a rebuild is
byte-identical. Python 3.11, standard library only.
"""

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = "basedata2025_4august2025.csv"

# ccode -> iso3 where EWP's name differs from the shipped panel's name.
# An empty string: no present-day ISO code (the state no longer exists).
EXPLICIT = {
    "265": "",  # German Democratic Republic (East Germany)
    "315": "",  # Czechoslovakia
    "316": "CZE",  # Czech Republic / Czechia
    "343": "MKD",  # North Macedonia
    "484": "COG",  # Republic of the Congo
    "490": "COD",  # Democratic Republic of the Congo
    "640": "TUR",  # Turkey / Turkiye
    "678": "YEM",  # Yemen Arab Republic, continued by Yemen
    "680": "",  # People's Democratic Republic of Yemen (South Yemen)
    "703": "KGZ",  # Kyrgyzstan
    "816": "VNM",  # Democratic Republic of Vietnam, continued by Vietnam
    "817": "",  # Republic of Vietnam (South Vietnam)
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ewp-dir", type=Path, default=ROOT.parent / "shared/data/ewp-sra")
    ap.add_argument("--panel", type=Path, default=ROOT / "examples/data/panel.csv")
    ap.add_argument("--out", type=Path, default=ROOT / "examples/data/mass-killing-onsets.csv")
    a = ap.parse_args()

    with open(a.panel, newline="", encoding="utf-8") as f:
        by_name = {r["country"]: r["iso3"] for r in csv.DictReader(f)}
    with open(a.ewp_dir / BASE, newline="", encoding="utf-8") as f:
        base = list(csv.DictReader(f))

    iso: dict[str, str] = {}
    for r in base:
        c = r["ccode"]
        if c in iso:
            continue
        if c in EXPLICIT:
            iso[c] = EXPLICIT[c]
        else:
            iso[c] = by_name.get(r["ewp_name"]) or by_name.get(r["country"]) or ""
    unmatched = sorted({(c, r["ewp_name"]) for r in base for c in [r["ccode"]] if not iso[c]})

    def codes(r: dict) -> list[str]:
        return [x.strip() for x in r["mk_ongoing_code"].split(";") if x.strip()]

    years = {(r["ewp_name"], int(r["year"])) for r in base}
    prev: dict[str, set[str]] = {}
    rows = []
    for r in sorted(base, key=lambda r: (r["ewp_name"], int(r["year"]))):
        name, year = r["ewp_name"], int(r["year"])
        now = codes(r)
        before = prev.get(name, set()) if (name, year - 1) in years else set()
        prev[name] = set(now)
        key = (iso[r["ccode"]], name, r["ccode"], year)
        if r["mk_onset"] == "1":
            new = [c for c in now if c not in before]
            rows.append((*key, "onset", r["mk_onset_count"], " ".join(new)))
        if r["mk_ongoing"] == "1":
            rows.append((*key, "ongoing", r["mk_ongoing_count"], " ".join(now)))
    rows.sort(key=lambda t: (t[1], t[3], t[4] != "onset"))

    a.out.parent.mkdir(parents=True, exist_ok=True)
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["iso3", "ewp_name", "ccode", "year", "event", "count", "episodes"])
        w.writerows(rows)
    n_on = sum(1 for t in rows if t[4] == "onset")
    print(f"wrote {a.out}: {n_on} onset rows, {len(rows) - n_on} ongoing rows", file=sys.stderr)
    for c, n in unmatched:
        print(f"no iso3 for ccode {c} ({n}); rows kept with an empty iso3", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
