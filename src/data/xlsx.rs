//! Worksheets read as data files: `--data FILE.xlsx` reads the first
//! worksheet, `--data FILE.xlsx#Sheet` the one named. A sheet is turned into
//! the text of a CSV file whose line numbers are the sheet's row numbers,
//! and that text is read like any CSV file (the same keys, limits and
//! messages), under the name `FILE.xlsx#Sheet`; messages about its cells
//! say `row 5` and give the cell (`C5`).
//!
//! A number cell becomes its shortest decimal text, so the values are those
//! of the same data saved as CSV; a number stored as text is read as CSV
//! text is (`1,234` and ` 3` as in a CSV file); a date, a time or a
//! duration is refused (D063), as is an error value (`#N/A`, as a value
//! that is not a number, D004). The workbook is read by calamine; the size
//! of the file is bounded by the `data-bytes` limit, and so is the text of
//! its sheet.

use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, Xlsx, XlsxError};

use super::read::{BadCells, data_err, field_at, nth_line, place, push_csv_field};
use crate::diagnostic::{Diagnostic, Origin};
use crate::limits::Limit;

/// Whether a path names a workbook that atrisk reads (`.xlsx`, `.xlsm`).
pub fn is_workbook_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".xlsx") || lower.ends_with(".xlsm")
}

/// Whether a data file name is a sheet of a workbook (`FILE.xlsx#Sheet`).
pub fn is_sheet(name: &str) -> bool {
    name.rsplit_once('#')
        .is_some_and(|(file, _)| is_workbook_path(file))
}

/// `FILE.xlsx#Sheet` as the workbook and the sheet; `None` for other text.
pub fn split_sheet(arg: &str) -> Option<(&str, &str)> {
    arg.rsplit_once('#')
        .filter(|(file, sheet)| is_workbook_path(file) && !sheet.is_empty())
}

/// The spreadsheet address (`C48`) of the cell of a sheet `file`
/// (`FILE.xlsx#Sheet`) on the 1-based `line` (the sheet's row) and in the
/// 1-based `field` of its CSV text (the sheet's column, counted from `A`);
/// `None` for a file that is not a sheet and for no row.
pub fn sheet_cell(file: &str, field: u32, line: u32) -> Option<String> {
    (is_sheet(file) && field > 0 && line > 0)
        .then(|| format!("{}{line}", column_letters(field - 1)))
}

/// A worksheet as the text of a CSV file.
#[derive(Debug)]
pub struct SheetText {
    /// `FILE.xlsx#Sheet`, the name used in messages and provenance.
    pub name: String,
    /// The CSV text; line `n` is row `n` of the sheet.
    pub text: Vec<u8>,
}

/// The spreadsheet letters of a 0-based column: 0 is `A`, 26 is `AA`.
pub fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(b'A' + r);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The sum of the sizes the central directory of a zip container gives its
/// files when unpacked (a size too large for 32 bits counts as
/// `u64::MAX`), so that a workbook that would unpack to more than the
/// `data-bytes` limit is refused before it is unpacked. 0 when there is no
/// directory to read (the workbook reader then reports the file).
fn unpacked_size(zip: &[u8]) -> u64 {
    let u16_at = |i: usize| {
        zip.get(i..i + 2)
            .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u32_at = |i: usize| {
        zip.get(i..i + 4)
            .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    // The end of central directory record is in the last 64 KiB + 22 bytes.
    let from = zip.len().saturating_sub(65_536 + 22);
    let Some(end) = (from..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| u32_at(i) == 0x0605_4b50)
    else {
        return 0;
    };
    let entries = u16_at(end + 10);
    let mut at = u32_at(end + 16) as usize;
    let mut total = 0u64;
    for _ in 0..entries {
        if u32_at(at) != 0x0201_4b50 {
            break;
        }
        let size = match u32_at(at + 24) {
            u32::MAX => u64::MAX,
            n => u64::from(n),
        };
        total = total.saturating_add(size);
        at += 46
            + usize::from(u16_at(at + 28))
            + usize::from(u16_at(at + 30))
            + usize::from(u16_at(at + 32));
    }
    total
}

/// A workbook that cannot be read (D060).
fn not_a_workbook(file: &str, why: &str) -> Diagnostic {
    data_err(
        "D060",
        format!("`{file}` is not a workbook that atrisk can read: {why}"),
    )
    .at(file, 1, 1, 1, "this file")
    .with_hint(
        "give an Excel workbook saved as .xlsx, or save the sheet as CSV (UTF-8) and give that file",
    )
}

/// Reads one worksheet of the workbook `file` (its bytes): `sheet`, or the
/// first worksheet.
pub fn read_sheet(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<SheetText, Diagnostic> {
    const CFB: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    if !bytes.starts_with(b"PK\x03\x04") && !bytes.starts_with(CFB) {
        return Err(not_a_workbook(
            file,
            "it is not a zip container, as .xlsx files are",
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let unpacked = unpacked_size(bytes);
        if unpacked > Limit::DataBytes.get() {
            return Err(Limit::DataBytes
                .breach(
                    Origin::Data,
                    format!("the workbook `{file}` unpacks to at least {unpacked} bytes"),
                )
                .at(file, 1, 1, 1, "this file"));
        }
    }
    let mut wb: Xlsx<_> = match Xlsx::new(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(XlsxError::Password) => {
            return Err(data_err(
                "D061",
                format!("`{file}` is protected by a password (encrypted)"),
            )
            .at(file, 1, 1, 1, "this file")
            .with_hint(
                "save a copy without a password (or save the sheet as CSV) and give that file",
            ));
        }
        Err(_) if bytes.starts_with(CFB) => {
            return Err(not_a_workbook(
                file,
                "it is an older Excel file (.xls) or another Office file",
            ));
        }
        Err(e) => return Err(not_a_workbook(file, &e.to_string())),
    };
    let sheets: Vec<String> = wb
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    let chosen = match sheet {
        None => sheets.first().cloned(),
        Some(want) => sheets
            .iter()
            .find(|s| *s == want)
            .or_else(|| {
                let mut same = sheets.iter().filter(|s| s.eq_ignore_ascii_case(want));
                match (same.next(), same.next()) {
                    (Some(one), None) => Some(one),
                    _ => None,
                }
            })
            .cloned(),
    };
    let Some(chosen) = chosen else {
        let list = sheets
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let (message, hint) = match sheet {
            Some(want) => (
                format!("`{file}` has no worksheet `{want}`"),
                format!("its worksheets are {list}; give one as --data {file}#SHEET"),
            ),
            None => (
                format!("`{file}` has no worksheet"),
                "give a workbook with the data in a worksheet".to_string(),
            ),
        };
        return Err(data_err("D062", message)
            .at(file, 1, 1, 1, "this workbook")
            .with_hint(hint));
    };
    let name = format!("{file}#{chosen}");
    let cells = read_cells(&mut wb, file, &name, &chosen)?;
    Ok(SheetText {
        text: cells.into_csv(&name)?,
        name,
    })
}

/// The non-empty cells of a sheet, row by row.
#[derive(Debug, Default)]
struct Cells {
    /// (0-based row, cells of the row as (0-based column, text)).
    rows: Vec<(u32, Vec<(u32, String)>)>,
    /// Dates, times and durations: (row, column).
    dates: Vec<(u32, u32)>,
    /// Bytes of text so far.
    bytes: u64,
}

fn read_cells(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    file: &str,
    name: &str,
    sheet: &str,
) -> Result<Cells, Diagnostic> {
    let unreadable = |e: XlsxError| not_a_workbook(file, &format!("sheet `{sheet}`: {e}"));
    let mut reader = wb.worksheet_cells_reader(sheet).map_err(unreadable)?;
    let mut cells = Cells::default();
    let cap = Limit::DataBytes.get();
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let (row, col) = cell.get_position();
        let text = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::Float(v) => v.to_string(),
            DataRef::Int(v) => v.to_string(),
            DataRef::String(s) => one_line(s),
            DataRef::SharedString(s) => one_line(s),
            DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            DataRef::Error(e) => e.to_string(),
            DataRef::DateTime(_) | DataRef::DateTimeIso(_) | DataRef::DurationIso(_) => {
                cells.dates.push((row, col));
                String::new()
            }
        };
        cells.bytes += text.len() as u64 + 1;
        if cells.bytes > cap {
            return Err(over_limit(name, cells.bytes));
        }
        match cells.rows.last_mut() {
            Some((r, v)) if *r == row => v.push((col, text)),
            _ => cells.rows.push((row, vec![(col, text)])),
        }
    }
    Ok(cells)
}

/// A sheet whose text is larger than the `data-bytes` limit (L005).
fn over_limit(name: &str, n: u64) -> Diagnostic {
    Limit::DataBytes
        .breach(
            Origin::Data,
            format!("the cells of `{name}` make at least {n} bytes of text"),
        )
        .at(name, 1, 1, 1, "this sheet")
}

/// A cell's text on one line: line breaks become spaces, so that the lines
/// of the CSV text stay the rows of the sheet.
fn one_line(s: &str) -> String {
    s.replace("\r\n", " ").replace(['\r', '\n'], " ")
}

impl Cells {
    /// The CSV text: line `n` is row `n` of the sheet, field `k` its column
    /// `k` (from `A`), every row as wide as the widest.
    fn into_csv(mut self, name: &str) -> Result<Vec<u8>, Diagnostic> {
        self.rows.sort_by_key(|(r, _)| *r);
        for (_, v) in &mut self.rows {
            v.sort_by_key(|(c, _)| *c);
        }
        let width = self
            .rows
            .iter()
            .flat_map(|(_, v)| v.iter().map(|(c, _)| u64::from(*c) + 1))
            .max()
            .unwrap_or(0);
        let last_row = self.rows.last().map_or(0, |(r, _)| u64::from(*r) + 1);
        let size = self
            .bytes
            .saturating_add(last_row)
            .saturating_add((self.rows.len() as u64).saturating_mul(width));
        if size > Limit::DataBytes.get() {
            return Err(over_limit(name, size));
        }
        if !self.dates.is_empty() {
            return Err(self.date_error(name));
        }
        let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        let mut line = 0u64;
        for (r, v) in &self.rows {
            while line < u64::from(*r) {
                out.push(b'\n');
                line += 1;
            }
            let mut next = 0u64;
            for (c, text) in v {
                while next < u64::from(*c) {
                    out.push(b',');
                    next += 1;
                }
                push_csv_field(&mut out, text.as_bytes());
            }
            while next + 1 < width {
                out.push(b',');
                next += 1;
            }
            out.push(b'\n');
            line += 1;
        }
        Ok(out)
    }

    /// The dates of the sheet (D063), each with its cell and the name of its
    /// column.
    fn date_error(&self, name: &str) -> Diagnostic {
        let header = self.rows.first();
        let heading = |col: u32| {
            header
                .and_then(|(_, v)| v.iter().find(|(c, _)| *c == col))
                .map(|(_, t)| t.trim().to_string())
                .filter(|t| !t.is_empty())
        };
        let mut bad = BadCells::default();
        let mut dates = self.dates.clone();
        dates.sort_unstable();
        for (r, c) in dates {
            let cell = format!("{}{}", column_letters(c), r + 1);
            let column = heading(c).map_or_else(String::new, |h| format!(" in column `{h}`"));
            bad.add(
                data_err(
                    "D063",
                    format!(
                        "cell {cell}{column} holds a date or a time ({})",
                        place(name, u64::from(r) + 1)
                    ),
                )
                .at(name, u64::from(r) + 1, u64::from(c) + 1, 0, format!("cell {cell}"))
                .with_hint(
                    "atrisk reads numbers: give the cell a number format (a year as a whole number such as 2023), or save the sheet as CSV and check the column",
                ),
            );
        }
        bad.finish(name)
            .unwrap_or_else(|| data_err("D063", "a date in a sheet"))
    }
}

/// Points the labels of a diagnostic on the sheet `name` at its cells: the
/// label's column becomes the sheet's column number (`C` is 3), and its
/// text names the cell (`C5`); `text` is the CSV text of the sheet.
pub fn locate_cells(d: &mut Diagnostic, name: &str, text: &[u8]) {
    for l in d.labels.iter_mut().filter(|l| l.file == name) {
        if l.text.starts_with("cell ") {
            continue;
        }
        let line = nth_line(text, l.line);
        let field = field_at(&line, l.column);
        let col = u32::try_from(field).unwrap_or(u32::MAX);
        l.column = field as u64 + 1;
        l.len = 0;
        l.text = format!("{} (cell {}{})", l.text, column_letters(col), l.line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_and_names() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert!(is_sheet("a/b.XLSX#Data"));
        assert!(!is_sheet("a.csv#Data"));
        assert_eq!(split_sheet("w.xlsx#My sheet"), Some(("w.xlsx", "My sheet")));
        assert_eq!(split_sheet("w.xlsx#"), None);
        assert_eq!(split_sheet("w.csv#x"), None);
        assert_eq!(sheet_cell("w.xlsx#Data", 3, 48).as_deref(), Some("C48"));
        assert_eq!(sheet_cell("w.xlsx#Data", 27, 2).as_deref(), Some("AA2"));
        assert_eq!(sheet_cell("w.csv", 3, 48), None);
        assert_eq!(sheet_cell("w.xlsx#Data", 3, 0), None);
    }

    #[test]
    fn not_a_workbook_is_named() {
        let e = read_sheet("a.xlsx", b"iso3,year\n", None).unwrap_err();
        assert_eq!(e.code, "D060");
        let e = read_sheet("a.xlsx", b"PK\x03\x04garbage", None).unwrap_err();
        assert_eq!(e.code, "D060");
    }
}
