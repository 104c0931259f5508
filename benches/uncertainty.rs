//! Benchmark: Monte Carlo draws of the shipped UN Framework over every
//! country of one year (the latest), re-weighting and re-aggregating per
//! draw. Prints timings and draws per second. Run with
//! `cargo bench --bench uncertainty`; `RAYON_NUM_THREADS` sets the threads.

use std::time::Instant;

use atrisk::embedded;
use atrisk::framework::extends;
use atrisk::framework::uncertainty::Alternatives;
use atrisk::score::uncertainty::Model;

fn main() {
    let inputs = embedded::inputs();
    let (_, name, text) = embedded::FRAMEWORKS
        .iter()
        .find(|(id, _, _)| *id == "un-foa-2014")
        .expect("the UN Framework is shipped");
    let chain = extends::load_chain(name, text, &mut extends::embedded_only)
        .expect("shipped framework loads");
    let (plan, panel, scores) =
        atrisk::assess(name, text, &inputs).expect("shipped framework scores");
    let alts = Alternatives::of_chain(&chain.located());
    let y = panel.n_years - 1;
    let t = Instant::now();
    let model = Model::build(&plan, &panel, &scores, &alts, y);
    let t_build = t.elapsed();
    println!(
        "uncertainty: {} countries, year {}, {} factors, {} of {} nodes re-aggregated per draw, {} threads",
        panel.countries.len(),
        panel.year(y),
        model.factors(),
        model.evaluated_nodes(),
        plan.nodes.len(),
        rayon::current_num_threads()
    );
    println!(
        "  compile the model once:        {:>9.1} ms",
        t_build.as_secs_f64() * 1e3
    );
    for (draws, sens) in [(10_000, 0), (10_000, 1000)] {
        let mut best = f64::MAX;
        for _ in 0..3 {
            let t = Instant::now();
            let sim = model.simulate(draws, sens, 1, &|_| {});
            best = best.min(t.elapsed().as_secs_f64());
            assert_eq!(sim.info.draws, draws);
        }
        let runs = model.model_runs(draws, sens);
        println!(
            "  {draws} draws, {sens} sensitivity rows ({runs} model runs): {:>7.3} s, {:>9.0} draws/s, {:>9.0} model runs/s",
            best,
            draws as f64 / best,
            runs as f64 / best
        );
    }
}
