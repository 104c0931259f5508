//! A year's summary from a scored framework, as `summary` and `report`
//! make it: the year (the default year unless one is asked for), the
//! Monte Carlo draws behind the rank intervals, and the paired rise shares
//! that decide which rises count as moves.

use super::builder::Builder;
use super::model::Summary;
use crate::analysis::Run;
use crate::analysis::uncertainty::varied;
use crate::analysis::year::{default_year, select_years};
use crate::compile::Plan;
use crate::data::Panel;
use crate::diagnostic::{Failure, usage};
use crate::framework::uncertainty::Alternatives;
use crate::score::Scores;
use crate::score::uncertainty::{Model, Simulation};

/// What to summarise.
#[derive(Debug, Clone)]
pub struct Options {
    /// The year, or the default year.
    pub year: Option<i32>,
    /// Length of the lists (default: the framework's watch list).
    pub top: Option<usize>,
    /// Monte Carlo draws behind the intervals (0: none).
    pub draws: usize,
    /// Seed of the draws.
    pub seed: u64,
    /// Also a profile of every scored country and the theme parts (for
    /// the HTML report).
    pub profiles: bool,
    /// Theme descriptions by theme id, for the theme parts.
    pub theme_texts: Vec<(String, String)>,
}

/// A year's summary, with the year index and the draws behind it.
#[derive(Debug)]
pub struct Assessed {
    /// Year index.
    pub year_idx: usize,
    /// The summary.
    pub summary: Summary,
    /// The draws, when run.
    pub simulation: Option<Simulation>,
}

/// Summarises a year. `progress` is told how many model runs of the draws
/// are done.
pub fn assess(
    plan: &Plan,
    panel: &Panel,
    scores: &Scores,
    alts: &Alternatives,
    o: &Options,
    progress: &dyn Fn(u64),
) -> Result<Assessed, Failure> {
    let top = o.top.unwrap_or(plan.watchlist_top);
    if top == 0 {
        return Err(usage(
            "`--top 0` leaves every list empty",
            "give --top 1 or more",
        ));
    }
    let default = default_year(plan, panel, scores);
    let years = select_years(o.year, None, panel, default.year_idx)?;
    let y = years.first().copied().unwrap_or(default.year_idx);
    let run = Run {
        plan,
        panel,
        scores,
        years: vec![y],
    };
    let model = |y: usize| Model::build(plan, panel, scores, alts, y);
    // Draws only over alternatives the framework declares: without any,
    // every draw would be the framework itself.
    let now = (o.draws > 0).then(|| model(y)).filter(|m| m.factors() > 0);
    let (sim, (prev, mean)) = match &now {
        Some(now) => {
            let sim = now.simulate(o.draws, 0, o.seed, progress);
            let earlier: Vec<Model> = (y.saturating_sub(3)..y).rev().map(model).collect();
            (Some(sim), rise_shares(now, &earlier, o.draws, o.seed))
        }
        None => (None, (None, None)),
    };
    let mut builder = Builder::new(&run).with_rise_shares(prev, mean);
    if let (Some(s), Some(now)) = (&sim, &now) {
        builder = builder
            .with_uncertainty(s)
            .with_varied(varied(now.groups()));
    }
    if o.profiles {
        builder = builder
            .with_profiles()
            .with_theme_texts(o.theme_texts.clone());
    }
    let mut summary = builder.build(y, top);
    if o.year.is_none() {
        summary.year_basis = Some(default.reason);
    }
    Ok(Assessed {
        year_idx: y,
        summary,
        simulation: sim,
    })
}

/// Per country, the share of paired draws in which `now` scored above the
/// previous year (`earlier[0]`), and above the mean of the three years
/// before (`None` where those years are not in the panel).
fn rise_shares(
    now: &Model,
    earlier: &[Model],
    draws: usize,
    seed: u64,
) -> (Option<Vec<f64>>, Option<Vec<f64>>) {
    let prev = earlier
        .first()
        .and_then(|m| now.rise_shares(std::slice::from_ref(m), draws, seed));
    let mean = (earlier.len() == 3)
        .then(|| now.rise_shares(earlier, draws, seed))
        .flatten();
    (prev, mean)
}
