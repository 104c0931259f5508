//! The one CSV reading layer: every CSV file that atrisk reads (panels,
//! streamed panels, analyst assessments, events) goes through these
//! functions, which strip a byte order mark, refuse bare-CR line endings and
//! control characters, count physical lines for messages, and apply the
//! input limits (`csv-rows`, `csv-field-bytes`, `panel-cells`) in one place.

use super::{Input, MISSING_MARKERS};
use crate::diagnostic::{Diagnostic, Origin, count_line_ends, split_lines};

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
    let len = l
        .chars()
        .skip(col as usize - 1)
        .take_while(|c| *c != ',')
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

pub(crate) fn parse_number(raw: &str) -> Option<Option<f64>> {
    let t = raw.trim();
    if MISSING_MARKERS.contains(&t) {
        return Some(None);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(Some(v)),
        _ => None,
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
        let file = CsvFile {
            input,
            bytes,
            rdr,
            lines: LineCounter::default(),
            rows: 0,
            start: 0,
            comments,
        };
        Ok((file, header))
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
                    line_at(self.bytes, self.skip(pos))
                }));
            }
        }
        self.rows += 1;
        let line = match rec.position() {
            Some(p) => {
                let at = self.skip(p.byte());
                let line = self.lines.line_at(self.bytes, at);
                self.start = self.lines.byte;
                line
            }
            None => 0,
        };
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
