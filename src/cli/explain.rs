//! `atrisk explain`: why a country scores what it scores, down to the data
//! cells, and which recommendations its risks call for.

use std::path::PathBuf;

use super::score::{default_year, select_years};
use super::{Ctx, EXIT_OK, Failure, InputArgs, usage, write_output};
use crate::data::{CountryMatch, Panel};
use crate::diagnostic::did_you_mean;
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
    /// The country: an ISO3 code (SDN) or a name as the data give it (Sudan).
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

/// Finds a country by code or name, or says which one was probably meant.
pub fn find_country(panel: &Panel, query: &str) -> Result<usize, Failure> {
    match panel.match_country(query) {
        CountryMatch::Found(c) => return Ok(c),
        CountryMatch::Ambiguous(found) => {
            const SHOWN: usize = 20;
            let mut list: Vec<String> = found
                .iter()
                .take(SHOWN)
                .map(|&i| {
                    let c = &panel.countries[i];
                    format!("`{}` ({})", c.iso3, c.name)
                })
                .collect();
            if found.len() > SHOWN {
                list.push(format!("and {} more", found.len() - SHOWN));
            }
            return Err(usage(
                format!(
                    "`{query}` matches {} units in the data: {}",
                    found.len(),
                    list.join(", ")
                ),
                "give the exact code of the unit meant",
            ));
        }
        CountryMatch::None => {}
    }
    let candidates = panel
        .countries
        .iter()
        .flat_map(|c| [c.iso3.as_str(), c.name.as_str()]);
    let hint = match did_you_mean(query, candidates) {
        Some(s) => {
            let c = panel.find_country(&s).map(|i| &panel.countries[i]);
            match c {
                Some(c) => format!("did you mean `{}` ({})?", c.iso3, c.name),
                None => format!("did you mean `{s}`?"),
            }
        }
        None => format!(
            "give an ISO3 code or a country name as in the data ({} countries; `atrisk score --format csv` lists them)",
            panel.countries.len()
        ),
    };
    Err(usage(format!("no country `{query}` in the data"), hint))
}

/// Runs `explain`.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    let super::Scored {
        plan,
        panel,
        scores,
        ..
    } = a.input.score(ctx)?;
    let country = find_country(&panel, &a.country)?;
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
