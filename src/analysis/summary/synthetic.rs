//! A synthetic scored run and its summary, for the tests of the summary and
//! of its renderers.

use super::builder::Builder;
use super::model::Summary;
use crate::analysis::ranking::Run;
use crate::compile::Plan;
use crate::data::Panel;
use crate::score::Scores;

// Synthetic: overall = max of two crimes; crime g = mean of r1 (weight 3) and r2 (weight 1).
const FW: &str = "format: 1\nid: t\ntitle: t\nversion: '1'\ncrimes: [{id: g, title: G}, {id: h, title: H}]\nrisk_factors:\n  - {id: r1, title: R1, crimes: [g], kind: dynamic, weight: 3}\n  - {id: r2, title: R2, crimes: [g, h], kind: dynamic}\nindicators:\n  - {id: r1.a, risk_factor: r1, text: A, measures: [{column: a, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}]}\n  - {id: r2.b, risk_factor: r2, text: B, measures: [{column: b, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}]}\noverall:\n  aggregate: {method: max}\n";
const CSV: &str = "iso3,year,a,b\nAAA,2000,2,1\nAAA,2001,8,1\nBBB,2000,1,1\nBBB,2001,1,2\n";

/// The synthetic framework scored on the synthetic data, through the
/// stages below this floor.
pub(crate) fn scored() -> (Plan, Panel, Scores) {
    use crate::framework::extends;
    let chain = extends::load_chain("t.yaml", FW, &mut extends::embedded_only).unwrap();
    let input = crate::data::Input {
        name: "d.csv".into(),
        prefix: None,
        bytes: CSV.as_bytes(),
    };
    let panel = Panel::load(&[input]).unwrap();
    let plan = crate::compile::compile_chain(&chain.located(), &panel).unwrap();
    let scores = crate::score::evaluate(&plan, &panel);
    (plan, panel, scores)
}

/// The summary of 2001 (the second year), with lists of five.
pub(crate) fn summary() -> Summary {
    let (plan, panel, scores) = scored();
    let r = Run {
        plan: &plan,
        panel: &panel,
        scores: &scores,
        years: vec![1],
    };
    Builder::new(&r).build(1, 5)
}
