//! Benchmark: `fit` and the rolling-origin backtest on the Early Warning
//! Project's panel (about 9,000 training rows, 39 predictors, 30 yearly
//! refits), where EWP's data are present (`ATRISK_EWP_DIR`, or
//! `../shared/data/ewp-sra` beside the repository); skipped otherwise. Also
//! times the plain backtest of the shipped framework on the shipped panel.
//! Prints timings; run with `cargo bench --bench backtest`.

mod common;

use common::time;

use std::path::PathBuf;

use atrisk::backtest::{self, Events};
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

fn main() {
    shipped();
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
    let (t_roll, rolled) = time(3, || {
        backtest::rolling(&plan, &panel, &scores, &ev, node, &w, 1, &s).expect("rolling")
    });
    let (skill, refits) = (&rolled.by_country_year, &rolled.refits);
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
    let b = &rolled.by_onset_year;
    println!(
        "  by onset year, as EWP counts: {} country-years, {} onsets, AUC {:.3}, top 30 {:.0}% (EWP: 5032, 39, 0.825, 64%; 69% by the better of its two ranks)",
        b.n,
        b.positives,
        b.auc_roc.unwrap_or(f64::NAN),
        b.recall[2].share.unwrap_or(f64::NAN) * 100.0
    );
    let (t_cv, cv) = time(1, || fit::cross_validate(&d, 0.5, 10).expect("cv"));
    println!(
        "10-fold cross-validation over {} lambdas: best lambda {:.6}: {:.0} ms",
        cv.lambdas.len(),
        cv.lambdas[cv.best],
        t_cv.as_secs_f64() * 1e3
    );
}
