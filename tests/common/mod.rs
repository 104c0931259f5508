//! Helpers shared by the backtest and fit tests.

#![allow(dead_code)]

pub mod ewp;

use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;

/// Runs atrisk in `dir` under an address-space limit of 1 GiB (the promise
/// of SECURITY.md for inputs under 1 MB).
#[cfg(unix)]
pub fn run_within_1_gib(dir: &std::path::Path, args: &[&str]) -> Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_atrisk"))
        .args(["--color", "never"])
        .args(args)
        .current_dir(dir)
        // Fewer malloc arenas: the limit is on address space, which each
        // arena reserves in large pieces.
        .env("MALLOC_ARENA_MAX", "2")
        .env_remove("ATRISK_COLOR")
        .output()
        .expect("atrisk runs")
}

/// The synthetic framework, data and events of the backtest and fit tests.
pub const FW: &str = "tests/fixtures/backtest/fw.yaml";
pub const DATA: &str = "tests/fixtures/backtest/data.csv";
pub const EVENTS: &str = "tests/fixtures/backtest/events.csv";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs atrisk in the repository root, without colour.
pub fn run(args: &[&str]) -> Output {
    Command::cargo_bin("atrisk")
        .expect("binary")
        .current_dir(root())
        .args(["--color", "never"])
        .args(args)
        .output()
        .expect("runs")
}

/// Runs atrisk and checks the exit code and the diagnostic code; returns standard error.
pub fn fails(args: &[&str], code: i32, diag: &str) -> String {
    let o = run(args);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(code), "{err}");
    assert!(err.contains(&format!("error[{diag}]")), "{err}");
    assert!(err.contains("help: "), "no hint: {err}");
    err
}

/// Every `.rs` file below `dir`.
pub fn rust_files(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}
