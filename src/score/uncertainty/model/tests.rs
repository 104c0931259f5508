//! Unit tests of the Monte Carlo model.

use super::*;
use crate::framework::located::Located;

#[test]
fn uniforms_depend_on_every_input_and_stay_in_range() {
    let a = uniform(1, 0, 0, 0);
    for (s, m, j, f) in [(2, 0, 0, 0), (1, 1, 0, 0), (1, 0, 1, 0), (1, 0, 0, 1)] {
        assert_ne!(a, uniform(s, m, j, f));
    }
    let mean = (0..10_000).map(|j| uniform(7, 0, j, 3)).sum::<f64>() / 10_000.0;
    assert!((mean - 0.5).abs() < 0.02, "{mean}");
    assert!((0..1000).all(|j| (0.0..1.0).contains(&uniform(9, 1, j, 0))));
}

#[test]
fn triangular_weights_stay_in_range_and_peak_at_the_mode() {
    let d = Draw::Weight {
        lo: 0.5,
        hi: 1.5,
        mode: 1.0,
        triangular: true,
    };
    assert_eq!(d.value(0.0), 0.5);
    assert!((d.value(0.5) - 1.0).abs() < 1e-12);
    assert!((d.value(1.0) - 1.5).abs() < 1e-12);
    // a quarter of the mass lies below 0.5 + sqrt(0.25 * 0.5)
    assert!((d.value(0.25) - (0.5 + (0.125f64).sqrt())).abs() < 1e-12);
    assert_eq!(Draw::Choice(3).value(0.999_999), 2.0);
    assert_eq!(Draw::Choice(3).value(0.0), 0.0);
}

// synthetic: rf1 reads a, rf2 reads b; countries disagree on a and b
const FW: &str = "format: 1\nid: t\ntitle: t\nversion: '1'\ncrimes: [{id: g, title: G}]\nrisk_factors:\n  - {id: rf1, title: R1, crimes: [g], kind: dynamic}\n  - {id: rf2, title: R2, crimes: [g], kind: dynamic}\nindicators:\n  - {id: rf1.a, risk_factor: rf1, text: a, measures: [{column: a, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 1}}}]}\n  - {id: rf2.b, risk_factor: rf2, text: b, measures: [{column: b, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 1}}}]}\nuncertainty:\n  nodes:\n    - {node: rf1, weight: {min: 0.1, max: 10}}\n    - {node: overall, aggregate: [mean]}\n";
const CSV: &str = "iso3,year,a,b\nAAA,2000,0.9,0.1\nBBB,2000,0.1,0.9\nCCC,2000,0.5,0.5\nDDD,2000,0.7,0.2\nEEE,2000,0.3,0.6\n";

fn model() -> (Model, Vec<f64>) {
    let (plan, panel, scores) = crate::assess_csv(FW, CSV);
    let fw = crate::framework::load::parse("t.yaml", FW).unwrap();
    let alts = Alternatives::of_chain(&[Located {
        file: "t.yaml",
        fw: &fw,
    }]);
    let point = (0..5)
        .map(|c| scores.value(plan.overall(), panel.cell(c, 0)))
        .collect();
    (Model::build(&plan, &panel, &scores, &alts, 0), point)
}

#[test]
fn sensitivity_goes_to_the_choice_that_moves_ranks() {
    let (m, _) = model();
    let ids: Vec<&str> = m.groups().iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, ["weights:rf1", "aggregation"]);
    let sim = m.simulate(400, 400, 3, &|_| {});
    assert_eq!(sim.info.model_runs, 400 + 400 * 3);
    let by = |id: &str| sim.sensitivity.iter().find(|s| s.group.id == id).unwrap();
    // the mean or the maximum of a single crime is the same score
    assert_eq!(by("aggregation").first_order, 0.0);
    assert_eq!(by("aggregation").total, 0.0);
    let w = by("weights:rf1");
    assert!(w.first_order > 0.8 && w.total > 0.8, "{w:?}");
    // AAA (high a) and BBB (high b) trade places as rf1's weight moves
    let aaa = &sim.countries[0];
    assert!(aaa.rank[0] < aaa.rank[2], "{aaa:?}");
}

#[test]
fn draws_with_fixed_factors_reproduce_the_point_scores() {
    let (m, point) = model();
    let mut b = m.buf();
    let mut s = vec![0.0; 5];
    let mut r = vec![0u16; 5];
    // u = 0 picks the framework's own method (the first of two); rf1's
    // weight is set to its own value of 1: the draw is the point score
    b.u.fill(0.0);
    let f = m
        .factors
        .iter()
        .position(|f| matches!(f.draw, Draw::Weight { .. }))
        .unwrap();
    b.u[f] = (1.0 - 0.1) / (10.0 - 0.1);
    m.run(&mut b, &mut s, &mut r, None);
    for (x, p) in s.iter().zip(&point) {
        assert!((x - p).abs() < 1e-12, "{s:?} {point:?}");
    }
    // ranks: score descending, ties by country order (AAA, BBB, CCC tie at 0.5)
    let mut order: Vec<usize> = (0..5).collect();
    order.sort_by(|&a, &b| point[b].total_cmp(&point[a]).then(a.cmp(&b)));
    for (i, &c) in order.iter().enumerate() {
        assert_eq!(usize::from(r[c]), i + 1);
    }
    assert_eq!(r[..3], [1, 2, 3]);
}

#[test]
fn rise_shares_pair_the_choices_of_both_years() {
    // synthetic: AAA rises on both columns; BBB trades a fall in `a` for
    // a rise in `b`, which wins only when rf1 weighs less than rf2
    // (w < 1, with w uniform in 0.1..10: 0.9 / 9.9 of the draws); CCC
    // does not change.
    let csv = "iso3,year,a,b\nAAA,2000,0.9,0.1\nAAA,2001,0.95,0.2\n\
               BBB,2000,0.1,0.9\nBBB,2001,0.0,1.0\nCCC,2000,0.5,0.5\nCCC,2001,0.5,0.5\n";
    let (plan, panel, scores) = crate::assess_csv(FW, csv);
    let fw = crate::framework::load::parse("t.yaml", FW).unwrap();
    let alts = Alternatives::of_chain(&[Located {
        file: "t.yaml",
        fw: &fw,
    }]);
    let m = |y| Model::build(&plan, &panel, &scores, &alts, y);
    let shares = m(1).rise_shares(&[m(0)], 4000, 5).unwrap();
    assert_eq!(shares[0], 1.0);
    assert!((shares[1] - 0.9 / 9.9).abs() < 0.02, "{shares:?}");
    assert_eq!(shares[2], 0.0);
    // against itself nothing rises
    assert!(
        m(1).rise_shares(&[m(1)], 10, 5)
            .unwrap()
            .iter()
            .all(|&s| s == 0.0)
    );
    assert!(m(1).rise_shares(&[], 10, 5).is_none());
}

#[test]
fn mean_of_every_country_at_once_is_the_aggregate_to_the_bit() {
    let pick =
        |k: u64, choices: &[f64]| choices[(uniform(5, 0, k, 0) * choices.len() as f64) as usize];
    let values = [f64::NAN, 0.0, -0.0, 1.0, 0.3, 0.7, 1e-300, 0.999_999];
    let weights = [0.0, 1.0, 0.5, 2.5, 1e-9, 3.0];
    // Three countries a case, with the same weights and their own values.
    const NC: usize = 3;
    let mut sums = MeanSums {
        have: vec![0.0; NC],
        wsum: vec![0.0; NC],
        sum: vec![0.0; NC],
    };
    let mut out = vec![0.0; NC];
    for case in 0..20_000u64 {
        let n = 1 + (uniform(6, 0, case, 0) * 5.0) as usize;
        let value = |c: u64, i: u64| {
            let k = case * 97 + c * 7919 + i;
            if uniform(7, 0, k, i) < 0.5 {
                pick(k * 31 + i, &values)
            } else {
                uniform(8, 0, k, i)
            }
        };
        let weights: Vec<f64> = (0..n as u64)
            .map(|i| pick(case * 17 + i + 1_000_000, &weights))
            .collect();
        // Per child, its value in each country.
        let columns: Vec<Vec<f64>> = (0..n as u64)
            .map(|i| (0..NC as u64).map(|c| value(c, i)).collect())
            .collect();
        let rule = Rule {
            method: Method::Mean,
            threshold: 0.5,
            intercept: 0.0,
            min_coverage: pick(case + 7, &[0.0, 0.5, 1.0]),
            impute: false,
        };
        let kids = columns
            .iter()
            .map(Vec::as_slice)
            .zip(weights.iter().copied());
        mean_all(&rule, kids, &mut sums, &mut out);
        for (c, &b) in out.iter().enumerate() {
            let kids: Vec<(f64, f64)> = columns
                .iter()
                .zip(&weights)
                .map(|(col, &w)| (col[c], w))
                .collect();
            let a = aggregate::aggregate(&rule, &kids).value;
            assert!(
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                "{kids:?}: {a} vs {b}"
            );
        }
    }
}

#[test]
fn nearest_rank_quantiles() {
    // values 1, 2, 2, 3 (bins 1..3)
    let h = [0, 1, 2, 1];
    assert_eq!(quantile(&h, 4, 0.05), Some(1));
    assert_eq!(quantile(&h, 4, 0.5), Some(2));
    assert_eq!(quantile(&h, 4, 0.95), Some(3));
    assert_eq!(quantile(&h, 0, 0.5), None);
}

#[test]
fn sensitivity_runs_that_skip_unaffected_nodes_match_full_runs() {
    let (m, _) = model();
    // The weights of rf1 leave some evaluated node as it is.
    assert!(
        m.depends.iter().any(|d| d.contains(&false)),
        "{:?}",
        m.depends
    );
    let mut full = m.clone();
    for d in &mut full.depends {
        d.fill(true);
    }
    let a = m.simulate(300, 300, 11, &|_| {});
    let b = full.simulate(300, 300, 11, &|_| {});
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
}
