//! Briefs: one per watch-list country, with its crime scores, the risk
//! factors that weigh most in its score and their raw inputs, its data
//! basis, the analyst assessments it uses and the recommendations its risks
//! call for; and the tally of those recommendations over the watch list.

use super::builder::{Builder, DRIVERS, INDICATORS_PER_DRIVER, weight_shares};
use super::model::{
    ActorRef, AnalystInput, Brief, BriefRec, ColumnValue, LevelDriver, LevelIndicator, NodeScore,
    RecTally,
};
use crate::analysis::ranking::Row;
use crate::analysis::{r6, r6f};
use crate::compile::{Plan, RecPlan};
use crate::score;

impl Builder<'_, '_> {
    /// One brief per country among the first `top` of the ranked `rows` of
    /// year index `y` that have a score, in rank order.
    pub(super) fn briefs(
        &self,
        rows: &[Row],
        y: usize,
        top: usize,
        prev: &[usize],
        mean_years: &[usize],
    ) -> Vec<Brief> {
        let plan = self.run.plan;
        let overall = plan.overall();
        let change = |c: usize, years: &[usize]| {
            r6(self.value(overall, c, y) - self.mean(overall, c, years))
        };
        rows.iter()
            .filter(|r| !r.score.is_nan())
            .take(top)
            .map(|r| {
                let (iso3, country) = self.country(r.country);
                Brief {
                    rank: r.rank,
                    iso3,
                    country,
                    score: r6(r.score),
                    band: r.band.clone(),
                    change_previous_year: change(r.country, prev),
                    change_three_year_mean: change(r.country, mean_years),
                    crimes: self
                        .crimes
                        .iter()
                        .map(|&k| {
                            let v = self.value(k, r.country, y);
                            NodeScore {
                                id: plan.nodes[k].id.clone(),
                                title: plan.nodes[k].title.clone(),
                                score: r6(v),
                                band: plan.band(k, v).map(str::to_string),
                            }
                        })
                        .collect(),
                    drivers: self.level_drivers(r.country, y),
                    data: self.data_age(r.country, y),
                    recommendations: self.recommendations(r.country, y),
                    analyst: self.analyst_inputs(r.country, y),
                    interval: self.interval(r.country),
                }
            })
            .collect()
    }

    fn level_drivers(&self, country: usize, y: usize) -> Vec<LevelDriver> {
        let (plan, panel) = (self.run.plan, self.run.panel);
        let shares = weight_shares(plan, self.run.scores, panel.cell(country, y));
        let weigh = |n: usize| {
            let v = self.value(n, country, y);
            (v, shares[n] * v)
        };
        let mut rfs: Vec<(usize, f64, f64)> = self
            .risk_factors
            .iter()
            .map(|&r| {
                let (v, c) = weigh(r);
                (r, v, c)
            })
            .filter(|&(_, _, c)| c > 0.0)
            .collect();
        rfs.sort_by(|x, z| z.2.total_cmp(&x.2));
        rfs.truncate(DRIVERS);
        rfs.into_iter()
            .map(|(r, v, c)| {
                let mut inds: Vec<(usize, f64, f64)> = plan.nodes[r]
                    .children
                    .iter()
                    .map(|&(i, _)| {
                        let (v, c) = weigh(i);
                        (i, v, c)
                    })
                    .filter(|&(_, _, c)| c > 0.0)
                    .collect();
                inds.sort_by(|x, z| z.2.total_cmp(&x.2));
                inds.truncate(INDICATORS_PER_DRIVER);
                LevelDriver {
                    id: plan.nodes[r].id.clone(),
                    title: plan.nodes[r].title.clone(),
                    score: r6f(v),
                    contribution: r6f(c),
                    indicators: inds
                        .into_iter()
                        .map(|(i, v, _)| LevelIndicator {
                            id: plan.nodes[i].id.clone(),
                            text: plan.nodes[i].title.clone(),
                            score: r6f(v),
                            inputs: self
                                .determining_inputs(i, country, y)
                                .into_iter()
                                .flat_map(|(col, cells)| {
                                    cells.into_iter().map(move |(year, value)| ColumnValue {
                                        column: panel.columns[col].name.clone(),
                                        year,
                                        value,
                                    })
                                })
                                .collect(),
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// The analyst assessments a country-year's score uses, in framework order.
    fn analyst_inputs(&self, country: usize, y: usize) -> Vec<AnalystInput> {
        let (plan, panel, scores) = (self.run.plan, self.run.panel, self.run.scores);
        let mut out = Vec::new();
        for (ni, n) in plan.nodes.iter().enumerate() {
            let Some(m) = &n.measure else { continue };
            if !m.columns.iter().any(|&c| panel.is_assessed(c)) {
                continue;
            }
            let indicator = n.id.rsplit_once('/').map_or(n.id.as_str(), |(i, _)| i);
            let text = plan
                .find(indicator)
                .map(|i| plan.nodes[i].title.clone())
                .unwrap_or_default();
            for (col, cell) in score::trace(plan, panel, scores, ni, country, y) {
                if let Some(a) = panel.analyst(col, cell) {
                    out.push(AnalystInput {
                        indicator: indicator.to_string(),
                        text: text.clone(),
                        year: panel.year(cell % panel.n_years),
                        value: panel.value(col, cell),
                        analyst: a.clone(),
                    });
                }
            }
        }
        out
    }

    /// The recommendations triggered for a country-year.
    fn recommendations(&self, c: usize, y: usize) -> Vec<BriefRec> {
        let plan = self.run.plan;
        let cell = self.run.panel.cell(c, y);
        score::recommend::triggered(plan, self.run.scores, cell)
            .into_iter()
            .map(|t| {
                let r = &plan.recommendations[t.rec];
                BriefRec {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    addressed_to: actors(plan, &r.addressed_to),
                    strength: r6(t.strength).unwrap_or(0.0),
                    triggered_by: t
                        .hits
                        .iter()
                        .map(|h| NodeScore {
                            id: plan.nodes[h.node].id.clone(),
                            title: plan.nodes[h.node].title.clone(),
                            score: r6(h.value),
                            band: h.band.clone(),
                        })
                        .collect(),
                }
            })
            .collect()
    }
}

fn actors(plan: &Plan, idx: &[usize]) -> Vec<ActorRef> {
    idx.iter()
        .map(|&a| ActorRef {
            id: plan.actors[a].id.clone(),
            title: plan.actors[a].title.clone(),
        })
        .collect()
}

/// Counts, per recommendation, the briefs it appears in.
pub(super) fn tally(recs: &[RecPlan], briefs: &[Brief]) -> Vec<RecTally> {
    let mut out: Vec<RecTally> = Vec::new();
    for b in briefs {
        for r in &b.recommendations {
            match out.iter_mut().find(|t| t.id == r.id) {
                Some(t) => {
                    t.count += 1;
                    t.countries.push(b.iso3.clone());
                }
                None => out.push(RecTally {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    addressed_to: r.addressed_to.clone(),
                    count: 1,
                    countries: vec![b.iso3.clone()],
                }),
            }
        }
    }
    let order = |id: &str| recs.iter().position(|r| r.id == id).unwrap_or(usize::MAX);
    out.sort_by(|a, b| b.count.cmp(&a.count).then(order(&a.id).cmp(&order(&b.id))));
    out
}
