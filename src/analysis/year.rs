//! Which year to assess by default, and the years a command line asks for.
//!
//! The default year is the latest year that most countries can be scored in
//! and whose scores rest mostly on values observed in that year: at most
//! [`MAX_CARRIED_SHARE`] of the framework's measure values may be carried
//! forward from earlier years. When no year meets that, the latest year that
//! most countries can be scored in is taken and said to fall short.

use super::Run;
use crate::compile::Plan;
use crate::data::Panel;
use crate::diagnostic::{Failure, usage};
use crate::score::Scores;

/// The largest share of a year's measure values that may be carried forward
/// for the year to be the default.
pub const MAX_CARRIED_SHARE: f64 = 1.0 / 3.0;

/// The default year and why it was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultYear {
    /// Year index.
    pub year_idx: usize,
    /// True when the year meets the rule (most countries scored, at most a
    /// third of measure values carried forward).
    pub current: bool,
    /// One sentence for readers: the year, the rule, and the later years
    /// passed over with their share of carried values.
    pub reason: String,
}

/// The latest year in which at least half of the countries get an overall
/// score.
fn scoreable(plan: &Plan, panel: &Panel, scores: &Scores, y: usize) -> bool {
    let overall = plan.overall();
    let n = panel.countries.len();
    let scored = (0..n)
        .filter(|&c| !scores.value(overall, panel.cell(c, y)).is_nan())
        .count();
    scored * 2 >= n
}

/// The share of a year's measure values carried forward (0 when none).
pub fn carried_share(run: &Run<'_>, y: usize) -> f64 {
    let (carried, total, _) = run.carried(y);
    if total == 0 {
        0.0
    } else {
        carried as f64 / total as f64
    }
}

/// Picks the default year (see the module documentation).
pub fn default_year(plan: &Plan, panel: &Panel, scores: &Scores) -> DefaultYear {
    let run = Run {
        plan,
        panel,
        scores,
        years: Vec::new(),
    };
    let scoreable: Vec<usize> = (0..panel.n_years)
        .rev()
        .filter(|&y| scoreable(plan, panel, scores, y))
        .collect();
    let Some(&latest) = scoreable.first() else {
        let y = panel.n_years.saturating_sub(1);
        return DefaultYear {
            year_idx: y,
            current: false,
            reason: format!(
                "{} is assessed by default, but fewer than half of the countries can be scored in any year",
                panel.year(y)
            ),
        };
    };
    let pct = |y: usize| format!("{:.0}%", 100.0 * carried_share(&run, y));
    let mut passed: Vec<String> = Vec::new();
    for &y in &scoreable {
        if carried_share(&run, y) <= MAX_CARRIED_SHARE {
            let later = if passed.is_empty() {
                String::new()
            } else {
                format!(
                    "; later years rest more on carried values ({}): score them with --year",
                    passed.join(", ")
                )
            };
            return DefaultYear {
                year_idx: y,
                current: true,
                reason: format!(
                    "{} is assessed by default: the latest year in which most countries can be scored and at most a third of measure values are carried forward from earlier years ({}){later}",
                    panel.year(y),
                    pct(y)
                ),
            };
        }
        passed.push(format!("{} {}", panel.year(y), pct(y)));
    }
    DefaultYear {
        year_idx: latest,
        current: false,
        reason: format!(
            "{} is assessed by default, but {} of its measure values are carried forward from earlier years, and no year has a third or less: read its scores as resting on old data",
            panel.year(latest),
            pct(latest)
        ),
    }
}

/// Resolves `--year` / `--years` (`all`, or `A..B`) into year indices, or
/// the default year when neither is given.
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
        y.trim()
            .replace('_', "")
            .parse::<i32>()
            .ok()
            .filter(|y| (1000..=3000).contains(y))
            .ok_or_else(|| {
                usage(
                    format!("`{}` in `--years {s}` is not a year", y.trim()),
                    "a year is a whole number from 1000 to 3000; write --years 2010..2020, or --years alone for all years",
                )
            })
    };
    let (a, b) = (year(a)?, year(b)?);
    if a > b {
        return Err(bad());
    }
    Ok((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Synthetic: three units, 2000-2003. In 2003 only AAA has a value and
    // the others carry theirs forward (2 of 3 carried); in 2002 all three
    // are observed.
    const FW: &str = "format: 1\nid: t\ntitle: t\nversion: '1'\ncrimes: [{id: g, title: G}]\nrisk_factors: [{id: r, title: R, crimes: [g], kind: dynamic}]\nindicators:\n  - {id: i, risk_factor: r, text: t, measures: [{column: x, direction: higher_is_riskier, normalise: {goalposts: {min: 0, max: 10}}, missing: {carry_forward: 2}}]}\n";

    fn default_of(csv: &str) -> (DefaultYear, i32) {
        let (plan, panel, scores) = crate::assess_csv(FW, csv);
        let d = default_year(&plan, &panel, &scores);
        let y = panel.year(d.year_idx);
        (d, y)
    }

    #[test]
    fn the_default_year_rests_mostly_on_current_values() {
        let csv = "iso3,year,x\nAAA,2000,1\nBBB,2000,1\nCCC,2000,1\nAAA,2001,1\nBBB,2001,2\nCCC,2001,3\nAAA,2002,1\nBBB,2002,2\nCCC,2002,3\nAAA,2003,4\n";
        let (d, y) = default_of(csv);
        assert_eq!(y, 2002);
        assert!(d.current);
        assert!(d.reason.contains("2003 67%"), "{}", d.reason);
    }

    #[test]
    fn with_no_current_year_the_latest_scoreable_year_is_taken_and_marked() {
        // five units; 1999 scores two (not most), and the later years score
        // three, two of them carried from 1999
        let csv =
            "iso3,year,x\nBBB,1999,1\nCCC,1999,1\nDDD,1999,\nEEE,1999,\nAAA,2000,2\nAAA,2001,3\n";
        let (d, y) = default_of(csv);
        assert_eq!(y, 2001);
        assert!(!d.current);
        assert!(d.reason.contains("old data"), "{}", d.reason);
    }
}
