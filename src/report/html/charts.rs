//! The charts of the HTML report: bar charts in HTML (the watch list with
//! its score intervals, a country's risk factors), the heat map of risk
//! factors as a coloured table, and the sparkline of a country's score over
//! the years as inline SVG that scales with its box.

use std::fmt::Write;

use super::context::{Ctx, esc};
use crate::analysis::summary::Brief;
use crate::compile::Kind;
use crate::report::uncertainty::fmt_rank;

/// Sequential blue scale (ColorBrewer Blues) for the heat map: fill and text.
fn heat_colour(v: f64) -> (String, &'static str) {
    const STOPS: [(f64, [u8; 3]); 5] = [
        (0.0, [247, 251, 255]),
        (0.25, [198, 219, 239]),
        (0.5, [107, 174, 214]),
        (0.75, [33, 113, 181]),
        (1.0, [8, 48, 107]),
    ];
    let v = v.clamp(0.0, 1.0);
    let mut rgb = STOPS[0].1;
    for w in STOPS.windows(2) {
        let ((a, ca), (b, cb)) = (w[0], w[1]);
        if v >= a && v <= b {
            let t = (v - a) / (b - a);
            for k in 0..3 {
                rgb[k] =
                    (f64::from(ca[k]) + t * (f64::from(cb[k]) - f64::from(ca[k]))).round() as u8;
            }
            break;
        }
    }
    let text = if v > 0.55 { "#ffffff" } else { "#1a1a1a" };
    (format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]), text)
}

/// One row of a bar chart drawn in HTML (labels stay text at any width):
/// a label, a bar from 0 to `v` on a 0-1 track (whose background marks
/// where the overall bands start) in the colour class `class`, an optional
/// whisker from `lo` to `hi`, and a note.
pub(super) fn bar_row(
    label: &str,
    v: Option<f64>,
    class: &str,
    whisker: Option<(f64, f64)>,
    note: &str,
) -> String {
    let pct = |x: f64| format!("{:.1}%", x.clamp(0.0, 1.0) * 100.0);
    let mut track = match v {
        Some(v) => format!("<i class=\"bar {class}\" style=\"width:{}\"></i>", pct(v)),
        None => "<i class=\"bar none\" style=\"width:100%\"></i>".to_string(),
    };
    if let Some((lo, hi)) = whisker {
        let _ = write!(
            track,
            "<i class=\"whisker\" style=\"left:{};width:{}\"></i>",
            pct(lo),
            pct((hi - lo).max(0.0))
        );
    }
    format!(
        "<div class=\"row\"><span class=\"lab\">{label}</span><span class=\"track\">{track}</span><span class=\"val\">{note}</span></div>"
    )
}

/// The watch list as a bar chart, with the score intervals as whiskers.
pub(super) fn bar_chart(out: &mut String, c: &Ctx<'_, '_>) {
    let entries = &c.s.watch_list.overall;
    let _ = writeln!(
        out,
        "<details id=\"chart\"><summary><h2>The {} highest-scoring countries</h2></summary>",
        entries.len()
    );
    out.push_str("<div class=\"bars\" role=\"list\">\n");
    for e in entries {
        let band = e.band.as_deref().unwrap_or("no score");
        let class = c.band_class(band);
        let whisker = e
            .interval
            .and_then(|iv| Some((iv.score_p05?, iv.score_p95?)));
        let rank = e
            .interval
            .map_or_else(String::new, |iv| format!(", rank {}", fmt_rank(&iv)));
        let label = format!("{}. {}", e.rank, c.country_link(&e.iso3, &e.country));
        let note = format!("{} {}{rank}", c.level(e.score), esc(band));
        let _ = writeln!(out, "{}", bar_row(&label, e.score, &class, whisker, &note));
    }
    out.push_str("</div>\n<p class=\"small\">Bars show the overall score on a 0 to 1 scale; thin lines mark where each band starts.");
    if let Some(u) = &c.s.uncertainty {
        let _ = write!(
            out,
            " Whiskers span the middle 90% of the score over {} draws (seed {}), and the rank interval after the band is the 5th to 95th percentile of the rank over the same draws.",
            u.draws, u.seed
        );
    }
    out.push_str("</p>\n</details>\n");
}

fn risk_factors(c: &Ctx<'_, '_>) -> Vec<usize> {
    let plan = c.run.plan;
    let mut rfs = plan.of_kind(Kind::RiskFactor);
    rfs.sort_by_key(|&n| (plan.nodes[n].line, n));
    rfs
}

pub(super) fn heat_map(out: &mut String, c: &Ctx<'_, '_>) {
    let (plan, panel, scores) = (c.run.plan, c.run.panel, c.run.scores);
    let rfs = risk_factors(c);
    let _ = writeln!(
        out,
        "<details id=\"heat\"><summary><h2>Risk factors of the watch-list countries</h2></summary>\n<p>Each cell is a risk factor's score (0 to 1; darker is higher). Hatched cells have no score: too few of the risk factor's indicators have data, or its indicators are qualitative and need an analyst's assessment.</p>\n<div class=\"scroll\"><table class=\"heat\"><thead><tr><th>Country</th><th class=\"num\">Score</th>"
    );
    for &r in &rfs {
        let n = &plan.nodes[r];
        let _ = write!(
            out,
            "<th class=\"rf\" title=\"{}\">{}</th>",
            esc(&n.title),
            esc(&n.id.to_uppercase())
        );
    }
    out.push_str("</tr></thead><tbody>\n");
    for e in &c.s.watch_list.overall {
        let Some(ci) = panel.countries.iter().position(|x| x.iso3 == e.iso3) else {
            continue;
        };
        let cell = panel.cell(ci, c.y);
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td>",
            c.country_link(&e.iso3, &panel.countries[ci].name),
            c.level(e.score)
        );
        for &r in &rfs {
            let v = scores.value(r, cell);
            if v.is_nan() {
                let _ = write!(
                    out,
                    "<td class=\"cell na\" title=\"{}: no score\">n/a</td>",
                    esc(&plan.nodes[r].id.to_uppercase())
                );
            } else {
                let (bg, fg) = heat_colour(v);
                let _ = write!(
                    out,
                    "<td class=\"cell\" style=\"background:{bg};color:{fg}\" title=\"{}: {:.2}\">{:.2}</td>",
                    esc(&plan.nodes[r].id.to_uppercase()),
                    v,
                    v
                );
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n<p class=\"small\">Scale: ");
    for v in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let (bg, fg) = heat_colour(v);
        let _ = write!(
            out,
            "<span class=\"band\" style=\"background:{bg};color:{fg}\">{v:.2}</span> "
        );
    }
    out.push_str(
        "</p>\n<div class=\"scroll\"><table><thead><tr><th>Risk factor</th><th>Title</th></tr></thead><tbody>\n",
    );
    for &r in &rfs {
        let n = &plan.nodes[r];
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td></tr>",
            esc(&n.id.to_uppercase()),
            esc(&n.title)
        );
    }
    out.push_str("</tbody></table></div>\n</details>\n");
}

/// An inline SVG line of a country's overall score over the years of its
/// trend, on a fixed 0-1 scale; it scales with its box (`viewBox`) and has
/// no text of its own: its title and caption say what it shows.
pub(super) fn sparkline(c: &Ctx<'_, '_>, b: &Brief) -> String {
    let (w, h, pad) = (200.0, 48.0, 3.0);
    let n = b.trend.len().max(2) - 1;
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / n as f64;
    let yv = |v: f64| pad + (h - 2.0 * pad) * (1.0 - v.clamp(0.0, 1.0));
    let mut path = String::new();
    let mut pen_down = false;
    let mut last: Option<(f64, f64)> = None;
    for (i, p) in b.trend.iter().enumerate() {
        let Some(v) = p.score else {
            pen_down = false;
            continue;
        };
        let _ = write!(
            path,
            "{}{:.1},{:.1} ",
            if pen_down { "L" } else { "M" },
            x(i),
            yv(v)
        );
        pen_down = true;
        last = Some((x(i), yv(v)));
    }
    let (first_year, last_year) = match (b.trend.first(), b.trend.last()) {
        (Some(a), Some(z)) => (a.year, z.year),
        _ => (c.s.year, c.s.year),
    };
    let values: Vec<String> = b
        .trend
        .iter()
        .map(|p| format!("{} {}", p.year, c.level(p.score)))
        .collect();
    let mut svg = format!(
        "<svg class=\"spark\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"score {first_year}-{last_year}\"><title>{}, {first_year}-{last_year}: {}</title><rect class=\"spark-bg\" width=\"{w}\" height=\"{h}\"/>",
        esc(&b.country),
        esc(&values.join(", "))
    );
    // The start of the top two bands, for reference.
    if let Some((_, min)) = c.bands.get(c.bands.len().saturating_sub(2)) {
        let _ = write!(
            svg,
            "<line class=\"spark-cut\" x1=\"0\" x2=\"{w}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>",
            y = yv(*min)
        );
    }
    if !path.is_empty() {
        let _ = write!(
            svg,
            "<path class=\"spark-line\" d=\"{}\"/>",
            path.trim_end()
        );
    }
    if let Some((lx, ly)) = last {
        let _ = write!(
            svg,
            "<circle class=\"spark-dot\" cx=\"{lx:.1}\" cy=\"{ly:.1}\" r=\"3\"/>"
        );
    }
    svg.push_str("</svg>");
    svg
}
