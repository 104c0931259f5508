//! Fuzzes the CSV readers: bytes as a data panel (keyed by `iso3`, and by
//! two columns) and as an assessment file, under lowered budgets so that
//! the budgets themselves are reached often. For a panel that loads, every
//! cell's raw text is read back and must give the cell's value, and every
//! unit name shown goes through the sanitiser.
#![no_main]

use std::sync::Once;

use atrisk::data::{Input, MISSING_MARKERS, Panel};
use atrisk::diagnostic::{is_unsafe_display, sanitize};
use atrisk::limits::{self, Limit};
use libfuzzer_sys::fuzz_target;

static LIMITS: Once = Once::new();

fn check(panel: &Panel) {
    assert!(panel.countries.len() * panel.n_years <= Limit::GridCells.get_usize());
    for c in &panel.countries {
        assert!(!sanitize(&c.name).chars().any(|ch| ch != '\n' && is_unsafe_display(ch)));
    }
    for col in 0..panel.columns.len() {
        for cell in 0..panel.countries.len() * panel.n_years {
            let (raw, v) = (panel.raw(col, cell), panel.value(col, cell));
            let t = raw.trim();
            if MISSING_MARKERS.contains(&t) {
                assert!(v.is_nan(), "`{raw}` holds {v}");
            } else {
                assert_eq!(t.parse::<f64>().ok(), Some(v), "`{raw}`");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    LIMITS.call_once(|| {
        limits::set(Limit::GridCells, 20_000);
        limits::set(Limit::PanelCells, 100_000);
        limits::set(Limit::CsvColumns, 200);
        limits::set(Limit::CsvRows, 10_000);
    });
    let input = [Input {
        name: "fuzz.csv".into(),
        prefix: None,
        bytes: data,
    }];
    if let Ok(p) = Panel::load(&input) {
        check(&p);
    }
    let key = ["iso3".to_string(), "admin1".to_string()];
    if let Ok(p) = Panel::load_keyed(&input, &key) {
        check(&p);
    }
    let _ = atrisk::data::assessments::Assessments::parse(&input);
});
