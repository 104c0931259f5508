//! The closing sections of the HTML report: the documents the framework
//! follows, the sources and licences of the data, and the method and its
//! caveats.

use std::fmt::Write;

use super::context::{Ctx, esc};
use crate::embedded;
use crate::framework::model::{Method, Source};

/// The shipped data's own description, for its sources and licences.
const SOURCES_MD: &str = include_str!("../../../examples/data/SOURCES.md");
/// The README, whose table names each shipped source and its licence.
const README_MD: &str = include_str!("../../../README.md");

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
    let mut out = String::from("<div class=\"scroll\"><table><thead><tr>");
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
    out.push_str("</tbody></table></div>\n");
    Some(out)
}

pub(super) fn sources_section(out: &mut String, c: &Ctx<'_, '_>, sources: &[Source]) {
    out.push_str("<details id=\"sources\"><summary><h2>Sources and licences</h2></summary>\n");
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
    out.push_str("<h3>Map</h3>\n<p>Country shapes: Natural Earth, Admin 0 countries at 1:110m, version 4.1.0 (public domain; small states placed from the 1:50m boundaries), as packaged in world-atlas 2.0.2 (copyright 2013-2019 Michael Bostock, ISC licence). Codes: ISO 3166-1 from datasets/country-codes (ODC-PDDL-1.0). Equal Earth projection. The borders are Natural Earth's de facto lines and take no position on any dispute. Notices in <code>src/report/html/world-110m.LICENSE</code>.</p>\n</details>\n");
}

pub(super) fn method(out: &mut String, c: &Ctx<'_, '_>) {
    let bands: Vec<String> = c
        .bands
        .iter()
        .map(|(n, m)| format!("{} from {:.2}", c.band_chip(Some(n)), m))
        .collect();
    let _ = writeln!(
        out,
        "<details id=\"method\"><summary><h2>Method and caveats</h2></summary>
<h3>What a score means</h3>
<p>The framework turns a checklist of risk factors for atrocity crimes into rules. Each measured indicator reads published country data and places it between two fixed reference points, so that 0 means the condition is absent and 1 that it is at the most severe level the rules consider. Indicators are combined into risk factors, risk factors into one score per crime, and the crime scores into the overall score ({}). Because the reference points are fixed, a country's score depends only on its own data, and scores of different years can be compared.</p>
<p>Bands: {}. A band is a cut-off on a continuous scale: a country just below a cut-off could fall on either side with slightly different data, and differences of a few hundredths between countries are not meaningful on their own.</p>
<h3>What a score does not mean</h3>
<ul><li>{}</li>
<li>It is <strong>not a prediction</strong> of a specific event, place, time or perpetrator.</li>
<li>It is <strong>not a legal finding</strong>. Only competent courts establish genocide, crimes against humanity or war crimes; a high genocide score says nothing about intent, which data cannot observe.</li></ul>
<h3>Caveats</h3>
<ul>{}<li><strong>Old data.</strong> Sources end in different years. When a value is missing, the rules may use the latest earlier value for a few years; such values are counted above and shown with their year in the movers and briefs. Violence that began after a source ends does not appear in its measures.</li>
<li><strong>Coverage.</strong> A score needs enough of its indicators to have data. Risk factors without a score are shown as n/a; fewer indicators mean a score that could move more with new data.</li>
<li><strong>Qualitative indicators.</strong> Some indicators, such as hate speech or signs of intent, cannot be read from country-year data. They never add or remove risk; they stay open questions for analysts.</li>
<li><strong>Proxies.</strong> Several indicators are read through data that capture only part of the condition they stand for, and expert-coded measures carry their own uncertainty, which is not shown here.</li>
<li><strong>Screening, not judgement.</strong> Use the report to decide where to look first, and check every finding against current reporting and country expertise.</li></ul>
<p class=\"small\">Every score can be traced to the data cells it came from with <code>atrisk score --format json</code>. The full methodology is in <code>docs/methodology.md</code>.</p>
</details>",
        esc(&overall_rule(c)),
        bands.join(", "),
        if c.s.probability {
            "It is a <strong>modelled probability</strong>: the output of the framework's logistic model, as good as the model's fit to past events; check its backtest (<code>atrisk backtest</code>) before reading it as a chance."
        } else {
            "It is <strong>not a probability</strong>: a score of 0.7 is not a 70&nbsp;% chance of anything. The rules are not fitted to past atrocities."
        },
        c.s.year_basis.as_ref().map_or_else(String::new, |b| format!(
            "<li><strong>The year.</strong> {}.</li>",
            esc(b)
        ))
    );
}

fn overall_rule(c: &Ctx<'_, '_>) -> String {
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
