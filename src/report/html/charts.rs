//! The charts of the HTML report, as inline SVG and coloured tables: the
//! bar chart of the highest scores, the heat map of risk factors and the
//! sparkline of a country's score over the years.

use std::fmt::Write;

use super::context::{Ctx, SPARK_YEARS, band_colour, esc};
use crate::compile::Kind;
use crate::report::fmt_score;
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

pub(super) fn bar_chart(out: &mut String, c: &Ctx<'_, '_>) {
    let entries = &c.s.watch_list.overall;
    let _ = writeln!(
        out,
        "<h2 id=\"chart\">The {} highest-scoring countries</h2>",
        entries.len()
    );
    let (label_w, bar_w, row_h, top_pad) = (300.0, 600.0, 24.0, 30.0);
    let with_intervals = entries.iter().any(|e| e.interval.is_some());
    let width = label_w + bar_w + if with_intervals { 240.0 } else { 150.0 };
    let height = top_pad + row_h * entries.len() as f64 + 10.0;
    let _ = writeln!(
        out,
        "<svg role=\"img\" aria-label=\"Bar chart of the highest overall scores\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" style=\"max-width:100%;height:auto\">"
    );
    // Band thresholds and the scale.
    for (i, (name, min)) in c.bands.iter().enumerate() {
        let x = label_w + bar_w * min;
        let (bg, _) = band_colour(i, c.bands.len());
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#999\" stroke-dasharray=\"3,3\"/><rect x=\"{:.1}\" y=\"4\" width=\"10\" height=\"10\" fill=\"{bg}\"/><text x=\"{:.1}\" y=\"13\" font-size=\"11\" fill=\"#444\">{} {:.2}</text>",
            top_pad - 8.0,
            height - 6.0,
            x + 2.0,
            x + 15.0,
            esc(name),
            min
        );
    }
    let _ = writeln!(
        out,
        "<line x1=\"{label_w}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#bbb\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#444\" text-anchor=\"end\">1.0</text>",
        top_pad - 8.0,
        label_w + bar_w,
        top_pad - 8.0,
        label_w + bar_w,
        top_pad - 10.0
    );
    for (i, e) in entries.iter().enumerate() {
        let v = e.score.unwrap_or(0.0);
        let yy = top_pad + row_h * i as f64;
        let bi = e
            .band
            .as_deref()
            .and_then(|b| c.bands.iter().position(|(n, _)| n == b))
            .unwrap_or(0);
        let (bg, _) = band_colour(bi, c.bands.len());
        // The 5-95% score interval as a whisker; the label goes after it.
        let (whisker, label_at, rank) = match e.interval {
            Some(iv) => {
                let (a, b) = (iv.score_p05.unwrap_or(v), iv.score_p95.unwrap_or(v));
                let (xa, xb, ym) = (label_w + bar_w * a, label_w + bar_w * b, yy + 9.0);
                (
                    format!(
                        "<path d=\"M{xa:.1} {ym:.1}H{xb:.1}M{xa:.1} {:.1}V{:.1}M{xb:.1} {:.1}V{:.1}\" stroke=\"#000\" stroke-width=\"1.5\" fill=\"none\"/>",
                        ym - 4.0,
                        ym + 4.0,
                        ym - 4.0,
                        ym + 4.0
                    ),
                    b.max(v),
                    format!(", rank {}", fmt_rank(&iv)),
                )
            }
            None => (String::new(), v, String::new()),
        };
        let _ = writeln!(
            out,
            "<g><title>{} {}: {} ({})</title><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" text-anchor=\"end\">{}. {}</text><rect x=\"{label_w}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{bg}\" stroke=\"#333\" stroke-width=\"0.5\"/>{whisker}<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{} {}{rank}</text></g>",
            esc(&e.country),
            esc(&e.iso3),
            fmt_score(v),
            esc(e.band.as_deref().unwrap_or("no score")),
            label_w - 8.0,
            yy + 15.0,
            e.rank,
            esc(&e.country),
            yy + 3.0,
            bar_w * v,
            row_h - 6.0,
            label_w + bar_w * label_at + 6.0,
            yy + 15.0,
            fmt_score(v),
            esc(e.band.as_deref().unwrap_or("no score"))
        );
    }
    out.push_str("</svg>\n");
    out.push_str("<p class=\"small\">Bars show the overall score; dashed lines mark where each band starts. The band is written after each bar.");
    if let Some(u) = &c.s.uncertainty {
        let _ = write!(
            out,
            " Whiskers span the middle 90% of the score over {} draws of the framework's declared alternatives (weights, methods, missing-data policies; seed {}), and the rank interval after the band is the 5th to 95th percentile of the rank over the same draws.",
            u.draws, u.seed
        );
    }
    out.push_str("</p>\n");
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
        "<h2 id=\"heat\">Risk factors of the watch-list countries</h2>\n<p>Each cell is a risk factor's score (0 to 1; darker is higher). Hatched cells have no score: too few of the risk factor's indicators have data, or its indicators are qualitative and need an analyst's assessment.</p>\n<table class=\"heat\"><thead><tr><th>Country</th><th class=\"num\">Score</th>"
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
            c.country_name(ci),
            e.score.map_or_else(|| "n/a".to_string(), fmt_score)
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
    out.push_str("</tbody></table>\n<p class=\"small\">Scale: ");
    for v in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let (bg, fg) = heat_colour(v);
        let _ = write!(
            out,
            "<span class=\"band\" style=\"background:{bg};color:{fg}\">{v:.2}</span> "
        );
    }
    out.push_str(
        "</p>\n<table><thead><tr><th>Risk factor</th><th>Title</th></tr></thead><tbody>\n",
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
    out.push_str("</tbody></table>\n");
}

/// An inline SVG line of a country's overall score over the last years, on a fixed 0-1 scale.
pub(super) fn sparkline(c: &Ctx<'_, '_>, country: usize, w: f64, h: f64) -> String {
    let (plan, panel, scores) = (c.run.plan, c.run.panel, c.run.scores);
    let overall = plan.overall();
    let first = c.y.saturating_sub(SPARK_YEARS - 1);
    let years: Vec<usize> = (first..=c.y).collect();
    let n = years.len().max(2) - 1;
    let pad = 3.0;
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / n as f64;
    let yv = |v: f64| pad + (h - 2.0 * pad) * (1.0 - v);
    let mut path = String::new();
    let mut pen_down = false;
    let mut last: Option<(f64, f64)> = None;
    let mut vals = Vec::new();
    for (i, &yy) in years.iter().enumerate() {
        let v = scores.value(overall, panel.cell(country, yy));
        if v.is_nan() {
            pen_down = false;
            continue;
        }
        vals.push(v);
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
    let first_v = vals.first().copied().unwrap_or(f64::NAN);
    let last_v = vals.last().copied().unwrap_or(f64::NAN);
    let mut svg = format!(
        "<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"score {}-{}\"><title>{} {}-{}: {} to {}</title><rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#f6f7f9\"/>",
        panel.year(first),
        panel.year(c.y),
        c.country_name(country),
        panel.year(first),
        panel.year(c.y),
        fmt_score(first_v),
        fmt_score(last_v)
    );
    // The start of the top two bands, for reference.
    if let Some((_, min)) = c.bands.get(c.bands.len().saturating_sub(2)) {
        let _ = write!(
            svg,
            "<line x1=\"0\" x2=\"{w}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#e66101\" stroke-width=\"0.7\" stroke-dasharray=\"2,2\"/>",
            yv(*min),
            yv(*min)
        );
    }
    if !path.is_empty() {
        let _ = write!(
            svg,
            "<path d=\"{}\" fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"1.6\"/>",
            path.trim_end()
        );
    }
    if let Some((lx, ly)) = last {
        let _ = write!(
            svg,
            "<circle cx=\"{lx:.1}\" cy=\"{ly:.1}\" r=\"2.5\" fill=\"#1f4e79\"/>"
        );
    }
    svg.push_str("</svg>");
    svg
}
