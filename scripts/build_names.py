#!/usr/bin/env python3
"""Build src/data/names.csv: country names as people write them, mapped to
ISO 3166-1 alpha-3 codes, for every place where `atrisk` reads a country
name (`--country`, data files keyed by names, `atrisk data show`).

Sources, in this order (a name keeps the first code it is given):

  everyday  the forms below (EVERYDAY): short and former names, common
            abbreviations, and the forms the UN uses for ambiguous words
            ("Congo" is the Republic of the Congo).
  iso       ISO 3166 official English names (`official_name_en`),
  unterm    UN terminology database English short and formal names
            (`UNTERM English Short`, `UNTERM English Formal`; the leading
            "the" is dropped by the matching),
  cldr      CLDR English display names (`CLDR display name`), all from
            datasets/country-codes (`country-codes.csv`, ODC-PDDL 1.0),
  units     the name rows of src/data/units.csv (the spellings of V-Dem, the
            Political Terror Scale, the World Bank and the Early Warning
            Project; see scripts/build_units.py).

AMBIGUOUS lists words that stand for several countries: each gets a row per
candidate, and `atrisk` reports them as ambiguous. A name that two sources
give different codes is printed here and kept with both codes (ambiguous)
unless EVERYDAY settles it.

Names are compared as `atrisk` compares them (src/data/names.rs): accents,
case, punctuation and a leading or trailing "the" ignored, "X, Y" read as
"Y X", "St." read as "Saint", "&" as "and".

    python3 scripts/build_names.py [DATA_DIR]
"""

import csv
import os
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "data", "names.csv")
UNITS = os.path.join(ROOT, "src", "data", "units.csv")

EVERYDAY = {
    "USA": ["USA", "US", "U.S.", "U.S.A.", "United States", "United States of America", "America"],
    "GBR": ["UK", "U.K.", "United Kingdom", "Great Britain", "Britain"],
    "COD": ["DRC", "DR Congo", "D.R. Congo", "DROC", "Congo-Kinshasa", "Congo (Kinshasa)",
            "Democratic Republic of Congo", "Zaire"],
    "COG": ["Congo", "Congo-Brazzaville", "Congo (Brazzaville)", "Republic of Congo",
            "Congo Republic"],
    "MMR": ["Burma", "Myanmar", "Burma/Myanmar", "Myanmar (Burma)"],
    "CIV": ["Ivory Coast", "Cote d'Ivoire"],
    "TUR": ["Turkey", "Türkiye", "Turkiye"],
    "CPV": ["Cape Verde", "Cabo Verde"],
    "SWZ": ["Swaziland", "Eswatini"],
    "CZE": ["Czech Republic", "Czechia"],
    "MKD": ["Macedonia", "North Macedonia", "FYROM", "Former Yugoslav Republic of Macedonia"],
    "TLS": ["East Timor", "Timor-Leste", "Timor Leste"],
    "PSE": ["Palestine", "State of Palestine", "Palestinian Territories",
            "Occupied Palestinian Territory", "West Bank and Gaza", "Palestine/West Bank"],
    "PRK": ["North Korea", "Korea North", "Korea (North)", "DPRK", "DPR Korea", "Korea DPR",
            "Democratic People's Republic of Korea"],
    "KOR": ["South Korea", "Korea South", "Korea (South)", "ROK", "Republic of Korea"],
    "RUS": ["Russia"],
    "SYR": ["Syria"],
    "IRN": ["Iran", "Persia"],
    "LAO": ["Laos", "Lao PDR"],
    "VNM": ["Vietnam", "Viet Nam"],
    "BOL": ["Bolivia"],
    "VEN": ["Venezuela"],
    "TZA": ["Tanzania"],
    "MDA": ["Moldova"],
    "BRN": ["Brunei"],
    "FSM": ["Micronesia"],
    "VAT": ["Vatican", "Vatican City", "Holy See"],
    "ARE": ["UAE", "Emirates"],
    "CAF": ["CAR", "Central African Rep."],
    "GMB": ["Gambia", "The Gambia"],
    "BHS": ["Bahamas", "The Bahamas"],
    "KGZ": ["Kyrgyzstan", "Kyrgyz Republic"],
    "SVK": ["Slovakia", "Slovak Republic"],
    "STP": ["Sao Tome and Principe", "São Tomé and Príncipe", "Sao Tome"],
    "BIH": ["Bosnia", "Bosnia-Herzegovina", "Bosnia and Herzegovina"],
    "TWN": ["Taiwan"],
    "XKX": ["Kosovo"],
    "HKG": ["Hong Kong"],
    "MAC": ["Macau", "Macao"],
    "NLD": ["Netherlands", "Holland"],
    "EGY": ["Egypt"],
    "YEM": ["Yemen"],
    "SSD": ["South Sudan"],
    "SDN": ["Sudan"],
    "LBY": ["Libya"],
    "KNA": ["St Kitts and Nevis", "Saint Kitts and Nevis"],
    "LCA": ["St Lucia", "Saint Lucia"],
    "VCT": ["St Vincent and the Grenadines", "Saint Vincent"],
    "FRO": ["Faroe Islands", "Faeroe Islands"],
    "GNB": ["Guinea-Bissau", "Guinea Bissau"],
    "GNQ": ["Equatorial Guinea"],
    "PNG": ["Papua New Guinea", "PNG"],
}

# Words that stand for several countries.
AMBIGUOUS = {
    "Korea": ["KOR", "PRK"],
    "Virgin Islands": ["VGB", "VIR"],
}


def fold(ch):
    """A character without accents: é -> e, ø -> o, ß -> ss."""
    special = {"ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ß": "ss",
               "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "þ": "th"}
    if ch in special:
        return special[ch]
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))


def norm(name):
    """The key a name is compared by; src/data/names.rs computes the same."""
    s = "".join(fold(c) for c in name.strip()).lower().replace("&", " and ")
    if s.count(",") == 1:
        a, b = s.split(",")
        s = b + " " + a
    words = re.sub(r"[^0-9a-z]+", " ", s).split()
    words = ["saint" if w == "st" else w for w in words]
    if words and words[0] == "the":
        words = words[1:]
    if words and words[-1] == "the":
        words = words[:-1]
    return " ".join(words)


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
    rows = []  # (name, iso3, source)
    for iso3, names in EVERYDAY.items():
        rows += [(n, iso3, "everyday") for n in names]
    for name, codes in AMBIGUOUS.items():
        rows += [(name, c, "ambiguous") for c in codes]
    with open(os.path.join(data, "country-names", "country-codes.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            iso3 = r["ISO3166-1-Alpha-3"].strip()
            if not iso3:
                continue
            for col, src in [("official_name_en", "iso"), ("UNTERM English Short", "unterm"),
                             ("UNTERM English Formal", "unterm"), ("CLDR display name", "cldr")]:
                n = r[col].strip()
                if n:
                    rows.append((n, iso3, src))
    with open(UNITS, encoding="utf-8") as f:
        for r in csv.reader(f):
            if r and r[0] == "name":
                rows.append((r[1], r[2], "units"))
    settled = {norm(n) for n, _, s in rows if s in ("everyday", "ambiguous")}
    codes = {}  # key -> {iso3: (name, source)}
    for name, iso3, src in rows:
        key = norm(name)
        if not key:
            continue
        if key in settled and src not in ("everyday", "ambiguous"):
            continue
        codes.setdefault(key, {}).setdefault(iso3, (name, src))
    out = []
    for key in sorted(codes):
        found = codes[key]
        if len(found) > 1 and key not in settled:
            print(f"ambiguous across sources, kept with every code: {key!r} -> {sorted(found)}",
                  file=sys.stderr)
        for iso3 in sorted(found):
            name, src = found[iso3]
            out.append((name, iso3, src))
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "iso3", "source"])
        w.writerows(out)
    print(f"{len(out)} names of {len({r[1] for r in out})} codes -> {os.path.relpath(OUT, ROOT)}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
