#!/usr/bin/env python3
"""Build the example country-year data shipped in examples/data/.

Reads published country-year tables from a local copy of the source data
(default: ../shared/data relative to the repository root) and writes two
rectangular panels with one row per (iso3, year):

  vdem.csv   V-Dem indicators (1990-2024): 46 columns from V-Dem v14 (to 2023)
             and 8 from V-Dem v15 (to 2024), each column wholly from one
             release, plus five columns of the V-Dem Episodes of Regime
             Transformation (ERT) v15 (1990-2024). CC BY-SA 4.0, like its
             sources.
  panel.csv  population, GDP, infant mortality, UCDP 25.1 conflict (located in
             the country, and the government's part in conflicts abroad), UCDP
             25.1 deaths by type of violence, Fariss human-rights scores, PITF
             genocide/politicide, UNHCR/IDMC displacement (people from the
             country, and refugees and stateless people in it) and SIPRI
             arms/military-spending columns. CC BY 4.0 sources (UN WPP: CC BY
             3.0 IGO).

Only sources whose licence allows redistribution are read. Data sets that
may be used for reference only (no licence, or non-commercial terms) are
deliberately not used here, for example ethnic power relations, the
political terror scale, coup lists and the WPS index.

Country universe: every country with a non-empty iso3 in V-Dem v14 in 2023;
years 1990-2024. `country` is the V-Dem v14 country name.

Rules:
  * Numeric cells are copied as the exact source text; an empty cell means
    missing.
  * Source rows with an empty iso3 are ignored. Every source must have unique
    (iso3, year) keys, otherwise the build stops with an error.
  * V-Dem: the columns listed in VDEM_V15_COLUMNS are read from the v15
    indices file for every year; all other indicator columns from v14. A
    column is never spliced from two releases.
  * UCDP country-year file (sparse): an absent country-year means no conflict
    recorded and is written as 0 for years up to the last year of the file,
    provided the country was an independent state in that year (see
    STATE_SINCE / NOT_A_STATE); later years stay empty.
  * The government's part in armed conflicts abroad is derived here from the
    UCDP/PRIO Armed Conflict file (who the parties are) and the Battle-Related
    Deaths file (where the fighting took place); see derive_abroad(). Same
    zero-fill rule as the UCDP country-year file.
  * UCDP deaths by type of violence come from the Organized Violence
    country-year file (a full panel of states with explicit zeros); values
    are copied, nothing is filled. Units that are not states in UCDP's sense
    (Hong Kong, Palestine/West Bank) have no row and stay empty.
  * PITF genocide/politicide (lists only countries that ever had an episode):
    zero-fill as for UCDP, up to the last year of that file.
  * Years after the last year of a source stay empty: no zero is ever written
    for a year that a source has not covered yet.
  * In the UCDP and PITF files the former-state codes of the same
    Gleditsch-Ward state are assigned to the V-Dem successor unit:
    Soviet Union (SUN, G&W 365) -> RUS, Yugoslavia / Serbia and Montenegro
    (YUG, G&W 345) -> SRB, Czechoslovakia (CSK, G&W 315) -> CZE.
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
# Expected last year of each source whose absent rows are written as 0; the
# build stops if a file ends elsewhere, so that the zero-fill rule is checked
# before a new release is used.
UCDP_LAST_YEAR = 2024  # UCDP 25.1 (country-year, armed conflict, battle deaths)
PITF_LAST_YEAR = 2015  # PITF/OWID file

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
# sources (UCDP, PITF) do not code them, so no zero is filled.
NOT_A_STATE = {"HKG", "PSE"}

# Former-state codes assigned to the continuing unit of the universe, with
# the Gleditsch-Ward code the source row must carry.
GW_REMAP = {"SUN": ("RUS", "365"), "YUG": ("SRB", "345"), "CSK": ("CZE", "315")}
PITF_REMAP = {"YUG": "SRB"}

# V-Dem columns read from v15 (all years) instead of v14: the eight indices
# that both releases hold. See ../shared/data/vdem-v15/SOURCE.md.
VDEM_V15_COLUMNS = (
    "v2x_polyarchy", "v2x_libdem", "v2x_jucon", "v2xlg_legcon",
    "v2x_corr", "v2x_rule", "v2x_civlib", "v2x_clphy",
)

ERT_COLUMNS = [  # (output column, ERT v15 column)
    ("ert_regime", "v2x_regime"),
    ("ert_polyarchy", "v2x_polyarchy"),
    ("ert_aut_ep", "aut_ep"),
    ("ert_dem_ep", "dem_ep"),
    ("ert_regch_event", "row_regch_event"),
]

# Columns derived by derive_abroad() (key "abroad").
ABROAD_PRIMARY = "primary_abroad"
ABROAD_SECONDARY = "secondary"
ABROAD_MAX_INTENSITY = "max_intensity"

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
    ("ucdp_sb_abroad_primary", "abroad", ABROAD_PRIMARY, "ucdp"),
    ("ucdp_sb_abroad_secondary", "abroad", ABROAD_SECONDARY, "ucdp"),
    ("ucdp_sb_abroad_max_intensity", "abroad", ABROAD_MAX_INTENSITY, "ucdp"),
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
    "vdem15": "vdem-v15/vdem_v15_indices_country_year.csv",
    "ert": "vdem-ert/ert_v15_country_year.csv",
    "population": "population/wdi_population_country_year.csv",
    "gdp": "gdp/wdi_gdp_per_capita_country_year.csv",
    "wpp": "infant-mortality/un_wpp2024_infant_mortality_country_year.csv",
    "ucdp": "ucdp-v25/ucdp_251_country_year_derived.csv",
    "acd": "ucdp-v25/ucdp_prio_acd_251_conflict_year.csv",
    "brd": "ucdp-v25/ucdp_brd_251_conflict_year.csv",
    "ov": "ucdp-v25/ucdp_organized_violence_251_country_year.csv",
    "ged": "ucdp-v25/ucdp_organized_violence_251_deaths_country_year.csv",
    "hrp": "fariss-hrp-owid/fariss_hrp_country_year.csv",
    "pitf": "pitf-genocide-owid/pitf_genocide_country_year.csv",
    "unhcr": "unhcr/unhcr_population_by_origin.csv",
    "idmc": "unhcr/idmc_conflict_idps.csv",
    "asylum": "unhcr/unhcr_population_by_asylum.csv",
    "tiv": "sipri-arms-tiv/sipri_arms_transfers_tiv_country_year.csv",
    "milex": "sipri-milex-owid/sipri_milex_country_year.csv",
}
# Key columns of the sources that do not use (iso3, year).
YEAR_COLUMN = {"ov": "year_cy"}
GW_COLUMN = {"ucdp": "gwcode", "ov": "country_id_cy"}
# Organized Violence: deaths in the 19-column file must equal the published ones.
OV_DEATHS_CHECK = (
    ("sb_deaths_best", "sb_total_deaths_best_cy"),
    ("ns_deaths_best", "ns_total_deaths_best_cy"),
    ("os_deaths_best", "os_total_deaths_best_cy"),
)
# State-years of the universe that the Organized Violence file does not code:
# UCDP counts Croatia and Slovenia from 1992 and records their wars of 1991
# under Yugoslavia (here SRB). Their cells stay empty.
OV_UNCODED = {("HRV", 1991), ("SVN", 1991)}
# Conflict-year files: the side and location columns (Gleditsch-Ward codes).
SIDE_COLUMNS = ("gwno_a", "gwno_b", "gwno_a_2nd", "gwno_b_2nd", "gwno_loc")

VDEM_ID_COLUMNS = ("iso3", "country", "year", "vdem_country_code")
VDEM_N_INDICATORS = 54


class BuildError(Exception):
    """Raised when a source does not look as expected."""


def read_table(shared: Path, key: str, needed: list[str]) -> tuple[list[str], list[dict]]:
    """Read one source CSV and check that the needed columns exist."""
    path = shared / SOURCE_FILES[key]
    if not path.is_file():
        raise BuildError(f"source file not found: {path}")
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    missing = [c for c in needed if c not in header]
    if missing:
        raise BuildError(f"{path}: missing column(s) {', '.join(missing)}")
    return header, rows


def read_source(shared: Path, key: str, needed: list[str]) -> tuple[list[str], list[dict]]:
    """Read a country-year source: needs iso3 and its year column as well."""
    return read_table(shared, key, ["iso3", YEAR_COLUMN.get(key, "year"), *needed])


def parse_year(key: str, text: str, where: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise BuildError(f"{SOURCE_FILES[key]} {where}: bad year {text!r}") from None


def index_rows(key: str, rows: list[dict], remap=None) -> dict[tuple[str, int], dict]:
    """Index rows by (iso3, year); ignore empty iso3; fail on duplicates."""
    year_column = YEAR_COLUMN.get(key, "year")
    out: dict[tuple[str, int], dict] = {}
    for n, row in enumerate(rows, start=2):
        iso3 = (row["iso3"] or "").strip()
        if not iso3:
            continue
        year = parse_year(key, row[year_column], f"line {n}")
        if remap is not None:
            iso3 = remap(iso3, year, row)
        k = (iso3, year)
        if k in out:
            raise BuildError(f"{SOURCE_FILES[key]}: duplicate (iso3, year) {k} (line {n})")
        out[k] = row
    return out


def remap_by_gw(key: str, gw_of):
    """Remap former-state codes (GW_REMAP); gw_of(iso3, year, row) gives the row's G&W code."""

    def remap(iso3: str, year: int, row: dict) -> str:
        if iso3 in GW_REMAP:
            target, gwcode = GW_REMAP[iso3]
            found = gw_of(iso3, year, row)
            if found != gwcode:
                raise BuildError(f"{SOURCE_FILES[key]}: row {iso3} {year} has G&W code {found}, expected {gwcode}")
            return target
        return iso3

    return remap


def remap_pitf(iso3: str, year: int, row: dict) -> str:
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


def gw_codes(key: str, text: str, where: str) -> set[int]:
    """Parse a comma-separated list of Gleditsch-Ward codes ('' = none)."""
    try:
        return {int(part) for part in text.split(",") if part.strip()}
    except ValueError:
        raise BuildError(f"{SOURCE_FILES[key]} {where}: bad Gleditsch-Ward code list {text!r}") from None


def derive_abroad(
    acd_rows: list[dict],
    brd_rows: list[dict],
    gw_iso3: dict[tuple[int, int], str],
) -> tuple[dict[tuple[str, int], dict], int]:
    """Per country-year, the government's part in state-based armed conflicts abroad.

    For every active conflict-year of the UCDP/PRIO Armed Conflict file from
    FIRST_YEAR on:
      * a government is a primary party abroad when it is a primary party
        (gwno_a or gwno_b) and the Battle-Related Deaths file places fighting
        of that conflict-year in at least one other state (gwno_battle).
        UCDP's location (gwno_loc) cannot serve here: it always lists the
        territory of every primary government, so a primary party is never
        "outside" its location;
      * a government is a secondary party when it supports a side with troops
        (gwno_a_2nd or gwno_b_2nd), is not a primary party of the same
        conflict, and the conflict is not located in its territory.
    Returns rows {primary_abroad, secondary, max_intensity} keyed by (iso3,
    year), with the number of distinct conflicts of each kind and the highest
    intensity level (1 or 2) among them; and the last year of the file.
    """
    battle: dict[tuple[str, int], set[int]] = {}
    brd_sides: dict[tuple[str, int], tuple[set[int], ...]] = {}
    for n, row in enumerate(brd_rows, start=2):
        year = parse_year("brd", row["year"], f"line {n}")
        k = (row["conflict_id"], year)
        if k in battle:
            raise BuildError(f"{SOURCE_FILES['brd']}: duplicate conflict-year {k} (line {n})")
        battle[k] = gw_codes("brd", row["gwno_battle"], f"line {n}")
        brd_sides[k] = tuple(gw_codes("brd", row[c], f"line {n}") for c in SIDE_COLUMNS)

    last_year = 0
    acd_keys = set()
    involvement: dict[tuple[str, int], dict[str, set[str] | int]] = {}

    def record(code: int, year: int, kind: str, conflict: str, intensity: int) -> None:
        iso3 = gw_iso3.get((code, year))
        if iso3 is None:
            raise BuildError(f"Gleditsch-Ward code {code} in {year} is not in {SOURCE_FILES['ov']}")
        entry = involvement.setdefault((iso3, year), {"primary": set(), "secondary": set(), "max": 0})
        entry[kind].add(conflict)
        entry["max"] = max(entry["max"], intensity)

    for n, row in enumerate(acd_rows, start=2):
        year = parse_year("acd", row["year"], f"line {n}")
        last_year = max(last_year, year)
        if year < FIRST_YEAR:
            continue
        k = (row["conflict_id"], year)
        if k in acd_keys:
            raise BuildError(f"{SOURCE_FILES['acd']}: duplicate conflict-year {k} (line {n})")
        acd_keys.add(k)
        if k not in battle:
            raise BuildError(f"{SOURCE_FILES['brd']}: no row for conflict {k[0]} in {year}")
        sides = tuple(gw_codes("acd", row[c], f"line {n}") for c in SIDE_COLUMNS)
        if sides != brd_sides[k]:
            raise BuildError(f"conflict {k[0]} in {year}: sides differ between {SOURCE_FILES['acd']} and {SOURCE_FILES['brd']}")
        primary_a, primary_b, second_a, second_b, location = sides
        if row["intensity_level"] not in ("1", "2"):
            raise BuildError(f"{SOURCE_FILES['acd']} line {n}: bad intensity_level {row['intensity_level']!r}")
        intensity = int(row["intensity_level"])
        primaries = primary_a | primary_b
        for code in sorted(primaries):
            if battle[k] - {code}:
                record(code, year, "primary", k[0], intensity)
        for code in sorted((second_a | second_b) - primaries - location):
            record(code, year, "secondary", k[0], intensity)
    missing = sorted(k for k in battle if k[1] >= FIRST_YEAR and k not in acd_keys)
    if missing:
        raise BuildError(f"{SOURCE_FILES['brd']} has conflict-years that {SOURCE_FILES['acd']} lacks: {missing[:5]}")

    out = {
        k: {
            ABROAD_PRIMARY: str(len(v["primary"])),
            ABROAD_SECONDARY: str(len(v["secondary"])),
            ABROAD_MAX_INTENSITY: str(v["max"]),
        }
        for k, v in involvement.items()
    }
    return out, last_year


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
    if not set(VDEM_V15_COLUMNS) <= set(indicators):
        raise BuildError("VDEM_V15_COLUMNS names columns that V-Dem v14 does not have")
    vdem = index_rows("vdem", vdem_rows)
    names = {iso3: row["country"] for (iso3, year), row in vdem.items() if year == UNIVERSE_YEAR}
    if not names:
        raise BuildError(f"V-Dem v14 has no rows with iso3 in {UNIVERSE_YEAR}")
    universe = sorted(names)
    unknown = (set(STATE_SINCE) | NOT_A_STATE) - set(universe)
    if unknown:
        raise BuildError(f"statehood table names countries outside the universe: {sorted(unknown)}")

    _, vdem15_rows = read_source(shared, "vdem15", list(VDEM_V15_COLUMNS))
    vdem15 = index_rows("vdem15", vdem15_rows)
    for (iso3, year), row in vdem.items():
        if iso3 in names and FIRST_YEAR <= year and any(row[c] != "" for c in VDEM_V15_COLUMNS):
            v15 = vdem15.get((iso3, year))
            lost = [c for c in VDEM_V15_COLUMNS if row[c] != "" and (v15 is None or v15[c] == "")]
            if lost:
                raise BuildError(f"V-Dem v15 lacks {lost} for {iso3} {year}, which v14 has")

    # --- other sources -----------------------------------------------------
    _, ert_rows = read_source(shared, "ert", [c for _, c in ERT_COLUMNS])
    ert = index_rows("ert", ert_rows)

    # Organized Violence country-year file as published: Gleditsch-Ward codes
    # of every state and year, and the deaths the 19-column file must equal.
    _, ov_rows = read_source(shared, "ov", [GW_COLUMN["ov"], *[c for _, c in OV_DEATHS_CHECK]])
    ov_raw = index_rows("ov", ov_rows)
    gw_iso3: dict[tuple[int, int], str] = {}
    for (iso3, year), row in ov_raw.items():
        target = GW_REMAP.get(iso3, (iso3,))[0]
        gw_iso3[(int(row[GW_COLUMN["ov"]]), year)] = target
    ov = index_rows("ov", ov_rows, remap_by_gw("ov", lambda iso3, year, row: row[GW_COLUMN["ov"]]))

    needed: dict[str, list[str]] = {}
    for _, key, column, _ in PANEL_COLUMNS:
        if key != "abroad":
            needed.setdefault(key, []).append(column)
    remaps = {
        "ucdp": remap_by_gw("ucdp", lambda iso3, year, row: row[GW_COLUMN["ucdp"]]),
        # the 19-column file has no code column: take the code of the same row
        # of the published file
        "ged": remap_by_gw("ged", lambda iso3, year, row: ov_raw[(iso3, year)][GW_COLUMN["ov"]]),
        "pitf": remap_pitf,
    }
    sources: dict[str, dict[tuple[str, int], dict]] = {}
    for key, columns in needed.items():
        extra = {"ucdp": [GW_COLUMN["ucdp"]], "ged": [c for c, _ in OV_DEATHS_CHECK]}.get(key, [])
        _, rows = read_source(shared, key, columns + extra)
        sources[key] = index_rows(key, rows, remaps.get(key))

    if set(sources["ged"]) != set(ov):
        raise BuildError(f"{SOURCE_FILES['ged']} and {SOURCE_FILES['ov']} cover different country-years")
    for k, row in sources["ged"].items():
        for ours, published in OV_DEATHS_CHECK:
            if row[ours] != ov[k][published]:
                raise BuildError(f"{SOURCE_FILES['ged']}: {ours} for {k} is {row[ours]}, published {ov[k][published]}")
    uncoded = sorted(
        (iso3, year) for iso3 in universe for year in years if is_state(iso3, year) and (iso3, year) not in sources["ged"]
    )
    if uncoded != sorted(OV_UNCODED):
        raise BuildError(f"{SOURCE_FILES['ged']}: states without a row {uncoded}, expected {sorted(OV_UNCODED)}")

    _, acd_rows = read_table(shared, "acd", ["conflict_id", "year", "intensity_level", *SIDE_COLUMNS])
    _, brd_rows = read_table(shared, "brd", ["conflict_id", "year", "gwno_battle", *SIDE_COLUMNS])
    sources["abroad"], acd_last = derive_abroad(acd_rows, brd_rows, gw_iso3)

    fill_until = {"ucdp": max_year(sources["ucdp"]), "pitf": max_year(sources["pitf"])}
    expected = {"ucdp": UCDP_LAST_YEAR, "pitf": PITF_LAST_YEAR}
    if fill_until != expected or acd_last != UCDP_LAST_YEAR or max_year(sources["ged"]) != UCDP_LAST_YEAR:
        raise BuildError(
            f"unexpected last year of a source: {fill_until}, armed conflict {acd_last}, "
            f"organized violence {max_year(sources['ged'])}; expected {expected}; "
            "check the zero-fill rule before rebuilding"
        )

    # --- vdem.csv ----------------------------------------------------------
    vdem_out = []
    for iso3 in universe:
        for year in years:
            v = vdem.get((iso3, year))
            v15 = vdem15.get((iso3, year))
            e = ert.get((iso3, year))
            row = [iso3, names[iso3], str(year)]
            row += [
                cell("vdem15", v15, c, iso3, year) if c in VDEM_V15_COLUMNS else cell("vdem", v, c, iso3, year)
                for c in indicators
            ]
            row += [cell("ert", e, c, iso3, year) for _, c in ERT_COLUMNS]
            vdem_out.append(row)

    # --- panel.csv ---------------------------------------------------------
    panel_out = []
    for iso3 in universe:
        for year in years:
            row = [iso3, names[iso3], str(year)]
            for _, key, column, rule in PANEL_COLUMNS:
                src = sources[key].get((iso3, year))
                if key == "abroad":
                    text = "" if src is None else src[column]
                else:
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
