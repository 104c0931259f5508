//! The summary as text for a terminal.

use std::fmt::Write;

use super::format::{
    BRIEF_RECOMMENDATIONS, FOOTER, NO_FACTOR_ROSE, NO_INDICATOR_ROSE, actor_names, compared_with,
    fmt_age_range, fmt_analyst, fmt_certainty, fmt_change, fmt_column_value, fmt_data_age,
    fmt_input_change, fmt_interval, fmt_reasons, fmt_triggers, more_recommendations, movers_note,
    opt,
};
use crate::analysis::summary::{Entry, Summary};
use crate::report::fmt_score;
use crate::report::uncertainty::fmt_rank;

fn text_entries(out: &mut String, entries: &[Entry], indent: &str) {
    let with = entries.iter().any(|e| e.interval.is_some());
    let iv = |e: Option<&Entry>| match e {
        None if with => format!("  {:<9}", "interval"),
        Some(e) if with => format!(
            "  {:<9}",
            e.interval.map_or_else(String::new, |i| fmt_rank(&i))
        ),
        _ => String::new(),
    };
    let name_w = entries
        .iter()
        .map(|e| e.country.chars().count())
        .max()
        .unwrap_or(7)
        .clamp(7, 32);
    let _ = writeln!(
        out,
        "{indent}{:>4}{}  {:<4} {:<name_w$}  {:>5}  {:<9}  {:>6}",
        "rank",
        iv(None),
        "iso3",
        "country",
        "score",
        "band",
        "change"
    );
    for e in entries {
        let name: String = e.country.chars().take(name_w).collect();
        let _ = writeln!(
            out,
            "{indent}{:>4}{}  {:<4} {:<name_w$}  {:>5}  {:<9}  {:>6}",
            e.rank,
            iv(Some(e)),
            e.iso3,
            name,
            opt(e.score),
            e.band.as_deref().unwrap_or("-"),
            fmt_change(e.change)
        );
    }
}

fn text_movers(out: &mut String, s: &Summary, mean: bool) {
    let movers = if mean {
        &s.movers.three_year_mean
    } else {
        &s.movers.previous_year
    };
    let Some(what) = compared_with(s, mean) else {
        return;
    };
    let _ = writeln!(out, "Largest rises against {what}");
    if let Some(note) = movers_note(s) {
        let _ = writeln!(out, "  {note}");
    }
    if movers.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for (i, m) in movers.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}. {} {}: {} -> {} ({}), {}{}",
            i + 1,
            m.iso3,
            m.country,
            fmt_score(m.before),
            fmt_score(m.score),
            fmt_change(Some(m.change)),
            m.band.as_deref().unwrap_or("-"),
            fmt_certainty(m)
        );
        if m.drivers.is_empty() {
            let _ = writeln!(out, "     {NO_FACTOR_ROSE}");
        }
        for d in &m.drivers {
            let _ = writeln!(
                out,
                "     {} {}: {:.3} -> {:.3}{}",
                d.id.to_uppercase(),
                d.title,
                d.before,
                d.after,
                if d.indicators.is_empty() {
                    NO_INDICATOR_ROSE
                } else {
                    ""
                }
            );
            for ind in &d.indicators {
                let _ = writeln!(
                    out,
                    "       {} {:.3} -> {:.3}: {}",
                    ind.id,
                    ind.before,
                    ind.after,
                    ind.inputs
                        .iter()
                        .map(fmt_input_change)
                        .collect::<Vec<_>>()
                        .join("; ")
                );
            }
        }
    }
    out.push('\n');
}

/// The summary as text for a terminal.
pub fn write_text(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Early-warning summary, {}: {} ({})",
        s.year, s.framework.title, s.framework.version
    );
    let scored = s.countries - s.no_score;
    let _ = writeln!(out, "{} countries, {scored} scored.", s.countries);
    let counts: Vec<String> = s
        .bands
        .iter()
        .rev()
        .map(|b| format!("{} {}", b.band, b.countries))
        .chain(std::iter::once(format!("no score {}", s.no_score)))
        .collect();
    let _ = writeln!(out, "Countries per band: {}\n", counts.join(", "));
    let _ = writeln!(out, "Watch list (top {})", s.top);
    text_entries(&mut out, &s.watch_list.overall, "  ");
    out.push('\n');
    for c in &s.watch_list.crimes {
        let _ = writeln!(out, "Watch list, {} (top {})", c.title, s.top);
        text_entries(&mut out, &c.entries, "  ");
        out.push('\n');
    }
    text_movers(&mut out, s, false);
    text_movers(&mut out, s, true);
    if let Some(p) = s.previous_year {
        let _ = writeln!(out, "New in the top two bands since {p}");
        if s.new_in_top_bands.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for n in &s.new_in_top_bands {
            let _ = writeln!(
                out,
                "  {} {}: {} {} (in {p}: {} {})",
                n.iso3,
                n.country,
                fmt_score(n.score),
                n.band,
                opt(n.previous_score),
                n.previous_band.as_deref().unwrap_or("no score")
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "Data warnings");
    if let Some(note) = &s.data_warnings.note {
        let _ = writeln!(out, "  {note}");
    }
    if let Some(a) = &s.data_warnings.input_age {
        let _ = writeln!(out, "  {}", fmt_age_range(a, s.year));
    }
    if s.data_warnings.countries.is_empty() {
        let _ = writeln!(out, "  no country with few indicators or old data");
    }
    for w in &s.data_warnings.countries {
        let _ = writeln!(
            out,
            "  {} {} ({}): {}; {}",
            w.iso3,
            w.country,
            opt(w.score),
            fmt_reasons(w),
            fmt_data_age(&w.data)
        );
    }
    out.push('\n');
    if !s.recommendations.is_empty() {
        let _ = writeln!(
            out,
            "Recommendations triggered for the {} watch-list countries",
            s.briefs.len()
        );
        for r in &s.recommendations {
            let _ = writeln!(
                out,
                "  ({}) {}: {} of {} [{}]\n       to: {}",
                r.id,
                r.title,
                r.count,
                s.briefs.len(),
                r.countries.join(" "),
                actor_names(&r.addressed_to)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "Briefs");
    for b in &s.briefs {
        let _ = writeln!(
            out,
            "  {}. {} {}: {} {}; change {} since the year before, {} against the three-year mean{}",
            b.rank,
            b.iso3,
            b.country,
            opt(b.score),
            b.band.as_deref().unwrap_or("-"),
            fmt_change(b.change_previous_year),
            fmt_change(b.change_three_year_mean),
            b.interval
                .map_or_else(String::new, |i| format!("; {}", fmt_interval(&i)))
        );
        let crimes: Vec<String> = b
            .crimes
            .iter()
            .map(|c| {
                format!(
                    "{} {} {}",
                    c.title,
                    opt(c.score),
                    c.band.as_deref().unwrap_or("-")
                )
            })
            .collect();
        let _ = writeln!(out, "     crimes: {}", crimes.join("; "));
        for d in &b.drivers {
            let _ = writeln!(
                out,
                "     {} {}: {:.2}",
                d.id.to_uppercase(),
                d.title,
                d.score
            );
            for i in &d.indicators {
                let inputs: Vec<String> = i.inputs.iter().map(fmt_column_value).collect();
                let _ = writeln!(out, "       {} {:.2}: {}", i.id, i.score, inputs.join("; "));
            }
        }
        let _ = writeln!(out, "     data: {}", fmt_data_age(&b.data));
        for a in &b.analyst {
            let _ = writeln!(out, "     analyst assessment: {}", fmt_analyst(a));
        }
        for r in b.recommendations.iter().take(BRIEF_RECOMMENDATIONS) {
            let _ = writeln!(
                out,
                "     recommends ({}) {} [to: {}; called for by {}]",
                r.id,
                r.title,
                actor_names(&r.addressed_to),
                fmt_triggers(&r.triggered_by)
            );
        }
        if let Some(more) = more_recommendations(b) {
            let _ = writeln!(out, "     {more}");
        }
    }
    out.push('\n');
    let _ = writeln!(out, "{}", FOOTER);
    // Names and titles come from inputs.
    crate::diagnostic::sanitize(&out).into_owned()
}
