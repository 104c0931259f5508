//! The collapsed sections of the HTML report built on the summary: the
//! movers with what moved them, the recommendations and how many of the
//! highest-ranked countries each is triggered for, the data warnings, and
//! the countries part (a filter box and the full ranking, which is also the
//! index of the country sections).

use std::fmt::Write;

use super::context::{Ctx, country_anchor, esc};
use crate::analysis::summary::{DataAge, Mover};
use crate::analysis::uncertainty::Interval;
use crate::compile::{Kind, Plan, TriggerPlan};
use crate::report::summary::{
    self, actor_names, data_mark, fmt_data_age, fmt_input_change_human, fmt_reasons,
};
use crate::report::uncertainty::fmt_rank;

fn mover_list(out: &mut String, c: &Ctx<'_, '_>, movers: &[Mover], judged: bool) {
    if movers.is_empty() {
        out.push_str(if judged {
            "<p>No rise held in at least 95% of the draws.</p>\n"
        } else {
            "<p>No country's score rose.</p>\n"
        });
        return;
    }
    out.push_str("<div class=\"scroll\"><table class=\"mv\"><thead><tr><th>Country</th><th class=\"num\">Before</th><th class=\"num\">Now</th><th class=\"num\">Change</th><th>What moved it</th></tr></thead><tbody>\n");
    for m in movers {
        let _ = write!(
            out,
            "<tr><td>{} <span class=\"small\">{}</span></td><td class=\"num\" data-l=\"before\">{}</td><td class=\"num\" data-l=\"now\">{}</td><td class=\"num\" data-l=\"change\">{}</td><td><ul>",
            c.country_link(&m.iso3, &m.country),
            esc(&m.iso3),
            c.level(Some(m.before)),
            c.level(Some(m.score)),
            c.change(Some(m.change))
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
                                esc(&fmt_input_change_human(x)).replace("-&gt;", "&rarr;")
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
    out.push_str("</tbody></table></div>\n");
}

pub(super) fn movers(out: &mut String, c: &Ctx<'_, '_>) {
    let s = c.s;
    let _ = writeln!(
        out,
        "<details id=\"movers\"><summary><h2>Movers: the largest rises</h2></summary>\n<p>What moved a score: the risk factors, and within them the indicators, whose change times their weight in the overall score is largest. Input values are the newest data each column was read from, with its year; a year older than {} means the value was carried forward from that year.</p>",
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
            mover_list(out, c, list, s.uncertainty.is_some());
        }
    }
    out.push_str("</details>\n");
}

/// The data behind a country's score in words: coverage, carried-forward
/// values and the age of the inputs. The one place the HTML report writes a
/// country's data age (the watch list's mark and the flags come from the
/// data warnings).
pub(super) fn data_age_html(d: &DataAge) -> String {
    esc(&fmt_data_age(d))
}

/// A country's data-warning flags in words with a link to the warnings
/// (empty when it has none).
pub(super) fn data_flags_html(c: &Ctx<'_, '_>, iso3: &str) -> String {
    data_mark(c.s, iso3).map_or_else(String::new, |m| {
        let words = m
            .split('+')
            .map(|x| match x {
                "old" => "old data",
                "few" => "few indicators",
                other => other,
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            " <strong>Flagged: {}</strong> (<a href=\"#warnings\">data warnings</a>).",
            esc(&words)
        )
    })
}

/// A node that calls for a recommendation, for readers: risk factors by
/// number (RF4), the overall score by name, other nodes by title.
pub(super) fn node_name(id: &str, title: &str) -> String {
    if id == "overall" {
        "the overall score".to_string()
    } else if id.starts_with("rf") && !id.contains('.') {
        id.to_uppercase()
    } else {
        title.to_string()
    }
}

/// A recommendation's conditions in words: `RF2 band at least high; Arms
/// flows band at least high`.
fn conditions(plan: &Plan, triggers: &[TriggerPlan]) -> String {
    triggers
        .iter()
        .map(|t| {
            let n = &plan.nodes[t.node];
            let what = match n.kind {
                Kind::Indicator => format!("indicator {}", n.id),
                _ => node_name(&n.id, &n.title),
            };
            format!("{what}: {}", t.condition)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn recommendations(out: &mut String, c: &Ctx<'_, '_>) {
    let Some(head) = summary::tally_heading(c.s) else {
        return;
    };
    let plan = c.run.plan;
    let _ = writeln!(
        out,
        "<details id=\"recommendations\"><summary><h2>Recommendations</h2></summary>\n<p>{}. Each is on the table for a country when a condition it answers holds; a recommendation on the table is a prompt to consider it, not a finding that it applies. A recommendation triggered for nearly all of these countries answers a condition nearly all of them share.</p>\n<div class=\"scroll\"><table class=\"recs\"><thead><tr><th>Recommendation</th><th>Addressed to</th><th>Called for when</th><th class=\"num\">Count</th><th>Which</th></tr></thead><tbody>",
        esc(&head)
    );
    for r in &c.s.recommendations {
        let rec = plan.recommendations.iter().find(|x| x.id == r.id);
        let text = rec
            .and_then(|x| x.text.as_deref())
            .map(|t| format!("<br><span class=\"small\">{}</span>", esc(t)))
            .unwrap_or_default();
        let which: Vec<String> = r
            .countries
            .iter()
            .map(|iso3| format!("<a href=\"#{}\">{}</a>", country_anchor(iso3), esc(iso3)))
            .collect();
        let _ = writeln!(
            out,
            "<tr><td><strong>({}) {}</strong>{text}</td><td data-l=\"to\">{}</td><td data-l=\"when\"><span class=\"small\">{}</span></td><td class=\"num\" data-l=\"count\">{} of {}</td><td class=\"small\">{}</td></tr>",
            esc(&r.id),
            esc(&r.title),
            esc(&actor_names(&r.addressed_to)),
            esc(&rec.map_or_else(String::new, |x| conditions(plan, &x.triggers))),
            r.count,
            r.of,
            which.join(" ")
        );
    }
    out.push_str("</tbody></table></div>\n</details>\n");
}

pub(super) fn warnings(out: &mut String, c: &Ctx<'_, '_>) {
    let w = &c.s.data_warnings;
    let _ = writeln!(
        out,
        "<details id=\"warnings\"><summary><h2>Data warnings</h2></summary>"
    );
    if let Some(note) = &w.note {
        let _ = writeln!(out, "<p>{}</p>", esc(note));
    }
    if let Some(a) = &w.input_age {
        let _ = writeln!(out, "<p>{}</p>", esc(&summary::fmt_age_range(a, c.s.year)));
    }
    if w.countries.is_empty() {
        out.push_str("<p>No country has few indicators or old data.</p>\n</details>\n");
        return;
    }
    out.push_str("<div class=\"scroll\"><table><thead><tr><th>Country</th><th class=\"num\">Score</th><th>Warning</th><th>Data</th></tr></thead><tbody>\n");
    for d in &w.countries {
        let _ = writeln!(
            out,
            "<tr><td>{} <span class=\"small\">{}</span></td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            c.country_link(&d.iso3, &d.country),
            esc(&d.iso3),
            c.level(d.score),
            esc(&fmt_reasons(d)),
            data_age_html(&d.data)
        );
    }
    out.push_str("</tbody></table></div>\n</details>\n");
}

/// The filter key of a country: its name and code in lower case.
pub(super) fn filter_key(name: &str, iso3: &str) -> String {
    esc(&format!("{} {}", name.to_lowercase(), iso3.to_lowercase()))
}

/// The countries part: a filter box (shown by the page's script), then the
/// full ranking, whose names link to the country sections that follow it.
pub(super) fn ranking(out: &mut String, c: &Ctx<'_, '_>) {
    let (plan, panel, scores) = (c.run.plan, c.run.panel, c.run.scores);
    let overall = plan.overall();
    let _ = writeln!(
        out,
        "<h2 id=\"countries\" class=\"group\">Countries</h2>\n<p>Each of the {} countries with a score has a section below, in rank order; the ranking and the map link to it. <span class=\"find\" hidden><label for=\"find\">Find a country:</label> <input type=\"search\" id=\"find\" autocomplete=\"off\" placeholder=\"name or code\"></span></p>",
        c.s.profiles.len()
    );
    let _ = writeln!(
        out,
        "<details id=\"ranking\"><summary><h3>Full ranking, {}</h3></summary>\n<p>All countries, highest {} first. Data: measured indicators with a value out of all measured indicators.{}</p>",
        c.s.year,
        if c.s.probability {
            "probability"
        } else {
            "score"
        },
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
        "<div class=\"scroll\"><table class=\"ranked\"><thead><tr><th class=\"num\">Rank</th>{interval_head}<th>Country</th><th class=\"num\">{}</th><th>Band</th><th class=\"num\">Change</th><th class=\"num\">Data</th></tr></thead><tbody>",
        if c.s.probability {
            "Probability"
        } else {
            "Score"
        }
    );
    for r in c.run.ranked(c.y) {
        let country = &panel.countries[r.country];
        let prev = c.y.checked_sub(1).map_or(f64::NAN, |p| {
            scores.value(overall, panel.cell(r.country, p))
        });
        let change = crate::analysis::round(r.score - prev, 6);
        let _ = writeln!(
            out,
            "<tr data-k=\"{}\"><td class=\"num\">{}</td>{}<td>{} <span class=\"small\">{}</span></td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}/{}</td></tr>",
            filter_key(&country.name, &country.iso3),
            r.rank,
            c.sim.map_or_else(String::new, |sim| format!(
                "<td class=\"num\">{}</td>",
                fmt_rank(&Interval::of(&sim.countries[r.country]))
            )),
            c.country_link(&country.iso3, &country.name),
            esc(&country.iso3),
            c.level((!r.score.is_nan()).then_some(r.score)),
            c.band_chip(r.band.as_deref()),
            c.change(change),
            r.indicators_with_data.0,
            r.indicators_with_data.1
        );
    }
    out.push_str("</tbody></table></div>\n</details>\n");
}
