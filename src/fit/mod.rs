//! Penalised logistic regression: the elastic net of glmnet's binomial
//! family, fitted by coordinate descent inside an iteratively reweighted
//! least-squares (IRLS) loop.
//!
//! The objective, over `n` rows with outcome `y` in {0, 1}, is
//!
//! ```text
//! -(1/n) Σ [y log p + (1 - y) log(1 - p)] + λ [α Σ|b̃_j| + (1 - α)/2 Σ b̃_j²]
//! ```
//!
//! with `p = 1 / (1 + exp(-(b0 + Σ b_j x_j)))`, where the penalty applies to
//! the coefficients `b̃_j` of the predictors standardised internally to mean 0
//! and population standard deviation 1 (as glmnet's `standardize = TRUE`).
//! The intercept is not penalised. Coefficients are returned on the raw
//! scale, so `p` is computed from the raw predictors. A constant predictor
//! gets coefficient 0.
//!
//! Each IRLS step forms the quadratic approximation of the log-likelihood at
//! the current fit (weights `p(1 - p)`, working response), reduces it to a
//! weighted Gram matrix of the centred predictors, and solves the penalised
//! least-squares problem by cyclic coordinate descent with soft-thresholding
//! on that matrix. A step that raises the objective is halved.

mod work;
pub use work::{EXP_WORK, MAX_PREDICTORS, Work, least_work};
use work::{objective_work, product, step_work};

/// Settings of a fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Elastic-net mixing, 0 (ridge) to 1 (lasso).
    pub alpha: f64,
    /// Penalty strength λ.
    pub lambda: f64,
    /// Largest number of IRLS steps.
    pub max_irls: usize,
    /// Largest number of coordinate-descent sweeps per IRLS step.
    pub max_sweeps: usize,
    /// The fit has converged when no coefficient (standardised scale)
    /// moves by more than this in a reweighting step, or when the objective
    /// changes by less than `tol * 1e-5` of itself.
    pub tol: f64,
}

impl Settings {
    /// Settings with the default iteration limits.
    pub fn new(alpha: f64, lambda: f64) -> Settings {
        Settings {
            alpha,
            lambda,
            max_irls: 100,
            max_sweeps: 100_000,
            tol: 1e-10,
        }
    }
}

/// A design: `n` rows of `p` predictors (row-major) and a 0/1 outcome.
#[derive(Debug, Clone, Default)]
pub struct Design {
    /// Number of predictors.
    pub p: usize,
    /// Predictor values, row-major (`n * p`).
    pub x: Vec<f64>,
    /// Outcomes, 0 or 1.
    pub y: Vec<f64>,
}

impl Design {
    /// An empty design of `p` predictors.
    pub fn new(p: usize) -> Design {
        Design {
            p,
            x: Vec::new(),
            y: Vec::new(),
        }
    }

    /// Number of rows.
    pub fn n(&self) -> usize {
        self.y.len()
    }

    /// Adds a row.
    pub fn push(&mut self, xs: &[f64], y: bool) {
        debug_assert_eq!(xs.len(), self.p);
        self.x.extend_from_slice(xs);
        self.y.push(if y { 1.0 } else { 0.0 });
    }

    fn positives(&self) -> usize {
        self.y.iter().filter(|v| **v > 0.5).count()
    }
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Intercept, raw scale.
    pub intercept: f64,
    /// Coefficients, raw scale.
    pub beta: Vec<f64>,
    /// IRLS steps taken.
    pub irls_steps: usize,
    /// Rows fitted.
    pub n: usize,
    /// Rows with outcome 1.
    pub positives: usize,
    /// Share of the null deviance explained.
    pub dev_ratio: f64,
    /// False when the iterations stopped at their limits before the fit
    /// settled: the weights are then the last iterate, not the optimum.
    pub converged: bool,
    /// Euclidean norm of the violation of the optimality conditions at the
    /// returned weights (standardised scale, intercept included): near 0 at
    /// the optimum.
    pub gradient_norm: f64,
}

impl Model {
    /// The fitted probability for a row of raw predictors.
    pub fn predict(&self, xs: &[f64]) -> f64 {
        1.0 / (1.0 + (-self.linear(xs)).exp())
    }

    /// The linear predictor (log-odds) for a row of raw predictors.
    pub fn linear(&self, xs: &[f64]) -> f64 {
        self.intercept + xs.iter().zip(&self.beta).map(|(x, b)| x * b).sum::<f64>()
    }

    /// Number of non-zero coefficients.
    pub fn nonzero(&self) -> usize {
        self.beta.iter().filter(|b| **b != 0.0).count()
    }
}

/// Why a fit failed.
#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    /// No rows, or only one outcome class.
    OneClass {
        /// Rows.
        n: usize,
        /// Rows with outcome 1.
        positives: usize,
    },
    /// The predictors separate the outcomes perfectly: no finite
    /// maximum-likelihood estimate exists, and the weights would be set by
    /// the penalty alone.
    Separation,
    /// Cross-validation by year cannot be run on these rows.
    Folds {
        /// Folds asked for.
        asked: usize,
        /// Distinct years among the rows.
        years: usize,
        /// First and last year.
        span: (i32, i32),
        /// Rows.
        n: usize,
        /// Rows with outcome 1.
        positives: usize,
        /// What is missing.
        why: String,
    },
    /// Bad settings (α outside 0-1, λ negative or not finite).
    Settings(String),
    /// The fits of the run would pass their bound of work (see [`Work`]).
    Budget {
        /// The bound, in multiply-adds.
        cap: u64,
    },
    /// More predictors than [`MAX_PREDICTORS`].
    TooManyPredictors {
        /// Predictors of the design.
        p: usize,
    },
}

impl std::fmt::Display for FitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FitError::OneClass { n, positives } => write!(
                f,
                "the training rows need both outcomes: {n} rows, {positives} positive"
            ),
            FitError::Separation => write!(
                f,
                "the predictors separate the positive and negative rows perfectly, so the logistic fit has no finite solution"
            ),
            FitError::Folds {
                asked,
                years,
                span,
                n,
                positives,
                why,
            } => write!(
                f,
                "too few events for {asked}-fold cross-validation by year: the training rows cover {years} year(s) ({}-{}), {n} rows, {positives} positive; {why}",
                span.0, span.1
            ),
            FitError::Settings(s) => f.write_str(s),
            FitError::Budget { cap } => write!(
                f,
                "the fits of this run would take more than {cap} multiply-adds"
            ),
            FitError::TooManyPredictors { p } => write!(
                f,
                "{p} predictors are more than the {MAX_PREDICTORS} one fit can take (its matrix of predictor pairs would hold {} cells)",
                product(&[*p, *p])
            ),
        }
    }
}

/// Standardisation of a design: means and population standard deviations.
#[derive(Debug, Clone)]
struct Scale {
    mean: Vec<f64>,
    sd: Vec<f64>,
}

/// The rows `rows` of a design (all rows for `None`), standardised, with
/// their outcomes and the scale used.
fn standardised(d: &Design, rows: Option<&[usize]>) -> (Vec<f64>, Vec<f64>, Scale) {
    let p = d.p;
    let (x, y): (Vec<f64>, Vec<f64>) = match rows {
        None => (d.x.clone(), d.y.clone()),
        Some(r) => {
            let mut x = Vec::with_capacity(r.len() * p);
            for &i in r {
                x.extend_from_slice(&d.x[i * p..(i + 1) * p]);
            }
            (x, r.iter().map(|&i| d.y[i]).collect())
        }
    };
    let n = y.len() as f64;
    let mut mean = vec![0.0; p];
    for row in x.chunks_exact(p) {
        for (m, v) in mean.iter_mut().zip(row) {
            *m += v;
        }
    }
    mean.iter_mut().for_each(|m| *m /= n);
    let mut var = vec![0.0; p];
    for row in x.chunks_exact(p) {
        for j in 0..p {
            let e = row[j] - mean[j];
            var[j] += e * e;
        }
    }
    let sd: Vec<f64> = var.iter().map(|v| (v / n).sqrt()).collect();
    let mut xs = x;
    for row in xs.chunks_exact_mut(p) {
        for ((v, m), sd) in row.iter_mut().zip(&mean).zip(&sd) {
            *v = if *sd > 0.0 { (*v - m) / sd } else { 0.0 };
        }
    }
    (xs, y, Scale { mean, sd })
}

const P_MIN: f64 = 1e-9;

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Mean negative log-likelihood.
fn nll(y: &[f64], eta: &[f64]) -> f64 {
    let n = y.len() as f64;
    y.iter()
        .zip(eta)
        .map(|(y, e)| {
            // log(1 + e^e) - y e, stably
            let l = if *e > 0.0 {
                e + (-e).exp().ln_1p()
            } else {
                e.exp().ln_1p()
            };
            l - y * e
        })
        .sum::<f64>()
        / n
}

fn penalty(b: &[f64], s: &Settings) -> f64 {
    let l1: f64 = b.iter().map(|v| v.abs()).sum();
    let l2: f64 = b.iter().map(|v| v * v).sum();
    s.lambda * (s.alpha * l1 + (1.0 - s.alpha) / 2.0 * l2)
}

/// A fit on the standardised scale: intercept and coefficients.
#[derive(Debug, Clone, PartialEq)]
struct Std {
    b0: f64,
    b: Vec<f64>,
}

fn linear(xs: &[f64], p: usize, st: &Std, eta: &mut [f64]) {
    for (e, row) in eta.iter_mut().zip(xs.chunks_exact(p)) {
        *e = st.b0 + row.iter().zip(&st.b).map(|(x, b)| x * b).sum::<f64>();
    }
}

/// The largest λ at which every coefficient is 0, for a given α.
pub fn lambda_max(d: &Design, alpha: f64) -> f64 {
    let (xs, y, _) = standardised(d, None);
    lambda_max_std(&xs, &y, d.p, alpha)
}

fn lambda_max_std(xs: &[f64], y: &[f64], p: usize, alpha: f64) -> f64 {
    let n = y.len() as f64;
    let ybar = y.iter().sum::<f64>() / n;
    let mut g = vec![0.0; p];
    for (row, y) in xs.chunks_exact(p).zip(y) {
        for (gj, x) in g.iter_mut().zip(row) {
            *gj += x * (y - ybar);
        }
    }
    g.iter().map(|v| v.abs() / n).fold(0.0, f64::max) / alpha.max(1e-3)
}

fn check(s: &Settings) -> Result<(), FitError> {
    if !(0.0..=1.0).contains(&s.alpha) || !s.alpha.is_finite() {
        return Err(FitError::Settings(format!(
            "alpha must lie between 0 and 1, not {}",
            s.alpha
        )));
    }
    if !s.lambda.is_finite() || s.lambda < 0.0 {
        return Err(FitError::Settings(format!(
            "lambda must be 0 or more, not {}",
            s.lambda
        )));
    }
    Ok(())
}

fn positives(y: &[f64]) -> usize {
    y.iter().filter(|v| **v > 0.5).count()
}

/// The predictors (column indices) that have the same value in every row:
/// no weight can be fitted for them, whatever the penalty.
pub fn constant_predictors(d: &Design) -> Vec<usize> {
    (0..d.p)
        .filter(|&j| {
            let mut col = d.x.iter().skip(j).step_by(d.p.max(1));
            match col.next() {
                Some(first) => col.all(|v| v == first),
                None => true,
            }
        })
        .collect()
}

/// How one predictor separates the outcomes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Separated {
    /// The predictor (column index).
    pub predictor: usize,
    /// True when higher values go with the positive rows.
    pub higher_positive: bool,
    /// The value between the classes: every positive row lies on one side
    /// of it, every negative row on the other (or on it, when quasi).
    pub at: f64,
    /// Quasi-complete: some rows of both outcomes share the value `at`.
    pub quasi: bool,
}

/// The first predictor that on its own separates the positive rows from the
/// negative ones, completely (preferred) or quasi-completely (both classes
/// meet only at one value). Then the unpenalised fit has no finite weights.
pub fn separating_predictor(d: &Design) -> Option<Separated> {
    let mut quasi = None;
    for j in 0..d.p {
        let (mut lo_pos, mut hi_pos) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut lo_neg, mut hi_neg) = (f64::INFINITY, f64::NEG_INFINITY);
        for (row, y) in d.x.chunks_exact(d.p).zip(&d.y) {
            let v = row[j];
            if *y > 0.5 {
                lo_pos = lo_pos.min(v);
                hi_pos = hi_pos.max(v);
            } else {
                lo_neg = lo_neg.min(v);
                hi_neg = hi_neg.max(v);
            }
        }
        if !(lo_pos.is_finite() && lo_neg.is_finite())
            || lo_pos == hi_pos && lo_neg == hi_neg && lo_pos == lo_neg
        {
            continue;
        }
        let found = |higher_positive, at, quasi| Separated {
            predictor: j,
            higher_positive,
            at,
            quasi,
        };
        if lo_pos > hi_neg {
            return Some(found(true, hi_neg, false));
        }
        if hi_pos < lo_neg {
            return Some(found(false, lo_neg, false));
        }
        if quasi.is_none() {
            if lo_pos == hi_neg {
                quasi = Some(found(true, hi_neg, true));
            } else if hi_pos == lo_neg {
                quasi = Some(found(false, lo_neg, true));
            }
        }
    }
    quasi
}

/// Whether the fitted linear predictor separates the outcomes, at least
/// quasi-completely (every positive row at or above every negative one):
/// a sign that weights grow without bound rather than converge.
pub fn separates(m: &Model, d: &Design) -> bool {
    let (mut lo_pos, mut hi_neg) = (f64::INFINITY, f64::NEG_INFINITY);
    for (row, y) in d.x.chunks_exact(d.p.max(1)).zip(&d.y) {
        let e = m.linear(row);
        if *y > 0.5 {
            lo_pos = lo_pos.min(e);
        } else {
            hi_neg = hi_neg.max(e);
        }
    }
    lo_pos.is_finite() && hi_neg.is_finite() && lo_pos >= hi_neg
}

/// Fits the model at one λ (cold start).
pub fn fit(d: &Design, s: &Settings) -> Result<Model, FitError> {
    fit_from(d, s, None)
}

/// Fits the model at one λ, starting from `start` (a model on the same
/// predictors, such as the fit of a neighbouring λ or of similar rows).
pub fn fit_from(d: &Design, s: &Settings, start: Option<&Model>) -> Result<Model, FitError> {
    fit_within(d, s, start, &Work::unbounded())
}

/// [`fit_from`] within a bound of work.
pub fn fit_within(
    d: &Design,
    s: &Settings,
    start: Option<&Model>,
    work: &Work,
) -> Result<Model, FitError> {
    check(s)?;
    let (n, p) = (d.n(), d.p);
    let pos = d.positives();
    if pos == 0 || pos == n {
        return Err(FitError::OneClass { n, positives: pos });
    }
    let (xs, y, sc) = standardised(d, None);
    let st = match start {
        Some(m) if m.beta.len() == p => {
            // raw -> standardised
            let b: Vec<f64> = (0..p).map(|j| m.beta[j] * sc.sd[j]).collect();
            let b0 = m.intercept + (0..p).map(|j| m.beta[j] * sc.mean[j]).sum::<f64>();
            Some(Std { b0, b })
        }
        _ => None,
    };
    let solved = solve(&xs, &y, p, s, st, work)?;
    finish(&xs, &y, p, &sc, s, solved, work)
}

/// The result of the IRLS loop on the standardised scale.
struct Solved {
    st: Std,
    steps: usize,
    converged: bool,
}

/// The IRLS loop with coordinate descent inside, from `start` (or the null
/// model) on standardised rows.
fn solve(
    xs: &[f64],
    y: &[f64],
    p: usize,
    s: &Settings,
    start: Option<Std>,
    work: &Work,
) -> Result<Solved, FitError> {
    let n = y.len();
    if p > MAX_PREDICTORS {
        return Err(FitError::TooManyPredictors { p });
    }
    let step_work = step_work(n, p);
    let sweep_work = product(&[p, p + 1]);
    let objective_work = objective_work(n, p);
    work.charge(objective_work)?;
    let nf = n as f64;
    let ybar = positives(y) as f64 / nf;
    let mut st = start.unwrap_or_else(|| Std {
        b0: (ybar / (1.0 - ybar)).ln(),
        b: vec![0.0; p],
    });
    let mut eta = vec![0.0; n];
    linear(xs, p, &st, &mut eta);
    let mut obj = nll(y, &eta) + penalty(&st.b, s);
    let mut w = vec![0.0; n];
    let mut z = vec![0.0; n];
    let mut gram = vec![0.0; p * p];
    let mut c = vec![0.0; p];
    let mut m = vec![0.0; p];
    let mut cen = vec![0.0; p];
    let mut converged = false;
    let mut steps = 0;
    'irls: while steps < s.max_irls {
        steps += 1;
        work.charge(step_work)?;
        // Quadratic approximation at eta.
        for i in 0..n {
            let pr = sigmoid(eta[i]).clamp(P_MIN, 1.0 - P_MIN);
            w[i] = pr * (1.0 - pr);
            z[i] = eta[i] + (y[i] - pr) / w[i];
        }
        let sw: f64 = w.iter().sum();
        m.iter_mut().for_each(|v| *v = 0.0);
        let mut zbar = 0.0;
        for ((row, wi), zi) in xs.chunks_exact(p).zip(&w).zip(&z) {
            for (mj, x) in m.iter_mut().zip(row) {
                *mj += wi * x;
            }
            zbar += wi * zi;
        }
        m.iter_mut().for_each(|v| *v /= sw);
        zbar /= sw;
        gram.iter_mut().for_each(|v| *v = 0.0);
        c.iter_mut().for_each(|v| *v = 0.0);
        for ((row, wi), zi) in xs.chunks_exact(p).zip(&w).zip(&z) {
            for j in 0..p {
                cen[j] = row[j] - m[j];
            }
            let wz = wi * (zi - zbar);
            for (j, (gr, cj)) in gram.chunks_exact_mut(p).zip(&mut c).enumerate() {
                let a = wi * cen[j];
                *cj += wz * cen[j];
                for (g, ck) in gr[j..].iter_mut().zip(&cen[j..]) {
                    *g += a * ck;
                }
            }
        }
        for j in 0..p {
            for k in j..p {
                let v = gram[j * p + k] / nf;
                gram[j * p + k] = v;
                gram[k * p + j] = v;
            }
            c[j] /= nf;
        }
        // Coordinate descent on 1/2 b'Gb - c'b + penalty, from the current b.
        let mut b = st.b.clone();
        let mut grad: Vec<f64> = (0..p)
            .map(|j| c[j] - (0..p).map(|k| gram[j * p + k] * b[k]).sum::<f64>())
            .collect();
        let l1 = s.lambda * s.alpha;
        let l2 = s.lambda * (1.0 - s.alpha);
        let mut sweeps = 0;
        loop {
            sweeps += 1;
            work.charge(sweep_work)?;
            let mut biggest: f64 = 0.0;
            for j in 0..p {
                let gjj = gram[j * p + j];
                if gjj <= 0.0 {
                    continue;
                }
                let u = grad[j] + gjj * b[j];
                let new = soft(u, l1) / (gjj + l2);
                let delta = new - b[j];
                if delta != 0.0 {
                    b[j] = new;
                    let col = &gram[j * p..j * p + p];
                    for (g, gk) in grad.iter_mut().zip(col) {
                        *g -= gk * delta;
                    }
                    biggest = biggest.max(gjj * delta * delta);
                }
            }
            if biggest < 1e-16 {
                break;
            }
            if sweeps >= s.max_sweeps {
                // Keep the last iterate; the caller is told it did not settle.
                break 'irls;
            }
        }
        let b0 = zbar - m.iter().zip(&b).map(|(mj, bj)| mj * bj).sum::<f64>();
        let mut cand = Std { b0, b };
        // Step halving when the objective rises.
        let mut halvings = 0;
        let new_obj = loop {
            work.charge(objective_work)?;
            linear(xs, p, &cand, &mut eta);
            let o = nll(y, &eta) + penalty(&cand.b, s);
            if o <= obj + 1e-12 * obj.abs().max(1.0) || halvings >= 30 {
                break o;
            }
            halvings += 1;
            cand.b0 = (cand.b0 + st.b0) / 2.0;
            for (cb, sb) in cand.b.iter_mut().zip(&st.b) {
                *cb = (*cb + sb) / 2.0;
            }
        };
        let change = (cand.b0 - st.b0).abs().max(
            cand.b
                .iter()
                .zip(&st.b)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max),
        );
        let rel = (obj - new_obj).abs() / new_obj.abs().max(1e-300);
        st = cand;
        obj = new_obj;
        if change < s.tol || rel < s.tol * 1e-5 {
            converged = true;
            break;
        }
    }
    Ok(Solved {
        st,
        steps,
        converged,
    })
}

/// Checks a solution for separation and reports it on the raw scale.
fn finish(
    xs: &[f64],
    y: &[f64],
    p: usize,
    sc: &Scale,
    s: &Settings,
    solved: Solved,
    work: &Work,
) -> Result<Model, FitError> {
    let Solved {
        st,
        steps,
        converged,
    } = solved;
    let n = y.len();
    work.charge(product(&[n, 3 * (p + 1) + 4 * EXP_WORK]))?;
    let nf = n as f64;
    let pos = positives(y);
    let ybar = pos as f64 / nf;
    let mut eta = vec![0.0; n];
    linear(xs, p, &st, &mut eta);
    let lo_pos = eta
        .iter()
        .zip(y)
        .filter(|(_, y)| **y > 0.5)
        .map(|(e, _)| *e)
        .fold(f64::INFINITY, f64::min);
    let hi_neg = eta
        .iter()
        .zip(y)
        .filter(|(_, y)| **y < 0.5)
        .map(|(e, _)| *e)
        .fold(f64::NEG_INFINITY, f64::max);
    if lo_pos > hi_neg {
        return Err(FitError::Separation);
    }
    let null_dev = 2.0 * nf * nll(y, &vec![st_null(ybar); n]);
    let dev = 2.0 * nf * nll(y, &eta);
    // Optimality conditions: the gradient of the smooth part plus the
    // penalty's subgradient.
    let mut g = vec![0.0; p];
    let mut g0 = 0.0;
    for ((row, yi), e) in xs.chunks_exact(p).zip(y).zip(&eta) {
        let r = yi - sigmoid(*e);
        g0 -= r;
        for (gj, x) in g.iter_mut().zip(row) {
            *gj -= x * r;
        }
    }
    let mut norm2 = (g0 / nf).powi(2);
    let (l1, l2) = (s.lambda * s.alpha, s.lambda * (1.0 - s.alpha));
    for (j, gj) in g.iter().enumerate() {
        let gj = gj / nf + l2 * st.b[j];
        let v = if sc.sd[j] <= 0.0 {
            0.0
        } else if st.b[j] != 0.0 {
            gj + l1 * st.b[j].signum()
        } else {
            (gj.abs() - l1).max(0.0)
        };
        norm2 += v * v;
    }
    let beta: Vec<f64> = (0..p)
        .map(|j| {
            if sc.sd[j] > 0.0 {
                st.b[j] / sc.sd[j]
            } else {
                0.0
            }
        })
        .collect();
    let intercept = st.b0 - (0..p).map(|j| beta[j] * sc.mean[j]).sum::<f64>();
    Ok(Model {
        intercept,
        beta,
        irls_steps: steps,
        n,
        positives: pos,
        dev_ratio: 1.0 - dev / null_dev,
        converged,
        gradient_norm: norm2.sqrt(),
    })
}

fn st_null(ybar: f64) -> f64 {
    (ybar / (1.0 - ybar)).ln()
}

fn soft(u: f64, t: f64) -> f64 {
    if u > t {
        u - t
    } else if u < -t {
        u + t
    } else {
        0.0
    }
}

mod cv;
pub use cv::*;

#[cfg(test)]
mod tests;
