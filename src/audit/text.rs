//! The audit as text for the terminal: the layout's tables with padded
//! columns, notes wrapped at 100 characters.

use std::fmt::Write;

use super::Audit;
use super::layout::{Doc, Table, layout};

/// Width notes are wrapped at.
const WRAP: usize = 100;

fn wrap(out: &mut String, text: &str, indent: &str) {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > WRAP {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
}

fn table(out: &mut String, t: &Table) {
    wrap(out, &t.caption, "");
    if t.rows.is_empty() {
        out.push('\n');
        return;
    }
    let n = t.header.len();
    let mut width: Vec<usize> = t.header.iter().map(|h| h.chars().count()).collect();
    for r in &t.rows {
        for (i, c) in r.iter().enumerate().take(n) {
            width[i] = width[i].max(c.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = String::from(" ");
        for (i, c) in cells.iter().enumerate().take(n) {
            let pad = width[i].saturating_sub(c.chars().count());
            s.push(' ');
            if i + 1 == n && !t.numeric[i] {
                s.push_str(c);
            } else if t.numeric[i] {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            }
            if i + 1 < n {
                s.push(' ');
            }
        }
        s.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(&t.header));
    for r in &t.rows {
        let _ = writeln!(out, "{}", line(r));
    }
    if t.more > 0 {
        let _ = writeln!(out, "  ... and {} more (see --format json)", t.more);
    }
    out.push('\n');
}

/// Renders a laid-out document as text.
pub fn render(doc: &Doc) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", doc.title);
    let _ = writeln!(out, "{}", "=".repeat(doc.title.chars().count().min(WRAP)));
    for p in &doc.intro {
        wrap(&mut out, p, "");
    }
    for s in &doc.sections {
        let _ = writeln!(out, "\n{}", s.title);
        let _ = writeln!(out, "{}\n", "-".repeat(s.title.chars().count()));
        for n in &s.notes {
            wrap(&mut out, n, "");
            out.push('\n');
        }
        for t in &s.tables {
            table(&mut out, t);
        }
    }
    out
}

/// The audit as text.
pub fn write(a: &Audit) -> String {
    crate::diagnostic::sanitize(&render(&layout(a))).into_owned()
}
