//! Unit tests of the penalised logistic regression.

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
    let fits = path(&d, None, 0.5, &lambdas, &Work::unbounded()).unwrap();
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
    let a = path(&d, Some(&rows), 0.5, &lambdas[50..52], &Work::unbounded()).unwrap();
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

#[test]
fn constant_predictors_are_named() {
    // synthetic: the second predictor is 3 in every row
    let mut d = Design::new(3);
    for (i, y) in [false, true, false, true, false].into_iter().enumerate() {
        d.push(&[i as f64, 3.0, (i % 2) as f64 * 0.5 + 1.0], y);
    }
    assert_eq!(constant_predictors(&d), vec![1]);
    let mut all = Design::new(2);
    all.push(&[1.0, 2.0], false);
    all.push(&[1.0, 2.0], true);
    assert_eq!(constant_predictors(&all), vec![0, 1]);
}

#[test]
fn a_single_separating_predictor_is_found() {
    // synthetic: x0 overlaps between the classes; x1 separates completely
    let mut d = Design::new(2);
    for (x0, x1, y) in [
        (1.0, 0.1, false),
        (3.0, 0.2, false),
        (2.0, 0.9, true),
        (1.5, 0.8, true),
    ] {
        d.push(&[x0, x1], y);
    }
    let s = separating_predictor(&d).expect("x1 separates");
    assert_eq!((s.predictor, s.higher_positive, s.quasi), (1, true, false));
    assert_eq!(s.at, 0.2);
    // quasi-complete: the classes meet at one value, lower values positive
    let mut q = Design::new(1);
    for (x, y) in [(0.0, true), (1.0, true), (1.0, false), (2.0, false)] {
        q.push(&[x], y);
    }
    let s = separating_predictor(&q).expect("quasi");
    assert_eq!(
        (s.predictor, s.higher_positive, s.quasi, s.at),
        (0, false, true, 1.0)
    );
    // overlapping classes: none
    assert_eq!(separating_predictor(&small()), None);
}

#[test]
fn quasi_separation_unpenalised_does_not_converge_but_is_recognised() {
    // synthetic: the classes meet only at x = 1
    let mut d = Design::new(1);
    for (x, y) in [
        (0.0, false),
        (0.5, false),
        (1.0, false),
        (1.0, true),
        (2.0, true),
        (3.0, true),
    ] {
        d.push(&[x], y);
    }
    assert!(separating_predictor(&d).is_some_and(|s| s.quasi));
    match fit(&d, &Settings::new(0.5, 0.0)) {
        Ok(m) => assert!(
            !m.converged || separates(&m, &d) || m.beta[0] > 10.0,
            "{m:?}"
        ),
        Err(e) => assert_eq!(e, FitError::Separation),
    }
}

/// Synthetic: `p` predictors over `n` rows, a noisy signal in the first.
fn wide(n: usize, p: usize) -> (Design, Vec<i32>) {
    let mut d = Design::new(p);
    let mut years = Vec::new();
    let mut state: u64 = 7;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    for i in 0..n {
        let row: Vec<f64> = (0..p).map(|_| next()).collect();
        d.push(&row, row[0] + next() > 1.0);
        years.push(2000 + (i % 10) as i32);
    }
    (d, years)
}

#[test]
fn work_is_counted_and_bounded() {
    let (d, years) = wide(120, 4);
    let s = Settings::new(0.5, 0.01);
    // within a bound: the same model as without one, and the work counted
    let unbounded = Work::unbounded();
    let free = fit_within(&d, &s, None, &unbounded).unwrap();
    assert_eq!(free, fit(&d, &s).unwrap());
    let used = unbounded.used();
    let step = 120 * 5 * 6 / 2;
    assert!(used >= free.irls_steps as u64 * step, "{used}");
    let exact = Work::new(used);
    assert_eq!(fit_within(&d, &s, None, &exact).unwrap(), free);
    assert!(!exact.exceeded());
    // one multiply-add less: the bound stops it, and stays passed
    let short = Work::new(used - 1);
    assert_eq!(
        fit_within(&d, &s, None, &short),
        Err(FitError::Budget { cap: used - 1 })
    );
    assert!(short.exceeded());
    assert!(short.charge(0).is_err());
    // cross-validation: the same count whatever the threads, and the
    // budget error whichever fold passes it
    let count = |threads: usize| {
        let w = Work::unbounded();
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| cross_validate_within(&d, &years, 0.5, 5, 0, &w).unwrap());
        w.used()
    };
    let total = count(1);
    assert_eq!(total, count(2));
    let w = Work::new(total / 2);
    assert_eq!(
        cross_validate_within(&d, &years, 0.5, 5, 0, &w).unwrap_err(),
        FitError::Budget { cap: total / 2 }
    );
}

#[test]
fn too_many_predictors_are_refused_before_any_work() {
    let d = Design {
        p: MAX_PREDICTORS + 1,
        x: vec![0.0; 2 * (MAX_PREDICTORS + 1)],
        y: vec![0.0, 1.0],
    };
    let w = Work::unbounded();
    assert_eq!(
        fit_within(&d, &Settings::new(0.5, 0.1), None, &w),
        Err(FitError::TooManyPredictors {
            p: MAX_PREDICTORS + 1
        })
    );
    assert_eq!(w.used(), 0);
}

#[test]
fn cross_validation_that_must_pass_the_bound_stops_before_any_work() {
    let (d, years) = wide(120, 4);
    let least = cv_least_work(&years, &d.y, d.p, 5, 0);
    assert!(least > 0);
    let all = Work::unbounded();
    cross_validate_within(&d, &years, 0.5, 5, 0, &all).unwrap();
    assert!(all.used() >= least, "{} < {least}", all.used());
    let w = Work::new(least - 1);
    assert_eq!(
        cross_validate_within(&d, &years, 0.5, 5, 0, &w).unwrap_err(),
        FitError::Budget { cap: least - 1 }
    );
    assert!(w.exceeded());
    // folds that cannot be made: no least work, the folds' error instead
    assert_eq!(cv_least_work(&[2000; 120], &d.y, d.p, 5, 0), 0);
}
