//! Aggregation of child scores into a parent score, with coverage.

use crate::compile::Rule;
use crate::framework::model::Method;

/// Result of aggregating: the value (NaN when insufficient data) and the
/// share of the children's weight that had data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Score, or NaN.
    pub value: f64,
    /// Share of weight with data, 0 to 1.
    pub coverage: f64,
}

/// Aggregates `(value, weight)` pairs; NaN values are missing.
pub fn aggregate(rule: &Rule, kids: &[(f64, f64)]) -> Outcome {
    // The sums every method needs, in one pass: each adds the children in
    // order from -0.0, as `Iterator::sum` of f64 does.
    let (mut total, mut have, mut wsum, mut weighted) = (-0.0, -0.0, -0.0, -0.0);
    for &(v, w) in kids {
        total += w.abs();
        if !v.is_nan() {
            have += w.abs();
            wsum += w;
            weighted += v * w;
        }
    }
    let coverage = if total > 0.0 { have / total } else { 0.0 };
    let present = || kids.iter().filter(|(v, _)| !v.is_nan());
    if have <= 0.0 || coverage + 1e-12 < rule.min_coverage {
        return Outcome {
            value: f64::NAN,
            coverage,
        };
    }
    let value = match rule.method {
        Method::Mean => weighted / wsum,
        Method::GeometricMean => {
            if present().any(|(v, w)| *w > 0.0 && *v <= 0.0) {
                0.0
            } else {
                let positive = || present().filter(|(_, w)| *w > 0.0);
                let wpos: f64 = positive().map(|(_, w)| *w).sum();
                (positive().map(|(v, w)| w * v.ln()).sum::<f64>() / wpos).exp()
            }
        }
        Method::Max => present()
            .filter(|(_, w)| *w > 0.0)
            .map(|(v, _)| *v)
            .fold(f64::NAN, f64::max),
        Method::ShareAbove => {
            present()
                .filter(|(v, _)| *v >= rule.threshold)
                .map(|(_, w)| *w)
                .sum::<f64>()
                / wsum
        }
        Method::Logistic => {
            let z = rule.intercept + weighted;
            1.0 / (1.0 + (-z).exp())
        }
    };
    let value = if value.is_nan() {
        value
    } else {
        value.clamp(0.0, 1.0)
    };
    Outcome { value, coverage }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::Just;

    const N: f64 = f64::NAN;

    fn rule(method: Method) -> Rule {
        Rule {
            method,
            threshold: 0.5,
            intercept: -1.0,
            min_coverage: 0.5,
            impute: false,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn weighted_mean_skips_missing_and_reports_coverage() {
        let o = aggregate(&rule(Method::Mean), &[(0.2, 1.0), (0.8, 3.0), (N, 1.0)]);
        assert!(close(o.value, (0.2 + 2.4) / 4.0));
        assert!(close(o.coverage, 0.8));
    }

    #[test]
    fn insufficient_below_min_coverage() {
        let o = aggregate(&rule(Method::Mean), &[(0.2, 1.0), (N, 1.0), (N, 1.0)]);
        assert!(o.value.is_nan());
        assert!(close(o.coverage, 1.0 / 3.0));
        let o = aggregate(&rule(Method::Mean), &[]);
        assert!(o.value.is_nan());
        assert_eq!(o.coverage, 0.0);
    }

    #[test]
    fn geometric_mean() {
        let o = aggregate(&rule(Method::GeometricMean), &[(0.25, 1.0), (1.0, 1.0)]);
        assert!(close(o.value, 0.5));
        let o = aggregate(&rule(Method::GeometricMean), &[(0.0, 1.0), (1.0, 1.0)]);
        assert_eq!(o.value, 0.0);
        let o = aggregate(&rule(Method::GeometricMean), &[(0.25, 2.0), (1.0, 1.0)]);
        assert!(close(o.value, 0.25f64.powf(2.0 / 3.0)));
        // a zero-weight child scoring 0 does not pull the mean to 0 or NaN
        let o = aggregate(
            &rule(Method::GeometricMean),
            &[(0.25, 1.0), (1.0, 1.0), (0.0, 0.0)],
        );
        assert!(close(o.value, 0.5));
    }

    #[test]
    fn max_and_share_above() {
        let o = aggregate(&rule(Method::Max), &[(0.2, 1.0), (0.9, 1.0), (N, 1.0)]);
        assert_eq!(o.value, 0.9);
        let o = aggregate(
            &rule(Method::ShareAbove),
            &[(0.2, 1.0), (0.5, 1.0), (0.7, 2.0)],
        );
        assert!(close(o.value, 0.75));
    }

    /// The sums of one pass are those of `Iterator::sum`, term by term.
    fn by_passes(rule: &Rule, kids: &[(f64, f64)]) -> Outcome {
        let total: f64 = kids.iter().map(|(_, w)| w.abs()).sum();
        let present = || kids.iter().filter(|(v, _)| !v.is_nan());
        let have: f64 = present().map(|(_, w)| w.abs()).sum();
        let coverage = if total > 0.0 { have / total } else { 0.0 };
        if have <= 0.0 || coverage + 1e-12 < rule.min_coverage {
            return Outcome {
                value: f64::NAN,
                coverage,
            };
        }
        let wsum: f64 = present().map(|(_, w)| *w).sum();
        let weighted: f64 = present().map(|(v, w)| v * w).sum();
        let value = match rule.method {
            Method::Mean => weighted / wsum,
            Method::Logistic => 1.0 / (1.0 + (-(rule.intercept + weighted)).exp()),
            _ => return aggregate(rule, kids),
        };
        Outcome {
            value: if value.is_nan() {
                value
            } else {
                value.clamp(0.0, 1.0)
            },
            coverage,
        }
    }

    proptest::proptest! {
        #[test]
        fn one_pass_gives_the_bits_of_separate_sums(
            kids in proptest::collection::vec(
                (
                    proptest::prop_oneof![
                        Just(f64::NAN), Just(-0.0), Just(0.0), -10.0..10.0f64, proptest::num::f64::ANY
                    ],
                    proptest::prop_oneof![Just(-0.0), Just(0.0), -3.0..3.0f64]
                ),
                0..12,
            ),
            logistic in proptest::bool::ANY,
            min in 0.0..1.0f64,
        ) {
            let method = if logistic { Method::Logistic } else { Method::Mean };
            let r = Rule { min_coverage: min, ..rule(method) };
            let (a, b) = (aggregate(&r, &kids), by_passes(&r, &kids));
            proptest::prop_assert_eq!(a.value.to_bits(), b.value.to_bits());
            proptest::prop_assert_eq!(a.coverage.to_bits(), b.coverage.to_bits());
        }
    }

    #[test]
    fn logistic() {
        let r = Rule {
            min_coverage: 1.0,
            ..rule(Method::Logistic)
        };
        let o = aggregate(&r, &[(2.0, 0.5), (1.0, -1.0)]);
        // z = -1 + 1 - 1 = -1
        assert!(close(o.value, 1.0 / (1.0 + 1f64.exp())));
        let o = aggregate(&r, &[(2.0, 0.5), (N, -1.0)]);
        assert!(o.value.is_nan());
        assert!(close(o.coverage, 1.0 / 3.0));
    }
}
