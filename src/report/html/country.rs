//! A section for every scored country (`<details id="country-ISO3">`,
//! collapsed): score, band, rank and rank interval, change, crime scores,
//! the data it rests on, every risk factor as a bar chart, the drivers down
//! to the indicators with their values and years, the trend as a sparkline,
//! the themes, the analyst assessments and the recommendations triggered
//! with the conditions that hold.

use std::fmt::Write;

use super::charts::{bar_row, sparkline};
use super::context::{Ctx, anchor, country_anchor, esc};
use super::sections::{data_age_html, data_flags_html, filter_key, node_name};
use crate::analysis::summary::{Brief, ColumnValue, NodeScore, OLD_DATA_YEARS};
use crate::report::fmt_probability;
use crate::report::summary::{self, actor_names, compared_with, fmt_human};

/// Every country section, in rank order.
pub(super) fn countries(out: &mut String, c: &Ctx<'_, '_>) {
    for b in &c.s.profiles {
        section(out, c, b);
    }
}

fn section(out: &mut String, c: &Ctx<'_, '_>, b: &Brief) {
    let s = c.s;
    let _ = writeln!(
        out,
        "<details class=\"country\" id=\"{}\" data-k=\"{}\"><summary><h3><span class=\"rk\">{}</span> {} <span class=\"small\">{}</span> {} <span class=\"num\">{}</span></h3></summary>\n<div class=\"cbody\">",
        country_anchor(&b.iso3),
        filter_key(&b.country, &b.iso3),
        b.rank,
        esc(&b.country),
        esc(&b.iso3),
        c.band_chip(b.band.as_deref()),
        c.level(b.score)
    );
    // What the score is, beside its trend.
    let interval = b.interval.map_or_else(String::new, |i| {
        format!(
            " (5&ndash;95% over the draws: {})",
            esc(&summary::fmt_interval(&i))
        )
    });
    let noun = if s.probability {
        "Probability"
    } else {
        "Score"
    };
    let mut changes = Vec::new();
    if let Some(p) = s.previous_year {
        changes.push(format!("{} since {p}", c.change(b.change_previous_year)));
    }
    if let Some(m) = compared_with(s, true) {
        changes.push(format!(
            "{} against {}",
            c.change(b.change_three_year_mean),
            esc(&m)
        ));
    }
    let _ = writeln!(
        out,
        "<div class=\"cgrid\"><div><p>Rank <strong>{}</strong> of {}{interval}. {noun} <strong>{}</strong>, {}{}.</p>",
        b.rank,
        s.profiles.len(),
        c.level(b.score),
        esc(b.band.as_deref().unwrap_or("no band")),
        if changes.is_empty() {
            String::new()
        } else {
            format!("; change {}", changes.join(", "))
        }
    );
    if let Some(f) = &b.forecast {
        let _ = writeln!(
            out,
            "<p>Forecast <strong>{}</strong> {}: {}, a probability fitted to past onsets (not part of the score).</p>",
            fmt_probability(f.score),
            c.band_chip(f.band.as_deref()),
            esc(&f.title)
        );
    }
    let crimes: Vec<String> = b
        .crimes
        .iter()
        .map(|k| {
            format!(
                "{} {} {}",
                esc(&k.title),
                c.level(k.score),
                c.band_chip(k.band.as_deref())
            )
        })
        .collect();
    if !crimes.is_empty() {
        let _ = writeln!(out, "<p>By crime: {}.</p>", crimes.join("; "));
    }
    let _ = writeln!(
        out,
        "<p class=\"small\">Data: {}.{}</p></div>",
        data_age_html(&b.data),
        data_flags_html(c, &b.iso3)
    );
    if let (Some(first), Some(last)) = (b.trend.first(), b.trend.last()) {
        let _ = writeln!(
            out,
            "<figure class=\"trend\">{}<figcaption class=\"small\">{} {}&ndash;{}; dashed: where the two top bands begin</figcaption></figure>",
            sparkline(c, b),
            noun,
            first.year,
            last.year
        );
    }
    out.push_str("</div>\n");
    risk_factor_bars(out, c, &b.risk_factors);
    drivers(out, c, b);
    if !b.analyst.is_empty() {
        out.push_str("<p>Analyst assessments in this score (judgements, not data):</p><ul>");
        for a in &b.analyst {
            let _ = write!(
                out,
                "<li>{}<br><span class=\"small\">{}</span></li>",
                esc(&a.text),
                esc(&summary::fmt_analyst(a))
            );
        }
        out.push_str("</ul>\n");
    }
    themes(out, c, &b.themes);
    recommendations(out, c, b);
    out.push_str("</div></details>\n");
}

/// Every risk factor as a bar, coloured by its band; risk factors without
/// a score are hatched.
fn risk_factor_bars(out: &mut String, c: &Ctx<'_, '_>, rfs: &[NodeScore]) {
    if rfs.is_empty() {
        return;
    }
    out.push_str("<h4>Risk factors</h4>\n<div class=\"bars\">\n");
    for r in rfs {
        let class = c.band_class(r.band.as_deref().unwrap_or(""));
        let label = format!("{} {}", esc(&r.id.to_uppercase()), esc(&r.title));
        let note = r.score.map_or_else(
            || "no score".to_string(),
            |v| format!("{v:.2} {}", esc(r.band.as_deref().unwrap_or(""))),
        );
        out.push_str(&bar_row(&label, r.score, &class, None, &note));
        out.push('\n');
    }
    out.push_str("</div>\n");
}

/// A raw input with its year; inputs from [`OLD_DATA_YEARS`] or more years
/// before the report's year are marked as old.
fn input(c: &Ctx<'_, '_>, x: &ColumnValue) -> String {
    let old = f64::from(c.s.year - x.year) >= OLD_DATA_YEARS;
    format!(
        "<code{}>{} {} ({}{})</code>",
        if old { " class=\"old\"" } else { "" },
        esc(&x.column),
        esc(&fmt_human(x.value)),
        x.year,
        if old { ", old" } else { "" }
    )
}

fn drivers(out: &mut String, c: &Ctx<'_, '_>, b: &Brief) {
    if b.drivers.is_empty() {
        return;
    }
    out.push_str("<h4>What weighs most in the score</h4>\n<ul class=\"drivers\">");
    for d in &b.drivers {
        let _ = write!(
            out,
            "<li><strong>{} {}</strong>: {:.2}<ul>",
            esc(&d.id.to_uppercase()),
            esc(&d.title),
            d.score
        );
        for i in &d.indicators {
            let inputs: Vec<String> = i.inputs.iter().map(|x| input(c, x)).collect();
            let _ = write!(
                out,
                "<li>{} ({:.2})<br><span class=\"small\">{}</span></li>",
                esc(&i.text),
                i.score,
                inputs.join(" ")
            );
        }
        out.push_str("</ul></li>");
    }
    out.push_str("</ul>\n");
}

fn themes(out: &mut String, c: &Ctx<'_, '_>, themes: &[NodeScore]) {
    if themes.is_empty() {
        return;
    }
    out.push_str("<h4>Themes</h4>\n<ul class=\"chips\">");
    for t in themes {
        let _ = write!(
            out,
            "<li><a href=\"#{}\">{}</a> {} {}</li>",
            anchor("theme-", &t.id),
            esc(&t.title),
            t.score
                .map_or_else(|| "n/a".to_string(), |v| format!("{v:.2}")),
            c.band_chip(t.band.as_deref())
        );
    }
    out.push_str("</ul>\n");
}

fn recommendations(out: &mut String, c: &Ctx<'_, '_>, b: &Brief) {
    if c.run.plan.recommendations.is_empty() {
        return;
    }
    out.push_str("<h4>Recommendations triggered</h4>\n");
    if b.recommendations.is_empty() {
        out.push_str("<p>None: no condition of the framework's recommendations holds.</p>\n");
        return;
    }
    out.push_str("<ol class=\"recs\">");
    for r in &b.recommendations {
        let why: Vec<String> = r
            .triggered_by
            .iter()
            .map(|n| {
                format!(
                    "{} {} ({})",
                    node_name(&n.id, &n.title),
                    n.score
                        .map_or_else(|| "n/a".to_string(), |v| format!("{v:.2}")),
                    n.band.as_deref().unwrap_or("")
                )
            })
            .collect();
        let _ = write!(
            out,
            "<li><strong>({}) {}</strong>, to {}<br><span class=\"small\">because: {}</span></li>",
            esc(&r.id),
            esc(&r.title),
            esc(&actor_names(&r.addressed_to)),
            esc(&why.join("; "))
        );
    }
    out.push_str("</ol>\n");
}
