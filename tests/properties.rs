//! Property tests of the scoring invariants on synthetic panels: scores stay in
//! [0, 1], rise (or stay) when a risk-raising input rises, and do not depend on
//! the order of rows; `explain` reports exactly the numbers `score` computes;
//! any assessment file is scored or refused, never a panic.

use atrisk::compile::Kind;
use atrisk::data::Input;
use proptest::prelude::*;

/// A synthetic framework exercising every aggregation method, several
/// transforms and the pointwise normalisations.
const FW: &str = r#"
format: 1
id: synthetic
title: Synthetic
version: "1"
crimes:
  - {id: c1, title: C1}
  - {id: c2, title: C2, aggregate: {method: geometric_mean}}
risk_factors:
  - {id: r1, title: R1, crimes: [c1, c2], kind: dynamic}
  - {id: r2, title: R2, crimes: [c1], kind: structural, aggregate: {method: max}}
  - {id: r3, title: R3, crimes: [c2], kind: structural, aggregate: {method: share_above, threshold: 0.4}}
overall: {aggregate: {method: mean}}
indicators:
  - id: i1
    risk_factor: r1
    text: t
    measures:
      - {column: a, transform: [log1p], direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 5}}}
      - {column: b, direction: lower_is_riskier, normalise: {goalposts: {min: -2, max: 2}}, missing: {carry_forward: 2}}
  - id: i2
    risk_factor: r2
    text: t
    measures:
      - {column: a, transform: [{rolling_mean: 3}], direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 50}}}
      - {column: a, id: a_steps, normalise: {steps: [{min: 10, score: 0.5}, {min: 60, score: 1}]}}
  - id: i3
    risk_factor: r3
    text: t
    measures:
      - {column: a, id: a_bin, direction: higher_is_riskier, normalise: {binary: {threshold: 30}}}
      - {column: b, id: b_pct, direction: lower_is_riskier, normalise: percentile}
  - id: i4
    risk_factor: r3
    text: t
    aggregate: {method: logistic, intercept: -1}
    measures:
      - {column: a, id: a_raw, normalise: raw, weight: 0.02}
themes:
  - {id: t1, title: T1, members: [i1, r2]}
actors: [{id: s, title: S}]
recommendations:
  - {id: x, title: X, addressed_to: [s], when: [{node: t1, score_at_least: 0.3}, {node: r1, band_at_least: high}]}
  - {id: y, title: Y, addressed_to: [s], when: [{node: overall, band_at_least: moderate}]}
"#;

fn csv(rows: &[(usize, i32, f64, Option<f64>)]) -> String {
    let mut s = String::from("iso3,year,a,b\n");
    for (c, y, a, b) in rows {
        let b = b.map_or(String::new(), |v| v.to_string());
        s.push_str(&format!("C{c:02},{y},{a},{b}\n"));
    }
    s
}

fn run(
    text: &str,
) -> (
    atrisk::compile::Plan,
    atrisk::data::Panel,
    atrisk::score::Scores,
) {
    atrisk::assess(
        "synthetic.yaml",
        FW,
        &[Input {
            name: "synthetic.csv".into(),
            prefix: None,
            bytes: text.as_bytes(),
        }],
    )
    .expect("synthetic inputs are valid")
}

fn panel_rows() -> impl Strategy<Value = Vec<(usize, i32, f64, Option<f64>)>> {
    // 4 countries x 5 years, a in [0, 100], b in [-3, 3] or missing
    proptest::collection::vec((0.0f64..100.0, proptest::option::of(-3.0f64..3.0)), 20).prop_map(
        |v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (a, b))| (i / 5, 2000 + (i % 5) as i32, a, b))
                .collect()
        },
    )
}

/// Checks every node of an explanation tree against the scores.
fn check_tree(
    plan: &atrisk::compile::Plan,
    scores: &atrisk::score::Scores,
    cell: usize,
    n: &atrisk::report::explain::ExNode<'_>,
) -> Result<(), TestCaseError> {
    let ni = plan.find(n.id).expect("explained nodes exist");
    prop_assert_eq!(
        n.value,
        atrisk::analysis::round(scores.value(ni, cell), 6),
        "value of {}",
        n.id
    );
    prop_assert_eq!(
        n.coverage,
        atrisk::analysis::round(scores.coverage(ni, cell), 6),
        "coverage of {}",
        n.id
    );
    if n.kind != Kind::Measure {
        prop_assert_eq!(n.band, plan.band(ni, scores.value(ni, cell)));
    }
    prop_assert_eq!(n.children.len(), plan.nodes[ni].children.len());
    for c in &n.children {
        check_tree(plan, scores, cell, c)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn explain_reports_the_scores(rows in panel_rows()) {
        let (plan, panel, scores) = run(&csv(&rows));
        for country in 0..panel.countries.len() {
            for y in 0..panel.n_years {
                let cell = panel.cell(country, y);
                let e = atrisk::report::explain::explain(&plan, &panel, &scores, country, y);
                check_tree(&plan, &scores, cell, &e.overall)?;
                for t in &e.themes {
                    check_tree(&plan, &scores, cell, t)?;
                }
                let want: Vec<&str> = atrisk::score::recommend::triggered(&plan, &scores, cell)
                    .iter()
                    .map(|t| plan.recommendations[t.rec].id.as_str())
                    .collect();
                let got: Vec<&str> = e.recommendations.iter().map(|r| r.id).collect();
                prop_assert_eq!(got, want);
            }
        }
    }

    #[test]
    fn every_score_is_between_0_and_1(rows in panel_rows()) {
        let (plan, panel, scores) = run(&csv(&rows));
        let n_cells = panel.countries.len() * panel.n_years;
        for (ni, node) in plan.nodes.iter().enumerate() {
            let raw = node.measure.as_ref().is_some_and(|m| matches!(m.normalise, atrisk::framework::model::Normalise::Raw));
            for cell in 0..n_cells {
                let v = scores.value(ni, cell);
                let c = scores.coverage(ni, cell);
                prop_assert!((0.0..=1.0).contains(&c), "coverage {} at {}", c, node.id);
                if !raw && !v.is_nan() {
                    prop_assert!((0.0..=1.0).contains(&v), "{} = {}", node.id, v);
                }
            }
        }
    }

    #[test]
    fn raising_a_risk_raising_input_never_lowers_a_score(
        rows in panel_rows(),
        who in 0usize..20,
        delta in 0.0f64..50.0,
    ) {
        let (plan, _, before) = run(&csv(&rows));
        let mut up = rows.clone();
        up[who].2 += delta; // column a is risk-raising in every measure that reads it
        let (_, panel, after) = run(&csv(&up));
        let (country, year) = (up[who].0, (up[who].1 - 2000) as usize);
        let cell = panel.cell(country, year);
        for (ni, node) in plan.nodes.iter().enumerate() {
            if node.kind == Kind::Measure { continue; }
            let (b, a) = (before.value(ni, cell), after.value(ni, cell));
            if !b.is_nan() {
                prop_assert!(a >= b - 1e-12, "{} fell from {} to {}", node.id, b, a);
            }
        }
    }

    #[test]
    fn row_order_does_not_matter(rows in panel_rows(), seed in any::<u64>()) {
        let (plan, panel, a) = run(&csv(&rows));
        let mut shuffled = rows.clone();
        // deterministic shuffle from the seed
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let (_, _, b) = run(&csv(&shuffled));
        let n_cells = panel.countries.len() * panel.n_years;
        for ni in 0..plan.nodes.len() {
            for cell in 0..n_cells {
                let (x, y) = (a.value(ni, cell), b.value(ni, cell));
                prop_assert!(x.to_bits() == y.to_bits(), "{} differs: {} vs {}", plan.nodes[ni].id, x, y);
            }
        }
    }
}

/// Analyst assessments on the synthetic framework, which gets a qualitative indicator `q`.
fn run_assessed(
    rows: &[(usize, i32, f64, Option<f64>)],
    assessments: &[u8],
) -> Result<
    (
        atrisk::compile::Plan,
        atrisk::data::Panel,
        atrisk::score::Scores,
    ),
    atrisk::diagnostic::Diagnostics,
> {
    let fw = format!("{FW}  - {{id: q, risk_factor: r2, text: t, qualitative: true}}\n");
    let data = csv(rows);
    atrisk::assess_with(
        "synthetic.yaml",
        &fw,
        &[Input {
            name: "synthetic.csv".into(),
            prefix: None,
            bytes: data.as_bytes(),
        }],
        &[Input {
            name: "assessments.csv".into(),
            prefix: None,
            bytes: assessments,
        }],
    )
}

/// Assessment-like text: header words, codes, years, values, commas, quotes, comments and line ends.
fn assessment_text() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        "(iso3|year|indicator|value|confidence|source|note|C0[0-4]|19[0-9]{2}|200[0-6]|q|i1|0\\.[0-9]|1\\.5|present|absent|unknown|low|high|#|\"|,|\r|\n| |\u{e9}){0,60}",
    )
    .expect("valid regex")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_assessment_file_is_scored_or_refused_without_panic(
        rows in panel_rows(),
        text in assessment_text(),
        bytes in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let _ = run_assessed(&rows, text.as_bytes());
        let _ = run_assessed(&rows, &bytes);
        let header = format!("iso3,year,indicator,value,confidence,source,note\n{text}");
        if let Ok((plan, panel, s)) = run_assessed(&rows, header.as_bytes()) {
            let n_cells = panel.countries.len() * panel.n_years;
            // every node but the raw logistic predictor
            for (ni, node) in plan.nodes.iter().enumerate().filter(|(_, n)| n.id != "i4/a_raw") {
                for cell in 0..n_cells {
                    let v = s.value(ni, cell);
                    prop_assert!(v.is_nan() || (0.0..=1.0).contains(&v), "{} = {}", node.id, v);
                }
            }
        }
    }
}
