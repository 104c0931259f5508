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

use super::Scores;
use super::aggregate;
use crate::compile::Rule;
use crate::compile::{Kind, Plan};
use crate::data::Panel;
use crate::framework::model::{Distribution, Method, Missing};
use crate::framework::uncertainty::Alternatives;

/// Score histogram bins per unit of score.
const BINS: usize = 10_000;
/// Model runs evaluated per chunk (bounds the memory of a chunk).
const CHUNK_RUNS: usize = 4096;

mod model;

pub use model::{Group, Model};

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
