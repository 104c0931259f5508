//! The self-contained HTML report of one year: inline CSS and inline SVG, no
//! script, no font, image or style sheet from elsewhere. Every text that comes
//! from data, a framework or a note goes through [`esc`].
//!
//! [`write()`] assembles the page from its sections: `charts` draws the bar
//! chart, heat map and sparklines, `sections` writes the parts built on the
//! summary, `sources` the sources, method and caveats; `context` holds what
//! they share.

mod charts;
mod context;
mod sections;
mod sources;

pub use context::{SPARK_YEARS, esc};

use std::fmt::Write;

use charts::{bar_chart, heat_map};
use context::Ctx;
use sections::{briefs, glance, movers, ranking, recommendations, warnings};
use sources::{method, sources_section};

use crate::analysis::Run;
use crate::analysis::summary::Summary;
use crate::framework::model::Source;
use crate::score::uncertainty::Simulation;

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
