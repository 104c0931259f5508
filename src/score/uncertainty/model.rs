//! The compiled Monte Carlo model and its draws.

use super::*;

// ---------------------------------------------------------------------------
// The compiled model.

/// What a factor draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Draw {
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
pub(super) struct Factor {
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
pub(super) enum Source {
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
pub(super) struct EvalNode {
    out: usize,
    edges: std::ops::Range<usize>,
    rules: std::ops::Range<usize>,
    choice: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Edge {
    child: usize,
    weight: f64,
    factor: Option<usize>,
}

/// A plan compiled for Monte Carlo draws over one year.
#[derive(Debug, Clone)]
pub struct Model {
    pub(super) nc: usize,
    pub(super) year: i32,
    /// Constant blocks of `nc` values, then room for evaluated nodes.
    pub(super) table: Vec<f64>,
    pub(super) sources: Vec<Source>,
    pub(super) evals: Vec<EvalNode>,
    pub(super) edges: Vec<Edge>,
    pub(super) rules: Vec<Rule>,
    pub(super) factors: Vec<Factor>,
    pub(super) groups: Vec<Group>,
    pub(super) overall: usize,
    /// Point scores of the overall node.
    pub(super) point: Vec<f64>,
    /// Overall band thresholds (name, min), ascending.
    pub(super) bands: Vec<(String, f64)>,
    /// Where the evaluated blocks start in `table`.
    pub(super) eval_base: usize,
    /// Per group of factors, which evaluated nodes depend on it (directly
    /// or through their children): the others keep their values of matrix
    /// A in the runs of A_B^i.
    pub(super) depends: Vec<Vec<bool>>,
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
                        let (_, _, v) = crate::score::eval_measure(&mp, panel);
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
        let in_group = |f: Option<usize>, g: usize| f.is_some_and(|f| b.factors[f].group == g);
        let depends = (0..b.groups.len())
            .map(|g| {
                let mut dep = vec![false; evals.len()];
                for (i, e) in evals.iter().enumerate() {
                    dep[i] = in_group(e.choice, g)
                        || edges[e.edges.clone()].iter().any(|ed| {
                            in_group(ed.factor, g)
                                || match sources[ed.child] {
                                    Source::Variants { norm, miss, .. } => {
                                        in_group(norm, g) || in_group(miss, g)
                                    }
                                    Source::Eval(o) => nc == 0 || dep[(o - t) / nc],
                                    Source::Fixed(_) => false,
                                }
                        });
                }
                dep
            })
            .collect();
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
            eval_base: t,
            depends,
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
/// The weighted mean of a node's children for every country at once, as
/// `aggregate` computes it for one: children are taken in order, each
/// adding to every country's sums (so each country's sums add up in the
/// order `aggregate` adds them, and the values are the same to the bit),
/// reading each child's values in one pass instead of one value a child a
/// country.
fn mean_all<'a>(
    rule: &Rule,
    kids: impl Iterator<Item = (&'a [f64], f64)> + Clone,
    acc: &mut MeanSums,
    out: &mut [f64],
) {
    let total = kids.clone().fold(-0.0, |t, (_, w)| t + w.abs());
    acc.have.fill(-0.0);
    acc.wsum.fill(-0.0);
    acc.sum.fill(-0.0);
    for (vals, w) in kids {
        let aw = w.abs();
        // A missing value adds -0.0, which leaves every sum as it is (also
        // a sum of -0.0), as skipping it would: no branch in the loop.
        let sums = acc.have.iter_mut().zip(&mut acc.wsum).zip(&mut acc.sum);
        for (((have, wsum), sum), &v) in sums.zip(vals) {
            let missing = v.is_nan();
            *have += if missing { -0.0 } else { aw };
            *wsum += if missing { -0.0 } else { w };
            *sum += if missing { -0.0 } else { v * w };
        }
    }
    for (c, o) in out.iter_mut().enumerate() {
        let (have, wsum, sum) = (acc.have[c], acc.wsum[c], acc.sum[c]);
        let coverage = if total > 0.0 { have / total } else { 0.0 };
        *o = if have <= 0.0 || coverage + 1e-12 < rule.min_coverage {
            f64::NAN
        } else {
            let value = sum / wsum;
            if value.is_nan() {
                value
            } else {
                value.clamp(0.0, 1.0)
            }
        };
    }
}

/// Per-country sums of [`mean_all`].
struct MeanSums {
    have: Vec<f64>,
    wsum: Vec<f64>,
    sum: Vec<f64>,
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
    /// The evaluated blocks of the last run of matrix A.
    saved: Vec<f64>,
    means: MeanSums,
    /// One node's values for every country.
    out: Vec<f64>,
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
            saved: vec![0.0; self.table.len() - self.eval_base],
            means: MeanSums {
                have: vec![0.0; self.nc],
                wsum: vec![0.0; self.nc],
                sum: vec![0.0; self.nc],
            },
            out: vec![0.0; self.nc],
        }
    }

    /// One model run on the factor values in `b.u`: overall scores into
    /// `scores`, ranks (0 = no score) into `ranks`. With `only`, just the
    /// evaluated nodes it marks are re-aggregated; the others keep the
    /// values in `b.vals`.
    fn run(&self, b: &mut Buf, scores: &mut [f64], ranks: &mut [u16], only: Option<&[bool]>) {
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
        for (i, e) in self.evals.iter().enumerate() {
            if only.is_some_and(|o| !o[i]) {
                continue;
            }
            let rule = &self.rules[e.rules.start + pick(e.choice, &b.x)];
            let edges = &self.edges[e.edges.clone()];
            let ws = &b.w[e.edges.clone()];
            if rule.method == Method::Mean {
                let (vals, off) = (&b.vals, &b.off);
                let kids = edges
                    .iter()
                    .zip(ws)
                    .map(|(ed, w)| (&vals[off[ed.child]..off[ed.child] + nc], *w));
                mean_all(rule, kids, &mut b.means, &mut b.out);
                b.vals[e.out..e.out + nc].copy_from_slice(&b.out);
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
        self.run(b, &mut s[..nc], &mut r[..nc], None);
        if !with_sens {
            return;
        }
        for f in 0..nf {
            b.u_b[f] = uniform(seed, 1, j as u64, f as u64);
        }
        // A_B^i differs from A in group i's factors only: the nodes that do
        // not depend on them keep A's values (the same inputs give the same
        // values), and those that do are put back to A's after each run.
        let base = self.eval_base;
        b.saved.copy_from_slice(&b.vals[base..]);
        for g in 0..self.groups.len() {
            for f in 0..nf {
                b.u[f] = if self.factors[f].group == g {
                    b.u_b[f]
                } else {
                    b.u_a[f]
                };
            }
            let k = (2 + g) * nc;
            let dep = &self.depends[g];
            self.run(b, &mut s[k..k + nc], &mut r[k..k + nc], Some(dep));
            for (i, e) in self.evals.iter().enumerate() {
                if dep[i] {
                    let o = e.out - base;
                    b.vals[e.out..e.out + nc].copy_from_slice(&b.saved[o..o + nc]);
                }
            }
        }
        b.u.copy_from_slice(&b.u_b);
        self.run(b, &mut s[nc..2 * nc], &mut r[nc..2 * nc], None);
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
                m.run(b, &mut scores[k * nc..(k + 1) * nc], &mut ranks, None);
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

#[cfg(test)]
mod tests;
