//! Recommendations for a country-year: which are triggered, by which risk
//! nodes, over which path from the data, ranked by the strength of their
//! triggers. Conditions were resolved to node indices at compile time, so no
//! graph search runs per country.

use super::Scores;
use crate::compile::{Condition, Kind, Plan};

/// One condition that holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Index of the trigger within its recommendation.
    pub trigger: usize,
    /// The node the condition is on.
    pub node: usize,
    /// The node's score.
    pub value: f64,
    /// The node's band.
    pub band: Option<String>,
    /// The strongest chain of contributions under the node, from the node
    /// down to a measure or an indicator with no children.
    pub path: Vec<usize>,
}

/// A triggered recommendation.
#[derive(Debug, Clone, PartialEq)]
pub struct Triggered {
    /// Index into [`Plan::recommendations`].
    pub rec: usize,
    /// The highest score among the nodes whose condition holds.
    pub strength: f64,
    /// The conditions that hold, strongest first.
    pub hits: Vec<Hit>,
}

/// Whether a condition holds for a node's value.
pub fn holds(plan: &Plan, node: usize, condition: &Condition, value: f64) -> bool {
    if value.is_nan() {
        return false;
    }
    match condition {
        Condition::BandAtLeast { rank, .. } => {
            plan.band_rank(node, value).is_some_and(|r| r >= *rank)
        }
        Condition::ScoreAtLeast(min) => value >= *min,
    }
}

/// The recommendations triggered for a cell, strongest first (ties: more
/// conditions holding first, then framework order).
pub fn triggered(plan: &Plan, scores: &Scores, cell: usize) -> Vec<Triggered> {
    let mut out = Vec::new();
    for (ri, r) in plan.recommendations.iter().enumerate() {
        let mut hits: Vec<Hit> = r
            .triggers
            .iter()
            .enumerate()
            .filter_map(|(ti, t)| {
                let value = scores.value(t.node, cell);
                holds(plan, t.node, &t.condition, value).then(|| Hit {
                    trigger: ti,
                    node: t.node,
                    value,
                    band: plan.band(t.node, value).map(str::to_string),
                    path: strongest_path(plan, scores, t.node, cell),
                })
            })
            .collect();
        if hits.is_empty() {
            continue;
        }
        hits.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.trigger.cmp(&b.trigger)));
        out.push(Triggered {
            rec: ri,
            strength: hits[0].value,
            hits,
        });
    }
    out.sort_by(|a, b| {
        b.strength
            .total_cmp(&a.strength)
            .then(b.hits.len().cmp(&a.hits.len()))
            .then(a.rec.cmp(&b.rec))
    });
    out
}

/// From a node down: at each step the child that adds most to the parent's
/// score (weight times score; for `max`, the highest score), ties to the
/// first child, until a node with no scored children.
pub fn strongest_path(plan: &Plan, scores: &Scores, node: usize, cell: usize) -> Vec<usize> {
    let mut path = vec![node];
    let mut at = node;
    while plan.nodes[at].kind != Kind::Measure {
        let best = plan.nodes[at]
            .children
            .iter()
            .filter_map(|&(c, w)| {
                let v = scores.value(c, cell);
                (!v.is_nan()).then_some((c, v * w))
            })
            .fold(None::<(usize, f64)>, |best, (c, x)| match best {
                Some((_, bx)) if bx >= x => best,
                _ => Some((c, x)),
            });
        match best {
            Some((c, _)) => {
                path.push(c);
                at = c;
            }
            None => break,
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    // synthetic framework: one crime, two risk factors, a theme and two
    // recommendations with band and score conditions
    const FW: &str = r#"
format: 1
id: t
title: t
version: "1"
bands: [{name: low, min: 0}, {name: high, min: 0.5}]
crimes: [{id: g, title: G}]
risk_factors:
  - {id: r1, title: R1, crimes: [g], kind: dynamic}
  - {id: r2, title: R2, crimes: [g], kind: dynamic}
indicators:
  - id: i1
    risk_factor: r1
    text: t
    measures: [{column: x, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}]
  - id: i2
    risk_factor: r2
    text: t
    measures: [{column: y, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}]
themes:
  - {id: th, title: Th, members: [i1, i2]}
actors: [{id: s, title: States}]
recommendations:
  - id: a
    title: A
    addressed_to: [s]
    when: [{node: r1, band_at_least: high}, {node: r2, score_at_least: 0.3}]
  - id: b
    title: B
    addressed_to: [s]
    when: [{node: th, score_at_least: 0.9}]
"#;
    // synthetic data: AAA x=8 y=4; BBB x=1 y=1
    const CSV: &str = "iso3,year,x,y\nAAA,2000,8,4\nBBB,2000,1,1\n";

    #[test]
    fn triggers_rank_and_paths() {
        let (plan, panel, scores) = crate::assess_csv(FW, CSV);
        let aaa = panel.cell(panel.find_country("AAA").unwrap(), 0);
        let t = triggered(&plan, &scores, aaa);
        // a holds twice (r1 0.8 high, r2 0.4 >= 0.3); b does not (theme 0.6 < 0.9)
        assert_eq!(t.len(), 1);
        assert_eq!(plan.recommendations[t[0].rec].id, "a");
        assert!((t[0].strength - 0.8).abs() < 1e-12);
        assert_eq!(t[0].hits.len(), 2);
        let ids: Vec<&str> = t[0].hits[0]
            .path
            .iter()
            .map(|&n| plan.nodes[n].id.as_str())
            .collect();
        assert_eq!(ids, ["r1", "i1", "i1/x"]);
        assert_eq!(t[0].hits[0].band.as_deref(), Some("high"));
        // BBB: nothing holds
        let bbb = panel.cell(panel.find_country("BBB").unwrap(), 0);
        assert!(triggered(&plan, &scores, bbb).is_empty());
    }

    #[test]
    fn missing_scores_trigger_nothing() {
        let (plan, _, _) = crate::assess_csv(FW, CSV);
        let r1 = plan.find("r1").unwrap();
        let c = Condition::ScoreAtLeast(0.0);
        assert!(!holds(&plan, r1, &c, f64::NAN));
        assert!(holds(&plan, r1, &c, 0.0));
    }
}
