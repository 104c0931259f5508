//! The statistics of the audit: Pearson and Spearman correlations, Cronbach's
//! alpha, principal components, skewness and kurtosis, the median and the
//! median absolute deviation. Inputs are slices in which NaN marks a missing
//! value. A statistic that cannot be computed says why ([`Flaw`]) instead of
//! giving NaN, zero or a panic.

use nalgebra::DMatrix;

/// Observations a statistic needs at the least (pairs for a correlation,
/// unit-years for alpha, components, skewness and the robust scale).
pub const MIN_OBS: usize = 5;

/// Why a statistic could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flaw {
    /// Fewer observations than the statistic needs.
    TooFew {
        /// Observations there are.
        n: usize,
        /// Observations needed.
        need: usize,
    },
    /// The variable at this position (0 = the first) has a single value.
    Constant(usize),
    /// Fewer than two variables.
    Single,
    /// The variances and covariances add up to zero or less (alpha).
    NoVariance,
    /// More than half of the values equal the median: the median absolute
    /// deviation is zero.
    ZeroMad,
    /// The eigen-decomposition did not converge.
    NoConvergence,
}

/// The pairs of `x` and `y` where both have a value.
pub fn complete_pairs(x: &[f64], y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    x.iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| (*a, *b))
        .unzip()
}

/// The values of `x` that are present.
pub fn present(x: &[f64]) -> Vec<f64> {
    x.iter().copied().filter(|v| !v.is_nan()).collect()
}

fn constant(v: &[f64]) -> bool {
    v.windows(2).all(|w| w[0] == w[1])
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Pearson's correlation of two complete samples of the same length.
fn pearson_complete(x: &[f64], y: &[f64]) -> Result<f64, Flaw> {
    let n = x.len();
    if n < MIN_OBS {
        return Err(Flaw::TooFew { n, need: MIN_OBS });
    }
    if constant(x) {
        return Err(Flaw::Constant(0));
    }
    if constant(y) {
        return Err(Flaw::Constant(1));
    }
    let (mx, my) = (mean(x), mean(y));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    Ok((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Pearson's correlation over the pairs where both values are present.
pub fn pearson(x: &[f64], y: &[f64]) -> Result<f64, Flaw> {
    let (a, b) = complete_pairs(x, y);
    pearson_complete(&a, &b)
}

/// Ranks from 1, ties sharing the mean of their ranks.
pub fn ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]).then(a.cmp(&b)));
    let mut out = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        // Positions i..=j hold one value: ranks i+1 ..= j+1, mean (i+j)/2 + 1.
        let r = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = r;
        }
        i = j + 1;
    }
    out
}

/// Spearman's correlation (Pearson's on mid-ranks) over the pairs where both
/// values are present.
pub fn spearman(x: &[f64], y: &[f64]) -> Result<f64, Flaw> {
    let (a, b) = complete_pairs(x, y);
    if a.len() < MIN_OBS {
        return Err(Flaw::TooFew {
            n: a.len(),
            need: MIN_OBS,
        });
    }
    pearson_complete(&ranks(&a), &ranks(&b))
}

/// Sample covariance (denominator n - 1) over the pairs where both values are
/// present, with the number of pairs.
fn covariance(x: &[f64], y: &[f64]) -> (f64, usize) {
    let (a, b) = complete_pairs(x, y);
    let n = a.len();
    if n < 2 {
        return (f64::NAN, n);
    }
    let (ma, mb) = (mean(&a), mean(&b));
    let s: f64 = a.iter().zip(&b).map(|(p, q)| (p - ma) * (q - mb)).sum();
    (s / (n - 1) as f64, n)
}

/// The pairwise covariance matrix of `cols` (row-major, k x k): each entry
/// over the unit-years where both columns have a value, as COINr's
/// `get_cronbach` computes it by default.
pub fn pairwise_covariance(cols: &[&[f64]]) -> Result<Vec<f64>, Flaw> {
    let k = cols.len();
    let mut cov = vec![0.0; k * k];
    for i in 0..k {
        let own = present(cols[i]);
        if own.len() >= MIN_OBS && constant(&own) {
            return Err(Flaw::Constant(i));
        }
        for j in i..k {
            let (c, n) = covariance(cols[i], cols[j]);
            if n < MIN_OBS {
                return Err(Flaw::TooFew { n, need: MIN_OBS });
            }
            cov[i * k + j] = c;
            cov[j * k + i] = c;
        }
    }
    Ok(cov)
}

/// Cronbach's alpha of the variables `keep` (indices into a k x k covariance
/// matrix): `m / (m - 1) * (1 - sum of variances / sum of all entries)`.
pub fn cronbach(cov: &[f64], k: usize, keep: &[usize]) -> Result<f64, Flaw> {
    let m = keep.len();
    if m < 2 {
        return Err(Flaw::Single);
    }
    let (mut diag, mut all) = (0.0, 0.0);
    for &i in keep {
        diag += cov[i * k + i];
        for &j in keep {
            all += cov[i * k + j];
        }
    }
    if all <= 0.0 {
        return Err(Flaw::NoVariance);
    }
    Ok(m as f64 / (m - 1) as f64 * (1.0 - diag / all))
}

/// A principal component analysis of standardised variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Pca {
    /// Unit-years with a value for every variable (the rows analysed).
    pub n: usize,
    /// Eigenvalues of the correlation matrix, largest first.
    pub eigenvalues: Vec<f64>,
    /// Share of the total variance on the first component (first eigenvalue
    /// over the number of variables).
    pub first_share: f64,
    /// The first component's unit eigenvector (the loadings `prcomp` reports
    /// as its rotation), signed so that the loadings add up to a positive
    /// number.
    pub loadings: Vec<f64>,
}

/// Principal components of `cols` on the unit-years where every column has a
/// value (as COINr's `get_PCA` removes incomplete rows), each column centred
/// and scaled to unit variance.
pub fn pca(cols: &[&[f64]]) -> Result<Pca, Flaw> {
    let k = cols.len();
    if k < 2 {
        return Err(Flaw::Single);
    }
    let len = cols.iter().map(|c| c.len()).min().unwrap_or(0);
    let rows: Vec<usize> = (0..len)
        .filter(|&r| cols.iter().all(|c| !c[r].is_nan()))
        .collect();
    let n = rows.len();
    if n < MIN_OBS {
        return Err(Flaw::TooFew { n, need: MIN_OBS });
    }
    let mut z: Vec<Vec<f64>> = Vec::with_capacity(k);
    for (i, c) in cols.iter().enumerate() {
        let v: Vec<f64> = rows.iter().map(|&r| c[r]).collect();
        if constant(&v) {
            return Err(Flaw::Constant(i));
        }
        let m = mean(&v);
        let sd = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
        z.push(v.iter().map(|x| (x - m) / sd).collect());
    }
    let r = DMatrix::from_fn(k, k, |i, j| {
        if i == j {
            1.0
        } else {
            z[i].iter().zip(&z[j]).map(|(a, b)| a * b).sum::<f64>() / (n - 1) as f64
        }
    });
    let eig =
        nalgebra::linalg::SymmetricEigen::try_new(r, 1e-14, 10_000).ok_or(Flaw::NoConvergence)?;
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    let tidy = |v: f64| if v.abs() < 1e-12 { 0.0 } else { v };
    let eigenvalues: Vec<f64> = order.iter().map(|&i| tidy(eig.eigenvalues[i])).collect();
    let first = eig.eigenvectors.column(order[0]);
    let mut loadings: Vec<f64> = first.iter().map(|v| tidy(*v)).collect();
    let sum: f64 = loadings.iter().sum();
    let flip = if sum.abs() > 1e-12 {
        sum < 0.0
    } else {
        loadings
            .iter()
            .find(|v| **v != 0.0)
            .is_some_and(|v| *v < 0.0)
    };
    if flip {
        for l in &mut loadings {
            *l = -*l;
        }
    }
    Ok(Pca {
        n,
        first_share: eigenvalues[0] / k as f64,
        eigenvalues,
        loadings,
    })
}

/// Central moments m2, m3, m4 (denominator n) of a sample with at least two
/// different values.
fn moments(v: &[f64]) -> Result<(f64, f64, f64), Flaw> {
    if constant(v) {
        return Err(Flaw::Constant(0));
    }
    let m = mean(v);
    let n = v.len() as f64;
    let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
    for x in v {
        let d = x - m;
        m2 += d * d;
        m3 += d * d * d;
        m4 += d * d * d * d;
    }
    Ok((m2 / n, m3 / n, m4 / n))
}

/// Sample skewness, adjusted (type 2 of R's e1071, the definition COINr
/// uses): `g1 * sqrt(n (n - 1)) / (n - 2)`.
pub fn skewness(v: &[f64]) -> Result<f64, Flaw> {
    let n = v.len();
    if n < MIN_OBS {
        return Err(Flaw::TooFew { n, need: MIN_OBS });
    }
    let (m2, m3, _) = moments(v)?;
    let n = n as f64;
    Ok(m3 / m2.powf(1.5) * (n * (n - 1.0)).sqrt() / (n - 2.0))
}

/// Sample excess kurtosis, adjusted (type 2 of R's e1071, as COINr and
/// spreadsheet programs compute it): `((n + 1) g2 + 6) (n - 1) / ((n - 2) (n - 3))`.
pub fn kurtosis(v: &[f64]) -> Result<f64, Flaw> {
    let n = v.len();
    if n < MIN_OBS {
        return Err(Flaw::TooFew { n, need: MIN_OBS });
    }
    let (m2, _, m4) = moments(v)?;
    let n = n as f64;
    let g2 = m4 / (m2 * m2) - 3.0;
    Ok(((n + 1.0) * g2 + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0)))
}

/// The median of a non-empty sample (the mean of the two middle values when
/// the count is even); NaN for an empty one.
pub fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let h = s.len() / 2;
    if s.len() % 2 == 1 {
        s[h]
    } else {
        (s[h - 1] + s[h]) / 2.0
    }
}

/// Scale factor that makes the median absolute deviation estimate the
/// standard deviation of normal data.
pub const MAD_TO_SD: f64 = 1.4826;

/// The median and the scaled median absolute deviation (1.4826 x MAD) of a
/// sample, for robust z-scores `(x - median) / scale`.
pub fn robust_scale(v: &[f64]) -> Result<(f64, f64), Flaw> {
    if v.len() < MIN_OBS {
        return Err(Flaw::TooFew {
            n: v.len(),
            need: MIN_OBS,
        });
    }
    let med = median(v);
    let dev: Vec<f64> = v.iter().map(|x| (x - med).abs()).collect();
    let mad = median(&dev);
    if mad <= 0.0 {
        return Err(Flaw::ZeroMad);
    }
    Ok((med, MAD_TO_SD * mad))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NA: f64 = f64::NAN;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    // A synthetic sample of 8 observations of 3 variables. The expected
    // values below were computed independently with numpy 1.24
    // (np.corrcoef; Spearman as np.corrcoef of mid-ranks; alpha as
    // k/(k-1)*(1-trace(C)/sum(C)) with C = np.cov; np.linalg.eigh of the
    // correlation matrix; skewness and kurtosis by the e1071 type 2 formulas).
    const X: [f64; 8] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
    const Y: [f64; 8] = [2.0, 1.0, 4.0, 3.0, 7.0, 5.0, 8.0, 6.0];
    const Z: [f64; 8] = [5.0, 3.0, 4.0, 1.0, 2.0, 2.0, 0.0, 1.0];

    #[test]
    fn correlations_match_numpy() {
        close(pearson(&X, &Y).unwrap(), 0.833_333_333_333_333_5, 1e-12);
        close(pearson(&X, &Z).unwrap(), -0.838_627_869_377_534_8, 1e-12);
        close(spearman(&X, &Y).unwrap(), 0.833_333_333_333_333_5, 1e-12);
        // Z has a tie (2, 2 share rank 3.5)
        close(spearman(&X, &Z).unwrap(), -0.831_385_644_927_992_7, 1e-12);
    }

    #[test]
    fn alpha_and_alpha_if_dropped_match_numpy() {
        let cov = pairwise_covariance(&[&X, &Y, &Z]).unwrap();
        close(
            cronbach(&cov, 3, &[0, 1, 2]).unwrap(),
            -0.274_285_714_285_714_24,
            1e-12,
        );
        close(
            cronbach(&cov, 3, &[0, 1]).unwrap(),
            0.909_090_909_090_909_2,
            1e-12,
        );
        close(
            cronbach(&cov, 3, &[1, 2]).unwrap(),
            -3.234_042_553_191_488,
            1e-12,
        );
        assert_eq!(cronbach(&cov, 3, &[2]), Err(Flaw::Single));
    }

    #[test]
    fn first_component_matches_numpy() {
        let p = pca(&[&X, &Y, &Z]).unwrap();
        assert_eq!(p.n, 8);
        close(p.eigenvalues[0], 2.559_934_120_106_250_4, 1e-10);
        close(p.eigenvalues[1], 0.336_122_320_248_615_55, 1e-10);
        close(p.eigenvalues[2], 0.103_943_559_645_134_23, 1e-10);
        close(p.first_share, 2.559_934_120_106_250_4 / 3.0, 1e-10);
        let want = [
            0.604_016_941_459_642_6,
            0.562_824_455_138_731_8,
            -0.564_262_498_423_852_5,
        ];
        for (l, w) in p.loadings.iter().zip(want) {
            close(*l, w, 1e-9);
        }
    }

    #[test]
    fn moments_match_the_e1071_formulas() {
        let v = [1.0, 2.0, 2.0, 3.0, 10.0, 4.0, 2.0];
        close(skewness(&v).unwrap(), 2.150_743_327_167_068, 1e-12);
        close(kurtosis(&v).unwrap(), 4.949_538_461_538_466_5, 1e-12);
    }

    #[test]
    fn missing_values_are_dropped_pairwise() {
        let x = [1.0, 2.0, NA, 4.0, 5.0, 6.0, 7.0];
        let y = [2.0, 1.0, 4.0, NA, 7.0, 5.0, 8.0];
        // pairs (1,2) (2,1) (5,7) (6,5) (7,8)
        close(
            pearson(&x, &y).unwrap(),
            pearson(&[1., 2., 5., 6., 7.], &[2., 1., 7., 5., 8.]).unwrap(),
            0.0,
        );
        let short = [1.0, NA, NA, NA, 5.0, 6.0, 7.0]; // 4 pairs: (1,2) (5,7) (6,5) (7,8)
        assert_eq!(pearson(&short, &y), Err(Flaw::TooFew { n: 4, need: 5 }));
    }

    #[test]
    fn what_cannot_be_computed_says_why() {
        let flat = [3.0; 8];
        assert_eq!(pearson(&X, &flat), Err(Flaw::Constant(1)));
        assert_eq!(spearman(&flat, &X), Err(Flaw::Constant(0)));
        assert_eq!(pca(&[&X]), Err(Flaw::Single));
        assert_eq!(pca(&[&X, &flat]), Err(Flaw::Constant(1)));
        assert_eq!(pairwise_covariance(&[&X, &flat]), Err(Flaw::Constant(1)));
        let none = [NA; 8];
        assert_eq!(pearson(&X, &none), Err(Flaw::TooFew { n: 0, need: 5 }));
        assert_eq!(skewness(&flat), Err(Flaw::Constant(0)));
        assert_eq!(robust_scale(&[0.0, 0.0, 0.0, 1.0, 9.0]), Err(Flaw::ZeroMad));
    }

    proptest::proptest! {
        #[test]
        fn correlations_are_symmetric_bounded_and_rank_based(
            xy in proptest::collection::vec((-50i32..50, -50i32..50), 5..40)
        ) {
            let x: Vec<f64> = xy.iter().map(|p| f64::from(p.0)).collect();
            let y: Vec<f64> = xy.iter().map(|p| f64::from(p.1)).collect();
            if let Ok(r) = pearson(&x, &y) {
                proptest::prop_assert!((-1.0..=1.0).contains(&r));
                proptest::prop_assert_eq!(Ok(r), pearson(&y, &x));
            }
            // Spearman depends on order only: a monotone transform changes nothing.
            let cubed: Vec<f64> = x.iter().map(|v| v.powi(3)).collect();
            proptest::prop_assert_eq!(spearman(&x, &y), spearman(&cubed, &y));
        }

        #[test]
        fn components_share_out_the_whole_variance(
            rows in proptest::collection::vec((-20i32..20, -20i32..20, -20i32..20), 6..30)
        ) {
            let col = |f: fn(&(i32, i32, i32)) -> i32| -> Vec<f64> {
                rows.iter().map(|r| f64::from(f(r))).collect()
            };
            let (a, b, c) = (col(|r| r.0), col(|r| r.1), col(|r| r.2));
            if let Ok(p) = pca(&[&a, &b, &c]) {
                let total: f64 = p.eigenvalues.iter().sum();
                proptest::prop_assert!((total - 3.0).abs() < 1e-9);
                proptest::prop_assert!(p.first_share >= 1.0 / 3.0 - 1e-12 && p.first_share <= 1.0 + 1e-12);
                let norm: f64 = p.loadings.iter().map(|l| l * l).sum();
                proptest::prop_assert!((norm - 1.0).abs() < 1e-9);
                proptest::prop_assert!(p.loadings.iter().sum::<f64>() >= -1e-12);
            }
        }
    }

    #[test]
    fn ranks_share_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 2.0, 2.0]), vec![4.0, 1.0, 2.5, 2.5]);
    }

    #[test]
    fn median_and_robust_scale() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        // |x - 3| = 2 1 0 1 7 -> MAD 1
        let (m, s) = robust_scale(&[1.0, 2.0, 3.0, 4.0, 10.0]).unwrap();
        assert_eq!(m, 3.0);
        close(s, MAD_TO_SD, 1e-15);
    }
}
