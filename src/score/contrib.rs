//! What each input adds to a logistic node's log-odds for a country-year,
//! against the year's average country.
//!
//! A logistic node's value is `p = 1 / (1 + e^-z)` with log-odds
//! `z = b0 + Σ w_i x_i`. With `m_i` the mean of input `i` over the units
//! that have a value for it in the same year, this splits exactly as
//!
//! ```text
//! z = (b0 + Σ w_i m_i) + Σ w_i (x_i - m_i)
//! ```
//!
//! The first term is the log-odds of a country whose every input sits at the
//! year's mean (the year's "average country"); each term of the sum is what
//! one input adds to it or takes away: its weight times how far the country
//! is from that mean. An input without a score counts at its year mean when
//! the node imputes (`impute: year_mean`, contribution 0), and as 0 when it
//! does not (the node leaves it out of the sum).

use serde::Serialize;

use super::{Scores, impute};
use crate::compile::Plan;
use crate::data::Panel;
use crate::framework::model::Method;

/// One input's part in the log-odds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// Node index of the input.
    #[serde(skip)]
    pub node: usize,
    /// Node id of the input.
    pub id: String,
    /// Its weight (coefficient).
    pub weight: f64,
    /// The value the node used (after imputation).
    pub value: f64,
    /// True when the input had no score and `value` stands in for it.
    pub imputed: bool,
    /// The mean of the input over the units with a value that year.
    pub year_mean: f64,
    /// `weight * (value - year_mean)`.
    pub contribution: f64,
}

/// The decomposition of one logistic node for one country-year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contributions {
    /// Node index.
    #[serde(skip)]
    pub node: usize,
    /// Node id.
    pub id: String,
    /// The node's value: a probability.
    pub probability: f64,
    /// Its log-odds.
    pub log_odds: f64,
    /// The log-odds of the year's average country (every input at its year mean).
    pub average_log_odds: f64,
    /// The probability of the year's average country.
    pub average_probability: f64,
    /// The intercept.
    pub intercept: f64,
    /// Every input, largest contribution (in absolute value) first; ties in
    /// framework order.
    pub inputs: Vec<Contribution>,
}

/// The contributions of every input of a logistic node for a unit and year
/// index, or `None` when the node is not logistic or has no value there.
pub fn contributions(
    plan: &Plan,
    panel: &Panel,
    scores: &Scores,
    node: usize,
    unit: usize,
    year_idx: usize,
) -> Option<Contributions> {
    let n = &plan.nodes[node];
    if n.rule.method != Method::Logistic {
        return None;
    }
    let cell = panel.cell(unit, year_idx);
    let probability = scores.value(node, cell);
    if probability.is_nan() {
        return None;
    }
    let (nu, ny) = (panel.countries.len(), panel.n_years);
    let mut inputs: Vec<Contribution> = n
        .children
        .iter()
        .map(|&(c, w)| {
            let mean = impute::year_means(nu, ny, |cl| scores.value(c, cl))[year_idx];
            let own = scores.value(c, cell);
            let (value, imputed) = match (own.is_nan(), n.rule.impute) {
                (false, _) => (own, false),
                (true, true) => (mean, true),
                (true, false) => (0.0, true),
            };
            Contribution {
                node: c,
                id: plan.nodes[c].id.clone(),
                weight: w,
                value,
                imputed,
                year_mean: mean,
                contribution: if w == 0.0 { 0.0 } else { w * (value - mean) },
            }
        })
        .collect();
    let intercept = n.rule.intercept;
    let average_log_odds = intercept
        + inputs
            .iter()
            .filter(|i| i.weight != 0.0)
            .map(|i| i.weight * i.year_mean)
            .sum::<f64>();
    let log_odds = average_log_odds + inputs.iter().map(|i| i.contribution).sum::<f64>();
    let order: Vec<usize> = {
        let mut o: Vec<usize> = (0..inputs.len()).collect();
        o.sort_by(|&a, &b| {
            inputs[b]
                .contribution
                .abs()
                .total_cmp(&inputs[a].contribution.abs())
                .then(a.cmp(&b))
        });
        o
    };
    let mut sorted = Vec::with_capacity(inputs.len());
    for i in order {
        sorted.push(inputs[i].clone());
    }
    inputs = sorted;
    Some(Contributions {
        node,
        id: n.id.clone(),
        probability,
        log_odds,
        average_log_odds,
        average_probability: 1.0 / (1.0 + (-average_log_odds).exp()),
        intercept,
        inputs,
    })
}

/// The logistic nodes of a plan, in evaluation order.
pub fn logistic_nodes(plan: &Plan) -> Vec<usize> {
    (0..plan.nodes.len())
        .filter(|&i| plan.nodes[i].rule.method == Method::Logistic)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Synthetic: a logistic indicator over two raw measures, three units.
    const FW: &str = "format: 1\nid: t\ntitle: t\nversion: '1'\ncrimes: [{id: g, title: G}]\nrisk_factors: [{id: r, title: R, crimes: [g], kind: dynamic}]\nindicators:\n  - id: i\n    risk_factor: r\n    text: t\n    aggregate: {method: logistic, intercept: -1, impute: year_mean, min_coverage: 0.5}\n    measures:\n      - {id: a, column: a, normalise: raw, weight: 2}\n      - {id: b, column: b, normalise: raw, weight: -1}\n";
    const CSV: &str = "iso3,year,a,b\nAAA,2000,1,3\nBBB,2000,0,1\nCCC,2000,2,\n";

    #[test]
    fn contributions_add_up_to_the_log_odds() {
        let (plan, panel, scores) = crate::assess_csv(FW, CSV);
        let i = plan.find("i").unwrap();
        for unit in 0..3 {
            let c = contributions(&plan, &panel, &scores, i, unit, 0).unwrap();
            let p = scores.value(i, panel.cell(unit, 0));
            assert!((c.probability - p).abs() < 1e-15);
            assert!((1.0 / (1.0 + (-c.log_odds).exp()) - p).abs() < 1e-12);
            let sum: f64 = c.inputs.iter().map(|x| x.contribution).sum();
            assert!((c.average_log_odds + sum - c.log_odds).abs() < 1e-12);
        }
        // means: a = 1, b = 2; average log-odds = -1 + 2*1 - 1*2 = -1
        let c = contributions(&plan, &panel, &scores, i, 2, 0).unwrap();
        assert!((c.average_log_odds + 1.0).abs() < 1e-12);
        // CCC lacks b: it counts at the year mean and adds nothing
        let b = c.inputs.iter().find(|x| x.id == "i/b").unwrap();
        assert!(b.imputed && b.contribution == 0.0 && b.value == 2.0);
        // a = 2 against a mean of 1, weight 2: +2, listed first
        assert_eq!(c.inputs[0].id, "i/a");
        assert!((c.inputs[0].contribution - 2.0).abs() < 1e-12);
        assert!(contributions(&plan, &panel, &scores, plan.find("r").unwrap(), 0, 0).is_none());
        assert_eq!(logistic_nodes(&plan), vec![i]);
    }
}
