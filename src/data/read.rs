//! The one CSV reading layer: every CSV file that atrisk reads (panels,
//! streamed panels, analyst assessments, events) goes through these
//! functions, which strip a byte order mark, refuse bare-CR line endings and
//! control characters, count physical lines for messages, and apply the
//! input limits (`csv-rows`, `csv-field-bytes`, `panel-cells`) in one place.

use super::{Input, MISSING_MARKERS};
use crate::diagnostic::{Diagnostic, Origin, count_line_ends, split_lines};

mod spreadsheet;
pub use spreadsheet::{Delimiter, sniff_delimiter, to_comma_separated};
pub(crate) use spreadsheet::{number_hint, parse_number};

pub(crate) fn data_err(code: &'static str, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, Origin::Data, msg)
}

/// Finds the 1-based character column where field `field` (0-based) starts in a CSV line.
pub fn field_char_col(line: &str, field: usize) -> u64 {
    let mut n = 0usize;
    let mut in_quotes = false;
    for (i, ch) in line.chars().enumerate() {
        if n == field {
            return i as u64 + 1;
        }
        match ch {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => n += 1,
            _ => {}
        }
    }
    line.chars().count() as u64 + 1
}

/// The 0-based field in which the 1-based character column `col` of a CSV
/// line falls (the inverse of [`field_char_col`]).
pub(crate) fn field_at(line: &str, col: u64) -> usize {
    let mut n = 0usize;
    let mut in_quotes = false;
    for ch in line
        .chars()
        .take(usize::try_from(col.saturating_sub(1)).unwrap_or(usize::MAX))
    {
        match ch {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => n += 1,
            _ => {}
        }
    }
    n
}

/// The text of a 1-based line, lines ending at LF, CRLF or a bare CR.
pub(crate) fn nth_line(text: &[u8], line: u64) -> String {
    let idx = usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX);
    let l = split_lines(text).nth(idx).unwrap_or(&[]);
    String::from_utf8_lossy(l).to_string()
}

/// The 1-based character column and the length of field `field` (0-based)
/// on a line of a CSV text.
pub(crate) fn field_span(text: &[u8], line: u64, field: usize) -> (u64, u64) {
    span_on(&nth_line(text, line), field)
}

/// [`field_span`] on the line that starts at byte `start` of a text, found
/// without reading the text before it.
pub(crate) fn field_span_at(text: &[u8], start: usize, field: usize) -> (u64, u64) {
    let rest = text.get(start..).unwrap_or_default();
    let l = split_lines(rest).next().unwrap_or_default();
    span_on(&String::from_utf8_lossy(l), field)
}

fn span_on(l: &str, field: usize) -> (u64, u64) {
    let col = field_char_col(l, field);
    let mut in_quotes = false;
    let len = l
        .chars()
        .skip(col as usize - 1)
        .take_while(|c| {
            if *c == '"' {
                in_quotes = !in_quotes;
            }
            in_quotes || *c != ','
        })
        .count()
        .max(1);
    (col, len as u64)
}

pub(crate) fn cell_label(
    d: Diagnostic,
    input: &Input<'_>,
    line: u64,
    field: usize,
    text: &str,
) -> Diagnostic {
    let (col, len) = field_span(input.bytes, line, field);
    d.at(&input.name, line, col, len, text)
}

/// The input without a UTF-8 byte order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The 1-based line of the record starting at byte `pos`: line endings and
/// blank lines before the record are skipped, and LF, CRLF and a bare CR
/// each end a line.
pub(crate) fn line_at(bytes: &[u8], pos: u64) -> u64 {
    LineCounter::default().line_at(bytes, pos)
}

/// Counts lines incrementally for records read in order.
#[derive(Debug, Default)]
pub(crate) struct LineCounter {
    byte: usize,
    newlines: u64,
}

impl LineCounter {
    pub(crate) fn line_at(&mut self, bytes: &[u8], pos: u64) -> u64 {
        let mut b = usize::try_from(pos).unwrap_or(usize::MAX).min(bytes.len());
        while b < bytes.len() && matches!(bytes[b], b'\n' | b'\r') {
            b += 1;
        }
        if b < self.byte {
            *self = LineCounter::default();
        }
        // Both ends of the range are at a byte that is no line end, so a
        // CRLF is never cut in two.
        self.newlines += count_line_ends(&bytes[self.byte..b]);
        self.byte = b;
        1 + self.newlines
    }
}

/// Refuses a file whose first line ends with a bare carriage return (old
/// Mac line endings, D030), which is most likely saved by a program that
/// atrisk's users should be told about. A bare CR further down is a line
/// end like LF and CRLF, and every location counts it as one.
pub(crate) fn check_line_endings(input: &Input<'_>) -> Result<(), Diagnostic> {
    let bytes = strip_bom(input.bytes);
    let Some(i) = bytes.iter().position(|b| matches!(b, b'\r' | b'\n')) else {
        return Ok(());
    };
    if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
        let name = &input.name;
        return Err(data_err(
            "D030",
            format!("the lines of `{name}` end with a bare carriage return (CR)"),
        )
        .at(name, 1, i as u64 + 1, 1, "line ends here")
        .with_hint(
            "save the file with LF or CRLF line endings (for example with `tr '\\r' '\\n'`)",
        ));
    }
    Ok(())
}

/// Refuses a field holding a control character other than tab and line
/// ends (D031): such characters (ESC, BEL, NUL) could change what a
/// terminal shows when names are printed.
pub(crate) fn check_control(
    input: &Input<'_>,
    line: u64,
    field: usize,
    s: &str,
) -> Result<(), Diagnostic> {
    match s.chars().find(|c| crate::diagnostic::is_unsafe_control(*c)) {
        None => Ok(()),
        Some(c) => Err(cell_label(
            data_err(
                "D031",
                format!(
                    "field {} on line {line} of `{}` holds the control character U+{:04X}",
                    field + 1,
                    input.name,
                    u32::from(c)
                ),
            ),
            input,
            line,
            field,
            "in this field",
        )
        .with_hint("remove control characters (escape sequences, bell, NUL) from the file")),
    }
}

/// Checks a CSV record against the `csv-field-bytes` limit, and the count
/// of records read so far (`rows`, the header not counted) against `csv-rows`.
pub(crate) fn check_record_limits(
    input: &Input<'_>,
    rec: &csv::ByteRecord,
    line: u64,
    rows: usize,
) -> Result<(), Diagnostic> {
    use crate::limits::Limit;
    let name = &input.name;
    if rows as u64 > Limit::CsvRows.get() {
        return Err(Limit::CsvRows
            .breach(Origin::Data, format!("`{name}` has at least {rows} rows"))
            .at(name, line, 1, 1, "this row"));
    }
    let max = Limit::CsvFieldBytes.get_usize();
    match rec.iter().position(|f| f.len() > max) {
        Some(i) => Err(cell_label(
            Limit::CsvFieldBytes.breach(
                Origin::Data,
                format!(
                    "field {} on line {line} of `{name}` has {} bytes",
                    i + 1,
                    rec[i].len()
                ),
            ),
            input,
            line,
            i,
            "this field",
        )),
        None => Ok(()),
    }
}

/// Checks the number of fields of a header against the `csv-columns`
/// limit, before any work is done per column.
pub(crate) fn check_columns(input: &Input<'_>, n: usize) -> Result<(), Diagnostic> {
    use crate::limits::Limit;
    if n as u64 > Limit::CsvColumns.get() {
        let name = &input.name;
        return Err(Limit::CsvColumns
            .breach(
                Origin::Data,
                format!("the header of `{name}` has {n} fields"),
            )
            .at(name, 1, 1, 1, "this header"));
    }
    Ok(())
}

/// Checks a count of panel cells against the `panel-cells` limit.
pub(crate) fn check_cells(cells: u64, what: impl FnOnce() -> String) -> Result<(), Diagnostic> {
    use crate::limits::Limit;
    if cells > Limit::PanelCells.get() {
        let what = what();
        return Err(Limit::PanelCells.breach(Origin::Data, format!("{what}: {cells} cells")));
    }
    Ok(())
}

pub(crate) fn csv_error(input: &Input<'_>, e: &csv::Error) -> Diagnostic {
    csv_error_at(input, e, |pos| line_at(strip_bom(input.bytes), pos))
}

/// A CSV reading error; `line_of` gives the line of a record's byte position.
pub(crate) fn csv_error_at(
    input: &Input<'_>,
    e: &csv::Error,
    line_of: impl Fn(u64) -> u64,
) -> Diagnostic {
    let name = &input.name;
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => {
            let line = pos.as_ref().map_or(1, |p| line_of(p.byte()));
            data_err(
                "D006",
                format!(
                    "line {line} of `{name}` has {len} fields, but the header has {expected_len}"
                ),
            )
            .at(name, line, 1, 1, "this row")
            .with_hint(
                "every row needs as many fields as the header; quote fields that contain commas",
            )
        }
        csv::ErrorKind::Utf8 { pos, .. } => {
            let line = pos.as_ref().map_or(1, |p| line_of(p.byte()));
            data_err(
                "D007",
                format!("line {line} of `{name}` is not valid UTF-8"),
            )
            .at(name, line, 1, 1, "invalid bytes")
            .with_hint("save the file as UTF-8")
        }
        _ => data_err("D001", format!("cannot read `{name}`: {e}")).at(name, 1, 1, 1, "here"),
    }
}

/// A CSV file open for reading, record by record: the byte order mark is
/// stripped, bare-CR line endings are refused, each record's physical line
/// is counted for messages, and every record is checked against the
/// `csv-rows` and `csv-field-bytes` limits. Panels, analyst assessments and
/// events files are all read through it.
pub(crate) struct CsvFile<'i, 'b> {
    /// The file.
    pub(crate) input: &'i Input<'b>,
    /// Its bytes without a byte order mark.
    pub(crate) bytes: &'b [u8],
    rdr: csv::Reader<&'b [u8]>,
    lines: LineCounter,
    /// Records read so far (the header not counted).
    pub(crate) rows: usize,
    /// The byte of [`CsvFile::bytes`] where the last record read starts.
    pub(crate) start: usize,
    comments: bool,
    /// Where the reader starts in [`CsvFile::bytes`]: 0, or a part's start.
    offset: u64,
    /// For a part, the number of fields of the header, which every record
    /// must have (a part has no header to compare with).
    fields: Option<usize>,
}

impl<'i, 'b> CsvFile<'i, 'b> {
    /// Opens a file and reads its header; lines starting with `#` are
    /// comments when `comments` is set.
    pub(crate) fn open(
        input: &'i Input<'b>,
        comments: bool,
    ) -> Result<(Self, csv::ByteRecord), Diagnostic> {
        check_line_endings(input)?;
        let bytes = strip_bom(input.bytes);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .comment(comments.then_some(b'#'))
            .from_reader(bytes);
        let header = rdr
            .byte_headers()
            .map_err(|e| csv_error(input, &e))?
            .clone();
        check_columns(input, header.len())?;
        Ok((Self::new(input, bytes, rdr, comments, 0, None), header))
    }

    /// The records of `bytes[start..end]` of a file (no header there, no
    /// comments), each of which must have `fields` fields; lines are those
    /// of the whole file. `bytes` is the file without its byte order mark.
    pub(crate) fn part(
        input: &'i Input<'b>,
        bytes: &'b [u8],
        start: usize,
        end: usize,
        fields: usize,
    ) -> Self {
        let rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&bytes[start..end]);
        Self::new(input, bytes, rdr, false, start as u64, Some(fields))
    }

    fn new(
        input: &'i Input<'b>,
        bytes: &'b [u8],
        rdr: csv::Reader<&'b [u8]>,
        comments: bool,
        offset: u64,
        fields: Option<usize>,
    ) -> Self {
        CsvFile {
            input,
            bytes,
            rdr,
            lines: LineCounter::default(),
            rows: 0,
            start: 0,
            comments,
            offset,
            fields,
        }
    }

    /// The byte where the record at `pos` starts, past comment lines.
    fn skip(&self, pos: u64) -> u64 {
        if self.comments {
            after_comments(self.bytes, pos)
        } else {
            pos
        }
    }

    /// Reads the next record into `rec` and returns its 1-based line, or
    /// `None` at the end of the file.
    pub(crate) fn next(&mut self, rec: &mut csv::ByteRecord) -> Result<Option<u64>, Diagnostic> {
        match self.rdr.read_byte_record(rec) {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(e) => {
                return Err(csv_error_at(self.input, &e, |pos| {
                    line_at(self.bytes, self.skip(self.offset + pos))
                }));
            }
        }
        self.rows += 1;
        let line = match rec.position() {
            Some(p) => {
                let at = self.skip(self.offset + p.byte());
                let line = self.lines.line_at(self.bytes, at);
                self.start = self.lines.byte;
                line
            }
            None => 0,
        };
        if self.fields.is_some_and(|n| n != rec.len()) {
            return Err(data_err(
                "D006",
                format!(
                    "line {line} has {} fields, the header {}",
                    rec.len(),
                    self.fields.unwrap_or(0)
                ),
            ));
        }
        check_record_limits(self.input, rec, line, self.rows)?;
        Ok(Some(line))
    }
}

/// The byte where the record at `pos` starts, past blank and comment lines.
pub(crate) fn after_comments(bytes: &[u8], pos: u64) -> u64 {
    let mut b = usize::try_from(pos).unwrap_or(usize::MAX).min(bytes.len());
    loop {
        while b < bytes.len() && matches!(bytes[b], b'\n' | b'\r') {
            b += 1;
        }
        if bytes.get(b) != Some(&b'#') {
            return b as u64;
        }
        while b < bytes.len() && !matches!(bytes[b], b'\n' | b'\r') {
            b += 1;
        }
    }
}

/// Appends a field to a comma-separated text, quoted when it holds a
/// comma, a quote or a line end.
pub(crate) fn push_csv_field(out: &mut Vec<u8>, f: &[u8]) {
    if f.iter().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        // Each quote doubled: the text up to and with it, then the quote.
        let mut rest = f;
        while let Some(q) = memchr::memchr(b'"', rest) {
            out.extend_from_slice(&rest[..=q]);
            out.push(b'"');
            rest = &rest[q + 1..];
        }
        out.extend_from_slice(rest);
        out.push(b'"');
    } else {
        out.extend_from_slice(f);
    }
}

/// Where a row is, for messages: `line 3 of `a.csv``, or `row 3 of
/// `a.xlsx#Data`` for a worksheet (whose rows are numbered as the sheet
/// numbers them).
pub(crate) fn place(name: &str, line: u64) -> String {
    if super::xlsx::is_sheet(name) {
        format!("row {line} of `{name}`")
    } else {
        format!("line {line} of `{name}`")
    }
}

/// How many cells that cannot be read one message shows.
pub const SHOWN_CELL_ERRORS: usize = 10;

/// How many such cells are kept at most, when all are listed.
pub const MAX_LISTED_CELL_ERRORS: usize = 10_000;

static LIST_ALL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether a message on the cells of a file that cannot be read lists
/// every one of them (up to [`MAX_LISTED_CELL_ERRORS`]) instead of the
/// first [`SHOWN_CELL_ERRORS`]: set for the JSON output of `validate`.
pub fn list_all_cell_errors(on: bool) {
    LIST_ALL.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// The cells of a file that cannot be read (not a number, not a year, no
/// unit code, a value under no column name, a date in a sheet), gathered
/// so that one message gives their count and where they are, rather than
/// stopping at the first.
#[derive(Debug, Default)]
pub(crate) struct BadCells {
    found: Vec<Diagnostic>,
    total: usize,
}

impl BadCells {
    /// Whether no cell was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Adds the diagnostic of one cell, which has one label.
    pub(crate) fn add(&mut self, d: Diagnostic) {
        self.total += 1;
        if self.found.len() < MAX_LISTED_CELL_ERRORS {
            self.found.push(d);
        }
    }

    /// The one diagnostic of the cells found: the cell's own when there is
    /// one; else the count by kind, a label per cell shown (its own message
    /// as the label's text) and the first cell's hint. The code is the
    /// first cell's.
    pub(crate) fn finish(self, name: &str) -> Option<Diagnostic> {
        let mut found = self.found;
        match self.total {
            0 => return None,
            1 => return found.pop(),
            _ => {}
        }
        let mut kinds: Vec<(&'static str, usize)> = Vec::new();
        for d in &found {
            match kinds.iter_mut().find(|(c, _)| *c == d.code) {
                Some((_, n)) => *n += 1,
                None => kinds.push((d.code, 1)),
            }
        }
        let kinds: Vec<String> = kinds
            .iter()
            .map(|(c, n)| format!("{} {n}", cell_error_kind(c)))
            .collect();
        let listed = if LIST_ALL.load(std::sync::atomic::Ordering::Relaxed) {
            found.len()
        } else {
            SHOWN_CELL_ERRORS
        };
        let first = &found[0];
        let mut d = data_err(
            first.code,
            format!(
                "{} cells of `{name}` cannot be read ({})",
                self.total,
                kinds.join(", ")
            ),
        );
        // Each kind of problem says once what to do about it.
        let mut hints: Vec<&str> = Vec::new();
        for h in found.iter().filter_map(|f| f.hint.as_deref()) {
            if !hints.contains(&h) && hints.len() < 3 {
                hints.push(h);
            }
        }
        let hint = hints.join("; ");
        for f in found.iter().take(listed) {
            if let Some(l) = f.labels.first() {
                let text = f
                    .message
                    .rsplit_once(" (")
                    .filter(|(_, p)| p.starts_with("line ") || p.starts_with("row "))
                    .map_or(f.message.as_str(), |(m, _)| m);
                d = d.at(&l.file, l.line, l.column, l.len, text);
            }
        }
        let shown = d.labels.len();
        let more = if shown < self.total {
            format!(
                "; the first {shown} of {} are shown here, and `atrisk validate --data FILE --format json` lists {}",
                self.total,
                if self.total > MAX_LISTED_CELL_ERRORS {
                    format!("the first {MAX_LISTED_CELL_ERRORS}")
                } else {
                    "them all".to_string()
                }
            )
        } else {
            String::new()
        };
        Some(d.with_hint(format!("{hint}{more}")))
    }
}

/// What a cell error of this code is, in a few words.
fn cell_error_kind(code: &str) -> &'static str {
    match code {
        "D004" => "not a number:",
        "D009" => "not a year:",
        "D011" => "no unit code:",
        "D034" => "under no column name:",
        "D063" => "a date:",
        _ => "other:",
    }
}

#[cfg(test)]
mod tests;
