//! `atrisk fit`: the written framework against a direct fit, bad input, and
//! the refit of EWP's model where EWP's data are present.

mod common;
use common::{DATA, EVENTS, FW, fails, run};

fn number_after(text: &str, key: &str) -> f64 {
    let at = text
        .find(key)
        .unwrap_or_else(|| panic!("no {key} in\n{text}"))
        + key.len();
    let rest = &text[at..];
    let end = rest.find([',', '}']).unwrap();
    rest[..end].trim().parse().unwrap()
}

#[test]
fn written_weights_are_the_fit_of_the_training_rows() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fitted.yaml");
    let o = run(&[
        "fit",
        "--framework",
        FW,
        "--data",
        DATA,
        "--events",
        EVENTS,
        "--horizon",
        "1",
        "--node",
        "b.logit",
        "--through",
        "2002",
        "--alpha",
        "0.5",
        "--lambda",
        "0.01",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    // The same rows fitted directly: x of 2000-2002, positive AAA 2001.
    let xs = [1.0, 8.0, 2.0, 5.0, 9.0, 3.0, 8.0, 2.0, 2.0, 4.0, 4.0, 4.0];
    let mut d = atrisk::fit::Design::new(1);
    for (i, x) in xs.iter().enumerate() {
        d.push(&[*x], i == 1);
    }
    let m = atrisk::fit::fit(&d, &atrisk::fit::Settings::new(0.5, 0.01)).unwrap();
    // rows enter in another order, so the sums may differ in the last bits
    assert!((number_after(&text, "intercept:") - m.intercept).abs() < 1e-9);
    assert!((number_after(&text, "weight:") - m.beta[0]).abs() < 1e-9);
    assert!(m.beta[0] > 0.0);
    assert!(text.starts_with("# Weights and intercept of `b.logit` fitted with `atrisk fit`"));
    assert!(text.contains("12 rows, 1 positive"), "{text}");
    assert!(
        !text.contains("20") || !text.contains("UTC"),
        "no date in the record"
    );
    // The written framework is valid, and refuses to be overwritten.
    let o = run(&["validate", out.to_str().unwrap(), "--data", DATA]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let again = run(&[
        "fit",
        "--framework",
        FW,
        "--data",
        DATA,
        "--events",
        EVENTS,
        "--horizon",
        "1",
        "--node",
        "b.logit",
        "--through",
        "2002",
        "--lambda",
        "0.01",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&again.stderr).contains("B016"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
}

#[test]
fn the_same_fit_writes_the_same_bytes() {
    let args = [
        "fit",
        "--framework",
        FW,
        "--data",
        DATA,
        "--events",
        EVENTS,
        "--horizon",
        "1",
        "--through",
        "2002",
        "--lambda",
        "0.02",
    ];
    let a = run(&args);
    assert_eq!(
        a.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    assert_eq!(a.stdout, run(&args).stdout);
    assert!(String::from_utf8_lossy(&a.stdout).contains("lambda 0.02;"));
}

#[test]
fn fit_refuses_bad_input() {
    let base = [
        "fit",
        "--data",
        DATA,
        "--horizon",
        "1",
        "--through",
        "2002",
        "--lambda",
        "0.0001",
    ];
    fails(
        &[
            &base[..],
            &[
                "--framework",
                FW,
                "--events",
                "tests/fixtures/backtest/separated.csv",
            ],
        ]
        .concat(),
        3,
        "B011",
    );
    fails(
        &[
            &base[..],
            &[
                "--framework",
                "tests/fixtures/backtest/no-weight.yaml",
                "--events",
                EVENTS,
            ],
        ]
        .concat(),
        2,
        "B015",
    );
    fails(
        &[
            &base[..],
            &["--framework", FW, "--events", EVENTS, "--node", "r1"],
        ]
        .concat(),
        2,
        "B009",
    );
    // two logistic-free frameworks: the shipped one has no logistic node
    let o = run(&[
        "fit",
        "--framework",
        "un-foa-2014",
        "--events",
        "examples/data/mass-killing-onsets.csv",
        "--through",
        "2010",
        "--lambda",
        "0.01",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no logistic node"));
    // outcomes of 2002 need events to 2004 with a horizon of 2
    fails(
        &[
            "fit",
            "--framework",
            FW,
            "--data",
            DATA,
            "--events",
            EVENTS,
            "--through",
            "2002",
            "--lambda",
            "0.01",
        ],
        64,
        "B007",
    );
    fails(
        &[
            &base[..],
            &["--framework", FW, "--events", EVENTS, "--alpha", "2"],
        ]
        .concat(),
        64,
        "B013",
    );
    // every weight zero at a large penalty
    fails(
        &[
            "fit",
            "--framework",
            FW,
            "--data",
            DATA,
            "--events",
            EVENTS,
            "--horizon",
            "1",
            "--through",
            "2002",
            "--lambda",
            "100",
        ],
        64,
        "B017",
    );
}

/// Refitting EWP's 39 candidate predictors at alpha 0.5 and EWP's lambda on
/// 1960-2022 reproduces the published 2025-26 probabilities within 1e-3.
#[test]
fn ewp_refit_reproduces_the_published_probabilities() {
    let Some(dir) = common::ewp::ewp_dir() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("refit.yaml");
    let panel = dir.join("prepared2024predictors-2025-09-03.csv");
    let o = run(&[
        "fit",
        "--framework",
        "frameworks/ewp-sra-2025.yaml",
        "--data",
        panel.to_str().unwrap(),
        "--events",
        "examples/data/mass-killing-onsets.csv",
        "--through",
        "2022",
        "--alpha",
        "0.5",
        "--lambda",
        "0.002586428948318162",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("22 of 39 weights non-zero"),
        "{}",
        &text[..800]
    );
    let worst = common::ewp::compare_2024(&dir, &out, false);
    eprintln!("refit: largest difference from EWP's published probabilities {worst:.2e}");
    assert!(worst < 1e-3, "{worst}");
}

/// The shipped forecast framework refits with the command of
/// scripts/fit_forecast.sh: the same lambda, chosen by cross-validation by
/// year, and the same weights as the shipped file; a refit of the refitted
/// file replaces the record of the earlier fit rather than adding one.
#[test]
fn the_shipped_forecast_is_what_its_refit_command_writes() {
    let dir = tempfile::tempdir().unwrap();
    let fit = |from: &str, to: &std::path::Path| {
        let o = run(&[
            "fit",
            "--framework",
            from,
            "--data",
            "examples/data/panel.csv",
            "--data",
            "examples/data/vdem.csv",
            "--data",
            "examples/data/mass-killing-history.csv",
            "--events",
            "examples/data/mass-killing-onsets.csv",
            "--alpha",
            "0.5",
            "--cv",
            "5",
            "-o",
            to.to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        std::fs::read_to_string(to).unwrap()
    };
    let shipped =
        std::fs::read_to_string(common::root().join("frameworks/un-foa-2014-forecast.yaml"))
            .unwrap();
    let once = fit(
        "frameworks/un-foa-2014-forecast.yaml",
        &dir.path().join("a.yaml"),
    );
    assert_eq!(
        once, shipped,
        "the shipped weights are stale: run scripts/fit_forecast.sh"
    );
    assert_eq!(once.matches("fitted with `atrisk fit`").count(), 1);
    assert!(once.starts_with("# yaml-language-server:"));
    assert!(once.contains("5-fold cross-validation by year"));
    assert!(once.contains("training rows: 1990-2022"));
}

#[test]
fn cross_validation_by_year_needs_enough_years_and_events() {
    // the synthetic fixture: 2000-2001 with a horizon of 1; one positive row
    let err = fails(
        &[
            "fit",
            "--framework",
            FW,
            "--data",
            DATA,
            "--events",
            EVENTS,
            "--horizon",
            "1",
            "--node",
            "b.logit",
            "--through",
            "2001",
            "--cv",
            "2",
        ],
        3,
        "B018",
    );
    assert!(
        err.contains("2 folds need at least 2 positive rows"),
        "{err}"
    );
    assert!(err.contains("8 rows, 1 positive"), "{err}");
}
