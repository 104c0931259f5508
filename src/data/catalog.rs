//! What the shipped data hold: for each embedded data file, its columns with
//! one line of meaning each (from `examples/data/columns.yaml`), their
//! sources, versions and licences, and the years and countries that have
//! values, counted in the data themselves.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Panel;

/// A licence of shipped data.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    /// Its name, as the sources give it (`CC BY 4.0`).
    pub id: String,
    /// Where its text is published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// What it means for the data, where it is not a published licence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A source of shipped columns.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Short id, used by the columns.
    pub id: String,
    /// Publisher and data set, and the route the data came by.
    pub name: String,
    /// Release or version.
    pub version: String,
    /// Licence id (one of [`Catalog::licences`]).
    pub licence: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    licences: Vec<Licence>,
    sources: Vec<Source>,
    files: Vec<FileTable>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTable {
    file: String,
    doc: String,
    keys: Vec<(String, String)>,
    columns: Vec<(String, String, String)>,
}

/// A key column of a file (the unit and the year).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Key {
    /// Column name.
    pub column: String,
    /// What it holds.
    pub meaning: String,
}

/// One data column of a shipped file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnEntry {
    /// Column name, as frameworks read it.
    pub column: String,
    /// One line on what it holds.
    pub meaning: String,
    /// Source id (one of [`Catalog::sources`]).
    pub source: String,
    /// First year with a value.
    pub first_year: Option<i32>,
    /// Last year with a value.
    pub last_year: Option<i32>,
    /// Countries with at least one value.
    pub countries: usize,
    /// Country-years with a value.
    pub values: usize,
}

/// One shipped data file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileEntry {
    /// Path in the repository, as the panel names it.
    pub file: String,
    /// Where its columns are described in full.
    pub doc: String,
    /// Data rows (the header not counted).
    pub rows: usize,
    /// Countries with at least one value in any of its columns.
    pub countries: usize,
    /// First year with a value in any of its columns.
    pub first_year: Option<i32>,
    /// Last year with a value in any of its columns.
    pub last_year: Option<i32>,
    /// The sources of its columns, in the order the columns first use them.
    pub sources: Vec<String>,
    /// The licences of its columns, in the same order.
    pub licences: Vec<String>,
    /// Key columns.
    pub keys: Vec<Key>,
    /// Data columns, in file order.
    pub columns: Vec<ColumnEntry>,
}

/// The shipped data described.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Catalog {
    /// The data files.
    pub files: Vec<FileEntry>,
    /// The sources of their columns.
    pub sources: Vec<Source>,
    /// The licences of their sources.
    pub licences: Vec<Licence>,
}

impl Catalog {
    /// A source by id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// A licence by id.
    pub fn licence(&self, id: &str) -> Option<&Licence> {
        self.licences.iter().find(|l| l.id == id)
    }
}

/// The header fields of a CSV file (its first line).
fn header(bytes: &[u8]) -> Vec<String> {
    let end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end])
        .trim_end_matches('\r')
        .split(',')
        .map(str::to_string)
        .collect()
}

/// Data rows of a CSV file: its lines after the header.
fn rows(bytes: &[u8]) -> usize {
    let lines = memchr::memchr_iter(b'\n', bytes).count();
    let unterminated = usize::from(!bytes.is_empty() && !bytes.ends_with(b"\n"));
    (lines + unterminated).saturating_sub(1)
}

/// Years and countries with a value in some of the panel's columns:
/// (first year, last year, countries, country-years with a value).
fn coverage(panel: &Panel, columns: &[usize]) -> (Option<i32>, Option<i32>, usize, usize) {
    let (mut first, mut last, mut countries, mut values) = (None::<i32>, None::<i32>, 0, 0);
    for c in 0..panel.countries.len() {
        let mut any = false;
        for y in 0..panel.n_years {
            let cell = panel.cell(c, y);
            let n = columns
                .iter()
                .filter(|&&k| !panel.value(k, cell).is_nan())
                .count();
            if n == 0 {
                continue;
            }
            any = true;
            values += n;
            let year = panel.year(y);
            first = Some(first.map_or(year, |f| f.min(year)));
            last = Some(last.map_or(year, |l| l.max(year)));
        }
        countries += usize::from(any);
    }
    (first, last, countries, values)
}

/// Describes data files from the column table (`table`, the text of
/// `columns.yaml`), the files' bytes and the panel read from them. Fails,
/// naming the column, when a column of a file has no line in the table or
/// a line of the table names no column, a source or a licence that is not
/// listed.
pub fn describe(table: &str, files: &[(&str, &[u8])], panel: &Panel) -> Result<Catalog, String> {
    let t: Table = serde_saphyr::from_str(table).map_err(|e| e.to_string())?;
    for s in &t.sources {
        if !t.licences.iter().any(|l| l.id == s.licence) {
            return Err(format!(
                "source `{}`: licence `{}` is not listed",
                s.id, s.licence
            ));
        }
    }
    let mut out = Vec::new();
    for (name, bytes) in files {
        let Some(ft) = t.files.iter().find(|f| f.file == *name) else {
            return Err(format!("`{name}` has no entry"));
        };
        let head = header(bytes);
        for h in &head {
            let known = ft.keys.iter().any(|(k, _)| k == h) || ft.columns.iter().any(|c| &c.0 == h);
            if !known {
                return Err(format!("{name}: column `{h}` has no line"));
            }
        }
        let mut columns = Vec::new();
        let mut indices = Vec::new();
        let (mut sources, mut licences) = (Vec::<String>::new(), Vec::<String>::new());
        for h in &head {
            let Some((column, source, meaning)) = ft.columns.iter().find(|c| &c.0 == h) else {
                continue;
            };
            let Some(s) = t.sources.iter().find(|s| &s.id == source) else {
                return Err(format!(
                    "{name}: `{column}`: source `{source}` is not listed"
                ));
            };
            let Some(k) = panel.column(column) else {
                return Err(format!("{name}: `{column}` is not in the data"));
            };
            if !sources.contains(&s.id) {
                sources.push(s.id.clone());
            }
            if !licences.contains(&s.licence) {
                licences.push(s.licence.clone());
            }
            let (first_year, last_year, countries, values) = coverage(panel, &[k]);
            indices.push(k);
            columns.push(ColumnEntry {
                column: column.clone(),
                meaning: meaning.clone(),
                source: source.clone(),
                first_year,
                last_year,
                countries,
                values,
            });
        }
        for (c, ..) in &ft.columns {
            if !head.contains(c) {
                return Err(format!("{name}: `{c}` has a line but is not in the file"));
            }
        }
        let keys = ft
            .keys
            .iter()
            .map(|(k, m)| Key {
                column: k.clone(),
                meaning: m.clone(),
            })
            .collect();
        let (first_year, last_year, countries, _) = coverage(panel, &indices);
        out.push(FileEntry {
            file: (*name).to_string(),
            doc: ft.doc.clone(),
            rows: rows(bytes),
            countries,
            first_year,
            last_year,
            sources,
            licences,
            keys,
            columns,
        });
    }
    let used: BTreeSet<&str> = out
        .iter()
        .flat_map(|f| f.sources.iter().map(String::as_str))
        .collect();
    let sources: Vec<Source> = t
        .sources
        .into_iter()
        .filter(|s| used.contains(s.id.as_str()))
        .collect();
    let licences = t
        .licences
        .into_iter()
        .filter(|l| sources.iter().any(|s| s.licence == l.id))
        .collect();
    Ok(Catalog {
        files: out,
        sources,
        licences,
    })
}

/// The shipped data files described (see [`describe`]), with the panel
/// read from them.
pub fn shipped() -> Result<(Catalog, Panel), String> {
    let panel = Panel::load(&crate::embedded::inputs()).map_err(|d| d.message)?;
    let catalog = describe(
        crate::embedded::DATA_COLUMNS.1,
        &crate::embedded::DATA,
        &panel,
    )?;
    Ok((catalog, panel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_column_has_one_line_and_is_documented() {
        let (catalog, panel) = shipped().unwrap();
        assert_eq!(catalog.files.len(), crate::embedded::DATA.len());
        let listed: usize = catalog.files.iter().map(|f| f.columns.len()).sum();
        assert_eq!(listed, panel.columns.len());
        for f in &catalog.files {
            let doc = std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&f.doc),
            )
            .unwrap();
            for c in &f.columns {
                assert!(!c.meaning.trim().is_empty(), "{}", c.column);
                let words = doc
                    .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                    .any(|w| w == c.column);
                assert!(words, "`{}` is not documented in {}", c.column, f.doc);
                // Each line in the table says once what the column holds.
                let lines = crate::embedded::DATA_COLUMNS
                    .1
                    .lines()
                    .filter(|l| l.trim_start().starts_with(&format!("- [{},", c.column)))
                    .count();
                assert_eq!(lines, 1, "{}", c.column);
            }
            assert!(f.rows > 0 && f.countries > 0, "{}", f.file);
            // SOURCES.md heads each file's section with its licences.
            let name = f.file.rsplit('/').next().unwrap_or_default();
            if let Some(head) = doc.lines().find(|l| l.starts_with(&format!("## `{name}`"))) {
                for l in &f.licences {
                    assert!(head.contains(l.as_str()), "{head} lacks {l}");
                }
            }
        }
        let sources_md = crate::embedded::DATA_SOURCES.1;
        assert!(sources_md.contains("## `panel.csv`") && sources_md.contains("## `vdem.csv`"));
        // Every listed source is used and every source's licence listed.
        for s in &catalog.sources {
            assert!(catalog.licence(&s.licence).is_some(), "{}", s.id);
        }
    }

    #[test]
    fn counts_come_from_the_data() {
        let (catalog, _) = shipped().unwrap();
        let panel = &catalog.files[0];
        assert_eq!(panel.file, "examples/data/panel.csv");
        // 176 countries x 35 years (SOURCES.md).
        assert_eq!(panel.rows, 6160);
        assert_eq!(
            (panel.first_year, panel.last_year),
            (Some(1990), Some(2024))
        );
        let col = |name: &str| panel.columns.iter().find(|c| c.column == name).unwrap();
        // Fariss human-rights scores end in 2019; PITF in 2015 (SOURCES.md).
        assert_eq!(col("hrp_score").last_year, Some(2019));
        assert_eq!(col("pitf_genocide").last_year, Some(2015));
        // Taiwan has no World Bank population series.
        assert_eq!(col("population").countries, 175);
        let vdem = &catalog.files[1];
        assert_eq!(vdem.licences, ["CC BY-SA 4.0"]);
        assert_eq!(panel.licences, ["CC BY 4.0", "CC BY 3.0 IGO"]);
    }

    #[test]
    fn a_column_without_a_line_is_named() {
        // Synthetic files.
        let table = "licences: [{id: L}]\nsources: [{id: s, name: S, version: '1', licence: L}]\nfiles:\n  - {file: a.csv, doc: d, keys: [[iso3, code], [year, year]], columns: [[x, s, an x]]}\n";
        let text = "iso3,year,x,y\nAAA,2000,1,2\n";
        let panel = Panel::load(&crate::data::test_inputs(&[("a.csv", text)])).unwrap();
        let e = describe(table, &[("a.csv", text.as_bytes())], &panel).unwrap_err();
        assert!(e.contains("`y` has no line"), "{e}");
        let text = "iso3,year,x\nAAA,2000,1\nAAA,2001,\n";
        let panel = Panel::load(&crate::data::test_inputs(&[("a.csv", text)])).unwrap();
        let c = describe(table, &[("a.csv", text.as_bytes())], &panel).unwrap();
        let f = &c.files[0];
        assert_eq!((f.rows, f.countries, f.columns[0].values), (2, 1, 1));
        assert_eq!(f.columns[0].last_year, Some(2000));
        let bad = table.replace("[x, s,", "[x, t,");
        let e = describe(&bad, &[("a.csv", text.as_bytes())], &panel).unwrap_err();
        assert!(e.contains("source `t`"), "{e}");
        let stale = table.replace("[[x, s, an x]]", "[[x, s, an x], [z, s, gone]]");
        let e = describe(&stale, &[("a.csv", text.as_bytes())], &panel).unwrap_err();
        assert!(e.contains("`z`"), "{e}");
    }
}
