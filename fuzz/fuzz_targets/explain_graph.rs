//! Fuzzes the budget of explanations (`explain-nodes`) on theme graphs:
//! the bytes choose a framework of a few indicators and risk factors and up
//! to 48 themes, each theme holding earlier themes, indicators and risk
//! factors picked by the bytes (chains, diamonds sharing members level
//! after level, and everything between). The framework is loaded, compiled
//! against a small synthetic panel, scored and explained under a lowered
//! budget: an explanation is refused with L013 or written, and what is
//! written (text and JSON) stays proportional to the budget, never to the
//! number of paths through the graph.
#![no_main]

use std::fmt::Write as _;
use std::sync::Once;

use atrisk::data::Input;
use atrisk::limits::{self, Limit};
use libfuzzer_sys::fuzz_target;

static LIMITS: Once = Once::new();

/// The lowered budget of an explanation.
const EXPLAIN: u64 = 3_000;

/// Synthetic rows: two units, two years, the columns the indicators read.
const PANEL: &str = "iso3,year,x,y\nAAA,2019,1,0.5\nAAA,2020,2,0.4\nBBB,2019,3,\nBBB,2020,,0.2\n";

const INDICATORS: usize = 4;

/// A synthetic framework from the bytes.
fn framework(data: &[u8]) -> String {
    let mut s = String::from(
        "# synthetic\nformat: 1\nid: synthetic-graph\ntitle: Synthetic graph\nversion: 0.0.1\ncrimes:\n  - {id: c, title: C}\n  - {id: d, title: D}\nrisk_factors:\n  - {id: r0, title: R0, crimes: [c, d], kind: dynamic}\n  - {id: r1, title: R1, crimes: [d], kind: structural}\nindicators:\n",
    );
    for i in 0..INDICATORS {
        let (col, rf) = if i % 2 == 0 { ("x", "r0") } else { ("y", "r1") };
        let _ = writeln!(
            s,
            "  - {{id: i{i}, risk_factor: {rf}, text: T, measures: [{{column: {col}, direction: higher_is_riskier, normalise: {{goalposts: {{min: 0, max: 10}}}}}}]}}"
        );
    }
    let Some((&n, rest)) = data.split_first() else {
        return s;
    };
    let themes = usize::from(n % 48) + 1;
    s.push_str("themes:\n");
    // Each theme reads one byte of choices over the fixed members and up to
    // four bytes of choices over the themes before it (nearest first).
    let mut bytes = rest.iter().copied();
    for t in 0..themes {
        let fixed = bytes.next().unwrap_or(0);
        let mut members: Vec<String> = (0..INDICATORS)
            .filter(|i| fixed & (1 << i) != 0)
            .map(|i| format!("i{i}"))
            .collect();
        for (bit, rf) in [(4, "r0"), (5, "r1")] {
            if fixed & (1 << bit) != 0 {
                members.push(rf.to_string());
            }
        }
        for chunk in 0..t.div_ceil(8).min(4) {
            let pick = bytes.next().unwrap_or(0xff);
            for bit in 0..8 {
                let back = chunk * 8 + bit + 1;
                if back <= t && pick & (1 << bit) != 0 {
                    members.push(format!("t{}", t - back));
                }
            }
        }
        if members.is_empty() {
            members.push("i0".to_string());
        }
        let _ = writeln!(
            s,
            "  - {{id: t{t}, title: T{t}, members: [{}]}}",
            members.join(", ")
        );
    }
    s
}

fuzz_target!(|data: &[u8]| {
    LIMITS.call_once(|| limits::set(Limit::ExplainNodes, EXPLAIN));
    let text = framework(data);
    let input = [Input {
        name: "panel.csv".into(),
        prefix: None,
        bytes: PANEL.as_bytes(),
    }];
    let (plan, panel, scores) = match atrisk::assess("graph.yaml", &text, &input) {
        Ok(r) => r,
        Err(d) => {
            // The generated frameworks are valid: only a framework error of
            // the graph itself may refuse one.
            assert!(d.0.iter().all(|e| e.code.starts_with('F')), "{d:?}\n{text}");
            return;
        }
    };
    for country in 0..panel.countries.len() {
        for year in 0..panel.n_years {
            match atrisk::report::explain::explain_within(&plan, &panel, &scores, country, year) {
                Ok(e) => {
                    let text = atrisk::report::explain::text(&e, &plan);
                    let json = atrisk::report::explain::json(&e);
                    // A node or cell written is a line of text or a JSON
                    // object of bounded size (ids and titles are short here).
                    let most = EXPLAIN as usize * 600;
                    assert!(text.len() <= most, "text of {} bytes", text.len());
                    assert!(json.len() <= most, "JSON of {} bytes", json.len());
                }
                Err(d) => assert_eq!(d.code, "L013", "{d:?}"),
            }
        }
    }
});
