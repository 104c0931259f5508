//! The audit as one self-contained HTML page: the layout's tables, and beside
//! each risk factor and theme a heat map of its members' correlations in
//! inline SVG. Inline CSS only: no script, nothing loaded from elsewhere.

use std::fmt::Write;

use super::groups::Group;
use super::layout::{Doc, Table, layout};
use super::{Audit, f2};
use crate::report::html::esc;

const CSS: &str = "
:root{--ink:#1a1a1a;--muted:#555;--rule:#d0d0d0;--panel:#f6f7f9}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--ink);background:#fff;margin:0;line-height:1.45;font-size:15px}
main{max-width:1240px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:1.6em;margin:0 0 4px}
h2{font-size:1.3em;margin:36px 0 10px;padding-top:10px;border-top:2px solid var(--rule)}
h3{font-size:1.02em;margin:18px 0 6px}
.sub{color:var(--muted);margin:0 0 14px}
nav{background:var(--panel);padding:8px 12px;border-radius:6px;font-size:.92em}
nav a{margin-right:14px;white-space:nowrap}
table{border-collapse:collapse;margin:6px 0 14px;font-size:.9em}
th,td{padding:3px 8px;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}
th{background:var(--panel);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.group{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
.small{font-size:.88em;color:var(--muted)}
svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif}
";

/// Diverging colour-blind-safe scale (ColorBrewer RdBu) for a correlation in
/// -1..1: fill and text colour.
fn corr_colour(r: f64) -> (String, &'static str) {
    const STOPS: [(f64, [u8; 3]); 5] = [
        (-1.0, [33, 102, 172]),
        (-0.5, [146, 197, 222]),
        (0.0, [247, 247, 247]),
        (0.5, [244, 165, 130]),
        (1.0, [178, 24, 43]),
    ];
    let r = r.clamp(-1.0, 1.0);
    let mut rgb = STOPS[2].1;
    for w in STOPS.windows(2) {
        let ((a, ca), (b, cb)) = (w[0], w[1]);
        if r >= a && r <= b {
            let t = (r - a) / (b - a);
            for k in 0..3 {
                rgb[k] =
                    (f64::from(ca[k]) + t * (f64::from(cb[k]) - f64::from(ca[k]))).round() as u8;
            }
            break;
        }
    }
    let text = if r.abs() > 0.6 { "#ffffff" } else { "#1a1a1a" };
    (format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]), text)
}

/// The heat map of a group's pooled Pearson matrix: members numbered along
/// the top, named down the left.
pub fn heat_map(g: &Group) -> String {
    let k = g.members.len();
    if k < 2 {
        return String::new();
    }
    let cell = 40.0;
    let label_w = 7.2
        * g.members
            .iter()
            .map(|m| m.id.chars().count() + 4)
            .max()
            .unwrap_or(10) as f64;
    let (top, legend) = (22.0, 34.0);
    let w = label_w + cell * k as f64 + 4.0;
    let h = top + cell * k as f64 + legend;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" role=\"img\" aria-label=\"Correlations between the members of {}\">",
        esc(&g.id)
    );
    for j in 0..k {
        let x = label_w + cell * (j as f64 + 0.5);
        let _ = write!(
            s,
            "<text x=\"{x:.1}\" y=\"15\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            j + 1
        );
    }
    for (i, m) in g.members.iter().enumerate() {
        let y = top + cell * i as f64;
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{} {}</text>",
            label_w - 6.0,
            y + cell / 2.0 + 4.0,
            i + 1,
            esc(&m.id)
        );
        for j in 0..k {
            let x = label_w + cell * j as f64;
            let v = g.matrix.get(i).and_then(|r| r.get(j)).copied().flatten();
            let (fill, ink, label) = match v {
                Some(r) => {
                    let (f, t) = corr_colour(r);
                    (f, t, f2(r))
                }
                None => ("#e0e0e0".to_string(), "#555555", "n/a".to_string()),
            };
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{cell}\" height=\"{cell}\" fill=\"{fill}\" stroke=\"#ffffff\"><title>{} ~ {}: {label}</title></rect><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{ink}\">{label}</text>",
                esc(&m.id),
                esc(&g.members[j].id),
                x + cell / 2.0,
                y + cell / 2.0 + 4.0
            );
        }
    }
    // Legend: -1 .. 1.
    let ly = top + cell * k as f64 + 10.0;
    let lw = (cell * k as f64).max(160.0).min(w - label_w);
    for step in 0..20 {
        let r = -1.0 + 2.0 * (step as f64 + 0.5) / 20.0;
        let (f, _) = corr_colour(r);
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"{ly:.1}\" width=\"{:.1}\" height=\"8\" fill=\"{f}\"/>",
            label_w + lw * step as f64 / 20.0,
            lw / 20.0 + 0.5
        );
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\">Pearson r</text><text x=\"{label_w:.1}\" y=\"{:.1}\" font-size=\"10\">-1</text><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">0</text><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\">1</text></svg>",
        label_w - 6.0,
        ly + 8.0,
        ly + 20.0,
        label_w + lw / 2.0,
        ly + 20.0,
        label_w + lw,
        ly + 20.0
    );
    s
}

fn table(out: &mut String, t: &Table) {
    if t.rows.is_empty() {
        return;
    }
    out.push_str("<table><thead><tr>");
    for (h, &num) in t.header.iter().zip(&t.numeric) {
        let _ = write!(
            out,
            "<th{}>{}</th>",
            if num { " class=\"num\"" } else { "" },
            esc(h)
        );
    }
    out.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        out.push_str("<tr>");
        for (c, &num) in r.iter().zip(&t.numeric) {
            let _ = write!(
                out,
                "<td{}>{}</td>",
                if num { " class=\"num\"" } else { "" },
                esc(c)
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    if t.more > 0 {
        let _ = write!(
            out,
            "<p class=\"small\">... and {} more (see <code>--format json</code>).</p>",
            t.more
        );
    }
}

/// Renders a laid-out document as HTML, with the heat maps of `audit`'s groups.
pub fn render(doc: &Doc, audit: &Audit) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body><main>\n<h1>{}</h1>\n",
        esc(&doc.title),
        esc(&doc.title)
    );
    for p in &doc.intro {
        let _ = writeln!(out, "<p class=\"sub\">{}</p>", esc(p));
    }
    out.push_str("<nav>");
    for s in &doc.sections {
        let _ = write!(out, "<a href=\"#{}\">{}</a>", s.anchor, esc(&s.title));
    }
    out.push_str("</nav>\n");
    for s in &doc.sections {
        let _ = writeln!(
            out,
            "<section id=\"{}\"><h2>{}</h2>",
            s.anchor,
            esc(&s.title)
        );
        for n in &s.notes {
            let _ = writeln!(out, "<p>{}</p>", esc(n));
        }
        for t in &s.tables {
            let _ = write!(out, "<h3>{}</h3>", esc(&t.caption));
            match t.group.and_then(|g| audit.groups.get(g)) {
                Some(g) => {
                    out.push_str("<div class=\"group\"><div>");
                    table(&mut out, t);
                    let _ = write!(out, "</div><div>{}</div></div>", heat_map(g));
                }
                None => table(&mut out, t),
            }
            out.push('\n');
        }
        out.push_str("</section>\n");
    }
    out.push_str("</main></body></html>\n");
    out
}

/// The audit as one HTML page.
pub fn write(a: &Audit) -> String {
    render(&layout(a), a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_run_from_blue_through_white_to_red() {
        assert_eq!(corr_colour(-1.0).0, "#2166ac");
        assert_eq!(corr_colour(0.0).0, "#f7f7f7");
        assert_eq!(corr_colour(1.0).0, "#b2182b");
        assert_eq!(corr_colour(2.0).0, "#b2182b");
    }
}
