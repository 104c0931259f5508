//! `atrisk summary`: the early-warning summary of one year as text, Markdown,
//! JSON or an Excel workbook.

use std::path::PathBuf;

use super::{Ctx, EXIT_OK, Failure, InputArgs, Scored, usage, write_file_output, write_output};
use crate::analysis::summary::{Options, Summary, assess};
use crate::diagnostic::Sources;
use crate::framework::uncertainty::Alternatives;
use crate::report::summary;
use crate::score::uncertainty::Simulation;

/// Output formats of `summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Text for the terminal.
    Text,
    /// Markdown, to paste into a report or an issue tracker.
    Md,
    /// JSON for scripts (fields in docs/summary.md).
    Json,
    /// An Excel workbook (needs -o FILE): watch lists, movers with their drivers, recommendations, data warnings, sources.
    Xlsx,
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
    /// Only the top of the report, on one screen: the year, the data age,
    /// the watch list and the largest rises (text only).
    #[arg(long)]
    pub brief: bool,
    /// Only these countries in the watch lists, movers, new entries, data warnings and briefs, wherever they rank (with --top N: only if among the N highest): ISO3 codes in any case or names (SDN, Burma, DR Congo, Türkiye); repeat, or separate with commas. Ranks stay the ranks among all countries; the counts by band and the recommendation tally stay those of all countries.
    #[arg(long, value_name = "ISO3|NAME")]
    pub country: Vec<String>,
}

/// Builds the summary of the chosen year; with `profiles`, also a profile of
/// every scored country and the theme parts (for the HTML report).
pub(super) fn build(
    scored: &Scored,
    a: &YearArgs,
    profiles: bool,
) -> Result<(usize, Summary, Option<Simulation>), Failure> {
    build_top(scored, a, profiles, a.top)
}

/// [`build`] with lists of `top` countries (default: the framework's watch list).
fn build_top(
    scored: &Scored,
    a: &YearArgs,
    profiles: bool,
    top: Option<usize>,
) -> Result<(usize, Summary, Option<Simulation>), Failure> {
    let alts = Alternatives::of_chain(&scored.loaded.located());
    let theme_texts = if profiles {
        scored
            .loaded
            .located()
            .iter()
            .flat_map(|l| l.fw.themes.iter())
            .filter_map(|t| Some((t.id.value.clone(), t.description.clone()?)))
            .collect()
    } else {
        Vec::new()
    };
    let o = Options {
        year: a.year,
        top,
        draws: a.draws,
        seed: a.seed,
        profiles,
        theme_texts,
    };
    let bar = super::uncertainty::progress_bar(a.draws as u64, true);
    let done = assess(
        &scored.plan,
        &scored.panel,
        &scored.scores,
        &alts,
        &o,
        &|n| bar.set_position(n),
    )?;
    bar.finish_and_clear();
    Ok((done.year_idx, done.summary, done.simulation))
}

/// Runs `summary`.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    let c = &a.common;
    if a.brief && !matches!(a.format, Format::Text) {
        return Err(usage(
            "`--brief` writes text only",
            "drop --format, or drop --brief for the whole summary in Markdown or JSON",
        ));
    }
    if a.format == Format::Xlsx && c.output.is_none() {
        return Err(usage(
            "a workbook needs -o FILE: it is not written to standard output",
            "add -o FILE.xlsx",
        ));
    }
    let scored = c.input.score(ctx)?;
    let chosen = super::score::select_countries(&scored.panel, &scored.names, &a.country)?;
    let (_, s, _) = match &chosen {
        None => build(&scored, c, false)?,
        // The lists are drawn from the whole ranking (or the top N asked
        // for), then keep the chosen countries only.
        Some(chosen) => {
            let top = c.top.unwrap_or(scored.panel.countries.len().max(1));
            let (y, mut s, sim) = build_top(&scored, c, false, Some(top))?;
            let codes: Vec<&str> = chosen
                .iter()
                .map(|&i| scored.panel.countries[i].iso3.as_str())
                .collect();
            keep_countries(&mut s, &codes);
            (y, s, sim)
        }
    };
    let text = match a.format {
        Format::Text if a.brief => summary::write_brief_text(&s),
        Format::Text => summary::write_text(&s),
        Format::Md => summary::write_markdown(&s),
        Format::Json => summary::write_json(&s),
        Format::Xlsx => {
            let bytes =
                summary::write_xlsx(&s).map_err(|d| Failure::new(d, &Sources::default()))?;
            let path = c.output.as_deref().unwrap_or(std::path::Path::new(""));
            write_file_output(path, &bytes, &c.input.paths())?;
            return Ok(EXIT_OK);
        }
    };
    write_output(c.output.as_deref(), &text, &c.input.paths())?;
    Ok(EXIT_OK)
}

/// Keeps only the countries `codes` in the lists and briefs of a summary.
fn keep_countries(s: &mut Summary, codes: &[&str]) {
    let kept = |iso3: &String| codes.contains(&iso3.as_str());
    s.watch_list.overall.retain(|e| kept(&e.iso3));
    for c in &mut s.watch_list.crimes {
        c.entries.retain(|e| kept(&e.iso3));
    }
    s.movers.previous_year.retain(|m| kept(&m.iso3));
    s.movers.three_year_mean.retain(|m| kept(&m.iso3));
    s.new_in_top_bands.retain(|e| kept(&e.iso3));
    s.data_warnings.countries.retain(|w| kept(&w.iso3));
    s.briefs.retain(|b| kept(&b.iso3));
}
