//! `atrisk uncertainty`: Monte Carlo over the alternatives a framework
//! declares: score and rank intervals per country, and each choice's share of
//! the variance of ranks.

use std::io::IsTerminal;
use std::path::PathBuf;

use super::score::{default_year, select_years};
use super::{Ctx, EXIT_OK, Failure, InputArgs, Scored, write_output};
use crate::analysis::uncertainty::document;
use crate::diagnostic::{Diagnostic, Origin, Sources};
use crate::framework::uncertainty::Alternatives;
use crate::report::uncertainty as out;
use crate::score::uncertainty::{Model, Simulation};

/// Seed used when none is given.
pub const DEFAULT_SEED: u64 = 1;
/// Model runs above which a progress bar is shown (on a terminal).
const PROGRESS_FROM: u64 = 20_000;

/// Output formats of `uncertainty`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Text for the terminal.
    Text,
    /// CSV, one line per country.
    Csv,
    /// JSON (fields in docs/uncertainty.md).
    Json,
}

/// Arguments of `uncertainty`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Year (default: the latest year in which most countries can be scored).
    #[arg(long, value_name = "YEAR", value_parser = super::numbers::year)]
    pub year: Option<i32>,
    /// Monte Carlo draws for the intervals, 1 to 100000.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = super::numbers::draws)]
    pub draws: usize,
    /// Seed: the same seed gives the same output, whatever the number of threads.
    #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Rows of the sensitivity matrices (at most --draws; 0 for no sensitivity
    /// indices). Costs rows x (groups + 1) extra model runs. Default: the
    /// smaller of --draws and 1000.
    #[arg(long, value_name = "N", value_parser = super::numbers::draws)]
    pub sensitivity_draws: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write to this file instead of standard output (written whole, or not at all).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn usage(code: &'static str, msg: String, hint: &str) -> Failure {
    Failure::new(
        Diagnostic::error(code, Origin::Usage, msg).with_hint(hint),
        &Sources::default(),
    )
}

/// Checks the draw counts: `--draws` at least 1 (U010), sensitivity rows at
/// most `--draws` (U011).
pub fn check_draws(draws: usize, sens: Option<usize>) -> Result<usize, Failure> {
    if draws == 0 {
        return Err(usage(
            "U010",
            "`--draws 0` gives no intervals".into(),
            "give --draws 1 or more (1000 is a good start, 10000 for publication)",
        ));
    }
    match sens {
        Some(s) if s > draws => Err(usage(
            "U011",
            format!("`--sensitivity-draws {s}` is more than `--draws {draws}`"),
            "the sensitivity rows reuse the first draws; give at most --draws, or 0 for none",
        )),
        Some(s) => Ok(s),
        None => Ok(draws.min(1000)),
    }
}

/// The framework's declared alternatives compiled for draws over year
/// index `y` of a scored panel.
pub fn model(scored: &Scored, y: usize) -> Model {
    let alts = Alternatives::of_chain(&scored.loaded.located());
    Model::build(&scored.plan, &scored.panel, &scored.scores, &alts, y)
}

/// Runs `draws` draws of `model` (with `sens` sensitivity rows), with a
/// progress bar on a terminal when asked and the run is long.
pub fn simulate(
    model: &Model,
    draws: usize,
    sens: usize,
    seed: u64,
    show_progress: bool,
) -> Simulation {
    let bar = progress_bar(model.model_runs(draws, sens), show_progress);
    let sim = model.simulate(draws, sens, seed, &|done| bar.set_position(done));
    bar.finish_and_clear();
    sim
}

/// A progress bar over `runs` model runs: shown on a terminal when asked
/// and the run is long, hidden otherwise.
pub fn progress_bar(runs: u64, show: bool) -> indicatif::ProgressBar {
    if show && runs >= PROGRESS_FROM && std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(runs);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} model runs, {eta} left")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    }
}

/// Runs `uncertainty`.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    let sens = check_draws(a.draws, a.sensitivity_draws)?;
    let scored = a.input.score(ctx)?;
    let default = default_year(&scored.plan, &scored.panel, &scored.scores).year_idx;
    let y = select_years(a.year, None, &scored.panel, default)?
        .first()
        .copied()
        .unwrap_or(default);
    let sim = simulate(&model(&scored, y), a.draws, sens, a.seed, true);
    let doc = document(&scored.plan, &scored.panel, &sim);
    let text = match a.format {
        Format::Text => out::write_text(&doc),
        Format::Csv => out::write_csv(&doc),
        Format::Json => out::write_json(&doc),
    };
    write_output(a.output.as_deref(), &text, &a.input.paths())?;
    Ok(EXIT_OK)
}
