//! Stage 4: evaluate a plan on a panel: transform, normalise, aggregate.

pub mod aggregate;
pub mod contrib;
pub mod impute;
pub mod normalise;
pub mod recommend;
pub mod stream;
pub mod transform;
pub mod uncertainty;

use crate::compile::{MeasurePlan, Plan};
use crate::data::Panel;
use crate::framework::model::Missing;

/// How a measure's value for a country-year was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Status {
    /// Read (and transformed) from the data of that year.
    Observed,
    /// Missing that year; the value of an earlier year was used.
    CarriedForward {
        /// The year the value comes from.
        from_year: i32,
    },
    /// Missing; the framework's fill value was used.
    Filled,
    /// Missing, and the policy is to skip it.
    Missing,
}

/// Scores of every node for every country-year of a panel.
#[derive(Debug, Clone)]
pub struct Scores {
    n_cells: usize,
    /// Node-major values (NaN = no score).
    values: Vec<f64>,
    /// Node-major coverage.
    coverage: Vec<f64>,
    /// Measure node -> slot in `raw` and `status`.
    slot: Vec<Option<usize>>,
    /// Per measure slot: the transformed value used (after the missing policy).
    raw: Vec<Vec<f64>>,
    /// Per measure slot: how the value was obtained.
    status: Vec<Vec<Status>>,
}

impl Scores {
    /// The score of a node for a cell (NaN when none).
    #[inline]
    pub fn value(&self, node: usize, cell: usize) -> f64 {
        self.values[node * self.n_cells + cell]
    }

    /// The coverage of a node for a cell.
    #[inline]
    pub fn coverage(&self, node: usize, cell: usize) -> f64 {
        self.coverage[node * self.n_cells + cell]
    }

    /// For a measure node: the transformed value and how it was obtained.
    pub fn measure(&self, node: usize, cell: usize) -> Option<(f64, Status)> {
        let s = self.slot[node]?;
        Some((self.raw[s][cell], self.status[s][cell]))
    }
}

/// Evaluates every node of the plan for every country-year of the panel.
pub fn evaluate(plan: &Plan, panel: &Panel) -> Scores {
    let n_cells = panel.countries.len() * panel.n_years;
    let n_nodes = plan.nodes.len();
    let mut values = vec![f64::NAN; n_nodes * n_cells];
    let mut coverage = vec![0.0; n_nodes * n_cells];
    let mut slot = vec![None; n_nodes];
    let mut raw = Vec::new();
    let mut status = Vec::new();
    let mut kids: Vec<(f64, f64)> = Vec::new();
    for (ni, node) in plan.nodes.iter().enumerate() {
        let out = ni * n_cells..(ni + 1) * n_cells;
        if let Some(m) = &node.measure {
            let (r, st, norm) = eval_measure(m, panel);
            for (cell, v) in norm.iter().enumerate() {
                coverage[out.start + cell] = if v.is_nan() { 0.0 } else { 1.0 };
            }
            values[out].copy_from_slice(&norm);
            slot[ni] = Some(raw.len());
            raw.push(r);
            status.push(st);
            continue;
        }
        let means = impute::child_means(node, panel.countries.len(), panel.n_years, |c, cell| {
            values[c * n_cells + cell]
        });
        for cell in 0..n_cells {
            kids.clear();
            kids.extend(
                node.children
                    .iter()
                    .map(|&(c, w)| (values[c * n_cells + cell], w)),
            );
            let o = impute::aggregate(&node.rule, &mut kids, &means, cell % panel.n_years);
            values[ni * n_cells + cell] = o.value;
            coverage[ni * n_cells + cell] = o.coverage;
        }
    }
    Scores {
        n_cells,
        values,
        coverage,
        slot,
        raw,
        status,
    }
}

/// Base series of a measure (sum of its columns) for one country.
fn base_series(m: &MeasurePlan, panel: &Panel, country: usize) -> Vec<f64> {
    (0..panel.n_years)
        .map(|y| {
            let cell = panel.cell(country, y);
            let mut sum = 0.0;
            for &c in &m.columns {
                sum += panel.value(c, cell);
            }
            if m.columns.is_empty() { f64::NAN } else { sum }
        })
        .collect()
}

/// One column's yearly series for one country.
fn column_series(panel: &Panel, column: usize, country: usize) -> Vec<f64> {
    (0..panel.n_years)
        .map(|y| panel.value(column, panel.cell(country, y)))
        .collect()
}

fn transformed_series(m: &MeasurePlan, panel: &Panel, country: usize) -> Vec<f64> {
    let mut s = base_series(m, panel, country);
    for (t, den) in m.transforms.iter().zip(&m.denominators) {
        let d = den.map(|c| column_series(panel, c, country));
        s = transform::apply(t, &s, d.as_deref());
    }
    s
}

pub(crate) fn eval_measure(m: &MeasurePlan, panel: &Panel) -> (Vec<f64>, Vec<Status>, Vec<f64>) {
    let ny = panel.n_years;
    let n_cells = panel.countries.len() * ny;
    let mut raw = vec![f64::NAN; n_cells];
    let mut st = vec![Status::Missing; n_cells];
    for country in 0..panel.countries.len() {
        let s = transformed_series(m, panel, country);
        for y in 0..ny {
            let cell = panel.cell(country, y);
            if !s[y].is_nan() {
                raw[cell] = s[y];
                st[cell] = Status::Observed;
                continue;
            }
            match m.missing {
                Missing::Skip => {}
                Missing::Fill(v) => {
                    raw[cell] = v;
                    st[cell] = Status::Filled;
                }
                Missing::CarryForward(n) => {
                    // An assessment that states `unknown` ends the carrying.
                    let stopped = |j: usize| {
                        let cell = panel.cell(country, j);
                        m.columns.iter().any(|&c| panel.stated_unknown(c, cell))
                    };
                    let back = (1..=n as usize)
                        .take_while(|k| *k <= y && !stopped(y + 1 - k))
                        .find(|k| !s[y - k].is_nan());
                    if let Some(k) = back {
                        raw[cell] = s[y - k];
                        st[cell] = Status::CarriedForward {
                            from_year: panel.year(y - k),
                        };
                    }
                }
            }
        }
    }
    let mut norm = vec![f64::NAN; n_cells];
    if normalise::is_cross_sectional(&m.normalise) {
        let nc = panel.countries.len();
        let mut xs = vec![f64::NAN; nc];
        for y in 0..ny {
            for (c, x) in xs.iter_mut().enumerate() {
                *x = raw[panel.cell(c, y)];
            }
            let out = normalise::cross_section(&m.normalise, m.direction, &xs);
            for (c, v) in out.into_iter().enumerate() {
                norm[panel.cell(c, y)] = v;
            }
        }
    } else {
        for (cell, x) in raw.iter().enumerate() {
            norm[cell] = normalise::pointwise(&m.normalise, m.direction, *x).unwrap_or(f64::NAN);
        }
    }
    (raw, st, norm)
}

/// The data cells that determine a measure's value for a country-year:
/// for a carried-forward value those of the year it was carried from and no
/// other; for a value read from the data, the cells each transform declares
/// in [`transform::determines`], followed down the chain of transforms to
/// the columns read (every summed column of a year, and for `per_capita` the
/// denominator of the same year). Numerators come first, by year, then
/// denominators, by year. Filled and missing values have none.
pub fn trace(
    plan: &Plan,
    panel: &Panel,
    scores: &Scores,
    node: usize,
    country: usize,
    year_idx: usize,
) -> Vec<(usize, usize)> {
    let Some(m) = &plan.nodes[node].measure else {
        return Vec::new();
    };
    let cell = panel.cell(country, year_idx);
    let year_idx = match scores.measure(node, cell) {
        Some((_, Status::CarriedForward { from_year })) => match panel.year_idx(from_year) {
            Some(y) => y,
            None => return Vec::new(),
        },
        Some((_, Status::Observed)) => year_idx,
        _ => return Vec::new(),
    };
    // The series after each transform: stages[0] is the base series.
    let mut stages = vec![base_series(m, panel, country)];
    for (t, den) in m.transforms.iter().zip(&m.denominators) {
        let d = den.map(|c| column_series(panel, c, country));
        let next = transform::apply(t, &stages[stages.len() - 1], d.as_deref());
        stages.push(next);
    }
    let mut years = vec![year_idx];
    let mut denominators: Vec<(usize, usize)> = Vec::new();
    for (k, (t, den)) in m.transforms.iter().zip(&m.denominators).enumerate().rev() {
        if let Some(d) = den {
            denominators.extend(years.iter().map(|&y| (*d, y)));
        }
        let input = &stages[k];
        let mut next: Vec<usize> = years
            .iter()
            .flat_map(|&y| transform::determines(t, input, y))
            .collect();
        next.sort_unstable();
        next.dedup();
        years = next;
    }
    let mut out = Vec::new();
    for &y in &years {
        for &col in &m.columns {
            out.push((col, panel.cell(country, y)));
        }
    }
    denominators.sort_unstable_by_key(|&(col, y)| (y, col));
    denominators.dedup();
    for (col, y) in denominators {
        out.push((col, panel.cell(country, y)));
    }
    out.retain(|&(col, c)| !panel.value(col, c).is_nan());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FW: &str = "format: 1\nid: t\ntitle: t\nversion: '1'\ncrimes: [{id: g, title: G}]\nrisk_factors: [{id: r, title: R, crimes: [g], kind: dynamic}]\nindicators:\n  - id: i\n    risk_factor: r\n    text: t\n    measures:\n      - {id: skip, column: x, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}}\n      - {id: fill, column: x, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}, missing: {fill: 5}}\n      - {id: cf, column: x, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}, missing: {carry_forward: 2}}\n";
    // synthetic: AAA has x in 2000 only; 2001-2003 are missing
    const CSV: &str = "iso3,year,x\nAAA,2000,4\nAAA,2001,\nAAA,2002,NA\nAAA,2003,\n";

    fn run() -> (Plan, Panel, Scores) {
        crate::assess_csv(FW, CSV)
    }

    #[test]
    fn missing_policies_are_applied_and_reported() {
        let (plan, panel, s) = run();
        let node = |id: &str| plan.find(id).unwrap();
        let (skip, fill, cf) = (node("i/skip"), node("i/fill"), node("i/cf"));
        // 2000: observed everywhere
        assert_eq!(s.measure(skip, 0), Some((4.0, Status::Observed)));
        assert_eq!(s.value(skip, 0), 0.4);
        // 2001: skip -> missing, fill -> 5, carry -> 4 from 2000
        let c1 = panel.cell(0, 1);
        assert!(s.value(skip, c1).is_nan());
        assert_eq!(s.measure(skip, c1).unwrap().1, Status::Missing);
        assert_eq!(s.measure(fill, c1), Some((5.0, Status::Filled)));
        assert_eq!(s.value(fill, c1), 0.5);
        assert_eq!(
            s.measure(cf, c1),
            Some((4.0, Status::CarriedForward { from_year: 2000 }))
        );
        // 2002 still within 2 years; 2003 is not
        assert_eq!(
            s.measure(cf, panel.cell(0, 2)).unwrap().1,
            Status::CarriedForward { from_year: 2000 }
        );
        assert!(s.value(cf, panel.cell(0, 3)).is_nan());
        // the indicator averages the measures that have values: (0.5 + 0.4) / 2 in 2001
        let i = node("i");
        assert!((s.value(i, c1) - 0.45).abs() < 1e-12);
        assert!((s.coverage(i, c1) - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn trace_points_at_source_cells() {
        let (plan, panel, s) = run();
        let cf = plan.find("i/cf").unwrap();
        // 2002's value came from 2000's cell (line 2 of d.csv)
        let cells = trace(&plan, &panel, &s, cf, 0, 2);
        assert_eq!(cells.len(), 1);
        let r = panel.cell_ref(cells[0].0, cells[0].1);
        assert_eq!(
            (r.file.as_str(), r.line, r.column.as_str(), r.year),
            ("d.csv", 2, "x", 2000)
        );
    }
}
