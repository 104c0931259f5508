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

    /// The text of a line (1-based), without its line ending. Lines end as
    /// in [`split_lines`].
    fn line(&self, file: &str, line: u64) -> Option<&str> {
        let text = self.texts.get(file)?;
        let idx = usize::try_from(line).ok()?.checked_sub(1)?;
        let l = split_lines(text.as_bytes()).nth(idx)?;
        // The pieces of a `&str` split at ASCII line ends are `&str` too.
        std::str::from_utf8(l).ok()
    }
}

/// The lines of a text. LF, CRLF and a bare CR each end a line, as both the
/// YAML reader and the CSV reader take them, so that the line numbers of
/// every message and the line a snippet shows agree with the file whatever
/// its line endings. As with `str::split`, the text after the last line
/// end is a line too (empty when the text ends with a line end).
pub fn split_lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        match memchr::memchr2(b'\n', b'\r', t) {
            Some(i) => {
                let next = if t[i] == b'\r' && t.get(i + 1) == Some(&b'\n') {
                    i + 2
                } else {
                    i + 1
                };
                rest = Some(&t[next..]);
                Some(&t[..i])
            }
            None => {
                rest = None;
                Some(t)
            }
        }
    })
}

/// The number of line ends in `bytes`: LF, CRLF and a bare CR count one
/// each (a CR at the very end counts as a bare CR).
pub fn count_line_ends(bytes: &[u8]) -> u64 {
    let mut n = 0u64;
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        // The LF of a CRLF was counted with its CR.
        if !(bytes[i] == b'\n' && i > 0 && bytes[i - 1] == b'\r') {
            n += 1;
        }
    }
    n
}

/// The 1-based line and character column of byte `pos` of a text, lines
/// ending as in [`split_lines`].
pub fn line_col(text: &str, pos: usize) -> (u64, u64) {
    let head = &text.as_bytes()[..pos.min(text.len())];
    let line = count_line_ends(head) + 1;
    let start = memchr::memrchr2(b'\n', b'\r', head).map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&head[start..]).chars().count() as u64 + 1;
    (line, col)
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
    // Every text below may hold pieces of inputs: each is shown through the
    // sanitiser, the source lines with their spans moved to match.
    let message = sanitize(&d.message);
    let title = level.primary_title(message.as_ref()).id(d.code);
    // Labels whose line we can show become snippets; the rest become notes.
    let mut notes: Vec<String> = Vec::new();
    let mut shown: Vec<(String, std::ops::Range<usize>, String, String, usize)> = Vec::new();
    for label in &d.labels {
        let file = sanitize(&label.file).into_owned();
        let text = sanitize(&label.text).into_owned();
        match sources.line(&label.file, label.line) {
            Some(line_text) => {
                let (line, span) = sanitized_span(line_text, label.column, label.len);
                let line_no = usize::try_from(label.line).unwrap_or(1);
                shown.push((line, span, file, text, line_no));
            }
            None => notes.push(format!("{file}:{}:{}: {text}", label.line, label.column)),
        }
    }
    let snippets = shown
        .iter()
        .enumerate()
        .map(|(i, (line, span, file, text, no))| {
            let kind = if i == 0 {
                AnnotationKind::Primary
            } else {
                AnnotationKind::Context
            };
            Snippet::source(line.as_str())
                .line_start(*no)
                .path(file.as_str())
                .annotation(kind.span(span.clone()).label(text.as_str()))
        });
    let mut group: Group<'_> = Group::with_title(title).elements(snippets);
    for n in &notes {
        group = group.element(Level::NOTE.message(n.as_str()));
    }
    let hint = d.hint.as_deref().map(sanitize);
    if let Some(h) = &hint {
        group = group.element(Level::HELP.message(h.as_ref()));
    }
    let groups = [group];
    renderer.render(&groups)
}

/// A source line through the sanitiser (tabs kept: the renderer expands
/// them), and the byte range in it of the 1-based character `column` and
/// the `len` characters after it, clamped to the line so rendering never
/// goes out of bounds.
fn sanitized_span(line: &str, column: u64, len: u64) -> (String, std::ops::Range<usize>) {
    // Where each character of the line starts in the shown line, and its end.
    let mut out = String::with_capacity(line.len());
    let mut starts = Vec::with_capacity(line.len() + 1);
    for c in line.chars() {
        starts.push(out.len());
        if c != '\t' && is_unsafe_display(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    starts.push(out.len());
    let col0 = usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX);
    let len = usize::try_from(len.max(1)).unwrap_or(1);
    let last = starts.len() - 1;
    let start = starts[col0.min(last)];
    let end = starts[col0.saturating_add(len).min(last)].max(start);
    (out, start..end)
}

/// Whether a character taken from an input is shown escaped on a terminal
/// or in a report: C0 controls other than tab and line feed (so carriage
/// returns and escape sequences), DEL, C1 controls (U+0080-U+009F, NEL
/// among them) and the bidirectional overrides and isolates (U+202A-U+202E,
/// U+2066-U+2069), which could reorder or hide what is shown.
pub fn is_unsafe_display(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The one sanitiser for text from inputs (names, titles, cell texts, ids)
/// on its way to a terminal or a report: each character of
/// [`is_unsafe_display`] is written as an escape (`\r`, `\u{85}`,
/// `\u{202e}`); everything else is unchanged. Machine formats (CSV, JSON)
/// carry texts as they are, quoted or escaped by their own rules.
pub fn sanitize(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe_display) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe_display(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
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

/// Longest word or candidate, in characters, that [`did_you_mean`] compares;
/// longer ones are never suggested or matched.
pub const SUGGEST_MAX_CHARS: usize = 64;

/// Most candidates [`did_you_mean`] looks at; the rest are not considered.
pub const SUGGEST_MAX_CANDIDATES: usize = 10_000;

/// Suggests the closest of `candidates` to `word` (case-insensitive), if one
/// is close enough: at least 60% alike by normalised edit distance.
///
/// The work is bounded whatever the input: words and candidates longer than
/// [`SUGGEST_MAX_CHARS`] are skipped, only the first
/// [`SUGGEST_MAX_CANDIDATES`] candidates are compared, and each comparison
/// stops as soon as the distance is too large to suggest.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let word: Vec<char> = lowered(word)?;
    let mut best: Option<(f64, &str)> = None;
    let mut row = Vec::new();
    for c in candidates.into_iter().take(SUGGEST_MAX_CANDIDATES) {
        let Some(cand) = lowered(c) else {
            continue;
        };
        let longest = word.len().max(cand.len());
        if longest == 0 {
            continue;
        }
        // 1 - d / longest >= 0.6 needs d <= 0.4 * longest.
        let bound = (longest * 2).div_ceil(5);
        let Some(d) = bounded_levenshtein(&word, &cand, bound, &mut row) else {
            continue;
        };
        let score = 1.0 - d as f64 / longest as f64;
        if score >= 0.6 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// A text lowercased, as characters; `None` when longer than [`SUGGEST_MAX_CHARS`].
fn lowered(s: &str) -> Option<Vec<char>> {
    if s.len() > SUGGEST_MAX_CHARS * 4 {
        return None;
    }
    let v: Vec<char> = s.chars().flat_map(char::to_lowercase).collect();
    (v.len() <= SUGGEST_MAX_CHARS).then_some(v)
}

/// The edit distance of `a` and `b` if it is at most `bound`, else `None`:
/// only the diagonal band of width `2 * bound + 1` is computed, and the
/// computation stops when a whole row exceeds the bound.
fn bounded_levenshtein(
    a: &[char],
    b: &[char],
    bound: usize,
    row: &mut Vec<usize>,
) -> Option<usize> {
    if a.len().abs_diff(b.len()) > bound {
        return None;
    }
    let big = bound + 1;
    row.clear();
    row.extend((0..=b.len()).map(|j| j.min(big)));
    for (i, &ca) in a.iter().enumerate() {
        let lo = (i + 1).saturating_sub(bound);
        let hi = (i + 1 + bound).min(b.len());
        // row[j] holds the previous row; `diag` is row[j - 1] of it.
        let mut diag = row[lo.saturating_sub(1)];
        if lo == 0 {
            diag = row[0];
            row[0] = (i + 1).min(big);
        } else {
            row[lo - 1] = big;
        }
        let mut best = if lo == 0 { row[0] } else { big };
        for j in lo.max(1)..=hi {
            let up = row[j];
            let cost = usize::from(ca != b[j - 1]);
            let v = (diag + cost).min(up + 1).min(row[j - 1] + 1).min(big);
            diag = up;
            row[j] = v;
            best = best.min(v);
        }
        if hi < b.len() {
            row[hi + 1] = big;
        }
        if best > bound {
            return None;
        }
    }
    let d = row[b.len()];
    (d <= bound).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_clamp_past_the_end() {
        let span = |l: &str, c, n| sanitized_span(l, c, n).1;
        assert_eq!(span("abc", 10, 5), 3..3);
        assert_eq!(span("abc", 2, 1), 1..2);
        assert_eq!(span("héllo", 3, 2), 3..5);
        assert_eq!(span("", 1, 1), 0..0);
    }

    #[test]
    fn spans_follow_escaped_characters() {
        // `x` after a NEL (escaped as 6 characters) and a CR (2).
        let (line, span) = sanitized_span("a\u{85}\rx\ty", 4, 1);
        assert_eq!(line, "a\\u{85}\\rx\ty");
        assert_eq!(&line[span], "x");
        let (line, span) = sanitized_span("\u{202e}abc", 1, 2);
        assert_eq!(&line[span], "\\u{202e}a");
    }

    #[test]
    fn the_sanitiser_escapes_controls_and_bidi_overrides_only() {
        assert!(matches!(
            sanitize("Côte d'Ivoire\tx\ny"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(sanitize("a\rb"), "a\\rb");
        assert_eq!(sanitize("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(sanitize("\u{85}\u{9b}\u{7f}"), "\\u{85}\\u{9b}\\u{7f}");
        assert_eq!(
            sanitize("\u{202a}\u{202e}\u{2066}\u{2069}"),
            "\\u{202a}\\u{202e}\\u{2066}\\u{2069}"
        );
        // Characters around the ranges are left alone.
        assert_eq!(
            sanitize("\u{a0}\u{2029}\u{2065}\u{206a}"),
            "\u{a0}\u{2029}\u{2065}\u{206a}"
        );
        for c in [
            '\u{0}', '\u{7}', '\r', '\u{1b}', '\u{7f}', '\u{80}', '\u{85}', '\u{9f}', '\u{202b}',
            '\u{2068}',
        ] {
            let s = c.to_string();
            let out = sanitize(&s);
            assert!(!out.chars().any(is_unsafe_display), "{c:?} -> {out}");
        }
    }

    #[test]
    fn rendered_diagnostics_never_hold_unsafe_characters() {
        let bad = "x\u{85}\r\u{1b}[31m\u{202e}y";
        let mut src = Sources::default();
        src.add("f.csv", &format!("iso3,year\n{bad},2000\n"));
        let d = Diagnostic::error("D004", Origin::Data, format!("`{bad}` is not a number"))
            .at("f.csv", 2, 1, 9, format!("not {bad}"))
            .at("other.csv", 3, 1, 1, bad)
            .with_hint(format!("use {bad}"));
        for color in [false, true] {
            let out = render(std::slice::from_ref(&d), &src, color);
            let plain: String = out.replace('\u{1b}', "");
            assert!(
                !plain.chars().any(|c| c != '\n' && is_unsafe_display(c)),
                "{out:?}"
            );
            assert!(
                plain.contains("x\\u{85}\\r\\u{1b}[31m\\u{202e}y"),
                "{plain}"
            );
        }
    }

    #[test]
    fn bounded_distance_agrees_with_the_full_one() {
        let words = [
            "",
            "a",
            "rf1",
            "rf01",
            "rf10",
            "genocide",
            "genocid",
            "war_crimes",
            "abcdef",
            "fedcba",
            "kitten",
            "sitting",
            "SÜDAN",
            "sudan",
        ];
        let mut row = Vec::new();
        for a in words {
            for b in words {
                let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let full = strsim::levenshtein(a, b);
                for bound in 0..12 {
                    let got = bounded_levenshtein(&ca, &cb, bound, &mut row);
                    let want = (full <= bound).then_some(full);
                    assert_eq!(got, want, "{a:?} {b:?} bound {bound}");
                }
            }
        }
    }

    #[test]
    fn suggestions_are_the_closest_and_bounded() {
        // (Closest matches are checked beside the framework validation.)
        assert_eq!(
            did_you_mean("GENOCID", ["war_crimes", "genocide"]).as_deref(),
            Some("genocide")
        );
        // Too long to compare: no suggestion, and no quadratic work.
        let long = "x".repeat(100_000);
        let longer = format!("{long}y");
        assert_eq!(did_you_mean(&long, [longer.as_str()]), None);
        assert_eq!(
            did_you_mean("abc", [longer.as_str(), "abd"]).as_deref(),
            Some("abd")
        );
        // Candidates past the cap are not looked at.
        let many: Vec<String> = (0..SUGGEST_MAX_CANDIDATES)
            .map(|i| format!("c{i}"))
            .collect();
        let refs = many.iter().map(String::as_str).chain(["target"]);
        assert_eq!(did_you_mean("targe", refs), None);
    }

    #[test]
    fn lines_end_at_lf_crlf_and_bare_cr() {
        let lines: Vec<&[u8]> = split_lines(b"a\nb\r\nc\rd\r\re").collect();
        assert_eq!(lines, [&b"a"[..], b"b", b"c", b"d", b"", b"e"]);
        let lines: Vec<&[u8]> = split_lines(b"a\r\n\r").collect();
        assert_eq!(lines, [&b"a"[..], b"", b""]);
        assert_eq!(split_lines(b"a\n").count(), 2);
        assert_eq!(split_lines(b"").count(), 1);
        assert_eq!(count_line_ends(b"a\nb\r\nc\rd\r\re\r"), 6);
        assert_eq!(line_col("ab\rcd\r\nef", 4), (2, 2));
        assert_eq!(line_col("ab\rcd\r\nef", 7), (3, 1));
        assert_eq!(line_col("é\nxé", 6), (2, 3));
        let mut src = Sources::default();
        src.add("f.yaml", "one\rtwo\r\nthree\nfour");
        assert_eq!(src.line("f.yaml", 2), Some("two"));
        assert_eq!(src.line("f.yaml", 4), Some("four"));
        assert_eq!(src.line("f.yaml", 5), None);
        src.add("g.yaml", "one\r\n");
        assert_eq!(src.line("g.yaml", 2), Some(""));
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
