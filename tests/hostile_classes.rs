//! Hostile inputs of the classes that the corpus (`tests/hostile.rs`) and
//! the runs of `tests/hostile_runs.rs` did not reach: control characters
//! in events files, a unit key given by a repeated flag, and names and
//! titles from inputs in the text of `explain` and `audit`.

use std::path::Path;
use std::process::Output;

mod common;

fn run_in(dir: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("atrisk")
        .expect("binary")
        .current_dir(dir)
        .env_remove("ATRISK_COLOR")
        .args(["--color", "never"])
        .args(args)
        .output()
        .expect("runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Characters the sanitiser would escape, as shown.
fn unsafe_chars(s: &str) -> Vec<char> {
    s.chars()
        .filter(|&c| atrisk::diagnostic::is_unsafe_display(c))
        .collect()
}

/// `atrisk backtest` on the synthetic framework and data with `events`.
fn backtest(dir: &Path, events: &str) -> Output {
    run_in(
        dir,
        &[
            "backtest",
            "--framework",
            "fw.yaml",
            "--data",
            "data.csv",
            "--events",
            events,
        ],
    )
}

/// A folder with the synthetic framework and data of the backtest tests.
fn backtest_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (from, to) in [(common::FW, "fw.yaml"), (common::DATA, "data.csv")] {
        std::fs::copy(common::root().join(from), dir.path().join(to)).expect("copy");
    }
    dir
}

#[test]
fn an_events_file_with_control_characters_is_echoed_escaped() {
    let dir = backtest_folder();
    let p = dir.path();
    // (file, contents, code, escaped form that must be shown)
    let cases = [
        (
            "bidi_event.csv",
            "iso3,year,event,note\nAAA,2002,on\u{202e}set,synthetic\n",
            "B003",
            "on\\u{202e}set",
        ),
        (
            "nel_unit.csv",
            "iso3,year,event,note\nA\u{85}A,2002,onset,synthetic\n",
            "B004",
            "A\\u{85}A",
        ),
        (
            "isolate_unit_crlf.csv",
            "iso3,year,event,note\r\nAAA,2002,onset,synthetic\r\nZ\u{2066}Z,2002,onset,\"a\rb\"\r\n",
            "B004",
            "Z\\u{2066}Z",
        ),
        (
            "bidi_header.csv",
            "iso3,ye\u{202e}ar,event\nAAA,2002,onset\n",
            "B002",
            "ye\\u{202e}ar",
        ),
    ];
    for (file, contents, code, shown) in cases {
        std::fs::write(p.join(file), contents).expect("write");
        let o = backtest(p, file);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(3), "{file}: {err}");
        assert!(err.contains(&format!("error[{code}]")), "{file}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(unsafe_chars(&err), [], "{file}:\n{err}");
        assert!(err.contains(shown), "{file}: `{shown}` not shown:\n{err}");
        assert!(o.stdout.is_empty(), "{file}");
    }
    // The unknown unit is located on the file's own third line (CRLF line
    // ends, a CR inside quotes later on the same line).
    let o = backtest(p, "isolate_unit_crlf.csv");
    let err = text(&o.stderr);
    assert!(err.contains("isolate_unit_crlf.csv:3:1"), "{err}");
}

#[test]
fn a_unit_key_given_twice_by_repeated_flags_is_refused() {
    let root = common::root();
    for key in [
        ["--unit-key", "iso3", "--unit-key", "iso3"],
        ["--unit-key", "iso3", "--unit-key", "ISO3"],
    ] {
        let mut args = vec![
            "score",
            "--framework",
            "tests/fixtures/minimal.yaml",
            "--data",
            "tests/fixtures/data/minimal.csv",
        ];
        args.extend(key);
        let o = run_in(&root, &args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(64), "{key:?}: {err}");
        assert!(err.contains("error[U001]"), "{err}");
        assert!(err.contains("twice"), "{err}");
        assert!(o.stdout.is_empty());
    }
}

/// The text of `explain` and of `audit` shows titles of the framework and
/// names of the data; these go through the sanitiser like every other
/// table and report.
#[test]
fn explain_and_audit_text_show_names_and_titles_escaped() {
    let dir = backtest_folder();
    let p = dir.path();
    let fw = std::fs::read_to_string(p.join("fw.yaml"))
        .expect("fw")
        .replace(
            "title: Synthetic backtest framework",
            "title: \"Synthetic\\u202E fw\\r\"",
        )
        .replace("title: Synthetic crime", "title: \"Cri\\rme\\u2066\"");
    std::fs::write(p.join("t.yaml"), fw).expect("write");
    std::fs::write(
        p.join("d.csv"),
        "iso3,country,year,x\nAAA,A\u{202e}land,2000,1\nAAA,A\u{202e}land,2001,8\nBBB,Bee,2000,2\nBBB,Bee,2001,2\n",
    )
    .expect("write");
    let base = ["--framework", "t.yaml", "--data", "d.csv"];
    for args in [
        vec!["explain", "--country", "AAA", "--year", "2001"],
        vec!["audit"],
    ] {
        let all = [&args[..], &base].concat();
        let o = run_in(p, &all);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
        let out = text(&o.stdout);
        assert_eq!(unsafe_chars(&out), [], "{args:?}:\n{out}");
        assert!(out.contains("A\\u{202e}land"), "{args:?}:\n{out}");
    }
}

/// `audit` stays within 1 GiB on small frameworks that make its work
/// large: themes that share members level after level (a framework of 3
/// KB with 2^29 paths from an indicator up to a theme, which its section on
/// double counting counts instead of listing), and 2,000 indicators on 600
/// unit-years (two million pairs of indicators to correlate, refused before
/// the work by the budget `audit-work`, L015).
#[cfg(target_os = "linux")]
#[test]
fn audit_of_costly_frameworks_stays_within_1_gib() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let minimal = std::fs::read_to_string(common::root().join("tests/fixtures/minimal.yaml"))
        .expect("fixture");
    let mut diamond = minimal.clone();
    diamond.push_str("themes:\n  - {id: a0, title: A0, members: [rf1.x, rf9.y]}\n  - {id: b0, title: B0, members: [rf1.x, rf9.y]}\n");
    for k in 1..30 {
        let _ = writeln!(
            diamond,
            "  - {{id: a{k}, title: A, members: [a{p}, b{p}]}}\n  - {{id: b{k}, title: B, members: [a{p}, b{p}]}}",
            p = k - 1
        );
    }
    let head = minimal.split("indicators:").next().expect("head");
    let mut many = format!("{head}indicators:\n");
    for i in 0..2_000 {
        let col = if i % 2 == 0 { "x" } else { "y" };
        let _ = writeln!(
            many,
            "  - {{id: i{i}, risk_factor: rf1, text: T, measures: [{{column: {col}, direction: higher_is_riskier, normalise: {{goalposts: {{min: 0, max: 10}}}}}}]}}"
        );
    }
    let mut data = String::from("iso3,year,x,y\n");
    for u in 0..30 {
        for y in 0..20 {
            let _ = writeln!(
                data,
                "U{u:04},{},{},{}",
                1990 + y,
                (u + y) % 10,
                (u * y) % 7
            );
        }
    }
    for (name, text) in [("t.yaml", &diamond), ("m.yaml", &many), ("d.csv", &data)] {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let audit = |fw: &str| {
        common::run_within_1_gib(dir.path(), &["audit", "--framework", fw, "--data", "d.csv"])
    };
    let o = audit("t.yaml");
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let out = text(&o.stdout);
    assert!(
        out.contains("reaches theme `a29` by 536870912 paths"),
        "{out}"
    );
    let o = audit("m.yaml");
    let err = text(&o.stderr);
    assert!(!err.contains("memory allocation"), "{err}");
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("L015") && err.contains("--limit audit-work="),
        "{err}"
    );
    assert!(o.stdout.is_empty());
}
