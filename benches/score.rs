//! Benchmark: load the shipped framework and panel, then score every
//! country-year. Prints timings and country-years per second. Run with
//! `cargo bench`.

mod common;

use common::time;

use atrisk::data::Panel;
use atrisk::embedded;

fn main() {
    let runs = 20;
    let (fw_name, fw_text) = embedded::FRAMEWORK;
    let (t_load, panel) = time(runs, || {
        Panel::load(&embedded::inputs()).expect("shipped panel loads")
    });
    let (t_all, (plan, panel2, scores)) = time(runs, || {
        atrisk::assess(fw_name, fw_text, &embedded::inputs()).expect("shipped framework scores")
    });
    let (t_eval, _) = time(runs, || atrisk::score::evaluate(&plan, &panel2));
    let years: Vec<usize> = (0..panel2.n_years).collect();
    let run = atrisk::analysis::Run {
        plan: &plan,
        panel: &panel2,
        scores: &scores,
        years,
    };
    let (t_csv, csv) = time(runs, || atrisk::report::csv::write(&run));
    let last = panel2.n_years - 1;
    let (t_summary, summary) = time(runs, || {
        atrisk::analysis::summary::Builder::new(&run).build(last, 20)
    });
    let (t_html, html) = time(runs, || {
        atrisk::report::html::write(&run, &summary, &[], None)
    });
    let sdn = panel2.find_country("SDN").expect("Sudan is in the panel");
    let (t_explain, explained) = time(runs, || {
        atrisk::report::explain::json(&atrisk::report::explain::explain(
            &plan, &panel2, &scores, sdn, last,
        ))
    });
    let (t_recs, triggered) = time(runs, || {
        (0..panel2.countries.len())
            .map(|c| {
                atrisk::score::recommend::triggered(&plan, &scores, panel2.cell(c, last)).len()
            })
            .sum::<usize>()
    });
    let (t_graph, dot) = time(runs, || {
        atrisk::graph::Graph::build(&plan, &panel2).to_dot()
    });
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
    println!(
        "  summary of the last year   {:>8.2} ms",
        t_summary.as_secs_f64() * 1e3
    );
    println!(
        "  HTML report                {:>8.2} ms  ({} bytes)",
        t_html.as_secs_f64() * 1e3,
        html.len()
    );
    println!(
        "  explain one country (JSON) {:>8.2} ms  ({} bytes)",
        t_explain.as_secs_f64() * 1e3,
        explained.len()
    );
    println!(
        "  recommendations, all countries, one year {:>8.2} ms  ({triggered} triggered)",
        t_recs.as_secs_f64() * 1e3
    );
    println!(
        "  graph to DOT               {:>8.2} ms  ({} bytes)",
        t_graph.as_secs_f64() * 1e3,
        dot.len()
    );
}
