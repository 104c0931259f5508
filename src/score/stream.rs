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
use crate::data::stream::{Block, BlockPanel, Blocks, Layout, Stop, read_block, reappears};

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
    let work = |b: &Block| read_block(b, layout);
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
        let bp = read_block(b, layout)?;
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
