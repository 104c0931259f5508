//! `atrisk score`: score countries and write a ranked table, CSV, JSON or Markdown.

use std::path::PathBuf;

use super::{Ctx, EXIT_OK, Failure, InputArgs, usage, write_output};
use crate::analysis::Run;
use crate::compile::Plan;
use crate::data::Panel;
use crate::diagnostic::Sources;
use crate::report;
use crate::score::Scores;

/// Output formats of `score`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// A ranked table for the terminal.
    Table,
    /// One line per country-year.
    Csv,
    /// Every node, with coverage and input cells.
    Json,
    /// A Markdown table.
    Md,
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
    /// Show only the N highest-ranked countries per year (table and md).
    #[arg(long, value_name = "N", value_parser = super::numbers::top)]
    pub top: Option<usize>,
    /// Write to this file instead of standard output (written whole, or not at all).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Score a large wide CSV panel sorted by unit, then year, block by block in flat memory (CSV only: one line per row read, with its line number; all years unless --year/--years).
    #[arg(long)]
    pub stream: bool,
    /// Threads for --stream, 1 to 256 (default: the number of cores); the output is the same for any number.
    #[arg(long, value_name = "N", requires = "stream", value_parser = super::numbers::threads)]
    pub threads: Option<u16>,
}

/// The latest year in which at least half of the countries get an overall score.
pub fn default_year(plan: &Plan, panel: &Panel, scores: &Scores) -> usize {
    let overall = plan.overall();
    let n = panel.countries.len();
    (0..panel.n_years)
        .rev()
        .find(|&y| {
            let scored = (0..n)
                .filter(|&c| !scores.value(overall, panel.cell(c, y)).is_nan())
                .count();
            scored * 2 >= n
        })
        .unwrap_or(panel.n_years - 1)
}

/// Parses `--year` / `--years` into year indices.
pub fn select_years(
    year: Option<i32>,
    years: Option<&str>,
    panel: &Panel,
    default: usize,
) -> Result<Vec<usize>, Failure> {
    let range = format!("{}..{}", panel.first_year, panel.last_year());
    let idx = |y: i32| {
        panel.year_idx(y).ok_or_else(|| {
            usage(
                format!("year {y} is outside the data ({range})"),
                format!("choose a year from {range}"),
            )
        })
    };
    if let Some(y) = year {
        return Ok(vec![idx(y)?]);
    }
    match years {
        None => Ok(vec![default]),
        Some("all") => Ok((0..panel.n_years).collect()),
        Some(s) => {
            let (a, b) = parse_range(s)?;
            let (ia, ib) = (idx(a)?, idx(b)?);
            Ok((ia..=ib).collect())
        }
    }
}

/// Parses the `A..B` of `--years A..B`.
pub fn parse_range(s: &str) -> Result<(i32, i32), Failure> {
    let bad = || {
        usage(
            format!("`--years {s}` is not a range"),
            "write --years 2010..2020, or --years alone for all years",
        )
    };
    let (a, b) = s.split_once("..").ok_or_else(bad)?;
    let year = |y: &str| {
        super::numbers::year(y).map_err(|e| {
            usage(
                format!("`{}` in `--years {s}` is not a year", y.trim()),
                format!("{e}; write --years 2010..2020, or --years alone for all years"),
            )
        })
    };
    let (a, b) = (year(a)?, year(b)?);
    if a > b {
        return Err(bad());
    }
    Ok((a, b))
}

/// Runs `score`.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    if let Some(top) = a.top {
        super::numbers::check_top(top)?;
    }
    if a.stream
        && let Some(code) = super::stream::run(ctx, a)?
    {
        return Ok(code);
    }
    let super::Scored {
        plan,
        panel,
        scores,
        ..
    } = a.input.score(ctx)?;
    let default = default_year(&plan, &panel, &scores);
    let years = select_years(a.year, a.years.as_deref(), &panel, default)?;
    let run = Run {
        plan: &plan,
        panel: &panel,
        scores: &scores,
        years,
    };
    let text = match a.format {
        Format::Table => report::text::write(&run, a.top),
        Format::Csv => report::csv::write(&run),
        Format::Json => {
            report::json::check_size(&run).map_err(|d| Failure::new(d, &Sources::default()))?;
            report::json::write(&run)
        }
        Format::Md => report::markdown::write(&run, a.top),
    };
    write_output(a.output.as_deref(), &text, &a.input.paths())?;
    Ok(EXIT_OK)
}
