//! Checks of a framework against the data it is scored on: normalisation
//! parameters far from the values seen, and data files no measure reads.

use std::collections::BTreeSet;

use crate::compile::Plan;
use crate::data::Panel;
use crate::diagnostic::{Diagnostic, Origin};
use crate::framework::located::{measure_columns, measure_id};
use crate::framework::model::{Direction, Framework, Normalise};
use crate::score::{Scores, Status};

/// Below this share of the goalposts covered by the values seen, a warning is given.
pub const MIN_GOALPOST_COVER: f64 = 0.1;

/// Warns where a measure's goalposts, steps or threshold lie far outside the
/// range of its (transformed) values observed in the panel, so that (nearly)
/// every country-year gets the same score.
pub fn ranges(
    fw: &Framework,
    file: &str,
    plan: &Plan,
    panel: &Panel,
    scores: &Scores,
) -> Vec<Diagnostic> {
    let n_cells = panel.countries.len() * panel.n_years;
    let mut out = Vec::new();
    for ind in &fw.indicators {
        for m in &ind.measures {
            let id = format!("{}/{}", ind.id.value, measure_id(m).0);
            let Some(node) = plan.find(&id) else {
                continue;
            };
            let seen = (0..n_cells).filter_map(|c| match scores.measure(node, c) {
                Some((v, Status::Observed)) if v.is_finite() => Some(v),
                _ => None,
            });
            let Some((lo, hi)) = seen.fold(None, |acc: Option<(f64, f64)>, v| {
                Some(acc.map_or((v, v), |(a, b)| (a.min(v), b.max(v))))
            }) else {
                continue;
            };
            let Some((msg, hint)) = range_problem(&m.normalise.value, m.direction, lo, hi) else {
                continue;
            };
            let norm = &m.normalise;
            out.push(
                Diagnostic::warning("F105", Origin::Framework, format!("measure `{id}`: {msg}"))
                    .at(
                        file,
                        norm.referenced.line().max(1),
                        norm.referenced.column().max(1),
                        1,
                        "normalisation",
                    )
                    .with_hint(hint),
            );
        }
    }
    out
}

fn n(x: f64) -> String {
    format!("{}", (x * 1e4).round() / 1e4)
}

/// What is wrong with a normalisation against the values seen (`lo` to `hi`).
fn range_problem(
    norm: &Normalise,
    direction: Option<Direction>,
    lo: f64,
    hi: f64,
) -> Option<(String, String)> {
    let seen = format!("the values seen run from {} to {}", n(lo), n(hi));
    match norm {
        Normalise::Goalposts(g) => {
            let hint = format!(
                "set the goalposts near the range of the values after the transforms ({} to {}), or check the column and the transforms",
                n(lo),
                n(hi)
            );
            if hi < g.min || lo > g.max {
                return Some((
                    format!(
                        "{seen}, outside the goalposts ({} to {}), so every country-year gets the same score",
                        n(g.min),
                        n(g.max)
                    ),
                    hint,
                ));
            }
            let cover = (hi.min(g.max) - lo.max(g.min)) / (g.max - g.min);
            (cover < MIN_GOALPOST_COVER).then(|| {
                (
                    format!(
                        "{seen}, which covers only {}% of the goalposts ({} to {})",
                        n(cover * 100.0),
                        n(g.min),
                        n(g.max)
                    ),
                    hint,
                )
            })
        }
        Normalise::Steps(steps) => {
            let reached = |x: f64| steps.partition_point(|s| s.min <= x);
            let hint = "set the steps' `min` within the range of the values after the transforms, or check the column and the transforms".to_string();
            if reached(lo) == reached(hi) {
                Some((
                    format!(
                        "{seen}, all within the same step, so every country-year gets the same score"
                    ),
                    hint,
                ))
            } else {
                steps.iter().find(|s| s.min > hi).map(|s| {
                    (
                        format!(
                            "{seen}, so no value reaches the step at {} (score {})",
                            n(s.min),
                            n(s.score)
                        ),
                        hint,
                    )
                })
            }
        }
        Normalise::Binary(b) => {
            let t = b.threshold;
            let constant = match direction {
                Some(Direction::LowerIsRiskier) => lo > t || hi <= t,
                _ => hi < t || lo >= t,
            };
            constant.then(|| {
                (
                    format!(
                        "{seen}, all on one side of the threshold {}, so every country-year gets the same score",
                        n(t)
                    ),
                    "set the threshold within the range of the values after the transforms, or check the column and the transforms".to_string(),
                )
            })
        }
        Normalise::Percentile | Normalise::Zscore(_) | Normalise::Raw | Normalise::Centre(_) => {
            None
        }
    }
}

/// The data columns of one data file that no measure of a framework reads.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unused {
    /// The data file.
    pub file: String,
    /// How many of its columns are read.
    pub read: usize,
    /// Its columns that no measure reads, in file order.
    pub columns: Vec<String>,
}

/// Per data file of the panel: the columns no measure of the framework reads.
pub fn unused_columns(fws: &[&Framework], panel: &Panel) -> Vec<Unused> {
    let used: BTreeSet<String> = fws
        .iter()
        .flat_map(|fw| &fw.indicators)
        .flat_map(|i| &i.measures)
        .flat_map(measure_columns)
        .collect();
    panel
        .files
        .iter()
        .enumerate()
        .map(|(fi, f)| {
            let mut cols: Vec<_> = panel.columns.iter().filter(|c| c.file == fi).collect();
            cols.sort_by_key(|c| c.field);
            let read = cols.iter().filter(|c| used.contains(&c.name)).count();
            Unused {
                file: f.clone(),
                read,
                columns: cols
                    .into_iter()
                    .filter(|c| !used.contains(&c.name))
                    .map(|c| c.name.clone())
                    .collect(),
            }
        })
        .collect()
}

/// A warning for a data file of which no measure reads any column: the
/// wrong file, or names that do not match (a missing `PREFIX=`). A file of
/// which some columns are read is a shared panel, and is only summarised.
pub fn unused_warning(u: &Unused) -> Option<Diagnostic> {
    if u.read > 0 || u.columns.is_empty() {
        return None;
    }
    const SHOWN: usize = 8;
    let mut list: Vec<String> = u
        .columns
        .iter()
        .take(SHOWN)
        .map(|c| format!("`{c}`"))
        .collect();
    if u.columns.len() > SHOWN {
        list.push(format!("and {} more", u.columns.len() - SHOWN));
    }
    Some(
        Diagnostic::warning(
            "F106",
            Origin::Data,
            format!(
                "no measure reads any column of `{}` ({})",
                u.file,
                list.join(", ")
            ),
        )
        .at(&u.file, 1, 1, 1, "header")
        .with_hint(
            "check that this is the intended data file, and that the column names (with the `PREFIX.` of `--data PREFIX=FILE`) match the measures' `column:`",
        ),
    )
}
