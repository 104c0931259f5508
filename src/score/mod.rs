//! Stage 4: evaluate a plan on a panel: transform, normalise, aggregate.

pub mod aggregate;
pub mod contrib;
pub mod impute;
pub mod normalise;
pub mod recommend;
pub mod stream;
pub mod transform;
pub mod uncertainty;

use std::sync::Arc;

use crate::compile::{Kind, MeasurePlan, Plan};
use crate::data::Panel;
use crate::framework::model::{Missing, Normalise};

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
    /// Per node, its value in every cell (NaN = no score); a measure that
    /// reads a column as it is shares the panel's values.
    values: Vec<Arc<Vec<f64>>>,
    /// Node -> row of `coverage`; `None` for a measure, whose coverage is
    /// 1 where it has a value and 0 where it has none.
    cov_slot: Vec<Option<usize>>,
    /// Coverage of the nodes that are not measures, row by row.
    coverage: Vec<f64>,
    /// Measure node -> slot in `raw` and `status`.
    slot: Vec<Option<usize>>,
    /// Per measure slot: the transformed value used (after the missing
    /// policy); `None` when it is the measure's value in every cell (a
    /// measure read raw), which is not stored twice.
    raw: Vec<Option<Vec<f64>>>,
    /// Per measure slot: how the value was obtained.
    status: Vec<Statuses>,
    /// Per cell, once asked for: how many measures were observed, carried
    /// forward, filled and missing (see [`Scores::status_counts`]).
    counts: std::sync::OnceLock<Vec<[u32; 4]>>,
}

/// The [`Status`] of every cell of a measure: two bytes a cell, or the
/// statuses themselves when a year does not fit in two bytes.
#[derive(Debug, Clone)]
enum Statuses {
    /// [`Statuses::pack`]ed.
    Packed(Vec<u16>),
    /// As they are.
    Plain(Vec<Status>),
    /// Observed where these values (a measure's, shared) are a number,
    /// missing where they are NaN: a measure read as it is.
    Present(Arc<Vec<f64>>),
}

impl Statuses {
    const OBSERVED: u16 = 0;
    const FILLED: u16 = 1;
    const MISSING: u16 = 2;

    /// A status in two bytes: the year a value is carried from is a year
    /// of the panel (1000 to 3000), kept as it is.
    fn pack(s: Status) -> Option<u16> {
        match s {
            Status::Observed => Some(Self::OBSERVED),
            Status::Filled => Some(Self::FILLED),
            Status::Missing => Some(Self::MISSING),
            Status::CarriedForward { from_year } => {
                u16::try_from(from_year).ok().filter(|&y| y > Self::MISSING)
            }
        }
    }

    fn new(st: Vec<Status>) -> Self {
        match st
            .iter()
            .map(|&s| Self::pack(s))
            .collect::<Option<Vec<u16>>>()
        {
            Some(p) => Statuses::Packed(p),
            None => Statuses::Plain(st),
        }
    }

    #[inline]
    fn get(&self, cell: usize) -> Status {
        match self {
            Statuses::Plain(s) => s[cell],
            Statuses::Present(v) if v[cell].is_nan() => Status::Missing,
            Statuses::Present(_) => Status::Observed,
            Statuses::Packed(p) => match p[cell] {
                Self::OBSERVED => Status::Observed,
                Self::FILLED => Status::Filled,
                Self::MISSING => Status::Missing,
                y => Status::CarriedForward {
                    from_year: i32::from(y),
                },
            },
        }
    }
}

impl Scores {
    /// The score of a node for a cell (NaN when none).
    #[inline]
    pub fn value(&self, node: usize, cell: usize) -> f64 {
        self.values[node][cell]
    }

    /// The coverage of a node for a cell.
    #[inline]
    pub fn coverage(&self, node: usize, cell: usize) -> f64 {
        match self.cov_slot[node] {
            Some(s) => self.coverage[s * self.n_cells + cell],
            None if self.value(node, cell).is_nan() => 0.0,
            None => 1.0,
        }
    }

    /// For a measure node: the transformed value and how it was obtained.
    #[inline]
    pub fn measure(&self, node: usize, cell: usize) -> Option<(f64, Status)> {
        let s = self.slot[node]?;
        let raw = match &self.raw[s] {
            Some(r) => r[cell],
            None => self.value(node, cell),
        };
        Some((raw, self.status[s].get(cell)))
    }

    /// How many of the measure nodes of `plan` (those of kind
    /// [`Kind::Measure`], in any order) were observed, carried forward,
    /// filled and missing in a cell; a node without a measure counts as
    /// missing. Counted for every cell at the first call, measure by
    /// measure, so that a report going through the cells in rank order
    /// reads one entry per cell.
    pub fn status_counts(&self, plan: &Plan, cell: usize) -> [u32; 4] {
        let counts = self.counts.get_or_init(|| {
            use rayon::prelude::*;
            // Runs of cells counted on each thread.
            const RUN: usize = 1 << 14;
            let mut counts = vec![[0u32; 4]; self.n_cells];
            let nodes = plan.of_kind(Kind::Measure);
            counts.par_chunks_mut(RUN).enumerate().for_each(|(r, run)| {
                for &node in &nodes {
                    let st = self.slot[node].map(|s| &self.status[s]);
                    // A measure read as it is: observed or missing by its
                    // values alone, counted without a status each.
                    if let Some(Statuses::Present(v)) = st {
                        for (n, x) in run.iter_mut().zip(&v[r * RUN..]) {
                            n[if x.is_nan() { 3 } else { 0 }] += 1;
                        }
                        continue;
                    }
                    for (j, n) in run.iter_mut().enumerate() {
                        let i = match st.map(|st| st.get(r * RUN + j)) {
                            Some(Status::Observed) => 0,
                            Some(Status::CarriedForward { .. }) => 1,
                            Some(Status::Filled) => 2,
                            Some(Status::Missing) | None => 3,
                        };
                        n[i] += 1;
                    }
                }
            });
            counts
        });
        counts[cell]
    }
}

/// The same numbers, to the bit (NaN included).
fn same_bits(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// Evaluates every node of the plan for every country-year of the panel.
///
/// The measures are evaluated side by side (each reads the panel alone),
/// then the other nodes in plan order (children first), each a run of cells
/// on each thread: every cell of a node depends only on its children's
/// scores in that cell, so the scores are those of one thread.
pub fn evaluate(plan: &Plan, panel: &Panel) -> Scores {
    use rayon::prelude::*;
    let n_cells = panel.countries.len() * panel.n_years;
    let n_nodes = plan.nodes.len();
    // Every node has no score until it is evaluated (children come first).
    let none = Arc::new(vec![f64::NAN; n_cells]);
    let mut values: Vec<Arc<Vec<f64>>> = (0..n_nodes).map(|_| Arc::clone(&none)).collect();
    let mut cov_slot = vec![None; n_nodes];
    let mut coverage = Vec::new();
    let mut slot = vec![None; n_nodes];
    let mut raw = Vec::new();
    let mut status = Vec::new();
    let measures: Vec<(usize, &MeasurePlan)> = plan
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(ni, node)| node.measure.as_ref().map(|m| (ni, m)))
        .collect();
    let evaluated: Vec<_> = measures
        .par_iter()
        .map(|&(_, m)| {
            if let Some(c) = read_as_is(m, panel) {
                let st = Statuses::Present(Arc::clone(panel.column_values(c)));
                return (None, st, Err(c));
            }
            let (r, st, norm) = eval_measure(m, panel);
            let same = same_bits(&r, &norm);
            let values = match m.columns.as_slice() {
                [c] if same_bits(&norm, panel.column_values(*c)) => Err(*c),
                _ => Ok(norm),
            };
            ((!same).then_some(r), Statuses::new(st), values)
        })
        .collect();
    for ((ni, _), (r, st, v)) in measures.into_iter().zip(evaluated) {
        slot[ni] = Some(raw.len());
        raw.push(r);
        status.push(st);
        // A column's values as they are are shared with the panel.
        values[ni] = match v {
            Err(c) => Arc::clone(panel.column_values(c)),
            Ok(norm) => Arc::new(norm),
        };
    }
    // Runs of cells a thread aggregates at a time.
    const RUN: usize = 1 << 14;
    for (ni, node) in plan.nodes.iter().enumerate() {
        if node.measure.is_some() {
            continue;
        }
        if let Some(out) = one_child_as_is(node, &values) {
            values[ni] = out;
            continue;
        }
        let means = impute::child_means(node, panel.countries.len(), panel.n_years, |c, cell| {
            values[c][cell]
        });
        let mut out = vec![f64::NAN; n_cells];
        let cov = coverage.len();
        cov_slot[ni] = Some(cov / n_cells.max(1));
        coverage.resize(cov + n_cells, 0.0);
        let kids: Vec<(&[f64], f64)> = node
            .children
            .iter()
            .map(|&(c, w)| (values[c].as_slice(), w))
            .collect();
        out.par_chunks_mut(RUN)
            .zip(coverage[cov..].par_chunks_mut(RUN))
            .enumerate()
            .for_each(|(i, (out, covs))| {
                let mut buf: Vec<(f64, f64)> = Vec::with_capacity(kids.len());
                for (j, (o, c)) in out.iter_mut().zip(covs).enumerate() {
                    let cell = i * RUN + j;
                    buf.clear();
                    buf.extend(kids.iter().map(|&(v, w)| (v[cell], w)));
                    let r = impute::aggregate(&node.rule, &mut buf, &means, cell % panel.n_years);
                    *o = r.value;
                    *c = r.coverage;
                }
            });
        values[ni] = Arc::new(out);
    }
    Scores {
        n_cells,
        values,
        cov_slot,
        coverage,
        slot,
        raw,
        status,
        counts: std::sync::OnceLock::new(),
    }
}

/// The scores of a node of one child of weight 1 by mean or maximum (no
/// imputation, no coverage asked above 1), each [`aggregate::aggregate`]
/// of the child's score alone: NaN exactly where the child has none, so
/// that its coverage, 1 where the child has a score and 0 where not, is
/// what [`Scores::coverage`] gives a node without a row of coverage, which
/// is not stored. When each of the child's scores is in 0..1 or the NaN
/// of a missing score, the scores are the child's own, shared. `None` for
/// any other node.
fn one_child_as_is(node: &crate::compile::Node, values: &[Arc<Vec<f64>>]) -> Option<Arc<Vec<f64>>> {
    use crate::framework::model::Method;
    use rayon::prelude::*;
    let [(c, w)] = node.children[..] else {
        return None;
    };
    let rule = &node.rule;
    if w != 1.0 || rule.impute || rule.min_coverage > 1.0 {
        return None;
    }
    if !matches!(rule.method, Method::Mean | Method::Max) {
        return None;
    }
    // Such a score is its own mean or maximum, clamped.
    let kept = |v: f64| (0.0..=1.0).contains(&v) || v.to_bits() == f64::NAN.to_bits();
    if values[c].iter().fold(true, |all, &v| all & kept(v)) {
        return Some(Arc::clone(&values[c]));
    }
    Some(Arc::new(
        values[c]
            .par_iter()
            .map(|&v| aggregate::aggregate(rule, &[(v, w)]).value)
            .collect(),
    ))
}

/// For a measure whose scores are its column's values as they are (one
/// column, no transform, missing values skipped, a normalisation that
/// leaves every value of the column as it is): the column, whose values
/// are then the measure's scores and whose NaNs are its missing values, as
/// [`eval_measure`] would give them (observed where the column has a
/// value); `None` for any other measure, which [`eval_measure`] evaluates.
/// Each value goes through the same operations as there, so the scores are
/// the same to the bit.
fn read_as_is(m: &MeasurePlan, panel: &Panel) -> Option<usize> {
    let [c] = *m.columns.as_slice() else {
        return None;
    };
    if !m.transforms.is_empty()
        || !matches!(m.missing, Missing::Skip)
        || normalise::is_cross_sectional(&m.normalise)
    {
        return None;
    }
    let values = panel.column_values(c);
    let same = if matches!(m.normalise, Normalise::Raw) {
        // One pass of bit tests, which the compiler can widen.
        values.iter().fold(true, |all, &v| all & raw_as_is(v))
    } else {
        values.iter().all(|&v| as_is(m, v))
    };
    same.then_some(c)
}

/// Whether the score of a measure of one column `v` with no transform is
/// `v` itself, bit for bit.
fn as_is(m: &MeasurePlan, v: f64) -> bool {
    // The sum of one column, as in `base_series`.
    let mut sum = 0.0;
    sum += v;
    let raw = if sum.is_nan() { f64::NAN } else { sum };
    let norm = normalise::pointwise(&m.normalise, m.direction, raw).unwrap_or(f64::NAN);
    raw.to_bits() == v.to_bits() && norm.to_bits() == v.to_bits()
}

/// [`as_is`] for a raw normalisation, which keeps every value: `0.0 + v`
/// is `v` for all but -0.0, and a NaN sum becomes the NaN of a missing
/// value.
fn raw_as_is(v: f64) -> bool {
    v.to_bits() != (-0.0f64).to_bits() && (!v.is_nan() || v.to_bits() == f64::NAN.to_bits())
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
    fn status_counts_are_the_statuses_of_each_cell() {
        // Synthetic: 700 units x 30 years (more cells than one run of
        // counting), x missing in a third of the rows; a measure read as
        // it is beside the three missing-value policies.
        let fw = format!(
            "{FW}  - id: j\n    risk_factor: r\n    text: t\n    aggregate: {{method: logistic, intercept: 0}}\n    measures:\n      - {{id: raw, column: x, normalise: raw}}\n"
        );
        let mut csv = String::from("iso3,year,x\n");
        for u in 0..700 {
            for y in 0..30 {
                let x = if (u * 7 + y) % 3 == 0 {
                    String::new()
                } else {
                    format!("{}", (u + y) % 11)
                };
                csv.push_str(&format!("U{u:03},{},{x}\n", 1990 + y));
            }
        }
        let (plan, panel, s) = crate::assess_csv(&fw, &csv);
        let raw = plan.find("j/raw").unwrap();
        assert!(matches!(
            s.status[s.slot[raw].unwrap()],
            Statuses::Present(_)
        ));
        let measures = plan.of_kind(Kind::Measure);
        assert!(panel.countries.len() * panel.n_years > 1 << 14);
        for cell in 0..panel.countries.len() * panel.n_years {
            let mut want = [0u32; 4];
            for &m in &measures {
                want[match s.measure(m, cell).unwrap().1 {
                    Status::Observed => 0,
                    Status::CarriedForward { .. } => 1,
                    Status::Filled => 2,
                    Status::Missing => 3,
                }] += 1;
            }
            assert_eq!(s.status_counts(&plan, cell), want, "cell {cell}");
        }
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

    proptest::proptest! {
        /// The bit tests of a raw measure agree with the general check.
        #[test]
        fn raw_values_are_as_is_where_the_general_check_says(bits in proptest::num::u64::ANY) {
            let (plan, _, _) = run();
            let mut m = plan.nodes[plan.find("i/skip").unwrap()].measure.clone().unwrap();
            m.normalise = Normalise::Raw;
            let specials = [
                0.0, -0.0, 1.0, -1.5, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -f64::NAN,
                f64::from_bits(f64::NAN.to_bits() | 1), f64::MIN_POSITIVE / 2.0,
            ];
            for v in specials.into_iter().chain([f64::from_bits(bits)]) {
                for d in [None, Some(crate::framework::model::Direction::LowerIsRiskier)] {
                    m.direction = d;
                    proptest::prop_assert_eq!(raw_as_is(v), as_is(&m, v), "{:?}", v);
                }
            }
        }
    }

    #[test]
    fn a_node_of_one_child_as_is_scores_as_aggregate_does() {
        use crate::framework::model::Method;
        let (plan, _, _) = run();
        let mut node = plan.nodes[plan.of_kind(Kind::RiskFactor)[0]].clone();
        let child = vec![
            0.5,
            -0.0,
            0.0,
            1.0,
            1.5,
            -2.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.1 + 0.2,
            1e-300,
            f64::from_bits(f64::NAN.to_bits() | 1),
        ];
        // Scores in 0..1 and missing ones are shared as they are.
        let in_range = vec![
            0.5,
            -0.0,
            0.0,
            1.0,
            f64::NAN,
            0.1 + 0.2,
            1e-300,
            1.0 - 1e-16,
        ];
        node.children = vec![(0, 1.0)];
        node.rule.impute = false;
        for (child, shared) in [(child, false), (in_range, true)] {
            let values = vec![Arc::new(child.clone())];
            for (method, min) in [(Method::Mean, 0.5), (Method::Max, 1.0), (Method::Mean, 0.0)] {
                node.rule.method = method;
                node.rule.min_coverage = min;
                let out = one_child_as_is(&node, &values).unwrap();
                assert_eq!(Arc::ptr_eq(&out, &values[0]), shared);
                for (&v, o) in child.iter().zip(out.iter()) {
                    let want = aggregate::aggregate(&node.rule, &[(v, 1.0)]);
                    assert_eq!(o.to_bits(), want.value.to_bits(), "{method:?} {v}");
                    assert_eq!(if o.is_nan() { 0.0 } else { 1.0 }, want.coverage);
                }
            }
        }
        let values = vec![Arc::new(vec![0.5])];
        // Any other node goes the general way.
        node.rule.min_coverage = 1.5;
        assert!(one_child_as_is(&node, &values).is_none());
        node.rule.min_coverage = 0.5;
        node.rule.method = Method::Logistic;
        assert!(one_child_as_is(&node, &values).is_none());
        node.rule.method = Method::Mean;
        node.children = vec![(0, 0.5)];
        assert!(one_child_as_is(&node, &values).is_none());
        node.children = vec![(0, 1.0), (0, 1.0)];
        assert!(one_child_as_is(&node, &values).is_none());
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
