//! Normalisation of a measure's values onto the 0-1 risk scale.

use crate::framework::model::{Centre, Direction, Normalise};

/// A z-score's standard deviation at or below this share of the absolute
/// mean is taken as zero (every value the same): each country then gets
/// z = 0, the middle of the scale.
pub const ZSCORE_TOLERANCE: f64 = 1e-12;

fn orient(s: f64, d: Option<Direction>) -> f64 {
    match d {
        Some(Direction::LowerIsRiskier) => 1.0 - s,
        _ => s,
    }
}

/// Normalises one value that does not depend on other countries.
/// Returns `None` for cross-sectional methods (percentile, z-score).
pub fn pointwise(n: &Normalise, d: Option<Direction>, x: f64) -> Option<f64> {
    if x.is_nan() {
        return Some(f64::NAN);
    }
    Some(match n {
        Normalise::Goalposts(g) => orient(((x - g.min) / (g.max - g.min)).clamp(0.0, 1.0), d),
        Normalise::Binary(b) => {
            let risky = match d {
                Some(Direction::LowerIsRiskier) => x <= b.threshold,
                _ => x >= b.threshold,
            };
            if risky { 1.0 } else { 0.0 }
        }
        Normalise::Steps(steps) => steps
            .iter()
            .rev()
            .find(|s| x >= s.min)
            .map_or(0.0, |s| s.score),
        Normalise::Raw => x,
        Normalise::Percentile | Normalise::Zscore(_) | Normalise::Centre(_) => return None,
    })
}

/// Normalises one year's cross-section (values of every country; NaN = missing)
/// for percentile and z-score methods. Results are in the same order.
pub fn cross_section(n: &Normalise, d: Option<Direction>, xs: &[f64]) -> Vec<f64> {
    let present: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
    let m = present.len();
    match n {
        Normalise::Percentile => {
            let mut sorted = present;
            sorted.sort_by(f64::total_cmp);
            xs.iter()
                .map(|&x| {
                    if x.is_nan() {
                        return f64::NAN;
                    }
                    if m < 2 {
                        return 0.5;
                    }
                    let below = sorted.partition_point(|v| *v < x);
                    let upto = sorted.partition_point(|v| *v <= x);
                    let ties = (upto - below) as f64;
                    let p = (below as f64 + (ties - 1.0) / 2.0) / (m as f64 - 1.0);
                    orient(p.clamp(0.0, 1.0), d)
                })
                .collect()
        }
        Normalise::Zscore(z) => {
            let mean = present.iter().sum::<f64>() / m.max(1) as f64;
            let var = present.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / m.max(1) as f64;
            // A spread within rounding of the mean counts as none: equal values
            // can leave a standard deviation of about 1e-17 after summing, which
            // would otherwise push every country to 0 or 1.
            let sd = var.sqrt();
            let sd = if sd <= ZSCORE_TOLERANCE * mean.abs() || sd == 0.0 {
                0.0
            } else {
                sd
            };
            xs.iter()
                .map(|&x| {
                    if x.is_nan() {
                        return f64::NAN;
                    }
                    let zv = if sd > 0.0 {
                        ((x - mean) / sd).clamp(-z.clip, z.clip)
                    } else {
                        0.0
                    };
                    orient((zv + z.clip) / (2.0 * z.clip), d)
                })
                .collect()
        }
        Normalise::Centre(c) => {
            let centre = match c {
                Centre::Mean => present.iter().sum::<f64>() / m as f64,
                Centre::Median => {
                    let mut sorted = present;
                    sorted.sort_by(f64::total_cmp);
                    if m == 0 {
                        f64::NAN
                    } else if m % 2 == 1 {
                        sorted[m / 2]
                    } else {
                        (sorted[m / 2 - 1] + sorted[m / 2]) / 2.0
                    }
                }
            };
            xs.iter().map(|&x| x - centre).collect()
        }
        other => xs
            .iter()
            .map(|&x| pointwise(other, d, x).unwrap_or(f64::NAN))
            .collect(),
    }
}

/// True for methods that need the whole year's cross-section.
pub fn is_cross_sectional(n: &Normalise) -> bool {
    matches!(
        n,
        Normalise::Percentile | Normalise::Zscore(_) | Normalise::Centre(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::model::{Binary, Goalposts, Step, Zscore};

    const UP: Option<Direction> = Some(Direction::HigherIsRiskier);
    const DOWN: Option<Direction> = Some(Direction::LowerIsRiskier);

    #[test]
    fn goalposts() {
        let g = Normalise::Goalposts(Goalposts {
            min: 10.0,
            max: 20.0,
        });
        assert_eq!(pointwise(&g, UP, 15.0), Some(0.5));
        assert_eq!(pointwise(&g, UP, 5.0), Some(0.0));
        assert_eq!(pointwise(&g, UP, 25.0), Some(1.0));
        assert_eq!(pointwise(&g, DOWN, 12.5), Some(0.75));
        assert!(pointwise(&g, UP, f64::NAN).unwrap().is_nan());
    }

    #[test]
    fn binary_and_steps() {
        let b = Normalise::Binary(Binary { threshold: 1.0 });
        assert_eq!(pointwise(&b, UP, 1.0), Some(1.0));
        assert_eq!(pointwise(&b, UP, 0.5), Some(0.0));
        assert_eq!(pointwise(&b, DOWN, 0.5), Some(1.0));
        let s = Normalise::Steps(vec![
            Step {
                min: 1.0,
                score: 0.5,
            },
            Step {
                min: 2.0,
                score: 1.0,
            },
        ]);
        assert_eq!(pointwise(&s, None, 0.0), Some(0.0));
        assert_eq!(pointwise(&s, None, 1.0), Some(0.5));
        assert_eq!(pointwise(&s, None, 7.0), Some(1.0));
    }

    #[test]
    fn percentile_with_ties_and_missing() {
        let xs = [3.0, 1.0, f64::NAN, 2.0, 2.0];
        let p = cross_section(&Normalise::Percentile, UP, &xs);
        // sorted present: 1,2,2,3 -> ranks 0, 1.5, 1.5, 3 over 3
        assert_eq!(p[0], 1.0);
        assert_eq!(p[1], 0.0);
        assert!(p[2].is_nan());
        assert_eq!(p[3], 0.5);
        let q = cross_section(&Normalise::Percentile, DOWN, &xs);
        assert_eq!(q[0], 0.0);
        assert_eq!(cross_section(&Normalise::Percentile, UP, &[4.0]), vec![0.5]);
    }

    #[test]
    fn centre_subtracts_the_median_or_the_mean() {
        let xs = [4.0, 1.0, f64::NAN, 2.0];
        let med = cross_section(&Normalise::Centre(Centre::Median), None, &xs);
        assert_eq!((med[0], med[1], med[3]), (2.0, -1.0, 0.0));
        assert!(med[2].is_nan());
        let xs = [4.0, 1.0, 2.0, 3.0];
        let med = cross_section(&Normalise::Centre(Centre::Median), None, &xs);
        assert_eq!(med, vec![1.5, -1.5, -0.5, 0.5]);
        let mean = cross_section(&Normalise::Centre(Centre::Mean), None, &xs);
        assert_eq!(mean, vec![1.5, -1.5, -0.5, 0.5]);
        assert!(cross_section(&Normalise::Centre(Centre::Mean), None, &[f64::NAN])[0].is_nan());
        assert!(pointwise(&Normalise::Centre(Centre::Mean), None, 1.0).is_none());
    }

    #[test]
    fn zscore_clipped() {
        let z = Normalise::Zscore(Zscore { clip: 1.0 });
        // mean 2, population sd sqrt(2/3)
        let out = cross_section(&z, UP, &[1.0, 2.0, 3.0]);
        let zs = 1.0 / (2.0f64 / 3.0).sqrt();
        assert!((out[1] - 0.5).abs() < 1e-12);
        assert_eq!(out[2], 1.0); // z = 1.22 clipped to 1
        assert_eq!(out[0], 0.0);
        assert!(zs > 1.0);
        let flat = cross_section(&z, UP, &[5.0, 5.0]);
        assert_eq!(flat, vec![0.5, 0.5]);
        // ten equal values whose mean is not exact in floating point: the
        // spread left by rounding is no spread
        let tenths = [0.1; 10];
        let mean = tenths.iter().sum::<f64>() / 10.0;
        assert_ne!(mean, 0.1, "the case needs a mean that rounding moved");
        let out = cross_section(&z, UP, &tenths);
        assert!(out.iter().all(|&v| v == 0.5), "{out:?}");
    }
}
