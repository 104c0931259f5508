//! `atrisk score --stream`: score a large panel sorted by unit, then year,
//! block by block, in flat memory and on several threads. When the input
//! cannot be streamed, a note says why and `score` reads it in memory.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read, Write};
use std::path::Path;

use super::score::{Args, Format};
use super::{Ctx, EXIT_OK, Failure, compile_plan, load_framework, print_warnings, unit_key_of};
use crate::data::assessments::Assessments;
use crate::data::stream::{Layout, Stop, layout};
use crate::diagnostic::{self, Diagnostic, Origin, Sources};
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
fn note(ctx: &Ctx, d: Diagnostic) {
    eprint!(
        "{}",
        diagnostic::render(&[d], &Sources::default(), ctx.color)
    );
}

fn fallback(ctx: &Ctx, file: &str, why: &str) {
    note(
        ctx,
        Diagnostic::warning(
            "D041",
            Origin::Data,
            format!("`{file}` cannot be streamed: {why}; scoring it in memory instead"),
        )
        .with_hint("--stream reads one wide CSV file (unit key, year, columns...) sorted by unit, then year, with a framework that normalises each value on its own"),
    );
}

fn unsorted(ctx: &Ctx, file: &str, line: u64, what: &str) {
    note(
        ctx,
        Diagnostic::warning(
            "D040",
            Origin::Data,
            format!("`{file}` is not sorted by unit, then year ({what}); scoring it in memory instead"),
        )
        .at(file, line, 1, 1, "out of order")
        .with_hint("sort the rows by the unit key, then by year (for example `sort -t, -k1,1 -k2,2n` on a file whose first columns are the key and the year) to score in flat memory"),
    );
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

/// The header and first row of a file, and a reader of the rest (from line 2).
fn open(path: &Path) -> std::io::Result<(Vec<u8>, impl Read)> {
    let mut r = BufReader::new(File::open(path)?);
    let mut head = Vec::new();
    r.read_until(b'\n', &mut head)?;
    let mut pre = Vec::new();
    loop {
        let start = pre.len();
        if r.read_until(b'\n', &mut pre)? == 0 {
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
        fallback(ctx, "the data", why);
        return Ok(None);
    };
    let file = data.path.display().to_string();
    if input.to_iso3.is_some() {
        fallback(ctx, &file, "--to-iso3 rewrites the file in memory");
        return Ok(None);
    }
    if !input.assessments.is_empty() {
        fallback(ctx, &file, "analyst assessments are joined in memory");
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
            fallback(ctx, &file, &why);
            return Ok(None);
        }
        // Errors are reported by the in-memory reader.
        Err(_) => return Ok(None),
    };
    let plan = compile_plan(&loaded, &lay.schema, &Assessments::default(), &sources)?;
    if let Some(why) = stream::unstreamable(&plan) {
        fallback(ctx, &file, &why);
        return Ok(None);
    }
    lay.parse_columns(&stream::read_columns(&plan));
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
    let stopped = |ctx: &Ctx, s: Stop| match s {
        Stop::Unsorted { line, what } => unsorted(ctx, &file, line, &what),
        Stop::Irregular(line) => fallback(ctx, &file, &format!("line {line} is irregular")),
        Stop::Unsupported(why) | Stop::Io(why) => fallback(ctx, &file, &why),
    };
    match a.output.as_deref() {
        None => {
            // Nothing is written before the whole file is known to stream.
            if let Err(s) = stream::check(reader(&sources)?, 2, &lay, &opts) {
                stopped(ctx, s);
                return Ok(None);
            }
            print_warnings(ctx, &loaded.warnings, &sources);
            let mut so = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let res =
                crate::pipeline::stream_csv(reader(&sources)?, 2, &plan, &lay, &opts, &mut so)
                    .and_then(|_| so.flush().map_err(|e| Stop::Io(e.to_string())));
            match res {
                Ok(()) => Ok(Some(EXIT_OK)),
                Err(Stop::Io(e)) if e.contains("Broken pipe") => Ok(Some(EXIT_OK)),
                Err(Stop::Io(e)) => Err(super::output_error(&format!(
                    "cannot write to standard output: {e}"
                ))),
                Err(s) => {
                    stopped(ctx, s);
                    Err(super::output_error(
                        "the output was cut short: the data changed while being read",
                    ))
                }
            }
        }
        Some(path) => {
            let target = Target::new(path, &input.paths())?;
            let mut out = std::io::BufWriter::with_capacity(
                1 << 16,
                File::create(&target.tmp).map_err(|e| target.error(&e))?,
            );
            let res =
                crate::pipeline::stream_csv(reader(&sources)?, 2, &plan, &lay, &opts, &mut out)
                    .and_then(|_| out.flush().map_err(|e| Stop::Io(e.to_string())));
            drop(out);
            match res {
                Ok(_) => {
                    print_warnings(ctx, &loaded.warnings, &sources);
                    target.commit()?;
                    Ok(Some(EXIT_OK))
                }
                Err(s) => {
                    target.abandon();
                    if let Stop::Io(e) = &s {
                        return Err(super::output_error(&format!(
                            "cannot write `{}`: {e}",
                            path.display()
                        )));
                    }
                    stopped(ctx, s);
                    Ok(None)
                }
            }
        }
    }
}

/// An output file written through a temporary file beside it, renamed
/// into place once whole.
struct Target<'a> {
    path: &'a Path,
    tmp: std::path::PathBuf,
}

impl<'a> Target<'a> {
    fn new(path: &'a Path, inputs: &[std::path::PathBuf]) -> Result<Self, Failure> {
        // The checks of `write_output`, made before anything is written.
        let canon = std::fs::canonicalize(path).ok();
        if canon.is_some()
            && inputs
                .iter()
                .any(|i| std::fs::canonicalize(i).ok() == canon)
        {
            return Err(super::usage(
                format!("refusing to overwrite the input file `{}`", path.display()),
                "choose another output file with -o",
            ));
        }
        if path.is_dir() {
            return Err(super::usage(
                format!("`{}` is a directory", path.display()),
                "give a file name with -o",
            ));
        }
        let name = path
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        Ok(Target { path, tmp })
    }

    fn error(&self, e: &std::io::Error) -> Failure {
        super::output_error(&format!("cannot write `{}`: {e}", self.path.display()))
    }

    fn commit(&self) -> Result<(), Failure> {
        std::fs::rename(&self.tmp, self.path).map_err(|e| {
            self.abandon();
            self.error(&e)
        })
    }

    fn abandon(&self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}
