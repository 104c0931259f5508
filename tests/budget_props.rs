//! The budgets on derived work as properties: generated hostile inputs of
//! each class that makes a small input costly (themes sharing members or
//! chained level after level, units with years far apart, long names
//! against many candidates, wide headers), all synthetic and under 1 MB,
//! are run through atrisk under an address-space limit of 1 GiB (the
//! promise of SECURITY.md). Each run must succeed or stop with the
//! diagnostic of the budget it would pass, with its documented exit code,
//! and never panic or run out of memory. `tests/budgets.rs` runs one fixed
//! input of each class; these vary the shape and the size around the
//! budgets.
//!
//! Each case starts atrisk a few times, so the case counts are small.

#![cfg(target_os = "linux")]

use proptest::prelude::*;
use std::fmt::Write as _;

mod common;

/// Largest input of the promise.
const MB: usize = 1 << 20;

/// Writes the files into a new folder and runs each command line there
/// under 1 GiB. Each run must exit 0, or with `budget` (exit code and
/// diagnostic code) when one is given.
fn runs_within_budget(
    files: &[(&str, &str)],
    lines: &[String],
    budget: Option<(i32, &str)>,
) -> Result<Vec<bool>, TestCaseError> {
    let total: usize = files.iter().map(|(_, t)| t.len()).sum();
    prop_assert!(total < MB, "{total} bytes");
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let mut stopped = Vec::new();
    for line in lines {
        let args: Vec<&str> = line.split_whitespace().collect();
        let o = common::run_within_1_gib(dir.path(), &args);
        let err = String::from_utf8_lossy(&o.stderr);
        let head: String = err.chars().take(1500).collect();
        prop_assert!(
            !err.contains("panicked") && !err.contains("memory allocation"),
            "atrisk {line}: {head}"
        );
        match (o.status.code(), budget) {
            (Some(0), _) => stopped.push(false),
            (Some(exit), Some((want, code))) => {
                prop_assert_eq!(exit, want, "atrisk {}: {}", line, head);
                prop_assert!(
                    err.contains(&format!("error[{code}]")),
                    "atrisk {line}: no {code}: {head}"
                );
                stopped.push(true);
            }
            (exit, _) => prop_assert!(false, "atrisk {line}: exit {exit:?}: {head}"),
        }
    }
    Ok(stopped)
}

/// The head of a synthetic framework: two crimes, two risk factors and
/// four indicators reading columns `x` and `y`.
fn framework_head() -> String {
    let mut s = String::from(
        "# synthetic\nformat: 1\nid: synthetic-props\ntitle: Synthetic\nversion: 0.0.1\ncrimes:\n  - {id: c, title: C}\n  - {id: d, title: D}\nrisk_factors:\n  - {id: r0, title: R0, crimes: [c, d], kind: dynamic}\n  - {id: r1, title: R1, crimes: [d], kind: structural}\nindicators:\n",
    );
    for i in 0..4 {
        let (col, rf) = if i % 2 == 0 { ("x", "r0") } else { ("y", "r1") };
        let _ = writeln!(
            s,
            "  - {{id: i{i}, risk_factor: {rf}, text: T, measures: [{{column: {col}, direction: higher_is_riskier, normalise: {{goalposts: {{min: 0, max: 10}}}}}}]}}"
        );
    }
    s
}

/// A synthetic framework of `levels` levels of `width` themes each, every
/// theme of a level holding every theme of the `reach` levels below it (a
/// chain for width 1, diamonds for width 2 and more).
fn theme_graph(levels: usize, width: usize, reach: usize) -> String {
    let mut s = framework_head();
    s.push_str("themes:\n");
    for k in 0..levels {
        for w in 0..width {
            let mut members = Vec::new();
            for back in 1..=reach.min(k) {
                members.extend((0..width).map(|v| format!("t{}_{v}", k - back)));
            }
            if members.is_empty() {
                members = vec!["i0".into(), "i1".into(), "r0".into()];
            }
            let _ = writeln!(
                s,
                "  - {{id: t{k}_{w}, title: T, members: [{}]}}",
                members.join(", ")
            );
        }
    }
    s
}

/// A small dense synthetic panel with columns `x` and `y`.
fn small_panel() -> String {
    let mut s = String::from("iso3,year,x,y\n");
    for u in 0..4 {
        for y in 0..5 {
            let _ = writeln!(s, "U{u:04},{},{},{}", 1990 + y, (u + y) % 10, (u * y) % 7);
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Themes chained or sharing members level after level: `explain`
    /// (text and JSON) and `score --format json` end within the budgets,
    /// or `explain` stops with L013 (exit 2) when `explain-nodes` is
    /// lowered below what the graph needs.
    #[test]
    fn theme_graphs_are_explained_within_the_budget(
        levels in 1usize..120,
        width in 1usize..4,
        reach in 1usize..6,
        lowered in prop::sample::select(&[0u64, 60, 2_000][..]),
    ) {
        let fw = theme_graph(levels, width, reach);
        let limit = if lowered == 0 { String::new() } else { format!("--limit explain-nodes={lowered} ") };
        let explain = format!("{limit}explain --framework t.yaml --data d.csv --country U0001 --year 1993");
        let lines = [
            explain.clone(),
            format!("{explain} --format json"),
            "score --framework t.yaml --data d.csv --format json".to_string(),
        ];
        let panel = small_panel();
        let stopped = runs_within_budget(&[("t.yaml", &fw), ("d.csv", &panel)], &lines, Some((2, "L013")))?;
        // Only the lowered budget stops a run, and only `explain`.
        prop_assert!(!stopped[2]);
        if lowered == 0 {
            prop_assert_eq!(stopped, vec![false; 3]);
        }
    }

    /// Units with a few rows each in years far apart: the grid spans every
    /// year between, so the panel is refused (L009, exit 3) before it is
    /// built when units x years pass `grid-cells`, and scored otherwise.
    #[test]
    fn sparse_years_far_apart_are_refused_or_scored(
        // as often under the budget as over it
        units in prop_oneof![1usize..400, 400usize..12_000],
        years in prop::collection::btree_set(1000i32..=3000, 2..5),
    ) {
        // about 20 bytes a row
        let units = units.min(900_000 / (20 * years.len()));
        let mut s = String::from("iso3,year,indicator,value\n");
        for u in 0..units {
            for (k, y) in years.iter().enumerate() {
                let col = if k % 2 == 0 { "x" } else { "y" };
                let _ = writeln!(s, "U{u:05},{y},{col},1");
            }
        }
        let lo = years.iter().min().copied().unwrap_or(0);
        let hi = years.iter().max().copied().unwrap_or(0);
        let grid = units as u64 * (hi - lo + 1) as u64;
        let fw = std::fs::read_to_string(common::root().join("tests/fixtures/minimal.yaml")).expect("fixture");
        let lines = [format!("score --framework m.yaml --data d.csv --year {hi}")];
        let stopped = runs_within_budget(&[("m.yaml", &fw), ("d.csv", &s)], &lines, Some((3, "L009")))?;
        // The budget of the grid, 1,000,000 unit-years, decides.
        prop_assert_eq!(stopped[0], grid > 1_000_000, "{} units x {} years", units, hi - lo + 1);
    }

    /// A column asked for by a long name, against a header of many long
    /// names that differ from it here and there: "did you mean" stays
    /// within the memory bound and the run ends with D010 (exit 3).
    #[test]
    fn long_names_against_many_candidates_end_with_d010(
        len in 1_000usize..60_000,
        count in 1usize..12_000,
        flips in prop::collection::vec((any::<prop::sample::Index>(), b'a'..=b'z'), 1..8),
    ) {
        let count = count.min(900_000 / (len / 8 + 10));
        let base: Vec<u8> = (0..len).map(|i| b'a' + (i * 7 % 26) as u8).collect();
        let mut asked = base.clone();
        for (at, b) in &flips {
            asked[at.index(len)] = *b;
        }
        let asked = String::from_utf8(asked).expect("ASCII");
        let mut header = String::from("iso3,year,x");
        for i in 0..count {
            let _ = write!(header, ",{}{i}", String::from_utf8_lossy(&base[..len / 8]));
        }
        header.push_str(&format!("\nAAA,2000,1{}\n", ",".repeat(count)));
        let fw = std::fs::read_to_string(common::root().join("tests/fixtures/minimal.yaml"))
            .expect("fixture")
            .replace("column: y", &format!("column: {asked}"));
        let lines = ["score --framework m.yaml --data d.csv".to_string()];
        let stopped = runs_within_budget(&[("m.yaml", &fw), ("d.csv", &header)], &lines, Some((3, "D010")))?;
        prop_assert!(stopped[0], "the column is missing");
    }

    /// A header of many columns: refused before any work per column (L011,
    /// exit 3) past `csv-columns`, read otherwise, in both readers.
    #[test]
    fn wide_headers_are_refused_or_read(
        columns in prop_oneof![1usize..20_000, 19_990usize..120_000],
        name_len in 1usize..6,
    ) {
        // name, number and a comma in the header, a comma in the row
        let columns = columns.min(900_000 / (name_len + 8));
        let mut s = String::from("iso3,year,x,y");
        for i in 0..columns {
            let _ = write!(s, ",{}{i}", "c".repeat(name_len));
        }
        s.push_str("\nAAA,2000,1,0.5");
        s.push_str(&",".repeat(columns));
        s.push('\n');
        let fw = std::fs::read_to_string(common::root().join("tests/fixtures/minimal.yaml")).expect("fixture");
        let lines = [
            "score --framework m.yaml --data d.csv".to_string(),
            "score --stream --framework m.yaml --data d.csv --format csv".to_string(),
        ];
        let stopped = runs_within_budget(&[("m.yaml", &fw), ("d.csv", &s)], &lines, Some((3, "L011")))?;
        let over = columns + 4 > 20_000;
        prop_assert_eq!(stopped, vec![over, over]);
    }
}

/// The property runs above reach both ends: the generated inputs include
/// ones the budgets stop and ones they let through (checked on one input of
/// each end, so that a budget that stopped everything, or nothing, fails).
#[test]
fn the_generators_reach_both_ends() {
    let fw = theme_graph(60, 3, 5);
    let panel = small_panel();
    let files = [("t.yaml", fw.as_str()), ("d.csv", panel.as_str())];
    let ok = "explain --framework t.yaml --data d.csv --country U0001 --year 1993 --format json";
    let low = format!("--limit explain-nodes=60 {ok}");
    let stopped =
        runs_within_budget(&files, &[ok.to_string(), low], Some((2, "L013"))).expect("runs");
    assert_eq!(stopped, [false, true]);
}
