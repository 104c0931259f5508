//! One CSV line per country-year with the overall, crime and risk-factor
//! scores; which lines and columns are written is a [`Selection`] and an
//! optional list of column names (`score --columns`).

use std::io::Write as _;

use crate::analysis::{Row, Run, ValuesBasis, round};
use crate::compile::{Kind, Plan};
use crate::data::read::push_csv_field;
use crate::data::stream::BlockPanel;
use crate::score::Scores;

/// Appends a score as written in CSV: rounded to 6 places, nothing when none.
///
/// The text is the one `round(v, 6)` displays, written from the whole
/// number of millionths instead of by the float formatter: a multiple of a
/// millionth below 10^9 in size has at most 15 significant digits, and the
/// shortest decimal that reads back as a double of at most 15 significant
/// digits is that decimal itself (`f64` keeps 15 digits exactly), so the
/// digits are the same. Larger values go through the formatter.
fn push_score(out: &mut Vec<u8>, v: f64) {
    if v.is_nan() {
        return;
    }
    let n = (v * 10f64.powi(6)).round();
    if n.is_nan() || n.abs() >= 1e15 {
        if let Some(r) = round(v, 6) {
            let _ = write!(out, "{r}");
        }
        return;
    }
    // Exact: a whole number below 10^15.
    let a = n.abs() as u64;
    if a == 0 {
        out.push(b'0');
        return;
    }
    if n < 0.0 {
        out.push(b'-');
    }
    let (int, frac) = (a / 1_000_000, a % 1_000_000);
    push_uint(out, int);
    if frac != 0 {
        let mut digits = [b'0'; 6];
        let mut f = frac;
        for d in digits.iter_mut().rev() {
            *d = b'0' + (f % 10) as u8;
            f /= 10;
        }
        let keep = 6 - digits.iter().rev().take_while(|&&d| d == b'0').count();
        out.push(b'.');
        out.extend_from_slice(&digits[..keep]);
    }
}

/// Appends a whole number in decimal, as `{n}` writes it.
fn push_uint(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Appends a signed whole number in decimal, as `{n}` writes it.
fn push_int(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    push_uint(out, n.unsigned_abs());
}

/// Which rows of a run an output shows: the `top` highest-ranked of each
/// year, and of those only some countries (by index in the panel). Ranks
/// stay the ranks among all countries.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// The first N of each year's ranking.
    pub top: Option<usize>,
    /// Only these countries (panel indices).
    pub countries: Option<Vec<usize>>,
}

impl Selection {
    /// The ranked rows of year index `y` that are shown.
    pub fn rows(&self, run: &Run<'_>, y: usize) -> Vec<Row> {
        self.pick(run.ranked(y), |r| r.country)
    }

    /// [`Selection::rows`] as (rank, country index) alone.
    pub fn ranks(&self, run: &Run<'_>, y: usize) -> Vec<(usize, usize)> {
        let ranks = run.rank_order(y).into_iter().enumerate();
        self.pick(ranks.map(|(i, c)| (i + 1, c)).collect(), |r| r.1)
    }

    /// Of a year's items in rank order, the first `top`, then those of the
    /// countries asked for.
    fn pick<T>(&self, mut items: Vec<T>, country: impl Fn(&T) -> usize) -> Vec<T> {
        if let Some(t) = self.top {
            items.truncate(t);
        }
        if let Some(cs) = &self.countries {
            items.retain(|i| cs.contains(&country(i)));
        }
        items
    }

    /// How many rows a year shows at most.
    pub fn per_year(&self, countries: usize) -> usize {
        let n = self.countries.as_ref().map_or(countries, |c| c.len());
        self.top.map_or(n, |t| t.min(n))
    }
}

/// The data-age columns that close each line: measure values observed in
/// the year, carried forward, filled, missing, and the oldest year a carried
/// value comes from.
pub const DATA_AGE_COLUMNS: [&str; 5] = [
    "values_observed",
    "values_carried",
    "values_filled",
    "values_missing",
    "oldest_carried_year",
];

/// The columns before the scores, after `year` (and `rank` outside a stream).
const LEAD_COLUMNS: [&str; 5] = [
    "country",
    "score",
    "band",
    "indicators_with_data",
    "indicators_measured",
];

/// A CSV line being built field by field in one reused buffer, each field
/// written as the CSV writer writes it (quoted when it holds a comma, a
/// quote or a line end) and separated by commas: a line costs no
/// allocation once the buffers have grown.
struct Line {
    buf: Vec<u8>,
    /// Per field: where it starts and ends in `buf`.
    spans: Vec<(usize, usize)>,
}

impl Line {
    fn new() -> Line {
        Line {
            buf: Vec::new(),
            spans: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.spans.clear();
    }

    /// Adds a field, written by `write`, after a comma if it is not the
    /// first.
    fn field(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        if !self.spans.is_empty() {
            self.buf.push(b',');
        }
        let a = self.buf.len();
        write(&mut self.buf);
        self.spans.push((a, self.buf.len()));
    }

    fn text(&mut self, s: &str) {
        self.field(|b| push_csv_field(b, s.as_bytes()));
    }

    fn num(&mut self, n: usize) {
        self.field(|b| push_uint(b, n as u64));
    }

    fn int(&mut self, n: i32) {
        self.field(|b| push_int(b, i64::from(n)));
    }

    fn score(&mut self, v: f64) {
        self.field(|b| push_score(b, v));
    }

    /// Appends the line to `out`, with its line end: every field, or the
    /// fields at `pick` in that order (a line of one empty field is `""`,
    /// as the CSV writer writes it).
    fn write(&self, out: &mut Vec<u8>, pick: Option<&[usize]>) {
        match pick {
            None => out.extend_from_slice(&self.buf),
            Some(pick) => {
                let (mut n, mut empty) = (0, false);
                for &(a, b) in pick.iter().filter_map(|&i| self.spans.get(i)) {
                    if n > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(&self.buf[a..b]);
                    (n, empty) = (n + 1, a == b);
                }
                if n == 1 && empty {
                    out.extend_from_slice(b"\"\"");
                }
            }
        }
        out.push(b'\n');
    }

    /// The fields shared by `score --format csv` and streamed lines, from
    /// the country name on: score, band, indicators, the crime and
    /// risk-factor scores, and the data age.
    fn body(
        &mut self,
        name: &str,
        score: f64,
        band: Option<&str>,
        with: (usize, usize),
        values: impl Iterator<Item = f64>,
        b: &ValuesBasis,
    ) {
        self.text(name);
        self.score(score);
        self.text(band.unwrap_or_default());
        self.num(with.0);
        self.num(with.1);
        for v in values {
            self.score(v);
        }
        self.num(b.observed);
        self.num(b.carried);
        self.num(b.filled);
        self.num(b.missing);
        match b.oldest_carried {
            Some(y) => self.int(y),
            None => self.text(""),
        }
    }
}

/// The crime and risk-factor columns, in order.
fn score_columns(plan: &Plan) -> Vec<usize> {
    [Kind::Crime, Kind::RiskFactor]
        .iter()
        .flat_map(|k| plan.of_kind(*k))
        .collect()
}

/// The header columns after the unit key: country to data age.
fn extend_header(h: &mut Vec<String>, plan: &Plan) {
    h.extend(LEAD_COLUMNS.iter().map(|c| (*c).to_string()));
    h.extend(
        score_columns(plan)
            .iter()
            .map(|&n| plan.nodes[n].id.clone()),
    );
    h.extend(DATA_AGE_COLUMNS.iter().map(|c| (*c).to_string()));
}

/// The header of `score --format csv`: year, rank, the unit key (`iso3`
/// unless the data are keyed otherwise), country, score, band, indicator
/// counts, one column per crime and risk factor (their ids), and the data
/// age.
pub fn header(run: &Run<'_>) -> Vec<String> {
    let plan = run.plan;
    let mut h = vec![
        "year".to_string(),
        "rank".to_string(),
        run.panel.unit_key_label(),
    ];
    extend_header(&mut h, plan);
    h
}

/// The positions in [`header`] of the named columns, in the order given;
/// an unknown name is an error naming it.
pub fn pick_columns(header: &[String], names: &[String]) -> Result<Vec<usize>, String> {
    names
        .iter()
        .map(|n| {
            let n = n.trim();
            header
                .iter()
                .position(|h| h == n)
                .ok_or_else(|| n.to_string())
        })
        .collect()
}

/// Writes the CSV of every country-year of the run.
pub fn write(run: &Run<'_>) -> String {
    write_selected(run, &Selection::default(), None)
}

/// Writes the CSV of the selected rows, in rank order within each year;
/// with `columns` (positions in [`header`], see [`pick_columns`]), only
/// those columns, in that order.
pub fn write_selected(run: &Run<'_>, sel: &Selection, columns: Option<&[usize]>) -> String {
    let mut out = Vec::new();
    let _ = write_selected_to(run, sel, columns, &mut |piece| {
        out.extend_from_slice(piece);
        Ok(())
    });
    String::from_utf8(out).unwrap_or_default()
}

/// [`write_selected`] handed to `sink` in pieces that follow one another,
/// each as soon as it is made: the header, then the lines of a few years
/// at a time, made on several threads when there are many rows (each its
/// own run of years), so that the whole text is never held at once. Stops
/// at the first error of `sink`.
pub fn write_selected_to(
    run: &Run<'_>,
    sel: &Selection,
    columns: Option<&[usize]>,
    sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let rows = run.years.len() * sel.per_year(run.panel.countries.len());
    let threads = if rows < 100_000 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    };
    write_on(run, sel, columns, threads, sink)
}

/// [`write_selected_to`] on `threads` threads: each makes the lines of two
/// years at a time (the threads take turns, in year order) while this
/// thread hands the lines made so far to `sink`, in year order. Each
/// thread reuses the few buffers it fills, so no buffer is held longer
/// than its lines are; a thread that cannot be started has its years made
/// here.
fn write_on(
    run: &Run<'_>,
    sel: &Selection,
    columns: Option<&[usize]>,
    threads: usize,
    sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::sync::mpsc;
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let head = header(run);
    let _ = match columns {
        Some(pick) => w.write_record(pick.iter().map(|&i| head[i].as_str())),
        None => w.write_record(&head),
    };
    sink(&w.into_inner().unwrap_or_default())?;
    let mut here = Vec::new();
    if threads <= 1 {
        write_years(run, sel, columns, &run.years, &mut here);
        return sink(&here);
    }
    const YEARS_PER_THREAD: usize = 2;
    let batches: Vec<&[usize]> = run.years.chunks(YEARS_PER_THREAD).collect();
    std::thread::scope(|s| {
        // Per thread: its filled buffers, in the order it made them, and
        // the buffers handed back to it once written.
        let mut lanes: Vec<_> = (0..threads)
            .map(|t| {
                let (full_tx, full_rx) = mpsc::sync_channel::<Vec<u8>>(1);
                let (back_tx, back_rx) = mpsc::channel::<Vec<u8>>();
                let mine: Vec<&[usize]> =
                    batches.iter().skip(t).step_by(threads).copied().collect();
                let made = std::thread::Builder::new().spawn_scoped(s, move || {
                    for ys in mine {
                        let mut buf = back_rx.try_recv().unwrap_or_default();
                        write_years(run, sel, columns, ys, &mut buf);
                        if full_tx.send(buf).is_err() {
                            return;
                        }
                    }
                });
                made.ok().map(|h| (h, full_rx, back_tx))
            })
            .collect();
        for (i, ys) in batches.iter().enumerate() {
            let lane = &mut lanes[i % threads];
            match lane.as_ref().map(|(_, full_rx, _)| full_rx.recv()) {
                Some(Ok(buf)) => {
                    sink(&buf)?;
                    if let Some((_, _, back_tx)) = lane {
                        let _ = back_tx.send(buf);
                    }
                    continue;
                }
                // The thread stopped before its lines were made: its panic
                // goes on here.
                Some(Err(_)) => {
                    if let Some((h, _, _)) = lane.take()
                        && let Err(p) = h.join()
                    {
                        std::panic::resume_unwind(p);
                    }
                }
                None => {}
            }
            // No thread for these years: they are made here.
            write_years(run, sel, columns, ys, &mut here);
            sink(&here)?;
        }
        Ok(())
    })
}

/// The CSV lines (no header) of the selected rows of year indices `years`.
fn write_years(
    run: &Run<'_>,
    sel: &Selection,
    columns: Option<&[usize]>,
    years: &[usize],
    out: &mut Vec<u8>,
) {
    let plan = run.plan;
    let cols = score_columns(plan);
    let overall = plan.overall();
    let measured = run.measured_indicators();
    let rows = years.len() * sel.per_year(run.panel.countries.len());
    out.clear();
    out.reserve(rows * 64);
    let mut line = Line::new();
    // Per shown country of a year: its score, crime and risk-factor scores,
    // measured indicators with data, and data basis. They are read in
    // country order, one cell after another at a fixed stride, and written
    // in rank order from these arrays: read in rank order, every value was
    // far from the last one read.
    let width = 1 + cols.len();
    let mut at = vec![usize::MAX; run.panel.countries.len()];
    let (mut values, mut with, mut basis) = (Vec::new(), Vec::new(), Vec::new());
    for &y in years {
        let year = run.panel.year(y);
        let ranks = sel.ranks(run, y);
        let mut shown: Vec<usize> = ranks.iter().map(|&(_, c)| c).collect();
        shown.sort_unstable();
        values.clear();
        with.clear();
        basis.clear();
        for (i, &country) in shown.iter().enumerate() {
            let cell = run.panel.cell(country, y);
            at[country] = i;
            values.push(run.scores.value(overall, cell));
            values.extend(cols.iter().map(|&n| run.scores.value(n, cell)));
            with.push(run.with_data(&measured, cell));
            basis.push(run.values_basis(country, y));
        }
        for (rank, country) in ranks {
            let i = at[country];
            let (score, scores) = (values[i * width], &values[i * width + 1..(i + 1) * width]);
            let c = &run.panel.countries[country];
            line.clear();
            line.int(year);
            line.num(rank);
            line.text(&c.iso3);
            line.body(
                &c.name,
                score,
                plan.band(overall, score),
                (with[i], measured.len()),
                scores.iter().copied(),
                &basis[i],
            );
            line.write(out, columns);
        }
    }
}

/// The header of streamed CSV: like `score --format csv` without `rank`,
/// with the line each row was read from.
pub fn stream_header(plan: &Plan, unit_key_label: String) -> Vec<u8> {
    let mut h = vec!["year".to_string(), unit_key_label];
    extend_header(&mut h, plan);
    h.push("line".to_string());
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&h);
    w.into_inner().unwrap_or_default()
}

/// The CSV lines (no header) of one streamed block: one per row read, in
/// file order, for the years in `years` if given.
pub fn stream_rows(
    plan: &Plan,
    bp: &BlockPanel,
    scores: &Scores,
    years: Option<(i32, i32)>,
) -> Vec<u8> {
    let panel = &bp.panel;
    let run = Run {
        plan,
        panel,
        scores,
        years: Vec::new(),
    };
    let measured = run.measured_indicators();
    let cols = score_columns(plan);
    let overall = plan.overall();
    let mut out = Vec::with_capacity(bp.rows.len() * 64);
    let mut line = Line::new();
    for &(c, row) in &bp.rows {
        let (unit, y) = (c / panel.n_years, c % panel.n_years);
        let year = panel.year(y);
        if years.is_some_and(|(a, b)| year < a || year > b) {
            continue;
        }
        let u = &panel.countries[unit];
        let score = scores.value(overall, c);
        let with = run.with_data(&measured, c);
        line.clear();
        line.int(year);
        line.text(&u.iso3);
        line.body(
            &u.name,
            score,
            plan.band(overall, score),
            (with, measured.len()),
            cols.iter().map(|&n| scores.value(n, c)),
            &run.values_basis(unit, y),
        );
        line.num(row as usize);
        line.write(&mut out, None);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The text the float formatter gives for a score rounded to 6 places.
    fn formatted(v: f64) -> String {
        round(v, 6).map(|r| format!("{r}")).unwrap_or_default()
    }

    fn pushed(v: f64) -> String {
        let mut s = Vec::new();
        push_score(&mut s, v);
        String::from_utf8(s).unwrap()
    }

    #[test]
    fn scores_are_written_as_the_formatter_writes_them() {
        for v in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            0.1234565,
            0.1234575,
            -0.0000004,
            -0.0000006,
            0.000001,
            123.4,
            1e8 + 0.123456,
            999_999_999.999_999,
            1e9,
            1e12,
            -3.5e15,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ] {
            assert_eq!(pushed(v), formatted(v), "{v:e}");
        }
        assert_eq!(pushed(0.25), "0.25");
        assert_eq!(pushed(-0.0000004), "0");
        assert_eq!(pushed(f64::NAN), "");
    }

    #[test]
    fn threads_write_the_bytes_of_one() {
        let inputs = crate::embedded::inputs();
        let (name, text) = crate::embedded::FRAMEWORK;
        let (plan, panel, scores) = crate::assess(name, text, &inputs).unwrap();
        let run = Run {
            plan: &plan,
            panel: &panel,
            scores: &scores,
            years: (0..panel.n_years).collect(),
        };
        let sel = Selection {
            top: Some(40),
            countries: None,
        };
        let pick = [0, 2, 4];
        for (sel, columns) in [
            (&Selection::default(), None),
            (&sel, None),
            (&sel, Some(&pick[..])),
        ] {
            let on = |threads: usize| {
                let mut out = Vec::new();
                write_on(&run, sel, columns, threads, &mut |piece| {
                    out.extend_from_slice(piece);
                    Ok(())
                })
                .unwrap();
                out
            };
            let one = on(1);
            assert!(one.iter().filter(|&&b| b == b'\n').count() > 1000);
            assert_eq!(one, write_selected(&run, sel, columns).into_bytes());
            for threads in [2, 3, 7, 500] {
                assert_eq!(on(threads), one, "{threads} threads");
            }
        }
        // The first error of the sink stops the writing and is returned.
        for threads in [1, 2, 3] {
            let mut calls = 0;
            let r = write_on(&run, &Selection::default(), None, threads, &mut |_| {
                calls += 1;
                if calls == 2 {
                    Err(std::io::Error::other("full"))
                } else {
                    Ok(())
                }
            });
            assert_eq!(r.unwrap_err().to_string(), "full");
            assert_eq!(calls, 2, "{threads} threads");
        }
    }

    proptest! {
        /// A line's fields, all or some, are the bytes the CSV writer writes.
        #[test]
        fn lines_are_written_as_the_csv_writer_writes_them(
            a in "[a-z ,\"\n\r#é]{0,12}",
            b in "[a-z ,\"]{0,6}",
            n in any::<u32>(),
            y in any::<i32>(),
        ) {
            let mut line = Line::new();
            line.text(&a);
            line.num(n as usize);
            line.int(y);
            line.text(&b);
            let fields = [a.clone(), n.to_string(), y.to_string(), b.clone()];
            let written = |pick: &[usize]| {
                let mut w = ::csv::Writer::from_writer(Vec::new());
                w.write_record(pick.iter().map(|&i| &fields[i])).unwrap();
                w.into_inner().unwrap()
            };
            let mut all = Vec::new();
            line.write(&mut all, None);
            prop_assert_eq!(all, written(&[0, 1, 2, 3]));
            for pick in [&[0][..], &[3], &[3, 0], &[2, 1]] {
                let mut some = Vec::new();
                line.write(&mut some, Some(pick));
                prop_assert_eq!(some, written(pick));
            }
        }

        #[test]
        fn any_score_is_written_as_the_formatter_writes_it(
            unit in 0.0f64..1.0,
            wide in -1e10f64..1e10,
            bits in any::<u64>(),
            millionths in -1_000_000_000_000_000i64..1_000_000_000_000_000,
        ) {
            prop_assert_eq!(pushed(unit), formatted(unit));
            prop_assert_eq!(pushed(wide), formatted(wide));
            let any = f64::from_bits(bits);
            prop_assert_eq!(pushed(any), formatted(any));
            // Values on and next to a whole number of millionths.
            let m = millionths as f64 / 1e6;
            for v in [m, m.next_up(), m.next_down(), m + 5e-7, m - 5e-7] {
                prop_assert_eq!(pushed(v), formatted(v), "{:e}", v);
            }
        }
    }
}
