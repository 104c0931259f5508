//! The early-warning summary of one year: the watch list, the largest rises
//! and what drove them, new entries into the top bands, data warnings and a
//! brief per watch-list country.
//!
//! [`Summary`] is the model; [`write_text`], [`write_markdown`] and
//! [`write_json`] render it, and the HTML report reuses it. Every list is
//! sorted with a stable tie-break (country code, then framework order), so
//! the same input gives the same output byte for byte.
//!
//! The model grows by sections: a section (such as the recommendations
//! triggered per country) is a field of [`Summary`] and of [`Brief`], filled
//! by its own builder function and rendered in each format. JSON readers are
//! expected to ignore fields they do not know, so adding one does not break
//! them.

use std::fmt::Write;

use serde::Serialize;

use super::fmt_score;
use crate::analysis::{Run, round};
use crate::framework::compile::{Kind, Plan};
use crate::framework::model::Method;
use crate::score::uncertainty::{CountryInterval, Simulation};
use crate::score::{self, Status};

/// A country whose measured indicators with data fall below this share gets
/// a data warning.
pub const FEW_INDICATORS: f64 = 0.75;
/// A country whose inputs are on average this many years old or older gets a
/// data warning.
pub const OLD_DATA_YEARS: f64 = 2.0;
/// Risk factors listed as drivers, and indicators listed per risk factor.
const DRIVERS: usize = 3;
const INDICATORS_PER_DRIVER: usize = 2;
/// Risk factors contributing less than this (half a thousandth of the
/// overall score) are rounding noise and are not listed as drivers.
const MIN_CONTRIBUTION: f64 = 0.0005;

/// The early-warning summary of one year.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Version of atrisk that wrote it.
    pub atrisk_version: &'static str,
    /// The framework.
    pub framework: FrameworkRef,
    /// The data files.
    pub data: Vec<String>,
    /// The year summarised.
    pub year: i32,
    /// The year compared with, if the panel has it.
    pub previous_year: Option<i32>,
    /// The three years whose mean is compared with (oldest first); empty when
    /// the panel does not reach back three years.
    pub mean_years: Vec<i32>,
    /// Size of the watch list and of the other lists.
    pub top: usize,
    /// Countries in the panel.
    pub countries: usize,
    /// Countries per band, lowest band first.
    pub bands: Vec<BandCount>,
    /// Countries without an overall score (insufficient data).
    pub no_score: usize,
    /// The highest-ranked countries, overall and per crime.
    pub watch_list: WatchList,
    /// The largest rises, with their drivers.
    pub movers: Movers,
    /// Countries whose band rose into the top two bands this year.
    pub new_in_top_bands: Vec<NewEntry>,
    /// Countries whose score rests on few indicators or old data.
    pub data_warnings: DataWarnings,
    /// One brief per watch-list country, in rank order.
    pub briefs: Vec<Brief>,
    /// The recommendations triggered for the watch-list countries, most
    /// often triggered first (empty when the framework defines none).
    pub recommendations: Vec<RecTally>,
    /// The Monte Carlo draws behind the rank intervals (absent with `--draws 0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<UncertaintyRef>,
}

/// The draws behind the intervals of a summary.
#[derive(Debug, Clone, Serialize)]
pub struct UncertaintyRef {
    /// Draws of the framework's declared alternatives.
    pub draws: usize,
    /// Seed.
    pub seed: u64,
}

/// How sure a country's place is: 5-95% intervals over draws of the
/// framework's declared alternatives (weights, methods, missing data).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Median rank over the draws.
    pub rank_median: Option<usize>,
    /// 5th percentile of the rank (the better end).
    pub rank_p05: Option<usize>,
    /// 95th percentile of the rank (the worse end).
    pub rank_p95: Option<usize>,
    /// 5th percentile of the overall score.
    pub score_p05: Option<f64>,
    /// 95th percentile of the overall score.
    pub score_p95: Option<f64>,
}

impl Interval {
    /// The intervals of one country's draws, scores rounded to six decimals.
    pub fn of(ci: &CountryInterval) -> Interval {
        Interval {
            rank_median: ci.rank[1],
            rank_p05: ci.rank[0],
            rank_p95: ci.rank[2],
            score_p05: ci.score[0].and_then(r6),
            score_p95: ci.score[2].and_then(r6),
        }
    }

    /// The rank interval as `lo-hi` (or one number when it has no width).
    pub fn fmt_rank(&self) -> String {
        crate::report::uncertainty::fmt_range(self.rank_p05, self.rank_p95)
    }
}

/// Someone a recommendation addresses.
#[derive(Debug, Clone, Serialize)]
pub struct ActorRef {
    /// Actor id.
    pub id: String,
    /// Name.
    pub title: String,
}

/// How often a recommendation is triggered among the watch-list countries.
#[derive(Debug, Clone, Serialize)]
pub struct RecTally {
    /// Recommendation id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Whom it addresses.
    pub addressed_to: Vec<ActorRef>,
    /// Number of watch-list countries it is triggered for.
    pub count: usize,
    /// Those countries (ISO3), in watch-list order.
    pub countries: Vec<String>,
}

/// A recommendation triggered for a country.
#[derive(Debug, Clone, Serialize)]
pub struct BriefRec {
    /// Recommendation id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Whom it addresses.
    pub addressed_to: Vec<ActorRef>,
    /// The highest score among the nodes whose condition holds.
    pub strength: f64,
    /// The conditions that hold: node id, score and band, strongest first.
    pub triggered_by: Vec<NodeScore>,
}

/// Which framework.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkRef {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Version.
    pub version: String,
}

/// How many countries are in a band.
#[derive(Debug, Clone, Serialize)]
pub struct BandCount {
    /// Band name.
    pub band: String,
    /// Lowest score of the band.
    pub min: f64,
    /// Countries in it.
    pub countries: usize,
}

/// The watch list.
#[derive(Debug, Clone, Serialize)]
pub struct WatchList {
    /// Top countries by overall score.
    pub overall: Vec<Entry>,
    /// Top countries by each crime's score, in framework order.
    pub crimes: Vec<CrimeList>,
}

/// The watch list of one crime.
#[derive(Debug, Clone, Serialize)]
pub struct CrimeList {
    /// Crime id.
    pub id: String,
    /// Crime title.
    pub title: String,
    /// Top countries by this crime's score.
    pub entries: Vec<Entry>,
}

/// One line of a watch list.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Rank (1 = highest).
    pub rank: usize,
    /// Country code.
    pub iso3: String,
    /// Country name.
    pub country: String,
    /// Score.
    pub score: Option<f64>,
    /// Band.
    pub band: Option<String>,
    /// Change since the previous year.
    pub change: Option<f64>,
    /// Rank and score intervals (overall watch list only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
}

/// The largest rises.
#[derive(Debug, Clone, Serialize)]
pub struct Movers {
    /// Against the previous year.
    pub previous_year: Vec<Mover>,
    /// Against the mean of the three previous years.
    pub three_year_mean: Vec<Mover>,
}

/// A country whose overall score rose.
#[derive(Debug, Clone, Serialize)]
pub struct Mover {
    /// Country code.
    pub iso3: String,
    /// Country name.
    pub country: String,
    /// Score this year.
    pub score: f64,
    /// Band this year.
    pub band: Option<String>,
    /// The score compared with (last year's, or the three-year mean).
    pub before: f64,
    /// `score - before`.
    pub change: f64,
    /// Risk factors whose change moved the score most, largest first.
    pub drivers: Vec<Driver>,
    /// Rank and score intervals this year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
    /// Share of the draws in which the score rose, each draw applying the
    /// same choices to both years; a rise counts as a move only when this
    /// is at least 0.95.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rise_share: Option<f64>,
}

/// A risk factor whose change moved the overall score.
#[derive(Debug, Clone, Serialize)]
pub struct Driver {
    /// Risk factor id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Score before (last year's, or the mean of the three years).
    pub before: f64,
    /// Score this year.
    pub after: f64,
    /// Change times the risk factor's weight share in the overall score.
    pub contribution: f64,
    /// Indicators whose change moved the risk factor most.
    pub indicators: Vec<IndicatorChange>,
}

/// An indicator whose change moved its risk factor.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorChange {
    /// Indicator id.
    pub id: String,
    /// Indicator text.
    pub text: String,
    /// Score before.
    pub before: f64,
    /// Score this year.
    pub after: f64,
    /// Change times the indicator's weight share in the overall score.
    pub contribution: f64,
    /// Raw input values per data column: the newest cell read before and now.
    pub inputs: Vec<InputChange>,
}

/// The raw values of one data column before and now.
#[derive(Debug, Clone, Serialize)]
pub struct InputChange {
    /// Column name.
    pub column: String,
    /// Newest value read for each compared year (deduplicated, oldest first).
    pub before: Vec<InputValue>,
    /// Newest value read this year (carried-forward values keep their year).
    pub after: Option<InputValue>,
}

/// A raw data value and its year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputValue {
    /// Year of the data cell.
    pub year: i32,
    /// Value as read.
    pub value: f64,
}

/// A country that entered one of the two top bands.
#[derive(Debug, Clone, Serialize)]
pub struct NewEntry {
    /// Country code.
    pub iso3: String,
    /// Country name.
    pub country: String,
    /// Score this year.
    pub score: f64,
    /// Band this year.
    pub band: String,
    /// Score the year before.
    pub previous_score: Option<f64>,
    /// Band the year before (none: no score).
    pub previous_band: Option<String>,
}

/// Data warnings.
#[derive(Debug, Clone, Serialize)]
pub struct DataWarnings {
    /// Carried-forward values of the year, as a sentence.
    pub note: Option<String>,
    /// Mean input age of the scored countries: the median, lowest and highest.
    pub input_age: Option<AgeRange>,
    /// Countries with few indicators, old data or no score, by country code.
    pub countries: Vec<DataWarning>,
}

/// The spread of countries' mean input ages in a year.
#[derive(Debug, Clone, Serialize)]
pub struct AgeRange {
    /// Median over countries.
    pub median: f64,
    /// Lowest.
    pub min: f64,
    /// Highest.
    pub max: f64,
}

/// Why a country's score needs care.
#[derive(Debug, Clone, Serialize)]
pub struct DataWarning {
    /// Country code.
    pub iso3: String,
    /// Country name.
    pub country: String,
    /// Overall score.
    pub score: Option<f64>,
    /// `no_score`, `few_indicators` and/or `old_data`.
    pub reasons: Vec<&'static str>,
    /// Coverage and data age.
    pub data: DataAge,
}

/// Coverage and age of the data behind a country-year.
#[derive(Debug, Clone, Serialize)]
pub struct DataAge {
    /// Measured indicators with a value.
    pub indicators_with_data: usize,
    /// Measured indicators in all.
    pub indicators_measured: usize,
    /// Risk factors without a score (insufficient data), by id.
    pub risk_factors_without_score: Vec<String>,
    /// Measure values used.
    pub measure_values: usize,
    /// Of those, carried forward from an earlier year.
    pub carried_forward: usize,
    /// Mean age in years of the newest input of each measure value.
    pub mean_input_age: Option<f64>,
    /// The oldest year any measure value's newest input comes from.
    pub oldest_input_year: Option<i32>,
}

/// A brief on one watch-list country.
#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    /// Rank.
    pub rank: usize,
    /// Country code.
    pub iso3: String,
    /// Country name.
    pub country: String,
    /// Overall score.
    pub score: Option<f64>,
    /// Band.
    pub band: Option<String>,
    /// Change since the previous year.
    pub change_previous_year: Option<f64>,
    /// Change against the mean of the three previous years.
    pub change_three_year_mean: Option<f64>,
    /// Crime scores, in framework order.
    pub crimes: Vec<NodeScore>,
    /// The risk factors that weigh most in the score, with their indicators.
    pub drivers: Vec<LevelDriver>,
    /// Coverage and data age.
    pub data: DataAge,
    /// Recommendations its risks call for, strongest first.
    pub recommendations: Vec<BriefRec>,
    /// Analyst assessments that enter the score (none without `--assessments`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub analyst: Vec<AnalystInput>,
    /// Rank and score intervals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
}

/// An analyst assessment that enters a country-year's score.
#[derive(Debug, Clone, Serialize)]
pub struct AnalystInput {
    /// The qualitative indicator assessed.
    pub indicator: String,
    /// Its text.
    pub text: String,
    /// The year the assessment was made for (earlier years are carried forward).
    pub year: i32,
    /// The value, from 0 to 1.
    pub value: f64,
    /// Who says so, how sure, and why.
    #[serde(flatten)]
    pub analyst: crate::data::assessments::Analyst,
}

/// A node's score and band.
#[derive(Debug, Clone, Serialize)]
pub struct NodeScore {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Score.
    pub score: Option<f64>,
    /// Band.
    pub band: Option<String>,
}

/// A risk factor that weighs in a score.
#[derive(Debug, Clone, Serialize)]
pub struct LevelDriver {
    /// Risk factor id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Score.
    pub score: f64,
    /// Score times the risk factor's weight share in the overall score.
    pub contribution: f64,
    /// Its indicators that weigh most, with their raw inputs.
    pub indicators: Vec<LevelIndicator>,
}

/// An indicator that weighs in a risk factor, with its raw inputs.
#[derive(Debug, Clone, Serialize)]
pub struct LevelIndicator {
    /// Indicator id.
    pub id: String,
    /// Indicator text.
    pub text: String,
    /// Score.
    pub score: f64,
    /// Newest raw value read per data column.
    pub inputs: Vec<ColumnValue>,
}

/// A raw data value of a column.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnValue {
    /// Column name.
    pub column: String,
    /// Year of the data cell.
    pub year: i32,
    /// Value as read.
    pub value: f64,
}

fn r6(v: f64) -> Option<f64> {
    round(v, 6)
}

fn r6f(v: f64) -> f64 {
    round(v, 6).unwrap_or(0.0)
}

/// How much each node weighs in the overall score of a cell: 1 for the
/// overall node; a child of a maximum gets its parent's share when it is the
/// highest child (the first in framework order on a tie) and nothing
/// otherwise; a child of any other aggregation gets its parent's share times
/// its weight over the weights of the children with data.
pub fn weight_shares(plan: &Plan, scores: &score::Scores, cell: usize) -> Vec<f64> {
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

fn age_range(mut ages: Vec<f64>) -> Option<AgeRange> {
    ages.sort_by(f64::total_cmp);
    let n = ages.len();
    let median = match n {
        0 => return None,
        _ if n % 2 == 1 => ages[n / 2],
        _ => (ages[n / 2 - 1] + ages[n / 2]) / 2.0,
    };
    Some(AgeRange {
        median: round(median, 2).unwrap_or(0.0),
        min: ages[0],
        max: ages[n - 1],
    })
}

/// Builds summaries from a scored run.
#[derive(Debug)]
pub struct Builder<'r, 'a> {
    run: &'r Run<'a>,
    measured: Vec<usize>,
    risk_factors: Vec<usize>,
    sim: Option<&'r Simulation>,
    /// Per country, the share of paired draws in which the score rose
    /// against the previous year, and against the three-year mean.
    rises: [Option<Vec<f64>>; 2],
}

impl<'r, 'a> Builder<'r, 'a> {
    /// A builder for a run.
    pub fn new(run: &'r Run<'a>) -> Self {
        let plan = run.plan;
        let measured = run.measured_indicators();
        let mut risk_factors = plan.of_kind(Kind::RiskFactor);
        risk_factors.sort_by_key(|&n| (plan.nodes[n].line, n));
        Builder {
            run,
            measured,
            risk_factors,
            sim: None,
            rises: [None, None],
        }
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

    fn interval(&self, c: usize) -> Option<Interval> {
        Some(Interval::of(&self.sim?.countries[c]))
    }

    fn value(&self, node: usize, country: usize, y: usize) -> f64 {
        self.run.scores.value(node, self.run.panel.cell(country, y))
    }

    /// Mean of a node's values over years (NaN when any is missing).
    fn mean(&self, node: usize, country: usize, years: &[usize]) -> f64 {
        if years.is_empty() {
            return f64::NAN;
        }
        let sum: f64 = years.iter().map(|&y| self.value(node, country, y)).sum();
        sum / years.len() as f64
    }

    /// Mean of a node's values over the years that have one (NaN when none).
    fn mean_available(&self, node: usize, country: usize, years: &[usize]) -> f64 {
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

    fn country(&self, c: usize) -> (String, String) {
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
        let (plan, panel) = (self.run.plan, self.run.panel);
        let mut out: Vec<(usize, i32, f64)> = Vec::new();
        for &(m, _) in &plan.nodes[indicator].children {
            for (col, cell) in score::trace(plan, panel, self.run.scores, m, country, y) {
                let year = panel.year(cell % panel.n_years);
                let value = panel.value(col, cell);
                match out.iter_mut().find(|(c, _, _)| *c == col) {
                    Some(e) if year > e.1 => *e = (col, year, value),
                    Some(_) => {}
                    None => out.push((col, year, value)),
                }
            }
        }
        out
    }

    /// Coverage and data age of a country-year.
    pub fn data_age(&self, country: usize, y: usize) -> DataAge {
        let (plan, panel, scores) = (self.run.plan, self.run.panel, self.run.scores);
        let cell = panel.cell(country, y);
        let year = panel.year(y);
        let with = self
            .measured
            .iter()
            .filter(|&&i| !scores.value(i, cell).is_nan())
            .count();
        let without = self
            .risk_factors
            .iter()
            .filter(|&&r| scores.value(r, cell).is_nan())
            .map(|&r| plan.nodes[r].id.clone())
            .collect();
        let (mut values, mut carried, mut age_sum, mut aged) = (0, 0, 0i64, 0usize);
        let mut oldest: Option<i32> = None;
        for m in plan.of_kind(Kind::Measure) {
            let Some((v, status)) = scores.measure(m, cell) else {
                continue;
            };
            if v.is_nan() {
                continue;
            }
            values += 1;
            if matches!(status, Status::CarriedForward { .. }) {
                carried += 1;
            }
            let newest = score::trace(plan, panel, scores, m, country, y)
                .into_iter()
                .map(|(_, c)| panel.year(c % panel.n_years))
                .max();
            if let Some(n) = newest {
                age_sum += i64::from(year - n);
                aged += 1;
                oldest = Some(oldest.map_or(n, |o| o.min(n)));
            }
        }
        DataAge {
            indicators_with_data: with,
            indicators_measured: self.measured.len(),
            risk_factors_without_score: without,
            measure_values: values,
            carried_forward: carried,
            mean_input_age: (aged > 0)
                .then(|| round(age_sum as f64 / aged as f64, 2).unwrap_or(0.0)),
            oldest_input_year: oldest,
        }
    }

    /// Drivers of a rise from `before` years to year `y`.
    fn change_drivers(&self, country: usize, y: usize, before: &[usize]) -> Vec<Driver> {
        let (plan, panel) = (self.run.plan, self.run.panel);
        let shares = weight_shares(plan, self.run.scores, panel.cell(country, y));
        let contribution = |n: usize| {
            let (b, a) = (
                self.mean_available(n, country, before),
                self.value(n, country, y),
            );
            (b, a, shares[n] * (a - b))
        };
        let mut rfs: Vec<(usize, f64, f64, f64)> = self
            .risk_factors
            .iter()
            .map(|&r| {
                let (b, a, c) = contribution(r);
                (r, b, a, c)
            })
            .filter(|&(_, _, _, c)| c >= MIN_CONTRIBUTION)
            .collect();
        rfs.sort_by(|x, z| z.3.total_cmp(&x.3));
        rfs.truncate(DRIVERS);
        rfs.into_iter()
            .map(|(r, b, a, c)| {
                let mut inds: Vec<(usize, f64, f64, f64)> = plan.nodes[r]
                    .children
                    .iter()
                    .map(|&(i, _)| {
                        let (b, a, c) = contribution(i);
                        (i, b, a, c)
                    })
                    .filter(|&(_, _, _, c)| c > 0.0)
                    .collect();
                inds.sort_by(|x, z| z.3.total_cmp(&x.3));
                inds.truncate(INDICATORS_PER_DRIVER);
                Driver {
                    id: plan.nodes[r].id.clone(),
                    title: plan.nodes[r].title.clone(),
                    before: r6f(b),
                    after: r6f(a),
                    contribution: r6f(c),
                    indicators: inds
                        .into_iter()
                        .map(|(i, b, a, c)| IndicatorChange {
                            id: plan.nodes[i].id.clone(),
                            text: plan.nodes[i].title.clone(),
                            before: r6f(b),
                            after: r6f(a),
                            contribution: r6f(c),
                            inputs: self.input_changes(i, country, y, before),
                        })
                        .collect(),
                }
            })
            .collect()
    }

    fn input_changes(
        &self,
        ind: usize,
        country: usize,
        y: usize,
        before: &[usize],
    ) -> Vec<InputChange> {
        let panel = self.run.panel;
        let mut cols: Vec<usize> = Vec::new();
        let now = self.newest_inputs(ind, country, y);
        let then: Vec<Vec<(usize, i32, f64)>> = before
            .iter()
            .map(|&b| self.newest_inputs(ind, country, b))
            .collect();
        for (col, _, _) in then.iter().flatten().chain(&now) {
            if !cols.contains(col) {
                cols.push(*col);
            }
        }
        cols.into_iter()
            .map(|col| {
                let mut b: Vec<InputValue> = Vec::new();
                for (_, year, value) in then.iter().flatten().filter(|e| e.0 == col) {
                    let v = InputValue {
                        year: *year,
                        value: *value,
                    };
                    if !b.contains(&v) {
                        b.push(v);
                    }
                }
                b.sort_by_key(|v| v.year);
                InputChange {
                    column: panel.columns[col].name.clone(),
                    before: b,
                    after: now
                        .iter()
                        .find(|e| e.0 == col)
                        .map(|&(_, year, value)| InputValue { year, value }),
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
                                .newest_inputs(i, country, y)
                                .into_iter()
                                .map(|(col, year, value)| ColumnValue {
                                    column: panel.columns[col].name.clone(),
                                    year,
                                    value,
                                })
                                .collect(),
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// Ranks countries by a node's score in year `y`; countries without a
    /// score are left out; ties by country code.
    fn ranked_by(&self, node: usize, y: usize) -> Vec<(usize, f64)> {
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

    /// Whether country `c`'s rise of `rise` counts as a move: any rise, and
    /// when paired draws were run, one held in enough of them.
    fn moved(&self, c: usize, rise: f64, which: usize) -> bool {
        rise > 0.0
            && self.rises[which]
                .as_ref()
                .is_none_or(|shares| shares[c] >= Self::RISE_SHARE)
    }

    fn rise_share(&self, c: usize, which: usize) -> Option<f64> {
        self.rises[which].as_ref().and_then(|s| r6(s[c]))
    }

    fn movers(&self, y: usize, before: &[usize], top: usize, which: usize) -> Vec<Mover> {
        let plan = self.run.plan;
        let overall = plan.overall();
        let panel = self.run.panel;
        if before.is_empty() {
            return Vec::new();
        }
        let mut rises: Vec<(usize, f64, f64)> = (0..panel.countries.len())
            .map(|c| (c, self.value(overall, c, y), self.mean(overall, c, before)))
            .filter(|&(c, a, b)| !a.is_nan() && !b.is_nan() && self.moved(c, a - b, which))
            .collect();
        rises.sort_by(|x, z| {
            (z.1 - z.2)
                .total_cmp(&(x.1 - x.2))
                .then_with(|| panel.countries[x.0].iso3.cmp(&panel.countries[z.0].iso3))
        });
        rises.truncate(top);
        rises
            .into_iter()
            .map(|(c, a, b)| {
                let (iso3, country) = self.country(c);
                Mover {
                    iso3,
                    country,
                    score: r6f(a),
                    band: plan.band(overall, a).map(str::to_string),
                    before: r6f(b),
                    change: r6f(a - b),
                    drivers: self.change_drivers(c, y, before),
                    interval: self.interval(c),
                    rise_share: self.rise_share(c, which),
                }
            })
            .collect()
    }

    /// The summary of year index `y`, with lists of `top` countries.
    pub fn build(&self, y: usize, top: usize) -> Summary {
        let (plan, panel) = (self.run.plan, self.run.panel);
        let overall = plan.overall();
        let prev: Vec<usize> = y.checked_sub(1).into_iter().collect();
        let mean_years: Vec<usize> = if y >= 3 {
            (y - 3..y).collect()
        } else {
            Vec::new()
        };
        let change = |c: usize, years: &[usize]| {
            r6(self.value(overall, c, y) - self.mean(overall, c, years))
        };
        let rows = self.run.ranked(y);
        let bands = &plan.band_sets[plan.nodes[overall].bands];
        let band_counts = bands
            .iter()
            .map(|(name, min)| BandCount {
                band: name.clone(),
                min: *min,
                countries: rows
                    .iter()
                    .filter(|r| r.band.as_deref() == Some(name.as_str()))
                    .count(),
            })
            .collect();
        let entry = |rank: usize, c: usize, node: usize, v: f64| {
            let (iso3, country) = self.country(c);
            Entry {
                rank,
                iso3,
                country,
                score: r6(v),
                band: plan.band(node, v).map(str::to_string),
                change: r6(v - self.mean(node, c, &prev)),
                interval: None,
            }
        };
        let watch_overall: Vec<Entry> = rows
            .iter()
            .filter(|r| !r.score.is_nan())
            .take(top)
            .map(|r| Entry {
                interval: self.interval(r.country),
                ..entry(r.rank, r.country, overall, r.score)
            })
            .collect();
        let mut crimes = plan.of_kind(Kind::Crime);
        crimes.sort_by_key(|&n| (plan.nodes[n].line, n));
        let crime_lists = crimes
            .iter()
            .map(|&k| CrimeList {
                id: plan.nodes[k].id.clone(),
                title: plan.nodes[k].title.clone(),
                entries: self
                    .ranked_by(k, y)
                    .into_iter()
                    .take(top)
                    .enumerate()
                    .map(|(i, (c, v))| entry(i + 1, c, k, v))
                    .collect(),
            })
            .collect();
        // New in the two top bands.
        let band_rank = |v: f64| {
            plan.band(overall, v)
                .and_then(|b| bands.iter().position(|(n, _)| n == b))
        };
        let high_from = bands.len().saturating_sub(2);
        let new_in_top_bands = match prev.first() {
            None => Vec::new(),
            Some(&p) => rows
                .iter()
                .filter(|r| band_rank(r.score).is_some_and(|b| b >= high_from))
                .filter_map(|r| {
                    let before = self.value(overall, r.country, p);
                    let was = band_rank(before);
                    let rose = was.is_none_or(|b| b < high_from);
                    rose.then(|| {
                        let (iso3, country) = self.country(r.country);
                        NewEntry {
                            iso3,
                            country,
                            score: r6f(r.score),
                            band: r.band.clone().unwrap_or_default(),
                            previous_score: r6(before),
                            previous_band: plan.band(overall, before).map(str::to_string),
                        }
                    })
                })
                .collect(),
        };
        // Data warnings, by country code (the panel's order).
        let mut warnings = Vec::new();
        let mut ages = Vec::new();
        for c in 0..panel.countries.len() {
            let v = self.value(overall, c, y);
            let data = self.data_age(c, y);
            if let Some(a) = data.mean_input_age.filter(|_| !v.is_nan()) {
                ages.push(a);
            }
            let mut reasons = Vec::new();
            if v.is_nan() {
                reasons.push("no_score");
            }
            let measured = data.indicators_measured.max(1) as f64;
            if (data.indicators_with_data as f64) < FEW_INDICATORS * measured {
                reasons.push("few_indicators");
            }
            if data.mean_input_age.is_some_and(|a| a >= OLD_DATA_YEARS) {
                reasons.push("old_data");
            }
            if !reasons.is_empty() {
                let (iso3, country) = self.country(c);
                warnings.push(DataWarning {
                    iso3,
                    country,
                    score: r6(v),
                    reasons,
                    data,
                });
            }
        }
        let briefs: Vec<Brief> = rows
            .iter()
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
                    change_previous_year: change(r.country, &prev),
                    change_three_year_mean: change(r.country, &mean_years),
                    crimes: crimes
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
            .collect();
        let recommendations = tally(&plan.recommendations, &briefs);
        Summary {
            atrisk_version: env!("CARGO_PKG_VERSION"),
            framework: FrameworkRef {
                id: plan.id.clone(),
                title: plan.title.clone(),
                version: plan.version.clone(),
            },
            data: panel.files.clone(),
            year: panel.year(y),
            previous_year: prev.first().map(|&p| panel.year(p)),
            mean_years: mean_years.iter().map(|&m| panel.year(m)).collect(),
            top,
            countries: panel.countries.len(),
            bands: band_counts,
            no_score: rows.iter().filter(|r| r.score.is_nan()).count(),
            watch_list: WatchList {
                overall: watch_overall,
                crimes: crime_lists,
            },
            movers: Movers {
                previous_year: self.movers(y, &prev, top, 0),
                three_year_mean: self.movers(y, &mean_years, top, 1),
            },
            new_in_top_bands,
            data_warnings: DataWarnings {
                note: self.run.data_age_note(y),
                input_age: age_range(ages),
                countries: warnings,
            },
            briefs,
            recommendations,
            uncertainty: self.sim.map(|s| UncertaintyRef {
                draws: s.info.draws,
                seed: s.info.seed,
            }),
        }
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
fn tally(recs: &[crate::framework::compile::RecPlan], briefs: &[Brief]) -> Vec<RecTally> {
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

fn actor_names(a: &[ActorRef]) -> String {
    a.iter()
        .map(|a| a.title.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

// ---------------------------------------------------------------- rendering

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), fmt_score)
}

/// A signed change with three decimals, or `n/a`.
pub fn fmt_change(v: Option<f64>) -> String {
    match v {
        None => "n/a".to_string(),
        Some(v) if v.abs() < 0.0005 => "0.000".to_string(),
        Some(v) => format!("{v:+.3}"),
    }
}

/// A raw data value as read (shortest form).
pub fn fmt_value(v: f64) -> String {
    format!("{v}")
}

fn value_year(v: &InputValue) -> String {
    format!("{} ({})", fmt_value(v.value), v.year)
}

/// `column: before -> after` for one input.
pub fn fmt_input_change(i: &InputChange) -> String {
    let before = if i.before.is_empty() {
        "none".to_string()
    } else {
        i.before
            .iter()
            .map(value_year)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let after = i
        .after
        .as_ref()
        .map_or_else(|| "none".to_string(), value_year);
    format!("{} {before} -> {after}", i.column)
}

/// `column value (year)` for one input.
pub fn fmt_column_value(v: &ColumnValue) -> String {
    format!("{} {} ({})", v.column, fmt_value(v.value), v.year)
}

/// One line on coverage and data age.
pub fn fmt_data_age(d: &DataAge) -> String {
    let mut s = format!(
        "{}/{} measured indicators with data",
        d.indicators_with_data, d.indicators_measured
    );
    if !d.risk_factors_without_score.is_empty() {
        let ids: Vec<String> = d
            .risk_factors_without_score
            .iter()
            .map(|r| r.to_uppercase())
            .collect();
        let _ = write!(s, "; no score for {}", ids.join(", "));
    }
    let _ = write!(
        s,
        "; {} of {} measure values carried forward",
        d.carried_forward, d.measure_values
    );
    if let (Some(age), Some(oldest)) = (d.mean_input_age, d.oldest_input_year) {
        let _ = write!(
            s,
            "; inputs on average {age:.1} years old, the oldest from {oldest}"
        );
    }
    s
}

/// The spread of input ages in words.
pub fn fmt_age_range(a: &AgeRange, year: i32) -> String {
    format!(
        "The inputs of a {year} score are on average {:.2} years old (median over countries; from {:.1} to {:.1}). Countries are flagged for old data from {OLD_DATA_YEARS:.1} years and for few indicators below {:.0} % of the measured indicators.",
        a.median,
        a.min,
        a.max,
        FEW_INDICATORS * 100.0
    )
}

/// The reasons of a data warning in words.
pub fn fmt_reasons(w: &DataWarning) -> String {
    w.reasons
        .iter()
        .map(|r| match *r {
            "no_score" => "no score (insufficient data)",
            "few_indicators" => "few indicators",
            "old_data" => "old data",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the movers are compared with, in words.
pub fn compared_with(s: &Summary, mean: bool) -> Option<String> {
    if mean {
        match (s.mean_years.first(), s.mean_years.last()) {
            (Some(a), Some(b)) => Some(format!("the mean of {a}-{b}")),
            _ => None,
        }
    } else {
        s.previous_year.map(|p| p.to_string())
    }
}

/// How a rise is judged against the intervals, in words (none without draws).
pub fn movers_note(s: &Summary) -> Option<String> {
    let u = s.uncertainty.as_ref()?;
    Some(format!(
        "A rise counts only when it holds in at least 95% of {} draws of the framework's declared alternatives (seed {}), each draw applying the same choices to both years.",
        u.draws, u.seed
    ))
}

/// How sure a move is, in words: `; rank 3-9, score 0.581-0.702; rose in
/// 98% of draws` (empty without draws).
pub fn fmt_certainty(m: &Mover) -> String {
    let mut out = m
        .interval
        .map_or_else(String::new, |i| format!("; {}", fmt_interval(&i)));
    if let Some(share) = m.rise_share {
        let _ = write!(out, "; rose in {:.0}% of draws", share * 100.0);
    }
    out
}

/// A country's intervals in words, such as `rank 3-9, score 0.581-0.702`.
pub fn fmt_interval(i: &Interval) -> String {
    let score = match (i.score_p05, i.score_p95) {
        (Some(a), Some(b)) => format!("{a:.3}-{b:.3}"),
        _ => "n/a".to_string(),
    };
    format!("rank {}, score {score}", i.fmt_rank())
}

fn text_entries(out: &mut String, entries: &[Entry], indent: &str) {
    let with = entries.iter().any(|e| e.interval.is_some());
    let iv = |e: Option<&Entry>| match e {
        None if with => format!("  {:<9}", "interval"),
        Some(e) if with => format!(
            "  {:<9}",
            e.interval.map_or_else(String::new, |i| i.fmt_rank())
        ),
        _ => String::new(),
    };
    let name_w = entries
        .iter()
        .map(|e| e.country.chars().count())
        .max()
        .unwrap_or(7)
        .clamp(7, 32);
    let _ = writeln!(
        out,
        "{indent}{:>4}{}  {:<4} {:<name_w$}  {:>5}  {:<9}  {:>6}",
        "rank",
        iv(None),
        "iso3",
        "country",
        "score",
        "band",
        "change"
    );
    for e in entries {
        let name: String = e.country.chars().take(name_w).collect();
        let _ = writeln!(
            out,
            "{indent}{:>4}{}  {:<4} {:<name_w$}  {:>5}  {:<9}  {:>6}",
            e.rank,
            iv(Some(e)),
            e.iso3,
            name,
            opt(e.score),
            e.band.as_deref().unwrap_or("-"),
            fmt_change(e.change)
        );
    }
}

fn text_movers(out: &mut String, s: &Summary, mean: bool) {
    let movers = if mean {
        &s.movers.three_year_mean
    } else {
        &s.movers.previous_year
    };
    let Some(what) = compared_with(s, mean) else {
        return;
    };
    let _ = writeln!(out, "Largest rises against {what}");
    if let Some(note) = movers_note(s) {
        let _ = writeln!(out, "  {note}");
    }
    if movers.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for (i, m) in movers.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}. {} {}: {} -> {} ({}), {}{}",
            i + 1,
            m.iso3,
            m.country,
            fmt_score(m.before),
            fmt_score(m.score),
            fmt_change(Some(m.change)),
            m.band.as_deref().unwrap_or("-"),
            fmt_certainty(m)
        );
        if m.drivers.is_empty() {
            let _ = writeln!(out, "     {NO_FACTOR_ROSE}");
        }
        for d in &m.drivers {
            let _ = writeln!(
                out,
                "     {} {}: {:.3} -> {:.3}{}",
                d.id.to_uppercase(),
                d.title,
                d.before,
                d.after,
                if d.indicators.is_empty() {
                    NO_INDICATOR_ROSE
                } else {
                    ""
                }
            );
            for ind in &d.indicators {
                let _ = writeln!(
                    out,
                    "       {} {:.3} -> {:.3}: {}",
                    ind.id,
                    ind.before,
                    ind.after,
                    ind.inputs
                        .iter()
                        .map(fmt_input_change)
                        .collect::<Vec<_>>()
                        .join("; ")
                );
            }
        }
    }
    out.push('\n');
}

/// The summary as text for a terminal.
pub fn write_text(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Early-warning summary, {}: {} ({})",
        s.year, s.framework.title, s.framework.version
    );
    let scored = s.countries - s.no_score;
    let _ = writeln!(out, "{} countries, {scored} scored.", s.countries);
    let counts: Vec<String> = s
        .bands
        .iter()
        .rev()
        .map(|b| format!("{} {}", b.band, b.countries))
        .chain(std::iter::once(format!("no score {}", s.no_score)))
        .collect();
    let _ = writeln!(out, "Countries per band: {}\n", counts.join(", "));
    let _ = writeln!(out, "Watch list (top {})", s.top);
    text_entries(&mut out, &s.watch_list.overall, "  ");
    out.push('\n');
    for c in &s.watch_list.crimes {
        let _ = writeln!(out, "Watch list, {} (top {})", c.title, s.top);
        text_entries(&mut out, &c.entries, "  ");
        out.push('\n');
    }
    text_movers(&mut out, s, false);
    text_movers(&mut out, s, true);
    if let Some(p) = s.previous_year {
        let _ = writeln!(out, "New in the top two bands since {p}");
        if s.new_in_top_bands.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for n in &s.new_in_top_bands {
            let _ = writeln!(
                out,
                "  {} {}: {} {} (in {p}: {} {})",
                n.iso3,
                n.country,
                fmt_score(n.score),
                n.band,
                opt(n.previous_score),
                n.previous_band.as_deref().unwrap_or("no score")
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "Data warnings");
    if let Some(note) = &s.data_warnings.note {
        let _ = writeln!(out, "  {note}");
    }
    if let Some(a) = &s.data_warnings.input_age {
        let _ = writeln!(out, "  {}", fmt_age_range(a, s.year));
    }
    if s.data_warnings.countries.is_empty() {
        let _ = writeln!(out, "  no country with few indicators or old data");
    }
    for w in &s.data_warnings.countries {
        let _ = writeln!(
            out,
            "  {} {} ({}): {}; {}",
            w.iso3,
            w.country,
            opt(w.score),
            fmt_reasons(w),
            fmt_data_age(&w.data)
        );
    }
    out.push('\n');
    if !s.recommendations.is_empty() {
        let _ = writeln!(
            out,
            "Recommendations triggered for the {} watch-list countries",
            s.briefs.len()
        );
        for r in &s.recommendations {
            let _ = writeln!(
                out,
                "  ({}) {}: {} of {} [{}]\n       to: {}",
                r.id,
                r.title,
                r.count,
                s.briefs.len(),
                r.countries.join(" "),
                actor_names(&r.addressed_to)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "Briefs");
    for b in &s.briefs {
        let _ = writeln!(
            out,
            "  {}. {} {}: {} {}; change {} since the year before, {} against the three-year mean{}",
            b.rank,
            b.iso3,
            b.country,
            opt(b.score),
            b.band.as_deref().unwrap_or("-"),
            fmt_change(b.change_previous_year),
            fmt_change(b.change_three_year_mean),
            b.interval
                .map_or_else(String::new, |i| format!("; {}", fmt_interval(&i)))
        );
        let crimes: Vec<String> = b
            .crimes
            .iter()
            .map(|c| {
                format!(
                    "{} {} {}",
                    c.title,
                    opt(c.score),
                    c.band.as_deref().unwrap_or("-")
                )
            })
            .collect();
        let _ = writeln!(out, "     crimes: {}", crimes.join("; "));
        for d in &b.drivers {
            let _ = writeln!(
                out,
                "     {} {}: {:.2}",
                d.id.to_uppercase(),
                d.title,
                d.score
            );
            for i in &d.indicators {
                let inputs: Vec<String> = i.inputs.iter().map(fmt_column_value).collect();
                let _ = writeln!(out, "       {} {:.2}: {}", i.id, i.score, inputs.join("; "));
            }
        }
        let _ = writeln!(out, "     data: {}", fmt_data_age(&b.data));
        for a in &b.analyst {
            let _ = writeln!(out, "     analyst assessment: {}", fmt_analyst(a));
        }
        for r in b.recommendations.iter().take(BRIEF_RECOMMENDATIONS) {
            let _ = writeln!(
                out,
                "     recommends ({}) {} [to: {}; called for by {}]",
                r.id,
                r.title,
                actor_names(&r.addressed_to),
                fmt_triggers(&r.triggered_by)
            );
        }
        if let Some(more) = more_recommendations(b) {
            let _ = writeln!(out, "     {more}");
        }
    }
    out.push('\n');
    let _ = writeln!(out, "{}", FOOTER);
    out
}

/// Said of a mover none of whose risk factors rose by itself.
pub const NO_FACTOR_ROSE: &str = "no risk factor with a score in both years rose enough to stand out: risk factors that gained or lost a score between the years changed the mean";

/// Said of a driver none of whose indicators rose by itself.
pub const NO_INDICATOR_ROSE: &str = " (no indicator with data in both years rose: indicators with data in only one of them changed the mean)";

/// The closing note of every summary.
pub const FOOTER: &str = "Scores are relative risk on a 0-1 scale for screening, not probabilities and not legal findings. Drivers: the risk factors and indicators whose change (or level) times their weight share in the overall score is largest; input values are the newest data cell each column was read from.";

/// `rf13.obstructed_aid = 1 (2023; medium confidence; source: ...; note: ...)`.
pub fn fmt_analyst(a: &AnalystInput) -> String {
    let mut parts = vec![a.year.to_string()];
    if let Some(c) = a.analyst.confidence {
        let c = serde_json::to_value(c).unwrap_or_default();
        parts.push(format!("{} confidence", c.as_str().unwrap_or("")));
    }
    if let Some(x) = a.analyst.source.as_deref().filter(|x| !x.is_empty()) {
        parts.push(format!("source: {x}"));
    }
    if let Some(x) = a.analyst.note.as_deref().filter(|x| !x.is_empty()) {
        parts.push(format!("note: {x}"));
    }
    format!("{} = {} ({})", a.indicator, a.value, parts.join("; "))
}

/// Recommendations shown per brief in text and Markdown (JSON has all).
pub const BRIEF_RECOMMENDATIONS: usize = 3;

/// "and N more: (a), (b)" when a brief has more recommendations than shown.
pub fn more_recommendations(b: &Brief) -> Option<String> {
    let rest: Vec<String> = b
        .recommendations
        .iter()
        .skip(BRIEF_RECOMMENDATIONS)
        .map(|r| format!("({})", r.id))
        .collect();
    (!rest.is_empty()).then(|| {
        format!(
            "also triggered, less strongly: {} (see `atrisk explain --country {}`)",
            rest.join(", "),
            b.iso3
        )
    })
}

/// `rf2 0.94 very high, gbv 0.85 very high`.
pub fn fmt_triggers(t: &[NodeScore]) -> String {
    t.iter()
        .map(|n| {
            format!(
                "{} {} {}",
                n.id,
                opt(n.score),
                n.band.as_deref().unwrap_or("-")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn md_entries(out: &mut String, entries: &[Entry]) {
    let with = entries.iter().any(|e| e.interval.is_some());
    let (head, rule) = if with {
        (" Rank interval |", "---|")
    } else {
        ("", "")
    };
    let _ = writeln!(
        out,
        "| Rank |{head} ISO3 | Country | Score | Band | Change |"
    );
    let _ = writeln!(out, "|---:|{rule}---|---|---:|---|---:|");
    for e in entries {
        let iv = match e.interval {
            Some(i) if with => format!(" {} |", i.fmt_rank()),
            _ if with => " |".to_string(),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "| {} |{iv} {} | {} | {} | {} | {} |",
            e.rank,
            md(&e.iso3),
            md(&e.country),
            opt(e.score),
            md(e.band.as_deref().unwrap_or("-")),
            fmt_change(e.change)
        );
    }
    out.push('\n');
}

fn md_movers(out: &mut String, s: &Summary, mean: bool) {
    let movers = if mean {
        &s.movers.three_year_mean
    } else {
        &s.movers.previous_year
    };
    let Some(what) = compared_with(s, mean) else {
        return;
    };
    let _ = writeln!(out, "### Largest rises against {what}\n");
    if let Some(note) = movers_note(s) {
        let _ = writeln!(out, "{note}\n");
    }
    if movers.is_empty() {
        let _ = writeln!(out, "None.\n");
        return;
    }
    for m in movers {
        let _ = writeln!(
            out,
            "- **{} ({})**: {} → {} ({}), {}{}",
            md(&m.country),
            md(&m.iso3),
            fmt_score(m.before),
            fmt_score(m.score),
            fmt_change(Some(m.change)),
            md(m.band.as_deref().unwrap_or("-")),
            fmt_certainty(m)
        );
        if m.drivers.is_empty() {
            let _ = writeln!(out, "  - {NO_FACTOR_ROSE}");
        }
        for d in &m.drivers {
            let _ = writeln!(
                out,
                "  - {} {}: {:.3} → {:.3}{}",
                d.id.to_uppercase(),
                md(&d.title),
                d.before,
                d.after,
                if d.indicators.is_empty() {
                    NO_INDICATOR_ROSE
                } else {
                    ""
                }
            );
            for i in &d.indicators {
                let inputs: Vec<String> = i
                    .inputs
                    .iter()
                    .map(|x| format!("`{}`", fmt_input_change(x).replace("->", "→")))
                    .collect();
                let _ = writeln!(
                    out,
                    "    - `{}` {:.3} → {:.3}: {}",
                    i.id,
                    i.before,
                    i.after,
                    inputs.join("; ")
                );
            }
        }
    }
    out.push('\n');
}

/// The summary as Markdown, to paste into a report or an issue tracker.
pub fn write_markdown(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Early-warning summary, {}: {} ({})\n",
        s.year,
        md(&s.framework.title),
        md(&s.framework.version)
    );
    let counts: Vec<String> = s
        .bands
        .iter()
        .rev()
        .map(|b| format!("{} {}", md(&b.band), b.countries))
        .chain(std::iter::once(format!("no score {}", s.no_score)))
        .collect();
    let _ = writeln!(
        out,
        "{} countries, {} scored. Countries per band: {}.\n",
        s.countries,
        s.countries - s.no_score,
        counts.join(", ")
    );
    let _ = writeln!(out, "### Watch list (top {})\n", s.top);
    md_entries(&mut out, &s.watch_list.overall);
    for c in &s.watch_list.crimes {
        let _ = writeln!(out, "#### {} (top {})\n", md(&c.title), s.top);
        md_entries(&mut out, &c.entries);
    }
    md_movers(&mut out, s, false);
    md_movers(&mut out, s, true);
    if let Some(p) = s.previous_year {
        let _ = writeln!(out, "### New in the top two bands since {p}\n");
        if s.new_in_top_bands.is_empty() {
            let _ = writeln!(out, "None.\n");
        } else {
            let _ = writeln!(
                out,
                "| ISO3 | Country | Score | Band | {p} score | {p} band |"
            );
            let _ = writeln!(out, "|---|---|---:|---|---:|---|");
            for n in &s.new_in_top_bands {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    md(&n.iso3),
                    md(&n.country),
                    fmt_score(n.score),
                    md(&n.band),
                    opt(n.previous_score),
                    md(n.previous_band.as_deref().unwrap_or("no score"))
                );
            }
            out.push('\n');
        }
    }
    let _ = writeln!(out, "### Data warnings\n");
    if let Some(note) = &s.data_warnings.note {
        let _ = writeln!(out, "{}\n", md(note));
    }
    if let Some(a) = &s.data_warnings.input_age {
        let _ = writeln!(out, "{}\n", fmt_age_range(a, s.year));
    }
    if s.data_warnings.countries.is_empty() {
        let _ = writeln!(out, "No country with few indicators or old data.\n");
    } else {
        let _ = writeln!(out, "| ISO3 | Country | Score | Warning | Data |");
        let _ = writeln!(out, "|---|---|---:|---|---|");
        for w in &s.data_warnings.countries {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                md(&w.iso3),
                md(&w.country),
                opt(w.score),
                fmt_reasons(w),
                md(&fmt_data_age(&w.data))
            );
        }
        out.push('\n');
    }
    if !s.recommendations.is_empty() {
        let _ = writeln!(
            out,
            "### Recommendations triggered for the {} watch-list countries\n",
            s.briefs.len()
        );
        let _ = writeln!(out, "| Recommendation | Addressed to | Countries | Count |");
        let _ = writeln!(out, "|---|---|---|---:|");
        for r in &s.recommendations {
            let _ = writeln!(
                out,
                "| ({}) {} | {} | {} | {} |",
                md(&r.id),
                md(&r.title),
                md(&actor_names(&r.addressed_to)),
                md(&r.countries.join(" ")),
                r.count
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "### Briefs\n");
    for b in &s.briefs {
        let _ = writeln!(
            out,
            "#### {}. {} ({})\n",
            b.rank,
            md(&b.country),
            md(&b.iso3)
        );
        let _ = writeln!(
            out,
            "Score {} ({}); change {} since the year before, {} against the three-year mean.{}\n",
            opt(b.score),
            md(b.band.as_deref().unwrap_or("-")),
            fmt_change(b.change_previous_year),
            fmt_change(b.change_three_year_mean),
            b.interval.map_or_else(String::new, |i| format!(
                " Over the draws of the framework's alternatives: {}.",
                fmt_interval(&i)
            ))
        );
        let crimes: Vec<String> = b
            .crimes
            .iter()
            .map(|c| {
                format!(
                    "{} {} ({})",
                    md(&c.title),
                    opt(c.score),
                    md(c.band.as_deref().unwrap_or("-"))
                )
            })
            .collect();
        let _ = writeln!(out, "- Crimes: {}", crimes.join("; "));
        for d in &b.drivers {
            let _ = writeln!(
                out,
                "- {} {}: {:.2}",
                d.id.to_uppercase(),
                md(&d.title),
                d.score
            );
            for i in &d.indicators {
                let inputs: Vec<String> = i
                    .inputs
                    .iter()
                    .map(|x| format!("`{}`", fmt_column_value(x)))
                    .collect();
                let _ = writeln!(out, "  - `{}` {:.2}: {}", i.id, i.score, inputs.join("; "));
            }
        }
        let _ = writeln!(out, "- Data: {}", md(&fmt_data_age(&b.data)));
        for a in &b.analyst {
            let _ = writeln!(out, "- Analyst assessment: {}", md(&fmt_analyst(a)));
        }
        for r in b.recommendations.iter().take(BRIEF_RECOMMENDATIONS) {
            let _ = writeln!(
                out,
                "- Recommends ({}) {}, to {}; called for by {}",
                md(&r.id),
                md(&r.title),
                md(&actor_names(&r.addressed_to)),
                md(&fmt_triggers(&r.triggered_by))
            );
        }
        if let Some(more) = more_recommendations(b) {
            let _ = writeln!(out, "- {more}");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{FOOTER}");
    out
}

/// The summary as JSON (field names are documented in docs/summary.md).
pub fn write_json(s: &Summary) -> String {
    let mut out = serde_json::to_string_pretty(s).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Synthetic: overall = max of two crimes; crime g = mean of r1 (weight 3) and r2 (weight 1).
    const FW: &str = "format: 1\nid: t\ntitle: t\nversion: '1'\ncrimes: [{id: g, title: G}, {id: h, title: H}]\nrisk_factors:\n  - {id: r1, title: R1, crimes: [g], kind: dynamic, weight: 3}\n  - {id: r2, title: R2, crimes: [g, h], kind: dynamic}\nindicators:\n  - {id: r1.a, risk_factor: r1, text: A, measures: [{column: a, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}]}\n  - {id: r2.b, risk_factor: r2, text: B, measures: [{column: b, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}]}\noverall:\n  aggregate: {method: max}\n";
    const CSV: &str = "iso3,year,a,b\nAAA,2000,2,1\nAAA,2001,8,1\nBBB,2000,1,1\nBBB,2001,1,2\n";

    fn run() -> (Plan, crate::data::Panel, score::Scores) {
        crate::assess_csv(FW, CSV)
    }

    #[test]
    fn weight_shares_follow_the_max_and_the_weights() {
        let (plan, panel, scores) = run();
        let s = weight_shares(&plan, &scores, panel.cell(0, 1));
        let id = |n: &str| plan.find(n).unwrap();
        // AAA 2001: g = (3*0.8 + 0.1)/4 = 0.625 > h = 0.1, so g takes the whole share.
        assert_eq!(s[id("g")], 1.0);
        assert_eq!(s[id("h")], 0.0);
        assert!((s[id("r1")] - 0.75).abs() < 1e-12);
        assert!((s[id("r2")] - 0.25).abs() < 1e-12);
        assert!((s[id("r1.a")] - 0.75).abs() < 1e-12);
    }

    #[test]
    fn summary_lists_the_rise_with_its_driver_and_raw_inputs() {
        let (plan, panel, scores) = run();
        let r = Run {
            plan: &plan,
            panel: &panel,
            scores: &scores,
            years: vec![1],
        };
        let s = Builder::new(&r).build(1, 5);
        assert_eq!((s.year, s.previous_year), (2001, Some(2000)));
        let m = &s.movers.previous_year;
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].iso3, "AAA");
        assert!((m[0].change - 0.45).abs() < 1e-9);
        let d = &m[0].drivers[0];
        assert_eq!(d.id, "r1");
        let i = &d.indicators[0].inputs[0];
        assert_eq!(i.column, "a");
        assert_eq!(
            i.before,
            vec![InputValue {
                year: 2000,
                value: 2.0
            }]
        );
        assert_eq!(
            i.after,
            Some(InputValue {
                year: 2001,
                value: 8.0
            })
        );
        // Too short a panel for a three-year mean.
        assert!(s.mean_years.is_empty());
        assert!(s.movers.three_year_mean.is_empty());
        // Rendering never needs more than the model.
        assert!(write_text(&s).contains("a 2 (2000) -> 8 (2001)"));
        assert!(write_markdown(&s).contains("a 2 (2000) → 8 (2001)"));
    }
}
