//! The audit as Markdown: the layout's sections as headings and pipe tables.

use std::fmt::Write;

use super::Audit;
use super::layout::{Doc, layout};

/// Escapes a table cell or a line of text.
fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

/// Renders a laid-out document as Markdown.
pub fn render(doc: &Doc) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", esc(&doc.title));
    for p in &doc.intro {
        let _ = writeln!(out, "{}\n", esc(p));
    }
    for s in &doc.sections {
        let _ = writeln!(out, "## {}\n", esc(&s.title));
        for n in &s.notes {
            let _ = writeln!(out, "{}\n", esc(n));
        }
        for t in &s.tables {
            let _ = writeln!(out, "**{}**\n", esc(&t.caption));
            if t.rows.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "| {} |",
                t.header
                    .iter()
                    .map(|h| esc(h))
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
            let _ = writeln!(
                out,
                "|{}|",
                t.numeric
                    .iter()
                    .map(|&n| if n { "---:" } else { "---" })
                    .collect::<Vec<_>>()
                    .join("|")
            );
            for r in &t.rows {
                let _ = writeln!(
                    out,
                    "| {} |",
                    r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
                );
            }
            if t.more > 0 {
                let _ = writeln!(out, "\n... and {} more (see `--format json`).", t.more);
            }
            out.push('\n');
        }
    }
    out
}

/// The audit as Markdown.
pub fn write(a: &Audit) -> String {
    render(&layout(a))
}
