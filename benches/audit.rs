//! Benchmark: the full audit of the shipped framework (madrid-2015 on
//! un-foa-2014) over every year of the shipped panel, and each renderer.
//! Prints timings. Run with `cargo bench --bench audit`.

mod common;

use atrisk::{audit, embedded};

/// A renderer of the audit.
type Render = fn(&audit::Audit) -> String;

fn main() {
    let inputs = embedded::inputs();
    let (name, text) = embedded::FRAMEWORK;
    let (plan, panel, scores) =
        atrisk::assess(name, text, &inputs).expect("shipped framework scores");
    let years = audit::years_with_data(&plan, &panel, &scores);
    let (t, a) = common::time(5, || audit::run(&plan, &panel, &scores, &years));
    println!(
        "audit: {} units x {} years, {} nodes, {} groups, {} findings",
        panel.countries.len(),
        years.len(),
        plan.nodes.len(),
        a.groups.len(),
        a.findings.len()
    );
    println!(
        "  audit (best of 5):      {:>8.1} ms",
        t.as_secs_f64() * 1e3
    );
    let renderers: [(&str, Render); 4] = [
        ("table", audit::text::write),
        ("json", audit::Audit::to_json),
        ("md", audit::markdown::write),
        ("html", audit::html::write),
    ];
    for (label, write) in renderers {
        let (t, out) = common::time(5, || write(&a));
        println!(
            "  render {label:<5} (best of 5): {:>8.1} ms, {} bytes",
            t.as_secs_f64() * 1e3,
            out.len()
        );
    }
}
