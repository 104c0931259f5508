//! The promise of SECURITY.md: no input under 1 MB makes any command use
//! more than 1 GiB (or run for long). Each way known to make a small input
//! costly gets a generated input (all synthetic) under 1 MB, and the
//! commands run on it under an address-space limit of 1 GiB. Each must end
//! with its documented exit code, the expected diagnostic when a limit or a
//! budget stops it, and never a panic or an allocation failure.
//!
//! Times are not asserted here (they depend on the machine and on the build);
//! `scripts/budgets.sh` measures them on a release build from the same
//! inputs, written to a folder with `ATRISK_BUDGET_INPUTS=DIR`.

use std::fmt::Write as _;
use std::path::PathBuf;

mod common;

/// Largest input of the promise.
const MB: usize = 1 << 20;

/// A generated input: files, and runs of atrisk on them.
struct Case {
    name: &'static str,
    files: Vec<(&'static str, String)>,
    /// (arguments, expected exit code, expected diagnostic code or "").
    runs: Vec<(&'static str, i32, &'static str)>,
}

/// `n` units (`U00000`, ...) with two rows each, in years 1000 and 3000:
/// a few bytes a unit, 2001 years of grid each.
fn sparse_years(n: usize) -> String {
    let mut s = String::from("iso3,year,indicator,value\n");
    for i in 0..n {
        let _ = writeln!(s, "U{i:05},1000,x,1\nU{i:05},3000,x,2\nU{i:05},3000,y,0.5");
    }
    s
}

/// A synthetic framework of `n` indicators, each reading column `x` or `y`.
fn many_indicators(n: usize) -> String {
    let mut s = String::from(
        "# synthetic\nformat: 1\nid: synthetic-many\ntitle: Synthetic many\nversion: 0.0.1\ncrimes:\n  - {id: c, title: C}\nrisk_factors:\n  - {id: r, title: R, crimes: [c], kind: dynamic}\nindicators:\n",
    );
    for i in 0..n {
        let col = if i % 2 == 0 { "x" } else { "y" };
        let _ = writeln!(
            s,
            "  - {{id: i{i}, risk_factor: r, text: T, measures: [{{column: {col}, direction: higher_is_riskier, normalise: {{goalposts: {{min: 0, max: 10}}}}}}]}}"
        );
    }
    s
}

/// A synthetic framework whose themes share members level after level: `a_k`
/// and `b_k` both hold `a_{k-1}` and `b_{k-1}`.
fn diamond_themes(levels: usize) -> String {
    let mut s = String::from(&many_indicators(2)[..]);
    s.push_str("themes:\n  - {id: a0, title: A0, members: [i0, i1]}\n  - {id: b0, title: B0, members: [i0, i1]}\n");
    for k in 1..levels {
        let _ = writeln!(
            s,
            "  - {{id: a{k}, title: A, members: [a{p}, b{p}]}}\n  - {{id: b{k}, title: B, members: [a{p}, b{p}]}}",
            p = k - 1
        );
    }
    s
}

/// A synthetic framework with one logistic indicator of `n` measures, each
/// reading column `x` or `y` with its own weight: a fit of `n` predictors.
fn logistic_of(n: usize) -> String {
    let mut s = String::from(
        "# synthetic\nformat: 1\nid: synthetic-logistic\ntitle: Synthetic logistic\nversion: 0.0.1\ncrimes:\n  - {id: c, title: C}\nrisk_factors:\n  - {id: r, title: R, crimes: [c], kind: dynamic}\nindicators:\n  - id: m\n    risk_factor: r\n    text: T\n    aggregate: {method: logistic, intercept: -2}\n    measures:\n",
    );
    for i in 0..n {
        let col = if i % 2 == 0 { "x" } else { "y" };
        let _ = writeln!(
            s,
            "      - {{id: p{i}, column: {col}, normalise: raw, weight: 0.001}}"
        );
    }
    s
}

/// Synthetic onsets for [`dense`]: a unit-year in four.
fn onsets(units: usize, years: usize) -> String {
    let mut s = String::from("iso3,year,event\n");
    for u in 0..units {
        for y in 1..years {
            if (u * 7 + y * 3) % 4 == 0 {
                let _ = writeln!(s, "U{u:04},{},onset", 1990 + y);
            }
        }
    }
    s
}

/// A dense synthetic panel of `units` x `years` with columns `x` and `y`.
fn dense(units: usize, years: usize) -> String {
    let mut s = String::from("iso3,year,x,y\n");
    for u in 0..units {
        for y in 0..years {
            let _ = writeln!(s, "U{u:04},{},{},{}", 1990 + y, (u + y) % 10, (u * y) % 7);
        }
    }
    s
}

fn cases() -> Vec<Case> {
    let minimal = std::fs::read_to_string(root().join("tests/fixtures/minimal.yaml"))
        .expect("fixture")
        .replace(
            "synthetic-minimal",
            "synthetic-minimal\nwatchlist: {top: 5}",
        );
    let mut wide = String::from("iso3,year");
    for i in 0..100_000 {
        let _ = write!(wide, ",c{i}");
    }
    wide.push_str("\nAAA,2000\n");
    // Names of 50 characters, 15,000 of them, and a column asked for by a
    // name of 100,000 characters.
    let mut names = String::from("iso3,year");
    for i in 0..15_000 {
        let _ = write!(names, ",{}{i:05}", "n".repeat(45));
    }
    names.push_str("\nAAA,2000");
    names.push_str(&",".repeat(15_000));
    names.push('\n');
    let long_column = minimal.replace("column: x", &format!("column: {}", "q".repeat(100_000)));
    let long_example = minimal.replace(
        "        normalise: {goalposts: {min: 0, max: 10}}",
        &format!(
            "        normalise: {{goalposts: {{min: 0, max: 10}}}}\n    examples:\n      - given: {{x: [{}]}}\n        value: 0.1",
            vec!["1"; 2500].join(", ")
        ),
    );
    let mut assessed = String::from("iso3,year,indicator,value\n");
    for i in 0..40_000 {
        let _ = writeln!(assessed, "AFG,2020,q{i},1");
    }
    let f = |s: &str| s.to_string();
    vec![
        Case {
            name: "sparse years far apart, over grid-cells",
            files: vec![("m.yaml", minimal.clone()), ("d.csv", sparse_years(20_000))],
            runs: vec![
                ("score --framework m.yaml --data d.csv", 3, "L009"),
                ("validate m.yaml --data d.csv", 3, "L009"),
            ],
        },
        Case {
            name: "sparse years far apart, under grid-cells",
            files: vec![("m.yaml", minimal.clone()), ("d.csv", sparse_years(499))],
            runs: vec![
                ("score --framework m.yaml --data d.csv --year 3000", 0, ""),
                (
                    "score --framework m.yaml --data d.csv --format json --years",
                    64,
                    "L012",
                ),
                (
                    "summary --framework m.yaml --data d.csv --year 3000 --draws 20",
                    0,
                    "",
                ),
                (
                    "explain --framework m.yaml --data d.csv --country U00001 --year 3000",
                    0,
                    "",
                ),
                (
                    "score --stream --framework m.yaml --data d.csv --format csv",
                    0,
                    "",
                ),
            ],
        },
        Case {
            name: "a framework of thousands of nodes",
            files: vec![
                ("big.yaml", many_indicators(2_000)),
                ("d.csv", dense(30, 20)),
                ("d2.csv", dense(150, 20)),
            ],
            runs: vec![
                ("validate big.yaml", 0, ""),
                ("score --framework big.yaml --data d2.csv", 3, "L010"),
                ("audit --framework big.yaml --data d.csv", 2, "L015"),
                (
                    "score --framework big.yaml --data d.csv --format csv --years",
                    0,
                    "",
                ),
                (
                    "graph --framework big.yaml --data d.csv --format json",
                    0,
                    "",
                ),
                (
                    "summary --framework big.yaml --data d.csv --draws 20",
                    0,
                    "",
                ),
            ],
        },
        Case {
            name: "themes sharing members level after level",
            files: vec![("t.yaml", diamond_themes(30)), ("d.csv", dense(30, 20))],
            runs: vec![
                ("validate t.yaml", 0, ""),
                ("score --framework t.yaml --data d.csv --format json", 0, ""),
                ("graph --framework t.yaml --data d.csv", 0, ""),
                ("audit --framework t.yaml --data d.csv", 0, ""),
                (
                    "report --framework t.yaml --data d.csv --draws 20 -o r.html",
                    0,
                    "",
                ),
            ],
        },
        Case {
            name: "a header of 100,000 columns",
            files: vec![("m.yaml", minimal.clone()), ("wide.csv", wide)],
            runs: vec![
                ("score --framework m.yaml --data wide.csv", 3, "L011"),
                (
                    "score --stream --framework m.yaml --data wide.csv --format csv",
                    3,
                    "L011",
                ),
            ],
        },
        Case {
            name: "long names against many candidates",
            files: vec![("long.yaml", long_column), ("names.csv", names)],
            runs: vec![("score --framework long.yaml --data names.csv", 3, "D010")],
        },
        Case {
            name: "an example with a long yearly list",
            files: vec![("ex.yaml", long_example)],
            runs: vec![("test ex.yaml", 2, "F021")],
        },
        Case {
            name: "assessments of many indicators",
            files: vec![("a.csv", assessed)],
            runs: vec![("score --assessments a.csv", 3, "L008")],
        },
        Case {
            name: "a logistic node of 1,500 predictors, fitted again and again",
            files: vec![
                ("l.yaml", logistic_of(1_500)),
                ("d.csv", dense(30, 20)),
                ("e.csv", onsets(30, 20)),
            ],
            runs: vec![
                (
                    "fit --framework l.yaml --data d.csv --events e.csv --cv 10",
                    3,
                    "L014",
                ),
                (
                    "backtest --framework l.yaml --data d.csv --events e.csv --refit-every 1",
                    3,
                    "L014",
                ),
                (
                    "backtest --framework l.yaml --data d.csv --events e.csv --refit-every 1 --cv-folds 2",
                    3,
                    "L014",
                ),
                ("validate l.yaml --data d.csv", 0, ""),
            ],
        },
        Case {
            name: "a panel just under the budgets, every year as JSON",
            files: vec![("m.yaml", f(&minimal)), ("d.csv", dense(300, 60))],
            runs: vec![
                (
                    "score --framework m.yaml --data d.csv --format json --years",
                    0,
                    "",
                ),
                (
                    "uncertainty --framework m.yaml --data d.csv --draws 100",
                    0,
                    "",
                ),
            ],
        },
    ]
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[cfg(target_os = "linux")]
#[test]
fn no_input_under_1_mb_goes_past_1_gib() {
    let keep = std::env::var_os("ATRISK_BUDGET_INPUTS").map(PathBuf::from);
    let mut failures = Vec::new();
    for (i, case) in cases().into_iter().enumerate() {
        let total: usize = case.files.iter().map(|(_, t)| t.len()).sum();
        assert!(total < MB, "{}: {total} bytes", case.name);
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = match &keep {
            Some(k) => k.join(format!("case{i}")),
            None => tmp.path().to_path_buf(),
        };
        std::fs::create_dir_all(&dir).expect("folder");
        for (name, text) in &case.files {
            std::fs::write(dir.join(name), text).expect("write");
        }
        if keep.is_some() {
            // The inputs are kept for scripts/budgets.sh, which runs them.
            let runs: Vec<String> = case
                .runs
                .iter()
                .map(|(a, exit, _)| format!("{exit} {a}"))
                .collect();
            std::fs::write(dir.join("runs.txt"), runs.join("\n") + "\n").expect("write");
            std::fs::write(dir.join("name.txt"), case.name).expect("write");
            continue;
        }
        for (args, exit, code) in &case.runs {
            let o = common::run_within_1_gib(&dir, &args.split_whitespace().collect::<Vec<_>>());
            let err = String::from_utf8_lossy(&o.stderr);
            let mut problems = Vec::new();
            if o.status.code() != Some(*exit) {
                problems.push(format!("exit {:?}, expected {exit}", o.status.code()));
            }
            if !code.is_empty() && !err.contains(&format!("error[{code}]")) {
                problems.push(format!("no {code}"));
            }
            if err.contains("panicked") || err.contains("memory allocation") {
                problems.push("panicked or ran out of memory".to_string());
            }
            if !problems.is_empty() {
                let head: String = err.chars().take(1500).collect();
                failures.push(format!(
                    "{}: atrisk {args}: {}\n{head}",
                    case.name,
                    problems.join("; ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
