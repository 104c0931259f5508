//! One data file read into a table of (unit, year) rows: wide form (one
//! column per measure) or long form (`indicator`, `value`).

use std::collections::{HashMap, HashSet};
use std::hash::Hasher;

use super::read::*;
use super::{
    ASSESSMENT_PREFIX, DEFAULT_UNIT_KEY, Input, UNIT_KEY_SEPARATOR, key_label, value_text,
};
use crate::diagnostic::Diagnostic;

mod parts;
mod rows;

use rows::{Shape, read_rows};

pub(crate) struct Table {
    pub(crate) name: String,
    pub(crate) prefix: Option<String>,
    /// The unit codes of the file, each once, in the order they first come.
    pub(crate) units: Vec<String>,
    /// Per unit: its name from a `country` column, empty when none.
    pub(crate) names: Vec<String>,
    /// Row keys: (index into [`Table::units`], year, line).
    pub(crate) keys: Vec<(u32, i32, u32)>,
    /// Column name and field number.
    pub(crate) columns: Vec<(String, u32)>,
    /// Per column: its values.
    pub(crate) cells: Vec<Cells>,
    /// Per column: (row key index, text) of the cells whose text is not
    /// the one [`value_text`] gives for their value (`1.50`, `NA`, ` 3`).
    pub(crate) texts: Vec<Vec<(usize, Box<str>)>>,
    /// Name and field number of the columns of a wide file that were not
    /// asked for (see [`read_table`]): their cells are not read.
    pub(crate) unread: Vec<(String, u32)>,
}

/// The values of one column of a file.
pub(crate) enum Cells {
    /// A column of a wide file: one value for each row key, in order.
    Dense(Vec<f64>),
    /// A column of a wide file read in parts: the values of each part's
    /// rows, the parts in file order (together, one value for each row
    /// key, in order), so that they are not copied into one array.
    Runs(Vec<Vec<f64>>),
    /// An indicator of a long file: (row key index, value).
    Sparse(Vec<(usize, f64)>),
}

impl Table {
    /// A column's name in the joined panel: `PREFIX.column` or `column`.
    pub(crate) fn full_name(&self, column: &str) -> String {
        match &self.prefix {
            Some(p) => format!("{p}.{column}"),
            None => column.to_string(),
        }
    }

    /// Removes the columns (read or not) whose full name `drop` accepts;
    /// returns their full names, in the order of the file's fields.
    pub(crate) fn drop_columns(&mut self, drop: impl Fn(&str) -> bool) -> Vec<String> {
        let mut dropped = Vec::new();
        let unread = std::mem::take(&mut self.unread);
        for (c, field) in unread {
            let full = self.full_name(&c);
            if drop(&full) {
                dropped.push((field, full));
            } else {
                self.unread.push((c, field));
            }
        }
        let mut i = 0;
        while i < self.columns.len() {
            let full = self.full_name(&self.columns[i].0);
            if drop(&full) {
                let (_, field) = self.columns.remove(i);
                self.cells.remove(i);
                self.texts.remove(i);
                dropped.push((field, full));
            } else {
                i += 1;
            }
        }
        dropped.sort_by_key(|(field, _)| *field);
        dropped.into_iter().map(|(_, full)| full).collect()
    }

    /// Adds the value of column `ci` for row key `k`, keeping its text when
    /// the value alone would not give it back.
    fn push(&mut self, ci: usize, k: usize, v: Option<f64>, raw: &[u8]) {
        let v = v.unwrap_or(f64::NAN);
        match &mut self.cells[ci] {
            Cells::Dense(d) => d.push(v),
            Cells::Runs(r) => match r.last_mut() {
                Some(last) => last.push(v),
                None => r.push(vec![v]),
            },
            Cells::Sparse(s) => s.push((k, v)),
        }
        if !gives_back(raw, v) {
            // UTF-8, as every caller has checked.
            self.texts[ci].push((k, String::from_utf8_lossy(raw).into()));
        }
    }

    /// A table of the same file and columns without rows, with room for
    /// `rows` rows.
    fn shell(&self, rows: usize) -> Table {
        Table {
            name: self.name.clone(),
            prefix: self.prefix.clone(),
            units: Vec::new(),
            names: Vec::new(),
            keys: Vec::with_capacity(rows),
            columns: self.columns.clone(),
            cells: self
                .cells
                .iter()
                .map(|c| match c {
                    Cells::Dense(_) | Cells::Runs(_) => Cells::Dense(Vec::with_capacity(rows)),
                    Cells::Sparse(_) => Cells::Sparse(Vec::new()),
                })
                .collect(),
            texts: vec![Vec::new(); self.texts.len()],
            unread: self.unread.clone(),
        }
    }

    /// The index of a unit code, added when new.
    fn unit(&mut self, index: &mut HashMap<String, u32>, code: &str) -> u32 {
        if let Some(&u) = index.get(code) {
            return u;
        }
        let u = self.units.len() as u32;
        index.insert(code.to_string(), u);
        self.units.push(code.to_string());
        self.names.push(String::new());
        u
    }
}

/// Hashes a row's unit and year, one number, with a multiplication and a
/// fold. The default hasher resists keys chosen to collide, which these
/// are not: a unit is numbered in the order units come, not by its text
/// (the codes themselves are hashed by the default hasher).
#[derive(Default)]
struct RowHasher(u64);

impl Hasher for RowHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, x: u64) {
        let h = (self.0 ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 32);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Whether [`value_text`] gives back `raw` for `v`, the value read from it.
/// Most cells are written in the shortest decimal form already, which is
/// recognised without formatting the value (see [`surely_shortest`]).
fn gives_back(raw: &[u8], v: f64) -> bool {
    if v.is_nan() {
        return raw.is_empty();
    }
    surely_shortest(raw, v) || value_text(v).as_bytes() == raw
}

/// True when `raw`, the text `v` was read from, is certainly the text
/// [`value_text`] gives for `v`: a plain decimal (optional `-`, no leading
/// zero, no trailing zero after the point, no exponent) of at most 15
/// significant digits, and `v` a normal number (or `0` itself). Such a decimal is the only
/// one of 15 digits or fewer that reads as `v` (a double holds 15 decimal
/// digits exactly), so it is the shortest that does, which is the text
/// Rust writes. `false` says nothing: the caller formats `v` then.
fn surely_shortest(raw: &[u8], v: f64) -> bool {
    if v == 0.0 {
        return raw == b"0" && v.is_sign_positive();
    }
    if !v.is_normal() {
        return false;
    }
    let b = raw.strip_prefix(b"-").unwrap_or(raw);
    let (int, frac) = match b.iter().position(|&c| c == b'.') {
        Some(i) => (&b[..i], &b[i + 1..]),
        None => (b, &b[..0]),
    };
    let digits = |g: &[u8]| g.iter().all(u8::is_ascii_digit);
    if int.is_empty() || !digits(int) || (int.len() > 1 && int[0] == b'0') {
        return false;
    }
    if b.len() > int.len() && (frac.is_empty() || !digits(frac) || frac.ends_with(b"0")) {
        return false;
    }
    // Significant digits: from the first digit that is not 0 to the last.
    let n = int.len() + frac.len();
    let lead = int.iter().chain(frac).take_while(|&&c| c == b'0').count();
    let trail = if frac.is_empty() {
        int.iter().rev().take_while(|&&c| c == b'0').count()
    } else {
        0
    };
    lead < n && n - lead - trail <= 15
}

/// Refuses a data column named like a column of analyst assessments
/// (D033): assessments come only from `--assessments` files.
fn check_not_assessment(
    input: &Input<'_>,
    full: &str,
    line: u64,
    field: usize,
) -> Result<(), Diagnostic> {
    let reserved = full
        .get(..ASSESSMENT_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(ASSESSMENT_PREFIX));
    if !reserved {
        return Ok(());
    }
    Err(cell_label(
        data_err(
            "D033",
            format!(
                "data column `{full}` of `{}` is named like a column of analyst assessments",
                input.name
            ),
        ),
        input,
        line,
        field,
        "reserved name",
    )
    .with_hint(format!(
        "names starting with `{ASSESSMENT_PREFIX}` are kept for the values of --assessments files; rename the column (or give the file a prefix with --data NAME=FILE)"
    )))
}

/// A part of a unit key of several columns holds the separator that joins
/// them (D032), so two different units could get the same key.
fn separator_in_key(
    input: &Input<'_>,
    line: u64,
    field: usize,
    value: &str,
    key: &[String],
) -> Diagnostic {
    cell_label(
        data_err(
            "D032",
            format!(
                "`{value}` on line {line} of `{}` holds `{UNIT_KEY_SEPARATOR}`, which joins the columns of the unit key {}",
                input.name,
                key_label(key)
            ),
        ),
        input,
        line,
        field,
        "holds the separator",
    )
    .with_hint(format!(
        "the values of a unit key of several columns cannot hold `{UNIT_KEY_SEPARATOR}` (two units could get the same key); replace it in the data, for example with `/`"
    ))
}

/// Reads one file keyed by `key` (and `year`). With `only`, the cells of a
/// wide file's columns whose full names are not in it are not read at all
/// (neither parsed nor checked): the columns are listed in
/// [`Table::unread`]. A long file is read whole.
pub(crate) fn read_table(
    input: &Input<'_>,
    key: &[String],
    only: Option<&HashSet<String>>,
) -> Result<Table, Diagnostic> {
    read_table_in(input, key, only, parts::threads(), parts::MIN_BYTES).map(|(t, _)| t)
}

/// [`read_table`], a wide file of at least `min_bytes` bytes in `parts`
/// parts on as many threads (see [`parts`]); also returns, for a file
/// read in parts, how many of them had their lines split without the CSV
/// reader (`None`: read in one pass).
fn read_table_in(
    input: &Input<'_>,
    key: &[String],
    only: Option<&HashSet<String>>,
    parts: usize,
    min_bytes: usize,
) -> Result<(Table, Option<usize>), Diagnostic> {
    let name = &input.name;
    let bytes = strip_bom(input.bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(data_err("D002", format!("data file `{name}` is empty"))
            .at(name, 1, 1, 1, "no header row")
            .with_hint("a panel starts with a header such as `iso3,year,column...`"));
    }
    let (mut file, header) = CsvFile::open(input, false)?;
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
    let named = heads.iter().filter(|h| !h.is_empty()).count();
    let long = long.filter(|_| named == key_fs.len() + 3 + usize::from(country_f.is_some()));
    // Duplicate header names, found in one pass.
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(heads.len());
    for (i, h) in heads.iter().enumerate().filter(|(_, h)| !h.is_empty()) {
        if let Some(&j) = first.get(h.as_str()) {
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
        first.insert(h, i);
    }
    let mut table = Table {
        name: name.clone(),
        prefix: input.prefix.clone(),
        units: Vec::new(),
        names: Vec::new(),
        keys: Vec::new(),
        columns: Vec::new(),
        cells: Vec::new(),
        texts: Vec::new(),
        unread: Vec::new(),
    };
    // Columns without a name (the empty columns a spreadsheet saves to the
    // right of its data) are read only to check that they are empty.
    let unnamed: Vec<usize> = (0..heads.len()).filter(|&i| heads[i].is_empty()).collect();
    let data_fields: Vec<usize> = if long.is_some() {
        Vec::new()
    } else {
        (0..heads.len())
            .filter(|&i| {
                !key_fs.contains(&i) && i != year_f && Some(i) != country_f && !heads[i].is_empty()
            })
            .collect()
    };
    // A first guess of the rows, from the length of the first row, so that
    // the columns of a large file are not grown many times over.
    let rows_guess = {
        let mut ends = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n');
        let header = ends.next().map_or(bytes.len(), |(i, _)| i);
        let row = ends.next().map_or(bytes.len(), |(i, _)| i) - header;
        (bytes.len() / row.max(1)).min(1 << 24)
    };
    // The rows limit counts every data column, read or not.
    let n_data_fields = data_fields.len();
    let mut read_fields = Vec::with_capacity(data_fields.len());
    for &f in &data_fields {
        let full = table.full_name(&heads[f]);
        check_not_assessment(input, &full, 1, f)?;
        if only.is_some_and(|o| !o.contains(&full)) {
            table.unread.push((heads[f].clone(), f as u32 + 1));
            continue;
        }
        read_fields.push(f);
        table.columns.push((heads[f].clone(), f as u32 + 1));
        table.cells.push(Cells::Dense(Vec::new()));
        table.texts.push(Vec::new());
    }
    let shape = Shape {
        heads: &heads,
        key,
        key_fs: &key_fs,
        year_f,
        country_f,
        long,
        unnamed: &unnamed,
        read_fields: &read_fields,
        n_data_fields,
    };
    if let Some((t, split)) =
        parts::read_in_parts(input, &shape, &table, rows_guess, parts, min_bytes)
    {
        return Ok((t, Some(split)));
    }
    // Room is made only now, so that reading in parts does not hold it too.
    if long.is_none() {
        table.keys.reserve(rows_guess);
        for c in &mut table.cells {
            if let Cells::Dense(d) = c {
                d.reserve(rows_guess);
            }
        }
    }
    let bad = read_rows(input, &shape, &mut file, &mut table)?;
    if let Some(d) = bad.finish(name) {
        return Err(d);
    }
    if file.rows == 0 {
        return Err(data_err(
            "D002",
            format!("data file `{name}` has a header but no rows"),
        )
        .at(name, 1, 1, 1, "header only")
        .with_hint("add country-year rows below the header"));
    }
    Ok((table, None))
}

/// A row's country code and year, checked (D011, D009); each comes with its
/// 0-based field number.
pub(crate) fn row_key(
    input: &Input<'_>,
    line: u64,
    iso3: (&str, usize),
    year: (&str, usize),
    column: &str,
) -> Result<(String, i32), Diagnostic> {
    row_key_str(input, line, iso3, year, column).map(|(u, y)| (u.to_string(), y))
}

/// [`row_key`], the code borrowed from the row.
pub(crate) fn row_key_str<'a>(
    input: &Input<'_>,
    line: u64,
    (iso3, iso_f): (&'a str, usize),
    (year, year_f): (&str, usize),
    column: &str,
) -> Result<(&'a str, i32), Diagnostic> {
    let name = &input.name;
    let iso3 = iso3.trim();
    if iso3.is_empty() {
        return Err(cell_label(
            data_err("D011", format!("empty `{column}` on {}", place(name, line))),
            input,
            line,
            iso_f,
            "empty",
        )
        .with_hint("give every row a unit code (such as a country code), or remove the row"));
    }
    let year = year.trim();
    match year.parse::<i32>() {
        Ok(y) if (1000..=3000).contains(&y) => Ok((iso3, y)),
        _ => Err(cell_label(
            data_err(
                "D009",
                format!("`{year}` is not a year ({})", place(name, line)),
            ),
            input,
            line,
            year_f,
            "not a year",
        )
        .with_hint("years are whole numbers such as 2023")),
    }
}

pub(crate) fn non_numeric(
    input: &Input<'_>,
    line: u64,
    field: usize,
    raw: &str,
    column: &str,
) -> Diagnostic {
    let hint = number_hint(raw)
        .unwrap_or("use a number, or leave the cell empty (or write NA) when the value is missing");
    cell_label(
        data_err(
            "D004",
            format!(
                "`{}` in column `{column}` is not a number ({})",
                raw.trim(),
                place(&input.name, line)
            ),
        ),
        input,
        line,
        field,
        "not a number",
    )
    .with_hint(hint)
}

/// A value in a column whose header is empty (D034).
fn unnamed_value(input: &Input<'_>, line: u64, field: usize, raw: &str) -> Diagnostic {
    cell_label(
        data_err(
            "D034",
            format!(
                "`{}` in field {} has no column name ({})",
                raw.trim(),
                field + 1,
                place(&input.name, line)
            ),
        ),
        input,
        line,
        field,
        "no column name",
    )
    .with_hint(
        "give the column a name in the header, or remove the value (empty columns without a name are left out)",
    )
}

pub(crate) fn duplicate(
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

#[cfg(test)]
mod tests {
    use super::{gives_back, surely_shortest};
    use crate::data::{Panel, test_inputs, value_text};

    #[test]
    fn shortest_decimals_are_recognised_without_formatting() {
        for t in [
            "1",
            "-2.5",
            "0.1",
            "0.001",
            "100",
            "123456789012345",
            "1148.13932",
            "0",
        ] {
            let v: f64 = t.parse().unwrap();
            assert!(surely_shortest(t.as_bytes(), v), "{t}");
            assert!(gives_back(t.as_bytes(), v), "{t}");
        }
        // Not the text Rust writes, or not sure: the value is formatted.
        for t in [
            "1.0",
            "01",
            "+1",
            "1e3",
            " 1",
            ".5",
            "1.",
            "0.0",
            "-0",
            "0.10000000000000001",
        ] {
            let v: f64 = t.trim().parse().unwrap();
            assert!(!surely_shortest(t.as_bytes(), v), "{t}");
            assert_eq!(gives_back(t.as_bytes(), v), value_text(v) == t, "{t}");
        }
        assert!(gives_back(b"0", 0.0) && !gives_back(b"NA", f64::NAN) && gives_back(b"", f64::NAN));
    }

    proptest::proptest! {
        /// Whatever the decimal, a text taken for the shortest is the text
        /// the value is written as.
        #[test]
        fn a_text_taken_for_the_shortest_is_it(
            neg in proptest::bool::ANY,
            int in 0u64..10_000_000_000_000_000,
            frac in proptest::option::of("[0-9]{1,20}"),
            bits in proptest::num::f64::NORMAL,
        ) {
            let sign = if neg { "-" } else { "" };
            let text = match &frac {
                Some(f) => format!("{sign}{int}.{f}"),
                None => format!("{sign}{int}"),
            };
            let v: f64 = text.parse().unwrap();
            if surely_shortest(text.as_bytes(), v) {
                proptest::prop_assert_eq!(value_text(v), text.as_str());
            }
            // Every text Rust writes for a double is recognised or formatted
            // back to itself.
            let t = value_text(bits);
            proptest::prop_assert!(gives_back(t.as_bytes(), t.parse().unwrap()));
            // A short decimal taken for the shortest is it, too.
            if let Some((v, true)) = crate::data::cells::short_decimal(text.as_bytes()) {
                proptest::prop_assert_eq!(value_text(v), text.as_str());
            }
        }
    }

    #[test]
    fn the_cells_that_cannot_be_read_are_reported_together() {
        let mut csv = String::from("iso3,year,x,y\n");
        for i in 0..12 {
            csv.push_str(&format!("A{i:02},2000,bad{i},1\n"));
        }
        csv.push_str("B00,2x00,1,1\nB01,2000,1,oops\n");
        let e = Panel::load(&test_inputs(&[("a.csv", &csv)])).unwrap_err();
        assert_eq!(e.code, "D004");
        assert_eq!(
            e.message,
            "14 cells of `a.csv` cannot be read (not a number: 13, not a year: 1)"
        );
        assert_eq!(e.labels.len(), crate::data::read::SHOWN_CELL_ERRORS);
        assert_eq!(e.location().unwrap(), "a.csv:2:10");
        assert_eq!(e.labels[0].text, "`bad0` in column `x` is not a number");
        let hint = e.hint.unwrap();
        assert!(hint.contains("the first 10 of 14"), "{hint}");
        // One cell alone keeps its own message.
        let e = Panel::load(&test_inputs(&[("a.csv", "iso3,year,x\nA,2000,z\n")])).unwrap_err();
        assert_eq!(
            e.message,
            "`z` in column `x` is not a number (line 2 of `a.csv`)"
        );
    }

    #[test]
    fn unnamed_empty_columns_are_left_out() {
        let p = Panel::load(&test_inputs(&[("a.csv", "iso3,year,x,,\nA,2000,1,,\n")])).unwrap();
        assert_eq!(p.column_names().collect::<Vec<_>>(), ["x"]);
        // A long file with an empty column to the right is still long.
        let p = Panel::load(&test_inputs(&[(
            "l.csv",
            "iso3,year,indicator,value,\nA,2000,x,1,\n",
        )]))
        .unwrap();
        assert_eq!(p.column_names().collect::<Vec<_>>(), ["x"]);
        let e = Panel::load(&test_inputs(&[("a.csv", "iso3,year,x,\nA,2000,1,5\n")])).unwrap_err();
        assert_eq!(
            (e.code, e.location().unwrap().as_str()),
            ("D034", "a.csv:2:10")
        );
    }
}
