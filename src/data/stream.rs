//! Streaming reads of a wide panel sorted by unit, then year: the file is
//! cut into blocks of whole units, and each block becomes a small [`Panel`]
//! of its own. Only the columns a framework reads are parsed; every value
//! keeps the line it came from.
//!
//! A block is cut where one unit ends and the next begins, so a unit's
//! years are always in one block and lags, changes and rolling windows see
//! all of them. Anything irregular (rows out of order, a cell that is not a
//! number, a short row) stops the stream with [`Stop`]; the caller then
//! reads the file in memory, where the same problem is reported in full.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;

use super::cells::{has_unsafe_control, parse_number_bytes, parse_year};
use super::read::strip_bom;
use super::{Column, Country, DEFAULT_UNIT_KEY, Input, Panel, UNIT_KEY_SEPARATOR};
use crate::diagnostic::{Diagnostic, is_unsafe_control};
use crate::limits::Limit;

/// Block size aimed at: big enough to keep threads busy, small enough to
/// keep memory flat.
pub const BLOCK_BYTES: usize = 1 << 20;

/// Why a file cannot be streamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Rows are not sorted by unit, then year (1-based line of the first
    /// row out of order).
    Unsorted {
        /// Line of the row out of order.
        line: u64,
        /// What is out of order.
        what: String,
    },
    /// A row the in-memory reader would reject or treat otherwise (line).
    Irregular(u64),
    /// The file cannot be streamed at all (long form, for instance).
    Unsupported(String),
    /// Reading failed.
    Io(String),
}

/// Where the fields of a wide file are, and which columns are parsed.
#[derive(Debug, Clone)]
pub struct Layout {
    /// File name, for provenance.
    pub name: String,
    /// 0-based fields of the unit key.
    pub key_fields: Vec<usize>,
    /// 0-based field of `year`.
    pub year_field: usize,
    /// 0-based field of `country`, if any (and not part of the key).
    pub country_field: Option<usize>,
    /// Number of fields of the header.
    pub n_fields: usize,
    /// Parsed columns: (panel column index, 0-based field).
    pub parsed: Vec<(usize, usize)>,
    /// The panel of the header alone: column names and indices, no cells.
    pub schema: Panel,
    /// Most unit-years of one block (at most `grid-cells`); a block whose
    /// units and years span more stops the stream.
    pub max_grid: u64,
}

/// The layout a file's header (the first line of `head`) gives. The panel
/// returned (`schema`) has every column of the file and no rows, for
/// compiling a framework against.
pub fn layout(
    name: &str,
    prefix: Option<&str>,
    head: &[u8],
    key: &[String],
) -> Result<Layout, Result<Stop, Diagnostic>> {
    let default = [DEFAULT_UNIT_KEY.to_string()];
    let key = if key.is_empty() { &default[..] } else { key };
    let header = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let heads: Vec<String> = split_fields(strip_bom(header))
        .map(|f| String::from_utf8_lossy(f).trim().to_string())
        .collect();
    let find = |n: &str| heads.iter().position(|h| h.eq_ignore_ascii_case(n));
    let key_fields: Vec<usize> = key.iter().filter_map(|k| find(k)).collect();
    let year_field = find("year");
    // The columns come from the header and a stand-in row (no data cell
    // is parsed here); a header the reader rejects is reported by it.
    let row: Vec<&str> = (0..heads.len())
        .map(|i| {
            if key_fields.contains(&i) {
                "k"
            } else if Some(i) == year_field {
                "2000"
            } else {
                ""
            }
        })
        .collect();
    let mut text = header.to_vec();
    text.push(b'\n');
    text.extend_from_slice(row.join(",").as_bytes());
    text.push(b'\n');
    let input = Input {
        name: name.to_string(),
        prefix: prefix.map(str::to_string),
        bytes: &text,
    };
    let mut schema = Panel::load_keyed(&[input], key).map_err(Err)?;
    let (Some(year_field), true) = (year_field, key_fields.len() == key.len()) else {
        return Err(Ok(Stop::Unsupported("the header is not understood".into())));
    };
    let country_field = find("country").filter(|f| !key_fields.contains(f));
    let data_fields = heads.len() - key_fields.len() - 1 - usize::from(country_field.is_some());
    if schema.columns.len() != data_fields {
        return Err(Ok(Stop::Unsupported(
            "it is in long form (iso3,year,indicator,value)".into(),
        )));
    }
    for c in &mut schema.columns {
        c.values = std::sync::Arc::default();
        c.lines = std::sync::Arc::from([]);
    }
    schema.countries.clear();
    Ok(Layout {
        name: name.to_string(),
        key_fields,
        year_field,
        country_field,
        n_fields: heads.len(),
        parsed: Vec::new(),
        schema,
        max_grid: Limit::GridCells.get(),
    })
}

impl Layout {
    /// The last field a row is read up to.
    fn last_field(&self) -> usize {
        self.key_fields
            .iter()
            .chain([&self.year_field])
            .chain(&self.country_field)
            .chain(self.parsed.iter().map(|(_, f)| f))
            .copied()
            .max()
            .unwrap_or(0)
    }

    /// Parses these panel columns (and no others).
    pub fn parse_columns(&mut self, columns: &[usize]) {
        let mut cols = columns.to_vec();
        cols.sort_unstable();
        cols.dedup();
        self.parsed = cols
            .into_iter()
            .map(|c| (c, self.schema.columns[c].field as usize - 1))
            .collect();
    }
}

/// The fields of one CSV line (quotes kept out, `""` left as is): enough to
/// compare unit keys of neighbouring lines.
fn split_fields(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(line.strip_suffix(b"\r").unwrap_or(line));
    std::iter::from_fn(move || {
        let l = rest?;
        let mut in_quotes = false;
        for (i, &b) in l.iter().enumerate() {
            match b {
                b'"' => in_quotes = !in_quotes,
                b',' if !in_quotes => {
                    rest = Some(&l[i + 1..]);
                    return Some(trim_quotes(&l[..i]));
                }
                _ => {}
            }
        }
        rest = None;
        Some(trim_quotes(l))
    })
}

fn trim_quotes(f: &[u8]) -> &[u8] {
    let f = f.trim_ascii();
    f.strip_prefix(b"\"")
        .and_then(|x| x.strip_suffix(b"\""))
        .unwrap_or(f)
}

/// Where the fields of one line are: a range of the line, or, for a quoted
/// field with doubled quotes inside, a range of `scratch` holding it with
/// its quotes undoubled. Reused from line to line, so that splitting
/// allocates nothing once it has grown.
#[derive(Debug, Default)]
pub(super) struct Fields {
    /// Per field: (start, end, whether in `scratch`).
    spans: Vec<(usize, usize, bool)>,
    scratch: Vec<u8>,
}

impl Fields {
    /// Splits a line into fields as the CSV reader does: a field that starts
    /// with a quote runs to the closing quote, and `""` inside it is one
    /// quote. Fields after `upto` are counted, not kept. Returns the number
    /// of fields, or `None` for what the reader would take otherwise (a
    /// quote left open, text after a closing quote), which then goes to the
    /// reader itself (the fields split so far are kept).
    pub(super) fn split(&mut self, line: &[u8], upto: usize) -> Option<usize> {
        self.spans.clear();
        self.scratch.clear();
        let mut i = 0;
        loop {
            if self.spans.len() > upto {
                let rest = &line[i - 1..];
                if memchr::memchr(b'"', rest).is_none() {
                    return Some(self.spans.len() + memchr::memchr_iter(b',', rest).count());
                }
            }
            if line.get(i) == Some(&b'"') {
                let mut j = i + 1;
                let mut escaped = false;
                loop {
                    j += memchr::memchr(b'"', &line[j..])?;
                    if line.get(j + 1) == Some(&b'"') {
                        escaped = true;
                        j += 2;
                    } else {
                        break;
                    }
                }
                let inner = &line[i + 1..j];
                self.spans.push(if escaped {
                    let s = self.scratch.len();
                    let mut k = 0;
                    while let Some(&b) = inner.get(k) {
                        self.scratch.push(b);
                        k += if b == b'"' { 2 } else { 1 };
                    }
                    (s, self.scratch.len(), true)
                } else {
                    (i + 1, j, false)
                });
                match line.get(j + 1) {
                    None => return Some(self.spans.len()),
                    Some(b',') => i = j + 2,
                    Some(_) => return None,
                }
            } else {
                // Fields are short: a plain scan finds the comma sooner than
                // a vector search set up for each field.
                let end = line[i..].iter().position(|&b| b == b',').map(|p| i + p);
                self.spans.push((i, end.unwrap_or(line.len()), false));
                match end {
                    None => return Some(self.spans.len()),
                    Some(e) => i = e + 1,
                }
            }
        }
    }

    /// Field `f` of `line` (the line last split), empty past the end.
    #[inline]
    pub(super) fn get<'a>(&'a self, line: &'a [u8], f: usize) -> &'a [u8] {
        match self.spans.get(f) {
            Some(&(a, b, true)) => &self.scratch[a..b],
            Some(&(a, b, false)) => &line[a..b],
            None => &[],
        }
    }
}

/// [`Fields::split`] into a vector of fields.
pub(super) fn split_record<'a>(
    line: &'a [u8],
    upto: usize,
    out: &mut Vec<Cow<'a, [u8]>>,
) -> Option<usize> {
    let mut fields = Fields::default();
    let n = fields.split(line, upto);
    out.clear();
    out.extend(fields.spans.iter().map(|&(a, b, scratch)| {
        if scratch {
            Cow::Owned(fields.scratch[a..b].to_vec())
        } else {
            Cow::Borrowed(&line[a..b])
        }
    }));
    n
}

/// A run of whole lines of a file, starting at line `first_line`.
#[derive(Debug, Clone)]
pub struct Block {
    /// Index of the block in the file.
    pub index: usize,
    /// 1-based line of the first byte.
    pub first_line: u64,
    /// The lines.
    pub bytes: Vec<u8>,
}

/// Cuts a file (after its header) into blocks of whole units.
#[derive(Debug)]
pub struct Blocks<R> {
    src: R,
    buf: Vec<u8>,
    next_line: u64,
    next_index: usize,
    eof: bool,
    key_fields: Vec<usize>,
    target: usize,
}

impl<R: Read> Blocks<R> {
    /// Blocks of `src`, whose first byte is on line `first_line`.
    pub fn new(src: R, first_line: u64, layout: &Layout, target: usize) -> Self {
        Blocks {
            src,
            buf: Vec::new(),
            next_line: first_line,
            next_index: 0,
            eof: false,
            key_fields: layout.key_fields.clone(),
            target: target.max(1),
        }
    }

    /// Reads until `want` bytes are held or the file ends, straight into
    /// the buffer.
    fn fill(&mut self, want: usize) -> std::io::Result<()> {
        if !self.eof && self.buf.len() < want {
            let room = want - self.buf.len();
            self.buf.reserve(room);
            let n = (&mut self.src)
                .take(room as u64)
                .read_to_end(&mut self.buf)?;
            if n < room {
                self.eof = true;
            }
        }
        Ok(())
    }

    /// The key of a line (its key fields).
    fn key<'a>(&self, line: &'a [u8]) -> Vec<&'a [u8]> {
        let fields: Vec<&[u8]> = split_fields(line).collect();
        self.key_fields
            .iter()
            .map(|&f| fields.get(f).copied().unwrap_or_default())
            .collect()
    }

    /// Where the run of lines of the last unit in `buf[..end]` starts.
    fn last_unit_start(&self, end: usize) -> usize {
        let text = &self.buf[..end];
        let mut starts: Vec<usize> = Vec::new();
        let mut last_key: Option<Vec<&[u8]>> = None;
        // Walk back line by line (blank lines belong to the run below).
        let mut hi = end;
        while hi > 0 {
            let lo = memchr::memrchr(b'\n', &text[..hi - 1]).map_or(0, |p| p + 1);
            let line = &text[lo..hi - 1];
            if !line.trim_ascii().is_empty() {
                let k = self.key(line);
                match &last_key {
                    None => last_key = Some(k),
                    Some(l) if *l == k => {}
                    Some(_) => return starts.last().copied().unwrap_or(hi),
                }
            }
            starts.push(lo);
            hi = lo;
        }
        0
    }

    /// The next block, or `None` at the end of the file.
    pub fn next_block(&mut self) -> std::io::Result<Option<Block>> {
        let mut want = self.target;
        loop {
            self.fill(want)?;
            if self.buf.is_empty() {
                return Ok(None);
            }
            let cut = if self.eof {
                self.buf.len()
            } else {
                match memchr::memrchr(b'\n', &self.buf) {
                    Some(p) => self.last_unit_start(p + 1),
                    None => 0,
                }
            };
            if cut == 0 {
                // One unit fills the whole buffer: read more, up to the limit
                // on what is held of a data file.
                let cap = Limit::DataBytes.get_usize();
                if self.buf.len() >= cap {
                    return Err(std::io::Error::other(format!(
                        "the rows of one unit from line {} on are longer than the `data-bytes` limit of {cap} bytes",
                        self.next_line
                    )));
                }
                want = (self.buf.len() * 2).min(cap);
                continue;
            }
            let rest = self.buf.split_off(cut);
            let bytes = std::mem::replace(&mut self.buf, rest);
            let first_line = self.next_line;
            self.next_line += memchr::memchr_iter(b'\n', &bytes).count() as u64;
            let index = self.next_index;
            self.next_index += 1;
            return Ok(Some(Block {
                index,
                first_line,
                bytes,
            }));
        }
    }
}

/// A unit whose rows are not together: it came on line `earlier`, then
/// other units, then again on line `line`.
pub fn reappears(key: &[u8], earlier: u64, line: u64) -> Stop {
    Stop::Unsorted {
        line,
        what: format!(
            "the rows of unit `{}` are not together: line {earlier}, then other units, then line {line}",
            String::from_utf8_lossy(key)
        ),
    }
}

/// The lines of `bytes` that are not blank, each with its number (the
/// first line is `first`) and without its line end (LF or CRLF).
pub(super) fn numbered_lines(bytes: &[u8], first: u64) -> NumberedLines<'_> {
    NumberedLines {
        bytes,
        start: 0,
        next: first,
    }
}

/// The iterator of [`numbered_lines`].
pub(super) struct NumberedLines<'a> {
    bytes: &'a [u8],
    start: usize,
    /// The number of the next line, blank or not.
    pub(super) next: u64,
}

impl<'a> Iterator for NumberedLines<'a> {
    type Item = (u64, &'a [u8]);

    fn next(&mut self) -> Option<(u64, &'a [u8])> {
        let bytes = self.bytes;
        while self.start < bytes.len() {
            let start = self.start;
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |p| start + p);
            let raw = &bytes[start..end];
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            self.start = end + 1;
            self.next += 1;
            if !raw.is_empty() {
                return Some((self.next - 1, raw));
            }
        }
        None
    }
}

/// A block read as a panel of its units.
#[derive(Debug)]
pub struct BlockPanel {
    /// The units of the block and the years they span, with the parsed
    /// columns filled (other columns are empty).
    pub panel: Panel,
    /// The rows read, in file order: (cell, 1-based line).
    pub rows: Vec<(usize, u32)>,
    /// First and last unit code of the block.
    pub first_last: Option<(String, String)>,
}

/// Reads a block into a panel. Each unit's rows must be on consecutive
/// lines (a unit that comes back after another is [`Stop::Unsorted`]);
/// units and years may come in any order. Rows keep their file order in
/// [`BlockPanel::rows`]; a unit-year given twice is [`Stop::Irregular`]
/// (the in-memory reader reports it).
pub fn read_block(block: &Block, layout: &Layout) -> Result<BlockPanel, Stop> {
    let mut units: Vec<Country> = Vec::new();
    // The units of the block, and the last line of each.
    let mut unit_of: HashMap<String, usize> = HashMap::new();
    let mut unit_last: Vec<u64> = Vec::new();
    // Per row: unit index, year, line.
    let mut keys: Vec<(usize, i32, u32)> = Vec::new();
    let mut vals: Vec<f64> = Vec::with_capacity(block.bytes.len() / 8);
    let mut joined = String::new();
    // The key fields of the previous row as they are in the file (each
    // followed by 0xFF, which UTF-8 never holds): a row with the same bytes
    // is the same unit, checked already.
    let (mut prev_raw, mut raw_key) = (Vec::<u8>::new(), Vec::<u8>::new());
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    let mut rec = Fields::default();
    let upto = layout.last_field();
    let several = layout.key_fields.len() > 1;
    for (line, raw) in numbered_lines(&block.bytes, block.first_line) {
        if rec.split(raw, upto) != Some(layout.n_fields) {
            return Err(Stop::Irregular(line));
        }
        let field = |f: usize| rec.get(raw, f);
        raw_key.clear();
        for &f in &layout.key_fields {
            raw_key.extend_from_slice(field(f));
            raw_key.push(0xFF);
        }
        let same = !units.is_empty() && raw_key == prev_raw;
        if !same {
            joined.clear();
            for (i, &f) in layout.key_fields.iter().enumerate() {
                let t = std::str::from_utf8(field(f))
                    .map_err(|_| Stop::Irregular(line))?
                    .trim();
                // What the in-memory reader refuses is reported by it.
                if t.is_empty()
                    || (several && t.contains(UNIT_KEY_SEPARATOR))
                    || t.chars().any(is_unsafe_control)
                {
                    return Err(Stop::Irregular(line));
                }
                if i > 0 {
                    joined.push_str(UNIT_KEY_SEPARATOR);
                }
                joined.push_str(t);
            }
            std::mem::swap(&mut prev_raw, &mut raw_key);
        }
        let year = match parse_year(field(layout.year_field)) {
            Some(y) if (1000..=3000).contains(&y) => y,
            _ => return Err(Stop::Irregular(line)),
        };
        let unit = if same {
            units.len() - 1
        } else {
            match unit_of.get(joined.as_str()) {
                // Keys that differ only in the white space around them.
                Some(&u) if u == units.len() - 1 => u,
                Some(&u) => return Err(reappears(joined.as_bytes(), unit_last[u], line)),
                None => {
                    unit_of.insert(joined.clone(), units.len());
                    units.push(Country {
                        iso3: joined.clone(),
                        name: String::new(),
                    });
                    unit_last.push(line);
                    units.len() - 1
                }
            }
        };
        unit_last[unit] = line;
        if let Some(cf) = layout.country_field {
            let c = field(cf);
            if has_unsafe_control(c) != Some(false) {
                return Err(Stop::Irregular(line));
            }
            let u = &mut units[unit];
            if u.name.is_empty() {
                // UTF-8, as checked above.
                let c = std::str::from_utf8(c).unwrap_or_default().trim();
                if !c.is_empty() {
                    u.name = c.to_string();
                }
            }
        }
        for &(_, f) in &layout.parsed {
            match parse_number_bytes(field(f)) {
                Some(v) => vals.push(v.unwrap_or(f64::NAN)),
                None => return Err(Stop::Irregular(line)),
            }
        }
        lo = lo.min(year);
        hi = hi.max(year);
        keys.push((unit, year, u32::try_from(line).unwrap_or(u32::MAX)));
    }
    let first_last = units
        .first()
        .zip(units.last())
        .map(|(a, b)| (a.iso3.clone(), b.iso3.clone()));
    for u in &mut units {
        if u.name.is_empty() {
            u.name = u.iso3.clone();
        }
    }
    let n_years = if keys.is_empty() {
        0
    } else {
        usize::try_from(hi - lo + 1).unwrap_or(0)
    };
    let n_cells = units.len() * n_years;
    if n_cells as u64 > layout.max_grid {
        // Sparse years far apart would make a dense grid of the block.
        return Err(Stop::Unsupported(format!(
            "a block of {} units spans {n_years} years ({lo}-{hi}): {n_cells} unit-years, more than the {} a block may hold (see the limits `grid-cells` and `score-cells`)",
            units.len(),
            layout.max_grid
        )));
    }
    let s = &layout.schema;
    let mut columns: Vec<Column> = s
        .columns
        .iter()
        .map(|c| Column {
            name: c.name.clone(),
            source_name: c.source_name.clone(),
            file: 0,
            field: c.field,
            values: std::sync::Arc::default(),
            lines: std::sync::Arc::from([]),
            texts: Vec::new(),
            analyst: None,
        })
        .collect();
    let np = layout.parsed.len();
    // The values of each column read, and the line of each cell, the same
    // in every column.
    let mut grids = vec![vec![f64::NAN; n_cells]; np];
    let mut lines = vec![0u32; n_cells];
    let mut rows = Vec::with_capacity(keys.len());
    let mut taken = vec![false; n_cells];
    for (r, &(unit, year, line)) in keys.iter().enumerate() {
        let cell = unit * n_years + (year - lo) as usize;
        if std::mem::replace(&mut taken[cell], true) {
            // A year twice in a unit: the in-memory reader reports it.
            return Err(Stop::Irregular(u64::from(line)));
        }
        rows.push((cell, line));
        lines[cell] = line;
        for (j, grid) in grids.iter_mut().enumerate() {
            grid[cell] = vals[r * np + j];
        }
    }
    let lines: std::sync::Arc<[u32]> = lines.into();
    for (&(c, _), grid) in layout.parsed.iter().zip(grids) {
        columns[c].values = std::sync::Arc::new(grid);
        columns[c].lines = std::sync::Arc::clone(&lines);
    }
    let index: HashMap<String, usize> = s.index.clone();
    Ok(BlockPanel {
        panel: Panel {
            files: vec![layout.name.clone()],
            countries: units,
            first_year: if keys.is_empty() { s.first_year } else { lo },
            n_years,
            columns,
            index,
            unit_key: s.unit_key.clone(),
            unread: Vec::new(),
        },
        rows,
        first_last,
    })
}

#[cfg(test)]
mod tests;
