//! Output of `atrisk uncertainty`: per country the point score and rank with
//! their 5-95% intervals over the draws and the share of draws per band; per
//! group of choices its share of the variance of ranks. Text, CSV and JSON
//! (fields in docs/uncertainty.md).

use std::fmt::Write;

use serde::Serialize;

use super::summary::Interval;
use crate::analysis::round;
use crate::data::Panel;
use crate::framework::compile::Plan;
use crate::score::uncertainty::{CountryInterval, RunInfo, Simulation};

/// The JSON document.
#[derive(Debug, Serialize)]
pub struct Document<'a> {
    /// Version of atrisk that wrote it.
    pub atrisk_version: &'static str,
    /// Framework id.
    pub framework: &'a str,
    /// Framework version.
    pub framework_version: &'a str,
    /// Data files.
    pub data: &'a [String],
    /// Year, draws, seed, model runs.
    #[serde(flatten)]
    pub info: RunInfo,
    /// Countries in point-rank order (countries without a point score last).
    pub countries: Vec<CountryRow>,
    /// Groups of choices, in framework order.
    pub sensitivity: Vec<SensitivityRow>,
}

/// One country.
#[derive(Debug, Serialize)]
pub struct CountryRow {
    /// Point rank (the framework's own choices).
    pub rank: Option<usize>,
    /// Country code.
    pub iso3: String,
    /// Country name.
    pub country: String,
    /// Point score.
    pub score: Option<f64>,
    /// Median score over the draws.
    pub score_median: Option<f64>,
    /// Median rank and the 5-95% intervals of rank and score.
    #[serde(flatten)]
    pub interval: Interval,
    /// Share of draws per overall band, lowest band first.
    pub bands: Vec<BandShare>,
    /// Share of draws without an overall score.
    pub no_score: f64,
}

/// The share of draws in one band.
#[derive(Debug, Serialize)]
pub struct BandShare {
    /// Band name.
    pub band: String,
    /// Share of draws, 0 to 1.
    pub share: f64,
}

/// One group of choices.
#[derive(Debug, Serialize)]
pub struct SensitivityRow {
    /// Group id.
    pub group: String,
    /// What it varies.
    pub label: String,
    /// Factors in the group.
    pub factors: usize,
    /// First-order index: the share of the variance of ranks due to this group alone.
    pub first_order: f64,
    /// Total index: the share including its interactions with other groups.
    pub total: f64,
}

fn r6(v: f64) -> Option<f64> {
    round(v, 6)
}

/// Builds the document from a simulation.
pub fn document<'a>(plan: &'a Plan, panel: &'a Panel, sim: &Simulation) -> Document<'a> {
    let n = sim.info.draws.max(1) as f64;
    let share = |k: u64| round(k as f64 / n, 4).unwrap_or(0.0);
    let mut order: Vec<usize> = (0..sim.countries.len()).collect();
    let key = |c: usize| {
        let p = sim.countries[c].point;
        if p.is_nan() { f64::NEG_INFINITY } else { p }
    };
    order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
    let countries = order
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let ci: &CountryInterval = &sim.countries[c];
            CountryRow {
                rank: (!ci.point.is_nan()).then_some(i + 1),
                iso3: panel.countries[c].iso3.clone(),
                country: panel.countries[c].name.clone(),
                score: r6(ci.point),
                score_median: ci.score[1].and_then(r6),
                interval: Interval::of(ci),
                bands: sim
                    .bands
                    .iter()
                    .zip(&ci.bands)
                    .map(|(b, &k)| BandShare {
                        band: b.clone(),
                        share: share(u64::from(k)),
                    })
                    .collect(),
                no_score: share(sim.info.draws as u64 - ci.scored),
            }
        })
        .collect();
    Document {
        atrisk_version: env!("CARGO_PKG_VERSION"),
        framework: &plan.id,
        framework_version: &plan.version,
        data: &panel.files,
        info: sim.info.clone(),
        countries,
        sensitivity: sensitivity_rows(sim),
    }
}

/// The groups, most influential (largest total index) first.
fn sensitivity_rows(sim: &Simulation) -> Vec<SensitivityRow> {
    let mut rows: Vec<SensitivityRow> = sim
        .sensitivity
        .iter()
        .map(|s| SensitivityRow {
            group: s.group.id.clone(),
            label: s.group.label.clone(),
            factors: s.group.factors,
            first_order: round(s.first_order, 4).unwrap_or(0.0),
            total: round(s.total, 4).unwrap_or(0.0),
        })
        .collect();
    rows.sort_by(|a, b| b.total.total_cmp(&a.total).then(a.group.cmp(&b.group)));
    rows
}

/// JSON, pretty-printed, with a final newline.
pub fn write_json(d: &Document<'_>) -> String {
    let mut s = serde_json::to_string_pretty(d).unwrap_or_default();
    s.push('\n');
    s
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(String::new, |v| v.to_string())
}

/// CSV: one line per country.
pub fn write_csv(d: &Document<'_>) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "year",
        "rank",
        "iso3",
        "country",
        "score",
        "score_median",
        "score_p05",
        "score_p95",
        "rank_median",
        "rank_p05",
        "rank_p95",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(first) = d.countries.first() {
        header.extend(
            first
                .bands
                .iter()
                .map(|b| format!("p_{}", b.band.replace(' ', "_"))),
        );
    }
    header.push("p_no_score".into());
    let _ = w.write_record(&header);
    for c in &d.countries {
        let mut rec = vec![
            d.info.year.to_string(),
            opt(c.rank),
            c.iso3.clone(),
            c.country.clone(),
            opt(c.score),
            opt(c.score_median),
            opt(c.interval.score_p05),
            opt(c.interval.score_p95),
            opt(c.interval.rank_median),
            opt(c.interval.rank_p05),
            opt(c.interval.rank_p95),
        ];
        rec.extend(c.bands.iter().map(|b| b.share.to_string()));
        rec.push(c.no_score.to_string());
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn fmt3(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), |v| format!("{v:.3}"))
}

/// A rank interval as `lo-hi`, or `n/a`.
pub fn fmt_range(lo: Option<usize>, hi: Option<usize>) -> String {
    match (lo, hi) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}-{b}"),
        _ => "n/a".to_string(),
    }
}

/// Text for the terminal.
pub fn write_text(d: &Document<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Uncertainty of the overall score, {}: {} {}",
        d.info.year, d.framework, d.framework_version
    );
    let _ = writeln!(
        out,
        "{} draws from seed {}; {} choices drawn per run; {} model runs.",
        d.info.draws, d.info.seed, d.info.factors, d.info.model_runs
    );
    let _ = writeln!(
        out,
        "Intervals hold the middle 90% of the draws (5th to 95th percentile); band columns are shares of draws.\n"
    );
    let bands: Vec<String> = d
        .countries
        .first()
        .map(|c| c.bands.iter().map(|b| b.band.clone()).collect())
        .unwrap_or_default();
    let name_w = d
        .countries
        .iter()
        .map(|c| c.country.chars().count())
        .max()
        .unwrap_or(7)
        .clamp(7, 28);
    let _ = write!(
        out,
        "{:>4}  {:<9}  {:<4}  {:<name_w$}  {:>5}  {:>6}  {:<11}",
        "rank", "interval", "iso3", "country", "score", "median", "5-95%"
    );
    for b in &bands {
        let _ = write!(out, "  {:>9}", b);
    }
    out.push_str("   no score\n");
    for c in &d.countries {
        let name: String = c.country.chars().take(name_w).collect();
        let _ = write!(
            out,
            "{:>4}  {:<9}  {:<4}  {:<name_w$}  {:>5}  {:>6}  {:<11}",
            opt(c.rank),
            fmt_range(c.interval.rank_p05, c.interval.rank_p95),
            c.iso3,
            name,
            fmt3(c.score),
            fmt3(c.score_median),
            match (c.interval.score_p05, c.interval.score_p95) {
                (Some(a), Some(b)) => format!("{a:.3}-{b:.3}"),
                _ => "n/a".into(),
            },
        );
        for b in &c.bands {
            let _ = write!(out, "  {:>8.1}%", b.share * 100.0);
        }
        let _ = writeln!(out, "  {:>8.1}%", c.no_score * 100.0);
    }
    if d.sensitivity.is_empty() {
        let _ = writeln!(
            out,
            "\nNo sensitivity indices ({}).",
            if d.info.factors == 0 {
                "the framework declares no alternatives"
            } else {
                "--sensitivity-draws 0"
            }
        );
        return out;
    }
    let _ = writeln!(
        out,
        "\nShare of the variance of ranks per choice ({} rows each of matrices A and B; first-order: Saltelli 2010, total: Jansen 1999):\n",
        d.info.sensitivity_draws
    );
    let gw = d
        .sensitivity
        .iter()
        .map(|s| s.group.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        out,
        "{:<gw$}  {:>11}  {:>6}  {:>7}  what it varies",
        "group", "first-order", "total", "factors"
    );
    for s in &d.sensitivity {
        let _ = writeln!(
            out,
            "{:<gw$}  {:>11.3}  {:>6.3}  {:>7}  {}",
            s.group,
            round(s.first_order, 3).unwrap_or(0.0),
            round(s.total, 3).unwrap_or(0.0),
            s.factors,
            s.label
        );
    }
    out
}
