//! A ranked Markdown table, to paste into a report or an issue tracker.

use std::fmt::Write;

use super::csv::Selection;
use super::fmt_score;
use crate::analysis::Run;

fn esc(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Writes the Markdown: the rows `sel` picks, ranked among all countries.
pub fn write(run: &Run<'_>, sel: &Selection) -> String {
    let mut out = String::new();
    for &y in &run.years {
        let rows = sel.rows(run, y);
        let shown = rows.len();
        let _ = writeln!(out, "## {}: {}\n", esc(&run.plan.title), run.panel.year(y));
        let _ = writeln!(
            out,
            "| Rank | ISO3 | Country | Score | Band | Top risk factors | Indicators with data |"
        );
        let _ = writeln!(out, "|---:|---|---|---:|---|---|---:|");
        for r in &rows[..shown] {
            let c = &run.panel.countries[r.country];
            let factors = r
                .top_factors
                .iter()
                .map(|(n, v)| format!("{} ({:.2})", esc(&run.plan.nodes[*n].title), v))
                .collect::<Vec<_>>()
                .join("; ");
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {}/{} |",
                r.rank,
                esc(&c.iso3),
                esc(&c.name),
                fmt_score(r.score),
                r.band.as_deref().unwrap_or("-"),
                factors,
                r.indicators_with_data.0,
                r.indicators_with_data.1
            );
        }
        for note in [run.data_age_note(y), run.analyst_note(y)]
            .into_iter()
            .flatten()
        {
            let _ = writeln!(out, "\n{}", esc(&note));
        }
        out.push('\n');
    }
    out.push_str("Scores are relative risk on a 0-1 scale, not probabilities.\n");
    // Names and titles come from inputs.
    crate::diagnostic::sanitize(&out).into_owned()
}
