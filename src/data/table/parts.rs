//! A large wide file read in parts, one thread a part: the rows after the
//! header are cut at line ends into parts of about the same size, each part
//! is read as the whole file would be (the same code, the same lines), and
//! the parts are joined in file order. The table is the one a single pass
//! gives. Whatever a part finds wrong (a cell that is not a number, a
//! unit-year given twice across parts, a limit reached) is not reported
//! from the parts: the file is then read again in one pass, which reports
//! it exactly as it always does.

use std::collections::{HashMap, HashSet};

use super::{Cells, Shape, Table, read_rows};
use crate::data::Input;
use crate::data::read::{CsvFile, check_cells, strip_bom};
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
/// the file's rows); `None` when the
/// file is not read so (a long file, a quote anywhere, fewer than two
/// parts) or a part finds anything wrong: the caller then reads it in one
/// pass.
pub(super) fn read_in_parts(
    input: &Input<'_>,
    shape: &Shape<'_>,
    shell: &Table,
    whole: usize,
    parts: usize,
    min_bytes: usize,
) -> Option<Table> {
    let bytes = strip_bom(input.bytes);
    // With quotes only around fields on one line, every line end ends a
    // record.
    if shape.long.is_some() || parts < 2 || bytes.len() < min_bytes || !one_line_quotes(bytes) {
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
    // Room for the rows of the whole file in the first part's table, so
    // that the others are appended to it without growing it.
    let read: Vec<Option<Table>> = std::thread::scope(|s| {
        let handles: Vec<_> = cuts
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                let (a, b) = (w[0], w[1]);
                let rows = if i == 0 {
                    whole
                } else {
                    whole.saturating_mul(b - a) / (bytes.len() - body).max(1) + 64
                };
                let t = shell.shell(rows);
                std::thread::Builder::new()
                    .spawn_scoped(s, move || read_part(input, shape, t, bytes, a, b))
                    .ok()
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.and_then(|h| h.join().ok().flatten()))
            .collect()
    });
    let tables: Vec<Table> = read.into_iter().collect::<Option<_>>()?;
    join(tables, shape)
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

/// Reads the rows of `bytes[a..b]` into `t`; `None` at anything wrong.
fn read_part(
    input: &Input<'_>,
    shape: &Shape<'_>,
    mut t: Table,
    bytes: &[u8],
    a: usize,
    b: usize,
) -> Option<Table> {
    let mut file = CsvFile::part(input, bytes, a, b, shape.heads.len());
    let bad = read_rows(input, shape, &mut file, &mut t).ok()?;
    bad.is_empty().then_some(t)
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
        for (c, pc) in t.cells.iter_mut().zip(p.cells) {
            match (c, pc) {
                (Cells::Dense(a), Cells::Dense(b)) => a.extend(b),
                _ => return None,
            }
        }
        for (tx, ptx) in t.texts.iter_mut().zip(p.texts) {
            tx.extend(ptx.into_iter().map(|(k, s)| (k + offset, s)));
        }
    }
    if !shared.is_empty() {
        let mut seen: HashSet<(u32, i32)> = HashSet::new();
        for &(u, y, _) in &t.keys {
            if shared.contains(&u) && !seen.insert((u, y)) {
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
