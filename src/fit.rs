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

/// Fits the model at one λ (cold start).
pub fn fit(d: &Design, s: &Settings) -> Result<Model, FitError> {
    fit_from(d, s, None)
}

/// Fits the model at one λ, starting from `start` (a model on the same
/// predictors, such as the fit of a neighbouring λ or of similar rows).
pub fn fit_from(d: &Design, s: &Settings, start: Option<&Model>) -> Result<Model, FitError> {
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
    let solved = solve(&xs, &y, p, s, st)?;
    finish(&xs, &y, p, &sc, s, solved)
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
) -> Result<Solved, FitError> {
    let n = y.len();
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
) -> Result<Model, FitError> {
    let Solved {
        st,
        steps,
        converged,
    } = solved;
    let n = y.len();
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

/// The λ sequence glmnet would use: `n_lambda` values from
/// [`lambda_max`] down, log-spaced, to `ratio` times it.
pub fn lambda_path(d: &Design, alpha: f64, n_lambda: usize, ratio: f64) -> Vec<f64> {
    spaced(lambda_max(d, alpha), n_lambda, ratio)
}

fn spaced(top: f64, n_lambda: usize, ratio: f64) -> Vec<f64> {
    (0..n_lambda)
        .map(|i| top * ratio.powf(i as f64 / (n_lambda.max(2) - 1) as f64))
        .collect()
}

/// The default λ path of a design: 100 values from [`lambda_max`] down to
/// 1e-4 of it (1e-2 when there are no more rows than predictors), as
/// glmnet's defaults.
pub fn default_path(d: &Design, alpha: f64) -> Vec<f64> {
    let ratio = if d.n() > d.p { 1e-4 } else { 1e-2 };
    lambda_path(d, alpha, 100, ratio)
}

/// Convergence tolerance of the fits along a path (see [`Settings::tol`]):
/// looser than a single fit's, since a path's fits are compared by their
/// held-out deviance, which moves by far less than 1e-7 with them.
pub const PATH_TOL: f64 = 1e-7;

/// Fits along a λ path, largest λ first, each fit starting from the one
/// before (warm starts), on the rows `rows` of `d` (all rows for `None`),
/// standardised once for the whole path. A λ at which the outcomes are
/// separated gives an error and the next λ starts from the last fit.
pub fn path(
    d: &Design,
    rows: Option<&[usize]>,
    alpha: f64,
    lambdas: &[f64],
) -> Result<Vec<Result<Model, FitError>>, FitError> {
    let (xs, y, sc) = standardised(d, rows);
    let n = y.len();
    let pos = positives(&y);
    if pos == 0 || pos == n {
        return Err(FitError::OneClass { n, positives: pos });
    }
    let mut prev: Option<Std> = None;
    let mut out = Vec::with_capacity(lambdas.len());
    for &lambda in lambdas {
        let s = Settings {
            tol: PATH_TOL,
            ..Settings::new(alpha, lambda)
        };
        check(&s)?;
        let solved = solve(&xs, &y, d.p, &s, prev.clone())?;
        let st = solved.st.clone();
        let m = finish(&xs, &y, d.p, &sc, &s, solved);
        if m.is_ok() {
            prev = Some(st);
        }
        out.push(m);
    }
    Ok(out)
}

/// Folds blocked by year: each fold holds out a run of consecutive years.
#[derive(Debug, Clone, PartialEq)]
pub struct Folds {
    /// Per fold: the rows held out.
    pub test: Vec<Vec<usize>>,
    /// Per fold: the rows fitted on (every other row, less the gap).
    pub train: Vec<Vec<usize>>,
    /// Per fold: the first and last year held out.
    pub years: Vec<(i32, i32)>,
    /// Years left out of the training rows on each side of a held-out block.
    pub gap: u32,
}

/// Splits rows into `k` folds of consecutive years (fewer when there are
/// fewer years), as equal in years as can be, earlier years first. Each
/// fold is fitted on the rows of the other years, leaving out `gap` years on
/// each side of the held-out block (with a horizon of `H` years, the
/// outcomes of rows up to `H - 1` years apart overlap); when that leaves a
/// fold without both outcomes, the gap is dropped for every fold. `years`
/// and `y` give each row's year and outcome.
pub fn year_folds(years: &[i32], y: &[f64], k: usize, gap: u32) -> Result<Folds, FitError> {
    let mut distinct: Vec<i32> = years.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let pos = positives(y);
    let fail = |why: String| FitError::Folds {
        asked: k,
        years: distinct.len(),
        span: (
            distinct.first().copied().unwrap_or(0),
            distinct.last().copied().unwrap_or(0),
        ),
        n: y.len(),
        positives: pos,
        why,
    };
    if k < 2 {
        return Err(FitError::Settings(format!(
            "cross-validation needs at least 2 folds, not {k}"
        )));
    }
    if distinct.len() < 2 {
        return Err(fail(
            "cross-validation by year needs rows of at least 2 years".to_string(),
        ));
    }
    let kk = k.min(distinct.len());
    if pos < kk {
        return Err(fail(format!("{kk} folds need at least {kk} positive rows")));
    }
    // Blocks of consecutive years; the first `extra` blocks get one more.
    let (base, extra) = (distinct.len() / kk, distinct.len() % kk);
    let mut blocks = Vec::with_capacity(kk);
    let mut at = 0;
    for f in 0..kk {
        let len = base + usize::from(f < extra);
        blocks.push((distinct[at], distinct[at + len - 1]));
        at += len;
    }
    let build = |gap: u32| -> Folds {
        let g = gap as i32;
        let mut folds = Folds {
            test: vec![Vec::new(); kk],
            train: vec![Vec::new(); kk],
            years: blocks.clone(),
            gap,
        };
        for (f, &(a, b)) in blocks.iter().enumerate() {
            for (i, &yr) in years.iter().enumerate() {
                if (a..=b).contains(&yr) {
                    folds.test[f].push(i);
                } else if yr < a - g || yr > b + g {
                    folds.train[f].push(i);
                }
            }
        }
        folds
    };
    let both = |f: &Folds| {
        f.train.iter().all(|rows| {
            let p = rows.iter().filter(|&&i| y[i] > 0.5).count();
            p > 0 && p < rows.len()
        })
    };
    let folds = build(gap);
    if both(&folds) {
        return Ok(folds);
    }
    let folds = build(0);
    if both(&folds) {
        return Ok(folds);
    }
    Err(fail(
        "the rows fitted in some fold have no positive row".to_string(),
    ))
}

/// One fold's held-out loss per λ, whether each λ fitted, its fits that did
/// not converge and their largest gradient norm.
type FoldLoss = (Vec<f64>, Vec<bool>, usize, f64);

/// The result of cross-validation.
#[derive(Debug, Clone)]
pub struct CvResult {
    /// λ values tried, largest first.
    pub lambdas: Vec<f64>,
    /// Mean held-out binomial deviance per row at each λ (NaN where a fold failed).
    pub deviance: Vec<f64>,
    /// Index of the λ with the smallest deviance.
    pub best: usize,
    /// The folds.
    pub folds: Folds,
    /// Fits along the paths that stopped at their iteration limits.
    pub not_converged: usize,
    /// Fits along the paths.
    pub fits: usize,
    /// The largest gradient norm of those that did not converge.
    pub worst_gradient: f64,
}

/// Cross-validation by year over the default λ path at a given α (see
/// [`default_path`] and [`year_folds`]): each fold's path is fitted with
/// warm starts on its training rows, the folds in parallel, and scored by
/// the binomial deviance of its held-out rows, as glmnet's `cv.glmnet`. The
/// λ with the lowest mean deviance is chosen (`lambda.min`). `years` gives
/// each row's year. The result does not depend on a random seed or on the
/// number of threads.
pub fn cross_validate(
    d: &Design,
    years: &[i32],
    alpha: f64,
    k: usize,
    gap: u32,
) -> Result<CvResult, FitError> {
    use rayon::prelude::*;
    let folds = year_folds(years, &d.y, k, gap)?;
    let lambdas = default_path(d, alpha);
    let p = d.p;
    let per_fold: Vec<Result<FoldLoss, FitError>> = (0..folds.test.len())
        .into_par_iter()
        .map(|f| {
            let fits = path(d, Some(&folds.train[f]), alpha, &lambdas)?;
            let mut loss = vec![0.0; lambdas.len()];
            let mut ok = vec![true; lambdas.len()];
            let (mut unsettled, mut worst) = (0, 0.0f64);
            for (li, m) in fits.iter().enumerate() {
                match m {
                    Ok(m) => {
                        if !m.converged {
                            unsettled += 1;
                            worst = worst.max(m.gradient_norm);
                        }
                        for &i in &folds.test[f] {
                            let pr = m.predict(&d.x[i * p..(i + 1) * p]).clamp(1e-5, 1.0 - 1e-5);
                            let y = d.y[i];
                            loss[li] -= 2.0 * (y * pr.ln() + (1.0 - y) * (1.0 - pr).ln());
                        }
                    }
                    Err(FitError::Separation) => ok[li] = false,
                    Err(e) => return Err(e.clone()),
                }
            }
            Ok((loss, ok, unsettled, worst))
        })
        .collect();
    let mut loss = vec![0.0; lambdas.len()];
    let mut ok = vec![true; lambdas.len()];
    let (mut not_converged, mut worst_gradient) = (0, 0.0f64);
    for r in per_fold {
        let (l, o, u, w) = r?;
        for li in 0..lambdas.len() {
            loss[li] += l[li];
            ok[li] &= o[li];
        }
        not_converged += u;
        worst_gradient = worst_gradient.max(w);
    }
    let n = d.n() as f64;
    let deviance: Vec<f64> = loss
        .iter()
        .zip(&ok)
        .map(|(l, ok)| if *ok { l / n } else { f64::NAN })
        .collect();
    let best = deviance
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.is_nan())
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, _)| i)
        .ok_or(FitError::Separation)?;
    let fits = folds.test.len() * lambdas.len();
    Ok(CvResult {
        lambdas,
        deviance,
        best,
        folds,
        not_converged,
        fits,
        worst_gradient,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Synthetic: one predictor, outcomes overlapping.
    fn small() -> Design {
        let mut d = Design::new(1);
        for (x, y) in [
            (0.0, false),
            (1.0, false),
            (2.0, true),
            (3.0, false),
            (4.0, true),
            (5.0, true),
        ] {
            d.push(&[x], y);
        }
        d
    }

    #[test]
    fn unpenalised_fit_solves_the_score_equations() {
        let d = small();
        let m = fit(&d, &Settings::new(1.0, 0.0)).unwrap();
        // maximum likelihood: Σ (y - p) = 0 and Σ x (y - p) = 0
        let (mut s0, mut s1) = (0.0, 0.0);
        for i in 0..d.n() {
            let r = d.y[i] - m.predict(&d.x[i..=i]);
            s0 += r;
            s1 += r * d.x[i];
        }
        assert!(s0.abs() < 1e-8 && s1.abs() < 1e-8, "{s0} {s1}");
        assert!(m.beta[0] > 0.0);
    }

    #[test]
    fn penalised_fit_meets_the_optimality_conditions() {
        // Synthetic, two predictors. At the optimum, for the standardised
        // coefficient b_j: gradient_j + λ(1-α) b_j + λα sign(b_j) = 0 when
        // b_j != 0, and |gradient_j| <= λα when b_j = 0.
        let mut d = Design::new(2);
        let xs = [
            (0.5, 1.0, false),
            (1.5, 0.0, false),
            (2.0, 2.0, true),
            (2.5, 1.0, false),
            (3.0, 0.0, true),
            (3.5, 3.0, true),
            (1.0, 2.0, false),
            (4.0, 1.0, true),
        ];
        for (a, b, y) in xs {
            d.push(&[a, b], y);
        }
        let s = Settings::new(0.5, 0.05);
        let m = fit(&d, &s).unwrap();
        assert!(m.converged && m.gradient_norm < 1e-7, "{}", m.gradient_norm);
        let (_, _, sc) = standardised(&d, None);
        let n = d.n() as f64;
        for j in 0..2 {
            let mut g = 0.0;
            for i in 0..d.n() {
                let r = &d.x[i * 2..i * 2 + 2];
                let xs = (r[j] - sc.mean[j]) / sc.sd[j];
                g -= xs * (d.y[i] - m.predict(r)) / n;
            }
            let b = m.beta[j] * sc.sd[j];
            if b != 0.0 {
                let kkt = g + s.lambda * (1.0 - s.alpha) * b + s.lambda * s.alpha * b.signum();
                assert!(kkt.abs() < 1e-7, "predictor {j}: {kkt}");
            } else {
                assert!(g.abs() <= s.lambda * s.alpha + 1e-9);
            }
        }
        // the intercept is unpenalised: residuals sum to 0
        let r: f64 = (0..d.n())
            .map(|i| d.y[i] - m.predict(&d.x[i * 2..i * 2 + 2]))
            .sum();
        assert!(r.abs() < 1e-8);
    }

    #[test]
    fn above_lambda_max_every_coefficient_is_zero() {
        let d = small();
        let top = lambda_max(&d, 0.5);
        let m = fit(&d, &Settings::new(0.5, top * 1.01)).unwrap();
        assert_eq!(m.nonzero(), 0);
        let m = fit(&d, &Settings::new(0.5, top * 0.5)).unwrap();
        assert_eq!(m.nonzero(), 1);
    }

    #[test]
    fn separation_and_one_class_are_errors() {
        let mut d = Design::new(1);
        for (x, y) in [(0.0, false), (1.0, false), (2.0, true), (3.0, true)] {
            d.push(&[x], y);
        }
        assert_eq!(
            fit(&d, &Settings::new(1.0, 0.001)),
            Err(FitError::Separation)
        );
        let mut d = Design::new(1);
        d.push(&[0.0], false);
        d.push(&[1.0], false);
        assert!(matches!(
            fit(&d, &Settings::new(1.0, 0.1)),
            Err(FitError::OneClass { n: 2, positives: 0 })
        ));
        assert!(matches!(
            fit(&small(), &Settings::new(1.5, 0.1)),
            Err(FitError::Settings(_))
        ));
    }

    #[test]
    fn too_few_iterations_is_reported_as_not_converged() {
        let s = Settings {
            max_irls: 1,
            ..Settings::new(1.0, 0.0)
        };
        let m = fit(&small(), &s).unwrap();
        assert!(!m.converged);
        assert_eq!(m.irls_steps, 1);
        // one Newton step from the null model is still far from the optimum
        assert!(m.gradient_norm > 1e-3, "{}", m.gradient_norm);
        let full = fit(&small(), &Settings::new(1.0, 0.0)).unwrap();
        assert!(full.converged && full.gradient_norm < 1e-8);
    }

    #[test]
    fn a_path_with_warm_starts_matches_cold_fits() {
        let mut d = small();
        for (x, y) in [(0.5, false), (2.5, true), (3.5, false), (4.5, true)] {
            d.push(&[x], y);
        }
        let lambdas = default_path(&d, 0.5);
        let fits = path(&d, None, 0.5, &lambdas).unwrap();
        for (l, m) in lambdas.iter().zip(&fits).step_by(9) {
            let m = m.as_ref().unwrap();
            let cold = fit(&d, &Settings::new(0.5, *l)).unwrap();
            assert!((m.intercept - cold.intercept).abs() < 1e-7);
            assert!((m.beta[0] - cold.beta[0]).abs() < 1e-7);
        }
        assert_eq!(fits[0].as_ref().unwrap().nonzero(), 0);
        // on a subset of rows: the same as a design of those rows
        let rows = [0, 2, 3, 5, 6, 7];
        let mut sub = Design::new(1);
        for &i in &rows {
            sub.push(&d.x[i..=i], d.y[i] > 0.5);
        }
        let a = path(&d, Some(&rows), 0.5, &lambdas[50..52]).unwrap();
        let b = fit(&sub, &Settings::new(0.5, lambdas[51])).unwrap();
        assert!((a[1].as_ref().unwrap().beta[0] - b.beta[0]).abs() < 1e-7);
    }

    #[test]
    fn warm_start_reaches_the_same_solution() {
        let d = small();
        let s = Settings::new(0.5, 0.01);
        let cold = fit(&d, &s).unwrap();
        let other = fit(&d, &Settings::new(0.5, 0.2)).unwrap();
        let warm = fit_from(&d, &s, Some(&other)).unwrap();
        assert!((cold.intercept - warm.intercept).abs() < 1e-7);
        assert!((cold.beta[0] - warm.beta[0]).abs() < 1e-7);
    }

    #[test]
    fn cross_validation_is_deterministic_and_picks_a_path_value() {
        let mut d = small();
        for (x, y) in [(0.5, false), (2.5, true), (3.5, false), (4.5, true)] {
            d.push(&[x], y);
        }
        // synthetic years: two rows a year
        let years: Vec<i32> = (0..d.n()).map(|i| 2000 + (i / 2) as i32).collect();
        let a = cross_validate(&d, &years, 0.5, 2, 0).unwrap();
        let b = cross_validate(&d, &years, 0.5, 2, 0).unwrap();
        assert_eq!(a.best, b.best);
        assert_eq!(a.deviance, b.deviance);
        assert_eq!(a.lambdas.len(), 100);
        assert!(a.deviance[a.best] <= a.deviance[0]);
        assert!(cross_validate(&d, &years, 0.5, 1, 0).is_err());
    }

    #[test]
    fn folds_are_runs_of_years_with_a_gap() {
        // synthetic: years 2000-2006, one row a year, positives in 2001, 2003, 2005
        let years: Vec<i32> = (2000..=2006).collect();
        let y = [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0];
        let f = year_folds(&years, &y, 3, 1).unwrap();
        assert_eq!(f.years, vec![(2000, 2002), (2003, 2004), (2005, 2006)]);
        assert_eq!(f.test[1], vec![3, 4]);
        // 2002 and 2005 border the held-out block and are left out
        assert_eq!(f.train[1], vec![0, 1, 6]);
        assert_eq!(f.gap, 1);
        // a gap that would leave a fold without positives is dropped
        let g = year_folds(&years, &y, 2, 3).unwrap();
        assert_eq!(g.gap, 0);
        // more folds than years: one fold a year
        assert_eq!(
            year_folds(&years[..3], &y[..3], 5, 0).map(|f| f.test.len()),
            Err(FitError::Folds {
                asked: 5,
                years: 3,
                span: (2000, 2002),
                n: 3,
                positives: 1,
                why: "3 folds need at least 3 positive rows".to_string(),
            })
        );
        let one = year_folds(&[2000, 2000], &[0.0, 1.0], 2, 0).unwrap_err();
        assert!(one.to_string().contains("at least 2 years"), "{one}");
    }
}
