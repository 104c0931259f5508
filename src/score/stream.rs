//! Scoring a wide panel grouped by unit (each unit's rows together, units
//! and years in any order), block by block: memory stays flat whatever the
//! number of rows (but for the set of unit keys met, which finds a unit
//! whose rows are not together), and blocks are scored on several
//! threads. Each block is scored by [`evaluate`](super::evaluate), the same
//! code as in memory, so the numbers are the same; the output is the same
//! whatever the number of threads, because blocks are cut by size and
//! handed on in file order. What a scored block becomes (CSV lines) is the
//! caller's: see `report::csv::stream_rows`.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::panic::AssertUnwindSafe;
use std::sync::{Mutex, mpsc};

use crate::compile::Plan;
use crate::data::UNIT_KEY_SEPARATOR;
use crate::data::stream::{Block, BlockPanel, Blocks, Layout, Stop, read_block};

use super::{Scores, normalise};

/// How to stream.
#[derive(Debug, Clone)]
pub struct Options {
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Only rows of these years (inclusive), if set.
    pub years: Option<(i32, i32)>,
    /// Size of a block aimed at.
    pub block_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threads: 1,
            years: None,
            block_bytes: crate::data::stream::BLOCK_BYTES,
        }
    }
}

/// The panel columns a plan reads: the measures' columns and per-capita
/// denominators.
pub fn read_columns(plan: &Plan) -> Vec<usize> {
    let mut cols: Vec<usize> = plan
        .nodes
        .iter()
        .filter_map(|n| n.measure.as_ref())
        .flat_map(|m| {
            m.columns
                .iter()
                .copied()
                .chain(m.denominators.iter().flatten().copied())
        })
        .collect();
    cols.sort_unstable();
    cols.dedup();
    cols
}

/// Why a plan cannot be scored unit by unit, if it cannot: percentile,
/// z-score and centre normalisation, and a year-mean imputation, compare all
/// units of a year.
pub fn unstreamable(plan: &Plan) -> Option<String> {
    if let Some(n) = plan.nodes.iter().find(|n| n.rule.impute) {
        return Some(format!(
            "node `{}` imputes missing children with the year's mean, which needs every unit of a year",
            n.id
        ));
    }
    plan.nodes
        .iter()
        .find(|n| {
            n.measure
                .as_ref()
                .is_some_and(|m| normalise::is_cross_sectional(&m.normalise))
        })
        .map(|n| {
            format!(
                "measure `{}` is normalised across units (percentile, z-score or centre), which needs every unit of a year",
                n.id
            )
        })
}

/// Reads blocks on this thread and runs `work` on each on `threads` worker
/// threads, handing the results to `sink` in file order. At most two
/// blocks per thread are in hand at a time, so memory stays flat.
fn rounds<R: Read, T: Send>(
    blocks: &mut Blocks<R>,
    threads: usize,
    work: &(dyn Fn(&Block) -> Result<T, Stop> + Sync),
    mut sink: impl FnMut(T) -> Result<(), Stop>,
) -> Result<(), Stop> {
    let io = |e: std::io::Error| Stop::Io(e.to_string());
    if threads <= 1 {
        while let Some(b) = blocks.next_block().map_err(io)? {
            sink(work(&b)?)?;
        }
        return Ok(());
    }
    let failed = || Stop::Io("a worker thread failed".into());
    let (to_workers, queue) = mpsc::sync_channel::<Block>(threads);
    let queue = Mutex::new(queue);
    std::thread::scope(|s| {
        // Owned here, so that leaving this closure closes the queue and
        // lets the workers end.
        let to_workers = to_workers;
        let (done, results) = mpsc::channel::<(usize, Result<T, Stop>)>();
        for _ in 0..threads {
            let (queue, done) = (&queue, done.clone());
            s.spawn(move || {
                loop {
                    let next = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    let Ok(b) = next else { return };
                    let r = std::panic::catch_unwind(AssertUnwindSafe(|| work(&b)))
                        .unwrap_or_else(|_| Err(failed()));
                    if done.send((b.index, r)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done);
        let mut pending: BTreeMap<usize, Result<T, Stop>> = BTreeMap::new();
        let (mut sent, mut next, mut eof) = (0usize, 0usize, false);
        let outcome = loop {
            while !eof && sent - next < 2 * threads {
                match blocks.next_block() {
                    Ok(Some(b)) => {
                        if to_workers.send(b).is_err() {
                            return Err(failed());
                        }
                        sent += 1;
                    }
                    Ok(None) => eof = true,
                    Err(e) => return Err(io(e)),
                }
            }
            if next == sent {
                break Ok(());
            }
            let r = loop {
                if let Some(r) = pending.remove(&next) {
                    break r;
                }
                match results.recv() {
                    Ok((i, r)) => {
                        pending.insert(i, r);
                    }
                    Err(_) => break Err(failed()),
                }
            };
            next += 1;
            if let Err(e) = r.and_then(&mut sink) {
                break Err(e);
            }
        };
        drop(to_workers);
        outcome
    })
}

/// Checks that no unit comes back after other units: every unit met so
/// far, with the last line of its rows.
#[derive(Debug, Default)]
struct Seen {
    units: HashMap<String, u64>,
}

impl Seen {
    fn next(&mut self, bp: &BlockPanel) -> Result<(), Stop> {
        let p = &bp.panel;
        // Rows are in file order: each unit's first and last line.
        let mut span: Vec<Option<(u64, u64)>> = vec![None; p.countries.len()];
        for &(cell, line) in &bp.rows {
            let s = &mut span[cell / p.n_years.max(1)];
            let line = u64::from(line);
            *s = Some(s.map_or((line, line), |(a, _)| (a, line)));
        }
        let mut firsts: Vec<(u64, usize)> = span
            .iter()
            .enumerate()
            .filter_map(|(u, s)| s.map(|s| (s.0, u)))
            .collect();
        firsts.sort_unstable();
        for (first, u) in firsts {
            let key = &p.countries[u].iso3;
            if let Some(&earlier) = self.units.get(key) {
                return Err(reappears(key.as_bytes(), earlier, first));
            }
            let last = span[u].map_or(first, |s| s.1);
            self.units.insert(key.clone(), last);
        }
        Ok(())
    }
}

/// The fields of a CSV line up to field `upto` (fewer when the line is
/// shorter), trimmed and without their quotes; a doubled quote inside a
/// quoted field is left doubled (the reader of the block then decides).
fn leading_fields<'a>(line: &'a [u8], upto: usize, out: &mut Vec<&'a [u8]>) {
    out.clear();
    let mut i = 0;
    while out.len() <= upto && i <= line.len() {
        let rest = &line[i..];
        let lead = rest.len() - rest.trim_ascii_start().len();
        let end = if rest.get(lead) == Some(&b'"') {
            // To the closing quote (a doubled quote is skipped over), then
            // to the next comma.
            let mut j = i + lead + 1;
            while let Some(p) = memchr::memchr(b'"', &line[j..]) {
                j += p + 1;
                if line.get(j) != Some(&b'"') {
                    break;
                }
                j += 1;
            }
            memchr::memchr(b',', &line[j.min(line.len())..]).map_or(line.len(), |p| j + p)
        } else {
            memchr::memchr(b',', rest).map_or(line.len(), |p| i + p)
        };
        let f = line[i..end].trim_ascii();
        out.push(
            f.strip_prefix(b"\"")
                .and_then(|x| x.strip_suffix(b"\""))
                .unwrap_or(f),
        );
        i = end + 1;
    }
}

/// One unit's run of lines in a block: its key and its lines as (year,
/// file line, text).
struct Run<'a> {
    key: Vec<u8>,
    lines: Vec<(i32, u64, &'a [u8])>,
}

/// The lines of a block whose units or years are not in ascending order,
/// put in that order: each unit's lines (which must be together in the
/// block) sorted by year, units sorted by key. Returns the new block and the
/// file line of each of its lines, or [`Stop::Unsorted`] when a unit's rows
/// are not together.
fn regroup(block: &Block, layout: &Layout) -> Result<(Block, Vec<u64>, usize), Stop> {
    let upto = layout
        .key_fields
        .iter()
        .chain([&layout.year_field])
        .copied()
        .max()
        .unwrap_or(0);
    let mut runs: Vec<Run<'_>> = Vec::new();
    let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
    let (mut fields, mut key) = (Vec::with_capacity(upto + 1), Vec::new());
    for (line, raw) in (block.first_line..).zip(block.bytes.split(|&b| b == b'\n')) {
        let text = raw.strip_suffix(b"\r").unwrap_or(raw);
        if text.is_empty() {
            continue;
        }
        leading_fields(text, upto, &mut fields);
        let field = |f: usize| fields.get(f).copied().unwrap_or_default();
        key.clear();
        for (i, &f) in layout.key_fields.iter().enumerate() {
            if i > 0 {
                key.extend_from_slice(UNIT_KEY_SEPARATOR.as_bytes());
            }
            key.extend_from_slice(field(f));
        }
        // A year that is not a number is reported by the reader of the block.
        let year = std::str::from_utf8(field(layout.year_field))
            .ok()
            .and_then(|y| y.parse::<i32>().ok())
            .unwrap_or(i32::MIN);
        if runs.last().is_none_or(|r| r.key != key) {
            if let Some(&r) = seen.get(&key) {
                let earlier = runs[r].lines.last().map_or(line, |l| l.1);
                return Err(reappears(&key, earlier, line));
            }
            seen.insert(key.clone(), runs.len());
            runs.push(Run {
                key: key.clone(),
                lines: Vec::new(),
            });
        }
        if let Some(r) = runs.last_mut() {
            r.lines.push((year, line, text));
        }
    }
    runs.sort_by(|a, b| a.key.cmp(&b.key));
    let mut bytes = Vec::with_capacity(block.bytes.len() + 1);
    let mut lines = Vec::new();
    for r in &mut runs {
        if !r.lines.is_sorted_by_key(|l| l.0) {
            r.lines.sort_by_key(|l| l.0);
        }
        for &(_, line, text) in &r.lines {
            bytes.extend_from_slice(text);
            bytes.push(b'\n');
            lines.push(line);
        }
    }
    let regrouped = Block {
        index: block.index,
        first_line: 1,
        bytes,
    };
    Ok((regrouped, lines, runs.len()))
}

fn reappears(key: &[u8], earlier: u64, line: u64) -> Stop {
    Stop::Unsorted {
        line,
        what: format!(
            "the rows of unit `{}` are not together: line {earlier}, then other units, then line {line}",
            String::from_utf8_lossy(key)
        ),
    }
}

/// Reads a block whose units are each on consecutive lines, in any order
/// of units and years. A block in ascending order is read as it is;
/// another is regrouped first, and its rows keep their file lines and
/// file order.
pub fn read_grouped(block: &Block, layout: &Layout) -> Result<BlockPanel, Stop> {
    match read_block(block, layout) {
        Err(Stop::Unsorted { .. }) => {}
        other => return other,
    }
    let (regrouped, lines, units) = regroup(block, layout)?;
    let file_line = |l: u64| {
        usize::try_from(l)
            .ok()
            .and_then(|l| lines.get(l.wrapping_sub(1)))
            .copied()
            .unwrap_or(block.first_line)
    };
    let mut bp = match read_block(&regrouped, layout) {
        Ok(bp) => bp,
        // A year twice in a unit, or keys this reading and the reader of
        // the block compare otherwise: the in-memory reader reports it.
        Err(Stop::Unsorted { line, .. } | Stop::Irregular(line)) => {
            return Err(Stop::Irregular(file_line(line)));
        }
        Err(e) => return Err(e),
    };
    if bp.panel.countries.len() != units {
        return Err(Stop::Irregular(block.first_line));
    }
    for r in &mut bp.rows {
        r.1 = u32::try_from(file_line(u64::from(r.1))).unwrap_or(u32::MAX);
    }
    bp.rows.sort_by_key(|r| r.1);
    Ok(bp)
}

/// Reads the whole stream without scoring, to learn whether it can be
/// streamed. Returns the number of rows.
pub fn check<R: Read>(
    src: R,
    first_line: u64,
    layout: &Layout,
    opts: &Options,
) -> Result<usize, Stop> {
    let mut blocks = Blocks::new(src, first_line, layout, opts.block_bytes);
    let mut seen = Seen::default();
    let mut rows = 0;
    let work = |b: &Block| read_grouped(b, layout);
    rounds(&mut blocks, opts.threads, &work, |bp| {
        seen.next(&bp)?;
        rows += bp.rows.len();
        Ok(())
    })?;
    Ok(rows)
}

/// Scores the stream block by block on `opts.threads` threads. `render`
/// turns each scored block into output bytes on the worker threads, and
/// `sink` receives them in file order. Returns the number of rows read. On
/// [`Stop`], part of the output may have reached `sink`: check first
/// ([`check`]) when that matters.
pub fn score<R: Read>(
    src: R,
    first_line: u64,
    plan: &Plan,
    layout: &Layout,
    opts: &Options,
    render: &(dyn Fn(&BlockPanel, &Scores) -> Vec<u8> + Sync),
    mut sink: impl FnMut(&[u8]) -> Result<(), Stop>,
) -> Result<usize, Stop> {
    let mut blocks = Blocks::new(src, first_line, layout, opts.block_bytes);
    let mut seen = Seen::default();
    let mut rows = 0;
    let work = |b: &Block| {
        let bp = read_grouped(b, layout)?;
        let scores = super::evaluate(plan, &bp.panel);
        let text = render(&bp, &scores);
        Ok((bp, text))
    };
    rounds(&mut blocks, opts.threads, &work, |(bp, text)| {
        seen.next(&bp)?;
        rows += bp.rows.len();
        sink(&text)
    })?;
    Ok(rows)
}
