//! The ranking of a year and its data basis: a [`Run`] is a scored panel and
//! the years to report; [`Run::ranked`] orders the countries of a year, and
//! the other methods count what the scores rest on (carried-forward values,
//! analyst assessments, measured indicators).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::compile::assessments::reads_assessments;
use crate::compile::{Kind, Plan};
use crate::data::Panel;
use crate::score::{Scores, Status};

/// A scored panel and the years to report.
#[derive(Debug)]
pub struct Run<'a> {
    /// The compiled framework.
    pub plan: &'a Plan,
    /// The data.
    pub panel: &'a Panel,
    /// The scores.
    pub scores: &'a Scores,
    /// Year indices to report, ascending.
    pub years: Vec<usize>,
}

/// What a country-year's measure values rest on (see [`Run::values_basis`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ValuesBasis {
    /// Measure values read from the data of the year itself.
    pub observed: usize,
    /// Measure values carried forward from an earlier year.
    pub carried: usize,
    /// Measure values missing and filled with the framework's fill value.
    pub filled: usize,
    /// Measure values missing (no value used).
    pub missing: usize,
    /// The oldest year a carried value comes from.
    pub oldest_carried: Option<i32>,
    /// The data columns whose values are carried, with the oldest year each
    /// comes from, oldest first.
    pub stale: Vec<StaleColumn>,
}

impl ValuesBasis {
    /// True when more of the values used are carried forward than observed.
    pub fn mostly_carried(&self) -> bool {
        self.carried > self.observed
    }

    /// The stale columns as `column (year)`, grouped by year: `a, b (2021); c (2019)`.
    pub fn stale_text(&self) -> String {
        let mut by_year: BTreeMap<std::cmp::Reverse<i32>, Vec<&str>> = BTreeMap::new();
        for s in &self.stale {
            by_year
                .entry(std::cmp::Reverse(s.from_year))
                .or_default()
                .push(&s.column);
        }
        by_year
            .iter()
            .map(|(y, cols)| format!("{} from {}", cols.join(", "), y.0))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A data column whose values are carried forward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleColumn {
    /// Column name.
    pub column: String,
    /// The oldest year its carried values come from.
    pub from_year: i32,
}

/// One ranked line of a report.
#[derive(Debug, Clone)]
pub struct Row {
    /// Rank within the year (1 = highest risk); countries without a score come last.
    pub rank: usize,
    /// Country index.
    pub country: usize,
    /// Year index.
    pub year_idx: usize,
    /// Overall score (NaN when insufficient data).
    pub score: f64,
    /// Overall band.
    pub band: Option<String>,
    /// The three highest risk factors: (node, score).
    pub top_factors: Vec<(usize, f64)>,
    /// Measured indicators with a value, and measured indicators in all.
    pub indicators_with_data: (usize, usize),
    /// The value of the framework's forecast ([`Plan::forecast`]), a
    /// probability, when it has one (NaN: no forecast for the country-year).
    pub probability: Option<f64>,
}

impl Run<'_> {
    /// For a year: how many measure values were carried forward from an
    /// earlier year, how many measure values there are, and the oldest year
    /// a carried value comes from.
    pub fn carried(&self, year_idx: usize) -> (usize, usize, Option<i32>) {
        let (mut carried, mut with_value, mut oldest) = (0, 0, None::<i32>);
        for ni in self.plan.of_kind(Kind::Measure) {
            for c in 0..self.panel.countries.len() {
                match self.scores.measure(ni, self.panel.cell(c, year_idx)) {
                    Some((_, Status::CarriedForward { from_year })) => {
                        carried += 1;
                        with_value += 1;
                        oldest = Some(oldest.map_or(from_year, |o| o.min(from_year)));
                    }
                    Some((v, _)) if !v.is_nan() => with_value += 1,
                    _ => {}
                }
            }
        }
        (carried, with_value, oldest)
    }

    /// A sentence on carried-forward data for a year, if any, naming the
    /// columns whose carried values are most numerous.
    pub fn data_age_note(&self, year_idx: usize) -> Option<String> {
        let (carried, total, oldest) = self.carried(year_idx);
        let oldest = oldest?;
        let mut by_column: BTreeMap<String, usize> = BTreeMap::new();
        for c in 0..self.panel.countries.len() {
            for s in self.values_basis(c, year_idx).stale {
                *by_column.entry(s.column).or_default() += 1;
            }
        }
        let mut most: Vec<(String, usize)> = by_column.into_iter().collect();
        most.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let most: Vec<String> = most
            .iter()
            .take(5)
            .map(|(c, n)| format!("{c} ({n})"))
            .collect();
        Some(format!(
            "{carried} of {total} measure values for {} are carried forward from earlier years (the oldest from {oldest}), most of them from {}; see --format json for which.",
            self.panel.year(year_idx),
            most.join(", ")
        ))
    }

    /// What a country-year's measure values rest on: how many were observed
    /// in the year, carried forward from an earlier year, filled by the
    /// framework's fill value or missing, the oldest year a carried value
    /// comes from, and the data columns whose values are carried.
    pub fn values_basis(&self, country: usize, year_idx: usize) -> ValuesBasis {
        let (plan, panel) = (self.plan, self.panel);
        let cell = panel.cell(country, year_idx);
        let [observed, carried, filled, missing] = self.scores.status_counts(plan, cell);
        let count = |n: u32| n as usize;
        if carried == 0 {
            // Nothing carried: no year or column to find.
            return ValuesBasis {
                observed: count(observed),
                filled: count(filled),
                missing: count(missing),
                ..ValuesBasis::default()
            };
        }
        let mut b = ValuesBasis::default();
        let mut stale: BTreeMap<String, i32> = BTreeMap::new();
        for ni in plan.of_kind(Kind::Measure) {
            match self.scores.measure(ni, cell) {
                Some((_, Status::Observed)) => b.observed += 1,
                Some((_, Status::CarriedForward { from_year })) => {
                    b.carried += 1;
                    b.oldest_carried =
                        Some(b.oldest_carried.map_or(from_year, |o| o.min(from_year)));
                    let m = plan.nodes[ni].measure.as_ref();
                    for &col in m.map(|m| m.columns.as_slice()).unwrap_or_default() {
                        let e = stale
                            .entry(panel.columns[col].name.clone())
                            .or_insert(from_year);
                        *e = (*e).min(from_year);
                    }
                }
                Some((_, Status::Filled)) => b.filled += 1,
                Some((_, Status::Missing)) | None => b.missing += 1,
            }
        }
        let mut stale: Vec<StaleColumn> = stale
            .into_iter()
            .map(|(column, from_year)| StaleColumn { column, from_year })
            .collect();
        stale.sort_by(|a, b| {
            a.from_year
                .cmp(&b.from_year)
                .then_with(|| a.column.cmp(&b.column))
        });
        b.stale = stale;
        b
    }

    /// For a year: the countries and the indicators whose scores used analyst
    /// assessments (carried-forward ones included), and the files they came from.
    pub fn analyst_inputs(&self, year_idx: usize) -> (usize, usize, Vec<String>) {
        let (plan, panel) = (self.plan, self.panel);
        let (mut countries, mut indicators, mut files) =
            (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        let assessed = plan
            .of_kind(Kind::Measure)
            .into_iter()
            .filter(|&n| reads_assessments(plan, panel, n));
        for n in assessed {
            for c in 0..panel.countries.len() {
                for (col, cell) in crate::score::trace(plan, panel, self.scores, n, c, year_idx) {
                    if panel.is_assessed(col) {
                        countries.insert(c);
                        indicators.insert(n);
                        files.insert(panel.cell_ref(col, cell).file);
                    }
                }
            }
        }
        (
            countries.len(),
            indicators.len(),
            files.into_iter().collect(),
        )
    }

    /// A sentence on the analyst assessments used for a year, if any.
    pub fn analyst_note(&self, year_idx: usize) -> Option<String> {
        let (countries, indicators, files) = self.analyst_inputs(year_idx);
        if countries == 0 {
            return None;
        }
        let s = |n: usize| if n == 1 { "" } else { "s" };
        Some(format!(
            "Analyst assessments, not data, enter the scores of {countries} countr{} for {} ({indicators} qualitative indicator{}), from {}; see --format json for their source, confidence and note.",
            if countries == 1 { "y" } else { "ies" },
            self.panel.year(year_idx),
            s(indicators),
            files.join(", ")
        ))
    }

    /// The indicators a score's data basis is counted on: those of a risk
    /// factor (so they reach the crime and overall scores) that are measured
    /// from data, not only from analyst assessments.
    pub fn measured_indicators(&self) -> Vec<usize> {
        let plan = self.plan;
        let of_risk_factors: Vec<usize> = plan
            .of_kind(Kind::RiskFactor)
            .into_iter()
            .flat_map(|r| plan.nodes[r].children.iter().map(|&(i, _)| i))
            .collect();
        plan.of_kind(Kind::Indicator)
            .into_iter()
            .filter(|i| of_risk_factors.contains(i))
            .filter(|&i| {
                plan.nodes[i]
                    .children
                    .iter()
                    .any(|&(m, _)| !reads_assessments(plan, self.panel, m))
            })
            .collect()
    }

    /// The countries of a year in rank order: highest score first, those
    /// without a score last, ties by code.
    pub fn rank_order(&self, year_idx: usize) -> Vec<usize> {
        let overall = self.plan.overall();
        let countries = &self.panel.countries;
        let mut keyed: Vec<(f64, usize)> = (0..countries.len())
            .map(|c| {
                let score = self.scores.value(overall, self.panel.cell(c, year_idx));
                (
                    if score.is_nan() {
                        f64::NEG_INFINITY
                    } else {
                        score
                    },
                    c,
                )
            })
            .collect();
        // Countries sorted by code (as a panel read from files holds them)
        // are ordered by code when ordered by index, without comparing codes.
        if countries.is_sorted_by(|a, b| a.iso3 < b.iso3) {
            // Whole numbers in the order of `total_cmp`, highest first, then
            // the index: each pair compares as two integers.
            let mut pairs: Vec<(u64, usize)> = keyed
                .iter()
                .map(|&(score, c)| (!total_order_key(score), c))
                .collect();
            pairs.sort_unstable();
            return pairs.into_iter().map(|(_, c)| c).collect();
        }
        keyed.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| countries[a.1].iso3.cmp(&countries[b.1].iso3))
        });
        keyed.into_iter().map(|(_, c)| c).collect()
    }

    /// Ranked rows for one year: highest score first, ties by code.
    pub fn ranked(&self, year_idx: usize) -> Vec<Row> {
        let plan = self.plan;
        let overall = plan.overall();
        // A forecast that a framework adds as a risk factor is a probability,
        // not a risk factor's relative score: it is not among the top factors.
        let rfs: Vec<usize> = plan
            .of_kind(Kind::RiskFactor)
            .into_iter()
            .filter(|&r| !plan.is_probability(r))
            .collect();
        let forecast = plan.forecast();
        let measured = self.measured_indicators();
        self.rank_order(year_idx)
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let cell = self.panel.cell(c, year_idx);
                let score = self.scores.value(overall, cell);
                let mut top: Vec<(usize, f64)> = rfs
                    .iter()
                    .map(|&r| (r, self.scores.value(r, cell)))
                    .filter(|(_, v)| !v.is_nan())
                    .collect();
                top.sort_by(|a, b| {
                    b.1.total_cmp(&a.1)
                        .then(plan.nodes[a.0].id.cmp(&plan.nodes[b.0].id))
                });
                top.truncate(3);
                Row {
                    rank: i + 1,
                    country: c,
                    year_idx,
                    score,
                    band: plan.band(overall, score).map(str::to_string),
                    top_factors: top,
                    indicators_with_data: (self.with_data(&measured, cell), measured.len()),
                    probability: forecast.map(|f| self.scores.value(f, cell)),
                }
            })
            .collect()
    }

    /// How many of the `measured` indicators have a value in a cell.
    pub fn with_data(&self, measured: &[usize], cell: usize) -> usize {
        measured
            .iter()
            .filter(|&&i| !self.scores.value(i, cell).is_nan())
            .count()
    }
}

/// A whole number for `x` whose order is that of [`f64::total_cmp`].
fn total_order_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

#[cfg(test)]
mod tests {
    use super::total_order_key;

    #[test]
    fn keys_order_as_total_cmp() {
        let xs = [
            f64::NEG_INFINITY,
            -1.0,
            -0.0,
            0.0,
            1e-300,
            0.5,
            0.5f64.next_up(),
            1.0,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        for a in xs {
            for b in xs {
                assert_eq!(
                    total_order_key(a).cmp(&total_order_key(b)),
                    a.total_cmp(&b),
                    "{a} {b}"
                );
            }
        }
    }
}
