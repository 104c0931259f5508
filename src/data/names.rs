//! Country names as people write them, resolved to ISO 3166-1 alpha-3 codes
//! in one place: `--country`, data files keyed by names (`--to-iso3
//! COL:name`, or a `country` column without `iso3`), `atrisk data show`.
//!
//! The shipped table `names.csv` (`name,iso3,source`) is built by
//! `scripts/build_names.py` from ISO 3166, UN terminology and CLDR names
//! (datasets/country-codes, ODC-PDDL 1.0), the spellings of the shipped
//! sources (V-Dem, PTS, World Bank, EWP) and everyday forms (USA, DRC,
//! Burma, Ivory Coast, ...). A `--names FILE` (`name,iso3`) adds mappings
//! or overrides them.
//!
//! Matching ignores accents, case, punctuation and a leading "the"; "X, Y"
//! reads as "Y X" ("Korea, Republic of" is "Republic of Korea"); "St" reads
//! as "Saint". An exact ISO3 code (in any case) always wins over a name.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use super::read::data_err;
use super::{CountryMatch, Panel};
use crate::diagnostic::Diagnostic;

/// The shipped name table: `name,iso3,source`.
pub const TABLE: &str = include_str!("names.csv");

/// Longest query compared for suggestions, in characters.
const SUGGEST_MAX: usize = 80;

/// What a name or code stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// One ISO3 code.
    Code(String),
    /// Several codes, none preferred (sorted).
    Ambiguous(Vec<String>),
    /// No code.
    Unknown,
}

/// Names and the codes they stand for.
#[derive(Debug, Clone)]
pub struct Names {
    /// Normalised name -> codes.
    map: HashMap<String, BTreeSet<String>>,
    /// Every code of the table, upper case.
    codes: BTreeSet<String>,
    /// A name to show for each code: the first of the table.
    shown: HashMap<String, String>,
}

/// The key a name is compared by: accents, case and punctuation removed,
/// `X, Y` read as `Y X`, `st` as `saint`, `&` as `and`, a leading or
/// trailing `the` dropped. `scripts/build_names.py` computes the same.
pub fn normalise(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.trim().chars() {
        fold(c, &mut s);
    }
    let s = s.replace('&', " and ");
    let s = match s.split_once(',') {
        Some((a, b)) if !b.contains(',') => format!("{b} {a}"),
        _ => s,
    };
    let mut words: Vec<&str> = s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| if w == "st" { "saint" } else { w })
        .collect();
    if words.first() == Some(&"the") {
        words.remove(0);
    }
    if words.last() == Some(&"the") {
        words.pop();
    }
    words.join(" ")
}

/// Appends `c` lowercased and without accents (Latin letters); other
/// characters are kept lowercased.
fn fold(c: char, out: &mut String) {
    let plain = match c {
        'À'..='Å' | 'à'..='å' | 'Ā' | 'ā' | 'Ă' | 'ă' | 'Ą' | 'ą' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' | 'Ć' | 'ć' | 'Č' | 'č' => "c",
        'Ð' | 'Đ' | 'đ' | 'Ď' | 'ď' => "d",
        'È'..='Ë' | 'è'..='ë' | 'Ē' | 'ē' | 'Ė' | 'ė' | 'Ę' | 'ę' | 'Ě' | 'ě' => "e",
        'Ğ' | 'ğ' => "g",
        'Ì'..='Ï' | 'ì'..='ï' | 'Ī' | 'ī' | 'İ' | 'ı' => "i",
        'Ł' | 'ł' => "l",
        'Ñ' | 'ñ' | 'Ń' | 'ń' | 'Ň' | 'ň' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō' | 'ō' | 'Ő' | 'ő' => "o",
        'Œ' | 'œ' => "oe",
        'Ř' | 'ř' => "r",
        'Ś' | 'ś' | 'Ş' | 'ş' | 'Š' | 'š' | 'Ș' | 'ș' => "s",
        'ß' => "ss",
        'Ţ' | 'ţ' | 'Ť' | 'ť' | 'Ț' | 'ț' => "t",
        'Þ' | 'þ' => "th",
        'Ù'..='Ü' | 'ù'..='ü' | 'Ū' | 'ū' | 'Ů' | 'ů' | 'Ű' | 'ű' => "u",
        'Ý' | 'ý' | 'ÿ' => "y",
        'Ź' | 'ź' | 'Ż' | 'ż' | 'Ž' | 'ž' => "z",
        '\u{2019}' | '\u{2018}' | '`' => "'",
        _ => {
            out.extend(c.to_lowercase());
            return;
        }
    };
    out.push_str(plain);
}

impl Names {
    /// The shipped table, read once.
    pub fn shipped() -> &'static Names {
        static NAMES: OnceLock<Names> = OnceLock::new();
        NAMES.get_or_init(|| {
            let mut n = Names {
                map: HashMap::new(),
                codes: BTreeSet::new(),
                shown: HashMap::new(),
            };
            let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(TABLE.as_bytes())
                .records()
                .flatten()
                .collect();
            // The names shown: CLDR English short names, else ISO names,
            // else the first of the table.
            for src in ["cldr", "iso", ""] {
                for rec in rows.iter().filter(|r| src.is_empty() || &r[2] == src) {
                    n.insert(&rec[0], &rec[1]);
                }
            }
            n
        })
    }

    fn insert(&mut self, name: &str, iso3: &str) {
        let iso3 = iso3.trim().to_ascii_uppercase();
        self.map
            .entry(normalise(name))
            .or_default()
            .insert(iso3.clone());
        self.shown
            .entry(iso3.clone())
            .or_insert_with(|| name.trim().to_string());
        self.codes.insert(iso3);
    }

    /// The shipped table with the mappings of a names file (`name,iso3`,
    /// header first) added; a name of the file replaces the table's
    /// mapping of the same name. A name given two different codes in the
    /// file is an error naming both rows (D052).
    pub fn with_file(file: &str, bytes: &[u8]) -> Result<Names, Diagnostic> {
        let mut names = Names::shipped().clone();
        let text = super::read::strip_bom(bytes);
        let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(text);
        let heads: Vec<String> = r
            .headers()
            .map_err(|e| bad_names(file, 1, format!("cannot read the header: {e}")))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let (Some(ni), Some(ci)) = (
            heads.iter().position(|h| h == "name"),
            heads.iter().position(|h| h == "iso3"),
        ) else {
            return Err(bad_names(
                file,
                1,
                "a names file needs the columns `name` and `iso3`".into(),
            ));
        };
        let mut seen: BTreeMap<String, (u64, String)> = BTreeMap::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map_or(1, |p| p.line());
                bad_names(file, line, format!("cannot read the row: {e}"))
            })?;
            let line = rec.position().map_or(1, |p| p.line());
            let (name, code) = (
                rec.get(ni).unwrap_or("").trim(),
                rec.get(ci).unwrap_or("").trim(),
            );
            if name.is_empty() && code.is_empty() {
                continue;
            }
            let key = normalise(name);
            let valid = code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic());
            if key.is_empty() || !valid {
                return Err(bad_names(
                    file,
                    line,
                    format!(
                        "row {line} needs a name and a three-letter code, not `{name}`, `{code}`"
                    ),
                ));
            }
            let code = code.to_ascii_uppercase();
            if let Some((first, other)) = seen.get(&key)
                && *other != code
            {
                return Err(data_err(
                    "D052",
                    format!(
                        "`{file}` maps `{name}` to {other} (line {first}) and to {code} (line {line})"
                    ),
                )
                .at(file, *first, 1, 1, other.clone())
                .at(file, line, 1, 1, code.clone())
                .with_hint("keep one of the two rows"));
            }
            if !seen.contains_key(&key) {
                names.map.remove(&key);
            }
            seen.insert(key, (line, code.clone()));
            names.insert(name, &code);
        }
        Ok(names)
    }

    /// What a name or code stands for: a known ISO3 code in any case first,
    /// then a name.
    pub fn resolve(&self, query: &str) -> Resolved {
        let q = query.trim();
        if q.len() == 3 && q.bytes().all(|b| b.is_ascii_alphabetic()) {
            let up = q.to_ascii_uppercase();
            if self.codes.contains(&up) {
                return Resolved::Code(up);
            }
        }
        match self.map.get(&normalise(q)) {
            Some(set) if set.len() == 1 => Resolved::Code(set.iter().next().unwrap().clone()),
            Some(set) => Resolved::Ambiguous(set.iter().cloned().collect()),
            None => Resolved::Unknown,
        }
    }

    /// A name to show for a code.
    pub fn shown(&self, iso3: &str) -> Option<&str> {
        self.shown.get(iso3).map(String::as_str)
    }

    /// The `n` names closest to `query` (by edit distance of their
    /// normalised forms) among those whose code `keep` accepts, each with
    /// its code, closest first; one name per code.
    pub fn closest(
        &self,
        query: &str,
        n: usize,
        keep: impl Fn(&str) -> bool,
    ) -> Vec<(String, String)> {
        let q: Vec<char> = normalise(query).chars().take(SUGGEST_MAX).collect();
        let mut best: BTreeMap<String, (usize, String)> = BTreeMap::new();
        for (key, codes) in &self.map {
            for code in codes.iter().filter(|c| keep(c)) {
                let k: Vec<char> = key.chars().take(SUGGEST_MAX).collect();
                let mut d = levenshtein(&q, &k);
                // A name within a longer one ("Sudan" in "South Sudan") is near.
                let (qs, ks): (String, String) = (q.iter().collect(), k.iter().collect());
                if !qs.is_empty() && (ks.contains(&qs) || qs.contains(&ks)) {
                    d = d.min(1);
                }
                let e = best
                    .entry(code.clone())
                    .or_insert((usize::MAX, String::new()));
                if (d, key) < (e.0, &e.1) {
                    *e = (d, key.clone());
                }
            }
        }
        let mut v: Vec<(usize, String)> = best.into_iter().map(|(c, (d, _))| (d, c)).collect();
        v.sort();
        v.into_iter()
            .take(n)
            .map(|(_, c)| (self.shown(&c).unwrap_or(&c).to_string(), c))
            .collect()
    }
}

/// A names file that cannot be read (D051).
fn bad_names(file: &str, line: u64, message: String) -> Diagnostic {
    data_err("D051", message)
        .at(file, line, 1, 1, "here")
        .with_hint("a names file is a CSV with the header `name,iso3`, one mapping per row")
}

/// Edit distance of two short texts.
fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(ca != cb)).min(up + 1).min(row[j] + 1);
            diag = up;
        }
    }
    row[b.len()]
}

/// The names of `codes` to show in a message: `` `SDN` (Sudan), `SSD` (South Sudan) ``.
pub fn describe(names: &Names, codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| match names.shown(c) {
            Some(n) => format!("`{c}` ({n})"),
            None => format!("`{c}`"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Finds a unit of a panel by code or name, as `--country` takes it: the
/// panel's own code exactly, then a code or name of the name table, then a
/// name as the data give it (for units other than countries). Otherwise
/// the message and hint of an error: the candidates of an ambiguous name,
/// or the three closest names of units in the panel.
pub fn find_unit(panel: &Panel, names: &Names, query: &str) -> Result<usize, (String, String)> {
    let q = query.trim();
    if let Some(i) = panel.countries.iter().position(|c| c.iso3 == q) {
        return Ok(i);
    }
    let in_panel = |code: &str| panel.countries.iter().position(|c| c.iso3 == code);
    match names.resolve(q) {
        Resolved::Code(c) => {
            if let Some(i) = in_panel(&c) {
                return Ok(i);
            }
            if let CountryMatch::Found(i) = panel.match_country(q) {
                return Ok(i);
            }
            return Err((
                format!(
                    "`{q}` is {}, which is not in the data",
                    describe(names, &[c])
                ),
                "give a country of the data (`atrisk data list` shows the shipped ones)".into(),
            ));
        }
        Resolved::Ambiguous(codes) => {
            return Err((
                format!(
                    "`{q}` is ambiguous: it could be {}",
                    describe(names, &codes)
                ),
                "give the ISO3 code or a fuller name of the country meant".into(),
            ));
        }
        Resolved::Unknown => {}
    }
    match panel.match_country(q) {
        CountryMatch::Found(i) => return Ok(i),
        CountryMatch::Ambiguous(found) => {
            let units: Vec<String> = found
                .iter()
                .take(20)
                .map(|&i| {
                    let c = &panel.countries[i];
                    format!("`{}` ({})", c.iso3, c.name)
                })
                .collect();
            return Err((
                format!(
                    "`{q}` matches {} units in the data: {}",
                    found.len(),
                    units.join(", ")
                ),
                "give the exact code of the unit meant".into(),
            ));
        }
        CountryMatch::None => {}
    }
    let near = names.closest(q, 3, |c| in_panel(c).is_some());
    let hint = if near.is_empty() {
        let codes = panel
            .countries
            .iter()
            .flat_map(|c| [c.iso3.as_str(), c.name.as_str()]);
        match crate::diagnostic::did_you_mean(q, codes) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "give an ISO3 code or a country name ({} units in the data)",
                panel.countries.len()
            ),
        }
    } else {
        let list: Vec<String> = near
            .iter()
            .map(|(_, c)| {
                let n = in_panel(c).map_or(c.as_str(), |i| panel.countries[i].name.as_str());
                format!("{n} ({c})")
            })
            .collect();
        format!("the closest names in the data: {}", list.join(", "))
    };
    Err((format!("no country `{q}` in the data"), hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(q: &str) -> Resolved {
        Names::shipped().resolve(q)
    }

    fn is(q: &str, iso3: &str) {
        assert_eq!(code(q), Resolved::Code(iso3.into()), "{q}");
    }

    #[test]
    fn everyday_and_official_forms() {
        for (q, c) in [
            ("USA", "USA"),
            ("usa", "USA"),
            ("United States of America", "USA"),
            ("UK", "GBR"),
            ("DRC", "COD"),
            ("DR Congo", "COD"),
            ("Democratic Republic of the Congo", "COD"),
            ("Congo", "COG"),
            ("Burma", "MMR"),
            ("Myanmar", "MMR"),
            ("Ivory Coast", "CIV"),
            ("Côte d’Ivoire", "CIV"),
            ("Turkey", "TUR"),
            ("Türkiye", "TUR"),
            ("Cape Verde", "CPV"),
            ("Swaziland", "SWZ"),
            ("Czech Republic", "CZE"),
            ("Macedonia", "MKD"),
            ("East Timor", "TLS"),
            ("Palestine", "PSE"),
            ("State of Palestine", "PSE"),
            ("Bolivia (Plurinational State of)", "BOL"),
            ("Korea, Republic of", "KOR"),
            ("Republic of Korea", "KOR"),
            ("the Republic of Korea", "KOR"),
            ("Korea, Dem. People's Rep.", "PRK"),
            ("Guinea", "GIN"),
            ("Guinea-Bissau", "GNB"),
            ("St. Lucia", "LCA"),
            ("Iran (Islamic Republic of)", "IRN"),
            ("  SUDAN ", "SDN"),
        ] {
            is(q, c);
        }
    }

    #[test]
    fn ambiguous_and_unknown_names() {
        assert_eq!(
            code("Korea"),
            Resolved::Ambiguous(vec!["KOR".into(), "PRK".into()])
        );
        assert_eq!(code("Atlantis"), Resolved::Unknown);
        let near = Names::shipped().closest("Sudann", 3, |_| true);
        assert_eq!(near.len(), 3);
        assert_eq!(near[0].1, "SDN");
        let near = Names::shipped().closest("Sudan", 3, |c| c != "SDN");
        assert_eq!(near[0].1, "SSD", "{near:?}");
    }

    #[test]
    fn a_code_wins_over_a_name() {
        // `--names` maps a three-letter word that is a code to another code:
        // the code still wins.
        let n = Names::with_file("n.csv", b"name,iso3\nSDN,SSD\nMy Land,sdn\n").unwrap();
        assert_eq!(n.resolve("sdn"), Resolved::Code("SDN".into()));
        assert_eq!(n.resolve("my land"), Resolved::Code("SDN".into()));
    }

    #[test]
    fn a_names_file_overrides_and_conflicts_are_errors() {
        let n = Names::with_file("n.csv", "\u{feff}name,iso3\nCongo,COD\n".as_bytes()).unwrap();
        assert_eq!(n.resolve("Congo"), Resolved::Code("COD".into()));
        assert_eq!(n.resolve("Congo-Brazzaville"), Resolved::Code("COG".into()));
        let e =
            Names::with_file("n.csv", b"name,iso3\nNorthland,NOR\nnorthland,SWE\n").unwrap_err();
        assert_eq!(e.code, "D052");
        assert_eq!(e.labels.len(), 2);
        assert_eq!((e.labels[0].line, e.labels[1].line), (2, 3));
        let e = Names::with_file("n.csv", b"country,code\nX,NOR\n").unwrap_err();
        assert_eq!(e.code, "D051");
        let e = Names::with_file("n.csv", b"name,iso3\nX,NORW\n").unwrap_err();
        assert_eq!((e.code, e.labels[0].line), ("D051", 2));
    }

    #[test]
    fn normalising() {
        assert_eq!(normalise("Korea, Republic of"), "republic of korea");
        assert_eq!(normalise("The Gambia"), "gambia");
        assert_eq!(normalise("Bahamas, The"), "bahamas");
        assert_eq!(normalise("São Tomé & Príncipe"), "sao tome and principe");
        assert_eq!(normalise("St. Kitts"), "saint kitts");
    }
}
