//! Data warnings: the coverage and age of the data behind a country-year,
//! and the countries whose score rests on few indicators or old data.

use super::builder::Builder;
use super::model::{AgeRange, DataAge, DataWarning, DataWarnings};
use crate::analysis::{r6, round};
use crate::compile::Kind;
use crate::score::{self, Status};

/// A country whose measured indicators with data fall below this share gets
/// a data warning.
pub const FEW_INDICATORS: f64 = 0.75;
/// A country whose inputs are on average this many years old or older gets a
/// data warning.
pub const OLD_DATA_YEARS: f64 = 2.0;

impl Builder<'_, '_> {
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
            stale_columns: self.run.values_basis(country, y).stale,
        }
    }

    /// The data warnings of year index `y`: the year's carried-forward note,
    /// the spread of input ages, and the countries with few indicators, old
    /// data or no score, by country code (the panel's order).
    pub(super) fn data_warnings(&self, y: usize) -> DataWarnings {
        let overall = self.run.plan.overall();
        let mut warnings = Vec::new();
        let mut ages = Vec::new();
        for c in 0..self.run.panel.countries.len() {
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
        DataWarnings {
            note: self.run.data_age_note(y),
            input_age: age_range(ages),
            countries: warnings,
        }
    }
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
