//! `atrisk report`: a self-contained HTML report of one year.

use super::summary::YearArgs;
use super::{Ctx, EXIT_OK, Failure, write_output};
use crate::analysis::Run;
use crate::report::html;

/// Output formats of `report`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// One HTML file with inline styles and charts; no network needed to read it.
    Html,
}

/// Arguments of `report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: YearArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Html)]
    pub format: Format,
}

/// Runs `report`.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    let c = &a.common;
    let scored = c.input.score(ctx)?;
    let (y, summary, sim) = super::summary::build(&scored, c, true)?;
    let run = Run {
        plan: &scored.plan,
        panel: &scored.panel,
        scores: &scored.scores,
        years: vec![y],
    };
    let text = match a.format {
        Format::Html => html::write(&run, &summary, &scored.loaded.fw.sources, sim.as_ref()),
    };
    write_output(c.output.as_deref(), &text, &c.input.paths())?;
    Ok(EXIT_OK)
}
