//! Country-year panels read from CSV files, in wide or long form, joined on
//! (iso3, year). Every value keeps the file, line and column it came from.
//! Analyst assessments ([`assessments`]) are added to a panel as columns.

pub mod assessments;
pub mod stream;
pub mod units;

use std::collections::{BTreeMap, HashMap};

use assessments::Analyst;

use crate::diagnostic::{Diagnostic, Origin};

/// The column that identifies a unit unless a framework or the command line
/// names others.
pub const DEFAULT_UNIT_KEY: &str = "iso3";

/// Joins the values of a unit key of several columns into one unit code.
pub const UNIT_KEY_SEPARATOR: &str = "|";

fn key_label(key: &[String]) -> String {
    key.join(UNIT_KEY_SEPARATOR)
}

/// Cell texts read as missing values.
pub const MISSING_MARKERS: [&str; 4] = ["", "NA", "NaN", "nan"];

/// A country of the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-3 code (or the code the data use).
    pub iso3: String,
    /// Name from a `country` column, or the code.
    pub name: String,
}

/// One data column of the joined panel.
#[derive(Debug, Clone)]
pub struct Column {
    /// Name as referenced by frameworks (with the file's prefix, if any).
    pub name: String,
    /// Name in its file (without prefix), for provenance.
    pub source_name: String,
    /// Index into [`Panel::files`].
    pub file: usize,
    /// 1-based field number in the file (for long files, the `value` field).
    pub field: u32,
    /// Values by cell (`country * years + year`); NaN when missing.
    values: Vec<f64>,
    /// 1-based physical line of each cell in its file; 0 when no row.
    lines: Vec<u32>,
    /// For a column of analyst assessments: each assessed cell's file index
    /// and the analyst's account. `None` for data columns.
    analyst: Option<BTreeMap<usize, (usize, Analyst)>>,
}

/// One cell of a column of analyst assessments, for [`Panel::add_assessed_column`].
#[derive(Debug, Clone)]
pub struct AssessedCell {
    /// Cell index (`country * years + year`).
    pub cell: usize,
    /// The assessed value; NaN when the analyst stated that it is unknown.
    pub value: f64,
    /// File name (added to [`Panel::files`] when new).
    pub file: String,
    /// 1-based line of the row in its file.
    pub line: u32,
    /// Source, confidence and note.
    pub analyst: Analyst,
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CellRef {
    /// File name.
    pub file: String,
    /// 1-based line in the file.
    pub line: u32,
    /// Column name in the file.
    pub column: String,
    /// Year of the cell.
    pub year: i32,
}

/// A joined country-year panel.
#[derive(Debug, Clone)]
pub struct Panel {
    /// Data files, by index.
    pub files: Vec<String>,
    /// Countries, sorted by code.
    pub countries: Vec<Country>,
    /// First year of the panel.
    pub first_year: i32,
    /// Number of years (the panel covers `first_year .. first_year + n_years`).
    pub n_years: usize,
    /// Data columns.
    pub columns: Vec<Column>,
    index: HashMap<String, usize>,
    /// The columns that identify a unit (default `["iso3"]`).
    pub unit_key: Vec<String>,
}

/// One input file, before joining.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// Name shown in messages and provenance (usually the path).
    pub name: String,
    /// Prefix added to column names (`PREFIX.column`), if any.
    pub prefix: Option<String>,
    /// File contents.
    pub bytes: &'a [u8],
}

struct Table {
    name: String,
    prefix: Option<String>,
    /// Row keys: (iso3, year, line).
    keys: Vec<(String, i32, u32)>,
    /// Column name and field number.
    columns: Vec<(String, u32)>,
    /// Per column: (row key index, value).
    cells: Vec<Vec<(usize, f64)>>,
    names: BTreeMap<String, String>,
}

impl Table {
    /// A column's name in the joined panel: `PREFIX.column` or `column`.
    fn full_name(&self, column: &str) -> String {
        match &self.prefix {
            Some(p) => format!("{p}.{column}"),
            None => column.to_string(),
        }
    }
}

fn data_err(code: &'static str, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, Origin::Data, msg)
}

/// Finds the 1-based character column where field `field` (0-based) starts in a CSV line.
pub(crate) fn field_char_col(line: &str, field: usize) -> u64 {
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

fn nth_line(text: &[u8], line: u64) -> String {
    let idx = usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX);
    let l = text.split(|b| *b == b'\n').nth(idx).unwrap_or(&[]);
    String::from_utf8_lossy(l)
        .trim_end_matches('\r')
        .to_string()
}

/// The 1-based character column and the length of field `field` (0-based)
/// on a line of a CSV text.
fn field_span(text: &[u8], line: u64, field: usize) -> (u64, u64) {
    let l = nth_line(text, line);
    let col = field_char_col(&l, field);
    let len = l
        .chars()
        .skip(col as usize - 1)
        .take_while(|c| *c != ',')
        .count()
        .max(1);
    (col, len as u64)
}

fn cell_label(d: Diagnostic, input: &Input<'_>, line: u64, field: usize, text: &str) -> Diagnostic {
    let (col, len) = field_span(input.bytes, line, field);
    d.at(&input.name, line, col, len, text)
}

/// The input without a UTF-8 byte order mark.
fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The 1-based line of the record starting at byte `pos`: line endings and
/// blank lines before the record are skipped, and both LF and CRLF count.
fn line_at(bytes: &[u8], pos: u64) -> u64 {
    LineCounter::default().line_at(bytes, pos)
}

/// Counts lines incrementally for records read in order.
#[derive(Debug, Default)]
struct LineCounter {
    byte: usize,
    newlines: u64,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], pos: u64) -> u64 {
        let mut b = usize::try_from(pos).unwrap_or(usize::MAX).min(bytes.len());
        while b < bytes.len() && matches!(bytes[b], b'\n' | b'\r') {
            b += 1;
        }
        if b < self.byte {
            *self = LineCounter::default();
        }
        self.newlines += bytes[self.byte..b].iter().filter(|&&c| c == b'\n').count() as u64;
        self.byte = b;
        1 + self.newlines
    }
}

fn parse_number(raw: &str) -> Option<Option<f64>> {
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
/// Mac line endings): the CSV reader would accept it, but every line number
/// in messages would be wrong (D030).
fn check_line_endings(input: &Input<'_>) -> Result<(), Diagnostic> {
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
fn check_control(input: &Input<'_>, line: u64, field: usize, s: &str) -> Result<(), Diagnostic> {
    match s
        .chars()
        .find(|c| crate::framework::scan::is_unsafe_control(*c))
    {
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
fn check_record_limits(
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

/// Checks a count of panel cells against the `panel-cells` limit.
fn check_cells(cells: u64, what: impl FnOnce() -> String) -> Result<(), Diagnostic> {
    use crate::limits::Limit;
    if cells > Limit::PanelCells.get() {
        let what = what();
        return Err(Limit::PanelCells.breach(Origin::Data, format!("{what}: {cells} cells")));
    }
    Ok(())
}

fn read_table(input: &Input<'_>, key: &[String]) -> Result<Table, Diagnostic> {
    let name = &input.name;
    let bytes = strip_bom(input.bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(data_err("D002", format!("data file `{name}` is empty"))
            .at(name, 1, 1, 1, "no header row")
            .with_hint("a panel starts with a header such as `iso3,year,column...`"));
    }
    check_line_endings(input)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header = rdr
        .byte_headers()
        .map_err(|e| csv_error(input, &e))?
        .clone();
    check_record_limits(input, &header, 1, 0)?;
    let mut heads = Vec::with_capacity(header.len());
    for (i, h) in header.iter().enumerate() {
        match std::str::from_utf8(h) {
            Ok(s) => {
                check_control(input, 1, i, s)?;
                heads.push(s.trim().to_string());
            }
            Err(_) => {
                return Err(cell_label(
                    data_err("D007", format!("the header of `{name}` is not valid UTF-8")),
                    input,
                    1,
                    i,
                    "invalid bytes",
                )
                .with_hint("save the file as UTF-8"));
            }
        }
    }
    let find = |n: &str| heads.iter().position(|h| h.eq_ignore_ascii_case(n));
    let mut key_fs = Vec::with_capacity(key.len());
    for k in key.iter().map(String::as_str).chain(["year"]) {
        let Some(f) = find(k) else {
            let hint = if key == [DEFAULT_UNIT_KEY] {
                "a panel needs `iso3` and `year` columns (wide form: iso3,year,col...; long form: iso3,year,indicator,value); \
                 for data keyed by another column, set `unit_key` in the framework or pass --unit-key"
                    .to_string()
            } else {
                format!(
                    "the unit key is {}: every data file needs these columns and `year`; \
                     change `unit_key` in the framework or --unit-key to the columns the file has",
                    key_label(key)
                )
            };
            return Err(
                data_err("D003", format!("data file `{name}` has no `{k}` column"))
                    .at(name, 1, 1, 1, "header")
                    .with_hint(hint),
            );
        };
        key_fs.push(f);
    }
    let year_f = key_fs.pop().unwrap_or_default();
    let country_f = find("country").filter(|f| !key_fs.contains(f));
    let long = find("indicator").zip(find("value"));
    let long = long.filter(|_| heads.len() == key_fs.len() + 3 + usize::from(country_f.is_some()));
    // Duplicate header names.
    for (i, h) in heads.iter().enumerate() {
        if let Some(j) = heads[..i].iter().position(|x| x == h) {
            return Err(cell_label(
                data_err(
                    "D005",
                    format!("column `{h}` appears twice in the header of `{name}`"),
                ),
                input,
                1,
                i,
                "again here",
            )
            .with_hint(format!("rename one of them (the first is field {})", j + 1)));
        }
    }
    let mut table = Table {
        name: name.clone(),
        prefix: input.prefix.clone(),
        keys: Vec::new(),
        columns: Vec::new(),
        cells: Vec::new(),
        names: BTreeMap::new(),
    };
    let data_fields: Vec<usize> = if long.is_some() {
        Vec::new()
    } else {
        (0..heads.len())
            .filter(|&i| !key_fs.contains(&i) && i != year_f && Some(i) != country_f)
            .collect()
    };
    for &f in &data_fields {
        table.columns.push((heads[f].clone(), f as u32 + 1));
        table.cells.push(Vec::new());
    }
    let mut long_index: HashMap<String, usize> = HashMap::new();
    let mut seen_rows: HashMap<(String, i32), u64> = HashMap::new();
    let mut seen_long: HashMap<(String, i32, usize), u64> = HashMap::new();
    let mut rec = csv::ByteRecord::new();
    let mut lines = LineCounter::default();
    let mut rows = 0usize;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(input, &e)),
        }
        rows += 1;
        let line = rec.position().map_or(0, |p| lines.line_at(bytes, p.byte()));
        check_record_limits(input, &rec, line, rows)?;
        let cells = (rows as u64).saturating_mul(data_fields.len().max(1) as u64);
        check_cells(cells, || format!("the rows of `{name}` up to line {line}"))
            .map_err(|d| d.at(name, line, 1, 1, "this row"))?;
        let text = |i: usize| -> Result<&str, Diagnostic> {
            std::str::from_utf8(&rec[i])
                .map_err(|_| {
                    cell_label(
                        data_err(
                            "D007",
                            format!(
                                "line {line} of `{name}` is not valid UTF-8 (column `{}`)",
                                heads[i]
                            ),
                        ),
                        input,
                        line,
                        i,
                        "invalid bytes",
                    )
                    .with_hint("save the file as UTF-8")
                })
                .and_then(|s| check_control(input, line, i, s).map(|()| s))
        };
        let mut unit = (text(key_fs[0])?, key_fs[0]);
        let joined;
        if key_fs.len() > 1 {
            let mut parts = Vec::with_capacity(key_fs.len());
            for &f in &key_fs {
                let t = text(f)?.trim();
                if t.is_empty() {
                    unit = (t, f);
                    parts.clear();
                    break;
                }
                parts.push(t);
            }
            if !parts.is_empty() {
                joined = parts.join(UNIT_KEY_SEPARATOR);
                unit = (joined.as_str(), key_fs[0]);
            }
        }
        let (iso3, year) = row_key(input, line, unit, (text(year_f)?, year_f), &heads[unit.1])?;
        if let Some(cf) = country_f {
            let c = text(cf)?.trim();
            if !c.is_empty() {
                table
                    .names
                    .entry(iso3.clone())
                    .or_insert_with(|| c.to_string());
            }
        }
        if let Some((ind_f, val_f)) = long {
            let ind = text(ind_f)?.trim().to_string();
            let raw = text(val_f)?;
            let Some(v) = parse_number(raw) else {
                return Err(non_numeric(input, line, val_f, raw, &ind));
            };
            let ci = *long_index.entry(ind.clone()).or_insert_with(|| {
                table.columns.push((ind.clone(), val_f as u32 + 1));
                table.cells.push(Vec::new());
                table.cells.len() - 1
            });
            if let Some(prev) = seen_long.insert((iso3.clone(), year, ci), line) {
                return Err(duplicate(input, line, prev, &iso3, year, Some(&ind), key));
            }
            table.keys.push((iso3, year, line as u32));
            table.cells[ci].push((table.keys.len() - 1, v.unwrap_or(f64::NAN)));
        } else {
            if let Some(prev) = seen_rows.insert((iso3.clone(), year), line) {
                return Err(duplicate(input, line, prev, &iso3, year, None, key));
            }
            table.keys.push((iso3, year, line as u32));
            let k = table.keys.len() - 1;
            for (ci, &f) in data_fields.iter().enumerate() {
                let raw = text(f)?;
                let Some(v) = parse_number(raw) else {
                    return Err(non_numeric(input, line, f, raw, &heads[f]));
                };
                table.cells[ci].push((k, v.unwrap_or(f64::NAN)));
            }
        }
    }
    if rows == 0 {
        return Err(data_err(
            "D002",
            format!("data file `{name}` has a header but no rows"),
        )
        .at(name, 1, 1, 1, "header only")
        .with_hint("add country-year rows below the header"));
    }
    Ok(table)
}

/// A row's country code and year, checked (D011, D009); each comes with its
/// 0-based field number.
fn row_key(
    input: &Input<'_>,
    line: u64,
    (iso3, iso_f): (&str, usize),
    (year, year_f): (&str, usize),
    column: &str,
) -> Result<(String, i32), Diagnostic> {
    let name = &input.name;
    let iso3 = iso3.trim();
    if iso3.is_empty() {
        return Err(cell_label(
            data_err(
                "D011",
                format!("empty `{column}` on line {line} of `{name}`"),
            ),
            input,
            line,
            iso_f,
            "empty",
        )
        .with_hint("give every row a unit code (such as a country code), or remove the row"));
    }
    let year = year.trim();
    match year.parse::<i32>() {
        Ok(y) if (1000..=3000).contains(&y) => Ok((iso3.to_string(), y)),
        _ => Err(cell_label(
            data_err(
                "D009",
                format!("`{year}` is not a year (line {line} of `{name}`)"),
            ),
            input,
            line,
            year_f,
            "not a year",
        )
        .with_hint("years are whole numbers such as 2023")),
    }
}

fn non_numeric(input: &Input<'_>, line: u64, field: usize, raw: &str, column: &str) -> Diagnostic {
    cell_label(
        data_err(
            "D004",
            format!(
                "`{}` in column `{column}` is not a number (line {line} of `{}`)",
                raw.trim(),
                input.name
            ),
        ),
        input,
        line,
        field,
        "not a number",
    )
    .with_hint("use a number, or leave the cell empty (or write NA) when the value is missing")
}

fn duplicate(
    input: &Input<'_>,
    line: u64,
    prev: u64,
    iso3: &str,
    year: i32,
    ind: Option<&str>,
    key: &[String],
) -> Diagnostic {
    let what = match ind {
        Some(i) => format!("{iso3} {year} `{i}`"),
        None => format!("{iso3} {year}"),
    };
    data_err(
        "D005",
        format!("duplicate country-year {what} in `{}`", input.name),
    )
    .at(&input.name, line, 1, 3, "again here")
    .at(&input.name, prev, 1, 3, "first here")
    .with_hint(format!(
        "each ({}, year) may appear once per file; remove or merge one of the rows",
        key_label(key)
    ))
}

fn csv_error(input: &Input<'_>, e: &csv::Error) -> Diagnostic {
    csv_error_at(input, e, |pos| line_at(strip_bom(input.bytes), pos))
}

/// A CSV reading error; `line_of` gives the line of a record's byte position.
fn csv_error_at(input: &Input<'_>, e: &csv::Error, line_of: impl Fn(u64) -> u64) -> Diagnostic {
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

impl Panel {
    /// Reads and joins inputs on (iso3, year).
    pub fn load(inputs: &[Input<'_>]) -> Result<Panel, Diagnostic> {
        Self::load_keyed(inputs, &[DEFAULT_UNIT_KEY.to_string()])
    }

    /// Reads and joins inputs on (unit, year), where the unit is identified
    /// by the `key` columns (such as `["ewp_name"]`, or `["iso3", "admin1"]`;
    /// the values of several columns are joined with
    /// [`UNIT_KEY_SEPARATOR`]). An empty key means the default, `iso3`.
    pub fn load_keyed(inputs: &[Input<'_>], key: &[String]) -> Result<Panel, Diagnostic> {
        let default = [DEFAULT_UNIT_KEY.to_string()];
        let key = if key.is_empty() { &default[..] } else { key };
        // Files are parsed side by side; the first error in the order the
        // files were given is reported, so the result does not depend on
        // which thread finishes first.
        let results: Vec<Result<Table, Diagnostic>> = if inputs.len() > 1 {
            std::thread::scope(|s| {
                let handles: Vec<_> = inputs
                    .iter()
                    .map(|input| s.spawn(move || read_table(input, key)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                    .collect()
            })
        } else {
            inputs.iter().map(|input| read_table(input, key)).collect()
        };
        let tables = results.into_iter().collect::<Result<Vec<_>, _>>()?;
        let mut panel = Self::join(tables)?;
        panel.unit_key = key.to_vec();
        Ok(panel)
    }

    /// The unit key as one label: `iso3`, or `iso3|admin1` for several columns.
    pub fn unit_key_label(&self) -> String {
        key_label(&self.unit_key)
    }

    fn join(tables: Vec<Table>) -> Result<Panel, Diagnostic> {
        // Column names, with clashes between files reported.
        let mut owner: HashMap<String, (usize, u32)> = HashMap::new();
        for (ti, t) in tables.iter().enumerate() {
            for (c, field) in &t.columns {
                let full = t.full_name(c);
                if let Some((prev, pf)) = owner.get(&full) {
                    let prev_name = &tables[*prev].name;
                    return Err(data_err(
                        "D008",
                        format!("column `{full}` is in both `{prev_name}` and `{}`", t.name),
                    )
                    .at(&t.name, 1, 1, 1, format!("field {field}"))
                    .at(prev_name, 1, 1, 1, format!("field {pf}"))
                    .with_hint(format!(
                        "prefix one file's columns: --data NAME={} makes them `NAME.{c}`",
                        t.name
                    )));
                }
                owner.insert(full, (ti, *field));
            }
        }
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        let (mut lo, mut hi) = (i32::MAX, i32::MIN);
        for t in &tables {
            for (iso3, y, _) in &t.keys {
                if !names.contains_key(iso3) {
                    names.insert(iso3.clone(), String::new());
                }
                lo = lo.min(*y);
                hi = hi.max(*y);
            }
            for (iso3, n) in &t.names {
                let e = names.entry(iso3.clone()).or_default();
                if e.is_empty() {
                    *e = n.clone();
                }
            }
        }
        if names.is_empty() || lo > hi {
            return Err(data_err("D002", "the data files hold no country-year rows")
                .with_hint("give at least one file with rows"));
        }
        let countries: Vec<Country> = names
            .into_iter()
            .map(|(iso3, name)| Country {
                name: if name.is_empty() { iso3.clone() } else { name },
                iso3,
            })
            .collect();
        let cidx: HashMap<&str, usize> = countries
            .iter()
            .enumerate()
            .map(|(i, c)| (c.iso3.as_str(), i))
            .collect();
        let n_years = usize::try_from(hi - lo + 1).unwrap_or(0);
        let n_cells = countries.len() * n_years;
        let n_columns: usize = tables.iter().map(|t| t.columns.len()).sum();
        check_cells((n_cells as u64).saturating_mul(n_columns as u64), || {
            format!(
                "the joined panel has {} countries x {n_years} years ({lo}-{hi}) x {n_columns} columns",
                countries.len()
            )
        })?;
        let mut columns = Vec::new();
        let mut files = Vec::new();
        // Cell index of every row key, computed once per row.
        let key_cell: Vec<Vec<usize>> = tables
            .iter()
            .map(|t| {
                t.keys
                    .iter()
                    .map(|(iso3, y, _)| cidx[iso3.as_str()] * n_years + (y - lo) as usize)
                    .collect()
            })
            .collect();
        for (ti, t) in tables.into_iter().enumerate() {
            files.push(t.name.clone());
            for ((c, field), cells) in t.columns.iter().zip(&t.cells) {
                let mut values = vec![f64::NAN; n_cells];
                let mut lines = vec![0u32; n_cells];
                for &(k, v) in cells {
                    let i = key_cell[ti][k];
                    values[i] = v;
                    lines[i] = t.keys[k].2;
                }
                columns.push(Column {
                    name: t.full_name(c),
                    source_name: c.clone(),
                    file: ti,
                    field: *field,
                    values,
                    lines,
                    analyst: None,
                });
            }
        }
        let index = columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect();
        Ok(Panel {
            files,
            countries,
            first_year: lo,
            n_years,
            columns,
            index,
            unit_key: vec![DEFAULT_UNIT_KEY.to_string()],
        })
    }

    /// Index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// All column names, in file order.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.name.as_str())
    }

    /// The value of a column for a cell (NaN when missing).
    #[inline]
    pub fn value(&self, column: usize, cell: usize) -> f64 {
        self.columns[column].values[cell]
    }

    /// The source line of a cell, if it has a row.
    #[inline]
    pub fn line(&self, column: usize, cell: usize) -> u32 {
        self.columns[column].lines[cell]
    }

    /// Cell index of a country and a year index.
    #[inline]
    pub fn cell(&self, country: usize, year_idx: usize) -> usize {
        country * self.n_years + year_idx
    }

    /// The year of a year index.
    pub fn year(&self, year_idx: usize) -> i32 {
        self.first_year + year_idx as i32
    }

    /// The year index of a year, if in the panel.
    pub fn year_idx(&self, year: i32) -> Option<usize> {
        let i = usize::try_from(year - self.first_year).ok()?;
        (i < self.n_years).then_some(i)
    }

    /// Last year of the panel.
    pub fn last_year(&self) -> i32 {
        self.first_year + self.n_years as i32 - 1
    }

    /// Adds a column of analyst assessments. A cell with a row but a NaN
    /// value states that the value is unknown, which ends carrying forward
    /// (see [`Panel::stated_unknown`]). Fails when the name is taken.
    pub fn add_assessed_column(
        &mut self,
        name: &str,
        source_name: &str,
        field: u32,
        cells: Vec<AssessedCell>,
    ) -> Result<usize, Diagnostic> {
        if self.index.contains_key(name) {
            return Err(data_err(
                "D008",
                format!("column `{name}` is both in the data and in the assessments"),
            )
            .with_hint("rename the data column; this name is used for the analyst assessments"));
        }
        let n_cells = self.countries.len() * self.n_years;
        let mut values = vec![f64::NAN; n_cells];
        let mut lines = vec![0u32; n_cells];
        let mut analyst = BTreeMap::new();
        let mut first_file = None;
        for c in cells.into_iter().filter(|c| c.cell < n_cells) {
            let file = match self.files.iter().position(|f| *f == c.file) {
                Some(i) => i,
                None => {
                    self.files.push(c.file);
                    self.files.len() - 1
                }
            };
            first_file.get_or_insert(file);
            values[c.cell] = c.value;
            lines[c.cell] = c.line;
            analyst.insert(c.cell, (file, c.analyst));
        }
        self.columns.push(Column {
            name: name.to_string(),
            source_name: source_name.to_string(),
            file: first_file.unwrap_or(0),
            field,
            values,
            lines,
            analyst: Some(analyst),
        });
        let i = self.columns.len() - 1;
        self.index.insert(name.to_string(), i);
        Ok(i)
    }

    /// True for a column of analyst assessments.
    pub fn is_assessed(&self, column: usize) -> bool {
        self.columns[column].analyst.is_some()
    }

    /// The analyst's account of an assessed cell, if any.
    pub fn analyst(&self, column: usize, cell: usize) -> Option<&Analyst> {
        let (_, a) = self.columns[column].analyst.as_ref()?.get(&cell)?;
        Some(a)
    }

    /// True when an assessment row states that the cell's value is unknown.
    pub fn stated_unknown(&self, column: usize, cell: usize) -> bool {
        self.is_assessed(column)
            && self.line(column, cell) != 0
            && self.value(column, cell).is_nan()
    }

    /// Where a cell value came from.
    pub fn cell_ref(&self, column: usize, cell: usize) -> CellRef {
        let c = &self.columns[column];
        let file = c
            .analyst
            .as_ref()
            .and_then(|a| a.get(&cell))
            .map_or(c.file, |(f, _)| *f);
        CellRef {
            file: self.files[file].clone(),
            line: c.lines[cell],
            column: c.source_name.clone(),
            year: self.year(cell % self.n_years),
        }
    }

    /// Finds a country by code or name (case-insensitive).
    pub fn find_country(&self, query: &str) -> Option<usize> {
        let q = query.trim();
        self.countries
            .iter()
            .position(|c| c.iso3.eq_ignore_ascii_case(q))
            .or_else(|| {
                self.countries
                    .iter()
                    .position(|c| c.name.eq_ignore_ascii_case(q))
            })
    }
}

/// Inputs from (name, text) pairs, without prefixes.
#[cfg(test)]
fn test_inputs<'a>(files: &[(&str, &'a str)]) -> Vec<Input<'a>> {
    files
        .iter()
        .map(|(n, t)| Input {
            name: (*n).to_string(),
            prefix: None,
            bytes: t.as_bytes(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(files: &[(&str, &str)]) -> Result<Panel, Diagnostic> {
        Panel::load(&test_inputs(files))
    }

    fn keyed(files: &[(&str, &str)], key: &[&str]) -> Result<Panel, Diagnostic> {
        let key: Vec<String> = key.iter().map(|k| (*k).to_string()).collect();
        Panel::load_keyed(&test_inputs(files), &key)
    }

    #[test]
    fn a_unit_key_of_one_or_several_columns() {
        // Synthetic units: named units, and regions keyed by code and region.
        let p = keyed(
            &[("u.csv", "year,unit,x\n2001,North/East,1\n2001,South,2\n")],
            &["unit"],
        )
        .unwrap();
        let codes: Vec<&str> = p.countries.iter().map(|c| c.iso3.as_str()).collect();
        assert_eq!(codes, ["North/East", "South"]);
        assert_eq!(p.unit_key_label(), "unit");
        assert_eq!(p.column_names().collect::<Vec<_>>(), ["x"]);
        let p = keyed(
            &[(
                "r.csv",
                "iso3,admin1,year,x\nAAA,South,2001,1\nAAA,North,2001,2\nBBB,North,2001,3\n",
            )],
            &["iso3", "admin1"],
        )
        .unwrap();
        let codes: Vec<&str> = p.countries.iter().map(|c| c.iso3.as_str()).collect();
        assert_eq!(codes, ["AAA|North", "AAA|South", "BBB|North"]);
        let x = p.column("x").unwrap();
        assert_eq!(p.value(x, p.cell(1, 0)), 1.0);
        // Rows of two regions (coded 1 and 2) under the default key are
        // duplicates of (AAA, 2001).
        let e = load(&[("r.csv", "iso3,admin1,year,x\nAAA,1,2001,1\nAAA,2,2001,2\n")]).unwrap_err();
        assert_eq!(e.code, "D005");
        // An empty part of a composite key is named.
        let e = keyed(
            &[("r.csv", "iso3,admin1,year,x\nAAA,,2001,1\n")],
            &["iso3", "admin1"],
        )
        .unwrap_err();
        assert_eq!(e.code, "D011");
        assert!(e.message.contains("`admin1`"), "{}", e.message);
        // A missing key column names the key and how to change it.
        let e = keyed(&[("r.csv", "iso3,year,x\nAAA,2001,1\n")], &["ewp_name"]).unwrap_err();
        assert_eq!(e.code, "D003");
        assert!(e.message.contains("`ewp_name`"), "{}", e.message);
        assert!(
            e.hint.as_deref().is_some_and(|h| h.contains("unit_key")),
            "{e:?}"
        );
    }

    #[test]
    fn wide_and_long_join() {
        let p = load(&[
            (
                "a.csv",
                "iso3,country,year,x\nAAA,Alpha,2000,1\nAAA,Alpha,2002,NA\nBBB,Beta,2001,3.5\n",
            ),
            (
                "b.csv",
                "iso3,year,indicator,value\nAAA,2001,y,7\nBBB,2001,y,\n",
            ),
        ])
        .unwrap();
        assert_eq!(p.countries.len(), 2);
        assert_eq!(p.countries[0].name, "Alpha");
        assert_eq!((p.first_year, p.n_years), (2000, 3));
        let x = p.column("x").unwrap();
        let y = p.column("y").unwrap();
        assert_eq!(p.value(x, p.cell(0, 0)), 1.0);
        assert!(p.value(x, p.cell(0, 2)).is_nan());
        assert_eq!(p.value(x, p.cell(1, 1)), 3.5);
        assert_eq!(p.value(y, p.cell(0, 1)), 7.0);
        assert!(p.value(y, p.cell(1, 1)).is_nan());
        let r = p.cell_ref(x, p.cell(1, 1));
        assert_eq!(
            (r.file.as_str(), r.line, r.column.as_str(), r.year),
            ("a.csv", 4, "x", 2001)
        );
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let e = load(&[("a.csv", "iso3,year,x\nAAA,2000,1\nAAA,2001,abc\n")]).unwrap_err();
        assert_eq!(e.code, "D004");
        assert_eq!(e.location().unwrap(), "a.csv:3:10");
        let e = load(&[("a.csv", "iso3,year,x\nAAA,2000,1\nAAA,2000,2\n")]).unwrap_err();
        assert_eq!(e.code, "D005");
        assert_eq!(e.location().unwrap(), "a.csv:3:1");
        let e = load(&[("a.csv", "iso3,year,x\nAAA,2000,1,4\n")]).unwrap_err();
        assert_eq!(e.code, "D006");
        let e = load(&[("a.csv", "")]).unwrap_err();
        assert_eq!(e.code, "D002");
        let e = load(&[("a.csv", "iso3,x\nAAA,1\n")]).unwrap_err();
        assert_eq!(e.code, "D003");
        let e = load(&[
            ("a.csv", "iso3,year,x\nAAA,2000,1\n"),
            ("b.csv", "iso3,year,x\nAAA,2000,1\n"),
        ])
        .unwrap_err();
        assert_eq!(e.code, "D008");
        let e = load(&[("a.csv", "iso3,year,x\nAAA,20x0,1\n")]).unwrap_err();
        assert_eq!(e.code, "D009");
    }

    #[test]
    fn non_utf8_is_reported_with_line() {
        let bytes = b"iso3,year,x\nAAA,2000,\xff\n";
        let e = Panel::load(&[Input {
            name: "a.csv".into(),
            prefix: None,
            bytes,
        }])
        .unwrap_err();
        assert_eq!(e.code, "D007");
        assert_eq!(e.labels[0].line, 2);
    }

    #[test]
    fn prefix_resolves_clash() {
        let a = "iso3,year,x\nAAA,2000,1\n";
        let p = Panel::load(&[
            Input {
                name: "a.csv".into(),
                prefix: None,
                bytes: a.as_bytes(),
            },
            Input {
                name: "b.csv".into(),
                prefix: Some("b".into()),
                bytes: a.as_bytes(),
            },
        ])
        .unwrap();
        assert!(p.column("x").is_some() && p.column("b.x").is_some());
        assert_eq!(p.cell_ref(p.column("b.x").unwrap(), 0).column, "x");
    }

    #[test]
    fn crlf_and_blank_lines_keep_true_line_numbers() {
        let e = load(&[("a.csv", "iso3,year,x\r\nAAA,2000,1\r\n\r\nAAA,2001,zz\r\n")]).unwrap_err();
        assert_eq!(e.code, "D004");
        assert_eq!(e.labels[0].line, 4);
        let p = load(&[("a.csv", "iso3,year,x\r\nAAA,2000,1\r\n\nAAA,2001,2\r\n")]).unwrap();
        let x = p.column("x").unwrap();
        assert_eq!(p.cell_ref(x, p.cell(0, 0)).line, 2);
        assert_eq!(p.cell_ref(x, p.cell(0, 1)).line, 4);
    }

    #[test]
    fn field_columns() {
        assert_eq!(field_char_col("a,b,c", 2), 5);
        assert_eq!(field_char_col("\"a,x\",b", 1), 7);
    }
}
