//! Output of `atrisk uncertainty`: the table of
//! [`crate::analysis::uncertainty::Document`] (per country the point score and
//! rank with their 5-95% intervals over the draws and the share of draws per
//! band; per group of choices its share of the variance of ranks) as text,
//! CSV and JSON (fields in docs/uncertainty.md).

use std::fmt::Write;

use crate::analysis::round;
use crate::analysis::uncertainty::{Document, Interval};

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

/// A country's rank interval as `lo-hi` (or one number when it has no width).
pub fn fmt_rank(i: &Interval) -> String {
    fmt_range(i.rank_p05, i.rank_p95)
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
            fmt_rank(&c.interval),
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
        return crate::diagnostic::sanitize(&out).into_owned();
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
    // Names and titles come from inputs.
    crate::diagnostic::sanitize(&out).into_owned()
}
