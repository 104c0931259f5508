//! Country-year panels read from CSV files, in wide or long form, joined on
//! (iso3, year). Every value keeps the file, line and column it came from.
//! Analyst assessments ([`assessments`]) are added to a panel as columns.
//!
//! Files: [`read`] is the one CSV reading layer (byte order marks, line
//! endings, control characters and the input limits, in one place); `table`
//! reads one wide or long file; [`panel`] joins them into a [`Panel`];
//! [`stream`] reads a large sorted file block by block; [`units`] maps
//! other unit codes to ISO3; [`assessments`] reads analyst assessments.

pub mod assessments;
pub mod panel;
pub mod read;
pub mod stream;
mod table;
pub mod units;

pub use panel::{Analyst, AssessedCell, CellRef, Column, Confidence, Country, Input, Panel};
pub(crate) use read::field_char_col;

#[cfg(test)]
use crate::diagnostic::Diagnostic;

/// The column that identifies a unit unless a framework or the command line
/// names others.
pub const DEFAULT_UNIT_KEY: &str = "iso3";

/// Joins the values of a unit key of several columns into one unit code.
pub const UNIT_KEY_SEPARATOR: &str = "|";

fn key_label(key: &[String]) -> String {
    key.join(UNIT_KEY_SEPARATOR)
}

/// Cell texts read as missing values.
pub const MISSING_MARKERS: [&str; 4] = ["", "NA", "NaN", "nan"];

/// Inputs from (name, text) pairs, without prefixes.
#[cfg(test)]
pub(crate) fn test_inputs<'a>(files: &[(&str, &'a str)]) -> Vec<Input<'a>> {
    files
        .iter()
        .map(|(n, t)| Input {
            name: (*n).to_string(),
            prefix: None,
            bytes: t.as_bytes(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(files: &[(&str, &str)]) -> Result<Panel, Diagnostic> {
        Panel::load(&test_inputs(files))
    }

    fn keyed(files: &[(&str, &str)], key: &[&str]) -> Result<Panel, Diagnostic> {
        let key: Vec<String> = key.iter().map(|k| (*k).to_string()).collect();
        Panel::load_keyed(&test_inputs(files), &key)
    }

    #[test]
    fn a_unit_key_of_one_or_several_columns() {
        // Synthetic units: named units, and regions keyed by code and region.
        let p = keyed(
            &[("u.csv", "year,unit,x\n2001,North/East,1\n2001,South,2\n")],
            &["unit"],
        )
        .unwrap();
        let codes: Vec<&str> = p.countries.iter().map(|c| c.iso3.as_str()).collect();
        assert_eq!(codes, ["North/East", "South"]);
        assert_eq!(p.unit_key_label(), "unit");
        assert_eq!(p.column_names().collect::<Vec<_>>(), ["x"]);
        let p = keyed(
            &[(
                "r.csv",
                "iso3,admin1,year,x\nAAA,South,2001,1\nAAA,North,2001,2\nBBB,North,2001,3\n",
            )],
            &["iso3", "admin1"],
        )
        .unwrap();
        let codes: Vec<&str> = p.countries.iter().map(|c| c.iso3.as_str()).collect();
        assert_eq!(codes, ["AAA|North", "AAA|South", "BBB|North"]);
        let x = p.column("x").unwrap();
        assert_eq!(p.value(x, p.cell(1, 0)), 1.0);
        // Rows of two regions (coded 1 and 2) under the default key are
        // duplicates of (AAA, 2001).
        let e = load(&[("r.csv", "iso3,admin1,year,x\nAAA,1,2001,1\nAAA,2,2001,2\n")]).unwrap_err();
        assert_eq!(e.code, "D005");
        // An empty part of a composite key is named.
        let e = keyed(
            &[("r.csv", "iso3,admin1,year,x\nAAA,,2001,1\n")],
            &["iso3", "admin1"],
        )
        .unwrap_err();
        assert_eq!(e.code, "D011");
        assert!(e.message.contains("`admin1`"), "{}", e.message);
        // A missing key column names the key and how to change it.
        let e = keyed(&[("r.csv", "iso3,year,x\nAAA,2001,1\n")], &["ewp_name"]).unwrap_err();
        assert_eq!(e.code, "D003");
        assert!(e.message.contains("`ewp_name`"), "{}", e.message);
        assert!(
            e.hint.as_deref().is_some_and(|h| h.contains("unit_key")),
            "{e:?}"
        );
    }

    #[test]
    fn wide_and_long_join() {
        let p = load(&[
            (
                "a.csv",
                "iso3,country,year,x\nAAA,Alpha,2000,1\nAAA,Alpha,2002,NA\nBBB,Beta,2001,3.5\n",
            ),
            (
                "b.csv",
                "iso3,year,indicator,value\nAAA,2001,y,7\nBBB,2001,y,\n",
            ),
        ])
        .unwrap();
        assert_eq!(p.countries.len(), 2);
        assert_eq!(p.countries[0].name, "Alpha");
        assert_eq!((p.first_year, p.n_years), (2000, 3));
        let x = p.column("x").unwrap();
        let y = p.column("y").unwrap();
        assert_eq!(p.value(x, p.cell(0, 0)), 1.0);
        assert!(p.value(x, p.cell(0, 2)).is_nan());
        assert_eq!(p.value(x, p.cell(1, 1)), 3.5);
        assert_eq!(p.value(y, p.cell(0, 1)), 7.0);
        assert!(p.value(y, p.cell(1, 1)).is_nan());
        let r = p.cell_ref(x, p.cell(1, 1));
        assert_eq!(
            (r.file.as_str(), r.line, r.column.as_str(), r.year),
            ("a.csv", 4, "x", 2001)
        );
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let e = load(&[("a.csv", "iso3,year,x\nAAA,2000,1\nAAA,2001,abc\n")]).unwrap_err();
        assert_eq!(e.code, "D004");
        assert_eq!(e.location().unwrap(), "a.csv:3:10");
        let e = load(&[("a.csv", "iso3,year,x\nAAA,2000,1\nAAA,2000,2\n")]).unwrap_err();
        assert_eq!(e.code, "D005");
        assert_eq!(e.location().unwrap(), "a.csv:3:1");
        let e = load(&[("a.csv", "iso3,year,x\nAAA,2000,1,4\n")]).unwrap_err();
        assert_eq!(e.code, "D006");
        let e = load(&[("a.csv", "")]).unwrap_err();
        assert_eq!(e.code, "D002");
        let e = load(&[("a.csv", "iso3,x\nAAA,1\n")]).unwrap_err();
        assert_eq!(e.code, "D003");
        let e = load(&[
            ("a.csv", "iso3,year,x\nAAA,2000,1\n"),
            ("b.csv", "iso3,year,x\nAAA,2000,1\n"),
        ])
        .unwrap_err();
        assert_eq!(e.code, "D008");
        let e = load(&[("a.csv", "iso3,year,x\nAAA,20x0,1\n")]).unwrap_err();
        assert_eq!(e.code, "D009");
    }

    #[test]
    fn non_utf8_is_reported_with_line() {
        let bytes = b"iso3,year,x\nAAA,2000,\xff\n";
        let e = Panel::load(&[Input {
            name: "a.csv".into(),
            prefix: None,
            bytes,
        }])
        .unwrap_err();
        assert_eq!(e.code, "D007");
        assert_eq!(e.labels[0].line, 2);
    }

    #[test]
    fn prefix_resolves_clash() {
        let a = "iso3,year,x\nAAA,2000,1\n";
        let p = Panel::load(&[
            Input {
                name: "a.csv".into(),
                prefix: None,
                bytes: a.as_bytes(),
            },
            Input {
                name: "b.csv".into(),
                prefix: Some("b".into()),
                bytes: a.as_bytes(),
            },
        ])
        .unwrap();
        assert!(p.column("x").is_some() && p.column("b.x").is_some());
        assert_eq!(p.cell_ref(p.column("b.x").unwrap(), 0).column, "x");
    }

    #[test]
    fn crlf_and_blank_lines_keep_true_line_numbers() {
        let e = load(&[("a.csv", "iso3,year,x\r\nAAA,2000,1\r\n\r\nAAA,2001,zz\r\n")]).unwrap_err();
        assert_eq!(e.code, "D004");
        assert_eq!(e.labels[0].line, 4);
        let p = load(&[("a.csv", "iso3,year,x\r\nAAA,2000,1\r\n\nAAA,2001,2\r\n")]).unwrap();
        let x = p.column("x").unwrap();
        assert_eq!(p.cell_ref(x, p.cell(0, 0)).line, 2);
        assert_eq!(p.cell_ref(x, p.cell(0, 1)).line, 4);
    }

    #[test]
    fn field_columns() {
        assert_eq!(field_char_col("a,b,c", 2), 5);
        assert_eq!(field_char_col("\"a,x\",b", 1), 7);
    }
}
