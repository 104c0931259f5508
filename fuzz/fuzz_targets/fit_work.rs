//! Fuzzes the budget of fitting (`fit-work`): the bytes choose a small
//! panel (units, years, values of a few predictor columns), onsets, a
//! logistic node reading those columns, the settings of a rolling-origin
//! backtest (refit interval, fixed or cross-validated penalty, folds) and
//! a bound of work, often tiny. The design of the node's training rows is
//! fitted and cross-validated directly, and the whole backtest runs through
//! the library. A fit within its bound never counts more work than the
//! bound; a fit stopped by it says so (`FitError::Budget`, L014 from the
//! backtest), and nothing panics, whatever the values.
#![no_main]

use std::fmt::Write as _;

use atrisk::backtest::events::Events;
use atrisk::backtest::rolling::{Config, Penalty};
use atrisk::fit::{self, FitError, Settings, Work};
use atrisk::limits::{self, Limit};
use libfuzzer_sys::fuzz_target;

/// Bounds of work to choose from: 0 stands for the default.
const CAPS: [u64; 8] = [1, 100, 5_000, 50_000, 400_000, 3_000_000, 40_000_000, 0];

const UNITS: usize = 5;
const FIRST_YEAR: i32 = 1990;

/// A reader of the bytes that gives zeros past their end.
struct Bytes<'a>(std::slice::Iter<'a, u8>);

impl Bytes<'_> {
    fn next(&mut self) -> u8 {
        self.0.next().copied().unwrap_or(0)
    }
}

/// A value of a predictor from one byte: missing, constant-ish or spread.
fn value(b: u8) -> String {
    match b {
        0 => String::new(),
        1 => "1e300".to_string(),
        2 => "-1e300".to_string(),
        3..=40 => "1".to_string(),
        v => format!("{}", f64::from(v) / 17.0),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data.iter());
    let p = usize::from(b.next() % 4) + 1;
    let years = usize::from(b.next() % 14) + 4;
    let cap = CAPS[usize::from(b.next() % 8)];
    let folds = usize::from(b.next() % 5) + 2;
    let every = u32::from(b.next() % 3) + 1;
    let fixed = b.next();
    limits::set(Limit::FitWork, cap);

    let mut fw = String::from(
        "# synthetic\nformat: 1\nid: synthetic-fit\ntitle: Synthetic fit\nversion: 0.0.1\ncrimes:\n  - {id: c, title: C}\nrisk_factors:\n  - {id: r, title: R, crimes: [c], kind: structural}\nindicators:\n  - id: m\n    risk_factor: r\n    text: T\n    aggregate: {method: logistic, intercept: -2}\n    measures:\n",
    );
    for j in 0..p {
        let _ = writeln!(
            fw,
            "      - {{id: p{j}, column: c{j}, normalise: raw, weight: 0.5}}"
        );
    }
    let mut panel = String::from("iso3,year");
    for j in 0..p {
        let _ = write!(panel, ",c{j}");
    }
    panel.push('\n');
    let mut events = String::from("iso3,year,event\n");
    for u in 0..UNITS {
        for y in 0..years {
            let year = FIRST_YEAR + y as i32;
            let _ = write!(panel, "U{u},{year}");
            for _ in 0..p {
                let _ = write!(panel, ",{}", value(b.next()));
            }
            panel.push('\n');
            match b.next() % 8 {
                0 => {
                    let _ = writeln!(events, "U{u},{year},onset");
                }
                1 => {
                    let _ = writeln!(events, "U{u},{year},ongoing");
                }
                _ => {}
            }
        }
    }
    let input = [atrisk::data::Input {
        name: "panel.csv".into(),
        prefix: None,
        bytes: panel.as_bytes(),
    }];
    let Ok((plan, panel, scores)) = atrisk::assess("fit.yaml", &fw, &input) else {
        return;
    };
    let unit = |vals: &[&str]| panel.unit_of_key(vals);
    let Ok(ev) = Events::parse(
        "events.csv",
        events.as_bytes(),
        &panel.unit_key,
        &unit,
        (panel.first_year, panel.last_year()),
    ) else {
        return;
    };
    let Ok(node) = atrisk::backtest::logistic_node(&plan, None) else {
        return;
    };
    let Ok(w) = atrisk::backtest::window(&panel, &ev, 2, Some(FIRST_YEAR + 3), None, false) else {
        return;
    };

    // The training rows, fitted and cross-validated directly.
    let (d, rows_years) =
        atrisk::backtest::design(&plan, &panel, &scores, &ev, node, &w, panel.last_year());
    let bound = Limit::FitWork.get();
    let s = Settings {
        max_irls: 25,
        max_sweeps: 300,
        ..Settings::new(0.5, f64::from(fixed) / 2_000.0)
    };
    let work = Work::new(bound);
    match fit::fit_within(&d, &s, None, &work) {
        Err(FitError::Budget { cap: c }) => {
            assert_eq!(c, bound);
            assert!(work.exceeded());
        }
        _ => assert!(work.used() <= bound, "{} > {bound}", work.used()),
    }
    let work = Work::new(bound);
    match fit::cross_validate_within(&d, &rows_years, 0.5, folds, 1, &work) {
        Err(FitError::Budget { .. }) => assert!(work.exceeded()),
        _ => assert!(work.used() <= bound, "{} > {bound}", work.used()),
    }

    // The whole rolling-origin backtest.
    let penalty = if fixed % 2 == 0 {
        Penalty::Fixed(f64::from(fixed) / 2_000.0)
    } else {
        Penalty::CrossValidated { folds }
    };
    let cfg = Config {
        every,
        alpha: 0.5,
        penalty,
        baseline: fixed % 3 == 0,
    };
    match atrisk::backtest::rolling(&plan, &panel, &scores, &ev, node, &w, &cfg) {
        Ok(r) => {
            for pr in &r.predictions {
                assert!(pr.probability.is_nan() || (0.0..=1.0).contains(&pr.probability));
            }
        }
        // The data may not support a fit (B0xx); the budget says L014, and
        // a run of this size never reaches the default budget.
        Err(e) => {
            assert!(e.code.starts_with('B') || e.code == "L014", "{e:?}");
            assert!(cap != 0 || e.code != "L014", "{e:?}");
        }
    }
});
