//! The same inputs give byte-identical outputs: every command is run twice
//! (two processes, so hash maps get different seeds) and the outputs, on
//! standard output and in `-o` files, are compared byte for byte.
//!
//! Commands that score run on the shipped rules and panel for one year, and
//! on the synthetic fixtures for every year, to keep debug-build runs short.

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const QUALITATIVE: &str = "tests/fixtures/qualitative.yaml";
const MINIMAL_CSV: &str = "tests/fixtures/data/minimal.csv";
const ASSESSMENTS: &str = "tests/fixtures/assessments/ok.csv";

/// Standard output of one run in `dir`; the run must succeed.
fn stdout_of(dir: &Path, args: &[&str]) -> Vec<u8> {
    let o = Command::new(env!("CARGO_BIN_EXE_atrisk"))
        .current_dir(dir)
        .env_remove("ATRISK_COLOR")
        .args(["--color", "never"])
        .args(args)
        .output()
        .expect("atrisk runs");
    assert!(
        o.status.success(),
        "atrisk {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

/// Runs each command twice and compares standard output.
fn twice(commands: &[&[&str]]) {
    for args in commands {
        let a = stdout_of(root(), args);
        let b = stdout_of(root(), args);
        assert!(!a.is_empty(), "atrisk {}: no output", args.join(" "));
        assert!(a == b, "atrisk {}: two runs differ", args.join(" "));
    }
}

#[test]
fn scoring_commands_on_the_shipped_inputs_twice_give_the_same_bytes() {
    twice(&[
        &["score"],
        &["score", "--format", "json"],
        &["validate"],
        &["explain", "--country", "SDN"],
        &["explain", "--country", "SDN", "--format", "json"],
        &["summary"],
        &["graph", "--format", "dot"],
        &["graph", "--format", "mermaid"],
        &["graph", "--format", "json"],
        &["test"],
    ]);
}

#[test]
fn scoring_commands_on_every_year_of_the_fixtures_twice_give_the_same_bytes() {
    let assessed = [
        "--framework",
        QUALITATIVE,
        "--data",
        MINIMAL_CSV,
        "--assessments",
        ASSESSMENTS,
    ];
    let mut owned: Vec<Vec<&str>> = Vec::new();
    for fmt in ["table", "csv", "json", "md"] {
        owned.push(vec!["score", "--years", "--format", fmt]);
    }
    owned.push(vec!["summary"]);
    owned.push(vec!["explain", "--country", "AAA", "--format", "json"]);
    for v in &mut owned {
        v.extend(assessed);
    }
    let commands: Vec<&[&str]> = owned.iter().map(Vec::as_slice).collect();
    twice(&commands);
}

#[test]
fn commands_without_inputs_twice_give_the_same_bytes() {
    twice(&[
        &["schema"],
        &["man"],
        &["completions", "bash"],
        &["completions", "zsh"],
        &["completions", "fish"],
    ]);
}

#[test]
fn files_written_with_o_twice_are_the_same() {
    let dirs = [
        tempfile::tempdir().expect("temp dir"),
        tempfile::tempdir().expect("temp dir"),
    ];
    let mut written: Vec<Vec<Vec<u8>>> = Vec::new();
    for d in &dirs {
        let out = |name: &str| d.path().join(name).display().to_string();
        let report = out("report.html");
        let scores = out("scores.csv");
        stdout_of(root(), &["report", "-o", &report]);
        stdout_of(root(), &["score", "--format", "csv", "-o", &scores]);
        stdout_of(d.path(), &["new", "synthetic-start"]);
        let mut files = Vec::new();
        let mut names: Vec<String> = std::fs::read_dir(d.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        assert_eq!(names.len(), 3, "{names:?}");
        for n in names {
            files.push(std::fs::read(d.path().join(n)).expect("read"));
        }
        written.push(files);
    }
    for (i, (a, b)) in written[0].iter().zip(&written[1]).enumerate() {
        assert!(!a.is_empty(), "file {i} is empty");
        assert!(a == b, "file {i} differs between runs");
    }
}
