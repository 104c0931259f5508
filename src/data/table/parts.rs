//! A large wide file read in parts, one thread a part: the rows after the
//! header are cut at line ends into parts of about the same size, each part
//! is read as the whole file would be (the same code, the same lines), and
//! the parts are joined in file order. The table is the one a single pass
//! gives. Whatever a part finds wrong (a cell that is not a number, a
//! unit-year given twice across parts, a limit reached) is not reported
//! from the parts: the file is then read again in one pass, which reports
//! it exactly as it always does.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

use super::{Cells, RowHasher, Shape, Table, gives_back, read_rows};
use crate::data::cells::{
    has_unsafe_control, long_number, parse_number_bytes, parse_year, short_decimal,
};
use crate::data::read::{CsvFile, check_cells, strip_bom};
use crate::data::stream::numbered_lines;
use crate::data::{Input, MISSING_MARKERS};
use crate::diagnostic::count_line_ends;
use crate::limits::Limit;

/// Most parts a file is read in.
const MOST_PARTS: usize = 4;

/// Files smaller than this are read in one pass.
pub(super) const MIN_BYTES: usize = 8 << 20;

/// Parts to read a large file in: the cores available, at most
/// [`MOST_PARTS`].
pub(super) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(MOST_PARTS))
}

/// Reads the rows of a wide file of at least `min_bytes` bytes in `parts`
/// parts into tables shaped as `shell`, and joins them (`whole`: a guess of
/// the file's rows), with the number of parts whose lines were split
/// without the CSV reader (see [`read_plain_rows`]); `None` when the
/// file is not read so (a long file, a quote not around a field on one
/// line, fewer than two parts) or a part finds anything wrong: the caller then reads it in one
/// pass.
pub(super) fn read_in_parts(
    input: &Input<'_>,
    shape: &Shape<'_>,
    shell: &Table,
    whole: usize,
    parts: usize,
    min_bytes: usize,
) -> Option<(Table, usize)> {
    let bytes = strip_bom(input.bytes);
    if shape.long.is_some() || parts < 2 || bytes.len() < min_bytes {
        return None;
    }
    let body = memchr::memchr(b'\n', bytes)? + 1;
    let mut cuts = vec![body];
    for i in 1..parts {
        let aim = body + (bytes.len() - body) * i / parts;
        let from = aim.max(cuts[cuts.len() - 1]);
        match memchr::memchr(b'\n', &bytes[from..]) {
            Some(p) if from + p + 1 < bytes.len() => cuts.push(from + p + 1),
            _ => break,
        }
    }
    cuts.push(bytes.len());
    cuts.dedup();
    if cuts.len() < 3 {
        return None;
    }
    // Room for a part's share of the rows (guessed from the whole file's).
    let read: Vec<Option<Part>> = std::thread::scope(|s| {
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|w| {
                let (a, b) = (w[0], w[1]);
                let rows = whole.saturating_mul(b - a) / (bytes.len() - body).max(1) + 64;
                std::thread::Builder::new()
                    .spawn_scoped(s, move || {
                        read_part(input, shape, shell, rows, bytes, (a, b))
                    })
                    .ok()
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.and_then(|h| h.join().ok().flatten()))
            .collect()
    });
    let mut read: Vec<Part> = read.into_iter().collect::<Option<_>>()?;
    // The lines of parts split at commas are counted from each part's
    // start: the line ends before it are added now.
    let mut before = count_line_ends(&bytes[..body]);
    for p in &mut read {
        if p.plain && before > 0 {
            for k in &mut p.table.keys {
                k.2 = u32::try_from(u64::from(k.2) + before).ok()?;
            }
        }
        before += p.line_ends;
    }
    let split = read.iter().filter(|p| p.plain).count();
    join(read.into_iter().map(|p| p.table).collect(), shape).map(|t| (t, split))
}

/// A part read.
struct Part {
    table: Table,
    /// Whether its lines were split by [`read_plain_rows`], which numbers
    /// them from the part's start (line 1 is its first line); otherwise
    /// the CSV reader numbered them in the whole file.
    plain: bool,
    /// The line ends in the part.
    line_ends: u64,
}

/// Whether every quote of the file opens or closes a quoted field that
/// holds no line end and no quote: an opening quote starts a field (at the
/// start of a line or after a comma), the next quote closes it and is
/// followed by a comma or a line end. Then the CSV reader is never inside
/// quotes at a line end. Anything else (a doubled quote, a quote inside a
/// field, a quoted line end) says no, and the file is read in one pass.
fn one_line_quotes(bytes: &[u8]) -> bool {
    let mut quotes = memchr::memchr_iter(b'"', bytes);
    while let Some(open) = quotes.next() {
        if open > 0 && !matches!(bytes[open - 1], b',' | b'\n' | b'\r') {
            return false;
        }
        let Some(close) = quotes.next() else {
            return false;
        };
        let ends_field = matches!(bytes.get(close + 1), None | Some(b',' | b'\n' | b'\r'));
        if !ends_field || memchr::memchr2(b'\n', b'\r', &bytes[open..close]).is_some() {
            return false;
        }
    }
    true
}

/// Reads the rows of `bytes[a..b]` into a table shaped as `shell` with room
/// for `rows` rows: split by [`read_plain_rows`], or else by the CSV
/// reader; `None` at anything wrong, and when the part holds a quote that
/// is not around a field on one line (see [`one_line_quotes`]): a line end
/// could then be inside a record, and the file is read in one pass.
fn read_part(
    input: &Input<'_>,
    shape: &Shape<'_>,
    shell: &Table,
    rows: usize,
    bytes: &[u8],
    (a, b): (usize, usize),
) -> Option<Part> {
    if !one_line_quotes(&bytes[a..b]) {
        return None;
    }
    if let Some((table, line_ends)) = read_plain_rows(shape, shell.shell(rows), &bytes[a..b]) {
        return Some(Part {
            table,
            plain: true,
            line_ends,
        });
    }
    let mut table = shell.shell(rows);
    let mut file = CsvFile::part(input, bytes, a, b, shape.heads.len());
    let bad = read_rows(input, shape, &mut file, &mut table).ok()?;
    bad.is_empty().then(|| Part {
        table,
        plain: false,
        line_ends: count_line_ends(&bytes[a..b]),
    })
}

/// Reads the rows of `part` (lines of the file, from the start of one)
/// into `t` as [`read_rows`] would, its lines numbered from 1, and counts
/// its line ends. Each line is split at its commas instead of through the
/// CSV reader: every quote of the part sits around a field on one line
/// (see [`one_line_quotes`]), so a line is a record. Only what is read
/// without any message is taken: a unit key of one column, cells that are
/// numbers or missing markers. Anything else (a field too many or too few,
/// a bare carriage return, a field over the `csv-field-bytes` limit, a
/// control character, a cell that is not a number, a unit-year given
/// twice, a key of several columns) gives `None`, and the part is read by
/// the CSV reader, whose messages stand.
fn read_plain_rows(shape: &Shape<'_>, mut t: Table, part: &[u8]) -> Option<(Table, u64)> {
    let [key_f] = *shape.key_fs else {
        return None;
    };
    let n_fields = shape.heads.len();
    let max_field = Limit::CsvFieldBytes.get_usize();
    if n_fields > MOST_FIELDS || u32::try_from(max_field).is_err() {
        return None;
    }
    let max_rows = Limit::CsvRows.get();
    let mut unit_index: HashMap<String, u32> = HashMap::new();
    // A unit-year given twice: while each unit's rows come together, as in
    // most files, it can only be in the current unit's run of rows, whose
    // years are kept in a bitmap (bit `year - 1000`); once a unit comes
    // back after another, every row so far and after goes into a set.
    let mut run_years = [0u64; 32];
    let mut seen: Option<HashSet<u64, BuildHasherDefault<RowHasher>>> = None;
    let row_key = |u: u32, year: i32| (u64::from(u) << 32) | u64::from(year as u32);
    let mut ends = [0u32; MOST_FIELDS + 1];
    // The key and country fields of the previous row as they are in the
    // file: the same bytes are the same unit and name, checked already.
    let (mut prev_key, mut prev_unit) = (None::<Vec<u8>>, 0u32);
    let mut prev_country: Option<Vec<u8>> = None;
    let safe = |f: &[u8]| has_unsafe_control(f) == Some(false);
    // The values of each column read, filled here and put back at the end.
    let mut cols: Vec<Vec<f64>> = Vec::with_capacity(t.cells.len());
    for c in &mut t.cells {
        let Cells::Dense(d) = c else {
            return None;
        };
        cols.push(std::mem::take(d));
    }
    let mut lines = numbered_lines(part, 1);
    for (line, raw) in lines.by_ref() {
        if raw.len() > max_field || memchr::memchr(b'\r', raw).is_some() {
            return None;
        }
        if field_ends(raw, &mut ends) != n_fields {
            return None;
        }
        let field = |f: usize| field_at(raw, &ends, f);
        let key = field(key_f);
        let u = match prev_key {
            Some(ref k) if k.as_slice() == key => prev_unit,
            _ => {
                if !safe(key) {
                    return None;
                }
                // UTF-8, as checked.
                let code = std::str::from_utf8(key).ok()?.trim();
                if code.is_empty() {
                    return None;
                }
                prev_key = Some(key.to_vec());
                let known = t.units.len() as u32;
                let u = t.unit(&mut unit_index, code);
                if u != prev_unit || known == 0 {
                    run_years = [0; 32];
                    if u < known && seen.is_none() {
                        seen = Some(t.keys.iter().map(|&(u, y, _)| row_key(u, y)).collect());
                    }
                }
                prev_unit = u;
                u
            }
        };
        for &f in shape.unnamed {
            let v = field(f);
            if !safe(v) || !MISSING_MARKERS.contains(&std::str::from_utf8(v).ok()?.trim()) {
                return None;
            }
        }
        let y = field(shape.year_f);
        let year = match parse_year(y) {
            Some(year) if (1000..=3000).contains(&year) && safe(y) => year,
            _ => return None,
        };
        if let Some(cf) = shape.country_f {
            let c = field(cf);
            if prev_country.as_deref() != Some(c) {
                if !safe(c) {
                    return None;
                }
                prev_country = Some(c.to_vec());
            }
            let n = &mut t.names[u as usize];
            if n.is_empty() {
                // UTF-8, as checked.
                let c = std::str::from_utf8(c).ok()?.trim();
                if !c.is_empty() {
                    *n = c.to_string();
                }
            }
        }
        if let Some(seen) = &mut seen {
            if !seen.insert(row_key(u, year)) {
                return None;
            }
        } else {
            let bit = (year - 1000) as usize;
            let (w, m) = (bit / 64, 1u64 << (bit % 64));
            if run_years[w] & m != 0 {
                return None;
            }
            run_years[w] |= m;
        }
        t.keys.push((u, year, u32::try_from(line).ok()?));
        if t.keys.len() as u64 > max_rows {
            return None;
        }
        let k = t.keys.len() - 1;
        for ((&f, col), texts) in shape.read_fields.iter().zip(&mut cols).zip(&mut t.texts) {
            let v = field(f);
            let (x, written) = if let Some(read) = short_decimal(v) {
                read
            } else if let Some(x) = long_number(v) {
                (x, false)
            } else if safe(v) {
                (parse_number_bytes(v)?.unwrap_or(f64::NAN), false)
            } else {
                return None;
            };
            col.push(x);
            // The text, when the value alone would not give it back (as
            // `Table::push` keeps it); UTF-8, as checked.
            if !written && !gives_back(v, x) {
                texts.push((k, String::from_utf8_lossy(v).into()));
            }
        }
    }
    t.cells = cols.into_iter().map(Cells::Dense).collect();
    // Each line ends with LF or CRLF (a bare CR was refused), the last
    // perhaps with none.
    let line_ends = lines.next - 1 - u64::from(!part.is_empty() && !part.ends_with(b"\n"));
    Some((t, line_ends))
}

/// Most fields a line split by [`field_ends`] holds.
const MOST_FIELDS: usize = 255;

/// The end of each field of `raw`, a line of a file whose quotes all sit
/// around fields on one line (see [`one_line_quotes`]), written to `ends`:
/// the position of the comma after it, or the line's length for the last.
/// Returns the number of fields, which may be more than `ends` holds (the
/// positions past [`MOST_FIELDS`] are then not kept: a caller takes only a
/// count it expects, at most that). Commas and quotes are found eight
/// bytes at a time; a comma between a quote and the next is inside a
/// field. `raw` is shorter than 4 GiB.
fn field_ends(raw: &[u8], ends: &mut [u32; MOST_FIELDS + 1]) -> usize {
    const COMMA: u64 = u64::from_le_bytes([b','; 8]);
    const QUOTE: u64 = u64::from_le_bytes([b'"'; 8]);
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // The top bit of each byte of `x` that is 0, and no other.
    let zero = |x: u64| !(((x & LOW).wrapping_add(LOW)) | x | LOW);
    let mut n = 0usize;
    let mut quoted = false;
    let words = raw.chunks_exact(8);
    let rest = words.remainder();
    let mut last = [0u8; 8];
    last[..rest.len()].copy_from_slice(rest);
    let whole = words.filter_map(|w| <[u8; 8]>::try_from(w).ok());
    for (w, word) in whole.chain(std::iter::once(last)).enumerate() {
        let x = u64::from_le_bytes(word);
        let (commas, quotes) = (zero(x ^ COMMA), zero(x ^ QUOTE));
        let at = (w * 8) as u32;
        // Most words hold no quote: each comma ends a field, unless a
        // quoted field goes on through the word.
        if quotes == 0 {
            if !quoted {
                let mut m = commas;
                while m != 0 {
                    ends[n & MOST_FIELDS] = at + m.trailing_zeros() / 8;
                    n += 1;
                    m &= m - 1;
                }
            }
            continue;
        }
        let mut m = commas | quotes;
        while m != 0 {
            let bit = m & m.wrapping_neg();
            if quotes & bit != 0 {
                quoted = !quoted;
            } else if !quoted {
                ends[n & MOST_FIELDS] = at + bit.trailing_zeros() / 8;
                n += 1;
            }
            m ^= bit;
        }
    }
    ends[n & MOST_FIELDS] = raw.len() as u32;
    n + 1
}

/// Field `f` of a line split by [`field_ends`], without its quotes.
#[inline]
fn field_at<'a>(raw: &'a [u8], ends: &[u32], f: usize) -> &'a [u8] {
    let start = if f == 0 { 0 } else { ends[f - 1] as usize + 1 };
    let v = &raw[start..ends[f] as usize];
    match v {
        [b'"', inner @ .., b'"'] => inner,
        _ => v,
    }
}

/// The tables of the parts, in file order, as one; `None` when a unit-year
/// is in two parts or the whole is over a limit (the one pass reports it).
fn join(tables: Vec<Table>, shape: &Shape<'_>) -> Option<Table> {
    let mut parts = tables.into_iter();
    let mut t = parts.next()?;
    let mut index: HashMap<String, u32> = t
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.clone(), i as u32))
        .collect();
    // Units met in more than one part, whose years are checked below.
    let mut shared: HashSet<u32> = HashSet::new();
    for p in parts {
        let offset = t.keys.len();
        let mut remap = Vec::with_capacity(p.units.len());
        for (u, n) in p.units.into_iter().zip(p.names) {
            let g = match index.get(&u) {
                Some(&g) => {
                    shared.insert(g);
                    // A unit's name is the first non-empty one in the file.
                    if t.names[g as usize].is_empty() {
                        t.names[g as usize] = n;
                    }
                    g
                }
                None => {
                    let g = t.units.len() as u32;
                    index.insert(u.clone(), g);
                    t.units.push(u);
                    t.names.push(n);
                    g
                }
            };
            remap.push(g);
        }
        t.keys
            .extend(p.keys.iter().map(|&(u, y, l)| (remap[u as usize], y, l)));
        // Each part's values stay in their own array (see `Cells::Runs`).
        for (c, pc) in t.cells.iter_mut().zip(p.cells) {
            let Cells::Dense(b) = pc else {
                return None;
            };
            match c {
                Cells::Dense(a) => *c = Cells::Runs(vec![std::mem::take(a), b]),
                Cells::Runs(r) => r.push(b),
                Cells::Sparse(_) => return None,
            }
        }
        for (tx, ptx) in t.texts.iter_mut().zip(p.texts) {
            tx.extend(ptx.into_iter().map(|(k, s)| (k + offset, s)));
        }
    }
    if !shared.is_empty() {
        // The same, by unit index, for the check of every row.
        let mut in_parts = vec![false; t.units.len()];
        for &u in &shared {
            in_parts[u as usize] = true;
        }
        let mut seen: HashSet<(u32, i32)> = HashSet::new();
        for &(u, y, _) in &t.keys {
            if in_parts[u as usize] && !seen.insert((u, y)) {
                return None;
            }
        }
    }
    let rows = t.keys.len();
    if rows == 0 || rows as u64 > Limit::CsvRows.get() {
        return None;
    }
    let cells = (rows as u64).saturating_mul(shape.n_data_fields.max(1) as u64);
    check_cells(cells, String::new).ok()?;
    Some(t)
}

#[cfg(test)]
mod tests;
