//! Benchmark: load the shipped framework and panel, then score every
//! country-year. Prints timings and country-years per second. Run with
//! `cargo bench`.

use std::time::{Duration, Instant};

use atrisk::data::{Input, Panel};
use atrisk::embedded;

fn inputs() -> Vec<Input<'static>> {
    embedded::DATA
        .iter()
        .map(|(name, bytes)| Input {
            name: (*name).to_string(),
            prefix: None,
            bytes,
        })
        .collect()
}

fn time<T>(runs: u32, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = f();
        best = best.min(t.elapsed());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

fn main() {
    let runs = 20;
    let (fw_name, fw_text) = embedded::FRAMEWORK;
    let (t_load, panel) = time(runs, || {
        Panel::load(&inputs()).expect("shipped panel loads")
    });
    let (t_all, (plan, panel2, scores)) = time(runs, || {
        atrisk::assess(fw_name, fw_text, &inputs()).expect("shipped framework scores")
    });
    let fw = atrisk::framework::load::parse(fw_name, fw_text).expect("parses");
    let plan2 = atrisk::framework::compile::compile(&fw, fw_name, &panel).expect("compiles");
    let (t_eval, _) = time(runs, || atrisk::score::evaluate(&plan2, &panel));
    let years: Vec<usize> = (0..panel2.n_years).collect();
    let run = atrisk::report::Run {
        plan: &plan,
        panel: &panel2,
        scores: &scores,
        years,
    };
    let (t_csv, csv) = time(runs, || atrisk::report::csv::write(&run));
    let cy = (panel.countries.len() * panel.n_years) as f64;
    println!(
        "shipped panel: {} countries x {} years = {cy} country-years, {} nodes",
        panel.countries.len(),
        panel.n_years,
        plan.nodes.len()
    );
    println!("best of {runs} runs:");
    println!(
        "  load CSV panel             {:>8.2} ms",
        t_load.as_secs_f64() * 1e3
    );
    println!(
        "  evaluate all nodes         {:>8.2} ms  ({:.0} country-years/s)",
        t_eval.as_secs_f64() * 1e3,
        cy / t_eval.as_secs_f64()
    );
    println!(
        "  parse+validate+load+score  {:>8.2} ms  ({:.0} country-years/s)",
        t_all.as_secs_f64() * 1e3,
        cy / t_all.as_secs_f64()
    );
    println!(
        "  CSV report, all years      {:>8.2} ms  ({} bytes)",
        t_csv.as_secs_f64() * 1e3,
        csv.len()
    );
}
