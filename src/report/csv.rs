//! One CSV line per country-year with the overall, crime and risk-factor scores.

use crate::analysis::{Run, round};
use crate::compile::Kind;

/// A score as written in CSV: rounded to 6 places, empty when none.
pub(crate) fn cell(v: f64) -> String {
    round(v, 6).map_or_else(String::new, |r| r.to_string())
}

/// Writes the CSV.
pub fn write(run: &Run<'_>) -> String {
    let plan = run.plan;
    let cols: Vec<usize> = [Kind::Crime, Kind::RiskFactor]
        .iter()
        .flat_map(|k| plan.of_kind(*k))
        .collect();
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "year".to_string(),
        "rank".to_string(),
        // The unit key names the code column: `iso3` unless the data are
        // keyed otherwise.
        run.panel.unit_key_label(),
        "country".to_string(),
        "score".to_string(),
        "band".to_string(),
        "indicators_with_data".to_string(),
        "indicators_measured".to_string(),
    ];
    header.extend(cols.iter().map(|&n| plan.nodes[n].id.clone()));
    let _ = w.write_record(&header);
    for &y in &run.years {
        for r in run.ranked(y) {
            let c = &run.panel.countries[r.country];
            let cellx = run.panel.cell(r.country, y);
            let mut rec = vec![
                run.panel.year(y).to_string(),
                r.rank.to_string(),
                c.iso3.clone(),
                c.name.clone(),
                cell(r.score),
                r.band.clone().unwrap_or_default(),
                r.indicators_with_data.0.to_string(),
                r.indicators_with_data.1.to_string(),
            ];
            rec.extend(cols.iter().map(|&n| cell(run.scores.value(n, cellx))));
            let _ = w.write_record(&rec);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
