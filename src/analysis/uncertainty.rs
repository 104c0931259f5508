//! The uncertainty of a year's scores over Monte Carlo draws of the
//! framework's declared alternatives, as a table: per country the point
//! score and rank with their 5-95% intervals and the share of draws per
//! band; per group of choices its share of the variance of ranks (fields in
//! docs/uncertainty.md). [`Interval`] is a country's intervals, also shown in
//! the summary.

use serde::Serialize;

use super::{r6, round};
use crate::compile::Plan;
use crate::data::Panel;
use crate::score::uncertainty::{CountryInterval, Group, RunInfo, Simulation};

/// The JSON document.
#[derive(Debug, Serialize)]
pub struct Document<'a> {
    /// Version of atrisk that wrote it.
    pub atrisk_version: &'static str,
    /// Framework id.
    pub framework: &'a str,
    /// Framework version.
    pub framework_version: &'a str,
    /// Data files.
    pub data: &'a [String],
    /// Year, draws, seed, model runs.
    #[serde(flatten)]
    pub info: RunInfo,
    /// Countries in point-rank order (countries without a point score last).
    pub countries: Vec<CountryRow>,
    /// Groups of choices, in framework order.
    pub sensitivity: Vec<SensitivityRow>,
}

/// One country.
#[derive(Debug, Serialize)]
pub struct CountryRow {
    /// Point rank (the framework's own choices).
    pub rank: Option<usize>,
    /// Country code.
    pub iso3: String,
    /// Country name.
    pub country: String,
    /// Point score.
    pub score: Option<f64>,
    /// Median score over the draws.
    pub score_median: Option<f64>,
    /// Median rank and the 5-95% intervals of rank and score.
    #[serde(flatten)]
    pub interval: Interval,
    /// Share of draws per overall band, lowest band first.
    pub bands: Vec<BandShare>,
    /// Share of draws without an overall score.
    pub no_score: f64,
}

/// The share of draws in one band.
#[derive(Debug, Serialize)]
pub struct BandShare {
    /// Band name.
    pub band: String,
    /// Share of draws, 0 to 1.
    pub share: f64,
}

/// One group of choices.
#[derive(Debug, Serialize)]
pub struct SensitivityRow {
    /// Group id.
    pub group: String,
    /// What it varies.
    pub label: String,
    /// Factors in the group.
    pub factors: usize,
    /// First-order index: the share of the variance of ranks due to this group alone.
    pub first_order: f64,
    /// Total index: the share including its interactions with other groups.
    pub total: f64,
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
}

/// Builds the document from a simulation.
pub fn document<'a>(plan: &'a Plan, panel: &'a Panel, sim: &Simulation) -> Document<'a> {
    let n = sim.info.draws.max(1) as f64;
    let share = |k: u64| round(k as f64 / n, 4).unwrap_or(0.0);
    let mut order: Vec<usize> = (0..sim.countries.len()).collect();
    let key = |c: usize| {
        let p = sim.countries[c].point;
        if p.is_nan() { f64::NEG_INFINITY } else { p }
    };
    order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
    let countries = order
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let ci: &CountryInterval = &sim.countries[c];
            CountryRow {
                rank: (!ci.point.is_nan()).then_some(i + 1),
                iso3: panel.countries[c].iso3.clone(),
                country: panel.countries[c].name.clone(),
                score: r6(ci.point),
                score_median: ci.score[1].and_then(r6),
                interval: Interval::of(ci),
                bands: sim
                    .bands
                    .iter()
                    .zip(&ci.bands)
                    .map(|(b, &k)| BandShare {
                        band: b.clone(),
                        share: share(u64::from(k)),
                    })
                    .collect(),
                no_score: share(sim.info.draws as u64 - ci.scored),
            }
        })
        .collect();
    Document {
        atrisk_version: env!("CARGO_PKG_VERSION"),
        framework: &plan.id,
        framework_version: &plan.version,
        data: &panel.files,
        info: sim.info.clone(),
        countries,
        sensitivity: sensitivity_rows(sim),
    }
}

/// The groups, most influential (largest total index) first.
fn sensitivity_rows(sim: &Simulation) -> Vec<SensitivityRow> {
    let mut rows: Vec<SensitivityRow> = sim
        .sensitivity
        .iter()
        .map(|s| SensitivityRow {
            group: s.group.id.clone(),
            label: s.group.label.clone(),
            factors: s.group.factors,
            first_order: round(s.first_order, 4).unwrap_or(0.0),
            total: round(s.total, 4).unwrap_or(0.0),
        })
        .collect();
    rows.sort_by(|a, b| b.total.total_cmp(&a.total).then(a.group.cmp(&b.group)));
    rows
}

/// What the draws of a model vary, in words and in a fixed order: `weights`,
/// `aggregation methods`, `normalisations`, `missing-data policies`; empty
/// when the framework declares no alternatives.
pub fn varied(groups: &[Group]) -> Vec<String> {
    let kinds = [
        ("weights", "weights"),
        ("aggregation", "aggregation methods"),
        ("normalisation", "normalisations"),
        ("missing_data", "missing-data policies"),
    ];
    kinds
        .iter()
        .filter(|(prefix, _)| {
            groups
                .iter()
                .any(|g| g.factors > 0 && g.id.split(':').next() == Some(*prefix))
        })
        .map(|(_, words)| (*words).to_string())
        .collect()
}

#[cfg(test)]
mod varied_tests {
    use super::*;

    fn group(id: &str) -> Group {
        Group {
            id: id.to_string(),
            label: String::new(),
            factors: 1,
        }
    }

    #[test]
    fn varied_names_each_kind_of_choice_once_in_a_fixed_order() {
        let g = [
            group("missing_data:all"),
            group("weights:rf1"),
            group("weights:rf2"),
            group("aggregation"),
        ];
        assert_eq!(
            varied(&g),
            ["weights", "aggregation methods", "missing-data policies"]
        );
        assert!(varied(&[]).is_empty());
    }
}
