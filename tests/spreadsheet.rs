//! What spreadsheets save and hold: CSV files separated by `;` with decimal
//! commas, a byte order mark, Windows line ends, numbers with thousands
//! separators, empty columns without a name; many cells that cannot be
//! read, reported together; and workbooks (`--data FILE.xlsx#Sheet`), read
//! like the same data saved as CSV. The fixtures under
//! `tests/fixtures/spreadsheet/` are synthetic; the workbooks are built here
//! from them, and from the real data of `examples/own/milex-by-name.csv`.

mod common;

use std::path::Path;

use common::{fails, run};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;

const MINIMAL: &str = "tests/fixtures/minimal.yaml";
const POP: &str = "tests/fixtures/spreadsheet/synthetic_pop.yaml";
const DIR: &str = "tests/fixtures/spreadsheet";
const MILEX_FW: &str = "examples/extending/militarisation.yaml";
const MILEX: &str = "examples/own/milex-by-name.csv";

fn fixture(name: &str) -> String {
    format!("{DIR}/{name}")
}

/// The scores as CSV, which must succeed.
fn scores(framework: &str, data: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "score",
        "--framework",
        framework,
        "--data",
        data,
        "--format",
        "csv",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{data}: {err}");
    String::from_utf8(o.stdout).unwrap()
}

fn minimal_scores(data: &str, extra: &[&str]) -> String {
    let mut args = vec!["--no-shipped-data", "--years", "2019..2021"];
    args.extend_from_slice(extra);
    scores(MINIMAL, data, &args)
}

#[test]
fn semicolons_decimal_commas_bom_and_windows_line_ends_read_as_commas() {
    let plain = minimal_scores(&fixture("synthetic_plain.csv"), &[]);
    assert!(plain.lines().count() > 9, "{plain}");
    for f in [
        "synthetic_semicolon_decimal_comma.csv",
        "synthetic_semicolon_points.csv",
        "synthetic_bom_crlf.csv",
        "synthetic_trailing_empty_columns.csv",
    ] {
        assert_eq!(minimal_scores(&fixture(f), &[]), plain, "{f}");
    }
    // The delimiter given is the one found.
    assert_eq!(
        minimal_scores(
            &fixture("synthetic_semicolon_decimal_comma.csv"),
            &["--delimiter", ";"]
        ),
        plain
    );
    // Read with commas, the semicolon file has one column and no `iso3`;
    // the message says what to do.
    let err = fails(
        &[
            "score",
            "--framework",
            MINIMAL,
            "--no-shipped-data",
            "--delimiter",
            ",",
            "--data",
            &fixture("synthetic_semicolon_decimal_comma.csv"),
        ],
        3,
        "D003",
    );
    assert!(err.contains("no `iso3` column"), "{err}");
    // A delimiter that is part of numbers is refused as a usage error.
    let o = run(&[
        "score",
        "--delimiter",
        ".",
        "--data",
        &fixture("synthetic_plain.csv"),
    ]);
    assert_eq!(o.status.code(), Some(64));
}

#[test]
fn where_a_semicolon_file_is_wrong_its_own_line_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("synthetic.csv");
    std::fs::write(
        &p,
        "iso3;year;x;y\r\nAAA;2019;1,5;0,5\r\nAAA;2020;abc;0,5\r\n",
    )
    .unwrap();
    let err = fails(
        &[
            "score",
            "--framework",
            MINIMAL,
            "--no-shipped-data",
            "--data",
            p.to_str().unwrap(),
        ],
        3,
        "D004",
    );
    assert!(err.contains("synthetic.csv:3:10"), "{err}");
    assert!(err.contains("AAA;2020;abc;0,5"), "{err}");
}

#[test]
fn thousands_separators_are_read_when_grouped_by_three() {
    let args = ["--no-shipped-data", "--years", "2019..2020"];
    assert_eq!(
        scores(POP, &fixture("synthetic_thousands.csv"), &args),
        scores(POP, &fixture("synthetic_thousands_plain.csv"), &args)
    );
    let err = fails(
        &[
            "score",
            "--framework",
            POP,
            "--no-shipped-data",
            "--data",
            &fixture("synthetic_thousands_bad.csv"),
        ],
        3,
        "D004",
    );
    assert!(err.contains("`12,34,567`"), "{err}");
    assert!(err.contains("group digits by three"), "{err}");
    let err = fails(
        &[
            "score",
            "--framework",
            MINIMAL,
            "--no-shipped-data",
            "--data",
            &fixture("synthetic_decimal_comma_in_commas.csv"),
        ],
        3,
        "D004",
    );
    assert!(
        err.contains("decimal commas are read only from files separated by `;`"),
        "{err}"
    );
}

#[test]
fn many_bad_cells_are_counted_the_first_ten_shown_and_all_listed_as_json() {
    let data = fixture("synthetic_many_bad_cells.csv");
    let err = fails(
        &[
            "score",
            "--framework",
            MINIMAL,
            "--no-shipped-data",
            "--data",
            &data,
        ],
        3,
        "D004",
    );
    assert!(
        err.contains("14 cells of `tests/fixtures/spreadsheet/synthetic_many_bad_cells.csv` cannot be read (not a number: 12, not a year: 2)"),
        "{err}"
    );
    // Ten places shown, each with its line and column.
    assert_eq!(err.matches("is not a number").count(), 10, "{err}");
    assert!(err.contains("synthetic_many_bad_cells.csv:2:"), "{err}");
    assert!(err.contains("the first 10 of 14 are shown"), "{err}");
    let o = run(&[
        "validate",
        MINIMAL,
        "--data",
        &data,
        "--no-shipped-data",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let doc: Value = serde_json::from_slice(&o.stdout).expect("JSON on standard output");
    let d = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "D004")
        .unwrap_or_else(|| panic!("{doc}"));
    let labels = d["labels"].as_array().unwrap();
    assert_eq!(labels.len(), 14, "{d}");
    let lines: Vec<u64> = labels.iter().map(|l| l["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, (2..=15).collect::<Vec<u64>>());
    assert_eq!(labels[13]["text"], "`two` is not a year");
}

#[test]
fn a_value_under_no_column_name_is_an_error() {
    let err = fails(
        &[
            "score",
            "--framework",
            MINIMAL,
            "--no-shipped-data",
            "--data",
            &fixture("synthetic_value_without_column_name.csv"),
        ],
        3,
        "D034",
    );
    assert!(
        err.contains("synthetic_value_without_column_name.csv:3:"),
        "{err}"
    );
}

/// Writes the rows of a CSV text into a new worksheet: numbers as numbers
/// (or all as text with `as_text`), the rest as text.
fn add_sheet(wb: &mut Workbook, name: &str, csv_text: &str, as_text: bool) {
    let ws = wb.add_worksheet();
    ws.set_name(name).unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_text.as_bytes());
    for (r, rec) in rdr.records().enumerate() {
        for (c, field) in rec.unwrap().iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match field.parse::<f64>() {
                Ok(v) if !as_text => ws.write_number(r, c, v).map(|_| ()),
                _ if field.is_empty() => Ok(()),
                _ => ws.write_string(r, c, field).map(|_| ()),
            }
            .unwrap();
        }
    }
}

fn save(wb: &mut Workbook, path: &Path) -> String {
    wb.save(path).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_worksheet_scores_like_the_same_data_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::root().join(MILEX)).unwrap();
    let mut wb = Workbook::new();
    wb.add_worksheet()
        .set_name("Notes")
        .unwrap()
        .write_string(0, 0, "Synthetic note: the data are on the next sheet")
        .unwrap();
    add_sheet(&mut wb, "Data", &text, false);
    add_sheet(&mut wb, "As text", &text, true);
    let book = save(&mut wb, &dir.path().join("milex.xlsx"));
    let args = ["--year", "2019"];
    let csv = scores(MILEX_FW, MILEX, &args);
    assert!(csv.lines().count() > 100);
    assert_eq!(scores(MILEX_FW, &format!("{book}#Data"), &args), csv);
    // Numbers stored as text read as the text of a CSV file does.
    assert_eq!(scores(MILEX_FW, &format!("{book}#As text"), &args), csv);
    // Provenance names the sheet and its row.
    let o = run(&[
        "explain",
        "--framework",
        MILEX_FW,
        "--data",
        &format!("{book}#Data"),
        "--country",
        "Burma",
        "--year",
        "2019",
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8(o.stdout).unwrap();
    let doc: Value = serde_json::from_str(&out).unwrap();
    let found = find_cell(&doc, &format!("{book}#Data")).unwrap_or_else(|| panic!("{out}"));
    // The row of the sheet is the line of the CSV file it was built from.
    let row = found["line"].as_u64().unwrap() as usize;
    let year = found["year"].as_i64().unwrap();
    assert!(
        text.lines()
            .nth(row - 1)
            .is_some_and(|l| l.starts_with(&format!("Burma,{year},"))),
        "{found}"
    );
    assert_eq!(found["column"], "milex_constant_2019_usd");
    // Without a sheet name, the first worksheet is read: here the notes,
    // which have no `year` column.
    let err = fails(
        &["score", "--framework", MILEX_FW, "--data", &book],
        3,
        "D003",
    );
    assert!(err.contains(&format!("`{book}#Notes`")), "{err}");
}

/// The first object of a JSON document with `"file": file`.
fn find_cell<'a>(v: &'a Value, file: &str) -> Option<&'a Value> {
    match v {
        Value::Object(m) if m.get("file").and_then(Value::as_str) == Some(file) => Some(v),
        Value::Object(m) => m.values().find_map(|x| find_cell(x, file)),
        Value::Array(a) => a.iter().find_map(|x| find_cell(x, file)),
        _ => None,
    }
}

#[test]
fn sheets_keep_the_limits_keys_and_errors_of_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let plain =
        std::fs::read_to_string(common::root().join(fixture("synthetic_plain.csv"))).unwrap();
    let mut wb = Workbook::new();
    add_sheet(&mut wb, "Data", &plain, false);
    let book = save(&mut wb, &dir.path().join("synthetic.xlsx"));
    assert_eq!(
        minimal_scores(&book, &[]),
        minimal_scores(&fixture("synthetic_plain.csv"), &[])
    );
    let score = |data: &str, code: i32, diag: &str| {
        fails(
            &[
                "score",
                "--framework",
                MINIMAL,
                "--no-shipped-data",
                "--data",
                data,
            ],
            code,
            diag,
        )
    };
    // A sheet that is not there: the sheets are listed.
    let err = score(&format!("{book}#Other"), 3, "D062");
    assert!(err.contains("`Data`"), "{err}");
    // Not a workbook.
    let fake = dir.path().join("fake.xlsx");
    std::fs::write(&fake, plain.as_bytes()).unwrap();
    score(fake.to_str().unwrap(), 3, "D060");
    // A cell that is not a number is named by its row and cell.
    let mut wb = Workbook::new();
    add_sheet(
        &mut wb,
        "Data",
        &plain.replace("AAA,Synthetia A,2020,2.25", "AAA,Synthetia A,2020,abc"),
        false,
    );
    let bad = save(&mut wb, &dir.path().join("bad.xlsx"));
    let err = score(&bad, 3, "D004");
    assert!(err.contains(&format!("row 3 of `{bad}#Data`")), "{err}");
    assert!(err.contains("(cell D3)"), "{err}");
    // A date in a numeric column is refused, naming the cell and the column.
    let mut wb = Workbook::new();
    add_sheet(&mut wb, "Data", &plain, false);
    let date = ExcelDateTime::from_ymd(2020, 1, 5).unwrap();
    wb.worksheet_from_name("Data")
        .unwrap()
        .write_datetime_with_format(4, 4, &date, &Format::new().set_num_format("yyyy-mm-dd"))
        .unwrap();
    let dated = save(&mut wb, &dir.path().join("dated.xlsx"));
    let err = score(&dated, 3, "D063");
    assert!(err.contains("cell E5 in column `y` holds a date"), "{err}");
    // The text of a sheet is bounded by the data-bytes limit, as a file is:
    // one far cell makes every row as wide as it.
    let mut wb = Workbook::new();
    add_sheet(&mut wb, "Data", &plain, false);
    wb.worksheet_from_name("Data")
        .unwrap()
        .write_string(5000, 5000, "far")
        .unwrap();
    let wide = save(&mut wb, &dir.path().join("wide.xlsx"));
    let size = std::fs::metadata(&wide).unwrap().len();
    let limit = format!("data-bytes={}", size + 10);
    let o = run(&[
        "--limit",
        &limit,
        "score",
        "--framework",
        MINIMAL,
        "--no-shipped-data",
        "--data",
        &wide,
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("error[L005]"), "{err}");
}
