//! Transforms of one country's yearly series. Missing values are NaN; every
//! transform maps a series of length n to a series of length n.

use crate::framework::model::Transform;

/// Applies one transform. `denominator` is the per-capita column's series.
pub fn apply(t: &Transform, s: &[f64], denominator: Option<&[f64]>) -> Vec<f64> {
    let n = s.len();
    match t {
        Transform::Log => s
            .iter()
            .map(|&x| if x > 0.0 { x.ln() } else { f64::NAN })
            .collect(),
        Transform::Log1p => s
            .iter()
            .map(|&x| if x > -1.0 { x.ln_1p() } else { f64::NAN })
            .collect(),
        Transform::Sqrt => s
            .iter()
            .map(|&x| if x >= 0.0 { x.sqrt() } else { f64::NAN })
            .collect(),
        Transform::PerCapita(p) => {
            let d = denominator.unwrap_or(&[]);
            (0..n)
                .map(|i| match d.get(i) {
                    Some(&den) if den > 0.0 => s[i] / den * p.per,
                    _ => f64::NAN,
                })
                .collect()
        }
        Transform::Lag(k) => {
            let k = *k as usize;
            (0..n)
                .map(|i| if i >= k { s[i - k] } else { f64::NAN })
                .collect()
        }
        Transform::Change(k) => {
            let k = *k as usize;
            (0..n)
                .map(|i| if i >= k { s[i] - s[i - k] } else { f64::NAN })
                .collect()
        }
        Transform::RollingMean(k) => rolling(s, *k as usize, |w| {
            let v: Vec<f64> = w.iter().copied().filter(|x| !x.is_nan()).collect();
            if v.is_empty() {
                f64::NAN
            } else {
                v.iter().sum::<f64>() / v.len() as f64
            }
        }),
        Transform::RollingMax(k) => rolling(s, *k as usize, |w| {
            w.iter()
                .copied()
                .filter(|x| !x.is_nan())
                .fold(f64::NAN, f64::max)
        }),
    }
}

fn rolling(s: &[f64], k: usize, f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
    (0..s.len())
        .map(|i| {
            let lo = (i + 1).saturating_sub(k.max(1));
            f(&s[lo..=i])
        })
        .collect()
}

/// The positions of a transform's input series `s` that determine its
/// output at position `i` (which must have a value): the same year for
/// pointwise transforms (for `per_capita` the numerator; its denominator is
/// the same year of the denominator column), the lagged year for `lag`, both
/// ends for `change`, every year with data in the window for `rolling_mean`,
/// and the peak for `rolling_max` (of tied peaks, the latest). Positions are
/// in ascending order.
pub fn determines(t: &Transform, s: &[f64], i: usize) -> Vec<usize> {
    match t {
        Transform::Lag(k) => i.checked_sub(*k as usize).into_iter().collect(),
        Transform::Change(k) => match i.checked_sub(*k as usize) {
            Some(j) if j < i => vec![j, i],
            Some(_) => vec![i],
            None => Vec::new(),
        },
        Transform::RollingMean(k) => {
            let lo = (i + 1).saturating_sub((*k as usize).max(1));
            (lo..=i).filter(|&j| !s[j].is_nan()).collect()
        }
        Transform::RollingMax(k) => {
            let lo = (i + 1).saturating_sub((*k as usize).max(1));
            let mut peak: Option<usize> = None;
            for j in lo..=i {
                if !s[j].is_nan() && peak.is_none_or(|p| s[j] >= s[p]) {
                    peak = Some(j);
                }
            }
            peak.into_iter().collect()
        }
        _ => vec![i],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::model::PerCapita;

    const N: f64 = f64::NAN;

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-12)
    }

    #[test]
    fn pointwise() {
        assert!(same(
            &apply(&Transform::Log, &[1.0, std::f64::consts::E, 0.0, N], None),
            &[0.0, 1.0, N, N]
        ));
        assert!(same(
            &apply(&Transform::Log1p, &[0.0, 9.0, -1.0], None),
            &[0.0, 10f64.ln(), N]
        ));
        assert!(same(
            &apply(&Transform::Sqrt, &[4.0, -1.0, 0.0], None),
            &[2.0, N, 0.0]
        ));
    }

    #[test]
    fn per_capita() {
        let t = Transform::PerCapita(PerCapita {
            column: "pop".into(),
            per: 1000.0,
        });
        let out = apply(&t, &[10.0, 5.0, 3.0, N], Some(&[2000.0, 0.0, N, 10.0]));
        assert!(same(&out, &[5.0, N, N, N]));
    }

    #[test]
    fn time_transforms() {
        let s = [1.0, 3.0, N, 10.0];
        assert!(same(
            &apply(&Transform::Lag(1), &s, None),
            &[N, 1.0, 3.0, N]
        ));
        assert!(same(
            &apply(&Transform::Change(1), &s, None),
            &[N, 2.0, N, N]
        ));
        assert!(same(
            &apply(&Transform::Change(3), &s, None),
            &[N, N, N, 9.0]
        ));
        // mean of available values in the window
        assert!(same(
            &apply(&Transform::RollingMean(2), &s, None),
            &[1.0, 2.0, 3.0, 10.0]
        ));
        assert!(same(
            &apply(&Transform::RollingMean(3), &s, None),
            &[1.0, 2.0, 2.0, 6.5]
        ));
        assert!(same(
            &apply(&Transform::RollingMax(3), &s, None),
            &[1.0, 3.0, 3.0, 10.0]
        ));
        assert!(same(
            &apply(&Transform::RollingMax(1), &[N, 2.0], None),
            &[N, 2.0]
        ));
    }

    #[test]
    fn determining_positions() {
        let s = [1.0, 3.0, N, 3.0, 2.0];
        assert_eq!(determines(&Transform::Change(2), &s, 4), vec![2, 4]);
        assert_eq!(determines(&Transform::Lag(1), &s, 4), vec![3]);
        assert_eq!(determines(&Transform::Log, &s, 4), vec![4]);
        // every year with data in the window
        assert_eq!(determines(&Transform::RollingMean(3), &s, 3), vec![1, 3]);
        // the peak, and of tied peaks the latest
        assert_eq!(determines(&Transform::RollingMax(5), &s, 4), vec![3]);
        assert_eq!(determines(&Transform::RollingMax(2), &s, 4), vec![3]);
        assert_eq!(determines(&Transform::RollingMax(2), &s, 1), vec![1]);
    }
}
