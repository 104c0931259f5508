//! A workbook protected by a password is refused with D061 (exit 3), named,
//! with the hint to save a copy without a password; `--stream` refuses it
//! as a workbook before reading it.
//!
//! `tests/fixtures/spreadsheet/synthetic_encrypted.xlsx` is a genuinely
//! encrypted workbook (ECMA-376 agile encryption, an OLE container holding
//! `EncryptionInfo` and `EncryptedPackage`): a synthetic sheet `Data`
//! (iso3, year, x, y; rows AAA 2019 1 0.9 and BBB 2019 2 0.8) saved as
//! .xlsx and encrypted with `msoffcrypto-tool -e -p synthetic`; the same
//! tool decrypts it back with the password `synthetic`.

mod common;

use common::fails;

const BOOK: &str = "tests/fixtures/spreadsheet/synthetic_encrypted.xlsx";

fn score(data: &str, extra: &[&str], code: i32, diag: &str) -> String {
    let mut args = vec![
        "score",
        "--format",
        "csv",
        "--no-shipped-data",
        "--framework",
        "tests/fixtures/minimal.yaml",
        "--data",
        data,
    ];
    args.extend(extra);
    fails(&args, code, diag)
}

#[test]
fn an_encrypted_workbook_is_d061() {
    let bytes = std::fs::read(common::root().join(BOOK)).unwrap();
    // An OLE container, not a zip: encrypted, not merely a protected sheet.
    assert!(bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"));
    for data in [BOOK.to_string(), format!("{BOOK}#Data")] {
        let err = score(&data, &[], 3, "D061");
        assert!(
            err.contains("synthetic_encrypted.xlsx` is protected by a password (encrypted)"),
            "{err}"
        );
        assert!(err.contains("save a copy without a password"), "{err}");
    }
}

#[test]
fn stream_refuses_an_encrypted_workbook_as_a_workbook() {
    let err = score(BOOK, &["--stream"], 64, "U020");
    assert!(err.contains("is a workbook"), "{err}");
    // Under another name, the content tells.
    let dir = tempfile::tempdir().unwrap();
    let renamed = dir.path().join("data.csv");
    std::fs::copy(common::root().join(BOOK), &renamed).unwrap();
    let err = score(renamed.to_str().unwrap(), &["--stream"], 64, "U020");
    assert!(err.contains("is a workbook"), "{err}");
}
