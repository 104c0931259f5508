//! The summary as text for a terminal.

use std::fmt::Write;

use super::format::{
    BRIEF_RECOMMENDATIONS, FOOTER, NO_FACTOR_ROSE, NO_INDICATOR_ROSE, actor_names, compared_with,
    fmt_age_range, fmt_analyst, fmt_certainty, fmt_change, fmt_column_value, fmt_data_age,
    fmt_either, fmt_either_change, fmt_input_change, fmt_interval, fmt_level, fmt_level_change,
    fmt_reasons, fmt_triggers, fmt_year_data_age, forecast_note, level_name, more_recommendations,
    movers_note, opt, rise_driver, tally_heading,
};
use crate::analysis::summary::{Entry, FEW_INDICATORS, OLD_DATA_YEARS, Summary};
use crate::report::uncertainty::fmt_rank;
use crate::report::{fmt_probability, fmt_score};

/// A watch list; `probability`: its values are probabilities. Entries with a
/// forecast get a column for it after the band.
fn text_entries(out: &mut String, entries: &[Entry], indent: &str, probability: bool) {
    let with = entries.iter().any(|e| e.interval.is_some());
    let forecast = entries.iter().any(|e| e.probability.is_some());
    let iv = |e: Option<&Entry>| match e {
        None if with => format!("  {:<9}", "interval"),
        Some(e) if with => format!(
            "  {:<9}",
            e.interval.map_or_else(String::new, |i| fmt_rank(&i))
        ),
        _ => String::new(),
    };
    let name_w = name_width(entries.iter().map(|e| e.country.as_str()));
    let _ = writeln!(
        out,
        "{indent}{:>4}{}  {:<4} {:<name_w$}  {:>5}  {:<9}  {}{:>6}",
        "rank",
        iv(None),
        "iso3",
        "country",
        if probability { "prob." } else { "score" },
        "band",
        if forecast { "forecast  " } else { "" },
        "change"
    );
    for e in entries {
        let name: String = e.country.chars().take(name_w).collect();
        let _ = writeln!(
            out,
            "{indent}{:>4}{}  {:<4} {:<name_w$}  {:>5}  {:<9}  {}{:>6}{}",
            e.rank,
            iv(Some(e)),
            e.iso3,
            name,
            e.score
                .map_or_else(|| "n/a".to_string(), |v| fmt_either(probability, v)),
            e.band.as_deref().unwrap_or("-"),
            if forecast {
                format!("{:>8}  ", fmt_probability(e.probability))
            } else {
                String::new()
            },
            fmt_either_change(probability, e.change),
            if e.old_data { "  old data" } else { "" }
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
    if let Some(b) = &s.year_basis {
        let _ = writeln!(out, "{b}.");
    }
    let scored = s.countries - s.no_score;
    let _ = writeln!(out, "{} countries, {scored} scored.", s.countries);
    let counts = super::format::band_counts(s);
    let _ = writeln!(out, "Countries per band: {}\n", counts.join(", "));
    let _ = writeln!(out, "Watch list (top {})", s.top);
    text_entries(&mut out, &s.watch_list.overall, "  ", s.probability);
    out.push('\n');
    for c in &s.watch_list.crimes {
        let _ = writeln!(out, "Watch list, {} (top {})", c.title, s.top);
        text_entries(&mut out, &c.entries, "  ", c.probability);
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
    if let Some(head) = tally_heading(s) {
        let _ = writeln!(out, "{head}");
        for r in &s.recommendations {
            let which = if r.countries.is_empty() {
                String::new()
            } else {
                format!(" [{}]", r.countries.join(" "))
            };
            let _ = writeln!(
                out,
                "  ({}) {}: {} of {}{which}\n       to: {}",
                r.id,
                r.title,
                r.count,
                r.of,
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
        if let Some(f) = &b.forecast {
            let _ = writeln!(
                out,
                "     forecast: {} {}: {}",
                fmt_probability(f.score),
                f.band.as_deref().unwrap_or("-"),
                f.title
            );
        }
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
    if let Some(n) = forecast_note(s) {
        let _ = writeln!(out, "{n}");
    }
    // Names and titles come from inputs.
    crate::diagnostic::sanitize(&out).into_owned()
}

/// The top of the report as text for one screen: the year, the data age, the
/// watch list and the largest rises against the year before.
pub fn write_brief_text(s: &Summary) -> String {
    let mut out = String::new();
    wrap(
        &mut out,
        &format!(
            "Atrocity risk, {}: {} ({})",
            s.year, s.framework.title, s.framework.version
        ),
        "",
    );
    wrap(
        &mut out,
        &format!(
            "{} countries, {} scored. {}",
            s.countries,
            s.countries - s.no_score,
            fmt_year_data_age(s)
        ),
        "",
    );
    out.push('\n');
    let entries = &s.watch_list.overall;
    let with_iv = entries.iter().any(|e| e.interval.is_some());
    let name_w = name_width(entries.iter().map(|e| e.country.as_str()));
    let level = level_name(s);
    let lw = level.len().max(6);
    let _ = writeln!(out, "Watch list (top {})", s.top);
    let _ = writeln!(
        out,
        "  {:>4}  {:<4} {:<name_w$}  {:>lw$}  {:<9}  {}{:>7}  data{}",
        "rank",
        "iso3",
        "country",
        level,
        "band",
        if s.forecast.is_some() {
            "forecast "
        } else {
            ""
        },
        "change",
        if with_iv { "  rank 5-95%" } else { "" }
    );
    for e in entries {
        let name: String = e.country.chars().take(name_w).collect();
        let line = format!(
            "  {:>4}  {:<4} {:<name_w$}  {:>lw$}  {:<9}  {}{:>7}  {:<4}{}",
            e.rank,
            e.iso3,
            name,
            e.score
                .map_or_else(|| "n/a".to_string(), |v| fmt_level(s, v)),
            e.band.as_deref().unwrap_or("-"),
            if s.forecast.is_some() {
                format!("{:>8} ", fmt_probability(e.probability))
            } else {
                String::new()
            },
            fmt_level_change(s, e.change),
            super::format::data_mark(s, &e.iso3).unwrap_or_default(),
            e.interval
                .map_or_else(String::new, |i| format!("  {}", fmt_rank(&i)))
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if entries
        .iter()
        .any(|e| super::format::data_mark(s, &e.iso3).is_some())
    {
        let _ = writeln!(
            out,
            "  data: old = inputs on average {OLD_DATA_YEARS:.0} years old or more; few = under {:.0} % of the measured indicators",
            FEW_INDICATORS * 100.0
        );
    }
    out.push('\n');
    if let Some(what) = compared_with(s, false) {
        let movers = &s.movers.previous_year;
        let _ = writeln!(
            out,
            "Largest rises against {what}{}",
            s.uncertainty.as_ref().map_or_else(String::new, |u| format!(
                " (held in at least 95% of {} draws)",
                u.draws
            ))
        );
        if movers.is_empty() {
            let _ = writeln!(out, "  none");
        }
        let name_w = name_width(movers.iter().take(BRIEF_MOVERS).map(|m| m.country.as_str()));
        for m in movers.iter().take(BRIEF_MOVERS) {
            let line = format!(
                "  {:<4} {:<name_w$}  {} -> {}  {}  {}",
                m.iso3,
                m.country.chars().take(name_w).collect::<String>(),
                fmt_level(s, m.before),
                fmt_level(s, m.score),
                fmt_level_change(s, Some(m.change)),
                rise_driver(m)
            );
            wrap(&mut out, line.trim_end(), "       ");
        }
        if movers.len() > BRIEF_MOVERS {
            let _ = writeln!(out, "  and {} more", movers.len() - BRIEF_MOVERS);
        }
        out.push('\n');
    }
    wrap(
        &mut out,
        "All of it: `atrisk summary`; the map, every country and the themes: `atrisk report -o report.html`.",
        "",
    );
    out
}

/// Columns of the brief text.
const BRIEF_WIDTH: usize = 100;

/// Writes `text` as lines of at most [`BRIEF_WIDTH`] characters, broken
/// between words; lines after the first start with `indent`.
fn wrap(out: &mut String, text: &str, indent: &str) {
    let body = text.trim_start_matches(' ');
    let mut line = text[..text.len() - body.len()].to_string();
    for word in body.split(' ') {
        let len = line.chars().count();
        if !line.trim().is_empty() {
            if len + 1 + word.chars().count() > BRIEF_WIDTH {
                let _ = writeln!(out, "{}", line.trim_end());
                line = indent.to_string();
            } else {
                line.push(' ');
            }
        }
        line.push_str(word);
    }
    let _ = writeln!(out, "{}", line.trim_end());
}

/// Rises listed in the brief text.
const BRIEF_MOVERS: usize = 5;

/// Width of a column of country names: the longest, from 7 to 32 characters.
fn name_width<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(7)
        .clamp(7, 32)
}
