//! Fuzzes the budgets on the grid a panel derives from its rows: the bytes
//! are rows of a long-form file (unit, year anywhere in 1000-3000,
//! indicator, value), so a few rows can name years far apart and units by
//! the dozen. Under lowered budgets the panel is built or refused (L008,
//! L009), never larger than `grid-cells`; a panel is scored with the
//! synthetic minimal framework of the tests within `score-cells`, and the
//! JSON document of every year is written within `json-nodes` or refused
//! (L012) before it is built.
#![no_main]

use std::fmt::Write as _;
use std::sync::Once;

use atrisk::analysis::Run;
use atrisk::data::{Input, Panel};
use atrisk::limits::{self, Limit};
use atrisk::report::csv::Selection;
use libfuzzer_sys::fuzz_target;

static LIMITS: Once = Once::new();

const MINIMAL: &str = include_str!("../../tests/fixtures/minimal.yaml");

/// A long-form file from the bytes, five bytes a row.
fn long_form(data: &[u8]) -> String {
    let mut s = String::from("iso3,year,indicator,value\n");
    for row in data.chunks_exact(5) {
        let unit = row[0] % 64;
        let year = 1000 + u16::from_le_bytes([row[1], row[2]]) % 2001;
        let indicator = ["x", "y", "z"][usize::from(row[3] % 3)];
        let value = match row[4] {
            0 => String::new(),
            1 => "NA".to_string(),
            v => format!("{}", f64::from(v) / 25.0),
        };
        let _ = writeln!(s, "U{unit:02},{year},{indicator},{value}");
    }
    s
}

fuzz_target!(|data: &[u8]| {
    LIMITS.call_once(|| {
        limits::set(Limit::GridCells, 20_000);
        limits::set(Limit::PanelCells, 60_000);
        limits::set(Limit::ScoreCells, 100_000);
        limits::set(Limit::JsonNodes, 20_000);
    });
    let text = long_form(data);
    let input = [Input {
        name: "long.csv".into(),
        prefix: None,
        bytes: text.as_bytes(),
    }];
    match Panel::load(&input) {
        Ok(p) => {
            let grid = p.countries.len() * p.n_years;
            assert!(grid <= Limit::GridCells.get_usize(), "grid of {grid}");
        }
        Err(d) => {
            assert!(d.code.starts_with('D') || d.code.starts_with('L'), "{d:?}");
            return;
        }
    }
    let (plan, panel, scores) = match atrisk::assess("minimal.yaml", MINIMAL, &input) {
        Ok(r) => r,
        Err(d) => {
            // The data may lack a column the framework reads (D010), or
            // pass a budget.
            assert!(
                d.0.iter().all(|e| e.code.starts_with('D') || e.code.starts_with('L')),
                "{d:?}"
            );
            return;
        }
    };
    let cells = panel.countries.len() * panel.n_years;
    assert!(plan.nodes.len() * cells <= Limit::ScoreCells.get_usize());
    let run = Run {
        plan: &plan,
        panel: &panel,
        scores: &scores,
        years: (0..panel.n_years).collect(),
    };
    match atrisk::report::json::check_size(&run, &Selection::default()) {
        Ok(()) => {
            let json = atrisk::report::json::write(&run);
            assert!(json.starts_with('{') || json.starts_with('['));
        }
        Err(d) => assert_eq!(d.code, "L012", "{d:?}"),
    }
});
