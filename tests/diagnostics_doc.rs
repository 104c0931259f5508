//! docs/diagnostics.md lists exactly the diagnostic codes the program can
//! emit: every code written in `src/` has a section or a table row there, and
//! every code listed there is still used, unless its section says it is no
//! longer given.

use std::collections::BTreeSet;
mod common;

use std::fs;
use std::path::PathBuf;

use common::rust_files;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A code: one capital letter and three digits.
fn is_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// Codes written as string literals (`"F011"`) in the source.
fn used() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut out = BTreeSet::new();
    for f in files {
        let text = fs::read_to_string(&f).unwrap();
        for w in text.as_bytes().windows(6) {
            let inner = std::str::from_utf8(&w[1..5]).unwrap_or("");
            if w[0] == b'"' && w[5] == b'"' && is_code(inner) {
                out.insert(inner.to_string());
            }
        }
    }
    out
}

/// The codes a heading names: `F011`, `U010, U011` or a range `D040-D043`.
fn heading_codes(h: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in h.split(',').map(str::trim) {
        match part.split_once('-') {
            Some((a, b)) if is_code(a) && is_code(b) && a[..1] == b[..1] => {
                let (lo, hi): (u32, u32) = (a[1..].parse().unwrap(), b[1..].parse().unwrap());
                out.extend((lo..=hi).map(|n| format!("{}{n:03}", &a[..1])));
            }
            _ if is_code(part) => out.push(part.to_string()),
            _ => {}
        }
    }
    out
}

/// Codes documented (headings `### F011: ...` and table rows `| L001 | ...`),
/// and those of them whose section says they are no longer given.
fn documented() -> (BTreeSet<String>, BTreeSet<String>) {
    let text = fs::read_to_string(root().join("docs/diagnostics.md")).unwrap();
    let (mut listed, mut retired) = (BTreeSet::new(), BTreeSet::new());
    let mut section: Option<String> = None;
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("### ") {
            let codes = heading_codes(h.split(':').next().unwrap_or(""));
            section = (codes.len() == 1).then(|| codes[0].clone());
            listed.extend(codes);
            continue;
        }
        if let Some(row) = line.strip_prefix("| ") {
            let code = row.split('|').next().unwrap_or("").trim();
            if is_code(code) {
                listed.insert(code.to_string());
            }
        }
        if let Some(c) = &section
            && line.starts_with("No longer given")
        {
            retired.insert(c.clone());
        }
    }
    (listed, retired)
}

#[test]
fn every_code_in_the_source_is_documented_and_every_documented_code_is_used() {
    let used = used();
    let (listed, retired) = documented();
    assert!(used.len() > 50, "too few codes found: {used:?}");
    let undocumented: Vec<_> = used.difference(&listed).collect();
    assert!(
        undocumented.is_empty(),
        "codes used in src/ but missing from docs/diagnostics.md: {undocumented:?}"
    );
    let stale: Vec<_> = listed
        .difference(&used)
        .filter(|c| !retired.contains(*c))
        .collect();
    assert!(
        stale.is_empty(),
        "codes in docs/diagnostics.md that src/ no longer uses (remove them, or say `No longer given`): {stale:?}"
    );
}
