//! Movers: the largest rises of the overall score against the previous year
//! and against the mean of the three years before, each with the risk
//! factors, indicators and raw inputs that drove it.

use super::builder::{Builder, DRIVERS, INDICATORS_PER_DRIVER, weight_shares};
use super::model::{Driver, IndicatorChange, InputChange, InputValue, Mover};
use crate::analysis::{r6, r6f};

/// Risk factors contributing less than this (half a thousandth of the
/// overall score) are rounding noise and are not listed as drivers.
const MIN_CONTRIBUTION: f64 = 0.0005;

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
}
