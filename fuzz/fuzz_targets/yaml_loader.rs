//! Fuzzes the framework reader: bytes -> UTF-8 check -> YAML with limits ->
//! model -> the whole chain (extends of shipped frameworks, validation), then
//! compilation against a small synthetic panel and scoring, under a lowered
//! `score-cells` budget, and the explanation of one unit-year under a
//! lowered `explain-nodes` budget (text and JSON no larger than it allows).
#![no_main]

use std::sync::Once;

use atrisk::data::{Input, Panel};
use atrisk::limits::{self, Limit};
use libfuzzer_sys::fuzz_target;

static LIMITS: Once = Once::new();

/// Synthetic rows: three units, three years, the columns the shipped
/// minimal frameworks of the tests read.
const PANEL: &str = "iso3,year,x,y\nAAA,2019,1,0.5\nAAA,2020,2,0.4\nBBB,2019,3,0.3\nBBB,2021,4,0.2\nCCC,2020,5,0.1\n";

fuzz_target!(|data: &[u8]| {
    LIMITS.call_once(|| {
        limits::set(Limit::ScoreCells, 20_000);
        limits::set(Limit::ExplainNodes, 5_000);
    });
    let Ok(text) = atrisk::framework::load::decode("fuzz.yaml", data.to_vec()) else {
        return;
    };
    if atrisk::framework::load::parse("fuzz.yaml", &text).is_err() {
        return;
    }
    let Ok(chain) = atrisk::framework::extends::load_chain(
        "fuzz.yaml",
        &text,
        &mut atrisk::framework::extends::embedded_only,
    ) else {
        return;
    };
    let layers = chain.located();
    let key = atrisk::framework::extends::unit_key(&layers);
    let input = [Input {
        name: "panel.csv".into(),
        prefix: None,
        bytes: PANEL.as_bytes(),
    }];
    let Ok(panel) = Panel::load_keyed(&input, &key) else {
        return;
    };
    if let Ok(plan) = atrisk::compile::compile_chain(&layers, &panel) {
        let cells = panel.countries.len() * panel.n_years;
        assert!(plan.nodes.len() * cells <= Limit::ScoreCells.get_usize());
        let scores = atrisk::score::evaluate(&plan, &panel);
        for n in 0..plan.nodes.len() {
            for c in 0..cells {
                let v = scores.value(n, c);
                assert!(v.is_nan() || (0.0..=1.0).contains(&v), "{v}");
            }
        }
        if let Ok(e) = atrisk::report::explain::explain_within(&plan, &panel, &scores, 0, 0) {
            // Each node written at most once with its children: the text
            // and the JSON stay proportional to the budget.
            let text = atrisk::report::explain::text(&e, &plan);
            let json = atrisk::report::explain::json(&e);
            let most = 5_000 * (2 * data.len() + 1_024);
            assert!(text.len() <= most, "{}", text.len());
            assert!(json.len() <= most, "{}", json.len());
        }
    }
});
