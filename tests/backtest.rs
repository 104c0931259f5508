//! `atrisk backtest`: synthetic cases worked by hand, a cross-check of the
//! shipped framework's figures against its own scores, bad input, and the
//! reproduction of the Early Warning Project's published forecasts where
//! EWP's data are present (skipped, with a message, elsewhere).

use serde_json::Value;

mod common;
use common::ewp::{compare_2024, ewp_dir};
use common::{DATA, EVENTS, FW, fails, root, run};

fn ok_json(args: &[&str]) -> Value {
    let o = run(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("json")
}

fn node<'a>(j: &'a Value, id: &str) -> &'a Value {
    j["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["node"] == id)
        .unwrap_or_else(|| panic!("no node {id}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("a number")
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The synthetic fixture, horizon 1: 4 units x 2000-2002, one positive
/// country-year (AAA 2001, x = 8, before AAA's onset in 2002).
#[test]
fn synthetic_figures_match_the_hand_computation() {
    let j = ok_json(&[
        "backtest",
        "--framework",
        FW,
        "--data",
        DATA,
        "--events",
        EVENTS,
        "--horizon",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(
        (j["from"].as_i64(), j["to"].as_i64()),
        (Some(2000), Some(2002))
    );
    assert_eq!(j["country_years"], 12);
    assert_eq!(j["event_rows_outside_data_years"], 1);
    let ids: Vec<&str> = j["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["node"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["overall", "c", "r1", "r2"]);
    // Negatives: 1 2 5 9 3 8 2 2 4 4 4; the positive scores 8: 9 below, one
    // tie, one above -> 9.5 / 11.
    let r1 = node(&j, "r1");
    assert_eq!(
        (r1["n"].as_i64(), r1["positives"].as_i64()),
        (Some(12), Some(1))
    );
    assert!((f(&r1["auc_roc"]) - 9.5 / 11.0).abs() < 1e-12);
    // Descending: 9 (neg), then 8 and 8 (one positive) enter together: 1/3.
    assert!((f(&r1["auc_pr"]) - 1.0 / 3.0).abs() < 1e-12);
    // r1 is a mean of goalposts, not a probability; r2 passes a logistic on.
    assert!(r1["brier"].is_null());
    let xs = [1.0, 8.0, 2.0, 5.0, 9.0, 3.0, 8.0, 2.0, 2.0, 4.0, 4.0, 4.0];
    let brier = xs
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let y = if i == 1 { 1.0 } else { 0.0 };
            (sigmoid(x - 2.0) - y).powi(2)
        })
        .sum::<f64>()
        / 12.0;
    assert!((f(&node(&j, "r2")["brier"]) - brier).abs() < 1e-12);
    // 2001: BBB 9, AAA 8, DDD 4, CCC 2 -> AAA ranks 2 of 4.
    let hit = &r1["hits"][0];
    assert_eq!(
        (hit["unit"].as_str(), hit["year"].as_i64()),
        (Some("AAA"), Some(2001))
    );
    assert_eq!(
        (hit["rank"].as_i64(), hit["ranked"].as_i64()),
        (Some(2), Some(4))
    );
    assert_eq!(hit["onset_years"], serde_json::json!([2002]));
    assert_eq!(r1["recall"][0]["k"], 10);
    assert_eq!(r1["recall"][0]["share"], 1.0);
}

#[test]
fn ongoing_years_can_be_left_out() {
    // BBB 2002 (x = 3, negative) has an ongoing episode: 8.5 of 10 pairs.
    let j = ok_json(&[
        "backtest",
        "--framework",
        FW,
        "--data",
        DATA,
        "--events",
        EVENTS,
        "--horizon",
        "1",
        "--exclude-ongoing",
        "--format",
        "json",
    ]);
    assert_eq!(j["country_years"], 11);
    assert!((f(&node(&j, "r1")["auc_roc"]) - 0.85).abs() < 1e-12);
}

#[test]
fn csv_and_text_carry_the_same_figures() {
    let args = [
        "backtest",
        "--framework",
        FW,
        "--data",
        DATA,
        "--events",
        EVENTS,
        "--horizon",
        "1",
    ];
    let csv = String::from_utf8(run(&[&args[..], &["--format", "csv"]].concat()).stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "node,kind,n,positives,unscored,auc_roc,auc_pr,brier,recall_top10,recall_top20,recall_top30"
        )
    );
    assert!(
        csv.contains("r1,risk_factor,12,1,0,0.863636,0.333333,,1.000000"),
        "{csv}"
    );
    let text = String::from_utf8(run(&args).stdout).unwrap();
    assert!(text.contains("0.864"), "{text}");
    assert!(text.contains("outcomes known through 2003"), "{text}");
}

#[test]
fn bad_input_gets_a_clear_message() {
    let base = ["backtest", "--framework", FW, "--data", DATA];
    let err = fails(
        &[
            &base[..],
            &["--events", "tests/fixtures/backtest/unknown-unit.csv"],
        ]
        .concat(),
        3,
        "B004",
    );
    assert!(err.contains("unknown-unit.csv:3:1"), "{err}");
    fails(
        &[
            &base[..],
            &["--events", "tests/fixtures/backtest/outside.csv"],
        ]
        .concat(),
        3,
        "B005",
    );
    fails(
        &[&base[..], &["--events", EVENTS, "--horizon", "0"]].concat(),
        64,
        "B006",
    );
    // outcomes of 2003 would need events up to 2005
    let err = fails(
        &[&base[..], &["--events", EVENTS, "--to", "2003"]].concat(),
        64,
        "B007",
    );
    assert!(err.contains("--to 2001"), "{err}");
    fails(
        &[&base[..], &["--events", EVENTS, "--from", "1990"]].concat(),
        64,
        "B007",
    );
    fails(
        &[&base[..], &["--events", EVENTS, "--node", "r1", "--brier"]].concat(),
        64,
        "B014",
    );
    fails(
        &[&base[..], &["--events", "no/such/file.csv"]].concat(),
        3,
        "B001",
    );
    // An events file is read under the same size limit as data files.
    // (the 188-byte data file fits; the shipped 77 KB events file does not)
    let err = fails(
        &[
            &["--limit", "data-bytes=1000"][..],
            &base[..],
            &["--events", "examples/data/mass-killing-onsets.csv"],
        ]
        .concat(),
        3,
        "L005",
    );
    assert!(err.contains("events file"), "{err}");
    fails(
        &[&base[..], &["--events", EVENTS, "--node", "nope"]].concat(),
        64,
        "B008",
    );
}

#[test]
fn brier_can_be_required_of_a_probability() {
    let j = ok_json(&[
        "backtest",
        "--framework",
        FW,
        "--data",
        DATA,
        "--events",
        EVENTS,
        "--horizon",
        "1",
        "--node",
        "b.logit",
        "--brier",
        "--format",
        "json",
    ]);
    assert_eq!(j["nodes"][0]["node"], "b.logit");
    assert!(j["nodes"][0]["brier"].is_number());
}

/// The AUC of the shipped framework's overall score, recomputed here by
/// counting pairs from `atrisk score` and the events file, equals the one
/// `backtest` reports.
#[test]
fn shipped_framework_auc_agrees_with_its_scores() {
    let events = "examples/data/mass-killing-onsets.csv";
    let j = ok_json(&[
        "backtest", "--events", events, "--from", "1994", "--format", "json",
    ]);
    let to = j["to"].as_i64().unwrap() as i32;
    assert_eq!(j["horizon"], 2);
    let o = run(&["score", "--years", "--format", "csv"]);
    let scores = String::from_utf8(o.stdout).unwrap();
    let text = std::fs::read_to_string(root().join(events)).unwrap();
    let onsets: std::collections::BTreeSet<(String, i32)> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[4] == "onset")
        .map(|f| (f[0].to_string(), f[3].parse().unwrap()))
        .collect();
    let head: Vec<&str> = scores.lines().next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|c| *c == name).unwrap();
    let (yc, ic, sc) = (col("year"), col("iso3"), col("score"));
    let (mut pos, mut neg) = (Vec::new(), Vec::new());
    for l in scores.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        let y: i32 = f[yc].parse().unwrap();
        let Ok(s) = f[sc].parse::<f64>() else {
            continue;
        };
        if !(1994..=to).contains(&y) {
            continue;
        }
        let p = (1..=2).any(|k| onsets.contains(&(f[ic].to_string(), y + k)));
        if p { pos.push(s) } else { neg.push(s) }
    }
    let mut won = 0.0;
    for p in &pos {
        for n in &neg {
            won += if p > n {
                1.0
            } else if p == n {
                0.5
            } else {
                0.0
            };
        }
    }
    let auc = won / (pos.len() * neg.len()) as f64;
    let overall = node(&j, "overall");
    assert_eq!(overall["positives"].as_u64(), Some(pos.len() as u64));
    // the CSV scores are rounded to 6 decimals, which can turn near-ties into ties
    assert!(
        (f(&overall["auc_roc"]) - auc).abs() < 2e-3,
        "{auc} vs {}",
        overall["auc_roc"]
    );
    // every crime and risk factor is reported on its own
    let ids: Vec<&str> = j["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["node"].as_str().unwrap())
        .collect();
    for want in [
        "genocide",
        "crimes_against_humanity",
        "war_crimes",
        "rf1",
        "rf14",
    ] {
        assert!(ids.contains(&want), "{want} missing from {ids:?}");
    }
}

#[test]
fn ewp_published_forecast_is_reproduced() {
    let Some(dir) = ewp_dir() else { return };
    let worst = compare_2024(&dir, &root().join("frameworks/ewp-sra-2025.yaml"), true);
    eprintln!("largest difference from EWP's 168 published probabilities: {worst:.2e}");
    assert!(worst < 1e-4, "{worst}");
}

#[test]
fn ewp_rolling_origin_backtest_runs_beside_ewps_figure() {
    let Some(dir) = ewp_dir() else { return };
    let panel = dir.join("prepared2024predictors-2025-09-03.csv");
    let j = ok_json(&[
        "backtest",
        "--framework",
        "frameworks/ewp-sra-2025.yaml",
        "--data",
        panel.to_str().unwrap(),
        "--events",
        "examples/data/mass-killing-onsets.csv",
        "--refit-every",
        "10",
        "--first-fit",
        "1993",
        "--lambda",
        "0.002586428948318162",
        "--format",
        "json",
    ]);
    let refits = j["rolling"]["refits"].as_array().unwrap();
    // refits for 1993, 2003, 2013 and 2023 (the yearly run is in the benchmark);
    // forecasts go on to 2023, whose outcome year 2024 is known
    assert_eq!(refits.len(), 4);
    // each fit uses only rows whose outcome was known in its first test year
    for r in refits {
        assert_eq!(
            r["trained_through"].as_i64().unwrap() + 2,
            r["test_year"].as_i64().unwrap()
        );
    }
    let auc = f(&j["nodes"][0]["auc_roc"]);
    // Counted by onset year, the rows are those of EWP's published backtest:
    // 5,032 country-years of 1994-2024 with a forecast, 39 onsets.
    let b = &j["rolling"]["by_onset_year"];
    assert_eq!(
        (b["n"].as_u64(), b["positives"].as_u64()),
        (Some(5032), Some(39))
    );
    let by_onset = f(&b["auc_roc"]);
    eprintln!(
        "rolling-origin AUC {auc:.3} by country-year, {by_onset:.3} by onset year, refitting every 10 years (EWP's own backtest: 0.825)"
    );
    assert!((0.75..0.9).contains(&auc), "{auc}");
    assert!((0.75..0.9).contains(&by_onset), "{by_onset}");
}
