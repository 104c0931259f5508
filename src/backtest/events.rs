//! Events files: the country-years in which an event (such as the onset of
//! a mass killing) happened, read from CSV.
//!
//! Header: the panel's unit-key column(s) (by default `iso3`), `year`, and
//! optionally `event`. Without an `event` column every row is an onset. With
//! one, `onset` rows are onsets and `ongoing` rows mark years in which an
//! episode was under way (used to leave those years out when asked). Other
//! columns are ignored. The last year of the file (over all its rows) is
//! taken as the last year whose events are known.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Diagnostic, Origin};

/// Events joined to a panel's units.
#[derive(Debug, Clone, Default)]
pub struct Events {
    /// File name.
    pub file: String,
    /// Onsets: (unit index, year) -> 1-based line of the first row naming it.
    pub onsets: BTreeMap<(usize, i32), u32>,
    /// Country-years with an ongoing episode.
    pub ongoing: BTreeSet<(usize, i32)>,
    /// First year of any row.
    pub first_year: i32,
    /// Last year of any row: events after it are unknown.
    pub last_year: i32,
    /// Rows left out because their year lies outside the data's years.
    pub outside_years: usize,
}

fn err(code: &'static str, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, Origin::Data, msg)
}

impl Events {
    /// Reads an events file. `key` names the unit-key columns; `unit` finds
    /// the panel unit of a row's key values (`None`: not in the data);
    /// `years` is the data's first and last year. Rows outside those years
    /// are counted in [`Events::outside_years`] and otherwise left out; a
    /// row inside them naming a unit that is not in the data is an error.
    pub fn parse(
        file: &str,
        bytes: &[u8],
        key: &[String],
        unit: &dyn Fn(&[&str]) -> Option<usize>,
        years: (i32, i32),
    ) -> Result<Events, Diagnostic> {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            err("B001", format!("events file `{file}` is not valid UTF-8"))
                .at(file, 1, 1, 1, "here")
                .with_hint("save the file as UTF-8")
        })?;
        let input = crate::data::Input {
            name: file.to_string(),
            prefix: None,
            bytes: text.as_bytes(),
        };
        let (mut csv_file, header) = crate::data::read::CsvFile::open(&input, false)?;
        let heads: Vec<String> = header
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect();
        let find = |n: &str| heads.iter().position(|h| h.eq_ignore_ascii_case(n));
        let mut key_f = Vec::new();
        for k in key.iter().map(String::as_str).chain(["year"]) {
            match find(k) {
                Some(f) => key_f.push(f),
                None => {
                    return Err(err(
                        "B002",
                        format!("events file `{file}` has no `{k}` column"),
                    )
                    .at(file, 1, 1, 1, "header")
                    .with_hint(format!(
                        "an events file needs the unit key ({}) and `year`, and may have `event` (onset or ongoing)",
                        key.join(", ")
                    )));
                }
            }
        }
        let year_f = key_f.pop().expect("year was pushed last");
        let event_f = find("event");
        let mut ev = Events {
            file: file.to_string(),
            first_year: i32::MAX,
            last_year: i32::MIN,
            ..Events::default()
        };
        let lines: Vec<&str> = text.lines().collect();
        let at = |line: u32, field: usize, d: Diagnostic, label: &str| {
            let l = lines.get(line as usize - 1).copied().unwrap_or("");
            d.at(
                file,
                u64::from(line),
                crate::data::field_char_col(l, field),
                1,
                label,
            )
        };
        // Keys that match no unit: key, first line, rows.
        let mut unknown: Vec<(String, u32, usize)> = Vec::new();
        let mut rec = csv::ByteRecord::new();
        while let Some(line) = csv_file.next(&mut rec)? {
            let line = u32::try_from(line).unwrap_or(u32::MAX);
            let get = |f: usize| std::str::from_utf8(rec.get(f).unwrap_or(b"")).unwrap_or("");
            let ytext = get(year_f).trim();
            let year: i32 = match ytext.parse() {
                Ok(y) if (1000..=3000).contains(&y) => y,
                _ => {
                    return Err(at(
                        line,
                        year_f,
                        err(
                            "B003",
                            format!("`{ytext}` is not a year (line {line} of `{file}`)"),
                        ),
                        "not a year",
                    )
                    .with_hint("give the year as a number such as 2011"));
                }
            };
            let kind = event_f.map_or("onset", |f| get(f).trim());
            let onset = match kind {
                "onset" => true,
                "ongoing" => false,
                other => {
                    let f = event_f.unwrap_or(0);
                    return Err(at(
                        line,
                        f,
                        err(
                            "B003",
                            format!("unknown event `{other}` on line {line} of `{file}`"),
                        ),
                        "unknown event",
                    )
                    .with_hint("the `event` column holds `onset` or `ongoing`"));
                }
            };
            ev.first_year = ev.first_year.min(year);
            ev.last_year = ev.last_year.max(year);
            if year < years.0 || year > years.1 {
                ev.outside_years += 1;
                continue;
            }
            let vals: Vec<&str> = key_f.iter().map(|&f| get(f).trim()).collect();
            let Some(u) = unit(&vals) else {
                let key = vals.join(", ");
                match unknown.iter_mut().find(|(k, _, _)| *k == key) {
                    Some(k) => k.2 += 1,
                    None => unknown.push((key, line, 1)),
                }
                continue;
            };
            if onset {
                ev.onsets.entry((u, year)).or_insert(line);
            } else {
                ev.ongoing.insert((u, year));
            }
        }
        if let Some((first, line, _)) = unknown.first() {
            let rows: usize = unknown.iter().map(|k| k.2).sum();
            let shown: Vec<String> = unknown
                .iter()
                .take(5)
                .map(|(k, l, _)| format!("`{k}` (line {l})"))
                .collect();
            let more = if unknown.len() > 5 {
                format!(" and {} more", unknown.len() - 5)
            } else {
                String::new()
            };
            let msg = if unknown.len() == 1 {
                format!(
                    "`{first}` on line {line} of `{file}` is not a unit of the data ({rows} row(s))"
                )
            } else {
                format!(
                    "{} unit keys of `{file}` ({rows} rows within the data's years) are not units of the data: {}{more}",
                    unknown.len(),
                    shown.join(", ")
                )
            };
            return Err(at(*line, key_f[0], err("B004", msg), "unknown unit").with_hint(format!(
                "the events file must use the data's unit key ({}; see --unit-key); check the spelling, or add the units to the data",
                key.join(", ")
            )));
        }
        if ev.last_year == i32::MIN {
            return Err(err("B005", format!("events file `{file}` has no rows"))
                .at(file, 1, 1, 1, "header")
                .with_hint("add one row per event: unit key, year, event"));
        }
        if ev.onsets.is_empty() {
            return Err(err(
                "B005",
                format!(
                    "no onset in `{file}` falls within the data's years {}-{} (its rows cover {}-{})",
                    years.0, years.1, ev.first_year, ev.last_year
                ),
            )
            .at(file, 1, 1, 1, "header")
            .with_hint("use an events file for the data's years, or data that cover the events"));
        }
        Ok(ev)
    }

    /// The onset years in `t+1 ..= t+h` for a unit.
    pub fn onsets_after(&self, unit: usize, t: i32, h: u32) -> Vec<i32> {
        (1..=h as i32)
            .map(|k| t + k)
            .filter(|y| self.onsets.contains_key(&(unit, *y)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[&str]) -> Option<usize> {
        ["AAA", "BBB"].iter().position(|u| *u == v[0])
    }

    fn parse(csv: &str) -> Result<Events, Diagnostic> {
        Events::parse(
            "e.csv",
            csv.as_bytes(),
            &["iso3".to_string()],
            &unit,
            (2000, 2010),
        )
    }

    #[test]
    fn reads_onsets_and_ongoing_years() {
        // synthetic
        let e = parse("iso3,year,event,episode\nBBB,2003,onset,x\nBBB,2003,ongoing,x\nBBB,2004,ongoing,x\nAAA,1990,onset,y\nAAA,2012,ongoing,z\n").unwrap();
        assert_eq!(
            e.onsets.keys().copied().collect::<Vec<_>>(),
            vec![(1, 2003)]
        );
        assert!(e.ongoing.contains(&(1, 2004)));
        assert_eq!(
            (e.first_year, e.last_year, e.outside_years),
            (1990, 2012, 2)
        );
        assert_eq!(e.onsets_after(1, 2001, 2), vec![2003]);
        assert!(e.onsets_after(1, 2000, 2).is_empty());
    }

    #[test]
    fn bad_rows_are_located() {
        let d = parse("iso3,year\nAAA,20x1\n").unwrap_err();
        assert_eq!(
            (d.code, d.location().unwrap().as_str()),
            ("B003", "e.csv:2:5")
        );
        let d = parse("iso3,year\nAAA,2001\nZZZ,2002\n").unwrap_err();
        assert_eq!(
            (d.code, d.location().unwrap().as_str()),
            ("B004", "e.csv:3:1")
        );
        // every unmatched key is counted; the first few are named
        let d = parse("iso3,year\nZZZ,2001\nAAA,2001\nYYY,2002\nZZZ,2003\nXX1,2004\nXX2,2004\nXX3,2004\nXX4,2004\n").unwrap_err();
        assert_eq!(d.location().unwrap().as_str(), "e.csv:2:1");
        assert!(d.message.contains("6 unit keys"), "{}", d.message);
        assert!(d.message.contains("7 rows"), "{}", d.message);
        assert!(
            d.message.contains("`ZZZ` (line 2), `YYY` (line 4)"),
            "{}",
            d.message
        );
        assert!(d.message.contains("and 1 more"), "{}", d.message);
        let d = parse("year\n2001\n").unwrap_err();
        assert_eq!(d.code, "B002");
        let d = parse("iso3,year,event\nAAA,2001,started\n").unwrap_err();
        assert_eq!(d.code, "B003");
        let d = parse("iso3,year\nAAA,1950\n").unwrap_err();
        assert_eq!(d.code, "B005");
    }
}
