//! One CSV line per country-year with the overall, crime and risk-factor scores.

use crate::analysis::{Run, ValuesBasis, round};
use crate::compile::{Kind, Plan};
use crate::data::stream::BlockPanel;
use crate::score::Scores;

/// A score as written in CSV: rounded to 6 places, empty when none.
pub(crate) fn cell(v: f64) -> String {
    round(v, 6).map_or_else(String::new, |r| r.to_string())
}

/// The data-age columns that close each line: measure values observed in
/// the year, carried forward, filled, missing, and the oldest year a carried
/// value comes from.
pub const DATA_AGE_COLUMNS: [&str; 5] = [
    "values_observed",
    "values_carried",
    "values_filled",
    "values_missing",
    "oldest_carried_year",
];

fn data_age_cells(b: &ValuesBasis) -> [String; 5] {
    [
        b.observed.to_string(),
        b.carried.to_string(),
        b.filled.to_string(),
        b.missing.to_string(),
        b.oldest_carried.map_or_else(String::new, |y| y.to_string()),
    ]
}

/// The crime and risk-factor columns, in order.
fn score_columns(plan: &Plan) -> Vec<usize> {
    [Kind::Crime, Kind::RiskFactor]
        .iter()
        .flat_map(|k| plan.of_kind(*k))
        .collect()
}

/// Writes the CSV.
pub fn write(run: &Run<'_>) -> String {
    let plan = run.plan;
    let cols = score_columns(plan);
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
    header.extend(DATA_AGE_COLUMNS.iter().map(|c| (*c).to_string()));
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
            rec.extend(data_age_cells(&run.values_basis(r.country, y)));
            let _ = w.write_record(&rec);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The header of streamed CSV: like `score --format csv` without `rank`,
/// with the line each row was read from.
pub fn stream_header(plan: &Plan, unit_key_label: String) -> Vec<u8> {
    let mut h = vec![
        "year".to_string(),
        unit_key_label,
        "country".to_string(),
        "score".to_string(),
        "band".to_string(),
        "indicators_with_data".to_string(),
        "indicators_measured".to_string(),
    ];
    h.extend(
        score_columns(plan)
            .iter()
            .map(|&n| plan.nodes[n].id.clone()),
    );
    h.extend(DATA_AGE_COLUMNS.iter().map(|c| (*c).to_string()));
    h.push("line".to_string());
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&h);
    w.into_inner().unwrap_or_default()
}

/// The CSV lines (no header) of one streamed block: one per row read, in
/// file order, for the years in `years` if given.
pub fn stream_rows(
    plan: &Plan,
    bp: &BlockPanel,
    scores: &Scores,
    years: Option<(i32, i32)>,
) -> Vec<u8> {
    let panel = &bp.panel;
    let run = Run {
        plan,
        panel,
        scores,
        years: Vec::new(),
    };
    let measured = run.measured_indicators();
    let cols = score_columns(plan);
    let overall = plan.overall();
    let mut w = ::csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::with_capacity(bp.rows.len() * 64));
    let mut rec: Vec<String> = Vec::new();
    for &(c, line) in &bp.rows {
        let (unit, y) = (c / panel.n_years, c % panel.n_years);
        let year = panel.year(y);
        if years.is_some_and(|(a, b)| year < a || year > b) {
            continue;
        }
        let u = &panel.countries[unit];
        let score = scores.value(overall, c);
        let with = measured
            .iter()
            .filter(|&&i| !scores.value(i, c).is_nan())
            .count();
        rec.clear();
        rec.extend([
            year.to_string(),
            u.iso3.clone(),
            u.name.clone(),
            cell(score),
            plan.band(overall, score).unwrap_or_default().to_string(),
            with.to_string(),
            measured.len().to_string(),
        ]);
        rec.extend(cols.iter().map(|&n| cell(scores.value(n, c))));
        rec.extend(data_age_cells(&run.values_basis(unit, y)));
        rec.push(line.to_string());
        let _ = w.write_record(&rec);
    }
    w.into_inner().unwrap_or_default()
}
