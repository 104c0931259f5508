//! The summary as Markdown, to paste into a report or an issue tracker.

use std::fmt::Write;

use super::format::{
    BRIEF_RECOMMENDATIONS, FOOTER, NO_FACTOR_ROSE, NO_INDICATOR_ROSE, actor_names, compared_with,
    fmt_age_range, fmt_analyst, fmt_certainty, fmt_change, fmt_column_value, fmt_data_age,
    fmt_either, fmt_either_change, fmt_input_change, fmt_interval, fmt_reasons, fmt_triggers,
    forecast_note, more_recommendations, movers_note, opt, tally_heading,
};
use crate::analysis::summary::{Entry, Summary};
use crate::report::uncertainty::fmt_rank;
use crate::report::{fmt_probability, fmt_score};

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A watch list; `probability`: its values are probabilities. Entries with a
/// forecast get a column for it after the band.
fn md_entries(out: &mut String, entries: &[Entry], probability: bool) {
    let with = entries.iter().any(|e| e.interval.is_some());
    let forecast = entries.iter().any(|e| e.probability.is_some());
    let (fhead, frule) = if forecast {
        (" Forecast |", "---:|")
    } else {
        ("", "")
    };
    let (head, rule) = if with {
        (" Rank interval |", "---|")
    } else {
        ("", "")
    };
    let _ = writeln!(
        out,
        "| Rank |{head} ISO3 | Country | {} | Band |{fhead} Change |",
        if probability { "Probability" } else { "Score" }
    );
    let _ = writeln!(out, "|---:|{rule}---|---|---:|---|{frule}---:|");
    for e in entries {
        let iv = match e.interval {
            Some(i) if with => format!(" {} |", fmt_rank(&i)),
            _ if with => " |".to_string(),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "| {} |{iv} {} | {} | {} | {} |{} {} |",
            e.rank,
            md(&e.iso3),
            md(&e.country),
            e.score
                .map_or_else(|| "n/a".to_string(), |v| fmt_either(probability, v)),
            md(e.band.as_deref().unwrap_or("-")),
            if forecast {
                format!(" {} |", fmt_probability(e.probability))
            } else {
                String::new()
            },
            fmt_either_change(probability, e.change)
        );
    }
    out.push('\n');
}

fn md_movers(out: &mut String, s: &Summary, mean: bool) {
    let movers = if mean {
        &s.movers.three_year_mean
    } else {
        &s.movers.previous_year
    };
    let Some(what) = compared_with(s, mean) else {
        return;
    };
    let _ = writeln!(out, "### Largest rises against {what}\n");
    if let Some(note) = movers_note(s) {
        let _ = writeln!(out, "{note}\n");
    }
    if movers.is_empty() {
        let _ = writeln!(out, "None.\n");
        return;
    }
    for m in movers {
        let _ = writeln!(
            out,
            "- **{} ({})**: {} → {} ({}), {}{}",
            md(&m.country),
            md(&m.iso3),
            fmt_score(m.before),
            fmt_score(m.score),
            fmt_change(Some(m.change)),
            md(m.band.as_deref().unwrap_or("-")),
            fmt_certainty(m)
        );
        if m.drivers.is_empty() {
            let _ = writeln!(out, "  - {NO_FACTOR_ROSE}");
        }
        for d in &m.drivers {
            let _ = writeln!(
                out,
                "  - {} {}: {:.3} → {:.3}{}",
                d.id.to_uppercase(),
                md(&d.title),
                d.before,
                d.after,
                if d.indicators.is_empty() {
                    NO_INDICATOR_ROSE
                } else {
                    ""
                }
            );
            for i in &d.indicators {
                let inputs: Vec<String> = i
                    .inputs
                    .iter()
                    .map(|x| format!("`{}`", fmt_input_change(x).replace("->", "→")))
                    .collect();
                let _ = writeln!(
                    out,
                    "    - `{}` {:.3} → {:.3}: {}",
                    i.id,
                    i.before,
                    i.after,
                    inputs.join("; ")
                );
            }
        }
    }
    out.push('\n');
}

/// The summary as Markdown, to paste into a report or an issue tracker.
pub fn write_markdown(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Early-warning summary, {}: {} ({})\n",
        s.year,
        md(&s.framework.title),
        md(&s.framework.version)
    );
    if let Some(b) = &s.year_basis {
        let _ = writeln!(out, "{}.\n", md(b));
    }
    let counts: Vec<String> = s
        .bands
        .iter()
        .rev()
        .map(|b| format!("{} {}", md(&b.band), b.countries))
        .chain(std::iter::once(format!("no score {}", s.no_score)))
        .collect();
    let _ = writeln!(
        out,
        "{} countries, {} scored. Countries per band: {}.\n",
        s.countries,
        s.countries - s.no_score,
        counts.join(", ")
    );
    let _ = writeln!(out, "### Watch list (top {})\n", s.top);
    md_entries(&mut out, &s.watch_list.overall, s.probability);
    for c in &s.watch_list.crimes {
        let _ = writeln!(out, "#### {} (top {})\n", md(&c.title), s.top);
        md_entries(&mut out, &c.entries, c.probability);
    }
    md_movers(&mut out, s, false);
    md_movers(&mut out, s, true);
    if let Some(p) = s.previous_year {
        let _ = writeln!(out, "### New in the top two bands since {p}\n");
        if s.new_in_top_bands.is_empty() {
            let _ = writeln!(out, "None.\n");
        } else {
            let _ = writeln!(
                out,
                "| ISO3 | Country | Score | Band | {p} score | {p} band |"
            );
            let _ = writeln!(out, "|---|---|---:|---|---:|---|");
            for n in &s.new_in_top_bands {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    md(&n.iso3),
                    md(&n.country),
                    fmt_score(n.score),
                    md(&n.band),
                    opt(n.previous_score),
                    md(n.previous_band.as_deref().unwrap_or("no score"))
                );
            }
            out.push('\n');
        }
    }
    let _ = writeln!(out, "### Data warnings\n");
    if let Some(note) = &s.data_warnings.note {
        let _ = writeln!(out, "{}\n", md(note));
    }
    if let Some(a) = &s.data_warnings.input_age {
        let _ = writeln!(out, "{}\n", fmt_age_range(a, s.year));
    }
    if s.data_warnings.countries.is_empty() {
        let _ = writeln!(out, "No country with few indicators or old data.\n");
    } else {
        let _ = writeln!(out, "| ISO3 | Country | Score | Warning | Data |");
        let _ = writeln!(out, "|---|---|---:|---|---|");
        for w in &s.data_warnings.countries {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                md(&w.iso3),
                md(&w.country),
                opt(w.score),
                fmt_reasons(w),
                md(&fmt_data_age(&w.data))
            );
        }
        out.push('\n');
    }
    if let Some(head) = tally_heading(s) {
        let _ = writeln!(out, "### {head}\n");
        let _ = writeln!(out, "| Recommendation | Addressed to | Countries | Count |");
        let _ = writeln!(out, "|---|---|---|---:|");
        for r in &s.recommendations {
            let _ = writeln!(
                out,
                "| ({}) {} | {} | {} | {} of {} |",
                md(&r.id),
                md(&r.title),
                md(&actor_names(&r.addressed_to)),
                md(&r.countries.join(" ")),
                r.count,
                r.of
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "### Briefs\n");
    for b in &s.briefs {
        let _ = writeln!(
            out,
            "#### {}. {} ({})\n",
            b.rank,
            md(&b.country),
            md(&b.iso3)
        );
        let _ = writeln!(
            out,
            "Score {} ({}); change {} since the year before, {} against the three-year mean.{}\n",
            opt(b.score),
            md(b.band.as_deref().unwrap_or("-")),
            fmt_change(b.change_previous_year),
            fmt_change(b.change_three_year_mean),
            b.interval.map_or_else(String::new, |i| format!(
                " Over the draws of the framework's alternatives: {}.",
                fmt_interval(&i)
            ))
        );
        let crimes: Vec<String> = b
            .crimes
            .iter()
            .map(|c| {
                format!(
                    "{} {} ({})",
                    md(&c.title),
                    opt(c.score),
                    md(c.band.as_deref().unwrap_or("-"))
                )
            })
            .collect();
        let _ = writeln!(out, "- Crimes: {}", crimes.join("; "));
        if let Some(f) = &b.forecast {
            let _ = writeln!(
                out,
                "- Forecast: {} {}: {}",
                fmt_probability(f.score),
                md(f.band.as_deref().unwrap_or("-")),
                md(&f.title)
            );
        }
        for d in &b.drivers {
            let _ = writeln!(
                out,
                "- {} {}: {:.2}",
                d.id.to_uppercase(),
                md(&d.title),
                d.score
            );
            for i in &d.indicators {
                let inputs: Vec<String> = i
                    .inputs
                    .iter()
                    .map(|x| format!("`{}`", fmt_column_value(x)))
                    .collect();
                let _ = writeln!(out, "  - `{}` {:.2}: {}", i.id, i.score, inputs.join("; "));
            }
        }
        let _ = writeln!(out, "- Data: {}", md(&fmt_data_age(&b.data)));
        for a in &b.analyst {
            let _ = writeln!(out, "- Analyst assessment: {}", md(&fmt_analyst(a)));
        }
        for r in b.recommendations.iter().take(BRIEF_RECOMMENDATIONS) {
            let _ = writeln!(
                out,
                "- Recommends ({}) {}, to {}; called for by {}",
                md(&r.id),
                md(&r.title),
                md(&actor_names(&r.addressed_to)),
                md(&fmt_triggers(&r.triggered_by))
            );
        }
        if let Some(more) = more_recommendations(b) {
            let _ = writeln!(out, "- {more}");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{FOOTER}");
    if let Some(n) = forecast_note(s) {
        let _ = writeln!(out, "\n{n}");
    }
    // Names and titles come from inputs.
    crate::diagnostic::sanitize(&out).into_owned()
}
