//! `atrisk uncertainty`: determinism whatever the number of threads,
//! zero-width intervals without alternatives, alternatives that flow through
//! `extends`, and usage errors.

use std::process::{Command, Output};

use serde_json::Value;

fn root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

fn atrisk(threads: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_atrisk"))
        .current_dir(root())
        .env("RAYON_NUM_THREADS", threads)
        .args(["--color", "never", "uncertainty"])
        .args(args)
        .output()
        .expect("atrisk runs")
}

fn json(threads: &str, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = atrisk(threads, &all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn countries(v: &Value) -> &Vec<Value> {
    v["countries"].as_array().expect("countries")
}

/// Asserts that every scored country's intervals have zero width and that
/// its medians are its point score and rank.
fn assert_zero_width(v: &Value) {
    let mut scored = 0;
    for c in countries(v) {
        if c["score"].is_null() {
            continue;
        }
        scored += 1;
        for k in ["score_median", "score_p05", "score_p95"] {
            assert_eq!(c[k], c["score"], "{k} of {}", c["iso3"]);
        }
        for k in ["rank_median", "rank_p05", "rank_p95"] {
            assert_eq!(c[k], c["rank"], "{k} of {}", c["iso3"]);
        }
        let in_one_band = c["bands"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["share"] == 1.0);
        assert!(in_one_band, "{} changes band", c["iso3"]);
    }
    assert!(scored > 0);
}

fn widest(v: &Value) -> f64 {
    countries(v)
        .iter()
        .filter_map(|c| Some(c["score_p95"].as_f64()? - c["score_p05"].as_f64()?))
        .fold(0.0, f64::max)
}

#[test]
fn same_seed_same_bytes_whatever_the_threads() {
    let args = ["--draws", "24", "--sensitivity-draws", "6", "--seed", "7"];
    let one = atrisk("1", &args);
    let two = atrisk("2", &args);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    assert!(!one.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&one.stdout),
        String::from_utf8_lossy(&two.stdout)
    );
    // progress goes to a terminal only
    assert!(one.stderr.is_empty() && two.stderr.is_empty());
    let csv = ["--draws", "24", "--seed", "7", "--format", "csv"];
    assert_eq!(atrisk("1", &csv).stdout, atrisk("2", &csv).stdout);
    // another seed gives other draws
    let other = atrisk(
        "2",
        &["--draws", "24", "--sensitivity-draws", "6", "--seed", "8"],
    );
    assert_ne!(one.stdout, other.stdout);
}

#[test]
fn the_shipped_default_has_real_intervals_and_sensitivity() {
    let v = json("2", &["--draws", "40", "--sensitivity-draws", "4"]);
    assert_eq!(v["framework"], "madrid-2015");
    assert_eq!(v["draws"], 40);
    assert!(widest(&v) > 0.01, "no interval has width");
    let moved = countries(&v)
        .iter()
        .filter(|c| c["rank_p05"] != c["rank_p95"])
        .count();
    assert!(moved > 10, "only {moved} countries have a rank interval");
    let groups = v["sensitivity"].as_array().unwrap();
    for g in [
        "aggregation",
        "normalisation",
        "missing_data:all",
        "weights:rf1",
    ] {
        assert!(groups.iter().any(|s| s["group"] == g), "no group {g}");
    }
    // groups + 1 runs per sensitivity row, on top of the draws
    let runs = 40 + 4 * (groups.len() + 1);
    assert_eq!(v["model_runs"], runs);
    // the intervals hold the point score for most countries
    let held = countries(&v)
        .iter()
        .filter(|c| {
            match (
                c["score"].as_f64(),
                c["score_p05"].as_f64(),
                c["score_p95"].as_f64(),
            ) {
                (Some(s), Some(a), Some(b)) => a <= s && s <= b,
                _ => false,
            }
        })
        .count();
    assert!(held * 2 > countries(&v).len(), "{held}");
}

#[test]
fn no_alternatives_give_zero_width_intervals() {
    let fw = std::fs::read_to_string(format!("{}/frameworks/un-foa-2014.yaml", root())).unwrap();
    let cut = fw
        .find("\nuncertainty:")
        .expect("the UN Framework declares alternatives");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-alternatives.yaml");
    std::fs::write(&path, &fw[..cut]).unwrap();
    let p = path.to_str().unwrap();
    let data = [
        "--data",
        "examples/data/panel.csv",
        "--data",
        "examples/data/vdem.csv",
    ];
    let mut args = vec!["--framework", p, "--draws", "12", "--year", "2024"];
    args.extend(data);
    let v = json("2", &args);
    assert_eq!(v["factors"], 0);
    assert_eq!(v["sensitivity"].as_array().unwrap().len(), 0);
    assert_zero_width(&v);
    // the point ranks are those of `atrisk score`
    let out = Command::new(env!("CARGO_BIN_EXE_atrisk"))
        .current_dir(root())
        .args([
            "score",
            "--framework",
            p,
            "--format",
            "csv",
            "--year",
            "2024",
        ])
        .args(data)
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let first = csv.lines().nth(1).unwrap();
    let top = &countries(&v)[0];
    assert!(first.contains(top["iso3"].as_str().unwrap()), "{first}");
    assert_eq!(v["year"], 2024);
}

#[test]
fn alternatives_flow_through_extends() {
    let run = |fw: &str| {
        json(
            "1",
            &[
                "--framework",
                fw,
                "--data",
                "tests/fixtures/data/minimal.csv",
                "--draws",
                "200",
            ],
        )
    };
    let base = run("tests/fixtures/uncertainty_base.yaml");
    assert!(widest(&base) > 0.05, "{base}");
    assert!(base["factors"].as_u64().unwrap() >= 3);
    // the child sets every alternative back to the framework's own choice
    let child = run("tests/fixtures/uncertainty_child.yaml");
    assert_zero_width(&child);
}

#[test]
fn bad_draw_counts_are_usage_errors() {
    for (args, code) in [
        (vec!["--draws", "0"], "U010"),
        (vec!["--draws", "10", "--sensitivity-draws", "11"], "U011"),
    ] {
        let out = atrisk("1", &args);
        assert_eq!(out.status.code(), Some(64));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(code) && err.contains("help"), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn summary_counts_a_rise_only_when_it_holds_in_paired_draws() {
    // 2023 on the shipped data, with 20 movers: some rises of the plain list
    // depend on the choice of method, so the paired draws have some to drop.
    let summary = |draws: &str| -> Value {
        let out = Command::new(env!("CARGO_BIN_EXE_atrisk"))
            .current_dir(root())
            .args([
                "summary", "--year", "2023", "--top", "20", "--format", "json",
            ])
            .args(["--draws", draws])
            .output()
            .unwrap();
        assert!(out.status.success());
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let plain = summary("0");
    let judged = summary("100");
    assert!(plain.get("uncertainty").is_none());
    assert_eq!(judged["uncertainty"]["draws"], 100);
    let movers = |v: &Value| -> Vec<(String, f64, Option<f64>)> {
        v["movers"]["previous_year"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["iso3"].as_str().unwrap().to_string(),
                    m["change"].as_f64().unwrap(),
                    m["rise_share"].as_f64(),
                )
            })
            .collect()
    };
    let (all, kept) = (movers(&plain), movers(&judged));
    // every kept rise holds in at least 95% of the paired draws; some rise of
    // the plain list does not
    assert!(!kept.is_empty());
    for (iso3, change, share) in &kept {
        assert!(*change > 0.0, "{iso3}: {change}");
        let share = share.unwrap_or_else(|| panic!("{iso3}: no rise_share"));
        assert!(
            (0.95..=1.0).contains(&share),
            "{iso3}: rose in {share} of draws"
        );
    }
    assert!(
        all.iter().all(|m| m.2.is_none()),
        "rise_share without draws"
    );
    let dropped: Vec<&String> = all
        .iter()
        .map(|m| &m.0)
        .filter(|iso3| !kept.iter().any(|k| &k.0 == *iso3))
        .collect();
    assert!(
        !dropped.is_empty(),
        "no rise depended on the choice of method"
    );
    // the watch list carries rank intervals; without draws it has none
    for e in judged["watch_list"]["overall"].as_array().unwrap() {
        let iv = &e["interval"];
        let (lo, hi) = (
            iv["rank_p05"].as_u64().unwrap(),
            iv["rank_p95"].as_u64().unwrap(),
        );
        assert!(lo <= hi, "{e}");
    }
    assert!(plain["watch_list"]["overall"][0].get("interval").is_none());
}
