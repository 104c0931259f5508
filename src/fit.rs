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
}

impl Settings {
    /// Settings with the default iteration limits.
    pub fn new(alpha: f64, lambda: f64) -> Settings {
        Settings {
            alpha,
            lambda,
            max_irls: 100,
            max_sweeps: 100_000,
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
}

impl Model {
    /// The fitted probability for a row of raw predictors.
    pub fn predict(&self, xs: &[f64]) -> f64 {
        let z = self.intercept + xs.iter().zip(&self.beta).map(|(x, b)| x * b).sum::<f64>();
        1.0 / (1.0 + (-z).exp())
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
    /// The iterations did not converge within their limits.
    NotConverged {
        /// IRLS steps taken.
        irls_steps: usize,
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
            FitError::NotConverged { irls_steps } => write!(
                f,
                "the fit did not converge after {irls_steps} reweighting steps"
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

fn scale_of(d: &Design) -> Scale {
    let (n, p) = (d.n() as f64, d.p);
    let mut mean = vec![0.0; p];
    for row in d.x.chunks_exact(p) {
        for (m, v) in mean.iter_mut().zip(row) {
            *m += v;
        }
    }
    mean.iter_mut().for_each(|m| *m /= n);
    let mut var = vec![0.0; p];
    for row in d.x.chunks_exact(p) {
        for j in 0..p {
            let e = row[j] - mean[j];
            var[j] += e * e;
        }
    }
    let sd = var.iter().map(|v| (v / n).sqrt()).collect();
    Scale { mean, sd }
}

/// Standardised design (constant columns become 0).
fn standardise(d: &Design, s: &Scale) -> Vec<f64> {
    let p = d.p;
    let mut out = d.x.clone();
    for row in out.chunks_exact_mut(p) {
        for ((v, m), sd) in row.iter_mut().zip(&s.mean).zip(&s.sd) {
            *v = if *sd > 0.0 { (*v - m) / sd } else { 0.0 };
        }
    }
    out
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
    let s = scale_of(d);
    let xs = standardise(d, &s);
    let n = d.n() as f64;
    let ybar = d.y.iter().sum::<f64>() / n;
    let mut g = vec![0.0; d.p];
    for (row, y) in xs.chunks_exact(d.p).zip(&d.y) {
        for (gj, x) in g.iter_mut().zip(row) {
            *gj += x * (y - ybar);
        }
    }
    g.iter().map(|v| v.abs() / n).fold(0.0, f64::max) / alpha.max(1e-3)
}

/// Fits the model at one λ (cold start).
pub fn fit(d: &Design, s: &Settings) -> Result<Model, FitError> {
    fit_from(d, s, None)
}

/// Fits the model at one λ, starting from `start` (a model on the same
/// predictors, such as the fit of a neighbouring λ or of similar rows).
pub fn fit_from(d: &Design, s: &Settings, start: Option<&Model>) -> Result<Model, FitError> {
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
    let (n, p) = (d.n(), d.p);
    let positives = d.positives();
    if positives == 0 || positives == n {
        return Err(FitError::OneClass { n, positives });
    }
    let sc = scale_of(d);
    let xs = standardise(d, &sc);
    let nf = n as f64;
    let ybar = positives as f64 / nf;
    let mut st = match start {
        Some(m) if m.beta.len() == p => {
            // raw -> standardised
            let b: Vec<f64> = (0..p).map(|j| m.beta[j] * sc.sd[j]).collect();
            let b0 = m.intercept + (0..p).map(|j| m.beta[j] * sc.mean[j]).sum::<f64>();
            Std { b0, b }
        }
        _ => Std {
            b0: (ybar / (1.0 - ybar)).ln(),
            b: vec![0.0; p],
        },
    };
    let mut eta = vec![0.0; n];
    linear(&xs, p, &st, &mut eta);
    let mut obj = nll(&d.y, &eta) + penalty(&st.b, s);
    let null_dev = 2.0 * nf * nll(&d.y, &vec![st_null(ybar); n]);
    let mut w = vec![0.0; n];
    let mut z = vec![0.0; n];
    let mut gram = vec![0.0; p * p];
    let mut c = vec![0.0; p];
    let mut m = vec![0.0; p];
    let mut converged = false;
    let mut steps = 0;
    while steps < s.max_irls {
        steps += 1;
        // Quadratic approximation at eta.
        for i in 0..n {
            let pr = sigmoid(eta[i]).clamp(P_MIN, 1.0 - P_MIN);
            w[i] = pr * (1.0 - pr);
            z[i] = eta[i] + (d.y[i] - pr) / w[i];
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
        let mut cen = vec![0.0; p];
        for ((row, wi), zi) in xs.chunks_exact(p).zip(&w).zip(&z) {
            for j in 0..p {
                cen[j] = row[j] - m[j];
            }
            let wz = wi * (zi - zbar);
            for j in 0..p {
                let a = wi * cen[j];
                c[j] += wz * cen[j];
                let gr = &mut gram[j * p..j * p + p];
                for k in j..p {
                    gr[k] += a * cen[k];
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
                return Err(FitError::NotConverged { irls_steps: steps });
            }
        }
        let b0 = zbar - m.iter().zip(&b).map(|(mj, bj)| mj * bj).sum::<f64>();
        let mut cand = Std { b0, b };
        // Step halving when the objective rises.
        let mut halvings = 0;
        let new_obj = loop {
            linear(&xs, p, &cand, &mut eta);
            let o = nll(&d.y, &eta) + penalty(&cand.b, s);
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
        if change < 1e-10 || rel < 1e-15 {
            converged = true;
            break;
        }
    }
    if !converged {
        return Err(FitError::NotConverged { irls_steps: steps });
    }
    linear(&xs, p, &st, &mut eta);
    let lo_pos = eta
        .iter()
        .zip(&d.y)
        .filter(|(_, y)| **y > 0.5)
        .map(|(e, _)| *e)
        .fold(f64::INFINITY, f64::min);
    let hi_neg = eta
        .iter()
        .zip(&d.y)
        .filter(|(_, y)| **y < 0.5)
        .map(|(e, _)| *e)
        .fold(f64::NEG_INFINITY, f64::max);
    if lo_pos > hi_neg {
        return Err(FitError::Separation);
    }
    let dev = 2.0 * nf * nll(&d.y, &eta);
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
        positives,
        dev_ratio: 1.0 - dev / null_dev,
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
    let top = lambda_max(d, alpha);
    (0..n_lambda)
        .map(|i| top * ratio.powf(i as f64 / (n_lambda.max(2) - 1) as f64))
        .collect()
}

/// The result of cross-validation.
#[derive(Debug, Clone)]
pub struct CvResult {
    /// λ values tried, largest first.
    pub lambdas: Vec<f64>,
    /// Mean held-out binomial deviance per row at each λ (NaN where a fold failed).
    pub deviance: Vec<f64>,
    /// Index of the λ with the smallest deviance.
    pub best: usize,
    /// Number of folds.
    pub folds: usize,
}

/// K-fold cross-validation over the λ path at a given α. Rows are assigned
/// to folds in turn (row `i` to fold `i mod k`), so the result does not
/// depend on a random seed; rows should be in a fixed order (such as unit,
/// then year). The held-out loss is the binomial deviance, as glmnet's
/// default for `cv.glmnet`.
pub fn cross_validate(d: &Design, alpha: f64, k: usize) -> Result<CvResult, FitError> {
    if k < 2 || k > d.n() {
        return Err(FitError::Settings(format!(
            "cross-validation needs between 2 and {} folds, not {k}",
            d.n()
        )));
    }
    let ratio = if d.n() > d.p { 1e-4 } else { 1e-2 };
    let lambdas = lambda_path(d, alpha, 100, ratio);
    let mut loss = vec![0.0; lambdas.len()];
    let mut ok = vec![true; lambdas.len()];
    for fold in 0..k {
        let mut train = Design::new(d.p);
        let mut test = Design::new(d.p);
        for i in 0..d.n() {
            let row = &d.x[i * d.p..(i + 1) * d.p];
            let target = if i % k == fold { &mut test } else { &mut train };
            target.push(row, d.y[i] > 0.5);
        }
        let mut prev: Option<Model> = None;
        for (li, &lambda) in lambdas.iter().enumerate() {
            let s = Settings::new(alpha, lambda);
            match fit_from(&train, &s, prev.as_ref()) {
                Ok(m) => {
                    for i in 0..test.n() {
                        let pr = m
                            .predict(&test.x[i * d.p..(i + 1) * d.p])
                            .clamp(1e-5, 1.0 - 1e-5);
                        let y = test.y[i];
                        loss[li] -= 2.0 * (y * pr.ln() + (1.0 - y) * (1.0 - pr).ln());
                    }
                    prev = Some(m);
                }
                Err(FitError::Separation) => ok[li] = false,
                Err(e) => return Err(e),
            }
        }
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
    Ok(CvResult {
        lambdas,
        deviance,
        best,
        folds: k,
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
        let sc = scale_of(&d);
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
        assert!(matches!(
            fit(&small(), &s),
            Err(FitError::NotConverged { irls_steps: 1 })
        ));
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
        let a = cross_validate(&d, 0.5, 2).unwrap();
        let b = cross_validate(&d, 0.5, 2).unwrap();
        assert_eq!(a.best, b.best);
        assert_eq!(a.lambdas.len(), 100);
        assert!(a.deviance[a.best] <= a.deviance[0]);
        assert!(cross_validate(&d, 0.5, 1).is_err());
    }
}
