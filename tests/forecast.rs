//! The forecast framework `un-foa-2014-forecast` and the rule-format
//! additions it rests on: an indicator's `inputs` (scores of other nodes as
//! children), `impute: year_mean` on a logistic node, the `centre`
//! normalisation, and the mass-killing history derived from the onsets file.

use serde_json::Value;

mod common;
use common::{fails, root, run};

fn stdout(args: &[&str]) -> String {
    let o = run(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// `examples/data/mass-killing-history.csv` is what the onsets file says:
/// recomputed here, for every country-year of the shipped panel.
#[test]
fn mass_killing_history_follows_from_the_onsets_file() {
    let mut ongoing: std::collections::HashMap<(String, i32), u32> = Default::default();
    let mut r =
        csv::Reader::from_path(root().join("examples/data/mass-killing-onsets.csv")).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        if !rec[0].is_empty() && &rec[4] == "ongoing" {
            ongoing.insert(
                (rec[0].to_string(), rec[3].parse().unwrap()),
                rec[5].parse().unwrap(),
            );
        }
    }
    let mut expected = String::from("iso3,year,mk_ongoing,mk_years_since\n");
    let mut r = csv::Reader::from_path(root().join("examples/data/panel.csv")).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let (iso3, year): (&str, i32) = (&rec[0], rec[2].parse().unwrap());
        let count = ongoing.get(&(iso3.to_string(), year)).copied().unwrap_or(0);
        let since = (1945..=year)
            .rev()
            .find(|y| ongoing.contains_key(&(iso3.to_string(), *y)))
            .map_or(String::new(), |y| (year - y).to_string());
        expected.push_str(&format!("{iso3},{year},{count},{since}\n"));
    }
    let shipped =
        std::fs::read_to_string(root().join("examples/data/mass-killing-history.csv")).unwrap();
    assert_eq!(
        shipped, expected,
        "rebuild with scripts/build_mass_killing_history.py"
    );
    // spot checks: Myanmar had three episodes under way in 2024; Rwanda's
    // last episode, begun with the 1994 genocide, was under way until 1999
    assert!(shipped.contains("\nMMR,2024,3,0\n"));
    assert!(shipped.contains("\nRWA,2024,0,25\n"), "RWA");
}

/// A synthetic framework: a logistic indicator over a risk factor's score
/// (an input) and a centred raw measure, imputing missing inputs.
const FW: &str = r#"format: 1
id: synthetic-inputs
title: Synthetic inputs
version: '1'
crimes: [{id: c, title: C}, {id: p, title: P, weight: 0}]
risk_factors:
  - {id: r, title: R, crimes: [c], kind: dynamic}
  - {id: f, title: F, crimes: [p], kind: dynamic}
indicators:
  - id: r.x
    risk_factor: r
    text: x on goalposts
    measures:
      - {column: x, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}
  - id: f.p
    risk_factor: f
    text: a logistic model
    aggregate: {method: logistic, intercept: -1, impute: year_mean, min_coverage: 0.2}
    measures:
      - {id: z, column: z, normalise: {centre: median}, weight: 0.5}
    inputs:
      - {node: r, weight: 2}
"#;

/// Synthetic: three units in one year; CCC has no x.
const CSV: &str = "iso3,year,x,z\nAAA,2000,2,1\nBBB,2000,6,5\nCCC,2000,,9\n";

#[test]
fn inputs_impute_and_centre_are_scored_as_documented() {
    let input = [atrisk::data::Input {
        name: "d.csv".into(),
        prefix: None,
        bytes: CSV.as_bytes(),
    }];
    let (plan, panel, scores) = atrisk::assess("f.yaml", FW, &input).unwrap();
    let p = plan.find("f.p").unwrap();
    let r = plan.find("r").unwrap();
    let z = plan.find("f.p/z").unwrap();
    // children: the measure, then the input
    let kids: Vec<&str> = plan.nodes[p]
        .children
        .iter()
        .map(|&(c, _)| plan.nodes[c].id.as_str())
        .collect();
    assert_eq!(kids, ["f.p/z", "r"]);
    let v = |n: usize, u: usize| scores.value(n, panel.cell(u, 0));
    // z centred on its median 5: -4, 0, 4
    assert_eq!((v(z, 0), v(z, 1), v(z, 2)), (-4.0, 0.0, 4.0));
    // r = x / 10: 0.2, 0.6 and none; its year mean 0.4 stands in for CCC
    let sig = |t: f64| 1.0 / (1.0 + (-t).exp());
    assert!((v(p, 0) - sig(-1.0 + 0.5 * -4.0 + 2.0 * 0.2)).abs() < 1e-12);
    assert!((v(p, 1) - sig(-1.0 + 2.0 * 0.6)).abs() < 1e-12);
    assert!(v(r, 2).is_nan());
    assert!((v(p, 2) - sig(-1.0 + 0.5 * 4.0 + 2.0 * 0.4)).abs() < 1e-12);
    // coverage counts the real scores only: |0.5| of |0.5| + |2|
    assert!((scores.coverage(p, panel.cell(2, 0)) - 0.2).abs() < 1e-12);
    // the crime weighted 0 leaves the overall score as the crime `c`
    let (o, c) = (plan.overall(), plan.find("c").unwrap());
    assert_eq!(v(o, 0), v(c, 0));
}

#[test]
fn bad_inputs_impute_and_centre_are_refused_with_a_location() {
    let tmp = tempfile::tempdir().unwrap();
    let input = "      - {node: r, weight: 2}";
    let cases = [
        (
            input,
            "      - {node: nope, weight: 2}",
            "F011",
            "unknown risk factor, indicator or theme `nope`",
        ),
        (
            input,
            "      - {node: c, weight: 2}",
            "F011",
            "`c` is a crime",
        ),
        (
            input,
            "      - {node: f, weight: 2}",
            "F020",
            "whose score depends on the indicator itself",
        ),
        (
            input,
            "      - {node: r, weight: 2}\n      - {node: r, weight: 1}",
            "F010",
            "listed twice",
        ),
        (
            "aggregate: {method: logistic, intercept: -1, impute: year_mean, min_coverage: 0.2}",
            "aggregate: {impute: year_mean}",
            "F015",
            "`impute` only applies to `method: logistic`",
        ),
        (
            "{column: x, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}",
            "{column: x, normalise: {centre: mean}}",
            "F016",
            "`centre` values are not on the 0-1 scale",
        ),
        (
            "{id: z, column: z, normalise: {centre: median}, weight: 0.5}",
            "{id: z, column: z, direction: higher_is_riskier, normalise: {centre: median}, weight: 0.5}",
            "F016",
            "`direction` does not apply to `centre`",
        ),
        (
            "    inputs:\n",
            "    examples: [{given: {z: 1}, value: 0.5}]\n    inputs:\n",
            "F021",
            "has inputs from other nodes",
        ),
    ];
    for (k, (from, to, code, msg)) in cases.iter().enumerate() {
        assert!(FW.contains(from), "{from}");
        let path = tmp.path().join(format!("f{k}.yaml"));
        std::fs::write(&path, FW.replace(from, to)).unwrap();
        let err = fails(&["validate", path.to_str().unwrap()], 2, code);
        assert!(err.contains(msg), "{err}");
        assert!(err.contains(&format!("f{k}.yaml:")), "{err}");
    }
}

/// The shipped forecast framework: its probability is a column of the CSV
/// and a node of the JSON, it leaves the Framework's overall scores as they
/// are, and `explain` splits it into contributions that add up.
#[test]
fn the_shipped_forecast_is_a_probability_beside_the_relative_score() {
    let csv_of = |fw: &str| {
        stdout(&[
            "score",
            "--framework",
            fw,
            "--year",
            "2024",
            "--format",
            "csv",
        ])
    };
    let read = |t: &str| -> Vec<csv::StringRecord> {
        csv::Reader::from_reader(t.as_bytes())
            .records()
            .map(|r| r.unwrap())
            .collect()
    };
    let forecast = csv_of("un-foa-2014-forecast");
    let base = csv_of("un-foa-2014");
    let head: Vec<String> = csv::Reader::from_reader(forecast.as_bytes())
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let (f, b) = (read(&forecast), read(&base));
    assert_eq!(f.len(), b.len());
    let mut sudan = None;
    for (x, y) in f.iter().zip(&b) {
        // same units, ranks and relative scores
        assert_eq!((&x[2], &x[4], &x[1]), (&y[2], &y[4], &y[1]));
        let p: f64 = x[col("mass_killing_onset")].parse().unwrap();
        assert!(p > 0.0 && p < 1.0);
        assert_eq!(&x[col("mass_killing_onset")], &x[col("forecast")]);
        if &x[2] == "SDN" {
            sudan = Some(p);
        }
    }
    let explain = |extra: &[&str]| {
        let base = [
            "explain",
            "--framework",
            "un-foa-2014-forecast",
            "--country",
            "SDN",
        ];
        stdout(&[&base[..], &["--year", "2024"], extra].concat())
    };
    let j: Value = serde_json::from_str(&explain(&["--format", "json"])).unwrap();
    let fc = &j["forecasts"][0];
    assert_eq!(fc["id"], "forecast.onset");
    let p = fc["probability"].as_f64().unwrap();
    assert!((p - sudan.unwrap()).abs() < 1e-6);
    let sum: f64 = fc["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["contribution"].as_f64().unwrap())
        .sum();
    let (z, avg) = (
        fc["log_odds"].as_f64().unwrap(),
        fc["average_log_odds"].as_f64().unwrap(),
    );
    assert!((avg + sum - z).abs() < 1e-9);
    assert!((1.0 / (1.0 + (-z).exp()) - p).abs() < 1e-12);
    // a measure input points at its data cells
    let sources = fc["sources"].as_array().unwrap();
    let pop = sources
        .iter()
        .find(|s| s["id"] == "forecast.onset/log_population")
        .unwrap();
    assert_eq!(pop["cells"][0]["column"], "population");
    let text = explain(&[]);
    assert!(text.contains("Forecast forecast.onset:"), "{text}");
    assert!(
        text.contains("What each input adds to the log-odds"),
        "{text}"
    );
    // a framework without a logistic node explains as before
    let plain = stdout(&[
        "explain",
        "--framework",
        "un-foa-2014",
        "--country",
        "SDN",
        "--year",
        "2024",
    ]);
    assert!(!plain.contains("Forecast "));
    // the default framework extends the forecast, so its explanation has it
    let default = stdout(&["explain", "--country", "SDN", "--year", "2024"]);
    assert!(default.contains("Forecast forecast.onset:"), "{default}");
}

/// The default framework builds on the forecast: `score`, `summary` and the
/// report show the probability beside the relative score, which still sets
/// the rank; the value shown is the forecast node's.
#[test]
fn the_default_outputs_show_the_forecast_beside_the_score() {
    let j: Value = serde_json::from_str(&stdout(&["score", "--format", "json"])).unwrap();
    assert_eq!(j["forecast"], "mass_killing_onset");
    let results = j["results"].as_array().unwrap();
    let mut last = f64::INFINITY;
    let mut differs = false;
    for r in results {
        let node = r["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == "mass_killing_onset")
            .unwrap();
        assert_eq!(r["probability"], node["value"], "{}", r["iso3"]);
        let s = r["score"].as_f64().unwrap();
        assert!(s <= last, "ranked by the relative score");
        last = s;
        differs |= r["probability"].as_f64() != r["score"].as_f64();
    }
    assert!(differs);
    // The table: a `forecast` column with a percentage for the first row.
    let table = stdout(&["score", "--top", "3"]);
    let head = table.lines().find(|l| l.starts_with("rank")).unwrap();
    assert!(head.contains("forecast"), "{head}");
    let first = &results[0];
    let pct = format!("{:.1}%", first["probability"].as_f64().unwrap() * 100.0);
    let line = table
        .lines()
        .find(|l| l.contains(first["iso3"].as_str().unwrap()))
        .unwrap();
    assert!(line.contains(&pct), "{line} lacks {pct}");
    // The summary's watch list and briefs.
    let s: Value = serde_json::from_str(&stdout(&["summary", "--format", "json"])).unwrap();
    assert_eq!(s["forecast"]["id"], "mass_killing_onset");
    let e = &s["watch_list"]["overall"][0];
    assert_eq!(e["iso3"], first["iso3"]);
    assert_eq!(e["probability"], first["probability"]);
    let b = &s["briefs"][0];
    assert_eq!(b["forecast"]["score"], first["probability"]);
    assert!(
        b["crimes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != "mass_killing_onset")
    );
    let text = stdout(&["summary"]);
    assert!(text.contains(&format!("forecast: {pct}")), "brief line");
}
