#!/usr/bin/env python3
"""Build the example country-year data shipped in examples/data/.

Reads published country-year tables from a local copy of the source data
(default: ../shared/data relative to the repository root) and writes two
rectangular panels with one row per (iso3, year):

  vdem.csv   V-Dem v14 indicators (1990-2023) plus five columns of the V-Dem
             Episodes of Regime Transformation (ERT) v15 (1990-2024).
             CC BY-SA 4.0, like its sources.
  panel.csv  population, GDP, infant mortality, UCDP conflict, UCDP GED
             deaths, Fariss human-rights scores, PITF genocide/politicide,
             UNHCR/IDMC displacement (people from the country, and refugees
             and stateless people in it) and SIPRI arms/military-spending
             columns. CC BY 4.0 sources (UN WPP: CC BY 3.0 IGO).

Only sources whose licence allows redistribution are read. Data sets that
may be used for reference only (no licence, or non-commercial terms) are
deliberately not used here, for example ethnic power relations, the
political terror scale, coup lists and the WPS index.

Country universe: every country with a non-empty iso3 in V-Dem v14 in 2023;
years 1990-2024. `country` is the V-Dem country name.

Rules:
  * Numeric cells are copied as the exact source text; an empty cell means
    missing.
  * Source rows with an empty iso3 are ignored. Every source must have unique
    (iso3, year) keys, otherwise the build stops with an error.
  * UCDP country-year file (sparse): an absent country-year means no conflict
    recorded and is written as 0 for years up to the last year of the file,
    provided the country was an independent state in that year (see
    STATE_SINCE / NOT_A_STATE); later years stay empty.
  * PITF genocide/politicide (lists only countries that ever had an episode):
    same rule, up to the last year of that file.
  * In the UCDP country-year and PITF files the former-state codes of the same
    Gleditsch-Ward state are assigned to the V-Dem successor unit:
    Soviet Union (SUN, G&W 365) -> RUS, Yugoslavia / Serbia (YUG, G&W 345) -> SRB.
  * UCDP GED by country (OWID draft aggregation): the series of 11 countries
    are zero in every year and every type of violence because the OWID
    pipeline did not attribute any event to them (their Natural Earth short
    names, e.g. "Dem. Rep. Congo", "S. Sudan", were not matched); see
    GED_UNATTRIBUTED. Their ged_* cells are left empty instead of copying
    false zeros. The build stops if any of them ever has a non-zero value.
  * All other columns are copied where the source has a value and left empty
    otherwise (no imputation).

Output is deterministic: rows sorted by iso3 then year, fixed column order,
UTF-8 without BOM, '\\n' line endings.

Usage (from the repository root):
    python3 scripts/build_panel.py [--shared ../shared/data] [--out examples/data]
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FIRST_YEAR = 1990
LAST_YEAR = 2024
UNIVERSE_YEAR = 2023  # V-Dem v14 year that defines the country universe
UCDP_LAST_YEAR = 2021  # expected last year of the UCDP 22.1 country-year file
PITF_LAST_YEAR = 2015  # expected last year of the PITF/OWID file

# First calendar year in which a country of the universe was an independent
# state, for states that became independent after 1 January 1990 (dates of
# independence as in the Gleditsch & Ward list of independent states).
# Countries whose state continues an earlier one keep their full history:
# RUS (Soviet Union), SRB (Yugoslavia, Serbia and Montenegro), CZE
# (Czechoslovakia), DEU (Federal Republic), YEM (Yemen Arab Republic).
STATE_SINCE = {
    # Soviet successor states (1991)
    "ARM": 1991, "AZE": 1991, "BLR": 1991, "EST": 1991, "GEO": 1991,
    "KAZ": 1991, "KGZ": 1991, "LTU": 1991, "LVA": 1991, "MDA": 1991,
    "TJK": 1991, "TKM": 1991, "UKR": 1991, "UZB": 1991,
    # Yugoslav successor states
    "SVN": 1991, "HRV": 1991, "MKD": 1991, "BIH": 1992, "MNE": 2006,
    "XKX": 2008,
    # others
    "SVK": 1993, "ERI": 1993, "TLS": 2002, "SSD": 2011,
}
# Units of the universe that are not independent states; the state-based
# sources (UCDP country-year, PITF) do not code them, so no zero is filled.
NOT_A_STATE = {"HKG", "PSE"}

# Countries whose series in the OWID GED country-year file is zero throughout
# although UCDP records organised violence there (for instance the Democratic
# Republic of the Congo, the Central African Republic, Cote d'Ivoire, Bosnia
# and Herzegovina, South Sudan): events located in them were not attributed
# because their Natural Earth names are abbreviated ("Dem. Rep. Congo",
# "Central African Rep.", "Côte d'Ivoire", "Bosnia and Herz.", "S. Sudan",
# "Timor-Leste", "United States of America", "Dominican Rep.", "Eq. Guinea",
# "Solomon Is.", "eSwatini"). Their ged_* columns are left empty.
GED_UNATTRIBUTED = {
    "BIH", "CAF", "CIV", "COD", "DOM", "GNQ", "SLB", "SSD", "SWZ", "TLS", "USA",
}
GED_CHECK_COLUMNS = (
    "sb_deaths_best", "ns_deaths_best", "os_deaths_best", "all_deaths_best",
    "sb_conflicts", "ns_conflicts", "os_conflicts", "all_conflicts",
)

UCDP_REMAP = {"SUN": ("RUS", "365"), "YUG": ("SRB", "345")}
PITF_REMAP = {"YUG": "SRB"}

ERT_COLUMNS = [  # (output column, ERT v15 column)
    ("ert_regime", "v2x_regime"),
    ("ert_polyarchy", "v2x_polyarchy"),
    ("ert_aut_ep", "aut_ep"),
    ("ert_dem_ep", "dem_ep"),
    ("ert_regch_event", "row_regch_event"),
]

# panel.csv: (output column, source key, source column, fill rule)
# fill rule: None = copy or leave empty; "ucdp" / "pitf" = zero-fill as above.
PANEL_COLUMNS = [
    ("population", "population", "population", None),
    ("gdp_pc", "gdp", "gdp_pc_constant_2015_usd", None),
    ("gdp_pc_growth", "gdp", "gdp_pc_growth_pct", None),
    ("imr_wpp", "wpp", "infant_mortality_per_1000", None),
    ("ucdp_sb_conflicts_active", "ucdp", "sb_conflicts_active", "ucdp"),
    ("ucdp_sb_conflicts_war", "ucdp", "sb_conflicts_war", "ucdp"),
    ("ucdp_sb_max_intensity", "ucdp", "sb_max_intensity", "ucdp"),
    ("ucdp_ns_conflicts_active", "ucdp", "ns_conflicts_active", "ucdp"),
    ("ucdp_ns_deaths_best", "ucdp", "ns_deaths_best", "ucdp"),
    ("ucdp_sb_interstate_active", "ucdp", "sb_interstate_active", "ucdp"),
    ("ucdp_sb_internationalized_active", "ucdp", "sb_internationalized_intrastate_active", "ucdp"),
    ("ged_sb_deaths", "ged", "sb_deaths_best", None),
    ("ged_ns_deaths", "ged", "ns_deaths_best", None),
    ("ged_os_deaths", "ged", "os_deaths_best", None),
    ("ged_os_conflicts", "ged", "os_conflicts", None),
    ("hrp_score", "hrp", "human_rights_protection_score", None),
    ("pitf_genocide", "pitf", "pitf_genocide_politicide", "pitf"),
    ("unhcr_refugees_origin", "unhcr", "origin_refugees", None),
    ("unhcr_asylum_origin", "unhcr", "origin_asylum_seekers", None),
    ("unhcr_idps", "unhcr", "origin_idps", None),
    ("idmc_conflict_idps", "idmc", "idmc_conflict_idps", None),
    ("unhcr_refugees_hosted", "asylum", "asylum_refugees", None),
    ("unhcr_stateless_hosted", "asylum", "asylum_stateless", None),
    ("arms_imports_tiv", "tiv", "arms_imports_tiv", None),
    ("milex_share_gdp", "milex", "milex_share_gdp_pct", None),
]

SOURCE_FILES = {
    "vdem": "vdem/vdem_v14_country_year.csv",
    "ert": "vdem-ert/ert_v15_country_year.csv",
    "population": "population/wdi_population_country_year.csv",
    "gdp": "gdp/wdi_gdp_per_capita_country_year.csv",
    "wpp": "infant-mortality/un_wpp2024_infant_mortality_country_year.csv",
    "ucdp": "ucdp/ucdp_221_country_year_derived.csv",
    "ged": "ucdp-ged-owid/ucdp_ged_geolocated_country_year.csv",
    "hrp": "fariss-hrp-owid/fariss_hrp_country_year.csv",
    "pitf": "pitf-genocide-owid/pitf_genocide_country_year.csv",
    "unhcr": "unhcr/unhcr_population_by_origin.csv",
    "idmc": "unhcr/idmc_conflict_idps.csv",
    "asylum": "unhcr/unhcr_population_by_asylum.csv",
    "tiv": "sipri-arms-tiv/sipri_arms_transfers_tiv_country_year.csv",
    "milex": "sipri-milex-owid/sipri_milex_country_year.csv",
}

VDEM_ID_COLUMNS = ("iso3", "country", "year", "vdem_country_code")
VDEM_N_INDICATORS = 54


class BuildError(Exception):
    """Raised when a source does not look as expected."""


def read_source(shared: Path, key: str, needed: list[str]) -> tuple[list[str], list[dict]]:
    """Read one source CSV and check that the needed columns exist."""
    path = shared / SOURCE_FILES[key]
    if not path.is_file():
        raise BuildError(f"source file not found: {path}")
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    missing = [c for c in ["iso3", "year", *needed] if c not in header]
    if missing:
        raise BuildError(f"{path}: missing column(s) {', '.join(missing)}")
    return header, rows


def index_rows(key: str, rows: list[dict], remap=None) -> dict[tuple[str, int], dict]:
    """Index rows by (iso3, year); ignore empty iso3; fail on duplicates."""
    out: dict[tuple[str, int], dict] = {}
    for n, row in enumerate(rows, start=2):
        iso3 = (row["iso3"] or "").strip()
        if not iso3:
            continue
        if remap is not None:
            iso3 = remap(iso3, row)
        try:
            year = int(row["year"])
        except ValueError:
            raise BuildError(f"{SOURCE_FILES[key]} line {n}: bad year {row['year']!r}") from None
        k = (iso3, year)
        if k in out:
            raise BuildError(f"{SOURCE_FILES[key]}: duplicate (iso3, year) {k} (line {n})")
        out[k] = row
    return out


def remap_ucdp(iso3: str, row: dict) -> str:
    if iso3 in UCDP_REMAP:
        target, gwcode = UCDP_REMAP[iso3]
        if row.get("gwcode") != gwcode:
            raise BuildError(f"UCDP row {iso3} {row['year']} has gwcode {row.get('gwcode')}, expected {gwcode}")
        return target
    return iso3


def remap_pitf(iso3: str, row: dict) -> str:
    return PITF_REMAP.get(iso3, iso3)


def cell(key: str, row: dict | None, column: str, iso3: str, year: int) -> str:
    """Return the source text of a numeric cell ('' if absent); check it is a number."""
    if row is None:
        return ""
    text = row[column]
    if text is None:
        raise BuildError(f"{SOURCE_FILES[key]}: short row for {iso3} {year}")
    if text != text.strip():
        raise BuildError(f"{SOURCE_FILES[key]}: whitespace in {column} for {iso3} {year}: {text!r}")
    if text == "":
        return ""
    try:
        value = float(text)
    except ValueError:
        raise BuildError(f"{SOURCE_FILES[key]}: non-numeric {column} for {iso3} {year}: {text!r}") from None
    if not math.isfinite(value):
        raise BuildError(f"{SOURCE_FILES[key]}: non-finite {column} for {iso3} {year}: {text!r}")
    return text


def is_state(iso3: str, year: int) -> bool:
    return iso3 not in NOT_A_STATE and year >= STATE_SINCE.get(iso3, FIRST_YEAR)


def max_year(index: dict[tuple[str, int], dict]) -> int:
    return max(year for _, year in index)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def build(shared: Path, out: Path) -> None:
    years = range(FIRST_YEAR, LAST_YEAR + 1)

    # --- V-Dem v14: universe, names, indicator columns -------------------
    vdem_header, vdem_rows = read_source(shared, "vdem", ["country", "vdem_country_code"])
    indicators = [c for c in vdem_header if c not in VDEM_ID_COLUMNS]
    if len(indicators) != VDEM_N_INDICATORS or indicators[0] != "v2x_regime" or indicators[-1] != "v2lgfemleg":
        raise BuildError(
            f"V-Dem v14: expected {VDEM_N_INDICATORS} indicator columns v2x_regime..v2lgfemleg, "
            f"found {len(indicators)} ({indicators[:1]}..{indicators[-1:]})"
        )
    vdem = index_rows("vdem", vdem_rows)
    names = {iso3: row["country"] for (iso3, year), row in vdem.items() if year == UNIVERSE_YEAR}
    if not names:
        raise BuildError(f"V-Dem v14 has no rows with iso3 in {UNIVERSE_YEAR}")
    universe = sorted(names)
    unknown = (set(STATE_SINCE) | NOT_A_STATE) - set(universe)
    if unknown:
        raise BuildError(f"statehood table names countries outside the universe: {sorted(unknown)}")

    # --- other sources -----------------------------------------------------
    _, ert_rows = read_source(shared, "ert", [c for _, c in ERT_COLUMNS])
    ert = index_rows("ert", ert_rows)

    needed: dict[str, list[str]] = {}
    for _, key, column, _ in PANEL_COLUMNS:
        needed.setdefault(key, []).append(column)
    remaps = {"ucdp": remap_ucdp, "pitf": remap_pitf}
    sources: dict[str, dict[tuple[str, int], dict]] = {}
    for key, columns in needed.items():
        extra = {"ucdp": ["gwcode"], "ged": list(GED_CHECK_COLUMNS)}.get(key, [])
        _, rows = read_source(shared, key, columns + extra)
        sources[key] = index_rows(key, rows, remaps.get(key))

    for (iso3, year), row in sources["ged"].items():
        if iso3 in GED_UNATTRIBUTED and any(row[c] not in ("0", "") for c in GED_CHECK_COLUMNS):
            raise BuildError(
                f"GED country-year file has a non-zero value for {iso3} {year}: "
                "the unattributed-country rule (GED_UNATTRIBUTED) no longer holds"
            )
    if not GED_UNATTRIBUTED <= set(universe):
        raise BuildError("GED_UNATTRIBUTED names countries outside the universe")

    fill_until = {"ucdp": max_year(sources["ucdp"]), "pitf": max_year(sources["pitf"])}
    if fill_until != {"ucdp": UCDP_LAST_YEAR, "pitf": PITF_LAST_YEAR}:
        raise BuildError(
            f"unexpected last year of a sparse source: {fill_until}; "
            "check the zero-fill rule before rebuilding"
        )

    # --- vdem.csv ----------------------------------------------------------
    vdem_out = []
    for iso3 in universe:
        for year in years:
            v = vdem.get((iso3, year))
            e = ert.get((iso3, year))
            row = [iso3, names[iso3], str(year)]
            row += [cell("vdem", v, c, iso3, year) for c in indicators]
            row += [cell("ert", e, c, iso3, year) for _, c in ERT_COLUMNS]
            vdem_out.append(row)

    # --- panel.csv ---------------------------------------------------------
    panel_out = []
    for iso3 in universe:
        for year in years:
            row = [iso3, names[iso3], str(year)]
            for _, key, column, rule in PANEL_COLUMNS:
                src = sources[key].get((iso3, year))
                if key == "ged" and iso3 in GED_UNATTRIBUTED:
                    src = None
                text = cell(key, src, column, iso3, year)
                if src is None and rule is not None and year <= fill_until[rule] and is_state(iso3, year):
                    text = "0"
                row.append(text)
            panel_out.append(row)
    # write only after every check has passed
    write_csv(out / "vdem.csv", ["iso3", "country", "year", *indicators, *[c for c, _ in ERT_COLUMNS]], vdem_out)
    write_csv(out / "panel.csv", ["iso3", "country", "year", *[c for c, _, _, _ in PANEL_COLUMNS]], panel_out)

    print(
        f"wrote {out / 'vdem.csv'} and {out / 'panel.csv'}: "
        f"{len(universe)} countries x {len(years)} years = {len(panel_out)} rows each"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared" / "data",
                        help="folder holding the source data (default: ../shared/data from the repository root)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "examples" / "data",
                        help="output folder (default: examples/data in the repository)")
    args = parser.parse_args(argv)
    try:
        build(args.shared, args.out)
    except BuildError as err:
        print(f"build_panel: error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
