//! The user's own data beside the shipped panel: `--data` files join the
//! shipped panel on (iso3, year) when the framework reads shipped columns
//! they lack; a user column named like a shipped one replaces it, with a
//! warning (D050) naming both files; `--no-shipped-data` reads them alone.

mod common;

use common::{fails, run};
use serde_json::Value;

const FW: &str = "examples/extending/militarisation.yaml";
const MILEX: &str = "examples/extending/milex.csv";

fn json(out: &std::process::Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The files a node's inputs come from, for one country.
fn input_files(doc: &Value, iso3: &str, node: &str) -> Vec<String> {
    let r = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["iso3"] == iso3)
        .unwrap_or_else(|| panic!("{iso3} is scored"));
    let n = r["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == node)
        .unwrap_or_else(|| panic!("no node {node}"));
    let mut files: Vec<String> = n["inputs"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| i["file"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    files.dedup();
    files
}

#[test]
fn one_extra_file_joins_the_shipped_panel() {
    let beside = json(&run(&[
        "score",
        "--framework",
        FW,
        "--data",
        MILEX,
        "--year",
        "2020",
        "--format",
        "json",
    ]));
    let whole = json(&run(&[
        "score",
        "--framework",
        FW,
        "--data",
        "examples/data/panel.csv",
        "--data",
        "examples/data/vdem.csv",
        "--data",
        "examples/data/mass-killing-history.csv",
        "--data",
        MILEX,
        "--year",
        "2020",
        "--format",
        "json",
    ]));
    // The same scores as naming every shipped file.
    assert_eq!(beside["results"], whole["results"]);
    let data: Vec<&str> = beside["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        data.contains(&MILEX) && data.contains(&"examples/data/panel.csv"),
        "{data:?}"
    );
    assert_eq!(input_files(&beside, "VEN", "milex.surge"), [MILEX]);
    assert_eq!(
        input_files(&beside, "VEN", "rf5.military_means"),
        ["examples/data/panel.csv"]
    );
    // Every shipped country is scored, not only those of the extra file.
    let shipped = json(&run(&["score", "--year", "2020", "--format", "json"]));
    assert_eq!(
        beside["results"].as_array().unwrap().len(),
        shipped["results"].as_array().unwrap().len()
    );
}

#[test]
fn a_user_column_replaces_the_shipped_one_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("clphy.csv");
    // Synthetic value, for the test only.
    std::fs::write(&f, "iso3,year,v2x_clphy\nNOR,2020,0.01\n").unwrap();
    let f = f.to_str().unwrap();
    let out = run(&[
        "explain",
        "--country",
        "NOR",
        "--year",
        "2020",
        "--data",
        f,
        "--format",
        "json",
    ]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(err.contains("warning[D050]"), "{err}");
    assert!(
        err.contains(&format!(
            "column `v2x_clphy` of `{f}` replaces the shipped column `v2x_clphy` of `examples/data/vdem.csv`"
        )),
        "{err}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(f), "the value is read from the user's file");
    // Countries the file leaves out have no value of that column.
    let out = run(&[
        "explain",
        "--country",
        "SWE",
        "--year",
        "2020",
        "--data",
        f,
        "--format",
        "json",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    let at = text
        .find("\"rf2.serious_violations/v2x_clphy\"")
        .expect("the measure is explained");
    let value = text[at..]
        .lines()
        .find(|l| l.contains("\"value\""))
        .unwrap();
    assert!(value.contains("null"), "{value}");
    let shipped = run(&[
        "explain",
        "--country",
        "SWE",
        "--year",
        "2020",
        "--format",
        "json",
    ]);
    let text = String::from_utf8_lossy(&shipped.stdout);
    let at = text.find("\"rf2.serious_violations/v2x_clphy\"").unwrap();
    let value = text[at..]
        .lines()
        .find(|l| l.contains("\"value\""))
        .unwrap();
    assert!(!value.contains("null"), "{value}");
}

#[test]
fn no_shipped_data_reads_the_files_alone() {
    let err = fails(
        &[
            "score",
            "--framework",
            FW,
            "--data",
            MILEX,
            "--no-shipped-data",
            "--year",
            "2020",
        ],
        3,
        "D010",
    );
    assert!(
        err.contains("1 column from examples/extending/milex.csv"),
        "{err}"
    );
}

#[test]
fn a_file_keyed_by_25_everyday_names_fills_its_indicator_for_those_25() {
    let csv =
        std::fs::read_to_string(common::root().join("examples/own/milex-by-name.csv")).unwrap();
    let named: std::collections::BTreeSet<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.rsplitn(3, ',').nth(2).unwrap())
        .collect();
    assert_eq!(named.len(), 25, "{named:?}");
    let doc = json(&run(&[
        "score",
        "--framework",
        FW,
        "--data",
        "examples/own/milex-by-name.csv",
        "--years",
        "2010..2020",
        "--format",
        "json",
    ]));
    let results = doc["results"].as_array().unwrap();
    let shipped = json(&run(&[
        "score",
        "--years",
        "2010..2020",
        "--format",
        "json",
    ]));
    assert_eq!(results.len(), shipped["results"].as_array().unwrap().len());
    let mut filled: Vec<&str> = results
        .iter()
        .filter(|r| {
            r["nodes"].as_array().unwrap().iter().any(|n| {
                n["id"] == "milex.surge"
                    && n["inputs"].as_array().is_some_and(|i| {
                        i.iter().any(|c| {
                            c["file"] == "examples/own/milex-by-name.csv"
                                && c["raw"].as_str().is_some_and(|r| !r.is_empty())
                        })
                    })
            })
        })
        .map(|r| r["iso3"].as_str().unwrap())
        .collect();
    filled.sort();
    filled.dedup();
    let mut expect = vec![
        "BOL", "CAF", "CIV", "COD", "COG", "CPV", "CZE", "GBR", "GMB", "IRN", "KGZ", "KOR", "LAO",
        "MDA", "MKD", "MMR", "RUS", "SDN", "SSD", "SWZ", "TLS", "TUR", "TZA", "USA", "VEN", "VNM",
    ];
    expect.retain(|c| filled.contains(c));
    assert_eq!(filled.len(), 25, "{filled:?}");
    assert_eq!(expect.len(), 25, "{filled:?}");
}

#[test]
fn country_takes_names_as_people_write_them() {
    for (q, iso3) in [
        ("Myanmar", "MMR"),
        ("Turkey", "TUR"),
        ("DR Congo", "COD"),
        ("sdn", "SDN"),
    ] {
        let out = run(&[
            "explain",
            "--country",
            q,
            "--year",
            "2020",
            "--format",
            "json",
        ]);
        let v = json(&out);
        assert_eq!(v["iso3"], iso3, "{q}");
    }
    let err = fails(&["explain", "--country", "Korea"], 64, "U001");
    assert!(err.contains("`KOR`") && err.contains("`PRK`"), "{err}");
    let err = fails(&["explain", "--country", "Sudann"], 64, "U001");
    assert!(err.contains("Sudan (SDN)"), "{err}");
}

#[test]
fn unknown_names_are_listed_with_suggestions_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("n.csv");
    // Synthetic values, for the test only.
    std::fs::write(
        &f,
        "country,year,milex_constant_2019_usd\nUSA,2020,1\nAtlantis,2020,2\nAtlantis,2019,2\nKorea,2020,3\nSudann,2020,4\n",
    )
    .unwrap();
    let out = dir.path().join("out.csv");
    let err = fails(
        &[
            "score",
            "--framework",
            FW,
            "--data",
            f.to_str().unwrap(),
            "--format",
            "csv",
            "-o",
            out.to_str().unwrap(),
        ],
        3,
        "D042",
    );
    assert!(err.contains("4 rows"), "{err}");
    assert!(err.contains("`Atlantis` (line 3, 2 rows"), "{err}");
    assert!(err.contains("`Korea` (line 5; could be `KOR`"), "{err}");
    assert!(err.contains("`Sudann` (line 6; closest: "), "{err}");
    assert!(!out.exists());
    // A names file settles them.
    let names = dir.path().join("names.csv");
    std::fs::write(&names, "name,iso3\nAtlantis,NOR\nKorea,KOR\nSudann,SDN\n").unwrap();
    let o = run(&[
        "score",
        "--framework",
        FW,
        "--data",
        f.to_str().unwrap(),
        "--names",
        names.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn validate_joins_the_shipped_data_as_score_does() {
    const NAMED: &str = "examples/own/milex-by-name.csv";
    // The framework extends the shipped one with one column of the file.
    let o = run(&["validate", FW, "--data", NAMED]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("error["), "{err}");
    // Alone, the file lacks the shipped columns.
    let o = run(&["validate", FW, "--data", NAMED, "--no-shipped-data"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("error[D010]"));
}
