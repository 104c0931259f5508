//! Monte Carlo uncertainty of the overall scores and ranks of one year.
//!
//! A framework's `uncertainty:` block (docs/rule-format.md) declares
//! alternatives: weight ranges, other aggregation methods, normalisations
//! and missing-data policies. [`Model::build`] compiles them once against a
//! scored plan: every node that no alternative can reach is folded into a
//! constant, every measure's alternatives are evaluated once, and what is
//! left is a flat list of nodes to re-aggregate. A draw then picks one value
//! per *factor* (a weight, or the index of a method) and re-aggregates into
//! per-thread buffers allocated once.
//!
//! Draws are reproducible: the uniform number of factor `f` in draw `j` is a
//! pure function of (seed, matrix, j, f) (SplitMix64 finaliser), so the
//! result does not depend on how draws are spread over threads; results are
//! folded in draw order.
//!
//! Memory: per country a histogram of ranks (countries + 1 counters) and of
//! scores (10,001 bins of 0.0001), whatever the number of draws; draws are
//! evaluated in chunks whose buffers are reused.
//!
//! Sensitivity: first-order indices by Saltelli et al. (2010), total indices
//! by Jansen (1999), per group of factors, on the rank of each country, from
//! matrices A and B of `m` rows and the matrices A_B^i (A with the factors of
//! group i taken from B): `draws + m * (groups + 1)` model runs in all (the
//! first `m` rows of A are the first `m` interval draws).

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use serde_saphyr::Spanned;

use super::Scores;
use super::aggregate::{self, Rule};
use crate::data::Panel;
use crate::diagnostic::{Diagnostic, Diagnostics, Origin};
use crate::framework::compile::{Kind, Plan};
use crate::framework::model::{Distribution, Method, Missing, Normalise, WeightRange};
use crate::framework::validate::{Located, at, did_you_mean, label, measure_id, node_ids};

/// Score histogram bins per unit of score.
const BINS: usize = 10_000;
/// Model runs evaluated per chunk (bounds the memory of a chunk).
const CHUNK_RUNS: usize = 4096;

// ---------------------------------------------------------------------------
// Declarations merged over an `extends` chain.

/// One node's alternatives, merged over the chain (a higher layer overrides
/// each field it sets).
#[derive(Debug, Clone, Default)]
struct NodeAlt {
    share: Option<f64>,
    range: Option<WeightRange>,
    distribution: Option<Distribution>,
    aggregate: Vec<Method>,
    normalise: Vec<Normalise>,
    missing: Option<Vec<Missing>>,
}

/// The alternatives of a framework chain.
#[derive(Debug, Clone, Default)]
pub struct Alternatives {
    share: f64,
    distribution: Option<Distribution>,
    missing: Vec<Missing>,
    nodes: HashMap<String, NodeAlt>,
}

impl Alternatives {
    /// Merges the `uncertainty:` blocks of a chain, base first: a higher layer
    /// overrides the framework-wide settings it sets and, per node, each field
    /// it sets.
    pub fn of_chain(layers: &[Located<'_>]) -> Alternatives {
        let mut out = Alternatives::default();
        for l in layers {
            let Some(u) = &l.fw.uncertainty else { continue };
            if let Some(s) = &u.weight_share {
                out.share = s.value;
            }
            if u.distribution.is_some() {
                out.distribution = u.distribution;
            }
            if !u.missing.is_empty() {
                out.missing = u.missing.iter().map(|m| m.value.clone()).collect();
            }
            for n in &u.nodes {
                let e = out.nodes.entry(n.node.value.clone()).or_default();
                if let Some(s) = &n.weight_share {
                    e.share = Some(s.value);
                    e.range = None;
                }
                if let Some(r) = &n.weight {
                    e.range = Some(r.value);
                }
                if n.distribution.is_some() {
                    e.distribution = n.distribution;
                }
                if !n.aggregate.is_empty() {
                    e.aggregate = n.aggregate.iter().map(|m| m.value).collect();
                }
                if !n.normalise.is_empty() {
                    e.normalise = n.normalise.iter().map(|m| m.value.clone()).collect();
                }
                if !n.missing.is_empty() {
                    e.missing = Some(n.missing.iter().map(|m| m.value.clone()).collect());
                }
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Validation (F040-F045).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Overall,
    Scored,
    Theme,
    Measure,
}

fn err(code: &'static str, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, Origin::Framework, msg)
}

fn check_share(file: &str, s: &Spanned<f64>, out: &mut Diagnostics) {
    if !(s.value.is_finite() && (0.0..1.0).contains(&s.value)) {
        out.push(
            at(
                err("F041", format!("weight share {} is out of range", s.value)),
                file,
                s,
                1,
                "share of the weight",
            )
            .with_hint("give a share from 0 up to (not including) 1, such as 0.25 for +-25%"),
        );
    }
}

/// Checks the `uncertainty:` block of a framework against the nodes of the
/// frameworks it extends and its own.
pub fn validate(loc: &Located<'_>, base: &[Located<'_>]) -> Diagnostics {
    let mut out = Diagnostics::default();
    let Some(u) = &loc.fw.uncertainty else {
        return out;
    };
    let file = loc.file;
    let mut known: HashMap<String, Target> = HashMap::new();
    known.insert("overall".into(), Target::Overall);
    for l in base.iter().chain(std::iter::once(loc)) {
        for id in node_ids(l.fw) {
            known.insert(id.value.clone(), Target::Scored);
        }
        for t in &l.fw.themes {
            known.insert(t.id.value.clone(), Target::Theme);
        }
        for ind in &l.fw.indicators {
            for m in &ind.measures {
                known.insert(
                    format!("{}/{}", ind.id.value, measure_id(m).0),
                    Target::Measure,
                );
            }
        }
    }
    if let Some(s) = &u.weight_share {
        check_share(file, s, &mut out);
    }
    for m in &u.missing {
        check_missing(file, m, &mut out);
    }
    let mut seen: HashMap<&str, &Spanned<String>> = HashMap::new();
    for n in &u.nodes {
        let id = &n.node;
        if let Some(first) = seen.insert(&id.value, id) {
            out.push(
                label(
                    err(
                        "F044",
                        format!("`{}` is listed twice under `uncertainty.nodes`", id.value),
                    ),
                    file,
                    id,
                    "listed again here",
                )
                .with_hint(format!(
                    "merge it with the entry on line {}",
                    first.referenced.line()
                )),
            );
            continue;
        }
        let Some(&target) = known.get(&id.value) else {
            let mut d = label(
                err(
                    "F040",
                    format!("unknown node `{}` in `uncertainty.nodes`", id.value),
                ),
                file,
                id,
                "not a node of this framework",
            );
            d = match did_you_mean(&id.value, known.keys().map(String::as_str)) {
                Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                None => d.with_hint(
                    "name a crime, risk factor or indicator id, `overall`, or a measure as `indicator/measure`",
                ),
            };
            out.push(d);
            continue;
        };
        let misplaced = |what: &str, why: &str| {
            label(
                err(
                    "F042",
                    format!("`{}` cannot have {what} alternatives", id.value),
                ),
                file,
                id,
                why,
            )
        };
        if target == Target::Theme {
            out.push(misplaced("any", "a theme").with_hint(
                "themes do not feed the overall score; declare alternatives on its members",
            ));
            continue;
        }
        if target == Target::Overall && (n.weight.is_some() || n.weight_share.is_some()) {
            out.push(
                misplaced("weight", "the overall score has no parent")
                    .with_hint("remove `weight`/`weight_share` from this entry"),
            );
        }
        if target == Target::Measure && !n.aggregate.is_empty() {
            out.push(
                misplaced("aggregation", "a measure has no children")
                    .with_hint("declare `aggregate` alternatives on the indicator"),
            );
        }
        if target != Target::Measure && (!n.normalise.is_empty() || !n.missing.is_empty()) {
            out.push(
                misplaced("normalisation or missing-data", "not a measure")
                    .with_hint("declare them on a measure, written `indicator/measure`"),
            );
        }
        if let Some(s) = &n.weight_share {
            check_share(file, s, &mut out);
        }
        if let Some(r) = &n.weight {
            let w = r.value;
            if !(w.min.is_finite() && w.max.is_finite() && w.min > 0.0 && w.min <= w.max) {
                out.push(
                    at(
                        err(
                            "F041",
                            format!("weight range {}..{} is invalid", w.min, w.max),
                        ),
                        file,
                        r,
                        1,
                        "weight range",
                    )
                    .with_hint("give `min` above 0 and `max` at least `min`"),
                );
            }
        }
        for m in &n.aggregate {
            if m.value == Method::Logistic {
                out.push(
                    at(
                        err("F043", "`logistic` cannot be an alternative aggregation"),
                        file,
                        m,
                        8,
                        "alternative",
                    )
                    .with_hint("a logistic model needs calibrated weights and an intercept; use mean, geometric_mean, max or share_above"),
                );
            }
        }
        for m in &n.normalise {
            let bad = match &m.value {
                Normalise::Raw => Some("`raw` cannot be an alternative normalisation"),
                Normalise::Centre(_) => Some("`centre` cannot be an alternative normalisation"),
                Normalise::Goalposts(g)
                    if g.min.partial_cmp(&g.max) != Some(std::cmp::Ordering::Less) =>
                {
                    Some("alternative goalposts need `min` below `max`")
                }
                Normalise::Zscore(z) if z.clip.is_nan() || z.clip <= 0.0 => {
                    Some("alternative z-score needs `clip` above 0")
                }
                _ => None,
            };
            if let Some(msg) = bad {
                out.push(at(err("F043", msg), file, m, 1, "alternative").with_hint(
                    "use goalposts, steps, binary, percentile or zscore on the 0-1 scale",
                ));
            }
        }
        for m in &n.missing {
            check_missing(file, m, &mut out);
        }
    }
    out
}

fn check_missing(file: &str, m: &Spanned<Missing>, out: &mut Diagnostics) {
    if let Missing::Fill(v) = m.value
        && !v.is_finite()
    {
        out.push(
            at(
                err("F043", "an alternative `fill` value must be a number"),
                file,
                m,
                1,
                "alternative",
            )
            .with_hint("give a finite fill value"),
        );
    }
}

// ---------------------------------------------------------------------------
// The compiled model.

/// What a factor draws.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Draw {
    /// A weight in `lo..=hi`, peaking at `mode` when triangular.
    Weight {
        lo: f64,
        hi: f64,
        mode: f64,
        triangular: bool,
    },
    /// One of `n` choices, equally likely.
    Choice(usize),
}

impl Draw {
    #[inline]
    fn value(&self, u: f64) -> f64 {
        match *self {
            Draw::Weight {
                lo,
                hi,
                mode,
                triangular,
            } => {
                let span = hi - lo;
                if !triangular || span <= 0.0 {
                    return lo + u * span;
                }
                let fc = (mode - lo) / span;
                if u < fc {
                    lo + (u * span * (mode - lo)).sqrt()
                } else {
                    hi - ((1.0 - u) * span * (hi - mode)).sqrt()
                }
            }
            Draw::Choice(n) => ((u * n as f64) as usize).min(n - 1) as f64,
        }
    }
}

#[derive(Debug, Clone)]
struct Factor {
    draw: Draw,
    group: usize,
}

/// A group of factors whose share of the variance of ranks is estimated.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// Stable id, such as `weights:rf1`, `aggregation`, `normalisation`, `missing_data`.
    pub id: String,
    /// What the group varies, in words.
    pub label: String,
    /// Number of factors in it.
    pub factors: usize,
}

/// Where a slot's value comes from in a draw.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// A constant block of the table.
    Fixed(usize),
    /// A measure with variants: block `base + (norm * n_miss + miss) * nc`.
    Variants {
        base: usize,
        norm: Option<usize>,
        miss: Option<usize>,
        n_miss: usize,
    },
    /// Re-aggregated in every draw into this block.
    Eval(usize),
}

#[derive(Debug, Clone)]
struct EvalNode {
    out: usize,
    edges: std::ops::Range<usize>,
    rules: std::ops::Range<usize>,
    choice: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
struct Edge {
    child: usize,
    weight: f64,
    factor: Option<usize>,
}

/// A plan compiled for Monte Carlo draws over one year.
#[derive(Debug, Clone)]
pub struct Model {
    nc: usize,
    year: i32,
    /// Constant blocks of `nc` values, then room for evaluated nodes.
    table: Vec<f64>,
    sources: Vec<Source>,
    evals: Vec<EvalNode>,
    edges: Vec<Edge>,
    rules: Vec<Rule>,
    factors: Vec<Factor>,
    groups: Vec<Group>,
    overall: usize,
    /// Point scores of the overall node.
    point: Vec<f64>,
    /// Overall band thresholds (name, min), ascending.
    bands: Vec<(String, f64)>,
}

struct Builder<'a> {
    plan: &'a Plan,
    alts: &'a Alternatives,
    factors: Vec<Factor>,
    groups: Vec<Group>,
    /// Weight factor of each node already seen as a child.
    weights: HashMap<usize, Option<usize>>,
}

impl Builder<'_> {
    fn group(&mut self, id: String, label: String) -> usize {
        if let Some(g) = self.groups.iter().position(|g| g.id == id) {
            self.groups[g].factors += 1;
            return g;
        }
        self.groups.push(Group {
            id,
            label,
            factors: 1,
        });
        self.groups.len() - 1
    }

    fn factor(&mut self, draw: Draw, id: String, label: String) -> usize {
        let group = self.group(id, label);
        self.factors.push(Factor { draw, group });
        self.factors.len() - 1
    }

    fn choice(&mut self, n: usize, id: &str, label: &str) -> Option<usize> {
        (n > 1).then(|| self.factor(Draw::Choice(n), id.into(), label.into()))
    }

    /// The weight factor of node `n` (as a child), whose own weight is `w`.
    fn weight(&mut self, n: usize, w: f64, rf_of: &[Option<usize>]) -> Option<usize> {
        if let Some(&f) = self.weights.get(&n) {
            return f;
        }
        let f = self.new_weight(n, w, rf_of);
        self.weights.insert(n, f);
        f
    }

    fn new_weight(&mut self, n: usize, w: f64, rf_of: &[Option<usize>]) -> Option<usize> {
        let node = &self.plan.nodes[n];
        let alt = self.alts.nodes.get(&node.id);
        let dist = alt
            .and_then(|a| a.distribution)
            .or(self.alts.distribution)
            .unwrap_or(Distribution::Uniform);
        let (lo, hi) = match alt.and_then(|a| a.range) {
            Some(r) => (r.min, r.max),
            None => {
                let s = alt.and_then(|a| a.share).unwrap_or(self.alts.share);
                (w * (1.0 - s), w * (1.0 + s))
            }
        };
        if lo == w && hi == w {
            return None;
        }
        let draw = Draw::Weight {
            lo,
            hi,
            mode: w.clamp(lo, hi),
            triangular: dist == Distribution::Triangular,
        };
        let (id, label) = match rf_of[n] {
            Some(rf) => (
                format!("weights:{}", self.plan.nodes[rf].id),
                format!(
                    "weights of {} and of its indicators and measures",
                    self.plan.nodes[rf].id
                ),
            ),
            None => ("weights:other".into(), "weights of crimes".into()),
        };
        Some(self.factor(draw, id, label))
    }
}

impl Model {
    /// Compiles the alternatives of a scored plan for draws over year index `y`.
    pub fn build(
        plan: &Plan,
        panel: &Panel,
        scores: &Scores,
        alts: &Alternatives,
        y: usize,
    ) -> Model {
        let nc = panel.countries.len();
        let nn = plan.nodes.len();
        let overall = plan.overall();
        // Nodes the overall score depends on, and each one's risk factor.
        let mut needed = vec![false; nn];
        needed[overall] = true;
        let mut rf_of: Vec<Option<usize>> = vec![None; nn];
        for n in (0..nn).rev() {
            if !needed[n] {
                continue;
            }
            if plan.nodes[n].kind == Kind::RiskFactor {
                rf_of[n] = Some(n);
            }
            for &(c, _) in &plan.nodes[n].children {
                needed[c] = true;
                if rf_of[c].is_none() {
                    rf_of[c] = rf_of[n];
                }
            }
        }
        let mut b = Builder {
            plan,
            alts,
            factors: Vec::new(),
            groups: Vec::new(),
            weights: HashMap::new(),
        };
        let mut table: Vec<f64> = Vec::new();
        let mut sources = vec![Source::Fixed(0); nn];
        let mut varies = vec![false; nn];
        let mut evals = Vec::new();
        let mut edges = Vec::new();
        let mut rules = Vec::new();
        let point_block = |n: usize, table: &mut Vec<f64>| {
            let base = table.len();
            table.extend((0..nc).map(|c| scores.value(n, panel.cell(c, y))));
            base
        };
        let mut n_eval = 0;
        for (n, node) in plan.nodes.iter().enumerate() {
            if !needed[n] {
                continue;
            }
            let alt = alts.nodes.get(&node.id);
            if let Some(m) = &node.measure {
                let assessed = m.columns.iter().any(|&c| panel.is_assessed(c));
                let mut norms = vec![m.normalise.clone()];
                let mut misses = vec![m.missing.clone()];
                if let Some(a) = alt {
                    norms.extend(a.normalise.iter().cloned());
                }
                match alt.and_then(|a| a.missing.as_ref()) {
                    Some(ms) => misses.extend(ms.iter().cloned()),
                    None if !assessed && !matches!(m.missing, Missing::Fill(_)) => {
                        misses.extend(alts.missing.iter().cloned())
                    }
                    None => {}
                }
                if norms.len() == 1 && misses.len() == 1 {
                    sources[n] = Source::Fixed(point_block(n, &mut table));
                    continue;
                }
                let base = table.len();
                for norm in &norms {
                    for miss in &misses {
                        let mut mp = m.clone();
                        mp.normalise = norm.clone();
                        mp.missing = miss.clone();
                        let (_, _, v) = super::eval_measure(&mp, panel);
                        table.extend((0..nc).map(|c| v[panel.cell(c, y)]));
                    }
                }
                let global_miss = alt.and_then(|a| a.missing.as_ref()).is_none();
                let miss = if global_miss {
                    // One choice for every measure that takes the framework-wide list.
                    let i = b.groups.iter().position(|g| g.id == "missing_data:all");
                    match i.and_then(|g| b.factors.iter().position(|f| f.group == g)) {
                        Some(f) => Some(f),
                        None => b.choice(
                            misses.len(),
                            "missing_data:all",
                            "framework-wide missing-data policy",
                        ),
                    }
                } else {
                    b.choice(
                        misses.len(),
                        "missing_data",
                        "missing-data policies of measures",
                    )
                };
                sources[n] = Source::Variants {
                    base,
                    norm: b.choice(norms.len(), "normalisation", "normalisation of measures"),
                    miss,
                    n_miss: misses.len(),
                };
                varies[n] = true;
                continue;
            }
            let mut own_rules = vec![node.rule];
            if let Some(a) = alt {
                own_rules.extend(a.aggregate.iter().map(|&method| Rule {
                    method,
                    ..node.rule
                }));
            }
            let e0 = edges.len();
            // The weights of a logistic node are fitted coefficients, not
            // judgements, and are not drawn.
            let drawn = node.rule.method != Method::Logistic;
            for &(c, w) in &node.children {
                let factor = if needed[c] && drawn {
                    b.weight(c, w, &rf_of)
                } else {
                    None
                };
                edges.push(Edge {
                    child: c,
                    weight: w,
                    factor,
                });
            }
            let single = node.children.len() == 1 && node.rule.method != Method::Logistic;
            let node_varies = own_rules.len() > 1
                || edges[e0..]
                    .iter()
                    .any(|e| varies[e.child] || (e.factor.is_some() && !single));
            // A node that imputes a year mean keeps its point value: the
            // draws are made for one year's units only.
            if !node_varies || node.rule.impute {
                edges.truncate(e0);
                sources[n] = Source::Fixed(point_block(n, &mut table));
                continue;
            }
            let r0 = rules.len();
            rules.extend(own_rules);
            let choice = b.choice(rules.len() - r0, "aggregation", "aggregation methods");
            varies[n] = true;
            sources[n] = Source::Eval(n_eval);
            evals.push(EvalNode {
                out: n_eval,
                edges: e0..edges.len(),
                rules: r0..rules.len(),
                choice,
            });
            n_eval += 1;
        }
        // Evaluated blocks follow the constant table.
        let t = table.len();
        for s in &mut sources {
            if let Source::Eval(i) = s {
                *s = Source::Eval(t + *i * nc);
            }
        }
        for e in &mut evals {
            e.out = t + e.out * nc;
        }
        table.resize(t + n_eval * nc, f64::NAN);
        let point = (0..nc)
            .map(|c| scores.value(overall, panel.cell(c, y)))
            .collect();
        Model {
            nc,
            year: panel.year(y),
            table,
            sources,
            evals,
            edges,
            rules,
            factors: b.factors,
            groups: b.groups,
            overall,
            point,
            bands: plan.band_sets[plan.nodes[overall].bands].clone(),
        }
    }

    /// Number of factors drawn.
    pub fn factors(&self) -> usize {
        self.factors.len()
    }

    /// The groups of factors, in framework order.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// Number of nodes re-aggregated in every draw.
    pub fn evaluated_nodes(&self) -> usize {
        self.evals.len()
    }
}

// ---------------------------------------------------------------------------
// Draws.

#[inline]
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The uniform number in [0, 1) of factor `f` in row `j` of matrix `matrix`.
#[inline]
fn uniform(seed: u64, matrix: u64, j: u64, f: u64) -> f64 {
    let row = splitmix(splitmix(seed) ^ splitmix(j.wrapping_mul(2).wrapping_add(matrix)));
    (splitmix(row ^ f.wrapping_mul(0xD6E8_FEB8_6659_FD93)) >> 11) as f64
        * (1.0 / (1u64 << 53) as f64)
}

/// [`aggregate::aggregate`] of a weighted mean, in one pass: the same sums
/// in the same order, so the same value to the bit (a unit test checks), at
/// a fraction of the cost in the inner loop of a draw.
#[inline]
fn mean(rule: &Rule, kids: impl Iterator<Item = (f64, f64)>) -> f64 {
    let (mut total, mut have, mut wsum, mut sum) = (-0.0, -0.0, -0.0, -0.0);
    for (v, w) in kids {
        total += w.abs();
        if !v.is_nan() {
            have += w.abs();
            wsum += w;
            sum += v * w;
        }
    }
    let coverage = if total > 0.0 { have / total } else { 0.0 };
    if have <= 0.0 || coverage + 1e-12 < rule.min_coverage {
        return f64::NAN;
    }
    let value = sum / wsum;
    if value.is_nan() {
        value
    } else {
        value.clamp(0.0, 1.0)
    }
}

/// Per-thread buffers, allocated once.
struct Buf {
    vals: Vec<f64>,
    u_a: Vec<f64>,
    u_b: Vec<f64>,
    u: Vec<f64>,
    x: Vec<f64>,
    w: Vec<f64>,
    off: Vec<usize>,
    kids: Vec<(f64, f64)>,
    order: Vec<u32>,
}

impl Model {
    fn buf(&self) -> Buf {
        let nf = self.factors.len();
        Buf {
            vals: self.table.clone(),
            u_a: vec![0.0; nf],
            u_b: vec![0.0; nf],
            u: vec![0.0; nf],
            x: vec![0.0; nf],
            w: vec![0.0; self.edges.len()],
            off: vec![0; self.sources.len()],
            kids: Vec::with_capacity(64),
            order: Vec::with_capacity(self.nc),
        }
    }

    /// One model run on the factor values in `b.u`: overall scores into
    /// `scores`, ranks (0 = no score) into `ranks`.
    fn run(&self, b: &mut Buf, scores: &mut [f64], ranks: &mut [u16]) {
        let nc = self.nc;
        for (x, (f, u)) in b.x.iter_mut().zip(self.factors.iter().zip(&b.u)) {
            *x = f.draw.value(*u);
        }
        for (w, e) in b.w.iter_mut().zip(&self.edges) {
            *w = e.factor.map_or(e.weight, |f| b.x[f]);
        }
        let pick = |f: Option<usize>, x: &[f64]| f.map_or(0, |f| x[f] as usize);
        for (off, s) in b.off.iter_mut().zip(&self.sources) {
            *off = match *s {
                Source::Fixed(o) | Source::Eval(o) => o,
                Source::Variants {
                    base,
                    norm,
                    miss,
                    n_miss,
                } => base + (pick(norm, &b.x) * n_miss + pick(miss, &b.x)) * nc,
            };
        }
        for e in &self.evals {
            let rule = &self.rules[e.rules.start + pick(e.choice, &b.x)];
            let edges = &self.edges[e.edges.clone()];
            let ws = &b.w[e.edges.clone()];
            if rule.method == Method::Mean {
                for c in 0..nc {
                    let (vals, off) = (&b.vals, &b.off);
                    let kids = edges
                        .iter()
                        .zip(ws)
                        .map(|(ed, w)| (vals[off[ed.child] + c], *w));
                    b.vals[e.out + c] = mean(rule, kids);
                }
                continue;
            }
            for c in 0..nc {
                b.kids.clear();
                for (ed, w) in edges.iter().zip(ws) {
                    b.kids.push((b.vals[b.off[ed.child] + c], *w));
                }
                b.vals[e.out + c] = aggregate::aggregate(rule, &b.kids).value;
            }
        }
        let o = b.off[self.overall];
        scores.copy_from_slice(&b.vals[o..o + nc]);
        b.order.clear();
        b.order
            .extend((0..nc as u32).filter(|&c| !scores[c as usize].is_nan()));
        b.order.sort_unstable_by(|&a, &z| {
            scores[z as usize]
                .total_cmp(&scores[a as usize])
                .then(a.cmp(&z))
        });
        ranks.fill(0);
        for (i, &c) in b.order.iter().enumerate() {
            ranks[c as usize] = (i + 1) as u16;
        }
    }

    /// Evaluates unit `j`: the interval draw (row j of A) and, when `j < m`,
    /// rows j of B and of every A_B^i. Writes `runs_per_unit` results.
    fn unit(
        &self,
        b: &mut Buf,
        seed: u64,
        j: usize,
        with_sens: bool,
        s: &mut [f64],
        r: &mut [u16],
    ) {
        let nc = self.nc;
        let nf = self.factors.len();
        for f in 0..nf {
            b.u_a[f] = uniform(seed, 0, j as u64, f as u64);
        }
        b.u.copy_from_slice(&b.u_a);
        self.run(b, &mut s[..nc], &mut r[..nc]);
        if !with_sens {
            return;
        }
        for f in 0..nf {
            b.u_b[f] = uniform(seed, 1, j as u64, f as u64);
        }
        b.u.copy_from_slice(&b.u_b);
        self.run(b, &mut s[nc..2 * nc], &mut r[nc..2 * nc]);
        for g in 0..self.groups.len() {
            for f in 0..nf {
                b.u[f] = if self.factors[f].group == g {
                    b.u_b[f]
                } else {
                    b.u_a[f]
                };
            }
            let k = (2 + g) * nc;
            self.run(b, &mut s[k..k + nc], &mut r[k..k + nc]);
        }
    }

    /// Runs `draws` Monte Carlo draws from `seed`, with sensitivity indices
    /// from the first `sens` of them (0: none). `progress` is called after each
    /// chunk with the number of model runs done so far.
    pub fn simulate(
        &self,
        draws: usize,
        sens: usize,
        seed: u64,
        progress: &dyn Fn(u64),
    ) -> Simulation {
        let nc = self.nc;
        let ng = self.groups.len();
        let sens = if ng == 0 { 0 } else { sens.min(draws) };
        let mut acc = Acc::new(nc, self.bands.len(), ng);
        let rpu_sens = ng + 2;
        let mut j = 0;
        let mut done: u64 = 0;
        while j < draws {
            // Units of one kind per chunk: those with sensitivity runs first.
            let with_sens = j < sens;
            let rpu = if with_sens { rpu_sens } else { 1 };
            let end = if with_sens { sens } else { draws };
            let units = (CHUNK_RUNS / rpu).max(1).min(end - j);
            let mut s = vec![0.0f64; units * rpu * nc];
            let mut r = vec![0u16; units * rpu * nc];
            s.par_chunks_mut(rpu * nc)
                .zip(r.par_chunks_mut(rpu * nc))
                .enumerate()
                .with_min_len(16)
                .for_each_init(
                    || self.buf(),
                    |b, (i, (s, r))| self.unit(b, seed, j + i, with_sens, s, r),
                );
            for i in 0..units {
                let base = i * rpu * nc;
                acc.add_draw(self, &s[base..base + nc], &r[base..base + nc]);
                if with_sens {
                    acc.add_sens(&r[base..base + rpu * nc], nc, ng);
                }
            }
            done += (units * rpu) as u64;
            progress(done);
            j += units;
        }
        acc.finish(self, draws, sens, seed)
    }

    /// For each country, the share of `draws` draws in which its overall
    /// score this year is above the mean of its scores in the `earlier`
    /// models' years, each draw applying the same choices to every year
    /// (paired draws from `seed`, as [`Model::simulate`] draws them). NaN
    /// for a country without a score in some year of every draw. `None`
    /// when the models do not draw the same factors.
    pub fn rise_shares(&self, earlier: &[Model], draws: usize, seed: u64) -> Option<Vec<f64>> {
        let same = |m: &Model| {
            m.nc == self.nc
                && m.factors.len() == self.factors.len()
                && m.factors
                    .iter()
                    .zip(&self.factors)
                    .all(|(a, b)| a.group == b.group && a.draw == b.draw)
        };
        if earlier.is_empty() || !earlier.iter().all(same) {
            return None;
        }
        let nc = self.nc;
        let mut bufs: Vec<Buf> = std::iter::once(self.buf())
            .chain(earlier.iter().map(Model::buf))
            .collect();
        let mut scores = vec![0.0f64; (earlier.len() + 1) * nc];
        let mut ranks = vec![0u16; nc];
        let mut u = vec![0.0; self.factors.len()];
        let (mut rose, mut counted) = (vec![0u64; nc], vec![0u64; nc]);
        for j in 0..draws {
            for (f, u) in u.iter_mut().enumerate() {
                *u = uniform(seed, 0, j as u64, f as u64);
            }
            for (k, (m, b)) in std::iter::once(self)
                .chain(earlier)
                .zip(bufs.iter_mut())
                .enumerate()
            {
                b.u.copy_from_slice(&u);
                m.run(b, &mut scores[k * nc..(k + 1) * nc], &mut ranks);
            }
            for c in 0..nc {
                let now = scores[c];
                let before: f64 = (1..=earlier.len()).map(|k| scores[k * nc + c]).sum::<f64>()
                    / earlier.len() as f64;
                if now.is_nan() || before.is_nan() {
                    continue;
                }
                counted[c] += 1;
                rose[c] += u64::from(now > before);
            }
        }
        Some(
            rose.iter()
                .zip(&counted)
                .map(|(&r, &n)| {
                    if n == 0 {
                        f64::NAN
                    } else {
                        r as f64 / n as f64
                    }
                })
                .collect(),
        )
    }

    /// Model runs needed for `draws` draws with `sens` sensitivity rows.
    pub fn model_runs(&self, draws: usize, sens: usize) -> u64 {
        let ng = self.groups.len();
        let sens = if ng == 0 { 0 } else { sens.min(draws) };
        (draws + sens * (ng + 1)) as u64
    }
}

/// Running sums, folded in draw order.
struct Acc {
    rank_hist: Vec<u32>,
    score_hist: Vec<u32>,
    min: Vec<f64>,
    max: Vec<f64>,
    band: Vec<u32>,
    no_score: Vec<u32>,
    // Sensitivity, per country: n, sum, sum of squares of ranks in A and B.
    v: Vec<[f64; 3]>,
    // Per country and group: n, Saltelli sum, Jansen sum.
    s: Vec<[f64; 3]>,
    nb: usize,
}

impl Acc {
    fn new(nc: usize, nb: usize, ng: usize) -> Acc {
        Acc {
            rank_hist: vec![0; nc * (nc + 1)],
            score_hist: vec![0; nc * (BINS + 1)],
            min: vec![f64::INFINITY; nc],
            max: vec![f64::NEG_INFINITY; nc],
            band: vec![0; nc * nb],
            no_score: vec![0; nc],
            v: vec![[0.0; 3]; nc],
            s: vec![[0.0; 3]; nc * ng],
            nb,
        }
    }

    fn add_draw(&mut self, m: &Model, scores: &[f64], ranks: &[u16]) {
        let nc = m.nc;
        for c in 0..nc {
            let v = scores[c];
            if v.is_nan() {
                self.no_score[c] += 1;
                continue;
            }
            self.rank_hist[c * (nc + 1) + ranks[c] as usize] += 1;
            let bin = (v.clamp(0.0, 1.0) * BINS as f64).round() as usize;
            self.score_hist[c * (BINS + 1) + bin] += 1;
            self.min[c] = self.min[c].min(v);
            self.max[c] = self.max[c].max(v);
            if let Some(b) = m.bands.iter().rposition(|(_, min)| v >= *min) {
                self.band[c * self.nb + b] += 1;
            }
        }
    }

    fn add_sens(&mut self, r: &[u16], nc: usize, ng: usize) {
        for c in 0..nc {
            let (fa, fb) = (r[c], r[nc + c]);
            if fa == 0 || fb == 0 {
                continue;
            }
            let (fa, fb) = (f64::from(fa), f64::from(fb));
            let v = &mut self.v[c];
            v[0] += 2.0;
            v[1] += fa + fb;
            v[2] += fa * fa + fb * fb;
            for g in 0..ng {
                let fab = r[(2 + g) * nc + c];
                if fab == 0 {
                    continue;
                }
                let fab = f64::from(fab);
                let s = &mut self.s[c * ng + g];
                s[0] += 1.0;
                s[1] += fb * (fab - fa);
                s[2] += (fa - fab) * (fa - fab);
            }
        }
    }

    fn finish(self, m: &Model, draws: usize, sens: usize, seed: u64) -> Simulation {
        let nc = m.nc;
        let ng = m.groups.len();
        let countries = (0..nc)
            .map(|c| {
                let scored = draws as u64 - u64::from(self.no_score[c]);
                let hist = &self.rank_hist[c * (nc + 1)..(c + 1) * (nc + 1)];
                let shist = &self.score_hist[c * (BINS + 1)..(c + 1) * (BINS + 1)];
                let q = |h: &[u32], p: f64| quantile(h, scored, p);
                let score_at = |p: f64| {
                    q(shist, p).map(|b| (b as f64 / BINS as f64).clamp(self.min[c], self.max[c]))
                };
                CountryInterval {
                    point: m.point[c],
                    scored,
                    score: [score_at(0.05), score_at(0.5), score_at(0.95)],
                    rank: [q(hist, 0.05), q(hist, 0.5), q(hist, 0.95)],
                    bands: self.band[c * self.nb..(c + 1) * self.nb].to_vec(),
                }
            })
            .collect();
        let mut sensitivity = Vec::new();
        if sens > 0 {
            let mut total_v = 0.0;
            let mut first = vec![0.0; ng];
            let mut total = vec![0.0; ng];
            for c in 0..nc {
                let [n, s, s2] = self.v[c];
                if n < 2.0 {
                    continue;
                }
                let var = (s2 - s * s / n) / (n - 1.0);
                total_v += var;
                for g in 0..ng {
                    let [k, a, t] = self.s[c * ng + g];
                    if k > 0.0 {
                        first[g] += a / k;
                        total[g] += t / (2.0 * k);
                    }
                }
            }
            for g in 0..ng {
                let share = |x: f64| if total_v > 0.0 { x / total_v } else { 0.0 };
                sensitivity.push(Sensitivity {
                    group: m.groups[g].clone(),
                    first_order: share(first[g]),
                    total: share(total[g]),
                });
            }
        }
        Simulation {
            info: RunInfo {
                year: m.year,
                draws,
                seed,
                sensitivity_draws: sens,
                model_runs: m.model_runs(draws, sens),
                factors: m.factors.len(),
            },
            bands: m.bands.iter().map(|(n, _)| n.clone()).collect(),
            countries,
            sensitivity,
        }
    }
}

/// The nearest-rank `p` quantile of a histogram holding `n` values: the
/// smallest bin whose cumulative count reaches `ceil(p * n)`.
fn quantile(hist: &[u32], n: u64, p: f64) -> Option<usize> {
    if n == 0 {
        return None;
    }
    let k = ((p * n as f64).ceil() as u64).max(1);
    let mut cum = 0u64;
    for (i, &h) in hist.iter().enumerate() {
        cum += u64::from(h);
        if cum >= k {
            return Some(i);
        }
    }
    None
}

/// One country's results over the draws.
#[derive(Debug, Clone)]
pub struct CountryInterval {
    /// The point score (the framework's own choices).
    pub point: f64,
    /// Draws in which the country had an overall score.
    pub scored: u64,
    /// 5th percentile, median and 95th percentile of the score.
    pub score: [Option<f64>; 3],
    /// 5th percentile, median and 95th percentile of the rank (1 = highest risk).
    pub rank: [Option<usize>; 3],
    /// Draws per overall band, lowest band first.
    pub bands: Vec<u32>,
}

/// A group's share of the variance of ranks.
#[derive(Debug, Clone)]
pub struct Sensitivity {
    /// The group.
    pub group: Group,
    /// First-order index (Saltelli 2010), pooled over countries.
    pub first_order: f64,
    /// Total index (Jansen 1999), pooled over countries.
    pub total: f64,
}

/// What was run: year, draws, seed and the size of the model.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// Year.
    pub year: i32,
    /// Interval draws.
    pub draws: usize,
    /// Seed.
    pub seed: u64,
    /// Rows of the sensitivity matrices (0: no indices).
    pub sensitivity_draws: usize,
    /// Model runs in all.
    pub model_runs: u64,
    /// Factors drawn per run.
    pub factors: usize,
}

/// The result of a Monte Carlo run.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// What was run.
    pub info: RunInfo,
    /// Overall band names, lowest first.
    pub bands: Vec<String>,
    /// Per country, in panel order.
    pub countries: Vec<CountryInterval>,
    /// Per group of factors.
    pub sensitivity: Vec<Sensitivity>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniforms_depend_on_every_input_and_stay_in_range() {
        let a = uniform(1, 0, 0, 0);
        for (s, m, j, f) in [(2, 0, 0, 0), (1, 1, 0, 0), (1, 0, 1, 0), (1, 0, 0, 1)] {
            assert_ne!(a, uniform(s, m, j, f));
        }
        let mean = (0..10_000).map(|j| uniform(7, 0, j, 3)).sum::<f64>() / 10_000.0;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
        assert!((0..1000).all(|j| (0.0..1.0).contains(&uniform(9, 1, j, 0))));
    }

    #[test]
    fn triangular_weights_stay_in_range_and_peak_at_the_mode() {
        let d = Draw::Weight {
            lo: 0.5,
            hi: 1.5,
            mode: 1.0,
            triangular: true,
        };
        assert_eq!(d.value(0.0), 0.5);
        assert!((d.value(0.5) - 1.0).abs() < 1e-12);
        assert!((d.value(1.0) - 1.5).abs() < 1e-12);
        // a quarter of the mass lies below 0.5 + sqrt(0.25 * 0.5)
        assert!((d.value(0.25) - (0.5 + (0.125f64).sqrt())).abs() < 1e-12);
        assert_eq!(Draw::Choice(3).value(0.999_999), 2.0);
        assert_eq!(Draw::Choice(3).value(0.0), 0.0);
    }

    // synthetic: rf1 reads a, rf2 reads b; countries disagree on a and b
    const FW: &str = "format: 1\nid: t\ntitle: t\nversion: '1'\ncrimes: [{id: g, title: G}]\nrisk_factors:\n  - {id: rf1, title: R1, crimes: [g], kind: dynamic}\n  - {id: rf2, title: R2, crimes: [g], kind: dynamic}\nindicators:\n  - {id: rf1.a, risk_factor: rf1, text: a, measures: [{column: a, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 1}}}]}\n  - {id: rf2.b, risk_factor: rf2, text: b, measures: [{column: b, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 1}}}]}\nuncertainty:\n  nodes:\n    - {node: rf1, weight: {min: 0.1, max: 10}}\n    - {node: overall, aggregate: [mean]}\n";
    const CSV: &str = "iso3,year,a,b\nAAA,2000,0.9,0.1\nBBB,2000,0.1,0.9\nCCC,2000,0.5,0.5\nDDD,2000,0.7,0.2\nEEE,2000,0.3,0.6\n";

    fn model() -> (Model, Vec<f64>) {
        let (plan, panel, scores) = crate::assess_csv(FW, CSV);
        let fw = crate::framework::load::parse("t.yaml", FW).unwrap();
        let alts = Alternatives::of_chain(&[Located {
            file: "t.yaml",
            fw: &fw,
        }]);
        let point = (0..5)
            .map(|c| scores.value(plan.overall(), panel.cell(c, 0)))
            .collect();
        (Model::build(&plan, &panel, &scores, &alts, 0), point)
    }

    #[test]
    fn sensitivity_goes_to_the_choice_that_moves_ranks() {
        let (m, _) = model();
        let ids: Vec<&str> = m.groups().iter().map(|g| g.id.as_str()).collect();
        assert_eq!(ids, ["weights:rf1", "aggregation"]);
        let sim = m.simulate(400, 400, 3, &|_| {});
        assert_eq!(sim.info.model_runs, 400 + 400 * 3);
        let by = |id: &str| sim.sensitivity.iter().find(|s| s.group.id == id).unwrap();
        // the mean or the maximum of a single crime is the same score
        assert_eq!(by("aggregation").first_order, 0.0);
        assert_eq!(by("aggregation").total, 0.0);
        let w = by("weights:rf1");
        assert!(w.first_order > 0.8 && w.total > 0.8, "{w:?}");
        // AAA (high a) and BBB (high b) trade places as rf1's weight moves
        let aaa = &sim.countries[0];
        assert!(aaa.rank[0] < aaa.rank[2], "{aaa:?}");
    }

    #[test]
    fn draws_with_fixed_factors_reproduce_the_point_scores() {
        let (m, point) = model();
        let mut b = m.buf();
        let mut s = vec![0.0; 5];
        let mut r = vec![0u16; 5];
        // u = 0 picks the framework's own method (the first of two); rf1's
        // weight is set to its own value of 1: the draw is the point score
        b.u.fill(0.0);
        let f = m
            .factors
            .iter()
            .position(|f| matches!(f.draw, Draw::Weight { .. }))
            .unwrap();
        b.u[f] = (1.0 - 0.1) / (10.0 - 0.1);
        m.run(&mut b, &mut s, &mut r);
        for (x, p) in s.iter().zip(&point) {
            assert!((x - p).abs() < 1e-12, "{s:?} {point:?}");
        }
        // ranks: score descending, ties by country order (AAA, BBB, CCC tie at 0.5)
        let mut order: Vec<usize> = (0..5).collect();
        order.sort_by(|&a, &b| point[b].total_cmp(&point[a]).then(a.cmp(&b)));
        for (i, &c) in order.iter().enumerate() {
            assert_eq!(usize::from(r[c]), i + 1);
        }
        assert_eq!(r[..3], [1, 2, 3]);
    }

    #[test]
    fn rise_shares_pair_the_choices_of_both_years() {
        // synthetic: AAA rises on both columns; BBB trades a fall in `a` for
        // a rise in `b`, which wins only when rf1 weighs less than rf2
        // (w < 1, with w uniform in 0.1..10: 0.9 / 9.9 of the draws); CCC
        // does not change.
        let csv = "iso3,year,a,b\nAAA,2000,0.9,0.1\nAAA,2001,0.95,0.2\n\
                   BBB,2000,0.1,0.9\nBBB,2001,0.0,1.0\nCCC,2000,0.5,0.5\nCCC,2001,0.5,0.5\n";
        let (plan, panel, scores) = crate::assess_csv(FW, csv);
        let fw = crate::framework::load::parse("t.yaml", FW).unwrap();
        let alts = Alternatives::of_chain(&[Located {
            file: "t.yaml",
            fw: &fw,
        }]);
        let m = |y| Model::build(&plan, &panel, &scores, &alts, y);
        let shares = m(1).rise_shares(&[m(0)], 4000, 5).unwrap();
        assert_eq!(shares[0], 1.0);
        assert!((shares[1] - 0.9 / 9.9).abs() < 0.02, "{shares:?}");
        assert_eq!(shares[2], 0.0);
        // against itself nothing rises
        assert!(
            m(1).rise_shares(&[m(1)], 10, 5)
                .unwrap()
                .iter()
                .all(|&s| s == 0.0)
        );
        assert!(m(1).rise_shares(&[], 10, 5).is_none());
    }

    #[test]
    fn one_pass_mean_is_the_aggregate_to_the_bit() {
        let pick = |k: u64, choices: &[f64]| {
            choices[(uniform(5, 0, k, 0) * choices.len() as f64) as usize]
        };
        let values = [f64::NAN, 0.0, -0.0, 1.0, 0.3, 0.7, 1e-300, 0.999_999];
        let weights = [0.0, 1.0, 0.5, 2.5, 1e-9, 3.0];
        for case in 0..20_000u64 {
            let n = 1 + (uniform(6, 0, case, 0) * 5.0) as usize;
            let kids: Vec<(f64, f64)> = (0..n as u64)
                .map(|i| {
                    let v = if uniform(7, 0, case, i) < 0.5 {
                        pick(case * 31 + i, &values)
                    } else {
                        uniform(8, 0, case, i)
                    };
                    (v, pick(case * 17 + i + 1_000_000, &weights))
                })
                .collect();
            let rule = Rule {
                method: Method::Mean,
                threshold: 0.5,
                intercept: 0.0,
                min_coverage: pick(case + 7, &[0.0, 0.5, 1.0]),
                impute: false,
            };
            let (a, b) = (
                aggregate::aggregate(&rule, &kids).value,
                mean(&rule, kids.iter().copied()),
            );
            assert!(
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                "{kids:?}: {a} vs {b}"
            );
        }
    }

    #[test]
    fn nearest_rank_quantiles() {
        // values 1, 2, 2, 3 (bins 1..3)
        let h = [0, 1, 2, 1];
        assert_eq!(quantile(&h, 4, 0.05), Some(1));
        assert_eq!(quantile(&h, 4, 0.5), Some(2));
        assert_eq!(quantile(&h, 4, 0.95), Some(3));
        assert_eq!(quantile(&h, 0, 0.5), None);
    }
}
