//! Every framework under tests/fixtures/bad/ is rejected by `atrisk validate`
//! with exit code 2 and a rendered diagnostic (colour off) that names
//! file:line:col and gives a hint. Each rendering is kept as a snapshot in
//! tests/snapshots/, so adding a file to the folder adds a case; after an
//! intended change of wording, `INSTA_UPDATE=always cargo test` rewrites them.

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The rendered stderr of `atrisk validate FILE` for a bad framework.
fn rejected(rel: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_atrisk"))
        .current_dir(root())
        .env_remove("ATRISK_COLOR")
        .args(["--color", "never", "validate", rel])
        .output()
        .expect("atrisk runs");
    let err = String::from_utf8_lossy(&out.stderr).replace("\r\n", "\n");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{rel}: exit code; stderr:\n{err}"
    );
    assert!(out.stdout.is_empty(), "{rel}: no summary for a bad file");
    let located = err.lines().any(|l| {
        l.split_once(&format!("{rel}:")).is_some_and(|(_, rest)| {
            let mut parts = rest.splitn(3, ':');
            let num = |s: Option<&str>| {
                s.map(|s| s.trim_end_matches(|c: char| !c.is_ascii_digit()))
                    .is_some_and(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))
            };
            num(parts.next()) && num(parts.next())
        })
    });
    assert!(located, "{rel}: no file:line:col in:\n{err}");
    assert!(err.contains("= help: "), "{rel}: no hint in:\n{err}");
    err
}

#[test]
fn every_bad_framework_is_rejected_with_location_and_hint() {
    let dir = root().join("tests/fixtures/bad");
    let count = std::fs::read_dir(&dir)
        .expect("tests/fixtures/bad exists")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        })
        .count();
    assert!(count >= 30, "only {count} bad frameworks");
    insta::glob!("fixtures/bad/*.yaml", |path| {
        let name = path.file_name().expect("a file").to_string_lossy();
        let rel = format!("tests/fixtures/bad/{name}");
        insta::assert_snapshot!(rejected(&rel));
    });
}
