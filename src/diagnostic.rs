//! Diagnostics as values: a stable code, a severity, a message, labelled
//! source spans and a hint. Rendered for people (with a source snippet) or
//! as JSON for scripts.

use std::collections::BTreeMap;
use std::fmt;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational; never fails a run.
    Warning,
    /// The input cannot be used.
    Error,
}

/// What kind of input a diagnostic is about; decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// A framework (YAML rule file).
    Framework,
    /// A data file (CSV panel or assessments).
    Data,
    /// Command-line flags.
    Usage,
    /// Writing output.
    Output,
}

/// A place in a file. Lines and columns count from 1; `len` is the number of
/// characters to underline (at least one is shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// The file the span is in.
    pub file: String,
    /// 1-based line (for CSV files: the physical line of the row).
    pub line: u64,
    /// 1-based column in characters (for CSV files: the 1-based field number).
    pub column: u64,
    /// Characters to underline.
    #[serde(skip_serializing_if = "is_zero")]
    pub len: u64,
    /// What this place is.
    pub text: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Stable code, documented in docs/diagnostics.md.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What kind of input it is about.
    pub origin: Origin,
    /// One line saying what is wrong.
    pub message: String,
    /// Where; the first label is the primary one.
    pub labels: Vec<Label>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A new error.
    pub fn error(code: &'static str, origin: Origin, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            origin,
            message: message.into(),
            labels: Vec::new(),
            hint: None,
        }
    }

    /// A new warning.
    pub fn warning(code: &'static str, origin: Origin, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Self::error(code, origin, message)
        }
    }

    /// Adds a label.
    #[must_use]
    pub fn with_label(mut self, label: Label) -> Self {
        self.labels.push(label);
        self
    }

    /// Adds a label at a place.
    #[must_use]
    pub fn at(self, file: &str, line: u64, column: u64, len: u64, text: impl Into<String>) -> Self {
        self.with_label(Label {
            file: file.to_string(),
            line,
            column,
            len,
            text: text.into(),
        })
    }

    /// True for errors (not warnings).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sets the hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `file:line:col` of the primary label, if any.
    pub fn location(&self) -> Option<String> {
        self.labels
            .first()
            .map(|l| format!("{}:{}:{}", l.file, l.line, l.column))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}[{}]: {}", self.code, self.message)?;
        if let Some(loc) = self.location() {
            write!(f, " ({loc})")?;
        }
        Ok(())
    }
}

/// A set of diagnostics, as returned by the loading and checking stages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Appends one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Source texts by file name, for rendering snippets.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    texts: BTreeMap<String, String>,
}

impl Sources {
    /// Remembers the text of a file.
    pub fn add(&mut self, file: &str, text: &str) {
        self.texts.insert(file.to_string(), text.to_string());
    }

    /// The text of a line (1-based), without its line ending.
    fn line(&self, file: &str, line: u64) -> Option<&str> {
        let text = self.texts.get(file)?;
        let idx = usize::try_from(line).ok()?.checked_sub(1)?;
        text.split('\n')
            .nth(idx)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }
}

/// Renders diagnostics for a person: header, source line with a caret, hint.
pub fn render(diags: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diags {
        out.push_str(&render_one(d, sources, &renderer));
        out.push('\n');
    }
    out
}

fn render_one(d: &Diagnostic, sources: &Sources, renderer: &Renderer) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(d.message.as_str()).id(d.code);
    // Labels whose line we can show become snippets; the rest become notes.
    let mut notes: Vec<String> = Vec::new();
    let mut snippets = Vec::new();
    for (i, label) in d.labels.iter().enumerate() {
        let kind = if i == 0 {
            AnnotationKind::Primary
        } else {
            AnnotationKind::Context
        };
        match sources.line(&label.file, label.line) {
            Some(line_text) => {
                let (start, end) = char_span(line_text, label.column, label.len);
                snippets.push(
                    Snippet::source(line_text)
                        .line_start(usize::try_from(label.line).unwrap_or(1))
                        .path(label.file.as_str())
                        .annotation(kind.span(start..end).label(label.text.as_str())),
                );
            }
            None => notes.push(format!(
                "{}:{}:{}: {}",
                label.file, label.line, label.column, label.text
            )),
        }
    }
    let mut group: Group<'_> = Group::with_title(title).elements(snippets);
    for n in &notes {
        group = group.element(Level::NOTE.message(n.as_str()));
    }
    if let Some(h) = &d.hint {
        group = group.element(Level::HELP.message(h.as_str()));
    }
    let groups = [group];
    renderer.render(&groups)
}

/// Converts a 1-based character column and a length into a byte range within
/// `line`, clamped to the line so rendering never goes out of bounds.
fn char_span(line: &str, column: u64, len: u64) -> (usize, usize) {
    let col0 = usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX);
    let len = usize::try_from(len.max(1)).unwrap_or(1);
    let mut starts: Vec<usize> = line.char_indices().map(|(b, _)| b).collect();
    starts.push(line.len());
    let start = starts[col0.min(starts.len() - 1)];
    let end_idx = col0.saturating_add(len).min(starts.len() - 1);
    let mut end = starts[end_idx];
    if end <= start {
        end = start;
    }
    (start, end)
}

/// Renders diagnostics as a JSON document for scripts.
pub fn to_json(diags: &[Diagnostic]) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let doc = serde_json::json!({
        "diagnostics": diags,
        "errors": errors,
        "warnings": diags.len() - errors,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: a check failed (warnings with `validate --deny-warnings`, a failed example with `test`).
pub const EXIT_CHECK_FAILED: u8 = 1;
/// Exit code: a framework is invalid.
pub const EXIT_FRAMEWORK: u8 = 2;
/// Exit code: a data file is invalid or does not fit the framework.
pub const EXIT_DATA: u8 = 3;
/// Exit code: the command line is wrong.
pub const EXIT_USAGE: u8 = 64;
/// Exit code: the output could not be written.
pub const EXIT_OUTPUT: u8 = 74;

/// A failed command: its diagnostics and the sources to render them with.
#[derive(Debug, Default)]
pub struct Failure {
    /// What went wrong.
    pub diags: Diagnostics,
    /// File texts for snippets.
    pub sources: Sources,
}

impl Failure {
    /// Diagnostics with the sources to render them with.
    pub fn new(d: impl Into<Diagnostics>, sources: &Sources) -> Self {
        Failure {
            diags: d.into(),
            sources: sources.clone(),
        }
    }

    /// The documented exit code for the first error: 2 framework, 3 data,
    /// 64 usage, 74 output.
    pub fn exit_code(&self) -> u8 {
        let first = self.diags.0.iter().find(|d| d.severity == Severity::Error);
        match first.map(|d| d.origin) {
            Some(Origin::Framework) => EXIT_FRAMEWORK,
            Some(Origin::Data) => EXIT_DATA,
            Some(Origin::Output) => EXIT_OUTPUT,
            Some(Origin::Usage) | None => EXIT_USAGE,
        }
    }
}

/// A usage error (exit 64).
pub fn usage(msg: impl Into<String>, hint: impl Into<String>) -> Failure {
    Failure::new(
        Diagnostic::error("U001", Origin::Usage, msg).with_hint(hint),
        &Sources::default(),
    )
}

/// Whether a character is a control character other than tab and line ends.
pub fn is_unsafe_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Suggests the closest of `candidates` to `word`, if one is close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::normalized_levenshtein(&word.to_lowercase(), &c.to_lowercase());
        if score >= 0.6 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_span_clamps_past_end() {
        assert_eq!(char_span("abc", 10, 5), (3, 3));
        assert_eq!(char_span("abc", 2, 1), (1, 2));
        assert_eq!(char_span("héllo", 3, 2), (3, 5));
        assert_eq!(char_span("", 1, 1), (0, 0));
    }

    #[test]
    fn render_shows_line_caret_and_hint() {
        let mut src = Sources::default();
        src.add("f.yaml", "id: x\nrisk_factor: rf99\n");
        let d = Diagnostic::error("F011", Origin::Framework, "unknown risk factor `rf99`")
            .at("f.yaml", 2, 14, 4, "not defined in this framework")
            .with_hint("did you mean `rf9`?");
        let out = render(&[d], &src, false);
        assert!(
            out.contains("error[F011]: unknown risk factor `rf99`"),
            "{out}"
        );
        assert!(out.contains("f.yaml:2:14"), "{out}");
        assert!(out.contains("^^^^"), "{out}");
        assert!(out.contains("did you mean `rf9`?"), "{out}");
    }

    #[test]
    fn render_never_panics_on_bad_spans() {
        let mut src = Sources::default();
        src.add("f.yaml", "a\n");
        let d = Diagnostic::error("F001", Origin::Framework, "m").at("f.yaml", 99, 99, 99, "x");
        let out = render(std::slice::from_ref(&d), &src, false);
        assert!(out.contains("f.yaml:99:99"));
        let d = Diagnostic::error("F001", Origin::Framework, "m").at("f.yaml", 1, 99, 99, "x");
        let _ = render(&[d], &src, false);
    }
}
