//! A ranked table for the terminal.

use std::fmt::Write;

use super::csv::Selection;
use super::{fmt_probability, fmt_score};
use crate::analysis::Run;

/// Writes the ranked table for each year: the rows `sel` picks (the first
/// `--top`, the countries of `--country`), ranked among all countries.
pub fn write(run: &Run<'_>, sel: &Selection) -> String {
    let mut out = String::new();
    for &y in &run.years {
        let all = run.ranked(y);
        let scored = all.iter().filter(|r| !r.score.is_nan()).count();
        let unscored = all.len() - scored;
        let rows = sel.rows(run, y);
        let shown = rows.len();
        let _ = writeln!(
            out,
            "{} ({}), {}: {} countries scored, {} without enough data",
            run.plan.title,
            run.plan.version,
            run.panel.year(y),
            scored,
            unscored
        );
        let name_w = rows[..shown]
            .iter()
            .map(|r| run.panel.countries[r.country].name.chars().count())
            .max()
            .unwrap_or(7)
            .clamp(7, 32);
        // The code column is headed by the unit key (`iso3` unless the data
        // are keyed otherwise) and as wide as the longest code shown.
        let key = run.panel.unit_key_label();
        let code_w = rows[..shown]
            .iter()
            .map(|r| run.panel.countries[r.country].iso3.chars().count())
            .chain([key.chars().count()])
            .max()
            .unwrap_or(4)
            .clamp(4, 32);
        // The framework's forecast, a probability, beside the relative score.
        let forecast = run.plan.forecast();
        let _ = writeln!(
            out,
            "{:>4}  {:<code_w$} {:<name_w$}  {:>5}  {:<9}  {}{:<30}  data",
            "rank",
            key,
            "country",
            "score",
            "band",
            if forecast.is_some() { "forecast  " } else { "" },
            "top risk factors"
        );
        let mut legend: Vec<usize> = Vec::new();
        let mut marked = false;
        for r in &rows[..shown] {
            legend.extend(r.top_factors.iter().map(|(n, _)| *n));
            let c = &run.panel.countries[r.country];
            let name: String = c.name.chars().take(name_w).collect();
            let code: String = c.iso3.chars().take(code_w).collect();
            let factors = r
                .top_factors
                .iter()
                .map(|(n, v)| format!("{} {:.2}", run.plan.nodes[*n].id.to_uppercase(), v))
                .collect::<Vec<_>>()
                .join(", ");
            let stale = run.values_basis(r.country, y).mostly_carried();
            marked |= stale;
            let _ = writeln!(
                out,
                "{:>4}  {:<code_w$} {:<name_w$}  {:>5}  {:<9}  {}{:<30}  {}/{}{}",
                r.rank,
                code,
                name,
                fmt_score(r.score),
                r.band.as_deref().unwrap_or("-"),
                r.probability
                    .map_or(String::new(), |p| format!("{:>8}  ", fmt_probability(p))),
                factors,
                r.indicators_with_data.0,
                r.indicators_with_data.1,
                if stale { " old" } else { "" }
            );
        }
        if sel.countries.is_none() && shown < all.len() {
            let _ = writeln!(
                out,
                "... {} more (use --top to show more)",
                all.len() - shown
            );
        }
        if marked {
            let _ = writeln!(
                out,
                "old: most of the country's measure values are carried forward from earlier years; `atrisk summary` names the columns."
            );
        }
        for note in [run.data_age_note(y), run.analyst_note(y)]
            .into_iter()
            .flatten()
        {
            let _ = writeln!(out, "{note}");
        }
        // In the framework's own order.
        legend.sort_by_key(|&n| (run.plan.nodes[n].line, n));
        legend.dedup();
        if !legend.is_empty() {
            let _ = writeln!(out, "\nRisk factors shown:");
            for n in legend {
                let node = &run.plan.nodes[n];
                let _ = writeln!(out, "  {:<5} {}", node.id.to_uppercase(), node.title);
            }
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "score: 0-1 relative risk, not a probability; countries are ranked by it."
    );
    if let Some(f) = run.plan.forecast() {
        let node = &run.plan.nodes[f];
        let _ = writeln!(
            out,
            "forecast: {} (`{}`), not part of the score; `atrisk explain --country X` shows what each input adds to it, `atrisk backtest` its record.",
            node.title, node.id
        );
    }
    let _ = writeln!(
        out,
        "data: measured indicators with a value / all measured indicators.\nRun `atrisk score --format json` for every node, its coverage and its input cells."
    );
    // Names and titles come from inputs.
    crate::diagnostic::sanitize(&out).into_owned()
}
