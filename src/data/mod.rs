//! Country-year panels read from CSV files, in wide or long form, joined on
//! (iso3, year). Every value keeps the file, line and column it came from.
//! Analyst assessments ([`assessments`]) are added to a panel as columns.
//!
//! Files: [`read`] is the one CSV reading layer (byte order marks, line
//! endings, control characters and the input limits, in one place); `table`
//! reads one wide or long file; [`panel`] joins them into a [`Panel`];
//! [`stream`] reads a large sorted file block by block; [`units`] maps
//! other unit codes to ISO3; [`names`] resolves country names as people
//! write them; [`assessments`] reads analyst assessments; [`xlsx`] reads
//! a worksheet of a workbook as a CSV text.

pub mod assessments;
pub mod catalog;
mod cells;
pub mod names;
pub mod panel;
pub mod read;
pub mod stream;
mod table;
pub mod units;
pub mod xlsx;

pub use panel::{
    Analyst, AssessedCell, CellRef, Column, Confidence, Country, CountryMatch, Input, Panel,
};
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

/// The start of the name of every panel column of analyst assessments
/// (`assessment:INDICATOR`); data columns cannot take such a name.
pub const ASSESSMENT_PREFIX: &str = "assessment:";

/// The text of a value as `inputs[].raw` gives it when the cell's own text
/// was not kept: the shortest decimal form, empty when missing.
pub fn value_text(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else {
        v.to_string()
    }
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

    /// Loading `a.csv` with this text fails with `code` at `at`.
    fn fails_at(text: &str, code: &str, at: &str) {
        let e = load(&[("a.csv", text)]).unwrap_err();
        assert_eq!(
            (e.code, e.location().unwrap().as_str()),
            (code, at),
            "{e:?}"
        );
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
    fn keys_and_names_keep_their_kinds() {
        // Synthetic units. A part of a composite key holding the separator.
        let e = keyed(
            &[("r.csv", "iso3,admin1,year,x\nAAA,North|East,2001,1\n")],
            &["iso3", "admin1"],
        )
        .unwrap_err();
        assert_eq!(e.code, "D032");
        assert_eq!(e.location().unwrap(), "r.csv:2:5");
        // With a key of one column, `|` is only a character.
        let p = keyed(&[("r.csv", "unit,year,x\nA|B,2001,1\n")], &["unit"]).unwrap();
        assert_eq!(p.countries[0].iso3, "A|B");
        // A column key named twice, in any case.
        let e = keyed(&[("r.csv", "iso3,year,x\nAAA,2001,1\n")], &["iso3", "ISO3"]).unwrap_err();
        assert_eq!(
            (e.code, e.origin),
            ("U001", crate::diagnostic::Origin::Usage)
        );
        // Data columns named like assessments, wide and long.
        let e = load(&[("a.csv", "iso3,year,Assessment:rf1.x\nAAA,2001,1\n")]).unwrap_err();
        assert_eq!(e.code, "D033");
        assert_eq!(e.location().unwrap(), "a.csv:1:11");
        fails_at(
            "iso3,year,indicator,value\nAAA,2001,x,1\nAAA,2001,assessment:x,1\n",
            "D033",
            "a.csv:3:10",
        );
        // With a prefix, the name is no longer reserved.
        let p = Panel::load(&[Input {
            name: "a.csv".into(),
            prefix: Some("p".into()),
            bytes: b"iso3,year,assessment:x\nAAA,2001,1\n",
        }])
        .unwrap();
        assert!(p.column("p.assessment:x").is_some());
        assert!(!p.is_assessed(0));
    }

    #[test]
    fn an_exact_code_wins_and_an_ambiguous_name_is_no_match() {
        let p = load(&[(
            "a.csv",
            "iso3,country,year,x\nAbc,ABC,2001,1\nABC,Other,2001,1\nabc,Third,2001,1\nDDD,Twin,2001,1\nEEE,twin,2001,1\n",
        )])
        .unwrap();
        let idx = |code: &str| p.countries.iter().position(|c| c.iso3 == code).unwrap();
        assert_eq!(p.match_country("ABC"), CountryMatch::Found(idx("ABC")));
        assert_eq!(p.match_country(" abc "), CountryMatch::Found(idx("abc")));
        assert_eq!(
            p.match_country("aBC"),
            CountryMatch::Ambiguous(vec![idx("ABC"), idx("Abc"), idx("abc")])
        );
        assert_eq!(p.match_country("third"), CountryMatch::Found(idx("abc")));
        assert_eq!(
            p.match_country("TWIN"),
            CountryMatch::Ambiguous(vec![idx("DDD"), idx("EEE")])
        );
        assert_eq!(p.find_country("TWIN"), None);
        assert_eq!(p.match_country("nowhere"), CountryMatch::None);
    }

    #[test]
    fn raw_is_the_text_of_the_cell() {
        let p = load(&[
            (
                "a.csv",
                "iso3,year,x\nAAA,2000,1.50\nAAA,2001, 2\nAAA,2002,NA\nAAA,2003,3\nAAA,2004,\n",
            ),
            ("b.csv", "iso3,year,indicator,value\nAAA,2001,y,1e3\n"),
        ])
        .unwrap();
        let (x, y) = (p.column("x").unwrap(), p.column("y").unwrap());
        let raws: Vec<String> = (0..5)
            .map(|i| p.raw(x, p.cell(0, i)).into_owned())
            .collect();
        assert_eq!(raws, ["1.50", " 2", "NA", "3", ""]);
        assert_eq!(p.raw(y, p.cell(0, 1)), "1e3");
        assert_eq!(p.value(y, p.cell(0, 1)), 1000.0);
        assert_eq!(p.raw(y, p.cell(0, 0)), "");
    }

    #[test]
    fn derived_budgets_are_checked_before_allocating() {
        // 500 synthetic units with two years 2000 years apart: 1,000,500
        // unit-years from 1,000 rows.
        let mut csv = String::from("iso3,year,x\n");
        for i in 0..500 {
            csv.push_str(&format!("U{i:03},1000,1\nU{i:03},3000,1\n"));
        }
        let e = load(&[("sparse.csv", &csv)]).unwrap_err();
        assert_eq!(e.code, "L009");
        assert!(
            e.message.contains("500 units x 2001 years"),
            "{}",
            e.message
        );
        // A header wider than `csv-columns`.
        let mut wide = String::from("iso3,year");
        for i in 0..crate::limits::Limit::CsvColumns.get() {
            wide.push_str(&format!(",c{i}"));
        }
        wide.push_str("\nAAA,2000\n");
        let e = load(&[("wide.csv", &wide)]).unwrap_err();
        assert_eq!(e.code, "L011");
        assert_eq!(e.location().unwrap(), "wide.csv:1:1");
    }

    #[test]
    fn bare_carriage_returns_after_the_first_line_are_line_ends() {
        fails_at(
            "iso3,year,x\nAAA,2000,1\rAAA,2001,2\r\nAAA,2002,zz\n",
            "D004",
            "a.csv:4:10",
        );
        let p = load(&[("a.csv", "iso3,year,x\nAAA,2000,1\rAAA,2001,2\n")]).unwrap();
        let x = p.column("x").unwrap();
        assert_eq!(p.cell_ref(x, p.cell(0, 1)).line, 3);
    }

    #[test]
    fn field_columns() {
        assert_eq!(field_char_col("a,b,c", 2), 5);
        assert_eq!(field_char_col("\"a,x\",b", 1), 7);
    }
}
