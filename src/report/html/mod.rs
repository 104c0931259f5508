//! The self-contained HTML report of one year: inline CSS, inline SVG and a
//! few lines of inline script that only filter the country list and open
//! sections; no font, image, style sheet or script from elsewhere, and the
//! page reads the same without script. Every text that comes from data, a
//! framework or a note goes through [`esc`].
//!
//! [`write()`] assembles the page. The top fits one laptop screen (`top`:
//! the year, the data age, the watch list, the map from `map`, the largest
//! rises); everything else follows collapsed in `<details>`: the movers,
//! the themes (`themes`), the recommendations (`sections`), the countries
//! (the full ranking in `sections`, then a section per scored country in
//! `country`), the charts of the watch list (`charts`), the data warnings,
//! and the sources, method and caveats (`sources`). `context` holds what
//! they share.

mod charts;
mod context;
mod country;
mod map;
mod sections;
mod sources;
mod themes;
mod top;

pub use context::esc;

use std::fmt::Write;

use charts::{bar_chart, heat_map};
use context::Ctx;
use sections::{movers, ranking, recommendations, warnings};
use sources::{method, sources_section};

use crate::analysis::Run;
use crate::analysis::summary::Summary;
use crate::framework::model::Source;
use crate::score::uncertainty::Simulation;

/// The style sheet. Sizes are in `em` of a 15-pixel body, and even nested
/// small print stays above 10 pixels; charts scale with their box; wide
/// tables scroll in their own box (and stack on narrow screens); colours
/// come from variables, so dark mode and print only change the variables.
const CSS: &str = "
:root{--ink:#1a1a1a;--muted:#555;--rule:#d0d0d0;--bg:#ffffff;--panel:#f3f4f6;--link:#1f4e9a;--note:#fff8e6;--note-rule:#b77b00;--map-na:#e4e4e4;--map-line:#ffffff;--hatch:#9a9a9a;--line:#1f4e79;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--ink:#e8e8e8;--muted:#b0b0b0;--rule:#44474d;--bg:#15171a;--panel:#23262b;--link:#8fb8ff;--note:#2c2717;--note-rule:#c9a23a;--map-na:#3a3d42;--map-line:#15171a;--hatch:#8a8a8a;--line:#8fb8ff}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--ink);background:var(--bg);margin:0;line-height:1.45;font-size:15px;overflow-wrap:break-word}
a{color:var(--link)}
header,main{max-width:1400px;margin:0 auto;padding:0 16px}
header{padding-top:14px}
main{padding-bottom:60px}
h1{font-size:1.5em;margin:0 0 2px}
h2{font-size:1.2em;margin:0}
h2.group{margin:28px 0 6px;padding-top:8px;border-top:2px solid var(--rule)}
h3{font-size:1.05em;margin:0}
h4{font-size:1em;margin:14px 0 4px}
p{margin:6px 0 10px}
.sub,.age,.how{margin:0 0 4px;color:var(--muted);font-size:.9em}
nav{margin:6px 0 10px;font-size:.9em;display:flex;flex-wrap:wrap;gap:2px 14px}
.small{font-size:.85em;color:var(--muted)}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.band{display:inline-block;padding:0 7px;border-radius:9px;font-size:.85em;font-weight:600;white-space:nowrap}
.band.none,.bar.none,.legend .ns{background:repeating-linear-gradient(45deg,var(--map-na),var(--map-na) 3px,var(--hatch) 3px,var(--hatch) 4px);color:var(--ink)}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:6px 0 10px;font-size:.9em}
th,td{padding:3px 7px;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
th{background:var(--panel);font-weight:600}
td.num,th.num{text-align:right}
.top{display:grid;grid-template-columns:minmax(0,1fr);gap:10px 24px;align-items:start}
@media (min-width:1000px){.top{grid-template-columns:minmax(0,44em) minmax(0,1fr)}}
.wl td,.wl th{padding:2px 5px;vertical-align:middle;white-space:nowrap}
.wl td:nth-child(2){white-space:normal;min-width:7em}
@media (max-width:600px){th,td{padding:2px 4px}}
.mark{font-size:.85em;font-weight:600}
.map{margin:0}
.map svg{display:block;width:100%;height:auto}
.map path,.map circle{stroke:var(--map-line);stroke-width:.4}
.map circle{stroke:var(--ink);stroke-width:.8}
.map .na{fill:var(--map-na)}
.map .ns{fill:url(#hatch)}
.map .hatch-bg{fill:var(--map-na)}
.map .hatch-line{stroke:var(--hatch);stroke-width:1.6}
.map a:hover path,.map a:focus path,.map a:hover circle,.map a:focus circle{stroke:var(--ink);stroke-width:1.2}
.legend{display:flex;flex-wrap:wrap;gap:2px 12px;margin:4px 0;font-size:.85em}
.legend i{display:inline-block;width:14px;height:11px;margin-right:4px;vertical-align:-1px;border:1px solid var(--rule)}
.legend .na{background:var(--map-na)}
.map figcaption{margin:2px 0 6px}
.rises{margin:4px 0;padding-left:18px}
.rises li{margin:1px 0}
details{border-top:1px solid var(--rule);padding:6px 0}
details>summary{cursor:pointer;padding:4px 0}
details>summary>h2,details>summary>h3{display:inline}
details[open]>summary{margin-bottom:4px}
main>details{margin:0}
:target{scroll-margin-top:8px}
details:target>summary{background:var(--panel)}
.country>summary .rk{display:inline-block;min-width:2.2em;color:var(--muted);font-variant-numeric:tabular-nums}
.cbody{padding:0 0 8px 8px}
.cgrid{display:grid;grid-template-columns:minmax(0,1fr);gap:0 24px}
@media (min-width:760px){.cgrid{grid-template-columns:minmax(0,1fr) 240px}}
.trend{margin:4px 0}
svg.spark{display:block;width:100%;max-width:240px;height:auto}
.spark-bg{fill:var(--panel)}
.spark-line{fill:none;stroke:var(--line);stroke-width:2}
.spark-dot{fill:var(--line)}
.spark-cut{stroke:#d6456c;stroke-width:1;stroke-dasharray:3 3}
.bars{display:grid;grid-template-columns:minmax(0,1fr);gap:2px 10px;margin:4px 0 10px;font-size:.9em}
.bars .row{display:grid;grid-template-columns:minmax(0,1fr) minmax(90px,38%) 7.5em;gap:8px;align-items:center}
.bars .val{font-size:.9em;font-variant-numeric:tabular-nums}
.track{position:relative;height:14px;background:var(--panel)}
.track i{position:absolute;top:0;bottom:0;display:block}
.track .bar{left:0;border-right:1px solid var(--ink)}
.track .whisker{top:6px;bottom:6px;background:var(--ink);min-width:2px}
#chart .bars .row{grid-template-columns:minmax(0,14em) minmax(90px,1fr) minmax(0,12em)}
.chips{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px}
.drivers,.recs{padding-left:20px}
@media (max-width:700px){table.mv,table.recs,table.mv tbody,table.recs tbody,table.mv tr,table.recs tr,table.mv td,table.recs td{display:block}table.mv thead,table.recs thead{display:none}table.mv tr,table.recs tr{border-bottom:1px solid var(--rule);padding:4px 0}table.mv td,table.recs td{border:0;padding:1px 0;text-align:left}table.mv td.num,table.recs td.num{display:inline-block;margin-right:12px}td[data-l]::before{content:attr(data-l) ': ';color:var(--muted)}}
.recs li{margin:3px 0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:var(--panel);padding:0 3px;border-radius:3px}
code.old{outline:1px dashed var(--note-rule)}
.tgrid{display:grid;grid-template-columns:minmax(0,1fr);gap:0 28px}
@media (min-width:900px){.tgrid{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}}
.heat td.cell{text-align:center;font-variant-numeric:tabular-nums;min-width:40px;font-size:.9em}
.heat td.na{background:repeating-linear-gradient(45deg,var(--map-na),var(--map-na) 4px,var(--panel) 4px,var(--panel) 8px)}
.heat th.rf{text-align:center;font-size:.85em}
.note{background:var(--note);border-left:4px solid var(--note-rule);padding:8px 12px;margin:12px 0}
input[type=search]{font:inherit;padding:2px 6px;max-width:100%}
ul{margin:4px 0 8px;padding-left:22px}
@media print{
 :root{--ink:#000;--muted:#333;--bg:#fff;--panel:#f3f4f6;--rule:#bbb;--link:#000;--map-na:#e4e4e4;--map-line:#fff}
 nav,.find{display:none}
 details>summary{list-style:none}
 details::details-content{content-visibility:visible;display:contents}
 details{break-inside:auto}
 .country{break-inside:avoid-page}
 .scroll{overflow:visible}
 a{text-decoration:none}
}
";

/// Filters the ranking and the country sections by the search box, opens a
/// section a link points to and every section for printing. The page reads
/// the same without it: the box stays hidden and sections open by hand.
const SCRIPT: &str = "(function(){var f=document.getElementById('find');if(f){f.parentNode.hidden=false;f.addEventListener('input',function(){var q=f.value.trim().toLowerCase();var r=document.getElementById('ranking');if(q&&r)r.open=true;document.querySelectorAll('[data-k]').forEach(function(e){e.hidden=q!==''&&e.getAttribute('data-k').indexOf(q)<0;});});}
function reveal(){var id=decodeURIComponent(location.hash.slice(1));var e=id&&document.getElementById(id);for(var d=e;d;d=d.parentElement){if(d.tagName==='DETAILS')d.open=true;}}
window.addEventListener('hashchange',reveal);reveal();
var shut=[];window.addEventListener('beforeprint',function(){document.querySelectorAll('details:not([open])').forEach(function(d){d.open=true;shut.push(d);});});window.addEventListener('afterprint',function(){shut.forEach(function(d){d.open=false;});shut=[];});})();";

/// Writes the report; with the draws behind the summary's intervals
/// (`sim`), the full ranking also gives every country's rank interval.
pub fn write(run: &Run<'_>, s: &Summary, sources: &[Source], sim: Option<&Simulation>) -> String {
    let ctx = Ctx::new(run, s, sim);
    let mut out = String::new();
    let title = format!("Atrocity risk report {}: {}", s.year, s.framework.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}{}</style>\n</head>\n<body>\n",
        esc(&title),
        context::band_css(&ctx.bands)
    );
    top::header(&mut out, &ctx);
    out.push_str("<main>\n");
    top::top(&mut out, &ctx);
    movers(&mut out, &ctx);
    themes::themes(&mut out, &ctx);
    recommendations(&mut out, &ctx);
    ranking(&mut out, &ctx);
    country::countries(&mut out, &ctx);
    let _ = writeln!(
        out,
        "<h2 class=\"group\" id=\"more\">The watch list in charts, data and method</h2>"
    );
    bar_chart(&mut out, &ctx);
    heat_map(&mut out, &ctx);
    warnings(&mut out, &ctx);
    sources_section(&mut out, &ctx, sources);
    method(&mut out, &ctx);
    let _ = write!(
        out,
        "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    );
    out
}
