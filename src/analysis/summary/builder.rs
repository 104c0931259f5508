//! The [`Builder`] of a year's summary: what it reads from a scored run and
//! the helpers its sections share (values and means of a node, newest raw
//! inputs, rankings by any node, the weight shares of the drivers). The
//! sections are built in files of their own.

use crate::analysis::ranking::Run;
use crate::analysis::uncertainty::Interval;
use crate::compile::{Kind, Plan};
use crate::framework::model::Method;
use crate::score::uncertainty::Simulation;
use crate::score::{self, Scores};

/// Risk factors listed as drivers, and indicators listed per risk factor.
pub(super) const DRIVERS: usize = 3;
pub(super) const INDICATORS_PER_DRIVER: usize = 2;

/// How much each node weighs in the overall score of a cell: 1 for the
/// overall node; a child of a maximum gets its parent's share when it is the
/// highest child (the first in framework order on a tie) and nothing
/// otherwise; a child of any other aggregation gets its parent's share times
/// its weight over the weights of the children with data.
pub fn weight_shares(plan: &Plan, scores: &Scores, cell: usize) -> Vec<f64> {
    let mut s = vec![0.0; plan.nodes.len()];
    s[plan.overall()] = 1.0;
    // Evaluation order puts children first, so parents come first backwards.
    for ni in (0..plan.nodes.len()).rev() {
        let share = s[ni];
        let node = &plan.nodes[ni];
        if share == 0.0 || node.children.is_empty() {
            continue;
        }
        let present: Vec<(usize, f64)> = node
            .children
            .iter()
            .copied()
            .filter(|&(c, _)| !scores.value(c, cell).is_nan())
            .collect();
        if node.rule.method == Method::Max {
            let mut best: Option<(usize, f64)> = None;
            for &(c, w) in &present {
                let v = scores.value(c, cell);
                if w > 0.0 && best.is_none_or(|(_, b)| v > b) {
                    best = Some((c, v));
                }
            }
            if let Some((c, _)) = best {
                s[c] += share;
            }
        } else {
            let total: f64 = present.iter().map(|(_, w)| w.abs()).sum();
            if total > 0.0 {
                for (c, w) in present {
                    s[c] += share * w / total;
                }
            }
        }
    }
    s
}

/// Builds summaries from a scored run.
#[derive(Debug)]
pub struct Builder<'r, 'a> {
    pub(super) run: &'r Run<'a>,
    pub(super) measured: Vec<usize>,
    pub(super) risk_factors: Vec<usize>,
    /// Crimes in framework order.
    pub(super) crimes: Vec<usize>,
    /// The framework's forecast ([`Plan::forecast`](crate::compile::Plan::forecast)).
    pub(super) forecast: Option<usize>,
    /// Themes in framework order.
    pub(super) themes: Vec<usize>,
    pub(super) sim: Option<&'r Simulation>,
    /// Per country, the share of paired draws in which the score rose
    /// against the previous year, and against the three-year mean.
    pub(super) rises: [Option<Vec<f64>>; 2],
    /// Build a profile of every scored country and the theme parts.
    pub(super) profiles: bool,
    /// Theme descriptions by theme id.
    pub(super) theme_texts: Vec<(String, String)>,
    /// What the draws vary, in words.
    pub(super) varied: Vec<String>,
}

impl<'r, 'a> Builder<'r, 'a> {
    /// A builder for a run.
    pub fn new(run: &'r Run<'a>) -> Self {
        let plan = run.plan;
        let measured = run.measured_indicators();
        // A forecast added as a risk factor is a probability, not one of the
        // Framework's risk factors: profiles leave it out.
        let mut risk_factors: Vec<usize> = plan
            .of_kind(Kind::RiskFactor)
            .into_iter()
            .filter(|&r| !plan.is_probability(r))
            .collect();
        risk_factors.sort_by_key(|&n| (plan.nodes[n].line, n));
        let mut crimes = plan.of_kind(Kind::Crime);
        crimes.sort_by_key(|&n| (plan.nodes[n].line, n));
        let mut themes = plan.of_kind(Kind::Theme);
        themes.sort_by_key(|&n| (plan.nodes[n].file, plan.nodes[n].line, n));
        Builder {
            run,
            measured,
            risk_factors,
            crimes,
            forecast: plan.forecast(),
            themes,
            sim: None,
            rises: [None, None],
            profiles: false,
            theme_texts: Vec::new(),
            varied: Vec::new(),
        }
    }

    /// Also builds a profile of every scored country and one part per
    /// theme, for the HTML report ([`Summary::profiles`],
    /// [`Summary::themes`]); `summary` leaves them out.
    ///
    /// [`Summary::profiles`]: super::Summary::profiles
    /// [`Summary::themes`]: super::Summary::themes
    pub fn with_profiles(mut self) -> Self {
        self.profiles = true;
        self
    }

    /// Gives the theme parts the descriptions of the themes (theme id,
    /// description), which the compiled framework does not keep.
    pub fn with_theme_texts(mut self, texts: Vec<(String, String)>) -> Self {
        self.theme_texts = texts;
        self
    }

    /// Says what the draws of [`Self::with_uncertainty`] vary, in words
    /// (see [`crate::analysis::uncertainty::varied`]).
    pub fn with_varied(mut self, varied: Vec<String>) -> Self {
        self.varied = varied;
        self
    }

    /// Share of paired draws a rise must hold in to count as a move.
    pub const RISE_SHARE: f64 = 0.95;

    /// Gives the movers, per country, the share of paired draws in which
    /// the score rose against the previous year and against the three-year
    /// mean (see [`crate::score::uncertainty::Model::rise_shares`]). A rise
    /// then counts as a move only when it holds in at least
    /// [`Self::RISE_SHARE`] of the draws.
    pub fn with_rise_shares(
        mut self,
        previous_year: Option<Vec<f64>>,
        mean: Option<Vec<f64>>,
    ) -> Self {
        self.rises = [previous_year, mean];
        self
    }

    /// Gives the watch list, briefs and movers the intervals of a Monte
    /// Carlo run over the summarised year.
    pub fn with_uncertainty(mut self, sim: &'r Simulation) -> Self {
        self.sim = Some(sim);
        self
    }

    pub(super) fn interval(&self, c: usize) -> Option<Interval> {
        Some(Interval::of(&self.sim?.countries[c]))
    }

    pub(super) fn value(&self, node: usize, country: usize, y: usize) -> f64 {
        self.run.scores.value(node, self.run.panel.cell(country, y))
    }

    /// Mean of a node's values over years (NaN when any is missing).
    pub(super) fn mean(&self, node: usize, country: usize, years: &[usize]) -> f64 {
        if years.is_empty() {
            return f64::NAN;
        }
        let sum: f64 = years.iter().map(|&y| self.value(node, country, y)).sum();
        sum / years.len() as f64
    }

    /// Mean of a node's values over the years that have one (NaN when none).
    pub(super) fn mean_available(&self, node: usize, country: usize, years: &[usize]) -> f64 {
        let vals: Vec<f64> = years
            .iter()
            .map(|&y| self.value(node, country, y))
            .filter(|v| !v.is_nan())
            .collect();
        if vals.is_empty() {
            return f64::NAN;
        }
        vals.iter().sum::<f64>() / vals.len() as f64
    }

    pub(super) fn country(&self, c: usize) -> (String, String) {
        let c = &self.run.panel.countries[c];
        (c.iso3.clone(), c.name.clone())
    }

    /// The newest input cell of each data column an indicator read for a
    /// country-year, in the order the columns are first read.
    pub fn newest_inputs(
        &self,
        indicator: usize,
        country: usize,
        y: usize,
    ) -> Vec<(usize, i32, f64)> {
        self.determining_inputs(indicator, country, y)
            .into_iter()
            .filter_map(|(col, cells)| cells.last().map(|&(year, value)| (col, year, value)))
            .collect()
    }

    /// Every data cell that determines an indicator's measures for a
    /// country-year (`score::trace`), by column in the order the columns are
    /// first read, each column's cells by year.
    pub fn determining_inputs(
        &self,
        indicator: usize,
        country: usize,
        y: usize,
    ) -> Vec<(usize, Vec<(i32, f64)>)> {
        let (plan, panel) = (self.run.plan, self.run.panel);
        let mut out: Vec<(usize, Vec<(i32, f64)>)> = Vec::new();
        for &(m, _) in &plan.nodes[indicator].children {
            for (col, cell) in score::trace(plan, panel, self.run.scores, m, country, y) {
                let e = (panel.year(cell % panel.n_years), panel.value(col, cell));
                match out.iter_mut().find(|(c, _)| *c == col) {
                    Some((_, cells)) => {
                        if !cells.contains(&e) {
                            cells.push(e);
                        }
                    }
                    None => out.push((col, vec![e])),
                }
            }
        }
        for (_, cells) in &mut out {
            cells.sort_by_key(|&(year, _)| year);
        }
        out
    }

    /// Ranks countries by a node's score in year `y`; countries without a
    /// score are left out; ties by country code.
    pub(super) fn ranked_by(&self, node: usize, y: usize) -> Vec<(usize, f64)> {
        let panel = self.run.panel;
        let mut v: Vec<(usize, f64)> = (0..panel.countries.len())
            .map(|c| (c, self.value(node, c, y)))
            .filter(|(_, s)| !s.is_nan())
            .collect();
        v.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| panel.countries[a.0].iso3.cmp(&panel.countries[b.0].iso3))
        });
        v
    }
}
