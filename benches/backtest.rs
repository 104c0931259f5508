//! Benchmark: the rolling-origin backtest of the shipped forecast framework
//! (`un-foa-2014-forecast`) on the shipped panel, with the penalty chosen by
//! cross-validation by year inside each of its 31 yearly refits (nested) and
//! the naive baseline fitted the same way, on every core and on one; the
//! plain backtest of the shipped framework; and `fit` and the rolling origin
//! on the Early Warning Project's panel (about 9,000 training rows, 39
//! predictors), where EWP's data are present (`ATRISK_EWP_DIR`, or
//! `../shared/data/ewp-sra` beside the repository), skipped otherwise.
//! Prints timings; run with `cargo bench --bench backtest`.

mod common;

use common::time;

use std::path::PathBuf;

use atrisk::backtest::{self, Config, Events, Penalty};
use atrisk::data::{Input, Panel, UNIT_KEY_SEPARATOR};
use atrisk::embedded;
use atrisk::fit::{self, Settings};

const LAMBDA: f64 = 0.002586428948318162;

fn events(panel: &Panel) -> Events {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/mass-killing-onsets.csv"
    );
    let bytes = std::fs::read(path).expect("events file");
    let unit = |v: &[&str]| panel.find_country(&v.join(UNIT_KEY_SEPARATOR));
    Events::parse(
        path,
        &bytes,
        &panel.unit_key,
        &unit,
        (panel.first_year, panel.last_year()),
    )
    .expect("events parse")
}

fn shipped() {
    let inputs = embedded::inputs();
    let (name, text) = embedded::FRAMEWORK;
    let (plan, panel, scores) = atrisk::assess(name, text, &inputs).expect("scores");
    let ev = events(&panel);
    let w = backtest::window(&panel, &ev, 2, Some(1994), None, false).expect("window");
    let (t, n) = time(10, || {
        let rows = backtest::rows(&panel, &ev, &w);
        let mut nodes = vec![plan.overall()];
        nodes.extend(plan.of_kind(atrisk::compile::Kind::Crime));
        nodes.extend(plan.of_kind(atrisk::compile::Kind::RiskFactor));
        nodes
            .iter()
            .map(|&i| backtest::node_skill(&plan, &panel, &scores, &rows, i).n)
            .sum::<usize>()
    });
    println!(
        "shipped framework, {}-{}: skill of {} nodes ({n} scored country-years in all) in {:.2} ms",
        w.from,
        w.to,
        1 + plan.of_kind(atrisk::compile::Kind::Crime).len()
            + plan.of_kind(atrisk::compile::Kind::RiskFactor).len(),
        t.as_secs_f64() * 1e3
    );
}

/// The nested rolling origin of the forecast framework, as
/// `atrisk backtest --framework un-foa-2014-forecast --refit-every 1`.
fn forecast() {
    let inputs = embedded::inputs();
    let (name, text) = embedded::UN_FOA_2014_FORECAST;
    let (plan, panel, scores) = atrisk::assess(name, text, &inputs).expect("scores");
    let ev = events(&panel);
    let node = backtest::logistic_node(&plan, None).expect("logistic node");
    let first = panel.first_year + 3;
    let w = backtest::window(&panel, &ev, 2, Some(first), None, false).expect("window");
    let cfg = Config {
        every: 1,
        alpha: 0.5,
        penalty: Penalty::CrossValidated { folds: 5 },
        baseline: true,
    };
    let run = || backtest::rolling(&plan, &panel, &scores, &ev, node, &w, &cfg).expect("rolling");
    let threads = rayon::current_num_threads();
    let (t_all, rolled) = time(1, run);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let (t_one, again) = time(1, || one.install(run));
    assert_eq!(rolled, again, "the result does not depend on the threads");
    let b = &rolled.model.by_onset_year;
    let paths: usize = rolled
        .refits
        .iter()
        .chain(&rolled.baseline_refits)
        .filter_map(|r| r.cv.as_ref())
        .map(|c| c.path_fits)
        .sum();
    println!(
        "forecast framework, nested rolling origin {}-{}: {} refits of the model and {} of the baseline, {paths} fits along the folds' lambda paths; {:.1} s on {threads} thread(s), {:.1} s on 1 (target: under 60 s on 2 cores)",
        w.from,
        rolled.refits.last().map_or(w.from, |r| r.test_year),
        rolled.refits.len(),
        rolled.baseline_refits.len(),
        t_all.as_secs_f64(),
        t_one.as_secs_f64(),
    );
    println!(
        "  by onset year, as EWP counts: {} country-years, {} onsets, AUC {:.3}, top 30 {:.0}%",
        b.n,
        b.positives,
        b.auc_roc.unwrap_or(f64::NAN),
        b.recall[2].share.unwrap_or(f64::NAN) * 100.0
    );
}

fn main() {
    shipped();
    forecast();
    let dir = std::env::var_os("ATRISK_EWP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/ewp-sra")
        });
    let panel_path = dir.join("prepared2024predictors-2025-09-03.csv");
    let Ok(bytes) = std::fs::read(&panel_path) else {
        println!(
            "EWP benchmark skipped: {} not found (set ATRISK_EWP_DIR)",
            panel_path.display()
        );
        return;
    };
    let fw_path = concat!(env!("CARGO_MANIFEST_DIR"), "/frameworks/ewp-sra-2025.yaml");
    let fw_text = std::fs::read_to_string(fw_path).expect("framework");
    let inputs = [Input {
        name: panel_path.display().to_string(),
        prefix: None,
        bytes: &bytes,
    }];
    let (t_score, (plan, panel, scores)) = time(5, || {
        atrisk::assess(fw_path, &fw_text, &inputs).expect("EWP panel scores")
    });
    println!(
        "EWP panel: load and score {} units x {} years in {:.1} ms",
        panel.countries.len(),
        panel.n_years,
        t_score.as_secs_f64() * 1e3
    );
    let ev = events(&panel);
    let node = backtest::logistic_node(&plan, None).expect("logistic node");
    let w = backtest::window(&panel, &ev, 2, None, Some(2022), false).expect("window");
    let (d, _) = backtest::design(&plan, &panel, &scores, &ev, node, &w, 2022);
    let s = Settings::new(0.5, LAMBDA);
    let (t_fit, m) = time(5, || fit::fit(&d, &s).expect("fits"));
    println!(
        "fit through 2022: {} rows x {} predictors, {} positive, {} non-zero, {} IRLS steps: {:.1} ms",
        d.n(),
        d.p,
        m.positives,
        m.nonzero(),
        m.irls_steps,
        t_fit.as_secs_f64() * 1e3
    );
    let w = backtest::window(&panel, &ev, 2, Some(1993), None, false).expect("window");
    let cfg = Config {
        every: 1,
        alpha: 0.5,
        penalty: Penalty::Fixed(LAMBDA),
        baseline: false,
    };
    let (t_roll, rolled) = time(3, || {
        backtest::rolling(&plan, &panel, &scores, &ev, node, &w, &cfg).expect("rolling")
    });
    let (skill, refits) = (&rolled.model.by_country_year, &rolled.refits);
    println!(
        "rolling origin {}-{}: {} refits, AUC {:.3} on {} country-years ({} positive): {:.0} ms (target < 2000 ms)",
        w.from,
        w.to,
        refits.len(),
        skill.auc_roc.unwrap_or(f64::NAN),
        skill.n,
        skill.positives,
        t_roll.as_secs_f64() * 1e3
    );
    let b = &rolled.model.by_onset_year;
    println!(
        "  by onset year, as EWP counts: {} country-years, {} onsets, AUC {:.3}, top 30 {:.0}% (EWP: 5032, 39, 0.825, 64%; 69% by the better of its two ranks)",
        b.n,
        b.positives,
        b.auc_roc.unwrap_or(f64::NAN),
        b.recall[2].share.unwrap_or(f64::NAN) * 100.0
    );
    let (d, years) = backtest::design(&plan, &panel, &scores, &ev, node, &w, 2022);
    let (t_cv, cv) = time(1, || {
        fit::cross_validate(&d, &years, 0.5, 10, 1).expect("cv")
    });
    println!(
        "10-fold cross-validation by year over {} lambdas: best lambda {:.6}: {:.0} ms",
        cv.lambdas.len(),
        cv.lambdas[cv.best],
        t_cv.as_secs_f64() * 1e3
    );
}
