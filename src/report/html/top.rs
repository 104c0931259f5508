//! The top of the HTML report, which fits one laptop screen: the year and
//! framework, the age of the data, the watch list, the map and the largest
//! rises. Everything below it is collapsed.

use std::fmt::Write;

use super::context::{Ctx, esc};
use super::map::world_map;
use crate::report::fmt_probability;
use crate::report::summary::{compared_with, data_mark, fmt_year_data_age, rise_driver};
use crate::report::uncertainty::fmt_rank;

/// Rises listed at the top; the movers section has all of them.
const TOP_MOVERS: usize = 5;

/// The header: title, what was scored, the data age and how to read it.
pub(super) fn header(out: &mut String, c: &Ctx<'_, '_>) {
    let s = c.s;
    let _ = writeln!(
        out,
        "<header>\n<h1>Atrocity risk report, {}</h1>\n<p class=\"sub\">{} (version {}), scored on {}. Written by atrisk {}.</p>",
        s.year,
        esc(&s.framework.title),
        esc(&s.framework.version),
        esc(&s.data.join(", ")),
        esc(s.atrisk_version)
    );
    let _ = writeln!(out, "<p class=\"age\">{}</p>", data_age_line(c));
    let reading = if s.probability {
        "Each value is the framework's modelled probability of the event it forecasts; check it against current reporting and country knowledge."
    } else {
        "A score is a relative risk on a 0 to 1 scale for deciding where to look first: not a probability, not a forecast of an event, not a legal finding."
    };
    let _ = writeln!(
        out,
        "<p class=\"how\">{reading} <a href=\"#method\">Method and caveats</a>.</p>"
    );
    out.push_str("<nav aria-label=\"Sections\"><a href=\"#watch\">Watch list</a><a href=\"#map\">Map</a><a href=\"#rises\">Rises</a>");
    if !s.themes.is_empty() {
        out.push_str("<a href=\"#themes\">Themes</a>");
    }
    if !s.recommendations.is_empty() {
        out.push_str("<a href=\"#recommendations\">Recommendations</a>");
    }
    out.push_str("<a href=\"#countries\">Countries</a><a href=\"#warnings\">Data warnings</a><a href=\"#sources\">Sources</a><a href=\"#method\">Method</a></nav>\n</header>\n");
}

/// The age of the year's data, for the header: one sentence of the
/// summary's, with the flagged countries linked.
pub(super) fn data_age_line(c: &Ctx<'_, '_>) -> String {
    esc(&fmt_year_data_age(c.s))
        + if c.s.data_warnings.countries.is_empty() {
            ""
        } else {
            " <a href=\"#warnings\">Data warnings</a>."
        }
}

/// The top: the watch list beside the map and the largest rises.
pub(super) fn top(out: &mut String, c: &Ctx<'_, '_>) {
    out.push_str(
        "<section class=\"top\" id=\"top\" aria-label=\"At a glance\">\n<div class=\"watch\">\n",
    );
    watch_list(out, c);
    out.push_str("</div>\n<div class=\"side\">\n");
    world_map(out, c);
    rises(out, c);
    out.push_str("</div>\n</section>\n");
}

fn watch_list(out: &mut String, c: &Ctx<'_, '_>) {
    let s = c.s;
    let entries = &s.watch_list.overall;
    let with_iv = entries.iter().any(|e| e.interval.is_some());
    let level = if s.probability {
        "Probability"
    } else {
        "Score"
    };
    let _ = writeln!(
        out,
        "<h2 id=\"watch\">Watch list: the {} highest {}</h2>\n<div class=\"scroll\"><table class=\"wl\"><thead><tr><th class=\"num\">#</th><th>Country</th><th class=\"num\">{level}</th><th>Band</th>{}<th class=\"num\">Change</th><th>Data</th>{}</tr></thead><tbody>",
        entries.len(),
        if s.probability {
            "probabilities"
        } else {
            "scores"
        },
        if s.forecast.is_some() {
            "<th class=\"num\" title=\"fitted probability of the forecast event; not part of the score\">Forecast</th>"
        } else {
            ""
        },
        if with_iv {
            "<th class=\"num\">Rank 5&ndash;95%</th>"
        } else {
            ""
        }
    );
    for e in entries {
        let _ = writeln!(
            out,
            "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td>{}<td class=\"num\">{}</td><td>{}</td>{}</tr>",
            e.rank,
            c.country_link(&e.iso3, &e.country),
            c.level(e.score),
            c.band_chip(e.band.as_deref()),
            if s.forecast.is_some() {
                format!("<td class=\"num\">{}</td>", fmt_probability(e.probability))
            } else {
                String::new()
            },
            c.change(e.change),
            data_mark_html(c, &e.iso3),
            e.interval.map_or_else(String::new, |i| format!(
                "<td class=\"num\">{}</td>",
                fmt_rank(&i)
            ))
        );
    }
    out.push_str("</tbody></table></div>\n");
    let counts: Vec<String> = s
        .bands
        .iter()
        .rev()
        .map(|b| format!("{} {}", b.countries, esc(&b.band)))
        .chain((s.no_score > 0).then(|| format!("{} without a score", s.no_score)))
        .collect();
    let _ = write!(
        out,
        "<p class=\"small\">{}Change: since {}. {} countries: {}.",
        s.forecast.as_ref().map_or_else(String::new, |f| format!(
            "Forecast: {} (<code>{}</code>), a probability fitted to past onsets, not part of the score; the rank follows the score. ",
            esc(&f.title),
            esc(&f.id)
        )),
        s.previous_year
            .map_or_else(|| "the year before".to_string(), |p| p.to_string()),
        s.countries,
        counts.join(", ")
    );
    if !s.new_in_top_bands.is_empty() {
        let names: Vec<String> = s
            .new_in_top_bands
            .iter()
            .map(|n| {
                format!(
                    "{} ({} &rarr; {})",
                    c.country_link(&n.iso3, &n.country),
                    esc(n.previous_band.as_deref().unwrap_or("no score")),
                    esc(&n.band)
                )
            })
            .collect();
        let _ = write!(out, " New in the two top bands: {}.", names.join(", "));
    }
    if let Some(u) = &s.uncertainty {
        let _ = write!(
            out,
            " Rank 5&ndash;95%: the middle 90% of the rank over {} draws in which the framework's declared alternatives vary ({}; seed {}).",
            u.draws,
            esc(&u.varied.join(", ")),
            u.seed
        );
    }
    out.push_str("</p>\n");
}

/// The data-age mark of a watch-list country (empty when its data are
/// neither old nor few), linked to the data warnings.
fn data_mark_html(c: &Ctx<'_, '_>, iso3: &str) -> String {
    data_mark(c.s, iso3).map_or_else(String::new, |m| {
        format!(
            "<a class=\"mark\" href=\"#warnings\" title=\"{}\">{}</a>",
            esc(&format!(
                "{}: see the data warnings",
                m.replace("old", "old data")
                    .replace("few", "few indicators")
            )),
            esc(&m)
        )
    })
}

/// The largest rises against the year before, one line each.
fn rises(out: &mut String, c: &Ctx<'_, '_>) {
    let s = c.s;
    let Some(what) = compared_with(s, false) else {
        return;
    };
    let movers = &s.movers.previous_year;
    let _ = writeln!(
        out,
        "<h2 id=\"rises\">Largest rises since {}</h2>",
        esc(&what)
    );
    if movers.is_empty() {
        let _ = writeln!(
            out,
            "<p>{}</p>",
            if s.uncertainty.is_some() {
                "No rise held in at least 95% of the draws."
            } else {
                "No country's score rose."
            }
        );
        return;
    }
    out.push_str("<ul class=\"rises\">");
    for m in movers.iter().take(TOP_MOVERS) {
        let driver = rise_driver(m);
        let _ = write!(
            out,
            "<li>{} <span class=\"num\">{} &rarr; {} ({})</span>{}</li>",
            c.country_link(&m.iso3, &m.country),
            c.level(Some(m.before)),
            c.level(Some(m.score)),
            c.change(Some(m.change)),
            if driver.is_empty() {
                String::new()
            } else {
                format!(" <span class=\"small\">{}</span>", esc(&driver))
            }
        );
    }
    out.push_str("</ul>\n");
    let more = movers.len().saturating_sub(TOP_MOVERS);
    let _ = writeln!(
        out,
        "<p class=\"small\">{}{}<a href=\"#movers\">What moved them</a>.</p>",
        if more > 0 {
            format!("And {more} more. ")
        } else {
            String::new()
        },
        if s.uncertainty.is_some() {
            "Each held in at least 95% of the draws. "
        } else {
            ""
        }
    );
}
