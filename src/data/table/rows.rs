//! The rows of a file read into a [`Table`], in one pass or in a part
//! (see `parts`).

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

use super::*;
use crate::data::cells::{has_unsafe_control, parse_number_bytes, plain_number};
use crate::data::{Input, MISSING_MARKERS, UNIT_KEY_SEPARATOR};
use crate::diagnostic::Diagnostic;

/// What the header of a file says about its rows.
pub(super) struct Shape<'h> {
    pub(super) heads: &'h [String],
    pub(super) key: &'h [String],
    /// 0-based fields of the unit key.
    pub(super) key_fs: &'h [usize],
    pub(super) year_f: usize,
    pub(super) country_f: Option<usize>,
    /// Fields of `indicator` and `value` of a long file.
    pub(super) long: Option<(usize, usize)>,
    /// Fields without a name, which must be empty.
    pub(super) unnamed: &'h [usize],
    /// The data fields read, in the order of the table's columns.
    pub(super) read_fields: &'h [usize],
    /// Every data field, read or not (for the limit on cells).
    pub(super) n_data_fields: usize,
}

/// Reads the rows of `file` into `table`; returns the cells found that are
/// not numbers (and the like), which refuse the file, and stops at the
/// first error of another kind.
pub(super) fn read_rows(
    input: &Input<'_>,
    shape: &Shape<'_>,
    file: &mut CsvFile<'_, '_>,
    table: &mut Table,
) -> Result<BadCells, Diagnostic> {
    let name = &input.name;
    let mut unit_index: HashMap<String, u32> = HashMap::new();
    let mut long_index: HashMap<String, usize> = HashMap::new();
    // The (unit, year) of every row of a wide file read so far.
    let mut seen_rows: HashSet<u64, BuildHasherDefault<RowHasher>> = HashSet::default();
    let mut seen_long: HashMap<(u32, i32, usize), u64> = HashMap::new();
    let mut bad = BadCells::default();
    let mut rec = csv::ByteRecord::new();
    while let Some(line) = file.next(&mut rec)? {
        let rows = file.rows;
        let cells = (rows as u64).saturating_mul(shape.n_data_fields.max(1) as u64);
        check_cells(cells, || format!("the rows of `{name}` up to line {line}"))
            .map_err(|d| d.at(name, line, 1, 1, "this row"))?;
        let text = |i: usize| -> Result<&str, Diagnostic> {
            std::str::from_utf8(&rec[i])
                .map_err(|_| {
                    cell_label(
                        data_err(
                            "D007",
                            format!(
                                "{} is not valid UTF-8 (column `{}`)",
                                place(name, line),
                                shape.heads[i]
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
        let mut unit = (text(shape.key_fs[0])?, shape.key_fs[0]);
        let joined;
        if shape.key_fs.len() > 1 {
            let mut parts = Vec::with_capacity(shape.key_fs.len());
            for &f in shape.key_fs {
                let t = text(f)?.trim();
                if t.is_empty() {
                    unit = (t, f);
                    parts.clear();
                    break;
                }
                if t.contains(UNIT_KEY_SEPARATOR) {
                    return Err(separator_in_key(input, line, f, t, shape.key));
                }
                parts.push(t);
            }
            if !parts.is_empty() {
                joined = parts.join(UNIT_KEY_SEPARATOR);
                unit = (joined.as_str(), shape.key_fs[0]);
            }
        }
        for &f in shape.unnamed {
            let t = text(f)?;
            if !MISSING_MARKERS.contains(&t.trim()) {
                bad.add(unnamed_value(input, line, f, t));
            }
        }
        let (code, year) = match row_key_str(
            input,
            line,
            unit,
            (text(shape.year_f)?, shape.year_f),
            &shape.heads[unit.1],
        ) {
            Ok(k) => k,
            Err(d) => {
                bad.add(d);
                continue;
            }
        };
        let u = table.unit(&mut unit_index, code);
        if let Some(cf) = shape.country_f {
            let c = text(cf)?.trim();
            let n = &mut table.names[u as usize];
            if !c.is_empty() && n.is_empty() {
                *n = c.to_string();
            }
        }
        if let Some((ind_f, val_f)) = shape.long {
            let ind = text(ind_f)?.trim().to_string();
            let raw = text(val_f)?;
            let Some(v) = parse_number(raw) else {
                bad.add(non_numeric(input, line, val_f, raw, &ind));
                continue;
            };
            let ci = match long_index.get(&ind) {
                Some(&ci) => ci,
                None => {
                    check_not_assessment(input, &table.full_name(&ind), line, ind_f)?;
                    table.columns.push((ind.clone(), val_f as u32 + 1));
                    table.cells.push(Cells::Sparse(Vec::new()));
                    table.texts.push(Vec::new());
                    long_index.insert(ind.clone(), table.cells.len() - 1);
                    table.cells.len() - 1
                }
            };
            if let Some(prev) = seen_long.insert((u, year, ci), line) {
                return Err(duplicate(
                    input,
                    line,
                    prev,
                    code,
                    year,
                    Some(&ind),
                    shape.key,
                ));
            }
            table.keys.push((u, year, line as u32));
            table.push(ci, table.keys.len() - 1, v, raw.as_bytes());
        } else {
            if !seen_rows.insert((u64::from(u) << 32) | u64::from(year as u32)) {
                // The row of the same unit and year, read before.
                let prev = table
                    .keys
                    .iter()
                    .rev()
                    .find(|k| (k.0, k.1) == (u, year))
                    .map_or(0, |k| u64::from(k.2));
                return Err(duplicate(input, line, prev, code, year, None, shape.key));
            }
            table.keys.push((u, year, line as u32));
            let k = table.keys.len() - 1;
            for (ci, &f) in shape.read_fields.iter().enumerate() {
                // Most cells are plain numbers in ASCII, read from their
                // bytes; any other goes through the text, and its messages.
                let b = &rec[f];
                if let Some(v) = plain_number(b) {
                    table.push(ci, k, Some(v), b);
                    continue;
                }
                if has_unsafe_control(b) == Some(false)
                    && let Some(v) = parse_number_bytes(b)
                {
                    // UTF-8, as checked above.
                    let raw = std::str::from_utf8(b).unwrap_or_default();
                    table.push(ci, k, v, raw.as_bytes());
                    continue;
                }
                let raw = text(f)?;
                let Some(v) = parse_number(raw) else {
                    bad.add(non_numeric(input, line, f, raw, &shape.heads[f]));
                    // Keeps the column in step with the row keys; the
                    // file is refused below.
                    table.push(ci, k, None, b"");
                    continue;
                };
                table.push(ci, k, v, raw.as_bytes());
            }
        }
    }
    Ok(bad)
}
