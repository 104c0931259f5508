//! Briefs: one per watch-list country, with its crime scores, the risk
//! factors that weigh most in its score and their raw inputs, its data
//! basis, the analyst assessments it uses and the recommendations its risks
//! call for; profiles, the same for every scored country with every risk
//! factor, every theme and the trend of its score; and the tally of the
//! recommendations over the highest-ranked countries.

use super::builder::{Builder, DRIVERS, INDICATORS_PER_DRIVER, weight_shares};
use super::model::{
    ActorRef, AnalystInput, Brief, BriefRec, ColumnValue, LevelDriver, LevelIndicator, NodeScore,
    RecTally, YearScore,
};
use crate::analysis::ranking::Row;
use crate::analysis::{r6, r6f};
use crate::compile::Plan;
use crate::score;

/// How many of the highest-ranked countries the recommendation tally counts
/// over, whatever the length of the watch list.
pub const TALLY_TOP: usize = 20;

/// Years of the overall score in a profile's trend (fewer when the panel is
/// shorter).
pub const TREND_YEARS: usize = 10;

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
        rows.iter()
            .filter(|r| !r.score.is_nan())
            .take(top)
            .map(|r| self.brief(r, y, prev, mean_years))
            .collect()
    }

    /// A profile of every country of the ranked `rows` that has a score, in
    /// rank order: its brief with every risk factor, every theme and the
    /// trend of its score.
    pub(super) fn profiles(
        &self,
        rows: &[Row],
        y: usize,
        prev: &[usize],
        mean_years: &[usize],
    ) -> Vec<Brief> {
        rows.iter()
            .filter(|r| !r.score.is_nan())
            .map(|r| Brief {
                risk_factors: self.node_scores(&self.risk_factors, r.country, y),
                themes: self.node_scores(&self.themes, r.country, y),
                trend: self.trend(r.country, y),
                ..self.brief(r, y, prev, mean_years)
            })
            .collect()
    }

    fn brief(&self, r: &Row, y: usize, prev: &[usize], mean_years: &[usize]) -> Brief {
        let overall = self.run.plan.overall();
        let change = |years: &[usize]| {
            r6(self.value(overall, r.country, y) - self.mean(overall, r.country, years))
        };
        let (iso3, country) = self.country(r.country);
        let crimes: Vec<usize> = self
            .crimes
            .iter()
            .copied()
            .filter(|&k| Some(k) != self.forecast)
            .collect();
        Brief {
            rank: r.rank,
            iso3,
            country,
            score: r6(r.score),
            band: r.band.clone(),
            change_previous_year: change(prev),
            change_three_year_mean: change(mean_years),
            crimes: self.node_scores(&crimes, r.country, y),
            forecast: self
                .forecast
                .and_then(|f| self.node_scores(&[f], r.country, y).pop()),
            drivers: self.level_drivers(r.country, y),
            data: self.data_age(r.country, y),
            recommendations: self.recommendations(r.country, y),
            analyst: self.analyst_inputs(r.country, y),
            interval: self.interval(r.country),
            risk_factors: Vec::new(),
            themes: Vec::new(),
            trend: Vec::new(),
        }
    }

    /// The scores and bands of `nodes` for a country-year, in that order.
    fn node_scores(&self, nodes: &[usize], country: usize, y: usize) -> Vec<NodeScore> {
        let plan = self.run.plan;
        nodes
            .iter()
            .map(|&k| {
                let v = self.value(k, country, y);
                NodeScore {
                    id: plan.nodes[k].id.clone(),
                    title: plan.nodes[k].title.clone(),
                    score: r6(v),
                    band: plan.band(k, v).map(str::to_string),
                }
            })
            .collect()
    }

    /// The overall score of a country over the last [`TREND_YEARS`] years up
    /// to year index `y`, oldest first.
    fn trend(&self, country: usize, y: usize) -> Vec<YearScore> {
        let (plan, panel) = (self.run.plan, self.run.panel);
        (y.saturating_sub(TREND_YEARS - 1)..=y)
            .map(|yy| YearScore {
                year: panel.year(yy),
                score: r6(self.value(plan.overall(), country, yy)),
            })
            .collect()
    }

    /// Every recommendation with the number of the first [`TALLY_TOP`]
    /// countries of the ranked `rows` (those with a score) it is triggered
    /// for; most often triggered first, then in framework order.
    pub(super) fn tally(&self, rows: &[Row], y: usize) -> Vec<RecTally> {
        let (plan, panel) = (self.run.plan, self.run.panel);
        let counted: Vec<&Row> = rows
            .iter()
            .filter(|r| !r.score.is_nan())
            .take(TALLY_TOP)
            .collect();
        let mut out: Vec<RecTally> = plan
            .recommendations
            .iter()
            .map(|r| RecTally {
                id: r.id.clone(),
                title: r.title.clone(),
                addressed_to: actors(plan, &r.addressed_to),
                count: 0,
                of: counted.len(),
                countries: Vec::new(),
            })
            .collect();
        for row in counted {
            let cell = panel.cell(row.country, y);
            for t in score::recommend::triggered(plan, self.run.scores, cell) {
                out[t.rec].count += 1;
                out[t.rec]
                    .countries
                    .push(panel.countries[row.country].iso3.clone());
            }
        }
        // A stable sort keeps framework order among equal counts.
        out.sort_by_key(|t| std::cmp::Reverse(t.count));
        out
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

pub(super) fn actors(plan: &Plan, idx: &[usize]) -> Vec<ActorRef> {
    idx.iter()
        .map(|&a| ActorRef {
            id: plan.actors[a].id.clone(),
            title: plan.actors[a].title.clone(),
        })
        .collect()
}
