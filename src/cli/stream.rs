//! `atrisk score --stream`: score a large panel grouped by unit (each
//! unit's rows together, in any order), block by block, in flat memory and
//! on several threads. When the input
//! cannot be streamed, a note says why and `score` reads it in memory.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Cursor, Read, Write};
use std::path::Path;

use super::score::{Args, Format};
use super::{
    Console, Ctx, Destination, EXIT_OK, Failure, Watched, check_output, compile_plan,
    console_error, emit, load_framework, output_error, print_warnings, unit_key_of,
};
use crate::data::assessments::Assessments;
use crate::data::read::{Delimiter, sniff_delimiter};
use crate::data::stream::{Layout, Stop, layout};
use crate::data::xlsx::is_workbook_path;
use crate::diagnostic::{self, Diagnostic, Origin, Sources};
use crate::limits::Limit;
use crate::pipeline::DataArg;
use crate::score::stream::{self, Options};

fn stream_usage(msg: impl Into<String>, hint: impl Into<String>) -> Failure {
    Failure {
        diags: Diagnostic::error("U020", Origin::Usage, msg)
            .with_hint(hint)
            .into(),
        sources: Sources::default(),
    }
}

/// Prints why the input is read in memory after all.
fn note(ctx: &Ctx, d: Diagnostic) -> Result<(), Failure> {
    emit(
        Console::Err,
        &diagnostic::render(&[d], &Sources::default(), ctx.color),
    )
}

fn fallback(ctx: &Ctx, file: &str, why: &str) -> Result<(), Failure> {
    note(
        ctx,
        Diagnostic::warning(
            "D041",
            Origin::Data,
            format!("`{file}` cannot be streamed: {why}; scoring it in memory instead"),
        )
        .with_hint("--stream reads one wide CSV file (unit key, year, columns...) with each unit's rows together, with a framework that normalises each value on its own"),
    )
}

/// A unit whose rows are not together (D040, exit 3): the command that
/// groups the file is in the hint.
fn ungrouped(file: &str, key_fields: &[usize], line: u64, what: &str) -> Failure {
    let keys: String = key_fields
        .iter()
        .map(|f| format!(" -k{0},{0}", f + 1))
        .collect();
    Failure {
        diags: Diagnostic::error(
            "D040",
            Origin::Data,
            format!("`{file}` is not grouped by unit: {what}"),
        )
        .at(file, line, 1, 1, "the unit comes back here")
        .with_hint(format!(
            "--stream needs each unit's rows on consecutive lines (units and years may come in any order); group them, for example with `(head -n 1 {file} && tail -n +2 {file} | LC_ALL=C sort -s -t,{keys}) > grouped.csv` when no field up to the key holds a comma, or drop --stream to score the file in memory"
        ))
        .into(),
        sources: Sources::default(),
    }
}

/// `--year` / `--years` as a range of years (all years when unset).
fn year_range(a: &Args) -> Result<Option<(i32, i32)>, Failure> {
    if let Some(y) = a.year {
        return Ok(Some((y, y)));
    }
    match a.years.as_deref() {
        None | Some("all") => Ok(None),
        Some(s) => super::score::parse_range(s).map(Some),
    }
}

/// The header and first row of a file, and a reader of the rest (from line
/// 2). Neither is read past the `data-bytes` limit (an endless line, such
/// as `/dev/zero` gives, stops there and the file is read in memory, where
/// the limit is reported).
fn open(path: &Path) -> std::io::Result<(Vec<u8>, impl Read)> {
    let cap = Limit::DataBytes.get();
    let mut r = BufReader::new(File::open(path)?);
    let mut head = Vec::new();
    (&mut r).take(cap).read_until(b'\n', &mut head)?;
    let mut pre = Vec::new();
    loop {
        let start = pre.len();
        let room = cap.saturating_sub((head.len() + pre.len()) as u64);
        if room == 0 {
            return Err(std::io::Error::other("the first lines are over the limit"));
        }
        if (&mut r).take(room).read_until(b'\n', &mut pre)? == 0 {
            break;
        }
        if !pre[start..].trim_ascii().is_empty() {
            let first = pre[start..].to_vec();
            head.extend_from_slice(&first);
            break;
        }
    }
    Ok((head, Cursor::new(pre).chain(r)))
}

/// The first bytes of a regular file (at most 64 KiB, cut after its last
/// whole line), enough to tell its separator; empty when it cannot be read
/// (the in-memory reader then reports it) and for a pipe or a device,
/// which are not read ahead.
fn first_lines(path: &Path) -> Vec<u8> {
    let mut buf = Vec::new();
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return buf;
    }
    let Ok(f) = File::open(path) else {
        return buf;
    };
    if f.take(1 << 16).read_to_end(&mut buf).is_err() {
        buf.clear();
    }
    if buf.len() == 1 << 16
        && let Some(end) = buf.iter().rposition(|&b| b == b'\n')
    {
        buf.truncate(end + 1);
    }
    buf
}

/// A workbook, or a text file separated by another character than the
/// comma (given with `--delimiter` or found as the in-memory reader finds
/// it), is refused (U020) before anything is read or written: the stream
/// reads comma-separated text only, and these files are read in memory.
fn check_comma_separated(data: &DataArg, delimiter: Option<Delimiter>) -> Result<(), Failure> {
    let file = data.path.display().to_string();
    let head = first_lines(&data.path);
    // A zip container (.xlsx) or an OLE container (an encrypted workbook).
    let container = head.starts_with(b"PK\x03\x04") || head.starts_with(b"\xD0\xCF\x11\xE0");
    if data.sheet.is_some() || is_workbook_path(&file) || container {
        return Err(stream_usage(
            format!("`{file}` is a workbook: --stream reads comma-separated text files"),
            "drop --stream to read the sheet in memory, or save the sheet as CSV (UTF-8, comma-separated) and stream that file",
        ));
    }
    let d = delimiter
        .or(data.delimiter)
        .map_or_else(|| sniff_delimiter(&head), |d| d.0);
    if d == b',' {
        return Ok(());
    }
    let name = match d {
        b'\t' => "tabs".to_string(),
        b';' => "semicolons".to_string(),
        other => format!("`{}`", char::from(other)),
    };
    Err(stream_usage(
        format!("`{file}` is separated by {name}: --stream reads comma-separated files"),
        "drop --stream to read the file in memory, or save the file with commas between fields (and points as decimal marks)",
    ))
}

/// Scores with `--stream`. `Ok(None)` when the input must be read in memory
/// (a note has said why).
pub fn run(ctx: &Ctx, a: &Args) -> Result<Option<u8>, Failure> {
    if !matches!(a.format, Format::Csv) {
        return Err(stream_usage(
            "--stream writes CSV only",
            "add --format csv (tables, Markdown and JSON need every unit in memory: drop --stream)",
        ));
    }
    if a.top.is_some() {
        return Err(stream_usage(
            "--top needs every unit of a year, which --stream does not hold",
            "drop --top, or drop --stream",
        ));
    }
    let years = year_range(a)?;
    let input = &a.input;
    let [data] = input.data.as_slice() else {
        let why = if input.data.is_empty() {
            "no --data file was given (the shipped panel is small: it is scored in memory)"
        } else {
            "--stream reads one --data file"
        };
        fallback(ctx, "the data", why)?;
        return Ok(None);
    };
    check_comma_separated(data, input.delimiter)?;
    let file = data.path.display().to_string();
    if input.to_iso3.is_some() {
        fallback(ctx, &file, "--to-iso3 rewrites the file in memory")?;
        return Ok(None);
    }
    if !input.assessments.is_empty() {
        fallback(ctx, &file, "analyst assessments are joined in memory")?;
        return Ok(None);
    }
    let mut sources = Sources::default();
    let loaded = load_framework(input.framework.as_deref(), &mut sources)?;
    let key = unit_key_of(&input.unit_key, &loaded);
    let Ok((head, _)) = open(&data.path) else {
        // The in-memory reader reports the error.
        return Ok(None);
    };
    let mut lay: Layout = match layout(&file, data.prefix.as_deref(), &head, &key) {
        Ok(l) => l,
        Err(Ok(Stop::Unsupported(why))) => {
            fallback(ctx, &file, &why)?;
            return Ok(None);
        }
        // Errors are reported by the in-memory reader.
        Err(_) => return Ok(None),
    };
    let plan = compile_plan(&loaded, &lay.schema, &Assessments::default(), &sources)?;
    if let Some(why) = stream::unstreamable(&plan) {
        fallback(ctx, &file, &why)?;
        return Ok(None);
    }
    lay.parse_columns(&stream::read_columns(&plan));
    // Every block is scored on its own: its grid of unit-years is bounded so
    // that its node scores stay within `score-cells`.
    let per_node = Limit::ScoreCells.get() / plan.nodes.len().max(1) as u64;
    lay.max_grid = lay.max_grid.min(per_node.max(1));
    let threads = a
        .threads
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get));
    let opts = Options {
        threads,
        years,
        ..Options::default()
    };
    let reader = |sources: &Sources| {
        open(&data.path).map(|(_, r)| r).map_err(|e| Failure {
            diags: Diagnostic::error(
                "D001",
                Origin::Data,
                format!("cannot read data file `{file}`: {e}"),
            )
            .into(),
            sources: sources.clone(),
        })
    };
    // A unit that comes back is an error; what else stops the stream sends
    // the file to the in-memory reader, with a note.
    let stopped = |ctx: &Ctx, s: Stop| match s {
        Stop::Unsorted { line, what } => Err(ungrouped(&file, &lay.key_fields, line, &what)),
        Stop::Irregular(line) => fallback(ctx, &file, &format!("line {line} is irregular")),
        Stop::Unsupported(why) | Stop::Io(why) => fallback(ctx, &file, &why),
    };
    let Some(path) = a.output.as_deref() else {
        // Nothing is written before the whole file is known to stream.
        if let Err(s) = stream::check(reader(&sources)?, 2, &lay, &opts) {
            stopped(ctx, s)?;
            return Ok(None);
        }
        print_warnings(ctx, &loaded.warnings, &sources)?;
        let mut so = Watched {
            inner: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
            error: None,
        };
        let res = crate::pipeline::stream_csv(reader(&sources)?, 2, &plan, &lay, &opts, &mut so)
            .and_then(|_| so.flush().map_err(|e| Stop::Io(e.to_string())));
        return match (res, so.error) {
            (Ok(()), _) => Ok(Some(EXIT_OK)),
            (Err(Stop::Io(_)), Some(kind)) => {
                Err(console_error(Console::Out, &std::io::Error::from(kind)))
            }
            (Err(Stop::Io(e)), None) => Err(output_error(&format!(
                "cannot write to standard output: {e}"
            ))),
            (Err(s), _) => {
                stopped(ctx, s)?;
                Err(output_error(
                    "the output was cut short: the data changed while being read",
                ))
            }
        };
    };
    let dest = check_output(path, &input.paths())?;
    let cannot = |e: &dyn std::fmt::Display| {
        output_error(&format!("cannot write `{}`: {e}", path.display()))
    };
    let (file_out, tmp) = match &dest {
        Destination::Special => (OpenOptions::new().write(true).open(path), None),
        Destination::Replace { tmp } => (
            OpenOptions::new().write(true).create_new(true).open(tmp),
            Some(tmp.as_path()),
        ),
    };
    let abandon = || {
        if let Some(t) = tmp {
            let _ = std::fs::remove_file(t);
        }
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file_out.map_err(|e| cannot(&e))?);
    let res = crate::pipeline::stream_csv(reader(&sources)?, 2, &plan, &lay, &opts, &mut out)
        .and_then(|_| out.flush().map_err(|e| Stop::Io(e.to_string())));
    drop(out);
    match res {
        Ok(()) => {
            print_warnings(ctx, &loaded.warnings, &sources)?;
            if let Some(t) = tmp {
                std::fs::rename(t, path).map_err(|e| {
                    abandon();
                    cannot(&e)
                })?;
            }
            Ok(Some(EXIT_OK))
        }
        Err(Stop::Io(e)) => {
            abandon();
            Err(cannot(&e))
        }
        Err(s) => {
            abandon();
            stopped(ctx, s)?;
            Ok(None)
        }
    }
}
