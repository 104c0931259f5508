//! Stage 1: read a framework file and parse it into the model, with limits.

use std::path::Path;

use serde_saphyr::{Budget, DeserializeError as YamlError};

use super::model::Framework;
use crate::diagnostic::{Diagnostic, Origin};

/// Largest framework file accepted, in bytes.
pub const MAX_FRAMEWORK_BYTES: usize = 4 * 1024 * 1024;
/// Deepest YAML nesting accepted.
pub const MAX_DEPTH: usize = 48;

/// Reads a framework file from disk. The diagnostic names the file.
pub fn read_file(path: &Path) -> Result<String, Diagnostic> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        Diagnostic::error(
            "F000",
            Origin::Framework,
            format!("cannot read framework `{name}`: {e}"),
        )
        .with_hint("check the path given with --framework")
    })?;
    if meta.len() > MAX_FRAMEWORK_BYTES as u64 {
        return Err(too_large(&name, meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            "F000",
            Origin::Framework,
            format!("cannot read framework `{name}`: {e}"),
        )
    })?;
    decode(&name, bytes)
}

fn too_large(name: &str, len: u64) -> Diagnostic {
    Diagnostic::error(
        "F006",
        Origin::Framework,
        format!("framework `{name}` is {len} bytes, over the limit of {MAX_FRAMEWORK_BYTES} bytes"),
    )
    .at(name, 1, 1, 1, "this file")
    .with_hint("split the rules into smaller files, or check that this is a framework file")
}

/// Checks the size cap and UTF-8 of framework bytes.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.len() > MAX_FRAMEWORK_BYTES {
        return Err(too_large(name, bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let pos = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..pos]);
        let line = text.matches('\n').count() as u64 + 1;
        let col = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
        Diagnostic::error(
            "F001",
            Origin::Framework,
            format!("framework `{name}` is not valid UTF-8 (byte {pos})"),
        )
        .at(name, line, col, 1, "invalid byte here")
        .with_hint("save the file as UTF-8")
    })
}

fn options() -> serde_saphyr::Options {
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_nodes = 50_000;
    budget.max_aliases = 2_000;
    budget.max_anchors = 2_000;
    budget.max_events = 1_000_000;
    budget.max_documents = 1;
    serde_saphyr::options! {
        budget: Some(budget),
        with_snippet: false,
    }
}

/// Parses framework text into the model. `name` is used in diagnostics.
pub fn parse(name: &str, text: &str) -> Result<Framework, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error(
            "F001",
            Origin::Framework,
            format!("framework `{name}` is empty"),
        )
        .at(name, 1, 1, 1, "no content")
        .with_hint("a framework needs at least format, id, title, version, crimes, risk_factors and indicators; see docs/rule-format.md"));
    }
    // A first pass over the whole document enforces the budgets (depth,
    // aliases, size) wherever they are breached, before any typed decoding.
    serde_saphyr::from_str_with_options::<serde::de::IgnoredAny>(text, options())
        .map_err(|e| yaml_diagnostic(name, &e))?;
    serde_saphyr::from_str_with_options::<Framework>(text, options())
        .map_err(|e| yaml_diagnostic(name, &e))
}

/// Turns a YAML error into a diagnostic with a code, a location and a hint.
fn yaml_diagnostic(name: &str, err: &YamlError) -> Diagnostic {
    let inner = err.without_snippet();
    let (code, hint) = match inner {
        YamlError::SerdeUnknownField { .. } => (
            "F002",
            "remove the key or fix its spelling; docs/rule-format.md lists the keys of each section",
        ),
        YamlError::SerdeInvalidType { .. }
        | YamlError::SerdeInvalidValue { .. }
        | YamlError::InvalidScalar { .. }
        | YamlError::SerdeInvalidLength { .. }
        | YamlError::NonFiniteFloat { .. } => (
            "F003",
            "give a value of the expected type; docs/rule-format.md describes each field",
        ),
        YamlError::SerdeMissingField { .. } => ("F004", "add the missing field"),
        YamlError::SerdeUnknownVariant { .. } => {
            ("F008", "use one of the values listed in the message")
        }
        YamlError::DuplicateMappingKey { .. } => ("F007", "remove one of the two keys"),
        YamlError::Budget { .. }
        | YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayStackDepthExceeded { .. }
        | YamlError::AliasReplayCounterOverflow { .. } => (
            "F005",
            "framework files are limited in nesting depth, size and alias use; write the rules out plainly",
        ),
        _ => (
            "F001",
            "fix the YAML syntax at this place or just before it (indentation, quotes, colons, an unclosed `[` or `{`)",
        ),
    };
    let raw = strip_location(&inner.to_string());
    let message = plain_message(&raw);
    // Depth and node budgets surface as plain messages rather than as the
    // `Budget` variant, so they are recognised by their text as well.
    let (code, hint) = if raw.contains("budget breached") || raw.contains("recursion limit") {
        (
            "F005",
            "framework files are limited in nesting depth, size and alias use; write the rules out plainly",
        )
    } else {
        (code, hint)
    };
    let (line, col) = err
        .location()
        .map_or((1, 1), |l| (l.line().max(1), l.column().max(1)));
    let label = match code {
        "F002" => "unknown key",
        "F003" => "wrong type",
        "F004" => "in this section",
        "F005" => "limit reached here",
        "F007" => "duplicate key",
        "F008" => "unknown value",
        _ => "here",
    };
    Diagnostic::error(code, Origin::Framework, message)
        .at(name, line, col, 1, label)
        .with_hint(hint)
}

/// Rewrites the reader's messages that speak of its own internals in the
/// terms of the framework file.
fn plain_message(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(", set ").next().unwrap_or(rest);
        return format!("duplicate key `{key}`");
    }
    if msg == "invalid floating point" {
        return "expected a number".to_string();
    }
    if msg.contains("budget breached") {
        return if msg.contains("Depth") {
            format!("the YAML is nested deeper than {MAX_DEPTH} levels")
        } else if msg.contains("Nodes") || msg.contains("Alias") || msg.contains("Anchor") {
            "the YAML expands to too many values (aliases count each time they are used)"
                .to_string()
        } else {
            format!("a reader limit was reached ({msg})")
        };
    }
    msg.to_string()
}

/// Removes a trailing or leading "at line X column Y" from a YAML error message,
/// since the location is carried by the label.
fn strip_location(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or(msg).trim();
    let mut s = first.to_string();
    if let Some(rest) = s.strip_prefix("error: ") {
        s = rest.to_string();
    }
    if let Some(idx) = s.find(" at line ") {
        s.truncate(idx);
    }
    if s.starts_with("line ")
        && let Some(idx) = s.find(": ")
    {
        s = s[idx + 2..].to_string();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_location_variants() {
        assert_eq!(
            strip_location("line 3 column 1: unknown field"),
            "unknown field"
        );
        assert_eq!(strip_location("bad thing at line 3 column 4"), "bad thing");
        assert_eq!(strip_location("plain"), "plain");
    }
}
