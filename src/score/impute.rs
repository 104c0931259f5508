//! `impute: year_mean`: a child of a logistic node that has no score in a
//! country-year is counted at the mean of that child's scores over the units
//! that have one in the same year. The node's coverage, and its
//! `min_coverage`, still count only the children with a real score, so a
//! unit with too little data gets no value at all.
//!
//! Scoring, fitting (`atrisk fit`, `atrisk backtest --refit-every`) and the
//! contributions of `atrisk explain` all impute through this module, so a
//! fitted model sees exactly the predictors it is later applied to.

use super::aggregate::{self, Outcome};
use crate::compile::Node;
use crate::compile::Rule;

/// The mean of one series of scores for each year over the units with a
/// score (NaN when none has one). `value(cell)` reads the score of a cell,
/// where `cell = unit * n_years + year_idx`.
pub fn year_means(n_units: usize, n_years: usize, value: impl Fn(usize) -> f64) -> Vec<f64> {
    (0..n_years)
        .map(|y| {
            let (mut sum, mut n) = (0.0, 0usize);
            for u in 0..n_units {
                let v = value(u * n_years + y);
                if !v.is_nan() {
                    sum += v;
                    n += 1;
                }
            }
            if n == 0 { f64::NAN } else { sum / n as f64 }
        })
        .collect()
}

/// For a node that imputes, the year means of each child (child-major);
/// empty for every other node. `value(child, cell)` reads a child's score.
pub fn child_means(
    node: &Node,
    n_units: usize,
    n_years: usize,
    value: impl Fn(usize, usize) -> f64,
) -> Vec<Vec<f64>> {
    if !node.rule.impute {
        return Vec::new();
    }
    node.children
        .iter()
        .map(|&(c, _)| year_means(n_units, n_years, |cell| value(c, cell)))
        .collect()
}

/// Aggregates one cell's `(value, weight)` children. With `means` from
/// [`child_means`] (non-empty), a missing child takes its mean for
/// `year_idx` once the node has enough real coverage; otherwise this is
/// [`aggregate::aggregate`].
pub fn aggregate(
    rule: &Rule,
    kids: &mut [(f64, f64)],
    means: &[Vec<f64>],
    year_idx: usize,
) -> Outcome {
    let real = aggregate::aggregate(rule, kids);
    if means.is_empty() || real.value.is_nan() {
        return real;
    }
    fill(kids, means, year_idx);
    let all = Rule {
        min_coverage: 0.0,
        ..*rule
    };
    Outcome {
        value: aggregate::aggregate(&all, kids).value,
        coverage: real.coverage,
    }
}

/// Replaces the missing values among `kids` by their year means.
pub fn fill(kids: &mut [(f64, f64)], means: &[Vec<f64>], year_idx: usize) {
    for (k, m) in kids.iter_mut().zip(means) {
        if k.0.is_nan() {
            k.0 = m[year_idx];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::model::Method;

    const N: f64 = f64::NAN;

    #[test]
    fn year_means_skip_missing_units() {
        // synthetic: 3 units x 2 years, cell = unit * 2 + year
        let v = [1.0, N, 3.0, 4.0, N, 8.0];
        let m = year_means(3, 2, |c| v[c]);
        assert_eq!(m, vec![2.0, 6.0]);
        assert!(year_means(1, 1, |_| N)[0].is_nan());
    }

    #[test]
    fn a_missing_child_counts_at_its_year_mean_but_not_in_coverage() {
        let rule = Rule {
            method: Method::Logistic,
            threshold: 0.5,
            intercept: -1.0,
            min_coverage: 0.5,
            impute: true,
        };
        let means = vec![vec![0.4], vec![2.0]];
        let mut kids = [(N, 1.0), (1.0, 1.0)];
        let o = aggregate(&rule, &mut kids, &means, 0);
        // z = -1 + 0.4 + 1
        assert!((o.value - 1.0 / (1.0 + (-0.4f64).exp())).abs() < 1e-12);
        assert_eq!(o.coverage, 0.5);
        // below min_coverage: no value, nothing imputed
        let strict = Rule {
            min_coverage: 0.75,
            ..rule
        };
        let mut kids = [(N, 1.0), (1.0, 1.0)];
        assert!(aggregate(&strict, &mut kids, &means, 0).value.is_nan());
        // without means: the plain aggregation (the missing child left out)
        let mut kids = [(N, 1.0), (1.0, 1.0)];
        let o = aggregate(&rule, &mut kids, &[], 0);
        assert!((o.value - 0.5).abs() < 1e-12);
    }
}
