//! Joining data keyed by Correlates of War (COW) country codes or by country
//! names to ISO 3166-1 alpha-3 codes, through the correspondence table
//! shipped in `units.csv` (built by `scripts/build_units.py`; see
//! `docs/rule-format.md`, section 31, for its sources). A row whose code or
//! name has no ISO3 code is an error that lists them all (D042): no row is
//! left out unseen.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use super::Input;
use super::names::{Names, Resolved, describe};
use super::read::data_err;
use super::stream::split_record;
use crate::diagnostic::Diagnostic;

/// The correspondence table: `scheme,code,iso3,first_year,last_year`.
pub const TABLE: &str = include_str!("units.csv");

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Correlates of War numeric country codes.
    Cow,
    /// Country names.
    Name,
}

/// `--to-iso3 COL:cow` or `--to-iso3 COL:name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToIso3 {
    /// The column holding codes or names.
    pub column: String,
    /// What it holds.
    pub scheme: Scheme,
}

impl FromStr for ToIso3 {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (column, scheme) = s
            .rsplit_once(':')
            .ok_or_else(|| format!("`{s}`: write COLUMN:cow or COLUMN:name, e.g. ccode:cow"))?;
        let scheme = match scheme.trim().to_ascii_lowercase().as_str() {
            "cow" => Scheme::Cow,
            "name" => Scheme::Name,
            other => return Err(format!("`{other}` is not `cow` or `name`")),
        };
        let column = column.trim();
        if column.is_empty() || column.eq_ignore_ascii_case("year") {
            return Err(format!(
                "`{s}`: name the column that holds the codes or names"
            ));
        }
        Ok(ToIso3 {
            column: column.to_string(),
            scheme,
        })
    }
}

/// A code or name as looked up: COW codes as whole numbers (`2.0` is `2`),
/// names without case and with spaces collapsed.
fn normalise(scheme: Scheme, code: &str) -> String {
    let t = code.trim();
    match scheme {
        Scheme::Cow => match t.parse::<f64>() {
            Ok(v) if v.fract() == 0.0 && v.abs() < 1e9 => format!("{}", v as i64),
            _ => t.to_string(),
        },
        Scheme::Name => t
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
    }
}

/// Periods of one code: (first year, last year, iso3); open ends are `None`.
type Periods = Vec<(Option<i32>, Option<i32>, String)>;

/// The shipped correspondence table, for lookups; names go through the
/// name table ([`Names`]).
#[derive(Debug, Clone)]
pub struct Mapping {
    map: HashMap<(Scheme, String), Periods>,
    names: Names,
}

impl Mapping {
    /// Reads the shipped table.
    pub fn shipped() -> Mapping {
        let mut map: HashMap<(Scheme, String), Periods> = HashMap::new();
        let mut r = csv::Reader::from_reader(TABLE.as_bytes());
        for rec in r.records().flatten() {
            let scheme = match &rec[0] {
                "cow" => Scheme::Cow,
                _ => Scheme::Name,
            };
            let year = |i: usize| rec[i].parse::<i32>().ok();
            map.entry((scheme, normalise(scheme, &rec[1])))
                .or_default()
                .push((year(3), year(4), rec[2].to_string()));
        }
        Mapping {
            map,
            names: Names::shipped().clone(),
        }
    }

    /// The shipped tables with another name table (from `--names`).
    pub fn with_names(names: &Names) -> Mapping {
        Mapping {
            names: names.clone(),
            ..Mapping::shipped()
        }
    }

    /// What a COW code or a name stands for in a year.
    fn lookup(&self, scheme: Scheme, code: &str, year: Option<i32>) -> Resolved {
        match scheme {
            Scheme::Name => self.names.resolve(code),
            Scheme::Cow => self
                .iso3(scheme, code, year)
                .map_or(Resolved::Unknown, |c| Resolved::Code(c.to_string())),
        }
    }

    /// The ISO3 code of a COW code or a name in a year, if known; names
    /// as in the correspondence table only (see [`Names`] for every form).
    pub fn iso3(&self, scheme: Scheme, code: &str, year: Option<i32>) -> Option<&str> {
        let periods = self.map.get(&(scheme, normalise(scheme, code)))?;
        if let [(_, _, iso)] = periods.as_slice() {
            return Some(iso);
        }
        let y = year?;
        periods
            .iter()
            .find(|(a, b, _)| a.is_none_or(|a| y >= a) && b.is_none_or(|b| y <= b))
            .map(|(_, _, iso)| iso.as_str())
    }
}

/// The text of a data file with an `iso3` field added at the end of every
/// row, derived from `spec.column` (lines and the other fields keep their
/// places, so messages still point at the file as it is). `Ok(None)` when
/// the file has no such column. D042 lists the codes without an ISO3 code;
/// D043 refuses a file that already has an `iso3` column.
pub fn add_iso3(
    input: &Input<'_>,
    spec: &ToIso3,
    mapping: &Mapping,
) -> Result<Option<Vec<u8>>, Diagnostic> {
    let name = &input.name;
    let text = super::read::strip_bom(input.bytes);
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    let mut lines = body.split(|b| *b == b'\n');
    let header = lines.next().unwrap_or_default();
    let mut fields = Vec::new();
    split_record(header, usize::MAX, &mut fields);
    let heads: Vec<String> = fields
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_string())
        .collect();
    let find = |n: &str| heads.iter().position(|h| h.eq_ignore_ascii_case(n));
    let Some(col) = find(&spec.column) else {
        return Ok(None);
    };
    if find(super::DEFAULT_UNIT_KEY).is_some() {
        return Err(data_err(
            "D043",
            format!(
                "`{name}` has an `iso3` column already, and --to-iso3 would add another from `{}`",
                spec.column
            ),
        )
        .at(name, 1, 1, 1, "header")
        .with_hint("drop --to-iso3 for this data, or rename its `iso3` column"));
    }
    let year_f = find("year");
    let mut out = Vec::with_capacity(text.len() + text.len() / 8);
    // Unmatched value -> (first line, rows).
    let mut unmatched: BTreeMap<String, (u64, usize, Resolved)> = BTreeMap::new();
    let push = |out: &mut Vec<u8>, line: &[u8], extra: &str| {
        let (body, cr) = match line.strip_suffix(b"\r") {
            Some(b) => (b, &b"\r"[..]),
            None => (line, &b""[..]),
        };
        out.extend_from_slice(body);
        out.push(b',');
        out.extend_from_slice(extra.as_bytes());
        out.extend_from_slice(cr);
        out.push(b'\n');
    };
    push(&mut out, header, super::DEFAULT_UNIT_KEY);
    for (i, line) in lines.enumerate() {
        let n = i as u64 + 2;
        if line.trim_ascii().is_empty() {
            out.extend_from_slice(line);
            out.push(b'\n');
            continue;
        }
        let upto = col.max(year_f.unwrap_or(0));
        if split_record(line, upto, &mut fields).is_none() || fields.len() <= col {
            // Left as it is: the reader reports what is wrong with it.
            push(&mut out, line, "");
            continue;
        }
        let code = String::from_utf8_lossy(&fields[col]).trim().to_string();
        let year = year_f
            .and_then(|f| fields.get(f))
            .and_then(|y| std::str::from_utf8(y).ok()?.trim().parse().ok());
        match mapping.lookup(spec.scheme, &code, year) {
            Resolved::Code(iso) => push(&mut out, line, &iso),
            found => {
                let e = unmatched.entry(code).or_insert((n, 0, found));
                e.1 += 1;
                push(&mut out, line, "");
            }
        }
    }
    if unmatched.is_empty() {
        return Ok(Some(out));
    }
    let rows: usize = unmatched.values().map(|(_, c, _)| c).sum();
    let what = match spec.scheme {
        Scheme::Cow => "Correlates of War code",
        Scheme::Name => "country name",
    };
    let list: Vec<String> = unmatched
        .iter()
        .map(|(v, (l, c, found))| {
            let more = match found {
                Resolved::Ambiguous(codes) => {
                    format!("; could be {}", describe(&mapping.names, codes))
                }
                _ if spec.scheme == Scheme::Name && !v.is_empty() => {
                    let near = mapping.names.closest(v, 3, |_| true);
                    let near: Vec<String> =
                        near.iter().map(|(n, c)| format!("{n} ({c})")).collect();
                    format!("; closest: {}", near.join(", "))
                }
                _ => String::new(),
            };
            let v = if v.is_empty() { "(empty)" } else { v };
            format!(
                "`{v}` (line {l}{}{more})",
                if *c > 1 {
                    format!(", {c} rows")
                } else {
                    String::new()
                }
            )
        })
        .collect();
    let mut d = data_err(
        "D042",
        format!(
            "{rows} row{} of `{name}` have a {what} in `{}` with no ISO3 code: {}",
            if rows == 1 { "" } else { "s" },
            spec.column,
            list.join(", ")
        ),
    );
    for (l, _, _) in unmatched.values().take(5) {
        d = d.at(name, *l, 1, 1, "no ISO3 code");
    }
    Err(d.with_hint(
        "correct these codes or names, or remove their rows, or add an `iso3` column yourself, \
         or map names with --names FILE (a CSV `name,iso3`); \
         the correspondence tables and their sources are in docs/rule-format.md, section 31",
    ))
}

/// The column of country names that keys a file without an `iso3` column.
pub const NAME_COLUMN: &str = "country";

/// Whether a file's header has no `iso3` column but a `country` column: such
/// a file is keyed by country names, as with `--to-iso3 country:name`.
pub fn keyed_by_names(bytes: &[u8]) -> bool {
    let text = super::read::strip_bom(bytes);
    let header = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let mut fields = Vec::new();
    split_record(header, usize::MAX, &mut fields);
    let has = |n: &str| {
        fields
            .iter()
            .any(|f| String::from_utf8_lossy(f).trim().eq_ignore_ascii_case(n))
    };
    !has(super::DEFAULT_UNIT_KEY) && has(NAME_COLUMN)
}

/// [`add_iso3`] on a file's bytes with the shipped table: the new text, or
/// the bytes unchanged when the file has no such column; on error, the
/// diagnostic and the file's text for its snippet.
pub fn to_iso3_or_keep(
    name: &str,
    bytes: Vec<u8>,
    spec: &ToIso3,
    names: &Names,
) -> Result<Vec<u8>, (Diagnostic, String)> {
    let input = Input {
        name: name.to_string(),
        prefix: None,
        bytes: &bytes,
    };
    match add_iso3(&input, spec, &Mapping::with_names(names)) {
        Ok(Some(text)) => Ok(text),
        Ok(None) => Ok(bytes),
        Err(d) => Err((d, String::from_utf8_lossy(&bytes).to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_by_year() {
        let m = Mapping::shipped();
        assert_eq!(m.iso3(Scheme::Cow, "2", None), Some("USA"));
        assert_eq!(m.iso3(Scheme::Cow, " 625.0", Some(2020)), Some("SDN"));
        assert_eq!(
            m.iso3(Scheme::Name, "  Korea,   Republic of ", None),
            Some("KOR")
        );
        assert_eq!(m.iso3(Scheme::Name, "SUDAN", None), Some("SDN"));
        assert_eq!(m.iso3(Scheme::Cow, "99999", Some(2020)), None);
        assert_eq!(m.iso3(Scheme::Name, "Atlantis", None), None);
        assert!("ccode".parse::<ToIso3>().is_err());
        assert!("ccode:iso".parse::<ToIso3>().is_err());
        assert!("year:cow".parse::<ToIso3>().is_err());
        assert_eq!(
            "ccode:COW".parse::<ToIso3>(),
            Ok(ToIso3 {
                column: "ccode".into(),
                scheme: Scheme::Cow
            })
        );
    }

    #[test]
    fn iso3_is_added_and_unmatched_rows_are_listed() {
        let m = Mapping::shipped();
        let spec: ToIso3 = "ccode:cow".parse().unwrap();
        // Synthetic values keyed by real COW codes.
        let csv = "ccode,year,x\r\n2,2020,1\r\n\r\n625,2020,2\r\n";
        let input = Input {
            name: "c.csv".into(),
            prefix: None,
            bytes: csv.as_bytes(),
        };
        let out = add_iso3(&input, &spec, &m).unwrap().unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ccode,year,x,iso3\r\n2,2020,1,USA\r\n\r\n625,2020,2,SDN\r\n"
        );
        let csv = "ccode,year,x\n2,2020,1\n99999,2020,2\n99999,2021,2\n,2020,3\n";
        let input = Input {
            bytes: csv.as_bytes(),
            ..input
        };
        let e = add_iso3(&input, &spec, &m).unwrap_err();
        assert_eq!(e.code, "D042");
        assert!(e.message.contains("3 rows"), "{}", e.message);
        assert!(
            e.message.contains("`99999` (line 3, 2 rows)"),
            "{}",
            e.message
        );
        assert!(e.message.contains("`(empty)` (line 5)"), "{}", e.message);
        assert_eq!(e.location().unwrap(), "c.csv:5:1");
        // A file without the column is left alone; one with iso3 is refused.
        let input = Input {
            bytes: b"iso3,year,x\nUSA,2020,1\n",
            ..input
        };
        let other: ToIso3 = "gwcode:cow".parse().unwrap();
        assert_eq!(add_iso3(&input, &other, &m).unwrap(), None);
        let both = Input {
            bytes: b"iso3,ccode,year\nUSA,2,2020\n",
            ..input
        };
        assert_eq!(add_iso3(&both, &spec, &m).unwrap_err().code, "D043");
    }
}
