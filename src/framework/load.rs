//! Stage 1: read a framework file and parse it into the model, with limits.

use std::path::Path;

use serde_saphyr::{Budget, DeserializeError as YamlError};

use super::model::Framework;
use super::scan::Scan;
use crate::diagnostic::{Diagnostic, Origin};
use crate::diagnostic::{is_unsafe_control, line_col};
use crate::limits::{self, Limit};

/// Reads a framework file from disk, up to the `framework-bytes` limit. The
/// diagnostic names the file.
pub fn read_file(path: &Path) -> Result<String, Diagnostic> {
    let name = path.display().to_string();
    let bytes = match limits::read_capped(path, Limit::FrameworkBytes) {
        Ok(Ok(b)) => b,
        Ok(Err(n)) => return Err(too_large(&name, n)),
        Err(e) => {
            return Err(Diagnostic::error(
                "F000",
                Origin::Framework,
                format!("cannot read framework `{name}`: {e}"),
            )
            .with_hint("check the path given with --framework"));
        }
    };
    decode(&name, bytes)
}

fn too_large(name: &str, len: u64) -> Diagnostic {
    Limit::FrameworkBytes
        .breach(
            Origin::Framework,
            format!("framework `{name}` has at least {len} bytes"),
        )
        .at(name, 1, 1, 1, "this file")
}

/// Checks the size cap and UTF-8 of framework bytes.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.len() as u64 > Limit::FrameworkBytes.get() {
        return Err(too_large(name, bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let pos = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..pos]);
        let (line, col) = line_col(&text, text.len());
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
    budget.max_depth = Limit::YamlDepth.get_usize();
    budget.max_nodes = Limit::YamlNodes.get_usize();
    budget.max_aliases = Limit::YamlAliases.get_usize();
    budget.max_anchors = Limit::YamlAliases.get_usize();
    budget.max_events = Limit::YamlNodes.get_usize().saturating_mul(4);
    budget.max_documents = 1;
    serde_saphyr::options! {
        budget: Some(budget),
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: Limit::YamlNodes.get_usize(),
            max_replay_stack_depth: Limit::YamlDepth.get_usize(),
        },
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
    // aliases, size) wherever they are breached, before any typed decoding,
    // and finds texts with control characters.
    let Scan(control) = serde_saphyr::from_str_with_options::<Scan>(text, options())
        .map_err(|e| yaml_diagnostic(name, &e))?;
    if let Some(s) = control {
        return Err(control_character(name, text, &s));
    }
    serde_saphyr::from_str_with_options::<Framework>(text, options())
        .map_err(|e| yaml_diagnostic(name, &e))
}

/// A text with a control character (F050), located where the text before
/// the character first appears in the file.
fn control_character(name: &str, text: &str, found: &str) -> Diagnostic {
    let at = found.find(is_unsafe_control).unwrap_or(0);
    let c = found[at..].chars().next().unwrap_or('\0');
    let before = &found[..at];
    // Prefer the place where the text is followed by an escape or by the
    // character itself.
    let mut places = text.match_indices(before).map(|(p, _)| p);
    let place = places
        .clone()
        .find(|p| {
            text[p + before.len()..]
                .chars()
                .next()
                .is_some_and(|n| n == '\\' || is_unsafe_control(n))
        })
        .or_else(|| places.next());
    let (line, col) = match place.filter(|_| before.chars().count() >= 3) {
        Some(pos) => {
            let (line, col) = line_col(text, pos + before.len());
            (line, col.saturating_sub(1).max(1))
        }
        None => (1, 1),
    };
    let shown: String = found.escape_debug().take(80).collect();
    Diagnostic::error(
        "F050",
        Origin::Framework,
        format!(
            "a text in `{name}` holds the control character U+{:04X}: \"{shown}\"",
            u32::from(c)
        ),
    )
    .at(name, line, col, 1, "control character after this")
    .with_hint("remove control characters (escape sequences, bell, NUL) from keys, titles and texts; they could change what a terminal shows")
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
        YamlError::Budget { .. } | YamlError::AliasReplayCounterOverflow { .. } => (
            "F005",
            "framework files are limited in nesting depth, size and alias use; write the rules out plainly",
        ),
        _ => (
            "F001",
            "fix the YAML syntax at this place or just before it (indentation, quotes, colons, an unclosed `[` or `{`)",
        ),
    };
    let raw = strip_location(&inner.to_string());
    let (line, col) = err
        .location()
        .map_or((1, 1), |l| (l.line().max(1), l.column().max(1)));
    if let Some(limit) = breached_limit(inner, &raw) {
        let what = match limit {
            Limit::YamlDepth => "the YAML is nested too deep".to_string(),
            Limit::YamlNodes => {
                "the YAML holds or expands to too many values (an alias counts each time it is used)"
                    .to_string()
            }
            Limit::YamlAliases => "the YAML uses too many anchors or aliases".to_string(),
            _ => raw.clone(),
        };
        return limit
            .breach(Origin::Framework, format!("framework `{name}`: {what}"))
            .at(name, line, col, 1, "limit reached here");
    }
    let message = plain_message(&raw);
    let (code, hint) = if raw.contains("recursion limit") {
        (
            "F005",
            "write the rules with less nesting; this limit of the YAML reader cannot be raised",
        )
    } else if raw.contains("Documents") {
        (
            "F001",
            "keep one framework per file: remove the `---` line and what follows, or move it to a file of its own",
        )
    } else {
        (code, hint)
    };
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
    if msg.contains("budget breached") && msg.contains("Documents") {
        return "a framework file holds one YAML document, and this one has more (a `---` line starts another)".to_string();
    }
    if msg.contains("budget breached") {
        return format!("a reader limit was reached ({msg})");
    }
    if let Some(rest) = msg.strip_prefix("non-finite float ") {
        let value = rest.split(" rejected").next().unwrap_or(rest);
        return format!("{value} is not a finite number");
    }
    if msg.contains("recursion limit") {
        return format!(
            "the YAML is nested deeper than the reader's fixed limit of {PARSER_NESTING} levels"
        );
    }
    if msg.starts_with("recursive references") {
        return "an alias refers to the anchor it is part of (a value that contains itself)"
            .to_string();
    }
    if let Some(ty) = msg.strip_prefix("invalid ")
        && matches!(ty, "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64")
    {
        return "expected a whole number within range".to_string();
    }
    msg.to_string()
}

/// The YAML parser's own, fixed nesting limit: a `yaml-depth` above it has
/// no effect, and reaching it is F005.
const PARSER_NESTING: u64 = 255;

/// The configurable limit a YAML error reports, if any. Some budget
/// breaches surface only as text, so the text is read as well.
fn breached_limit(err: &YamlError, raw: &str) -> Option<Limit> {
    use serde_saphyr::budget::BudgetBreach as B;
    match err {
        YamlError::AliasReplayLimitExceeded { .. } => return Some(Limit::YamlNodes),
        YamlError::AliasExpansionLimitExceeded { .. } => return Some(Limit::YamlAliases),
        YamlError::AliasReplayStackDepthExceeded { .. } => return Some(Limit::YamlDepth),
        YamlError::Budget { breach, .. } => match breach {
            B::Depth { .. } => return Some(Limit::YamlDepth),
            B::Nodes { .. } | B::Events { .. } => return Some(Limit::YamlNodes),
            B::Aliases { .. } | B::Anchors { .. } => return Some(Limit::YamlAliases),
            _ => {}
        },
        _ => {}
    }
    if raw.contains("alias replay limit") {
        Some(Limit::YamlNodes)
    } else if raw.contains("alias expansion limit") {
        Some(Limit::YamlAliases)
    } else if raw.contains("replay stack depth")
        || (raw.contains("recursion limit") && Limit::YamlDepth.get() < PARSER_NESTING)
        || (raw.contains("budget breached") && raw.contains("Depth"))
    {
        Some(Limit::YamlDepth)
    } else if raw.contains("budget breached") && (raw.contains("Nodes") || raw.contains("Events")) {
        Some(Limit::YamlNodes)
    } else if raw.contains("budget breached") && (raw.contains("Alias") || raw.contains("Anchor")) {
        Some(Limit::YamlAliases)
    } else {
        None
    }
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
