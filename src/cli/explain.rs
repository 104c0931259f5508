//! `atrisk explain`: why a country scores what it scores, down to the data
//! cells, and which recommendations its risks call for.

use std::path::PathBuf;

use super::score::{default_year, select_years};
use super::{Ctx, EXIT_OK, Failure, InputArgs, usage, write_output};
use crate::data::Panel;
use crate::data::names::Names;
use crate::report::explain;

/// Output formats of `explain`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// A tree for the terminal.
    Text,
    /// The same tree as JSON.
    Json,
}

/// Arguments of `explain`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The country: an ISO3 code in any case (SDN, sdn) or a name as people write it (Sudan, DR Congo, Burma, Türkiye).
    #[arg(long, value_name = "ISO3|NAME")]
    pub country: String,
    /// Year (default: the latest year in which most countries can be scored).
    #[arg(long, value_name = "YEAR", value_parser = super::numbers::year)]
    pub year: Option<i32>,
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Finds a country by code or name (see [`crate::data::names::find_unit`]),
/// or says which one was probably meant.
pub fn find_country(panel: &Panel, names: &Names, query: &str) -> Result<usize, Failure> {
    crate::data::names::find_unit(panel, names, query).map_err(|(m, h)| usage(m, h))
}

/// Runs `explain`.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    let super::Scored {
        plan,
        panel,
        scores,
        names,
        ..
    } = a.input.score(ctx)?;
    let country = find_country(&panel, &names, &a.country)?;
    let default = default_year(&plan, &panel, &scores);
    let year = select_years(a.year, None, &panel, default.year_idx)?[0];
    let e = explain::explain_within(&plan, &panel, &scores, country, year)
        .map_err(super::backtest::fail)?;
    let text = match a.format {
        Format::Text => explain::text(&e, &plan),
        Format::Json => explain::json(&e),
    };
    write_output(a.output.as_deref(), &text, &a.input.paths())?;
    Ok(EXIT_OK)
}
