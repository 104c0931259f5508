//! The self-contained HTML report of one year: inline CSS and inline SVG, no
//! script, no font, image or style sheet from elsewhere. Every text that comes
//! from data, a framework or a note goes through [`esc`].

use std::fmt::Write;

use super::fmt_score;
use super::summary::{
    self, fmt_change, fmt_column_value, fmt_data_age, fmt_input_change, fmt_reasons,
};
use super::uncertainty::fmt_rank;
use crate::analysis::summary::{ActorRef, Brief, DataAge, Mover, NodeScore, Summary};
use crate::analysis::uncertainty::Interval;
use crate::analysis::{Run, round};
use crate::embedded;
use crate::framework::compile::Kind;
use crate::framework::model::Source;
use crate::score::uncertainty::Simulation;

/// Years shown in each country's sparkline (at most; fewer when the panel is shorter).
pub const SPARK_YEARS: usize = 15;

/// The shipped data's own description, for its sources and licences.
const SOURCES_MD: &str = include_str!("../../examples/data/SOURCES.md");
/// The README, whose table names each shipped source and its licence.
const README_MD: &str = include_str!("../../README.md");

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Colour-blind-safe band colours (ColorBrewer PuOr, light to dark): fill and text.
const BAND_COLOURS: [(&str, &str); 4] = [
    ("#dde6ef", "#1a1a1a"),
    ("#fdb863", "#1a1a1a"),
    ("#e66101", "#ffffff"),
    ("#5e3c99", "#ffffff"),
];

/// Fill and text colour of the band at `index` of `count` bands.
fn band_colour(index: usize, count: usize) -> (&'static str, &'static str) {
    let last = BAND_COLOURS.len() - 1;
    let i = if count <= 1 {
        0
    } else {
        (index * last + (count - 1) / 2) / (count - 1)
    };
    BAND_COLOURS[i.min(last)]
}

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

const CSS: &str = "
:root{--ink:#1a1a1a;--muted:#555;--rule:#d0d0d0;--bg:#ffffff;--panel:#f6f7f9}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--ink);background:var(--bg);margin:0;line-height:1.45;font-size:15px}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:1.7em;margin:0 0 4px}
h2{font-size:1.3em;margin:36px 0 10px;padding-top:10px;border-top:2px solid var(--rule)}
h3{font-size:1.08em;margin:18px 0 6px}
p{margin:6px 0 10px}
.sub{color:var(--muted);margin:0 0 14px}
nav{background:var(--panel);padding:8px 12px;border-radius:6px;font-size:.92em}
nav a{margin-right:14px;white-space:nowrap}
.note{background:#fff8e6;border-left:4px solid #e6a700;padding:8px 12px;margin:12px 0}
.band{display:inline-block;padding:1px 8px;border-radius:10px;font-size:.86em;font-weight:600;white-space:nowrap}
table{border-collapse:collapse;margin:8px 0 14px;font-size:.92em}
th,td{padding:4px 8px;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}
th{background:var(--panel);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.ranked td{vertical-align:middle}
.heat td.cell{text-align:center;font-variant-numeric:tabular-nums;min-width:44px;font-size:.88em}
.heat td.na{background:repeating-linear-gradient(45deg,#f2f2f2,#f2f2f2 4px,#e4e4e4 4px,#e4e4e4 8px);color:#666}
.heat th.rf{text-align:center;font-size:.85em}
.counts{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
.counts div{background:var(--panel);border-radius:6px;padding:8px 14px;min-width:120px}
.counts b{font-size:1.5em;display:block}
.brief{border:1px solid var(--rule);border-radius:8px;padding:10px 16px;margin:12px 0;break-inside:avoid}
.brief h3{margin-top:4px}
.small{font-size:.88em;color:var(--muted)}
ul{margin:4px 0 8px;padding-left:22px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:#f0f0f0;padding:0 3px;border-radius:3px}
svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif}
.legend span{margin-right:12px}
@media print{h2{break-before:auto}.brief{page-break-inside:avoid}}
";

struct Ctx<'r, 'a> {
    run: &'r Run<'a>,
    s: &'r Summary,
    y: usize,
    bands: Vec<(String, f64)>,
    /// The draws behind the summary's intervals, for every country's rank
    /// interval in the full ranking.
    sim: Option<&'r Simulation>,
}

impl Ctx<'_, '_> {
    fn band_chip(&self, band: Option<&str>) -> String {
        match band {
            None => "<span class=\"band\" style=\"background:#eeeeee;color:#333\">no score</span>"
                .to_string(),
            Some(b) => {
                let i = self.bands.iter().position(|(n, _)| n == b).unwrap_or(0);
                let (bg, fg) = band_colour(i, self.bands.len());
                format!(
                    "<span class=\"band\" style=\"background:{bg};color:{fg}\">{}</span>",
                    esc(b)
                )
            }
        }
    }

    fn country_name(&self, c: usize) -> String {
        esc(&self.run.panel.countries[c].name)
    }
}

/// Writes the report; with the draws behind the summary's intervals
/// (`sim`), the full ranking also gives every country's rank interval.
pub fn write(run: &Run<'_>, s: &Summary, sources: &[Source], sim: Option<&Simulation>) -> String {
    let plan = run.plan;
    let y = run.years.first().copied().unwrap_or(0);
    let ctx = Ctx {
        run,
        s,
        y,
        bands: plan.band_sets[plan.nodes[plan.overall()].bands].clone(),
        sim,
    };
    let mut out = String::new();
    let title = format!("Atrocity risk report {}: {}", s.year, s.framework.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(&title)
    );
    let _ = writeln!(
        out,
        "<h1>Atrocity risk report, {}</h1>\n<p class=\"sub\">{} (version {}), scored on {}. Written by atrisk {}.</p>",
        s.year,
        esc(&s.framework.title),
        esc(&s.framework.version),
        esc(&s.data.join(", ")),
        esc(s.atrisk_version)
    );
    out.push_str("<nav><a href=\"#glance\">At a glance</a><a href=\"#chart\">Top countries</a><a href=\"#heat\">Risk factors</a><a href=\"#movers\">Movers</a><a href=\"#recommendations\">Recommendations</a><a href=\"#briefs\">Country briefs</a><a href=\"#warnings\">Data warnings</a><a href=\"#ranking\">Full ranking</a><a href=\"#sources\">Sources</a><a href=\"#method\">Method and caveats</a></nav>\n");
    out.push_str("<p class=\"note\"><strong>How to read this report.</strong> A score is a relative risk on a 0 to 1 scale used to decide where to look first. It is not a probability, not a forecast of a specific event and not a legal finding. Check every score against current reporting and country knowledge; see <a href=\"#method\">Method and caveats</a>.</p>\n");
    glance(&mut out, &ctx);
    bar_chart(&mut out, &ctx);
    heat_map(&mut out, &ctx);
    movers(&mut out, &ctx);
    recommendations(&mut out, &ctx);
    briefs(&mut out, &ctx);
    warnings(&mut out, &ctx);
    ranking(&mut out, &ctx);
    sources_section(&mut out, &ctx, sources);
    method(&mut out, &ctx);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn glance(out: &mut String, c: &Ctx<'_, '_>) {
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

fn bar_chart(out: &mut String, c: &Ctx<'_, '_>) {
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

fn heat_map(out: &mut String, c: &Ctx<'_, '_>) {
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

fn movers(out: &mut String, c: &Ctx<'_, '_>) {
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
                esc(&actor_list(&r.addressed_to)),
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

fn actor_list(a: &[ActorRef]) -> String {
    a.iter()
        .map(|a| a.title.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

fn recommendations(out: &mut String, c: &Ctx<'_, '_>) {
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
            esc(&actor_list(&r.addressed_to)),
            r.count,
            esc(&r.countries.join(" "))
        );
    }
    out.push_str("</tbody></table>\n");
}

fn briefs(out: &mut String, c: &Ctx<'_, '_>) {
    let _ = writeln!(
        out,
        "<h2 id=\"briefs\">Country briefs</h2><p>One brief per watch-list country: its band, score and change, the risk factors that weigh most in its score with their indicators and raw data values (with the year of each value), how much data the score rests on, and the recommendations its risks call for.</p>"
    );
    for b in &c.s.briefs {
        brief(out, c, b);
    }
}

fn warnings(out: &mut String, c: &Ctx<'_, '_>) {
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

/// An inline SVG line of a country's overall score over the last years, on a fixed 0-1 scale.
fn sparkline(c: &Ctx<'_, '_>, country: usize, w: f64, h: f64) -> String {
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

fn ranking(out: &mut String, c: &Ctx<'_, '_>) {
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

/// Inline Markdown of a table cell (`code` and **bold**) as HTML; escapes first.
fn md_inline(s: &str) -> String {
    let e = esc(s.trim());
    let mut out = String::new();
    let (mut code, mut bold) = (false, false);
    let mut rest = e.as_str();
    while let Some(ch) = rest.chars().next() {
        if rest.starts_with("**") {
            out.push_str(if bold { "</strong>" } else { "<strong>" });
            bold = !bold;
            rest = &rest[2..];
        } else if ch == '`' {
            out.push_str(if code { "</code>" } else { "<code>" });
            code = !code;
            rest = &rest[1..];
        } else {
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
        }
    }
    if bold {
        out.push_str("</strong>");
    }
    if code {
        out.push_str("</code>");
    }
    out
}

/// The first Markdown table of `text` whose header starts with `header`, as HTML.
fn md_table(text: &str, header: &str) -> Option<String> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with(header));
    let head = lines.next()?;
    let cells = |l: &str| -> Vec<String> {
        l.trim()
            .trim_matches('|')
            .split(" | ")
            .map(md_inline)
            .collect()
    };
    let mut out = String::from("<table><thead><tr>");
    for h in cells(head) {
        let _ = write!(out, "<th>{h}</th>");
    }
    out.push_str("</tr></thead><tbody>\n");
    for l in lines.take_while(|l| l.starts_with('|')) {
        if l.starts_with("|---") || l.starts_with("| ---") {
            continue;
        }
        out.push_str("<tr>");
        for c in cells(l) {
            let _ = write!(out, "<td>{c}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    Some(out)
}

fn sources_section(out: &mut String, c: &Ctx<'_, '_>, sources: &[Source]) {
    out.push_str("<h2 id=\"sources\">Sources and licences</h2>\n");
    if !sources.is_empty() {
        out.push_str("<h3>Documents the framework follows</h3><ul>\n");
        for s in sources {
            let mut line = format!("<li><strong>{}</strong>", esc(&s.title));
            if let Some(r) = &s.reference {
                let _ = write!(line, ". {}", esc(r));
            }
            if let Some(u) = &s.url {
                let _ = write!(line, ". <span class=\"small\">{}</span>", esc(u));
            }
            line.push_str("</li>\n");
            out.push_str(&line);
        }
        out.push_str("</ul>\n");
    }
    let shipped = c.run.panel.files.len() == embedded::DATA.len()
        && c.run
            .panel
            .files
            .iter()
            .zip(embedded::DATA.iter())
            .all(|(f, (n, _))| f == n);
    out.push_str("<h3>Data</h3>\n");
    if shipped {
        out.push_str("<p>The scores use the data shipped with atrisk. Every value is a published source value, not estimated or imputed; the full origin, citation and licence of every column are in <code>examples/data/SOURCES.md</code>.</p>\n");
        if let Some(t) = md_table(SOURCES_MD, "| file |") {
            out.push_str(&t);
        }
        if let Some(t) = md_table(README_MD, "| source |") {
            out.push_str(&t);
        }
    } else {
        let _ = writeln!(
            out,
            "<p>The scores use these data files: {}. Their sources and licences are those stated by their publishers.</p>",
            esc(&c.run.panel.files.join(", "))
        );
    }
}

fn method(out: &mut String, c: &Ctx<'_, '_>) {
    let bands: Vec<String> = c
        .bands
        .iter()
        .map(|(n, m)| format!("{} from {:.2}", c.band_chip(Some(n)), m))
        .collect();
    let _ = writeln!(
        out,
        "<h2 id=\"method\">Method and caveats</h2>
<h3>What a score means</h3>
<p>The framework turns a checklist of risk factors for atrocity crimes into rules. Each measured indicator reads published country data and places it between two fixed reference points, so that 0 means the condition is absent and 1 that it is at the most severe level the rules consider. Indicators are combined into risk factors, risk factors into one score per crime, and the crime scores into the overall score ({}). Because the reference points are fixed, a country's score depends only on its own data, and scores of different years can be compared.</p>
<p>Bands: {}. A band is a cut-off on a continuous scale: a country just below a cut-off could fall on either side with slightly different data, and differences of a few hundredths between countries are not meaningful on their own.</p>
<h3>What a score does not mean</h3>
<ul><li>It is <strong>not a probability</strong>: a score of 0.7 is not a 70&nbsp;% chance of anything. The rules are not fitted to past atrocities.</li>
<li>It is <strong>not a prediction</strong> of a specific event, place, time or perpetrator.</li>
<li>It is <strong>not a legal finding</strong>. Only competent courts establish genocide, crimes against humanity or war crimes; a high genocide score says nothing about intent, which data cannot observe.</li></ul>
<h3>Caveats</h3>
<ul><li><strong>Old data.</strong> Sources end in different years. When a value is missing, the rules may use the latest earlier value for a few years; such values are counted above and shown with their year in the movers and briefs. Violence that began after a source ends does not appear in its measures.</li>
<li><strong>Coverage.</strong> A score needs enough of its indicators to have data. Risk factors without a score are shown as n/a; fewer indicators mean a score that could move more with new data.</li>
<li><strong>Qualitative indicators.</strong> Some indicators, such as hate speech or signs of intent, cannot be read from country-year data. They never add or remove risk; they stay open questions for analysts.</li>
<li><strong>Proxies.</strong> Several indicators are read through data that capture only part of the condition they stand for, and expert-coded measures carry their own uncertainty, which is not shown here.</li>
<li><strong>Screening, not judgement.</strong> Use the report to decide where to look first, and check every finding against current reporting and country expertise.</li></ul>
<p class=\"small\">Every score can be traced to the data cells it came from with <code>atrisk score --format json</code>. The full methodology is in <code>docs/methodology.md</code>.</p>",
        esc(&overall_rule(c)),
        bands.join(", ")
    );
}

fn overall_rule(c: &Ctx<'_, '_>) -> String {
    use crate::framework::model::Method;
    let plan = c.run.plan;
    match plan.nodes[plan.overall()].rule.method {
        Method::Max => "here, the highest of the crime scores".to_string(),
        Method::Mean => "here, the weighted mean of the crime scores".to_string(),
        Method::GeometricMean => {
            "here, the weighted geometric mean of the crime scores".to_string()
        }
        Method::ShareAbove => "here, the share of crime scores above a threshold".to_string(),
        Method::Logistic => "here, a logistic model of the crime scores".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esc_makes_markup_inert() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(esc("Côte d'Ivoire"), "Côte d&#39;Ivoire");
    }

    #[test]
    fn band_colours_spread_over_any_number_of_bands() {
        assert_eq!(band_colour(0, 4), BAND_COLOURS[0]);
        assert_eq!(band_colour(3, 4), BAND_COLOURS[3]);
        assert_eq!(band_colour(2, 3), BAND_COLOURS[3]);
        assert_eq!(band_colour(0, 1), BAND_COLOURS[0]);
        assert_eq!(band_colour(9, 6), BAND_COLOURS[3]);
    }

    #[test]
    fn markdown_cells_are_escaped_before_formatting() {
        assert_eq!(
            md_inline("`a<b>` **CC BY**"),
            "<code>a&lt;b&gt;</code> <strong>CC BY</strong>"
        );
        assert!(
            md_table("| file | x |\n|---|---|\n| `f` | <i> |\n", "| file |")
                .is_some_and(|t| t.contains("&lt;i&gt;"))
        );
        assert!(md_table("no table", "| file |").is_none());
    }
}
