//! The themes of the framework, each in its own collapsed part: the
//! countries that score highest on it, the members that drive it among
//! them, and the recommendations it calls for. A framework without themes
//! gets no part and no heading.

use std::fmt::Write;

use super::context::{Ctx, anchor, esc};
use crate::analysis::summary::ThemePart;
use crate::report::summary::{actor_names, fmt_change};

pub(super) fn themes(out: &mut String, c: &Ctx<'_, '_>) {
    if c.s.themes.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h2 id=\"themes\" class=\"group\">Themes</h2>\n<p>The framework's {} themes, each a lens on the same data (the mean of its members), not a risk added to the overall score.</p>",
        c.s.themes.len()
    );
    for t in &c.s.themes {
        theme(out, c, t);
    }
}

fn theme(out: &mut String, c: &Ctx<'_, '_>, t: &ThemePart) {
    let _ = writeln!(
        out,
        "<details class=\"theme\" id=\"{}\"><summary><h3>{}</h3></summary>",
        anchor("theme-", &t.id),
        esc(&t.title)
    );
    if let Some(d) = &t.description {
        let _ = writeln!(out, "<p>{}</p>", esc(d));
    }
    out.push_str("<div class=\"tgrid\"><div>\n");
    let _ = writeln!(
        out,
        "<h4>Highest on this theme</h4>\n<div class=\"scroll\"><table><thead><tr><th class=\"num\">#</th><th>Country</th><th class=\"num\">Theme</th><th>Band</th><th class=\"num\">Change</th></tr></thead><tbody>"
    );
    for e in &t.top {
        let _ = writeln!(
            out,
            "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            e.rank,
            c.country_link(&e.iso3, &e.country),
            e.score
                .map_or_else(|| "n/a".to_string(), |v| format!("{v:.2}")),
            c.band_chip(e.band.as_deref()),
            fmt_change(e.change)
        );
    }
    out.push_str("</tbody></table></div>\n</div><div>\n");
    let _ = writeln!(
        out,
        "<h4>What drives it</h4>\n<p class=\"small\">Its members, by their mean over the {} countries listed, and in how many of them each is high or very high.</p>\n<div class=\"scroll\"><table><thead><tr><th>Member</th><th class=\"num\">Mean</th><th class=\"num\">High in</th></tr></thead><tbody>",
        t.top.len()
    );
    for m in &t.members {
        let _ = writeln!(
            out,
            "<tr><td>{} <span class=\"small\">{} {}</span></td><td class=\"num\">{}</td><td class=\"num\">{} of {}</td></tr>",
            esc(&m.title),
            esc(m.kind),
            esc(&m.id),
            m.mean
                .map_or_else(|| "n/a".to_string(), |v| format!("{v:.2}")),
            m.high,
            t.top.len()
        );
    }
    out.push_str("</tbody></table></div>\n</div></div>\n");
    if !t.recommendations.is_empty() {
        out.push_str("<h4>Recommendations it calls for</h4>\n<ul>");
        for r in &t.recommendations {
            let _ = write!(
                out,
                "<li><a href=\"#recommendations\">({}) {}</a>, to {}: when the theme's {}; holds for {} of the {} countries listed</li>",
                esc(&r.id),
                esc(&r.title),
                esc(&actor_names(&r.addressed_to)),
                esc(&r.condition),
                r.count,
                t.top.len()
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</details>\n");
}
