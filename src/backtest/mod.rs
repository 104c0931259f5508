//! Backtesting: how well a framework's scores would have picked out the
//! country-years that preceded an event, such as the onset of a mass killing.
//!
//! A country-year `t` is positive when an onset falls in `t+1 ..= t+H`
//! (`H`, the horizon). Only years whose outcome is known (`t + H` no later
//! than the last year of the events file) are scored. Country-years with an
//! ongoing episode can be left out. For each node the report gives the
//! area under the ROC curve, the average precision (area under the
//! precision-recall curve), the Brier score for nodes whose values are
//! probabilities, and the share of positive country-years ranked in the top
//! 10, 20 and 30 of their year.

pub mod events;
pub mod metrics;
pub mod rolling;

use serde::Serialize;

use crate::compile::{Kind, Plan};
use crate::data::Panel;
use crate::diagnostic::{Diagnostic, Origin};
use crate::fit::{self, Design};
use crate::framework::model::Method;
use crate::score::{Scores, impute};
pub use events::Events;
pub use rolling::{Config, Penalty, Refit, RollingSkill, rolling};

/// The top-k cut-offs reported.
pub const TOP_K: [usize; 3] = [10, 20, 30];

/// Which country-years are scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Horizon in years (1 or more).
    pub horizon: u32,
    /// First data year scored.
    pub from: i32,
    /// Last data year scored.
    pub to: i32,
    /// Leave out country-years with an ongoing episode.
    pub exclude_ongoing: bool,
}

/// One scored country-year.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Unit index in the panel.
    pub unit: usize,
    /// Data year.
    pub year: i32,
    /// Onset years in `year+1 ..= year+H`.
    pub onsets: Vec<i32>,
}

impl Row {
    /// True when an onset follows within the horizon.
    pub fn positive(&self) -> bool {
        !self.onsets.is_empty()
    }
}

fn err(code: &'static str, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, Origin::Usage, msg)
}

/// Checks the requested years against the data and the events and fills in
/// the defaults: from the data's first year to the last year whose outcome
/// is known.
pub fn window(
    panel: &Panel,
    ev: &Events,
    horizon: u32,
    from: Option<i32>,
    to: Option<i32>,
    exclude_ongoing: bool,
) -> Result<Window, Diagnostic> {
    if horizon == 0 {
        return Err(
            err("B006", "the horizon must be at least 1 year").with_hint(
                "--horizon 2 counts an onset in either of the two years after a country-year",
            ),
        );
    }
    let (first, last) = (panel.first_year, panel.last_year());
    let known = ev.last_year - horizon as i32;
    let from = from.unwrap_or(first);
    let to = to.unwrap_or(last.min(known));
    for (flag, y) in [("--from", from), ("--to", to)] {
        if y < first || y > last {
            return Err(err(
                "B007",
                format!("{flag} {y} lies outside the data's years {first}-{last}"),
            )
            .with_hint("choose years the data cover"));
        }
    }
    if to > known {
        return Err(err(
            "B007",
            format!(
                "the outcome of {to} is not known: with a horizon of {horizon}, it needs events up to {}, and `{}` ends in {}",
                to + horizon as i32,
                ev.file,
                ev.last_year
            ),
        )
        .with_hint(format!("use --to {known} or earlier")));
    }
    if from > to {
        return Err(err(
            "B007",
            format!("no years to score: --from {from} is after --to {to}"),
        )
        .with_hint("give --from a year no later than --to"));
    }
    Ok(Window {
        horizon,
        from,
        to,
        exclude_ongoing,
    })
}

/// Every country-year of the window, with its outcome.
pub fn rows(panel: &Panel, ev: &Events, w: &Window) -> Vec<Row> {
    let mut out = Vec::new();
    for year in w.from..=w.to {
        for unit in 0..panel.countries.len() {
            if w.exclude_ongoing && ev.ongoing.contains(&(unit, year)) {
                continue;
            }
            out.push(Row {
                unit,
                year,
                onsets: ev.onsets_after(unit, year, w.horizon),
            });
        }
    }
    out
}

/// The share of positive country-years ranked within the top `k` of their year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recall {
    /// Cut-off.
    pub k: usize,
    /// Positive country-years within the top `k`.
    pub hits: usize,
    /// Hits over all positive country-years.
    pub share: Option<f64>,
    /// The mean, over years with a positive country-year, of that year's share.
    pub share_by_year: Option<f64>,
}

/// A positive country-year and where the score ranked it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Unit code.
    pub unit: String,
    /// Unit name.
    pub name: String,
    /// Data year.
    pub year: i32,
    /// The onset years that make it positive.
    pub onset_years: Vec<i32>,
    /// Score.
    pub score: f64,
    /// Rank within its year (1 = highest; ties share the best rank).
    pub rank: usize,
    /// Country-years ranked that year.
    pub ranked: usize,
}

/// The skill of one node's scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skill {
    /// Node id.
    pub node: String,
    /// Node kind.
    pub kind: Kind,
    /// Country-years with a score.
    pub n: usize,
    /// Country-years of the window without a score (left out).
    pub unscored: usize,
    /// Positive country-years with a score.
    pub positives: usize,
    /// Area under the ROC curve (ties count one half).
    pub auc_roc: Option<f64>,
    /// Average precision.
    pub auc_pr: Option<f64>,
    /// Brier score, for nodes whose values are probabilities.
    pub brier: Option<f64>,
    /// Share of positives in the top 10, 20 and 30 of each year.
    pub recall: Vec<Recall>,
    /// Every positive country-year with its rank.
    pub hits: Vec<Hit>,
}

impl Skill {
    /// Positive country-years ranked below the largest top-k cut-off.
    pub fn missed(&self) -> impl Iterator<Item = &Hit> {
        let k = TOP_K[TOP_K.len() - 1];
        self.hits.iter().filter(move |h| h.rank > k)
    }
}

/// Measures the skill of a score over the rows. `score` gives the value of
/// a row (NaN: no score, left out); `probability` asks for the Brier score.
pub fn skill(
    panel: &Panel,
    rows: &[Row],
    node: String,
    kind: Kind,
    probability: bool,
    score: &dyn Fn(&Row) -> f64,
) -> Skill {
    let mut s = Vec::with_capacity(rows.len());
    let mut l = Vec::with_capacity(rows.len());
    let mut kept: Vec<&Row> = Vec::with_capacity(rows.len());
    for r in rows {
        let v = score(r);
        if !v.is_nan() {
            s.push(v);
            l.push(r.positive());
            kept.push(r);
        }
    }
    let mut hits = Vec::new();
    let mut i = 0;
    while i < kept.len() {
        let year = kept[i].year;
        let j = i + kept[i..].iter().take_while(|r| r.year == year).count();
        let rk = metrics::ranks(&s[i..j]);
        for (o, r) in kept[i..j].iter().enumerate() {
            if r.positive() {
                let c = &panel.countries[r.unit];
                hits.push(Hit {
                    unit: c.iso3.clone(),
                    name: c.name.clone(),
                    year,
                    onset_years: r.onsets.clone(),
                    score: s[i + o],
                    rank: rk[o],
                    ranked: j - i,
                });
            }
        }
        i = j;
    }
    let positives = hits.len();
    let recall = TOP_K
        .iter()
        .map(|&k| {
            let got = hits.iter().filter(|h| h.rank <= k).count();
            let mut years: Vec<(i32, usize, usize)> = Vec::new();
            for h in &hits {
                match years.last_mut() {
                    Some(y) if y.0 == h.year => {
                        y.1 += usize::from(h.rank <= k);
                        y.2 += 1;
                    }
                    _ => years.push((h.year, usize::from(h.rank <= k), 1)),
                }
            }
            let by_year = (!years.is_empty()).then(|| {
                years
                    .iter()
                    .map(|(_, a, b)| *a as f64 / *b as f64)
                    .sum::<f64>()
                    / years.len() as f64
            });
            Recall {
                k,
                hits: got,
                share: (positives > 0).then(|| got as f64 / positives as f64),
                share_by_year: by_year,
            }
        })
        .collect();
    Skill {
        node,
        kind,
        n: s.len(),
        unscored: rows.len() - s.len(),
        positives,
        auc_roc: metrics::auc_roc(&s, &l),
        auc_pr: metrics::average_precision(&s, &l),
        brier: if probability {
            metrics::brier(&s, &l)
        } else {
            None
        },
        recall,
        hits,
    }
}

/// The skill of a plan's node on the rows, from its scores.
pub fn node_skill(plan: &Plan, panel: &Panel, scores: &Scores, rows: &[Row], node: usize) -> Skill {
    let n = &plan.nodes[node];
    let ny = panel.year_idx(panel.first_year).unwrap_or(0);
    let score = |r: &Row| {
        let y = panel.year_idx(r.year).unwrap_or(ny);
        scores.value(node, panel.cell(r.unit, y))
    };
    skill(
        panel,
        rows,
        n.id.clone(),
        n.kind,
        plan.is_probability(node),
        &score,
    )
}

/// Finds the logistic node to fit: the one named, or the only one.
pub fn logistic_node(plan: &Plan, id: Option<&str>) -> Result<usize, Diagnostic> {
    let logistic: Vec<usize> = (0..plan.nodes.len())
        .filter(|&i| plan.nodes[i].rule.method == Method::Logistic)
        .collect();
    match id {
        Some(id) => {
            let Some(i) = plan.find(id) else {
                return Err(err("B008", format!("no node `{id}` in the framework"))
                    .with_hint("give the id of an indicator, risk factor or crime with --node"));
            };
            if plan.nodes[i].rule.method != Method::Logistic {
                return Err(Diagnostic::error(
                    "B009",
                    Origin::Framework,
                    format!("node `{id}` is not a logistic model, so it has no weights to fit"),
                )
                .with_hint("fit a node with `aggregate: {method: logistic, intercept: ...}`"));
            }
            Ok(i)
        }
        None => match logistic.as_slice() {
            [one] => Ok(*one),
            [] => Err(Diagnostic::error("B009", Origin::Framework, "the framework has no logistic node to fit")
                .with_hint("fitting needs a node with `aggregate: {method: logistic, intercept: ...}` whose children are its predictors")),
            many => Err(err(
                "B009",
                format!(
                    "the framework has {} logistic nodes ({})",
                    many.len(),
                    many.iter().map(|&i| plan.nodes[i].id.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )
            .with_hint("choose one with --node")),
        },
    }
}

/// The predictors of a logistic node, country-year by country-year: its
/// children's values, as the node combines them. For a node with `impute:
/// year_mean`, a child without a score takes its year mean (see
/// [`crate::score::impute`]) and a row exists where the node has a value;
/// otherwise a row needs every child.
#[derive(Debug)]
pub struct Predictors<'a> {
    plan: &'a Plan,
    panel: &'a Panel,
    scores: &'a Scores,
    node: usize,
    means: Vec<Vec<f64>>,
}

impl<'a> Predictors<'a> {
    /// The predictors of `node`.
    pub fn new(plan: &'a Plan, panel: &'a Panel, scores: &'a Scores, node: usize) -> Self {
        let means = impute::child_means(
            &plan.nodes[node],
            panel.countries.len(),
            panel.n_years,
            |c, cell| scores.value(c, cell),
        );
        Predictors {
            plan,
            panel,
            scores,
            node,
            means,
        }
    }

    /// The predictors of a unit in a year, or `None` when the node cannot
    /// use the row.
    pub fn row(&self, unit: usize, year: i32) -> Option<Vec<f64>> {
        let y = self.panel.year_idx(year)?;
        let cell = self.panel.cell(unit, y);
        let mut kids: Vec<(f64, f64)> = self.plan.nodes[self.node]
            .children
            .iter()
            .map(|&(c, w)| (self.scores.value(c, cell), w))
            .collect();
        if !self.means.is_empty() {
            if self.scores.value(self.node, cell).is_nan() {
                return None;
            }
            impute::fill(&mut kids, &self.means, y);
        }
        let v: Vec<f64> = kids.into_iter().map(|(v, _)| v).collect();
        v.iter().all(|x| !x.is_nan()).then_some(v)
    }
}

/// The training rows of a logistic node: country-years from the data's
/// first year to `through` with a row of predictors (see [`Predictors`]) and
/// a known outcome, ordered by year, then unit.
pub fn design(
    plan: &Plan,
    panel: &Panel,
    scores: &Scores,
    ev: &Events,
    node: usize,
    w: &Window,
    through: i32,
) -> (Design, Vec<i32>) {
    let t = rolling::Table::of_node(
        &Predictors::new(plan, panel, scores, node),
        panel,
        ev,
        w,
        through,
    );
    t.training(t.known_through(through))
}

/// A fit failure as a diagnostic. `what` names the fit, as every message
/// about it begins: "fit on the years up to 2002", or "the model's refit for
/// 2005 (on the years up to 2003)".
pub fn fit_error(e: &fit::FitError, what: &str) -> Diagnostic {
    let hint = match e {
        fit::FitError::OneClass { .. } => {
            "fit on more years (a later --through or an earlier --first-fit), or check that the events file matches the data"
        }
        fit::FitError::Separation => {
            "raise --lambda, fit on more years, or drop the predictor that separates the outcomes"
        }
        fit::FitError::Folds { .. } => {
            "ask for fewer folds (--cv-folds), or fit on more years (a later --through or --first-fit)"
        }
        fit::FitError::Settings(_) => "give --alpha between 0 and 1 and --lambda 0 or more",
        fit::FitError::TooManyPredictors { .. } => {
            "fit a node with fewer inputs (a logistic model of a few dozen predictors is the usual size)"
        }
        fit::FitError::Budget { .. } => {
            return crate::limits::Limit::FitWork.breach(
                Origin::Data,
                format!(
                    "{what}: the fits of this run (every refit, fold of its cross-validation and penalty on the path, over rows x predictors squared) would take more multiply-adds than allowed; ask for fewer fits (a larger --refit-every, a later --first-fit, fewer --cv-folds or --cv, a fixed --lambda) or fewer predictors"
                ),
            );
        }
    };
    let code = match e {
        fit::FitError::Separation => "B011",
        fit::FitError::Folds { .. } => "B018",
        fit::FitError::TooManyPredictors { .. } => "B020",
        _ => "B013",
    };
    let origin = match e {
        fit::FitError::Settings(_) => Origin::Usage,
        fit::FitError::TooManyPredictors { .. } => Origin::Framework,
        _ => Origin::Data,
    };
    Diagnostic::error(code, origin, format!("{what}: {e}")).with_hint(hint)
}

/// The bound of work of the fits of one run, from the `fit-work` limit.
pub fn fit_work() -> fit::Work {
    fit::Work::new(crate::limits::Limit::FitWork.get())
}

/// The constant predictors of a design, with their value: "`a` (0.5), `b`
/// (1)"; `names` names the predictors.
fn constant_list(d: &Design, constant: &[usize], names: &[&str]) -> String {
    const SHOWN: usize = 10;
    let mut list: Vec<String> = constant
        .iter()
        .take(SHOWN)
        .map(|&j| {
            let name = names.get(j).copied().unwrap_or("?");
            let v = d.x.get(j).copied().unwrap_or(f64::NAN);
            format!("`{name}` ({v})")
        })
        .collect();
    if constant.len() > SHOWN {
        list.push(format!("and {} more", constant.len() - SHOWN));
    }
    list.join(", ")
}

/// B019: predictors with one value in every training row of the fit `what`.
/// Every predictor constant is an error (no weight can be fitted, whatever
/// the penalty); some constant is `Ok(Some(list))`, the list of them for a
/// warning (see [`constant_warning`]).
pub fn constant_predictors(
    d: &Design,
    names: &[&str],
    what: &str,
) -> Result<Option<String>, Diagnostic> {
    let constant = fit::constant_predictors(d);
    if d.n() == 0 || constant.is_empty() {
        return Ok(None);
    }
    let listed = constant_list(d, &constant, names);
    if constant.len() == d.p {
        return Err(Diagnostic::error(
            "B019",
            Origin::Data,
            format!(
                "{what}: every predictor has the same value in all {} training rows ({listed}), so no weight can be fitted",
                d.n()
            ),
        )
        .with_hint("check the data columns these predictors read (a column filled with one value, or years without data), or fit on more years; a different --lambda cannot help"));
    }
    Ok(Some(listed))
}

/// The B019 warning for predictors constant over the training rows of the
/// fits `what` (such as "fit on the years up to 2002").
pub fn constant_warning(what: &str, listed: &str) -> Diagnostic {
    Diagnostic::warning(
        "B019",
        Origin::Data,
        format!(
            "{what}: {listed}: the same value in all training rows, so its weight is 0 whatever the penalty"
        ),
    )
    .with_hint("check the data column it reads, or drop it from the node")
}

/// B011: the outcomes of the fit `what` are separated, by one predictor or
/// by the fitted combination, so the unpenalised weights have no finite
/// value; `model` is the fit that did not converge because of it.
pub fn separation(
    d: &Design,
    names: &[&str],
    what: &str,
    model: Option<&fit::Model>,
) -> Diagnostic {
    use std::fmt::Write;
    let single = fit::separating_predictor(d);
    let how = |quasi: bool| {
        if quasi {
            "quasi-completely"
        } else {
            "completely"
        }
    };
    let mut msg = match single {
        Some(s) => {
            let name = names.get(s.predictor).copied().unwrap_or("?");
            let (pos, neg) = match (s.higher_positive, s.quasi) {
                (true, false) => ("above", "at or below"),
                (false, false) => ("below", "at or above"),
                (true, true) => ("at or above", "at or below"),
                (false, true) => ("at or below", "at or above"),
            };
            format!(
                "{what}: `{name}` alone separates the outcomes {}: every positive training row has it {pos} {at}, every negative one {neg} {at}",
                how(s.quasi),
                at = s.at
            )
        }
        None => format!(
            "{what}: the predictors together separate the positive and negative training rows{}",
            if model.is_some() {
                " (at least quasi-completely)"
            } else {
                ""
            }
        ),
    };
    if let Some(m) = model {
        let _ = write!(
            msg,
            "; the weights grow without bound: the fit stopped after {} reweighting steps with the gradient norm at {:.3e}",
            m.irls_steps, m.gradient_norm
        );
    } else {
        msg.push_str("; the logistic fit has no finite solution");
    }
    let drop = match single {
        Some(s) => format!("drop `{}`", names.get(s.predictor).copied().unwrap_or("?")),
        None => "drop the predictor that separates them".to_string(),
    };
    Diagnostic::error("B011", Origin::Data, msg).with_hint(format!(
        "raise --lambda (a penalty keeps the weights finite), fit on more years, or {drop}"
    ))
}

/// A fit error of the fit `what` as a diagnostic, separation named as
/// [`separation`] names it.
pub fn fit_failure(e: &fit::FitError, d: &Design, names: &[&str], what: &str) -> Diagnostic {
    match e {
        fit::FitError::Separation => separation(d, names, what, None),
        e => fit_error(e, what),
    }
}

/// Fits at one penalty within a bound of work, as `fit` and every refit do:
/// separation is B011 naming the predictor that separates the outcomes (also
/// when it is why the fit did not converge). Check constant predictors first
/// with [`constant_predictors`].
pub fn fit_checked(
    d: &Design,
    s: &fit::Settings,
    start: Option<&fit::Model>,
    names: &[&str],
    what: &str,
    work: &fit::Work,
) -> Result<fit::Model, Diagnostic> {
    match fit::fit_within(d, s, start, work) {
        Err(e) => Err(fit_failure(&e, d, names, what)),
        Ok(m)
            if !m.converged
                && (fit::separating_predictor(d).is_some() || fit::separates(&m, d)) =>
        {
            Err(separation(d, names, what, Some(&m)))
        }
        Ok(m) => Ok(m),
    }
}

/// A warning for a fit that stopped at its iteration limits: what was fitted,
/// the iterations and the gradient norm.
pub fn not_converged(what: &str, steps: usize, gradient_norm: f64) -> Diagnostic {
    Diagnostic::warning(
        "B012",
        Origin::Data,
        format!(
            "{what} did not converge: it stopped after {steps} reweighting steps with the gradient norm at {gradient_norm:.3e}; its weights are the last iterate, not the optimum"
        ),
    )
    .with_hint("raise --lambda, or drop nearly collinear predictors")
}
