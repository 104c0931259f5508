//! `atrisk score`: score countries and write a ranked table, CSV, JSON,
//! Markdown or an Excel workbook.

use std::path::PathBuf;

use super::{
    Ctx, EXIT_OK, Failure, InputArgs, usage, write_file_output, write_output, write_output_with,
};
use crate::analysis::Run;
pub use crate::analysis::year::{default_year, parse_range, select_years};
use crate::data::Panel;
use crate::data::names::Names;
use crate::diagnostic::Sources;
use crate::report;
use crate::report::csv::Selection;

/// Output formats of `score`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A ranked table for the terminal.
    Table,
    /// One line per country-year, in rank order within each year.
    Csv,
    /// Every node, with coverage and input cells.
    Json,
    /// A Markdown table.
    Md,
    /// An Excel workbook (needs -o FILE): scores, risk factors, indicators with their source cells, recommendations, sources.
    Xlsx,
}

/// Arguments of `score`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Year to score (default: the latest year in which most countries can be scored).
    #[arg(long, value_name = "YEAR", conflicts_with = "years", value_parser = super::numbers::year)]
    pub year: Option<i32>,
    /// Years to score: A..B, or all years when given without a value.
    #[arg(long, value_name = "A..B", num_args = 0..=1, default_missing_value = "all")]
    pub years: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Show only the N highest-ranked countries per year (every format).
    #[arg(long, value_name = "N", value_parser = super::numbers::top)]
    pub top: Option<usize>,
    /// Show only these countries: ISO3 codes in any case or names as people write them (SDN, Burma, DR Congo, Türkiye); repeat, or separate with commas. Ranks stay the ranks among all countries; with --top, only those of the N highest-ranked.
    #[arg(long, value_name = "ISO3|NAME")]
    pub country: Vec<String>,
    /// CSV columns to write, in this order (names as in the CSV header, e.g. year,rank,iso3,score,band; listed in docs/methodology.md).
    #[arg(long, value_name = "COL[,COL...]", value_delimiter = ',')]
    pub columns: Vec<String>,
    /// Write to this file instead of standard output (written whole, or not at all).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Score a large wide CSV panel grouped by unit (each unit's rows together, in any order), block by block in flat memory (CSV only: one line per row read, with its line number; all years unless --year/--years).
    #[arg(long)]
    pub stream: bool,
    /// Threads for --stream, 1 to 256 (default: the number of cores); the output is the same for any number.
    #[arg(long, value_name = "N", requires = "stream", value_parser = super::numbers::threads)]
    pub threads: Option<u16>,
}

/// The countries of `--country` (each value an ISO3 code or a name, or
/// several separated by commas), as panel indices in the order given;
/// `None` when none is given. A value that names a country as a whole
/// (`Korea, Republic of`) is taken whole before it is split at commas.
pub(super) fn select_countries(
    panel: &Panel,
    names: &Names,
    given: &[String],
) -> Result<Option<Vec<usize>>, Failure> {
    if given.is_empty() {
        return Ok(None);
    }
    let mut out: Vec<usize> = Vec::new();
    for value in given {
        let found = match crate::data::names::find_unit(panel, names, value) {
            Ok(i) => vec![i],
            Err(e) if !value.contains(',') => return Err(usage(e.0, e.1)),
            Err(_) => value
                .split(',')
                .filter(|p| !p.trim().is_empty())
                .map(|p| super::explain::find_country(panel, names, p))
                .collect::<Result<_, _>>()?,
        };
        for i in found {
            if !out.contains(&i) {
                out.push(i);
            }
        }
    }
    if out.is_empty() {
        return Err(usage(
            "`--country` names no country",
            "give an ISO3 code or a country name, e.g. --country SDN or --country \"DR Congo\"",
        ));
    }
    Ok(Some(out))
}

/// The options that a format or `--stream` cannot honour, refused before
/// anything is read.
fn check_options(a: &Args) -> Result<(), Failure> {
    if let Some(top) = a.top {
        super::numbers::check_top(top)?;
    }
    if a.stream && !(a.country.is_empty() && a.columns.is_empty()) {
        return Err(usage(
            "--country and --columns need the ranking of every year, which --stream does not hold",
            "drop --country and --columns, or drop --stream",
        ));
    }
    if !a.columns.is_empty() && a.format != Format::Csv {
        return Err(usage(
            "`--columns` picks the columns of CSV",
            "add --format csv, or drop --columns",
        ));
    }
    if a.format == Format::Xlsx && a.output.is_none() {
        return Err(usage(
            "a workbook needs -o FILE: it is not written to standard output",
            "add -o FILE.xlsx",
        ));
    }
    Ok(())
}

/// Runs `score`.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    check_options(a)?;
    if a.stream
        && let Some(code) = super::stream::run(ctx, a)?
    {
        return Ok(code);
    }
    let super::Scored {
        plan,
        panel,
        scores,
        names,
        ..
    } = a.input.score(ctx)?;
    let sel = Selection {
        top: a.top,
        countries: select_countries(&panel, &names, &a.country)?,
    };
    // The year assessed by default, found only when no year is given.
    let default =
        (a.year.is_none() && a.years.is_none()).then(|| default_year(&plan, &panel, &scores));
    let years = select_years(
        a.year,
        a.years.as_deref(),
        &panel,
        default.as_ref().map_or(0, |d| d.year_idx),
    )?;
    // Which year was assessed by default, and why, leads the table.
    let basis = match &default {
        Some(d) => format!("{}.\n\n", d.reason),
        None => String::new(),
    };
    let run = Run {
        plan: &plan,
        panel: &panel,
        scores: &scores,
        years,
    };
    let fail = |d| Failure::new(d, &Sources::default());
    let text = match a.format {
        Format::Table => basis + &report::text::write(&run, &sel),
        Format::Csv => {
            let columns = pick_columns(&run, &a.columns)?;
            // Written as it is made, a few years at a time.
            write_output_with(a.output.as_deref(), &a.input.paths(), &mut |sink| {
                report::csv::write_selected_to(&run, &sel, columns.as_deref(), sink)
            })?;
            return Ok(EXIT_OK);
        }
        Format::Json => {
            report::json::check_size(&run, &sel).map_err(fail)?;
            report::json::write_selected(&run, &sel)
        }
        Format::Md => basis + &report::markdown::write(&run, &sel),
        Format::Xlsx => {
            let bytes = report::xlsx::write(&run, &sel).map_err(fail)?;
            let path = a.output.as_deref().unwrap_or(std::path::Path::new(""));
            write_file_output(path, &bytes, &a.input.paths())?;
            return Ok(EXIT_OK);
        }
    };
    write_output(a.output.as_deref(), &text, &a.input.paths())?;
    Ok(EXIT_OK)
}

/// The positions of the `--columns` names in the CSV header (`None`: every
/// column); an unknown name is a usage error listing the valid ones.
fn pick_columns(run: &Run<'_>, names: &[String]) -> Result<Option<Vec<usize>>, Failure> {
    if names.is_empty() {
        return Ok(None);
    }
    let header = report::csv::header(run);
    report::csv::pick_columns(&header, names)
        .map(Some)
        .map_err(|bad| {
            usage(
                format!("no CSV column `{bad}`"),
                format!("the columns are: {}", header.join(", ")),
            )
        })
}
