//! `atrisk data`: the list of the shipped files and columns, one country's
//! values with missing and carried-forward cells marked, and the export that
//! reads back to exactly the shipped scores.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use common::{root, run};

/// The shipped data files, as the binary names them.
const SHIPPED: [&str; 3] = [
    "examples/data/panel.csv",
    "examples/data/vdem.csv",
    "examples/data/mass-killing-history.csv",
];

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).expect("UTF-8")
}

/// Runs atrisk in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("atrisk")
        .expect("binary")
        .current_dir(dir)
        .args(["--color", "never"])
        .args(args)
        .output()
        .expect("runs")
}

fn header(file: &str) -> Vec<String> {
    let text = fs::read_to_string(root().join(file)).unwrap();
    let first = text.lines().next().unwrap();
    first.split(',').map(str::to_string).collect()
}

#[test]
fn list_names_every_shipped_column_with_its_meaning_and_source() {
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["data", "list", "--format", "json"]))).unwrap();
    let files = v["files"].as_array().unwrap();
    let names: Vec<&str> = files.iter().map(|f| f["file"].as_str().unwrap()).collect();
    assert_eq!(names, SHIPPED);
    let sources = v["sources"].as_array().unwrap();
    for (f, name) in files.iter().zip(SHIPPED) {
        let listed: Vec<&str> = f["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["column"].as_str().unwrap())
            .chain(
                f["keys"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|k| k["column"].as_str().unwrap()),
            )
            .collect();
        for h in header(name) {
            assert!(listed.contains(&h.as_str()), "{name}: `{h}` not listed");
        }
        for c in f["columns"].as_array().unwrap() {
            assert!(!c["meaning"].as_str().unwrap().is_empty(), "{c}");
            let s = c["source"].as_str().unwrap();
            let src = sources
                .iter()
                .find(|x| x["id"] == s)
                .expect("source listed");
            assert!(!src["version"].as_str().unwrap().is_empty());
            assert!(!src["licence"].as_str().unwrap().is_empty());
        }
        // 176 countries x 1990-2024 (SOURCES.md).
        assert_eq!(f["rows"], 6160, "{name}");
    }
    // The years come from the data: V-Dem v14 columns end in 2023, v15 in 2024.
    let vdem = &files[1]["columns"];
    let col = |n: &str| {
        vdem.as_array()
            .unwrap()
            .iter()
            .find(|c| c["column"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(col("v2cltort")["last_year"], 2023);
    assert_eq!(col("v2x_clphy")["last_year"], 2024);

    let text = stdout(&run(&["data", "list"]));
    for name in SHIPPED {
        assert!(text.contains(name), "{text}");
    }
    assert!(text.contains("CC BY-SA 4.0") && text.contains("CC BY 3.0 IGO"));
    assert!(text.contains("    ucdp_sb_internationalized_active  1990-2024"));
    let long: Vec<&str> = text.lines().filter(|l| l.chars().count() > 100).collect();
    assert!(long.is_empty(), "{long:?}");
}

#[test]
fn show_marks_missing_and_carried_cells_as_json_says() {
    let text = stdout(&run(&["data", "show", "--country", "sdn"]));
    assert_eq!(
        text,
        stdout(&run(&["data", "show", "--country", "Sudan"])),
        "a code in any case and a name give the same country"
    );
    let long: Vec<&str> = text.lines().filter(|l| l.chars().count() > 100).collect();
    assert!(long.is_empty(), "{long:?}");
    let v: serde_json::Value = serde_json::from_str(&stdout(&run(&[
        "data",
        "show",
        "--country",
        "SDN",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(v["iso3"], "SDN");
    let years: Vec<i64> = v["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap())
        .collect();
    assert_eq!(years, (2017..=2024).collect::<Vec<_>>());
    // Raw values are those of the file.
    let panel = fs::read_to_string(root().join("examples/data/panel.csv")).unwrap();
    let head = header("examples/data/panel.csv");
    let row: Vec<&str> = panel
        .lines()
        .find(|l| l.starts_with("SDN,") && l.contains(",2023,"))
        .unwrap()
        .split(',')
        .collect();
    let (mut carried, mut missing) = (0, 0);
    for f in v["files"].as_array().unwrap() {
        for c in f["columns"].as_array().unwrap() {
            let name = c["column"].as_str().unwrap();
            // The text line of this column: the name, then one cell a year.
            let line = text
                .lines()
                .find(|l| l.split_whitespace().next() == Some(name))
                .unwrap_or_else(|| panic!("{name} not shown"));
            let shown: Vec<&str> = line.split_whitespace().skip(1).collect();
            assert_eq!(shown.len(), years.len(), "{line}");
            for (cell, s) in c["cells"].as_array().unwrap().iter().zip(&shown) {
                match cell["status"].as_str().unwrap() {
                    "observed" => assert!(cell["value"].is_number() && !s.ends_with('*')),
                    "missing" => {
                        missing += 1;
                        assert!(cell["value"].is_null() && *s == "n/a", "{name} {cell}");
                    }
                    "carried_forward" => {
                        carried += 1;
                        assert!(cell["value"].is_null() && s.ends_with('*'), "{name} {cell}");
                        assert!(
                            cell["carried_from"].as_i64().unwrap() < cell["year"].as_i64().unwrap()
                        );
                    }
                    other => panic!("status {other}"),
                }
                if f["file"] == "examples/data/panel.csv" && cell["year"] == 2023 {
                    let k = head.iter().position(|h| h == name).unwrap();
                    assert_eq!(cell["raw"], row[k], "{name}");
                }
            }
        }
    }
    assert!(
        carried > 0 && missing > 0,
        "carried {carried}, missing {missing}"
    );
    // The human-rights scores end in 2019 and are carried forward after it.
    let hrp = text.lines().find(|l| l.starts_with("hrp_score ")).unwrap();
    assert!(hrp.ends_with('*'), "{hrp}");
}

#[test]
fn show_refuses_unknown_countries_and_years() {
    let err = common::fails(&["data", "show", "--country", "Atlantis"], 64, "U001");
    assert!(err.contains("Atlantis"), "{err}");
    let err = common::fails(
        &["data", "show", "--country", "SDN", "--from", "1900"],
        64,
        "U001",
    );
    assert!(err.contains("1990-2024"), "{err}");
    common::fails(
        &[
            "data",
            "show",
            "--country",
            "SDN",
            "--from",
            "2020",
            "--to",
            "2010",
        ],
        64,
        "U001",
    );
}

#[test]
fn export_reads_back_to_exactly_the_shipped_scores() {
    let tmp = tempfile::tempdir().unwrap();
    // Exported into `examples/data` of an empty folder, the files carry
    // the names of the shipped ones, so that even the file names in the
    // JSON output agree.
    let out = stdout(&run_in(tmp.path(), &["data", "export", "examples/data"]));
    assert!(
        out.contains("--no-shipped-data --data examples/data/panel.csv"),
        "{out}"
    );
    let dir = tmp.path().join("examples/data");
    for name in SHIPPED {
        assert_eq!(
            fs::read(tmp.path().join(name)).unwrap(),
            fs::read(root().join(name)).unwrap(),
            "{name}"
        );
    }
    assert_eq!(
        fs::read(dir.join("SOURCES.md")).unwrap(),
        fs::read(root().join("examples/data/SOURCES.md")).unwrap()
    );
    let licences = fs::read_to_string(dir.join("LICENCES.md")).unwrap();
    assert!(licences.contains("https://creativecommons.org/licenses/by-sa/4.0/"));
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "LICENCES.md",
            "SOURCES.md",
            "columns.yaml",
            "mass-killing-history.csv",
            "panel.csv",
            "vdem.csv"
        ],
        "no temporary file is left"
    );

    let shipped = run_in(tmp.path(), &["score", "--format", "json"]);
    let mut args = vec!["score", "--format", "json", "--no-shipped-data"];
    for name in SHIPPED {
        args.extend(["--data", name]);
    }
    let read_back = run_in(tmp.path(), &args);
    assert!(
        read_back.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&read_back.stderr)
    );
    let (a, b) = (stdout(&shipped), stdout(&read_back));
    assert!(a.len() > 1000);
    assert!(
        a == b,
        "the exported data score differently from the shipped data"
    );
}

#[test]
fn export_replaces_no_file_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let d = dir.to_str().unwrap();
    stdout(&run(&["data", "export", d]));
    let edited = dir.join("panel.csv");
    fs::write(&edited, "iso3,year,x\nAAA,2000,1\n").unwrap();
    let err = common::fails(&["data", "export", d], 64, "U001");
    assert!(
        err.contains("panel.csv") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(&edited).unwrap(),
        "iso3,year,x\nAAA,2000,1\n"
    );

    // One existing file stops the whole export: nothing else is written.
    let other = tmp.path().join("other");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("LICENCES.md"), "mine").unwrap();
    let err = common::fails(&["data", "export", other.to_str().unwrap()], 64, "U001");
    assert!(err.contains("LICENCES.md"), "{err}");
    assert_eq!(fs::read_dir(&other).unwrap().count(), 1);

    // --force puts the shipped files back.
    stdout(&run(&["data", "export", d, "--force"]));
    assert_eq!(
        fs::read(&edited).unwrap(),
        fs::read(root().join("examples/data/panel.csv")).unwrap()
    );

    // A file where the folder should be.
    let file = tmp.path().join("file");
    fs::write(&file, "x").unwrap();
    common::fails(&["data", "export", file.to_str().unwrap()], 64, "U001");
}
