//! Movers: the largest rises of the overall score against the previous year
//! and against the mean of the three years before, each with the risk
//! factors, indicators and raw inputs that drove it.

use super::builder::{Builder, DRIVERS, INDICATORS_PER_DRIVER, weight_shares};
use super::model::{Driver, IndicatorChange, InputChange, InputValue, Mover};
use crate::analysis::{r6, r6f};

/// Risk factors contributing less than this (half a thousandth of the
/// overall score) are rounding noise and are not listed as drivers.
const MIN_CONTRIBUTION: f64 = 0.0005;

/// The smallest rise of the overall score listed as a move: two hundredths
/// of the 0-1 scale.
pub const MIN_MOVE: f64 = 0.02;

/// A rise is material when it is at least this many times the country's
/// usual yearly change...
pub const MATERIAL: f64 = 2.0;

/// ... or at least this large (a twentieth of the scale), however volatile
/// the country's score has been.
pub const LARGE_MOVE: f64 = 0.05;

/// The usual yearly change is never taken below this, so that a country
/// whose score barely moved for years is not flagged for a tiny rise.
pub const MIN_USUAL_CHANGE: f64 = 0.005;

impl Builder<'_, '_> {
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
        let now = self.determining_inputs(ind, country, y);
        let then: Vec<(usize, Vec<(i32, f64)>)> = before
            .iter()
            .flat_map(|&b| self.determining_inputs(ind, country, b))
            .collect();
        let mut cols: Vec<usize> = Vec::new();
        for (col, _) in then.iter().chain(&now) {
            if !cols.contains(col) {
                cols.push(*col);
            }
        }
        let values = |cells: &mut dyn Iterator<Item = &(i32, f64)>| {
            let mut v: Vec<InputValue> = Vec::new();
            for &(year, value) in cells {
                let x = InputValue { year, value };
                if !v.contains(&x) {
                    v.push(x);
                }
            }
            v.sort_by_key(|v| v.year);
            v
        };
        cols.into_iter()
            .map(|col| {
                let after_cells =
                    values(&mut now.iter().filter(|e| e.0 == col).flat_map(|e| e.1.iter()));
                InputChange {
                    column: panel.columns[col].name.clone(),
                    before: values(
                        &mut then.iter().filter(|e| e.0 == col).flat_map(|e| e.1.iter()),
                    ),
                    after: after_cells.last().cloned(),
                    after_cells,
                }
            })
            .collect()
    }

    /// A country's usual yearly change of the overall score: the median
    /// absolute change from one year to the next over the ten years before
    /// year index `y`, when at least three changes are known; never below
    /// [`MIN_USUAL_CHANGE`].
    fn usual_change(&self, c: usize, y: usize) -> Option<f64> {
        let overall = self.run.plan.overall();
        let mut changes: Vec<f64> = (y.saturating_sub(10) + 1..y)
            .map(|t| (self.value(overall, c, t) - self.value(overall, c, t - 1)).abs())
            .filter(|d| !d.is_nan())
            .collect();
        if changes.len() < 3 {
            return None;
        }
        changes.sort_by(f64::total_cmp);
        let n = changes.len();
        let median = if n % 2 == 1 {
            changes[n / 2]
        } else {
            (changes[n / 2 - 1] + changes[n / 2]) / 2.0
        };
        Some(median.max(MIN_USUAL_CHANGE))
    }

    /// Whether country `c`'s rise of `rise` in year index `y` counts as a
    /// move: at least [`MIN_MOVE`]; at least [`LARGE_MOVE`] or at least
    /// [`MATERIAL`] times the country's usual yearly change where that is
    /// known; and, when paired draws were run, held in enough of them.
    fn moved(&self, c: usize, y: usize, rise: f64, which: usize) -> bool {
        rise >= MIN_MOVE
            && (rise >= LARGE_MOVE || self.usual_change(c, y).is_none_or(|u| rise >= MATERIAL * u))
            && self.rises[which]
                .as_ref()
                .is_none_or(|shares| shares[c] >= Self::RISE_SHARE)
    }

    fn rise_share(&self, c: usize, which: usize) -> Option<f64> {
        self.rises[which].as_ref().and_then(|s| r6(s[c]))
    }

    pub(super) fn movers(
        &self,
        y: usize,
        before: &[usize],
        top: usize,
        which: usize,
    ) -> Vec<Mover> {
        let plan = self.run.plan;
        let overall = plan.overall();
        let panel = self.run.panel;
        if before.is_empty() {
            return Vec::new();
        }
        let mut rises: Vec<(usize, f64, f64)> = (0..panel.countries.len())
            .map(|c| (c, self.value(overall, c, y), self.mean(overall, c, before)))
            .filter(|&(c, a, b)| !a.is_nan() && !b.is_nan() && self.moved(c, y, a - b, which))
            .collect();
        // Material rises only (see `moved`), largest first: a large rise of a
        // volatile country before a small one of a steady country.
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
                    usual_change: self.usual_change(c, y).and_then(r6),
                    materiality: self.usual_change(c, y).and_then(|u| r6((a - b) / u)),
                }
            })
            .collect()
    }
}
