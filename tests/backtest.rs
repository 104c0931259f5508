//! `atrisk backtest`: synthetic cases worked by hand, a cross-check of the
//! shipped framework's figures against its own scores, the rolling origin's
//! figures recomputed from its predictions file, nested cross-validation that
//! never reads the years it forecasts, bad input, and the reproduction of the
//! Early Warning Project's published forecasts where EWP's data are present
//! (skipped, with a message, elsewhere).

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
    let b = &j["rolling"]["model"]["by_onset_year"];
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

// ---------------------------------------------------------------------------
// Rolling origin: the printed figures recomputed from the predictions file.

/// One row of a predictions CSV.
#[derive(Debug, Clone)]
struct Pred {
    unit: String,
    year: i32,
    p: f64,
    onset: Option<bool>,
    trained_through: i32,
    baseline: Option<f64>,
}

fn read_predictions(text: &str) -> Vec<Pred> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (u, y, p, o, t, b) = (
        0,
        col("data_year"),
        col("probability"),
        col("onset"),
        col("trained_through"),
        col("baseline"),
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            Pred {
                unit: rec[u].to_string(),
                year: rec[y].parse().unwrap(),
                p: rec[p].parse().unwrap(),
                onset: match &rec[o] {
                    "" => None,
                    v => Some(v == "1"),
                },
                trained_through: rec[t].parse().unwrap(),
                baseline: (!rec[b].is_empty()).then(|| rec[b].parse().unwrap()),
            }
        })
        .collect()
}

/// Onset years by unit, and the last year of any row, from an events CSV
/// (`iso3`, `year`, `event` columns).
fn onsets(path: &std::path::Path) -> (std::collections::HashSet<(String, i32)>, i32) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (u, y, e) = (col("iso3"), col("year"), col("event"));
    let mut out = std::collections::HashSet::new();
    let mut last = i32::MIN;
    for rec in r.records() {
        let rec = rec.unwrap();
        let year: i32 = rec[y].parse().unwrap();
        last = last.max(year);
        if &rec[e] == "onset" {
            out.insert((rec[u].to_string(), year));
        }
    }
    (out, last)
}

/// AUC as the share of (positive, negative) pairs ranked right, ties half.
fn pair_auc(rows: &[(f64, bool)]) -> f64 {
    let (mut won, mut pairs) = (0.0, 0.0);
    for a in rows.iter().filter(|r| r.1) {
        for b in rows.iter().filter(|r| !r.1) {
            pairs += 1.0;
            won += if a.0 > b.0 {
                1.0
            } else if a.0 == b.0 {
                0.5
            } else {
                0.0
            };
        }
    }
    won / pairs
}

/// Average precision: precision at each distinct score from the top, times
/// the recall it adds.
fn avg_precision(rows: &[(f64, bool)]) -> f64 {
    let total = rows.iter().filter(|r| r.1).count() as f64;
    let mut scores: Vec<f64> = rows.iter().map(|r| r.0).collect();
    scores.sort_by(|a, b| b.total_cmp(a));
    scores.dedup();
    let mut ap = 0.0;
    let mut prev_tp = 0.0;
    for s in scores {
        let above: Vec<&(f64, bool)> = rows.iter().filter(|r| r.0 >= s).collect();
        let tp = above.iter().filter(|r| r.1).count() as f64;
        ap += (tp - prev_tp) / total * tp / above.len() as f64;
        prev_tp = tp;
    }
    ap
}

/// Rows grouped by year: (year, score, positive); the positives ranked
/// within the top `k` of their year (rank = 1 + rows scoring higher).
fn top_k(rows: &[(i32, f64, bool)], k: usize) -> usize {
    rows.iter()
        .filter(|r| r.2)
        .filter(|r| {
            let higher = rows.iter().filter(|o| o.0 == r.0 && o.1 > r.1).count();
            higher < k
        })
        .count()
}

fn close(a: f64, b: &Value, what: &str) {
    let b = f(b);
    assert!((a - b).abs() < 1e-9, "{what}: recomputed {a}, printed {b}");
}

/// Checks a skill block of the report against rows (year, score, positive).
fn check_skill(rows: &[(i32, f64, bool)], s: &Value, brier: bool, what: &str) {
    let pos = rows.iter().filter(|r| r.2).count();
    assert_eq!(s["n"].as_u64().unwrap() as usize, rows.len(), "{what}: n");
    assert_eq!(s["positives"].as_u64().unwrap() as usize, pos, "{what}");
    let sl: Vec<(f64, bool)> = rows.iter().map(|r| (r.1, r.2)).collect();
    close(pair_auc(&sl), &s["auc_roc"], &format!("{what} AUC"));
    close(avg_precision(&sl), &s["auc_pr"], &format!("{what} AP"));
    if brier {
        let b: f64 = rows
            .iter()
            .map(|r| (r.1 - if r.2 { 1.0 } else { 0.0 }).powi(2))
            .sum::<f64>()
            / rows.len() as f64;
        close(b, &s["brier"], &format!("{what} Brier"));
    }
    for (i, k) in [10, 20, 30].into_iter().enumerate() {
        let hits = top_k(rows, k);
        assert_eq!(
            s["recall"][i]["hits"].as_u64().unwrap() as usize,
            hits,
            "{what}: top {k}"
        );
    }
}

/// Recomputes every figure of a rolling-origin report from its predictions
/// (and the events file): by country-year, by onset year pooled and year by
/// year, the calibration table, and the same for the baseline.
fn recompute_from_predictions(j: &Value, preds: &[Pred], events: &std::path::Path, h: i32) {
    let (ons, last_event_year) = onsets(events);
    let ro = &j["rolling"];
    let first = preds.iter().map(|p| p.year).min().unwrap();
    for (label, pick, block) in [
        (
            "model",
            (|p: &Pred| Some(p.p)) as fn(&Pred) -> Option<f64>,
            &ro["model"],
        ),
        ("baseline", |p: &Pred| p.baseline, &ro["baseline"]),
    ] {
        if block.is_null() {
            continue;
        }
        // By country-year: the rows with a known outcome.
        let cy: Vec<(i32, f64, bool)> = preds
            .iter()
            .filter_map(|p| Some((p.year, pick(p)?, p.onset?)))
            .collect();
        check_skill(
            &cy,
            &block["by_country_year"],
            true,
            &format!("{label} by country-year"),
        );
        // By onset year: the larger of the forecasts of Y-1 .. Y-H.
        let by: std::collections::HashMap<(&str, i32), f64> = preds
            .iter()
            .filter_map(|p| Some(((p.unit.as_str(), p.year), pick(p)?)))
            .collect();
        let mut units: Vec<&str> = preds.iter().map(|p| p.unit.as_str()).collect();
        units.sort_unstable();
        units.dedup();
        let mut oy = Vec::new();
        for y in first + 1..=last_event_year {
            for u in &units {
                let best = (1..=h)
                    .filter_map(|k| by.get(&(*u, y - k)).copied())
                    .fold(f64::NAN, f64::max);
                if !best.is_nan() {
                    oy.push((y, best, ons.contains(&(u.to_string(), y))));
                }
            }
        }
        check_skill(
            &oy,
            &block["by_onset_year"],
            true,
            &format!("{label} by onset year"),
        );
        for ys in block["by_year"].as_array().unwrap() {
            let y = ys["year"].as_i64().unwrap() as i32;
            let rows: Vec<(i32, f64, bool)> = oy.iter().copied().filter(|r| r.0 == y).collect();
            assert_eq!(ys["n"].as_u64().unwrap() as usize, rows.len());
            if rows.iter().any(|r| r.2) && rows.iter().any(|r| !r.2) {
                let sl: Vec<(f64, bool)> = rows.iter().map(|r| (r.1, r.2)).collect();
                close(pair_auc(&sl), &ys["auc_roc"], &format!("{label} AUC {y}"));
            }
            assert_eq!(
                ys["recall"][2]["hits"].as_u64().unwrap() as usize,
                top_k(&rows, 30)
            );
        }
        // Calibration: ten bins of equal count over the by-country-year rows,
        // sorted by forecast (the file's order breaks ties).
        let mut sorted = cy.clone();
        sorted.sort_by(|a, b| a.1.total_cmp(&b.1));
        let n = sorted.len();
        let bins = block["calibration"].as_array().unwrap();
        assert_eq!(bins.len(), 10);
        for (b, bin) in bins.iter().enumerate() {
            let rows = &sorted[b * n / 10..(b + 1) * n / 10];
            let mean = rows.iter().map(|r| r.1).sum::<f64>() / rows.len() as f64;
            let obs = rows.iter().filter(|r| r.2).count() as f64 / rows.len() as f64;
            close(
                mean,
                &bin["mean_forecast"],
                &format!("{label} bin {b} mean"),
            );
            close(obs, &bin["observed"], &format!("{label} bin {b} observed"));
        }
    }
}

/// The shipped forecast framework over the shipped panel, every year from
/// 1993, at a fixed penalty (the nested cross-validation of the same run is
/// timed in the benchmark): the report's figures, model and baseline, are
/// recomputed from the predictions file, CSV and JSON.
#[test]
fn printed_figures_are_recomputed_from_the_predictions_file() {
    let tmp = tempfile::tempdir().unwrap();
    let csv_path = tmp.path().join("pred.csv");
    let json_path = tmp.path().join("pred.json");
    let events = "examples/data/mass-killing-onsets.csv";
    let args = [
        "backtest",
        "--framework",
        "un-foa-2014-forecast",
        "--events",
        events,
        "--refit-every",
        "1",
        "--lambda",
        "0.004",
    ];
    let j = ok_json(
        &[
            &args[..],
            &[
                "--format",
                "json",
                "--predictions",
                json_path.to_str().unwrap(),
            ],
        ]
        .concat(),
    );
    let o = run(&[&args[..], &["--predictions", csv_path.to_str().unwrap()]].concat());
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    let preds = read_predictions(&std::fs::read_to_string(&csv_path).unwrap());
    // one row per unit and data year, 1993-2023, each from the fit trained
    // through two years before
    assert_eq!(preds.first().unwrap().year, 1993);
    assert_eq!(preds.last().unwrap().year, 2023);
    let mut keys: Vec<(&str, i32)> = preds.iter().map(|p| (p.unit.as_str(), p.year)).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), preds.len());
    assert!(preds.iter().all(|p| p.trained_through == p.year - 2));
    assert!(preds.iter().all(|p| p.baseline.is_some()));
    recompute_from_predictions(&j, &preds, &root().join(events), 2);
    // the JSON predictions carry the same numbers
    let pj: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let rows = pj["predictions"].as_array().unwrap();
    assert_eq!(rows.len(), preds.len());
    for (a, b) in rows.iter().zip(&preds) {
        assert_eq!(a["unit"].as_str().unwrap(), b.unit);
        assert_eq!(f(&a["probability"]), b.p);
    }
    // the text report prints the same figures, rounded
    let m = &j["rolling"]["model"]["by_onset_year"];
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("atrisk "))
        .expect("the by-onset-year line");
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words[1], m["n"].to_string(), "{line}");
    assert_eq!(words[2], m["positives"].to_string(), "{line}");
    assert_eq!(words[3], format!("{:.3}", f(&m["auc_roc"])), "{line}");
    assert!(text.contains("naive baseline"), "{text}");
    assert!(text.contains("Calibration"), "{text}");
}

/// A synthetic panel: 30 units x 2000-2014, `x` a noisy signal of onsets two
/// years ahead, and `population`. Deterministic.
fn synthetic(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut state: u64 = 12345;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    let mut data = String::from("iso3,year,x,population\n");
    let mut events = String::from("iso3,year,event\n");
    for u in 0..30 {
        let unit = format!("U{u:02}");
        for y in 2000..=2014 {
            let x = 10.0 * next();
            data.push_str(&format!("{unit},{y},{x:.3},{}\n", 1000 + u * 100));
            if x + 4.0 * next() > 11.0 && y < 2014 {
                events.push_str(&format!("{unit},{},onset\n", y + 1));
            }
        }
    }
    events.push_str("U00,2014,ongoing\n");
    let (d, e) = (dir.join("data.csv"), dir.join("events.csv"));
    std::fs::write(&d, data).unwrap();
    std::fs::write(&e, events).unwrap();
    (d, e)
}

/// Nested cross-validation: each refit chooses its own penalty from folds of
/// its own training years, which all end before the years it forecasts; the
/// figures are recomputed from the predictions file.
#[test]
fn nested_cross_validation_reads_only_earlier_years() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, events) = synthetic(tmp.path());
    let pred = tmp.path().join("pred.json");
    let (data, events) = (data.to_str().unwrap(), events.to_str().unwrap());
    let args = |out: &std::path::Path| -> Vec<String> {
        [
            "backtest",
            "--framework",
            FW,
            "--node",
            "b.logit",
            "--data",
            data,
            "--events",
            events,
            "--refit-every",
            "1",
            "--first-fit",
            "2005",
            "--cv-folds",
            "3",
            "--predictions",
            out.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let a = args(&pred);
    let mut a: Vec<&str> = a.iter().map(String::as_str).collect();
    a.extend(["--format", "json"]);
    let j = ok_json(&a);
    let ro = &j["rolling"];
    assert_eq!(ro["cv_folds"].as_u64(), Some(3));
    let refits = ro["refits"].as_array().unwrap();
    assert_eq!(refits.len(), 9, "2005-2013");
    let mut lambdas = Vec::new();
    for r in refits {
        let (test, through) = (
            r["test_year"].as_i64().unwrap(),
            r["trained_through"].as_i64().unwrap(),
        );
        assert_eq!(through + 2, test);
        let cv = &r["cv"];
        assert_eq!(cv["gap"].as_u64(), Some(1), "horizon 2: a one-year gap");
        let folds = cv["fold_years"].as_array().unwrap();
        assert_eq!(folds.len(), 3);
        assert_eq!(folds[0][0].as_i64(), Some(2000));
        assert_eq!(
            folds[2][1].as_i64(),
            Some(through),
            "no fold reaches a forecast year"
        );
        lambdas.push(f(&r["lambda"]));
    }
    lambdas.dedup();
    assert!(
        lambdas.len() > 1,
        "each refit chooses its own penalty: {lambdas:?}"
    );
    // the same run as text, twice: CSV predictions, the same bytes each time
    let csv_run = |out: &std::path::Path| {
        let a = args(out);
        let o = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(o.status.code(), Some(0));
        std::fs::read_to_string(out).unwrap()
    };
    let text = csv_run(&tmp.path().join("a.csv"));
    assert_eq!(text, csv_run(&tmp.path().join("b.csv")));
    let preds = read_predictions(&text);
    assert!(preds.iter().all(|p| p.trained_through <= p.year - 2));
    let pj: Value = serde_json::from_str(&std::fs::read_to_string(&pred).unwrap()).unwrap();
    assert_eq!(pj["predictions"].as_array().unwrap().len(), preds.len());
    recompute_from_predictions(&j, &preds, std::path::Path::new(events), 2);
}

#[test]
fn rolling_origin_bad_input_gets_a_clear_message() {
    let base = [
        "backtest",
        "--framework",
        FW,
        "--data",
        DATA,
        "--node",
        "b.logit",
    ];
    // the first fit would have one training year: no folds by year
    let err = fails(
        &[
            &base[..],
            &[
                "--events",
                EVENTS,
                "--horizon",
                "1",
                "--refit-every",
                "1",
                "--first-fit",
                "2001",
            ],
        ]
        .concat(),
        3,
        "B018",
    );
    assert!(err.contains("1 year(s) (2000-2000)"), "{err}");
    assert!(err.contains("rows"), "{err}");
    // events whose unit keys the data do not know: counted, the first named
    let tmp = tempfile::tempdir().unwrap();
    let ev = tmp.path().join("ev.csv");
    let mut text = String::from("iso3,year,event\nAAA,2001,onset\n");
    for k in 0..7 {
        text.push_str(&format!("Z{k:02},2001,onset\nZ{k:02},2002,ongoing\n"));
    }
    std::fs::write(&ev, text).unwrap();
    let err = fails(
        &[&base[..], &["--events", ev.to_str().unwrap()]].concat(),
        3,
        "B004",
    );
    assert!(err.contains("7 unit keys"), "{err}");
    assert!(err.contains("14 rows"), "{err}");
    assert!(err.contains("`Z00` (line 3)"), "{err}");
    assert!(err.contains("and 2 more"), "{err}");
    // predictions need a rolling origin
    let o = run(&[&base[..], &["--events", EVENTS, "--predictions", "p.csv"]].concat());
    assert_eq!(o.status.code(), Some(64));
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// A synthetic panel of 20 units x 2000-2011: `x` as `value(unit, year)`
/// gives it, `z` always 5; onsets where `(7 u + y) % 9 == 0`. Returns the
/// data and events files.
fn synthetic_panel(
    dir: &std::path::Path,
    name: &str,
    value: impl Fn(usize, i32, bool) -> f64,
) -> (String, String) {
    let onset = |u: usize, y: i32| y > 2000 && (7 * u as i32 + y) % 9 == 0;
    let mut data = String::from("iso3,year,x,z\n");
    let mut events = String::from("iso3,year,event\n");
    for u in 0..20 {
        for y in 2000..=2011 {
            data.push_str(&format!("U{u:02},{y},{},5\n", value(u, y, onset(u, y + 1))));
            if onset(u, y) {
                events.push_str(&format!("U{u:02},{y},onset\n"));
            }
        }
    }
    let (d, e) = (
        dir.join(format!("{name}.csv")),
        dir.join(format!("{name}-events.csv")),
    );
    std::fs::write(&d, data).unwrap();
    std::fs::write(&e, events).unwrap();
    (
        d.to_str().unwrap().to_string(),
        e.to_str().unwrap().to_string(),
    )
}

/// The refits of a rolling origin name the real cause of a failed fit as
/// `fit` does (a constant predictor: B019; separable data: B011 naming the
/// predictor), with the same hints, and name the refit by the year it
/// forecasts; with a fixed penalty, a cold start at lambda 0, and a penalty
/// chosen by cross-validation.
#[test]
fn refits_name_the_cause_as_fit_does() {
    let tmp = tempfile::tempdir().unwrap();
    let (constant, events) = synthetic_panel(tmp.path(), "constant", |_, _, _| 5.0);
    let (separated, _) = synthetic_panel(
        tmp.path(),
        "separated",
        |_, _, next| {
            if next { 9.0 } else { 1.0 }
        },
    );
    // `backtest` refitting from 2006, or `fit` through 2005: the same rows
    let args = |head: &[&str], data: &str, penalty: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = head.iter().map(|s| s.to_string()).collect();
        for s in [
            "--framework",
            FW,
            "--node",
            "b.logit",
            "--data",
            data,
            "--events",
            &events,
            "--horizon",
            "1",
        ]
        .iter()
        .chain(penalty)
        {
            a.push(s.to_string());
        }
        a
    };
    let common = |data: &str, penalty: &[&str]| {
        let mut p = vec!["--refit-every", "1", "--first-fit", "2006"];
        p.extend(penalty);
        args(&["backtest"], data, &p)
    };
    let fit_args = |data: &str, penalty: &[&str]| {
        let mut p = vec!["--through", "2005"];
        p.extend(penalty);
        args(&["fit"], data, &p)
    };
    // what follows the name of the fit, up to the end of the hint
    let cause = |err: &str, name: &str| -> String {
        let at = err.find(name).unwrap_or_else(|| panic!("{name} in {err}"));
        let rest = &err[at + name.len()..];
        let message = rest.lines().next().unwrap().to_string();
        let hint = rest
            .lines()
            .find(|l| l.contains("help: "))
            .unwrap()
            .to_string();
        format!("{message}\n{hint}")
    };
    let refit = "the model's refit for 2006 (on the years up to 2005)";
    for penalty in [
        &["--lambda", "0.01"][..],
        &["--lambda", "0"][..],
        &["--cv-folds", "3"][..],
    ] {
        let fit_penalty: &[&str] = if penalty[0] == "--cv-folds" {
            &["--cv", "3"]
        } else {
            penalty
        };
        for (data, code, says) in [
            (&constant, "B019", "every predictor has the same value"),
            (
                &separated,
                "B011",
                "`b.logit/x` alone separates the outcomes",
            ),
        ] {
            let err = fails(&strs(&common(data, penalty)), 3, code);
            assert!(err.contains(refit), "{err}");
            assert!(err.contains(says), "{err}");
            assert!(!err.contains("did not converge"), "{err}");
            let by_fit = fails(&strs(&fit_args(data, fit_penalty)), 3, code);
            assert_eq!(
                cause(&err, refit),
                cause(&by_fit, "fit on the years up to 2005"),
                "{penalty:?}"
            );
        }
    }
    // the separated data: the hint names the predictor to drop
    let err = fails(&strs(&common(&separated, &["--lambda", "0.01"])), 3, "B011");
    assert!(err.contains("drop `b.logit/x`"), "{err}");
    assert!(!err.contains("lower --lambda"), "{err}");
}

/// A predictor constant in some refits only: one B019 warning naming it and
/// the refits, and the backtest runs.
#[test]
fn refits_warn_once_of_a_constant_predictor() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, events) = synthetic_panel(tmp.path(), "panel", |u, y, next| {
        (u as i32 * 3 + y) as f64 % 7.0 + if next { 2.0 } else { 0.0 }
    });
    let fw = tmp.path().join("two.yaml");
    std::fs::write(
        &fw,
        std::fs::read_to_string(root().join(FW)).unwrap().replace(
            "      - {column: x, normalise: raw, weight: 1}\n",
            "      - {column: x, normalise: raw, weight: 1}\n      - {id: zed, column: z, normalise: raw, weight: 1}\n",
        ),
    )
    .unwrap();
    let o = run(&[
        "backtest",
        "--framework",
        fw.to_str().unwrap(),
        "--node",
        "b.logit",
        "--data",
        &data,
        "--events",
        &events,
        "--horizon",
        "1",
        "--refit-every",
        "2",
        "--first-fit",
        "2006",
        "--lambda",
        "0.01",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(err.matches("warning[B019]").count(), 1, "{err}");
    assert!(
        err.contains("the model's refits for 2006, 2008, 2010: `b.logit/zed` (5)"),
        "{err}"
    );
}
