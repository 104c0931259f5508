//! `atrisk summary`: the early-warning summary of one year as text, Markdown or JSON.

use std::path::PathBuf;

use super::score::{default_year, select_years};
use super::{Ctx, EXIT_OK, Failure, InputArgs, Scored, write_output};
use crate::analysis::Run;
use crate::analysis::summary::{Builder, Summary};
use crate::report::summary;
use crate::score::uncertainty::{Model, Simulation};

/// Output formats of `summary`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Text for the terminal.
    Text,
    /// Markdown, to paste into a report or an issue tracker.
    Md,
    /// JSON for scripts (fields in docs/summary.md).
    Json,
}

/// The arguments `summary` and `report` share.
#[derive(Debug, clap::Args)]
pub struct YearArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Year to summarise (default: the latest year in which most countries can be scored).
    #[arg(long, value_name = "YEAR", value_parser = super::numbers::year)]
    pub year: Option<i32>,
    /// Length of the watch list and of the other lists (default: the framework's watch list, else 20).
    #[arg(long, value_name = "N", value_parser = super::numbers::top)]
    pub top: Option<usize>,
    /// Write to this file instead of standard output (written whole, or not at all).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Monte Carlo draws of the framework's declared alternatives behind the
    /// rank intervals, 0 to 100000 (0: no intervals; rises then count however small).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_DRAWS, value_parser = super::numbers::draws)]
    pub draws: usize,
    /// Seed of the draws.
    #[arg(long, value_name = "S", default_value_t = super::uncertainty::DEFAULT_SEED)]
    pub seed: u64,
}

/// Draws behind the intervals of `summary` and `report` by default: enough
/// for a first reading, fast enough to run every time.
pub const DEFAULT_DRAWS: usize = 200;

/// Arguments of `summary`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: YearArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Builds the summary of the chosen year.
pub(super) fn build(
    scored: &Scored,
    a: &YearArgs,
) -> Result<(usize, Summary, Option<Simulation>), Failure> {
    let Scored {
        plan,
        panel,
        scores,
        ..
    } = scored;
    let (year, top) = (a.year, a.top);
    let top = super::numbers::check_top(top.unwrap_or(plan.watchlist_top))?;
    let default = default_year(plan, panel, scores);
    let years = select_years(year, None, panel, default)?;
    let y = years.first().copied().unwrap_or(default);
    let run = Run {
        plan,
        panel,
        scores,
        years: vec![y],
    };
    let (sim, (prev, mean)) = if a.draws > 0 {
        let now = super::uncertainty::model(scored, y);
        let sim = super::uncertainty::simulate(&now, a.draws, 0, a.seed, true);
        (Some(sim), rise_shares(scored, &now, y, a.draws, a.seed))
    } else {
        (None, (None, None))
    };
    let mut builder = Builder::new(&run).with_rise_shares(prev, mean);
    if let Some(s) = &sim {
        builder = builder.with_uncertainty(s);
    }
    let summary = builder.build(y, top);
    Ok((y, summary, sim))
}

/// Per country, the share of paired draws in which `now` (year index `y`) scored
/// above the previous year, and above the mean of the three years before
/// (`None` where those years are not in the panel).
fn rise_shares(
    scored: &Scored,
    now: &Model,
    y: usize,
    draws: usize,
    seed: u64,
) -> (Option<Vec<f64>>, Option<Vec<f64>>) {
    let earlier: Vec<Model> = (y.saturating_sub(3)..y)
        .rev()
        .map(|y| super::uncertainty::model(scored, y))
        .collect();
    let prev = earlier
        .first()
        .and_then(|m| now.rise_shares(std::slice::from_ref(m), draws, seed));
    let mean = (earlier.len() == 3)
        .then(|| now.rise_shares(&earlier, draws, seed))
        .flatten();
    (prev, mean)
}

/// Runs `summary`.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    let c = &a.common;
    let scored = c.input.score(ctx)?;
    let (_, s, _) = build(&scored, c)?;
    let text = match a.format {
        Format::Text => summary::write_text(&s),
        Format::Md => summary::write_markdown(&s),
        Format::Json => summary::write_json(&s),
    };
    write_output(c.output.as_deref(), &text, &c.input.paths())?;
    Ok(EXIT_OK)
}
