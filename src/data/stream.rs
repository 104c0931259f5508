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

use super::read::{parse_number, strip_bom};
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
        c.values.clear();
        c.lines.clear();
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

/// Splits a line into fields as the CSV reader does: a field that starts
/// with a quote runs to the closing quote, and `""` inside it is one quote.
/// Fields after `upto` are counted, not kept. Returns the number of fields,
/// or `None` for what the reader would take otherwise (a quote left open,
/// text after a closing quote), which then goes to the reader itself.
pub(super) fn split_record<'a>(
    line: &'a [u8],
    upto: usize,
    out: &mut Vec<Cow<'a, [u8]>>,
) -> Option<usize> {
    out.clear();
    let mut i = 0;
    loop {
        if out.len() > upto {
            let rest = &line[i - 1..];
            if memchr::memchr(b'"', rest).is_none() {
                return Some(out.len() + memchr::memchr_iter(b',', rest).count());
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
            out.push(if escaped {
                let mut v = Vec::with_capacity(inner.len());
                let mut k = 0;
                while let Some(&b) = inner.get(k) {
                    v.push(b);
                    k += if b == b'"' { 2 } else { 1 };
                }
                Cow::Owned(v)
            } else {
                Cow::Borrowed(inner)
            });
            match line.get(j + 1) {
                None => return Some(out.len()),
                Some(b',') => i = j + 2,
                Some(_) => return None,
            }
        } else {
            let end = memchr::memchr(b',', &line[i..]).map(|p| i + p);
            out.push(Cow::Borrowed(&line[i..end.unwrap_or(line.len())]));
            match end {
                None => return Some(out.len()),
                Some(e) => i = e + 1,
            }
        }
    }
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

    fn fill(&mut self, want: usize) -> std::io::Result<()> {
        let mut chunk = vec![0u8; 1 << 16];
        while !self.eof && self.buf.len() < want {
            let room = chunk.len().min(want - self.buf.len());
            let n = self.src.read(&mut chunk[..room])?;
            if n == 0 {
                self.eof = true;
            }
            self.buf.extend_from_slice(&chunk[..n]);
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

/// Reads a block into a panel. Rows must be sorted by unit, then year.
pub fn read_block(block: &Block, layout: &Layout) -> Result<BlockPanel, Stop> {
    let mut units: Vec<Country> = Vec::new();
    // Per row: unit index, year, line.
    let mut keys: Vec<(usize, i32, u32)> = Vec::new();
    let mut vals: Vec<f64> = Vec::new();
    let mut joined = String::new();
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    let mut rec: Vec<Cow<'_, [u8]>> = Vec::with_capacity(layout.n_fields);
    let upto = layout.last_field();
    let mut start = 0;
    let mut line = block.first_line;
    let bytes = &block.bytes;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |p| start + p);
        let raw = &bytes[start..end];
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        start = end + 1;
        line += 1;
        if raw.is_empty() {
            continue;
        }
        let line = line - 1;
        if split_record(raw, upto, &mut rec) != Some(layout.n_fields) {
            return Err(Stop::Irregular(line));
        }
        let text = |f: usize| std::str::from_utf8(&rec[f]).map_err(|_| Stop::Irregular(line));
        joined.clear();
        for (i, &f) in layout.key_fields.iter().enumerate() {
            let t = text(f)?.trim();
            // What the in-memory reader refuses is reported by it.
            let several = layout.key_fields.len() > 1;
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
        let year = match text(layout.year_field)?.trim().parse::<i32>() {
            Ok(y) if (1000..=3000).contains(&y) => y,
            _ => return Err(Stop::Irregular(line)),
        };
        let unit = match units.last() {
            Some(u) if u.iso3 == joined => {
                let prev = keys.last().map_or(i32::MIN, |k| k.1);
                if year <= prev {
                    return Err(Stop::Unsorted {
                        line,
                        what: format!("year {year} of `{joined}` comes after {prev}"),
                    });
                }
                units.len() - 1
            }
            last => {
                if let Some(u) = last
                    && u.iso3.as_str() > joined.as_str()
                {
                    return Err(Stop::Unsorted {
                        line,
                        what: format!("unit `{joined}` comes after `{}`", u.iso3),
                    });
                }
                units.push(Country {
                    iso3: joined.clone(),
                    name: String::new(),
                });
                units.len() - 1
            }
        };
        if let Some(cf) = layout.country_field {
            let c = text(cf)?.trim();
            if c.chars().any(is_unsafe_control) {
                return Err(Stop::Irregular(line));
            }
            let u = &mut units[unit];
            if u.name.is_empty() && !c.is_empty() {
                u.name = c.to_string();
            }
        }
        for &(_, f) in &layout.parsed {
            match parse_number(text(f)?) {
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
            values: Vec::new(),
            lines: Vec::new(),
            texts: Vec::new(),
            analyst: None,
        })
        .collect();
    for &(c, _) in &layout.parsed {
        columns[c].values = vec![f64::NAN; n_cells];
        columns[c].lines = vec![0; n_cells];
    }
    let np = layout.parsed.len();
    let mut rows = Vec::with_capacity(keys.len());
    for (r, &(unit, year, line)) in keys.iter().enumerate() {
        let cell = unit * n_years + (year - lo) as usize;
        rows.push((cell, line));
        for (j, &(c, _)) in layout.parsed.iter().enumerate() {
            columns[c].values[cell] = vals[r * np + j];
            columns[c].lines[cell] = line;
        }
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
        },
        rows,
        first_last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Synthetic rows.
    const CSV: &str = "iso3,country,year,x,y\nAAA,Alpha,2000,1,9\nAAA,Alpha,2001,2,9\n\nBBB,,2000,3,9\nBBB,Beta,2002,4,9\nCCC,Gamma,2001,5,9\n";

    fn lay() -> Layout {
        let head: Vec<u8> = CSV.lines().take(2).collect::<Vec<_>>().join("\n").into();
        let mut l = layout("d.csv", None, &head, &[]).unwrap();
        l.parse_columns(&[0]);
        l
    }

    fn blocks(target: usize) -> Vec<Block> {
        let l = lay();
        let body = CSV.split_once('\n').unwrap().1.as_bytes();
        let mut b = Blocks::new(body, 2, &l, target);
        std::iter::from_fn(|| b.next_block().unwrap()).collect()
    }

    #[test]
    fn blocks_hold_whole_units() {
        // A tiny target cuts at every unit boundary, never inside a unit.
        let bs = blocks(1);
        let firsts: Vec<u64> = bs.iter().map(|b| b.first_line).collect();
        assert_eq!(firsts, [2, 4, 7]);
        let l = lay();
        let p = read_block(&bs[1], &l).unwrap();
        assert_eq!(p.panel.countries[0].name, "Beta");
        assert_eq!((p.panel.first_year, p.panel.n_years), (2000, 3));
        assert_eq!(p.rows, [(0, 5), (2, 6)]);
        assert_eq!(p.panel.value(0, 2), 4.0);
        // The column not asked for is not parsed.
        assert!(p.panel.columns[1].values.is_empty());
        // One big block holds everything.
        assert_eq!(blocks(1 << 20).len(), 1);
    }

    #[test]
    fn rows_out_of_order_stop_the_stream() {
        let mut l = lay();
        l.parse_columns(&[0, 1]);
        let block = |s: &str| Block {
            index: 0,
            first_line: 2,
            bytes: s.as_bytes().to_vec(),
        };
        let e = read_block(&block("BBB,B,2000,1,1\nAAA,A,2001,1,1\n"), &l).unwrap_err();
        assert!(matches!(e, Stop::Unsorted { line: 3, .. }), "{e:?}");
        let e = read_block(&block("AAA,A,2001,1,1\nAAA,A,2001,1,1\n"), &l).unwrap_err();
        assert!(matches!(e, Stop::Unsorted { line: 3, .. }), "{e:?}");
        let e = read_block(&block("AAA,A,2001,x,1\n"), &l).unwrap_err();
        assert_eq!(e, Stop::Irregular(2));
        let e = read_block(&block("AAA,A,2001,1\n"), &l).unwrap_err();
        assert_eq!(e, Stop::Irregular(2));
    }
}
