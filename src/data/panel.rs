//! The joined country-year panel: units, years, columns of values with the
//! file and line of every cell, and analyst assessments as columns.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::read::{check_cells, data_err};
use super::table::{Cells, Table, read_table};
use super::{DEFAULT_UNIT_KEY, key_label, value_text};
use crate::diagnostic::{Diagnostic, Origin};
use crate::limits::Limit;

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
    /// Shared with the scores of a measure that reads the column as it is.
    pub(super) values: Arc<Vec<f64>>,
    /// 1-based physical line of each cell in its file; 0 when no row
    /// (shared by the columns of a wide file).
    pub(super) lines: Arc<[u32]>,
    /// The text of the cells whose text is not the one [`value_text`] gives
    /// for their value, sorted by cell.
    pub(super) texts: Vec<(usize, Box<str>)>,
    /// For a column of analyst assessments: each assessed cell's file index
    /// and the analyst's account. `None` for data columns.
    pub(super) analyst: Option<BTreeMap<usize, (usize, Analyst)>>,
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
    /// The value as written in the file (`present`, `0.5`).
    pub raw: String,
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
    pub(super) index: HashMap<String, usize>,
    /// The columns that identify a unit (default `["iso3"]`).
    pub unit_key: Vec<String>,
    /// The names of columns that are in the files but were not read,
    /// because the framework does not read them (see
    /// [`Panel::load_reading`]).
    pub(super) unread: Vec<String>,
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
        Self::load_reading(inputs, key, None)
    }

    /// [`Panel::load_keyed`], reading only the columns named in `only`
    /// (full names) when given: the cells of other columns of a wide file
    /// are neither parsed nor checked, and the panel lists those columns
    /// by name only ([`Panel::all_column_names`]). A framework's scores are
    /// the same either way, for less time and memory.
    pub fn load_reading(
        inputs: &[Input<'_>],
        key: &[String],
        only: Option<&[String]>,
    ) -> Result<Panel, Diagnostic> {
        let default = [DEFAULT_UNIT_KEY.to_string()];
        let key = if key.is_empty() { &default[..] } else { key };
        check_unit_key(key)?;
        let only: Option<HashSet<String>> = only.map(|o| o.iter().cloned().collect());
        let tables = read_tables(inputs, key, only.as_ref())?;
        let mut panel = Self::join(tables)?;
        panel.unit_key = key.to_vec();
        Ok(panel)
    }

    /// Reads the user's `inputs` beside the `shipped` files, keyed by
    /// `iso3`, when the framework reads (`wanted`) a column that only the
    /// shipped files have; otherwise the user's files alone. A user column
    /// named like a shipped one replaces it whole, and a warning (D050)
    /// names both files. Returns the panel and those warnings.
    ///
    /// With `only_wanted`, only the `wanted` columns are read, as
    /// [`Panel::load_reading`] reads them.
    pub fn load_beside(
        shipped: &[Input<'_>],
        inputs: &[Input<'_>],
        wanted: &[String],
        only_wanted: bool,
    ) -> Result<(Panel, Vec<Diagnostic>), Diagnostic> {
        let key = [DEFAULT_UNIT_KEY.to_string()];
        // A shipped file the user gives again (the same bytes, by whatever
        // path) is read once, as the user's.
        let shipped: Vec<Input<'_>> = shipped
            .iter()
            .filter(|s| {
                !inputs
                    .iter()
                    .any(|i| i.prefix.is_none() && i.bytes == s.bytes)
            })
            .cloned()
            .collect();
        // The user's files are read first, so that their errors come first.
        let all: Vec<Input<'_>> = inputs.iter().chain(&shipped).cloned().collect();
        let only: Option<HashSet<String>> = only_wanted.then(|| wanted.iter().cloned().collect());
        let mut user = read_tables(&all, &key, only.as_ref())?;
        let mut tables = user.split_off(inputs.len());
        let mut own: HashMap<String, (String, u32)> = HashMap::new();
        for t in &user {
            for (c, field) in t.columns.iter().chain(&t.unread) {
                own.entry(t.full_name(c))
                    .or_insert_with(|| (t.name.clone(), *field));
            }
        }
        let shipped_has = |c: &str| {
            tables
                .iter()
                .any(|t| t.columns.iter().any(|(n, _)| t.full_name(n) == c))
        };
        if !wanted
            .iter()
            .any(|c| !own.contains_key(c) && shipped_has(c))
        {
            return Ok((Self::join(user)?, Vec::new()));
        }
        let mut notes = Vec::new();
        for t in &mut tables {
            for c in t.drop_columns(|c| own.contains_key(c)) {
                let (file, field) = &own[&c];
                notes.push(
                    Diagnostic::warning(
                        "D050",
                        Origin::Data,
                        format!(
                            "column `{c}` of `{file}` replaces the shipped column `{c}` of `{}`",
                            t.name
                        ),
                    )
                    .at(file, 1, 1, 1, format!("field {field}"))
                    .with_hint(format!(
                        "if `{c}` means something else in `{file}`, rename it there, or give --data NAME={file} to read it as `NAME.{c}`"
                    )),
                );
            }
        }
        tables.extend(user);
        Ok((Self::join(tables)?, notes))
    }

    /// The unit key as one label: `iso3`, or `iso3|admin1` for several columns.
    pub fn unit_key_label(&self) -> String {
        key_label(&self.unit_key)
    }

    fn join(tables: Vec<Table>) -> Result<Panel, Diagnostic> {
        // Column names, with clashes between files reported.
        let mut owner: HashMap<String, (usize, u32)> = HashMap::new();
        for (ti, t) in tables.iter().enumerate() {
            for (c, field) in t.columns.iter().chain(&t.unread) {
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
            for &(_, y, _) in &t.keys {
                lo = lo.min(y);
                hi = hi.max(y);
            }
            // A unit's name is the first the files give.
            for (code, n) in t.units.iter().zip(&t.names) {
                match names.get_mut(code.as_str()) {
                    Some(e) if e.is_empty() => e.clone_from(n),
                    Some(_) => {}
                    None => {
                        names.insert(code.clone(), n.clone());
                    }
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
        // The grid of every score, from the years actually spanned.
        if n_cells as u64 > Limit::GridCells.get() {
            return Err(Limit::GridCells.breach(
                Origin::Data,
                format!(
                    "the data hold {} units x {n_years} years ({lo}-{hi}): {n_cells} unit-years",
                    countries.len()
                ),
            ));
        }
        // Columns not read count as the reader would hold them.
        let n_columns: usize = tables
            .iter()
            .map(|t| t.columns.len() + t.unread.len())
            .sum();
        let unread: Vec<String> = tables
            .iter()
            .flat_map(|t| t.unread.iter().map(|(c, _)| t.full_name(c)))
            .collect();
        check_cells((n_cells as u64).saturating_mul(n_columns as u64), || {
            format!(
                "the joined panel has {} countries x {n_years} years ({lo}-{hi}) x {n_columns} columns",
                countries.len()
            )
        })?;
        let mut columns = Vec::with_capacity(n_columns);
        let mut files = Vec::with_capacity(tables.len());
        for (ti, mut t) in tables.into_iter().enumerate() {
            files.push(t.name.clone());
            // Cell index of every row key, computed once per row.
            let unit_country: Vec<usize> = t.units.iter().map(|u| cidx[u.as_str()]).collect();
            let key_cell: Vec<usize> = t
                .keys
                .iter()
                .map(|&(u, y, _)| unit_country[u as usize] * n_years + (y - lo) as usize)
                .collect();
            // The columns of a wide file share the line of each cell.
            let shared: Option<Arc<[u32]>> = t
                .cells
                .iter()
                .any(|c| !matches!(c, Cells::Sparse(_)))
                .then(|| {
                    let mut lines = vec![0u32; n_cells];
                    for (&i, k) in key_cell.iter().zip(&t.keys) {
                        lines[i] = k.2;
                    }
                    lines.into()
                });
            let stretches = stretches(&key_cell);
            let cells = std::mem::take(&mut t.cells);
            let texts = std::mem::take(&mut t.texts);
            // Each column is laid out on the grid on its own, side by side.
            let t = &t;
            let laid: Vec<Column> = t
                .columns
                .par_iter()
                .zip(cells)
                .zip(texts)
                .map(|(((c, field), cells), texts)| {
                    let mut values = vec![f64::NAN; n_cells];
                    let runs = match cells {
                        Cells::Dense(d) => Ok(vec![d]),
                        Cells::Runs(r) => Ok(r),
                        Cells::Sparse(s) => Err(s),
                    };
                    let lines = match runs {
                        Ok(runs) => {
                            lay_out(&runs, &stretches, &mut values);
                            shared.clone().unwrap_or_else(|| vec![0u32; n_cells].into())
                        }
                        Err(s) => {
                            let mut lines = vec![0u32; n_cells];
                            for (k, v) in s {
                                let i = key_cell[k];
                                values[i] = v;
                                lines[i] = t.keys[k].2;
                            }
                            lines.into()
                        }
                    };
                    let mut texts: Vec<(usize, Box<str>)> = texts
                        .into_iter()
                        .map(|(k, text)| (key_cell[k], text))
                        .collect();
                    texts.sort_unstable_by_key(|(cell, _)| *cell);
                    Column {
                        name: t.full_name(c),
                        source_name: c.clone(),
                        file: ti,
                        field: *field,
                        values: Arc::new(values),
                        lines,
                        texts,
                        analyst: None,
                    }
                })
                .collect();
            columns.extend(laid);
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
            unread,
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

    /// The index of the unit whose key columns hold `parts` (one value for
    /// a key of one column), by its code: countries are sorted by code.
    pub fn unit_of_key(&self, parts: &[&str]) -> Option<usize> {
        let code = parts.join(super::UNIT_KEY_SEPARATOR);
        self.countries
            .binary_search_by(|c| c.iso3.as_str().cmp(&code))
            .ok()
    }

    /// The names of every column of the files, read or not (see
    /// [`Panel::load_reading`]).
    pub fn all_column_names(&self) -> impl Iterator<Item = &str> {
        self.column_names()
            .chain(self.unread.iter().map(String::as_str))
    }

    /// The value of a column for a cell (NaN when missing).
    #[inline]
    pub fn value(&self, column: usize, cell: usize) -> f64 {
        self.columns[column].values[cell]
    }

    /// Every value of a column, by cell (NaN when missing).
    pub(crate) fn column_values(&self, column: usize) -> &Arc<Vec<f64>> {
        &self.columns[column].values
    }

    /// The text of a cell as written in its file (`1.50`, `NA`,
    /// `present`); for a cell without a row, the empty text.
    pub fn raw(&self, column: usize, cell: usize) -> std::borrow::Cow<'_, str> {
        let c = &self.columns[column];
        match c.texts.binary_search_by_key(&cell, |(i, _)| *i) {
            Ok(i) => std::borrow::Cow::Borrowed(&c.texts[i].1),
            Err(_) => std::borrow::Cow::Owned(value_text(c.values[cell])),
        }
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
        // Each column of assessments is a column of the panel, counted
        // against the same limit before it is allocated.
        let n_columns = self.columns.len() + 1;
        check_cells((n_cells as u64).saturating_mul(n_columns as u64), || {
            format!(
                "the panel with the assessments of `{source_name}` has {} units x {} years x {n_columns} columns",
                self.countries.len(),
                self.n_years
            )
        })?;
        let mut values = vec![f64::NAN; n_cells];
        let mut lines = vec![0u32; n_cells];
        let mut texts = Vec::new();
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
            if value_text(c.value) != c.raw {
                texts.push((c.cell, c.raw.into_boxed_str()));
            }
            analyst.insert(c.cell, (file, c.analyst));
        }
        texts.sort_unstable_by_key(|(cell, _)| *cell);
        texts.dedup_by_key(|(cell, _)| *cell);
        self.columns.push(Column {
            name: name.to_string(),
            source_name: source_name.to_string(),
            file: first_file.unwrap_or(0),
            field,
            values: Arc::new(values),
            lines: lines.into(),
            texts,
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

    /// Finds a country by code or name; `None` when none matches or the
    /// name is ambiguous (see [`Panel::match_country`]).
    pub fn find_country(&self, query: &str) -> Option<usize> {
        match self.match_country(query) {
            CountryMatch::Found(c) => Some(c),
            CountryMatch::Ambiguous(_) | CountryMatch::None => None,
        }
    }

    /// Finds a country by code or name. An exact code always wins; then a
    /// code that differs only in case, then a name (case-insensitive). When
    /// several units match at the same step, the match is ambiguous and all
    /// of them are returned.
    pub fn match_country(&self, query: &str) -> CountryMatch {
        let q = query.trim();
        let steps: [&dyn Fn(&Country) -> bool; 3] = [
            &|c| c.iso3 == q,
            &|c| c.iso3.eq_ignore_ascii_case(q),
            &|c| c.name.eq_ignore_ascii_case(q),
        ];
        for step in steps {
            let found: Vec<usize> = (0..self.countries.len())
                .filter(|&i| step(&self.countries[i]))
                .collect();
            match found.as_slice() {
                [] => {}
                [one] => return CountryMatch::Found(*one),
                _ => return CountryMatch::Ambiguous(found),
            }
        }
        CountryMatch::None
    }
}

/// What a country query matches: see [`Panel::match_country`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountryMatch {
    /// One unit.
    Found(usize),
    /// Several units (indices), none preferred.
    Ambiguous(Vec<usize>),
    /// No unit.
    None,
}

/// Refuses a unit key that names a column twice (U001): the key would not
/// identify more than one of its columns.
fn check_unit_key(key: &[String]) -> Result<(), Diagnostic> {
    for (i, k) in key.iter().enumerate() {
        if key[..i]
            .iter()
            .any(|p| p.trim().eq_ignore_ascii_case(k.trim()))
        {
            return Err(Diagnostic::error(
                "U001",
                Origin::Usage,
                format!("the unit key {} names `{}` twice", key_label(key), k.trim()),
            )
            .with_hint("name each column of the unit key once, such as `--unit-key iso3,admin1`"));
        }
    }
    Ok(())
}

/// How sure the analyst is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Low confidence.
    Low,
    /// Medium confidence.
    Medium,
    /// High confidence.
    High,
}

/// The analyst's account of an assessed value, reported with every score it enters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Analyst {
    /// Who made the judgement, or on what it rests.
    pub source: Option<String>,
    /// How sure the analyst is.
    pub confidence: Option<Confidence>,
    /// Free text.
    pub note: Option<String>,
}

/// Reads files side by side; the first error in the order the files were
/// given is reported, so the result does not depend on which thread
/// finishes first.
fn read_tables(
    inputs: &[Input<'_>],
    key: &[String],
    only: Option<&HashSet<String>>,
) -> Result<Vec<Table>, Diagnostic> {
    let results: Vec<Result<Table, Diagnostic>> = if inputs.len() > 1 {
        std::thread::scope(|s| {
            let handles: Vec<_> = inputs
                .iter()
                .map(|input| s.spawn(move || read_table(input, key, only)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        })
    } else {
        inputs
            .iter()
            .map(|input| read_table(input, key, only))
            .collect()
    };
    results.into_iter().collect()
}

/// The stretches of rows whose cells follow one another on the grid
/// (`cells[k]`: the cell of row `k`): (first row, first cell, rows). A
/// unit's years read in order, as most files give them, are one stretch.
fn stretches(cells: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    for (k, &c) in cells.iter().enumerate() {
        match out.last_mut() {
            Some((_, first, n)) if *first + *n == c => *n += 1,
            _ => out.push((k, c, 1)),
        }
    }
    out
}

/// Puts the values of the rows, read in runs that follow one another, in
/// their cells of `grid`, a stretch of rows (see [`stretches`]) at a time.
fn lay_out(runs: &[Vec<f64>], stretches: &[(usize, usize, usize)], grid: &mut [f64]) {
    let (mut run, mut run_start) = (0, 0);
    for &(row, cell, n) in stretches {
        let (mut row, mut cell, mut n) = (row, cell, n);
        while n > 0 {
            // The run that holds `row`.
            while row >= run_start + runs[run].len() {
                run_start += runs[run].len();
                run += 1;
            }
            let from = row - run_start;
            let take = n.min(runs[run].len() - from);
            grid[cell..cell + take].copy_from_slice(&runs[run][from..from + take]);
            (row, cell, n) = (row + take, cell + take, n - take);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_laid_out_a_stretch_at_a_time_across_runs() {
        // Synthetic: rows of three units, the second's years out of order,
        // read in runs that cut the stretches.
        let cells = [3, 4, 5, 9, 8, 10, 0, 1, 2];
        let st = stretches(&cells);
        assert_eq!(st, [(0, 3, 3), (3, 9, 1), (4, 8, 1), (5, 10, 1), (6, 0, 3)]);
        let values: Vec<f64> = (0..cells.len()).map(|k| k as f64 * 1.5).collect();
        for cuts in [vec![9], vec![2, 7], vec![0, 1, 1, 4, 3], vec![4, 0, 5]] {
            let mut runs = Vec::new();
            let mut at = 0;
            for n in cuts {
                runs.push(values[at..at + n].to_vec());
                at += n;
            }
            let mut grid = vec![f64::NAN; 12];
            lay_out(&runs, &st, &mut grid);
            let mut want = vec![f64::NAN; 12];
            for (&c, &v) in cells.iter().zip(&values) {
                want[c] = v;
            }
            assert_eq!(format!("{grid:?}"), format!("{want:?}"), "{runs:?}");
        }
    }
}
