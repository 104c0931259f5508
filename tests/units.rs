//! `--to-iso3`: data keyed by Correlates of War codes or country names are
//! joined to ISO3 codes through the shipped correspondence table; codes and
//! names without one are listed (D042), never dropped unseen. The values in
//! tests/fixtures/units/ are synthetic; the codes and names are real.

use assert_cmd::Command;

fn atrisk() -> Command {
    let mut c = Command::cargo_bin("atrisk").expect("the atrisk binary is built");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("ATRISK_COLOR")
        .args(["--color", "never"]);
    c
}

fn score(args: &[&str]) -> std::process::Output {
    atrisk()
        .args([
            "score",
            "--framework",
            "tests/fixtures/minimal.yaml",
            "--format",
            "csv",
            "--years",
        ])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cow_codes_are_joined_to_iso3() {
    let out = score(&[
        "--data",
        "tests/fixtures/units/cow.csv",
        "--to-iso3",
        "ccode:cow",
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("year,rank,iso3,"), "{text}");
    // 2 is the United States, 625 Sudan, 255 Germany (COW codes).
    let units: std::collections::BTreeSet<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(units.into_iter().collect::<Vec<_>>(), ["DEU", "SDN", "USA"]);
    // The values keep their lines in the file as it is.
    let out = atrisk()
        .args([
            "explain",
            "--framework",
            "tests/fixtures/minimal.yaml",
            "--country",
            "SDN",
        ])
        .args([
            "--year",
            "2021",
            "--format",
            "json",
            "--data",
            "tests/fixtures/units/cow.csv",
        ])
        .args(["--to-iso3", "ccode:cow"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let json = String::from_utf8(out.stdout).unwrap();
    assert!(json.contains("\"line\": 4"), "{json}");
}

#[test]
fn unmatched_names_are_listed_not_dropped() {
    let out = score(&[
        "--data",
        "tests/fixtures/units/names.csv",
        "--to-iso3",
        "country:name",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("D042"), "{err}");
    assert!(
        err.contains("2 rows of `tests/fixtures/units/names.csv`"),
        "{err}"
    );
    assert!(
        err.contains("`Atlantis` (line 4, 2 rows; closest: "),
        "{err}"
    );
    assert!(err.contains("names.csv:4:1"), "{err}");
}

#[test]
fn to_iso3_needs_the_iso3_key_and_a_valid_spec() {
    let out = score(&[
        "--data",
        "tests/fixtures/units/cow.csv",
        "--to-iso3",
        "ccode:cow",
        "--unit-key",
        "ccode",
    ]);
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("U021"));
    let out = score(&[
        "--data",
        "tests/fixtures/units/cow.csv",
        "--to-iso3",
        "ccode",
    ]);
    assert_eq!(out.status.code(), Some(64));
    // A file that has iso3 already is refused rather than keyed twice.
    let out = score(&[
        "--data",
        "tests/fixtures/data/minimal.csv",
        "--to-iso3",
        "iso3:name",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("D043"));
}

#[test]
fn validate_reads_data_through_to_iso3_too() {
    let validate = |extra: &[&str]| {
        atrisk()
            .args(["validate", "tests/fixtures/minimal.yaml"])
            .args(["--data", "tests/fixtures/units/cow.csv"])
            .args(extra)
            .output()
            .unwrap()
    };
    // Without the mapping the file has no iso3 column.
    let out = validate(&[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("D003"));
    let out = validate(&["--to-iso3", "ccode:cow"]);
    assert!(out.status.success(), "{out:?}");
    // Unmatched names are listed by validate as by score.
    let out = atrisk()
        .args(["validate", "tests/fixtures/minimal.yaml"])
        .args(["--data", "tests/fixtures/units/names.csv"])
        .args(["--to-iso3", "country:name"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("D042"));
}
