//! Spreadsheet files that atrisk does not read as given. `score --stream`
//! reads comma-separated text only: a file separated by semicolons (with
//! decimal commas or points), by tabs or by another `--delimiter`, and a
//! workbook, are refused (U020, exit 64) before anything is written, with a
//! hint to drop --stream; a comma-separated file streams. Without --stream
//! the same files are read in memory. A workbook protected by a password is
//! refused with D061 (exit 3), named, with the hint to save a copy without
//! a password.
//!
//! `tests/fixtures/spreadsheet/synthetic_encrypted.xlsx` is a genuinely
//! encrypted workbook (ECMA-376 agile encryption, an OLE container holding
//! `EncryptionInfo` and `EncryptedPackage`): a synthetic sheet `Data`
//! (iso3, year, x, y; rows AAA 2019 1 0.9 and BBB 2019 2 0.8) saved as
//! .xlsx and encrypted with `msoffcrypto-tool -e -p synthetic`; the same
//! tool decrypts it back with the password `synthetic`.

mod common;

use common::{fails, run};
use rust_xlsxwriter::Workbook;

const FW: &str = "tests/fixtures/minimal.yaml";
const SEMICOLON: &str = "tests/fixtures/spreadsheet/synthetic_semicolon_decimal_comma.csv";
const SEMICOLON_POINTS: &str = "tests/fixtures/spreadsheet/synthetic_semicolon_points.csv";
const PLAIN: &str = "tests/fixtures/spreadsheet/synthetic_plain.csv";

const ENCRYPTED: &str = "tests/fixtures/spreadsheet/synthetic_encrypted.xlsx";

/// The arguments of `score --format csv` of one data file alone, with more
/// arguments.
fn score_args<'a>(data: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "score",
        "--format",
        "csv",
        "--no-shipped-data",
        "--framework",
        FW,
        "--data",
        data,
    ];
    args.extend(extra);
    args
}

/// Runs [`score_args`].
fn score(data: &str, extra: &[&str]) -> std::process::Output {
    run(&score_args(data, extra))
}

/// [`score`] with `--stream`.
fn stream(data: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--stream"];
    args.extend(extra);
    score(data, &args)
}

/// Checks a refusal: exit 64, U020 with the words asked for and the hint,
/// nothing on standard output, no output file.
fn refused(data: &str, extra: &[&str], words: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    for o in [&[][..], &["-o", out.to_str().unwrap()][..]] {
        let mut all = extra.to_vec();
        all.extend(o);
        let r = stream(data, &all);
        let err = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(64), "{data}: {err}");
        assert!(err.contains("error[U020]"), "{err}");
        assert!(err.contains(words), "{words}: {err}");
        assert!(err.contains("drop --stream"), "{err}");
        assert!(r.stdout.is_empty());
        assert!(!out.exists());
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn semicolon_and_tab_files_are_refused_by_stream_and_read_in_memory() {
    refused(
        SEMICOLON,
        &[],
        "is separated by semicolons: --stream reads comma-separated files",
    );
    refused(SEMICOLON_POINTS, &[], "separated by semicolons");
    let dir = tempfile::tempdir().unwrap();
    let tsv = dir.path().join("synthetic.tsv");
    std::fs::write(
        &tsv,
        "iso3\tyear\tx\ty\nAAA\t2019\t1\t0.5\nBBB\t2019\t2\t0.4\n",
    )
    .unwrap();
    refused(tsv.to_str().unwrap(), &[], "separated by tabs");
    // A delimiter given is the one checked.
    refused(PLAIN, &["--delimiter", "|"], "separated by `|`");
    refused(SEMICOLON, &["--delimiter", ";"], "separated by semicolons");
    // In memory, the semicolon file is read, decimal commas included.
    let r = score(SEMICOLON, &["--year", "2019"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let text = String::from_utf8(r.stdout).unwrap();
    assert!(text.contains(",AAA,Synthetia A,0.15,"), "{text}");
}

#[test]
fn a_comma_separated_file_still_streams() {
    let r = stream(PLAIN, &[]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let text = String::from_utf8(r.stdout).unwrap();
    // The streamed CSV ends with the line read.
    assert!(text.lines().next().unwrap().ends_with(",line"), "{text}");
    let r = stream(PLAIN, &["--delimiter", ","]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}

#[test]
fn a_workbook_is_refused_by_stream() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("synthetic.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Data").unwrap();
    for (c, h) in ["iso3", "year", "x", "y"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "AAA").unwrap();
    ws.write_number(1, 1, 2019).unwrap();
    ws.write_number(1, 2, 1).unwrap();
    ws.write_number(1, 3, 0.5).unwrap();
    wb.save(&book).unwrap();
    let book = book.to_str().unwrap();
    refused(
        book,
        &[],
        "is a workbook: --stream reads comma-separated text files",
    );
    refused(&format!("{book}#Data"), &[], "is a workbook");
    // A workbook under another name is known by its content.
    let renamed = dir.path().join("synthetic.csv");
    std::fs::copy(book, &renamed).unwrap();
    refused(renamed.to_str().unwrap(), &[], "is a workbook");
}

#[test]
fn an_encrypted_workbook_is_d061() {
    let bytes = std::fs::read(common::root().join(ENCRYPTED)).unwrap();
    // An OLE container, not a zip: encrypted, not merely a protected sheet.
    assert!(bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"));
    for data in [ENCRYPTED.to_string(), format!("{ENCRYPTED}#Data")] {
        let err = fails(&score_args(&data, &[]), 3, "D061");
        assert!(
            err.contains("synthetic_encrypted.xlsx` is protected by a password (encrypted)"),
            "{err}"
        );
        assert!(err.contains("save a copy without a password"), "{err}");
    }
    // --stream refuses it as a workbook, also under another name.
    refused(ENCRYPTED, &[], "is a workbook");
    let dir = tempfile::tempdir().unwrap();
    let renamed = dir.path().join("data.csv");
    std::fs::copy(common::root().join(ENCRYPTED), &renamed).unwrap();
    refused(renamed.to_str().unwrap(), &[], "is a workbook");
}
