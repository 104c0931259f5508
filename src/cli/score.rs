//! `atrisk score`: score countries and write a ranked table, CSV, JSON or Markdown.

use std::path::PathBuf;

use super::{Ctx, EXIT_OK, Failure, InputArgs, write_output};
use crate::analysis::Run;
pub use crate::analysis::year::{default_year, parse_range, select_years};
use crate::diagnostic::Sources;
use crate::report;

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
    /// Score a large wide CSV panel grouped by unit (each unit's rows together, in any order), block by block in flat memory (CSV only: one line per row read, with its line number; all years unless --year/--years).
    #[arg(long)]
    pub stream: bool,
    /// Threads for --stream, 1 to 256 (default: the number of cores); the output is the same for any number.
    #[arg(long, value_name = "N", requires = "stream", value_parser = super::numbers::threads)]
    pub threads: Option<u16>,
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
    let years = select_years(a.year, a.years.as_deref(), &panel, default.year_idx)?;
    // Which year was assessed by default, and why, leads the table.
    let basis = if a.year.is_none() && a.years.is_none() {
        format!("{}.\n\n", default.reason)
    } else {
        String::new()
    };
    let run = Run {
        plan: &plan,
        panel: &panel,
        scores: &scores,
        years,
    };
    let text = match a.format {
        Format::Table => basis + &report::text::write(&run, a.top),
        Format::Csv => report::csv::write(&run),
        Format::Json => {
            report::json::check_size(&run).map_err(|d| Failure::new(d, &Sources::default()))?;
            report::json::write(&run)
        }
        Format::Md => basis + &report::markdown::write(&run, a.top),
    };
    write_output(a.output.as_deref(), &text, &a.input.paths())?;
    Ok(EXIT_OK)
}
