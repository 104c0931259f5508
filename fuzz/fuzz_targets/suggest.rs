//! Fuzzes "did you mean" and the rendering of diagnostics: the bytes are a
//! word and candidates (split at NUL, then at line ends) and a source text
//! with a diagnostic on one of its lines. A suggestion must be one of the
//! candidates; the rendered diagnostic must show nothing the sanitiser
//! would escape.
#![no_main]

use atrisk::diagnostic::{Diagnostic, Origin, Sources, did_you_mean, is_unsafe_display, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (word, rest) = text.split_once('\0').unwrap_or((&text, ""));
    let candidates: Vec<&str> = rest.split(['\n', '\r']).collect();
    if let Some(s) = did_you_mean(word, candidates.iter().copied()) {
        assert!(candidates.contains(&s.as_str()));
    }
    let mut sources = Sources::default();
    sources.add("f", &text);
    let line = u64::from(data.first().copied().unwrap_or(1) % 8);
    let col = u64::from(data.get(1).copied().unwrap_or(1));
    let d = Diagnostic::error("D004", Origin::Data, format!("`{word}` is not a number"))
        .at("f", line, col, u64::from(data.len() as u8), word)
        .with_hint(rest.chars().take(100).collect::<String>());
    let out = render(&[d], &sources, false);
    assert!(!out.chars().any(|c| c != '\n' && is_unsafe_display(c)), "{out:?}");
});
