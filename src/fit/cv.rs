//! Lambda paths with warm starts, folds of consecutive years, and
//! cross-validation of the penalty along a path.

use super::*;

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
    lambda_path(d, alpha, PATH_LENGTH, ratio)
}

/// Penalties on the default path (see [`default_path`]).
pub const PATH_LENGTH: usize = 100;

/// The least work of [`cross_validate`] on rows of these years and
/// outcomes with `p` predictors: one reweighting step at each penalty of
/// every fold's path. 0 when the folds cannot be made (cross-validation
/// then stops with that error before any work).
pub fn cv_least_work(years: &[i32], y: &[f64], p: usize, k: usize, gap: u32) -> u64 {
    year_folds(years, y, k, gap).map_or(0, |f| folds_least_work(&f, p))
}

fn folds_least_work(folds: &Folds, p: usize) -> u64 {
    folds
        .train
        .iter()
        .map(|t| least_work(t.len(), p).saturating_mul(PATH_LENGTH as u64))
        .fold(0u64, u64::saturating_add)
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
    work: &Work,
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
        let solved = solve(&xs, &y, d.p, &s, prev.clone(), work)?;
        let st = solved.st.clone();
        let m = finish(&xs, &y, d.p, &sc, &s, solved, work);
        if let Err(FitError::Budget { .. }) = m {
            return Err(FitError::Budget { cap: work.cap() });
        }
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
    cross_validate_within(d, years, alpha, k, gap, &Work::unbounded())
}

/// [`cross_validate`] within a bound of work. When the bound is passed,
/// the error is [`FitError::Budget`], whichever fold passed it.
pub fn cross_validate_within(
    d: &Design,
    years: &[i32],
    alpha: f64,
    k: usize,
    gap: u32,
    work: &Work,
) -> Result<CvResult, FitError> {
    use rayon::prelude::*;
    let folds = year_folds(years, &d.y, k, gap)?;
    if d.p > MAX_PREDICTORS {
        return Err(FitError::TooManyPredictors { p: d.p });
    }
    work.ahead(folds_least_work(&folds, d.p))?;
    let lambdas = default_path(d, alpha);
    let p = d.p;
    let per_fold: Vec<Result<FoldLoss, FitError>> = (0..folds.test.len())
        .into_par_iter()
        .map(|f| {
            let fits = path(d, Some(&folds.train[f]), alpha, &lambdas, work)?;
            work.charge(product(&[
                folds.test[f].len(),
                lambdas.len(),
                p + 1 + 3 * EXP_WORK,
            ]))?;
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
    if work.exceeded() {
        return Err(FitError::Budget { cap: work.cap() });
    }
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
