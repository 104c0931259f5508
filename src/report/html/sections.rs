//! The sections of the HTML report built on the summary: at a glance,
//! movers, recommendations, country briefs, data warnings and the full
//! ranking.

use std::fmt::Write;

use super::charts::sparkline;
use super::context::{Ctx, SPARK_YEARS, esc};
use crate::analysis::round;
use crate::analysis::summary::{Brief, DataAge, Mover, NodeScore};
use crate::analysis::uncertainty::Interval;
use crate::report::fmt_score;
use crate::report::summary::{
    self, actor_names, fmt_change, fmt_column_value, fmt_data_age, fmt_input_change, fmt_reasons,
};
use crate::report::uncertainty::fmt_rank;

pub(super) fn glance(out: &mut String, c: &Ctx<'_, '_>) {
    let s = c.s;
    let _ = writeln!(out, "<h2 id=\"glance\">At a glance</h2>");
    let _ = writeln!(
        out,
        "<p>{} countries, {} with a score in {}. Countries per band:</p>\n<div class=\"counts\">",
        s.countries,
        s.countries - s.no_score,
        s.year
    );
    for b in s.bands.iter().rev() {
        let _ = writeln!(
            out,
            "<div><b>{}</b>{} <span class=\"small\">from {:.2}</span></div>",
            b.countries,
            c.band_chip(Some(&b.band)),
            b.min
        );
    }
    let _ = writeln!(
        out,
        "<div><b>{}</b>{}</div>\n</div>",
        s.no_score,
        c.band_chip(None)
    );
    if let Some(p) = s.previous_year {
        if s.new_in_top_bands.is_empty() {
            let _ = writeln!(
                out,
                "<p>No country entered the two top bands since {p}.</p>"
            );
        } else {
            let names: Vec<String> = s
                .new_in_top_bands
                .iter()
                .map(|n| {
                    format!(
                        "{} ({} {} {})",
                        esc(&n.country),
                        esc(n.previous_band.as_deref().unwrap_or("no score")),
                        "&rarr;",
                        esc(&n.band)
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "<p><strong>New in the two top bands since {p}:</strong> {}.</p>",
                names.join(", ")
            );
        }
    }
}

fn mover_list(out: &mut String, movers: &[Mover], judged: bool) {
    if movers.is_empty() {
        out.push_str(if judged {
            "<p>No rise held in at least 95% of the draws.</p>\n"
        } else {
            "<p>No country's score rose.</p>\n"
        });
        return;
    }
    out.push_str("<table><thead><tr><th>Country</th><th class=\"num\">Before</th><th class=\"num\">Now</th><th class=\"num\">Change</th><th>What moved it</th></tr></thead><tbody>\n");
    for m in movers {
        let _ = write!(
            out,
            "<tr><td>{} <span class=\"small\">{}</span></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td><ul>",
            esc(&m.country),
            esc(&m.iso3),
            fmt_score(m.before),
            fmt_score(m.score),
            fmt_change(Some(m.change))
                + &m.rise_share.map_or_else(String::new, |r| format!(
                    "<br><span class=\"small\">in {:.0}% of draws</span>",
                    r * 100.0
                ))
        );
        if m.drivers.is_empty() {
            let _ = write!(out, "<li>{}</li>", esc(summary::NO_FACTOR_ROSE));
        }
        for d in &m.drivers {
            let _ = write!(
                out,
                "<li><strong>{} {}</strong>: {:.3} &rarr; {:.3}{}",
                esc(&d.id.to_uppercase()),
                esc(&d.title),
                d.before,
                d.after,
                if d.indicators.is_empty() {
                    esc(summary::NO_INDICATOR_ROSE)
                } else {
                    String::new()
                }
            );
            if !d.indicators.is_empty() {
                out.push_str("<ul>");
                for i in &d.indicators {
                    let inputs: Vec<String> = i
                        .inputs
                        .iter()
                        .map(|x| {
                            format!(
                                "<code>{}</code>",
                                esc(&fmt_input_change(x)).replace("-&gt;", "&rarr;")
                            )
                        })
                        .collect();
                    let _ = write!(
                        out,
                        "<li>{} ({:.3} &rarr; {:.3})<br><span class=\"small\">{}</span></li>",
                        esc(&i.text),
                        i.before,
                        i.after,
                        inputs.join(" ")
                    );
                }
                out.push_str("</ul>");
            }
            out.push_str("</li>");
        }
        out.push_str("</ul></td></tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

pub(super) fn movers(out: &mut String, c: &Ctx<'_, '_>) {
    let s = c.s;
    let _ = writeln!(
        out,
        "<h2 id=\"movers\">Movers: the largest rises</h2>\n<p>What moved a score: the risk factors, and within them the indicators, whose change times their weight in the overall score is largest. Input values are the newest data each column was read from, with its year; a year older than {} means the value was carried forward from that year.</p>",
        s.year
    );
    if let Some(note) = summary::movers_note(s) {
        let _ = writeln!(out, "<p class=\"small\">{}</p>", esc(&note));
    }
    for mean in [false, true] {
        if let Some(what) = summary::compared_with(s, mean) {
            let _ = writeln!(out, "<h3>Against {}</h3>", esc(&what));
            let list = if mean {
                &s.movers.three_year_mean
            } else {
                &s.movers.previous_year
            };
            mover_list(out, list, s.uncertainty.is_some());
        }
    }
}

fn data_age_html(d: &DataAge) -> String {
    esc(&fmt_data_age(d))
}

fn brief(out: &mut String, c: &Ctx<'_, '_>, b: &Brief) {
    let _ = writeln!(
        out,
        "<div class=\"brief\"><h3>{}. {} <span class=\"small\">{}</span> {}</h3>",
        b.rank,
        esc(&b.country),
        esc(&b.iso3),
        c.band_chip(b.band.as_deref())
    );
    if let Some(ci) = c.run.panel.countries.iter().position(|x| x.iso3 == b.iso3) {
        let first = c.y.saturating_sub(SPARK_YEARS - 1);
        let _ = writeln!(
            out,
            "<div style=\"float:right;text-align:center\">{}<br><span class=\"small\">score {}&ndash;{}</span></div>",
            sparkline(c, ci, 220.0, 48.0),
            c.run.panel.year(first),
            c.run.panel.year(c.y)
        );
    }
    let _ = writeln!(
        out,
        "<p>Score <strong>{}</strong>; change {} since the year before, {} against the mean of the three years before.{}</p>",
        b.score.map_or_else(|| "n/a".to_string(), fmt_score),
        fmt_change(b.change_previous_year),
        fmt_change(b.change_three_year_mean),
        b.interval.map_or_else(String::new, |i| format!(
            " Over the draws of the framework's alternatives: {}.",
            esc(&summary::fmt_interval(&i))
        ))
    );
    let crimes: Vec<String> = b
        .crimes
        .iter()
        .map(|k| {
            format!(
                "{} {} {}",
                esc(&k.title),
                k.score.map_or_else(|| "n/a".to_string(), fmt_score),
                c.band_chip(k.band.as_deref())
            )
        })
        .collect();
    let _ = writeln!(out, "<p>By crime: {}</p>", crimes.join("; "));
    out.push_str("<p>Risk factors that weigh most:</p><ul>");
    for d in &b.drivers {
        let _ = write!(
            out,
            "<li><strong>{} {}</strong>: {:.2}<ul>",
            esc(&d.id.to_uppercase()),
            esc(&d.title),
            d.score
        );
        for i in &d.indicators {
            let inputs: Vec<String> = i
                .inputs
                .iter()
                .map(|x| format!("<code>{}</code>", esc(&fmt_column_value(x))))
                .collect();
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
    out.push_str("</ul>");
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
        out.push_str("</ul>");
    }
    if !b.recommendations.is_empty() {
        out.push_str(
            "<p>Recommendations its risks call for, strongest first:</p><ol class=\"recs\">",
        );
        for r in &b.recommendations {
            let _ = write!(
                out,
                "<li><strong>({}) {}</strong> &mdash; to {}<br><span class=\"small\">called for by {}</span></li>",
                esc(&r.id),
                esc(&r.title),
                esc(&actor_names(&r.addressed_to)),
                esc(&triggers(&r.triggered_by))
            );
        }
        out.push_str("</ol>");
    }
    let _ = writeln!(
        out,
        "<p class=\"small\">Data: {}.</p></div>",
        data_age_html(&b.data)
    );
}

/// Conditions that hold, for readers: risk factors by number (RF4), other
/// nodes by title.
fn triggers(t: &[NodeScore]) -> String {
    t.iter()
        .map(|n| {
            let name = if n.id.starts_with("rf") && !n.id.contains('.') {
                n.id.to_uppercase()
            } else {
                n.title.clone()
            };
            format!(
                "{name} {} {}",
                n.score.map_or_else(|| "n/a".to_string(), fmt_score),
                n.band.as_deref().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn recommendations(out: &mut String, c: &Ctx<'_, '_>) {
    if c.s.recommendations.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h2 id=\"recommendations\">Recommendations</h2>\n<p>What the framework's recommendations ask for, and for how many of the {} watch-list countries the risks they answer reach their trigger (a risk factor or theme in the high bands, or the overall score in the top band). A recommendation on the table is a prompt to consider it, not a finding that it applies.</p>\n<table><thead><tr><th>Recommendation</th><th>Addressed to</th><th class=\"num\">Countries</th><th>Which</th></tr></thead><tbody>",
        c.s.briefs.len()
    );
    for r in &c.s.recommendations {
        let text = c
            .run
            .plan
            .recommendations
            .iter()
            .find(|x| x.id == r.id)
            .and_then(|x| x.text.as_deref())
            .map(|t| format!("<br><span class=\"small\">{}</span>", esc(t)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr><td><strong>({}) {}</strong>{text}</td><td>{}</td><td class=\"num\">{}</td><td class=\"small\">{}</td></tr>",
            esc(&r.id),
            esc(&r.title),
            esc(&actor_names(&r.addressed_to)),
            r.count,
            esc(&r.countries.join(" "))
        );
    }
    out.push_str("</tbody></table>\n");
}

pub(super) fn briefs(out: &mut String, c: &Ctx<'_, '_>) {
    let _ = writeln!(
        out,
        "<h2 id=\"briefs\">Country briefs</h2><p>One brief per watch-list country: its band, score and change, the risk factors that weigh most in its score with their indicators and raw data values (with the year of each value), how much data the score rests on, and the recommendations its risks call for.</p>"
    );
    for b in &c.s.briefs {
        brief(out, c, b);
    }
}

pub(super) fn warnings(out: &mut String, c: &Ctx<'_, '_>) {
    let w = &c.s.data_warnings;
    let _ = writeln!(out, "<h2 id=\"warnings\">Data warnings</h2>");
    if let Some(note) = &w.note {
        let _ = writeln!(out, "<p>{}</p>", esc(note));
    }
    if let Some(a) = &w.input_age {
        let _ = writeln!(out, "<p>{}</p>", esc(&summary::fmt_age_range(a, c.s.year)));
    }
    if w.countries.is_empty() {
        out.push_str("<p>No country has few indicators or old data.</p>\n");
        return;
    }
    out.push_str("<table><thead><tr><th>Country</th><th class=\"num\">Score</th><th>Warning</th><th>Data</th></tr></thead><tbody>\n");
    for d in &w.countries {
        let _ = writeln!(
            out,
            "<tr><td>{} <span class=\"small\">{}</span></td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(&d.country),
            esc(&d.iso3),
            d.score.map_or_else(|| "n/a".to_string(), fmt_score),
            esc(&fmt_reasons(d)),
            data_age_html(&d.data)
        );
    }
    out.push_str("</tbody></table>\n");
}

pub(super) fn ranking(out: &mut String, c: &Ctx<'_, '_>) {
    let (plan, panel, scores) = (c.run.plan, c.run.panel, c.run.scores);
    let overall = plan.overall();
    let first = c.y.saturating_sub(SPARK_YEARS - 1);
    let _ = writeln!(
        out,
        "<h2 id=\"ranking\">Full ranking, {}</h2>\n<p>All countries, highest score first. The line shows the overall score from {} to {} on a fixed 0 to 1 scale; the dashed line marks where the two top bands begin. Data: measured indicators with a value out of all measured indicators.{}</p>",
        c.s.year,
        panel.year(first),
        panel.year(c.y),
        c.sim.map_or_else(String::new, |sim| format!(
            " Rank interval: the 5th to 95th percentile of the rank over {} draws of the framework's declared alternatives (seed {}).",
            sim.info.draws, sim.info.seed
        ))
    );
    let interval_head = if c.sim.is_some() {
        "<th class=\"num\">Rank interval</th>"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<table class=\"ranked\"><thead><tr><th class=\"num\">Rank</th>{interval_head}<th>Country</th><th class=\"num\">Score</th><th>Band</th><th class=\"num\">Change</th><th>Trend</th><th class=\"num\">Data</th></tr></thead><tbody>"
    );
    for r in c.run.ranked(c.y) {
        let prev = c.y.checked_sub(1).map_or(f64::NAN, |p| {
            scores.value(overall, panel.cell(r.country, p))
        });
        let change = round(r.score - prev, 6);
        let _ = writeln!(
            out,
            "<tr><td class=\"num\">{}</td>{}<td>{} <span class=\"small\">{}</span></td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}/{}</td></tr>",
            r.rank,
            c.sim.map_or_else(String::new, |sim| format!(
                "<td class=\"num\">{}</td>",
                fmt_rank(&Interval::of(&sim.countries[r.country]))
            )),
            c.country_name(r.country),
            esc(&panel.countries[r.country].iso3),
            fmt_score(r.score),
            c.band_chip(r.band.as_deref()),
            fmt_change(change),
            sparkline(c, r.country, 150.0, 26.0),
            r.indicators_with_data.0,
            r.indicators_with_data.1
        );
    }
    out.push_str("</tbody></table>\n");
}
