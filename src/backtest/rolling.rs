//! Rolling-origin evaluation of a logistic node: before each data year `t`
//! the weights are fitted again on the rows whose outcomes were known in
//! `t` (data years up to `t - H`), with the penalty fixed or chosen by
//! cross-validation by year on those rows alone (nested), and the fit
//! forecasts year `t`. The forecasts are scored as any score is (by
//! country-year) and as the Early Warning Project scores its own (by onset
//! year: the larger of the forecasts made one to `H` years before), year by
//! year and pooled, with a calibration table, beside a naive baseline fitted
//! the same way: last year's ongoing mass killing and the logarithm of
//! population.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use super::metrics::{self, Bin};
use super::{Events, Predictors, Recall, Row, Skill, Window, err, not_converged, skill};
use crate::compile::Kind;
use crate::data::Panel;
use crate::diagnostic::Diagnostic;
use crate::fit::{self, Design, Model, Settings};
use crate::score::impute;

/// How the penalty of each refit is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Penalty {
    /// The same λ for every refit.
    Fixed(f64),
    /// λ chosen in each refit by cross-validation by year over that refit's
    /// training rows, with this many folds (see [`fit::cross_validate`]).
    CrossValidated {
        /// Folds asked for.
        folds: usize,
    },
}

/// Settings of a rolling-origin evaluation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    /// Refit every this many years (1: before every year).
    pub every: u32,
    /// Elastic-net mixing.
    pub alpha: f64,
    /// The penalty.
    pub penalty: Penalty,
    /// Also fit and score the naive baseline.
    pub baseline: bool,
}

/// Rows of predictors, country-year by country-year, ordered by year, then
/// unit, with their outcomes.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Predictors per row.
    pub p: usize,
    /// Predictor values, row-major.
    pub x: Vec<f64>,
    /// Outcome (1: an onset within the horizon); 0 where not known.
    pub y: Vec<f64>,
    /// True where the outcome is known (the horizon ends by the events' last year).
    pub known: Vec<bool>,
    /// True for rows that may be trained on (false for ongoing years left out).
    pub train: Vec<bool>,
    /// Data year per row.
    pub years: Vec<i32>,
    /// Unit per row.
    pub units: Vec<usize>,
}

impl Table {
    /// The rows of a logistic node's predictors from the data's first year
    /// to `through`.
    pub fn of_node(
        pred: &Predictors<'_>,
        panel: &Panel,
        ev: &Events,
        w: &Window,
        through: i32,
    ) -> Table {
        let mut t = Table {
            p: pred.plan.nodes[pred.node].children.len(),
            ..Table::default()
        };
        for year in panel.first_year..=through {
            for unit in 0..panel.countries.len() {
                if let Some(x) = pred.row(unit, year) {
                    t.push(&x, unit, year, ev, w);
                }
            }
        }
        t
    }

    fn push(&mut self, x: &[f64], unit: usize, year: i32, ev: &Events, w: &Window) {
        self.x.extend_from_slice(x);
        let pos = !ev.onsets_after(unit, year, w.horizon).is_empty();
        self.y.push(if pos { 1.0 } else { 0.0 });
        self.known.push(year + w.horizon as i32 <= ev.last_year);
        self.train
            .push(!(w.exclude_ongoing && ev.ongoing.contains(&(unit, year))));
        self.years.push(year);
        self.units.push(unit);
    }

    /// The naive baseline over the same rows: 1 when a mass killing was
    /// ongoing in the unit that year (the `ongoing` rows of the events file),
    /// and the natural logarithm of the data column `population` (a missing
    /// value takes the year's mean, as the node's inputs do). `None` when
    /// the data have no `population` column.
    pub fn baseline(&self, panel: &Panel, ev: &Events) -> Option<Table> {
        let col = panel.column("population")?;
        let log_pop = |cell: usize| {
            let v = panel.value(col, cell);
            if v > 0.0 { v.ln() } else { f64::NAN }
        };
        let means = impute::year_means(panel.countries.len(), panel.n_years, log_pop);
        let mut t = Table {
            p: 2,
            y: self.y.clone(),
            known: self.known.clone(),
            train: self.train.clone(),
            years: self.years.clone(),
            units: self.units.clone(),
            ..Table::default()
        };
        for (&unit, &year) in self.units.iter().zip(&self.years) {
            let y = panel.year_idx(year)?;
            let lp = log_pop(panel.cell(unit, y));
            let ongoing = ev.ongoing.contains(&(unit, year));
            t.x.push(if ongoing { 1.0 } else { 0.0 });
            t.x.push(if lp.is_nan() { means[y] } else { lp });
        }
        Some(t)
    }

    /// The number of leading rows with a data year up to `year`.
    pub fn known_through(&self, year: i32) -> usize {
        self.years.partition_point(|y| *y <= year)
    }

    /// The trainable rows with a known outcome among the first `n`, as a
    /// design, with their years.
    pub fn training(&self, n: usize) -> (Design, Vec<i32>) {
        let mut d = Design::new(self.p);
        let mut years = Vec::new();
        for i in 0..n {
            if self.train[i] && self.known[i] {
                d.push(self.row(i), self.y[i] > 0.5);
                years.push(self.years[i]);
            }
        }
        (d, years)
    }

    /// The least work of the refit that trains on the years through
    /// `through` (see [`fit::least_work`] and [`fit::cv_least_work`]),
    /// counted from the rows' years and outcomes, before any design is built.
    fn least_work(&self, through: i32, h: i32, cfg: &Config) -> u64 {
        let mut y = Vec::new();
        let mut years = Vec::new();
        for i in 0..self.known_through(through) {
            if self.train[i] && self.known[i] {
                y.push(if self.y[i] > 0.5 { 1.0 } else { 0.0 });
                years.push(self.years[i]);
            }
        }
        let cv = match cfg.penalty {
            Penalty::Fixed(_) => 0,
            Penalty::CrossValidated { folds } => {
                fit::cv_least_work(&years, &y, self.p, folds, (h - 1).max(0) as u32)
            }
        };
        cv.saturating_add(fit::least_work(y.len(), self.p))
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.p..(i + 1) * self.p]
    }
}

/// Cross-validation inside one refit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CvSummary {
    /// Folds used (fewer than asked when the training rows cover fewer years).
    pub folds: usize,
    /// Years left out of the fitted rows on each side of a held-out block.
    pub gap: u32,
    /// First and last year held out by each fold.
    pub fold_years: Vec<(i32, i32)>,
    /// Mean held-out deviance per row at the chosen λ.
    pub deviance: f64,
    /// Fits along the folds' λ paths.
    pub path_fits: usize,
    /// Of those, fits that stopped at their iteration limits.
    pub not_converged: usize,
}

/// One refit of a rolling-origin backtest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refit {
    /// Number of the fit, from 1.
    pub fit: usize,
    /// First data year forecast with this fit.
    pub test_year: i32,
    /// Last data year of its training rows.
    pub trained_through: i32,
    /// Training rows.
    pub n: usize,
    /// Positive training rows.
    pub positives: usize,
    /// Non-zero weights.
    pub nonzero: usize,
    /// The penalty λ.
    pub lambda: f64,
    /// True unless the fit stopped at its iteration limits.
    pub converged: bool,
    /// Reweighting steps taken.
    pub irls_steps: usize,
    /// Norm of the violation of the optimality conditions.
    pub gradient_norm: f64,
    /// How λ was chosen, when by cross-validation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cv: Option<CvSummary>,
}

/// One out-of-sample forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    /// Unit index in the panel.
    #[serde(skip)]
    pub unit: usize,
    /// Unit code.
    pub unit_code: String,
    /// Data year the forecast is made from.
    pub data_year: i32,
    /// First and last year forecast (`data_year + 1` to `data_year + H`).
    pub forecast_years: (i32, i32),
    /// The forecast probability of an onset in those years.
    pub probability: f64,
    /// Whether an onset followed in those years (`None` while unknown).
    pub onset: Option<bool>,
    /// The fit it came from (see [`Refit::fit`]).
    pub fit: usize,
    /// That fit's last training year.
    pub trained_through: i32,
    /// That fit's λ.
    pub lambda: f64,
    /// The naive baseline's forecast for the same row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
}

/// Skill measures of one outcome year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearSkill {
    /// Outcome year.
    pub year: i32,
    /// Units with a forecast.
    pub n: usize,
    /// Onsets among them.
    pub positives: usize,
    /// Area under the ROC curve.
    pub auc_roc: Option<f64>,
    /// Average precision.
    pub auc_pr: Option<f64>,
    /// Brier score.
    pub brier: Option<f64>,
    /// Onsets in the year's top 10, 20 and 30.
    pub recall: Vec<Recall>,
}

/// The skill of one set of forecasts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// By country-year over the window: positive when an onset follows
    /// within the horizon.
    pub by_country_year: Skill,
    /// By onset year, as EWP counts: each unit and outcome year `Y` from the
    /// window's first year + 1 to the last year of the events file, scored
    /// with the largest of the forecasts made from data of `Y-1 ..= Y-H`,
    /// positive when an onset falls in `Y` itself.
    pub by_onset_year: Skill,
    /// The same, year by year.
    pub by_year: Vec<YearSkill>,
    /// Calibration of the by-country-year forecasts: ten bins of equal
    /// count, from the lowest forecasts up.
    pub calibration: Vec<Bin>,
}

/// The result of a rolling-origin evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollingSkill {
    /// The node's forecasts.
    pub model: Evaluation,
    /// The fits.
    pub refits: Vec<Refit>,
    /// The naive baseline's forecasts, when asked for and the data have a
    /// `population` column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Evaluation>,
    /// The baseline's fits.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub baseline_refits: Vec<Refit>,
    /// Every forecast, by data year, then unit.
    #[serde(skip)]
    pub predictions: Vec<Prediction>,
    /// Fits that did not converge (warnings).
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
}

/// The naive baseline's predictors, as its messages name them.
const BASELINE_PREDICTORS: [&str; 2] = ["ongoing mass killing", "log population"];

/// The fits of a rolling origin and their forecasts.
struct Forecasts {
    refits: Vec<Refit>,
    /// Per table row from the first year forecast: (row, probability, refit index).
    predicted: Vec<(usize, f64, usize)>,
    warnings: Vec<Diagnostic>,
}

/// What the fit of one set of forecasts is, for its messages: `what`
/// ("model", "baseline") and the names of its predictors.
struct Fitted<'a> {
    what: &'a str,
    names: &'a [&'a str],
}

impl Fitted<'_> {
    /// How the messages name the refit forecasting from `t`.
    fn refit(&self, t: i32, through: i32) -> String {
        format!(
            "the {}'s refit for {t} (on the years up to {through})",
            self.what
        )
    }
}

/// One refit, its model, and the list of its constant predictors (for a
/// warning), if any.
type Refitted = (Refit, Model, Option<String>);

#[allow(clippy::too_many_arguments)]
fn refit(
    table: &Table,
    t: i32,
    h: i32,
    k: usize,
    cfg: &Config,
    start: Option<&Model>,
    of: &Fitted<'_>,
    work: &fit::Work,
) -> Result<Refitted, Diagnostic> {
    let through = t - h;
    let what = of.refit(t, through);
    let (d, years) = table.training(table.known_through(through));
    let constant = super::constant_predictors(&d, of.names, &what)?;
    let (lambda, cv) = match cfg.penalty {
        Penalty::Fixed(l) => (l, None),
        Penalty::CrossValidated { folds } => {
            let gap = (h - 1).max(0) as u32;
            let cv = fit::cross_validate_within(&d, &years, cfg.alpha, folds, gap, work)
                .map_err(|e| super::fit_failure(&e, &d, of.names, &what))?;
            let summary = CvSummary {
                folds: cv.folds.test.len(),
                gap: cv.folds.gap,
                fold_years: cv.folds.years.clone(),
                deviance: cv.deviance[cv.best],
                path_fits: cv.fits,
                not_converged: cv.not_converged,
            };
            (cv.lambdas[cv.best], Some(summary))
        }
    };
    let m = super::fit_checked(
        &d,
        &Settings::new(cfg.alpha, lambda),
        start,
        of.names,
        &what,
        work,
    )?;
    Ok((
        Refit {
            fit: k + 1,
            test_year: t,
            trained_through: through,
            n: m.n,
            positives: m.positives,
            nonzero: m.nonzero(),
            lambda,
            converged: m.converged,
            irls_steps: m.irls_steps,
            gradient_norm: m.gradient_norm,
            cv,
        },
        m,
        constant,
    ))
}

/// The first error of refits run in parallel, in the order of the refits;
/// the bound of work first when it was passed (which refit passed it
/// depends on the threads, whether it was passed does not).
fn in_order(
    results: Vec<Result<Refitted, Diagnostic>>,
    work: &fit::Work,
    what: &str,
) -> Result<Vec<Refitted>, Diagnostic> {
    if work.exceeded() {
        return Err(super::fit_error(
            &fit::FitError::Budget { cap: work.cap() },
            &format!("the {what}'s refits"),
        ));
    }
    results.into_iter().collect()
}

/// Refits before every `every`-th data year from `first` to `last` and
/// forecasts each year with the latest fit. A fixed λ starts each fit from
/// the one before; cross-validated refits are independent and run in
/// parallel.
fn forecast(
    table: &Table,
    first: i32,
    last: i32,
    h: i32,
    cfg: &Config,
    of: &Fitted<'_>,
    work: &fit::Work,
) -> Result<Forecasts, Diagnostic> {
    let what = of.what;
    let starts: Vec<i32> = (first..=last).step_by(cfg.every as usize).collect();
    // The least work of every refit together, checked before the first: a
    // run that must pass the bound stops before it starts.
    let least = starts
        .iter()
        .map(|&t| table.least_work(t - h, h, cfg))
        .fold(0u64, u64::saturating_add);
    let serial = u64::from(matches!(cfg.penalty, Penalty::Fixed(_))) + 1;
    if let Err(e) = work.ahead(least.saturating_mul(serial)) {
        return Err(super::fit_error(&e, &format!("the {what}'s refits")));
    }
    let fitted: Vec<Refitted> = match cfg.penalty {
        Penalty::Fixed(_) => {
            // Each refit starts from the one before, so they run one after
            // another on one core: their work counts twice against the
            // bound, which is set for work shared by two cores.
            let serial = fit::Work::new(work.cap().saturating_sub(work.used()) / 2);
            let over = || {
                super::fit_error(
                    &fit::FitError::Budget { cap: work.cap() },
                    &format!("the {what}'s refits"),
                )
            };
            let mut out: Vec<Refitted> = Vec::with_capacity(starts.len());
            for (k, &t) in starts.iter().enumerate() {
                let prev = out.last().map(|(_, m, _)| m);
                let r = refit(table, t, h, k, cfg, prev, of, &serial)
                    .map_err(|d| if serial.exceeded() { over() } else { d })?;
                out.push(r);
            }
            work.charge(serial.used().saturating_mul(2))
                .map_err(|_| over())?;
            out
        }
        Penalty::CrossValidated { .. } => {
            let results: Vec<_> = starts
                .par_iter()
                .enumerate()
                .map(|(k, &t)| refit(table, t, h, k, cfg, None, of, work))
                .collect();
            in_order(results, work, what)?
        }
    };
    let mut warnings = Vec::new();
    // Predictors constant in some refits: one warning per list, naming the
    // refits.
    let mut constant: Vec<(&str, Vec<i32>)> = Vec::new();
    for (r, _, c) in &fitted {
        if let Some(c) = c {
            match constant.iter_mut().find(|(l, _)| l == c) {
                Some((_, years)) => years.push(r.test_year),
                None => constant.push((c, vec![r.test_year])),
            }
        }
    }
    for (listed, years) in constant {
        let years: Vec<String> = years.iter().map(i32::to_string).collect();
        warnings.push(super::constant_warning(
            &format!(
                "the {what}'s refit{} for {}",
                if years.len() > 1 { "s" } else { "" },
                years.join(", ")
            ),
            listed,
        ));
    }
    for (r, _, _) in &fitted {
        if !r.converged {
            warnings.push(not_converged(
                &of.refit(r.test_year, r.trained_through),
                r.irls_steps,
                r.gradient_norm,
            ));
        }
        if let Some(cv) = r.cv.as_ref().filter(|c| c.not_converged > 0) {
            warnings.push(
                Diagnostic::warning(
                    "B012",
                    crate::diagnostic::Origin::Data,
                    format!(
                        "cross-validation of {}: {} of {} fits along the folds' lambda paths stopped at their iteration limits",
                        of.refit(r.test_year, r.trained_through), cv.not_converged, cv.path_fits
                    ),
                )
                .with_hint("their held-out deviance still counts; if the chosen lambda is among the smallest, raise the penalty with --lambda"),
            );
        }
    }
    let from = table.known_through(first - 1);
    let mut predicted = Vec::with_capacity(table.years.len() - from);
    for i in from..table.known_through(last) {
        let k = starts.partition_point(|s| *s <= table.years[i]) - 1;
        predicted.push((i, fitted[k].1.predict(table.row(i)), k));
    }
    Ok(Forecasts {
        refits: fitted.into_iter().map(|(r, _, _)| r).collect(),
        predicted,
        warnings,
    })
}

/// Scores forecasts by country-year and by onset year, year by year, with a
/// calibration table.
fn evaluate(
    panel: &Panel,
    ev: &Events,
    w: &Window,
    id: &str,
    kind: Kind,
    preds: &HashMap<(usize, i32), f64>,
) -> Evaluation {
    let rows = super::rows(panel, ev, w);
    let score = |r: &Row| preds.get(&(r.unit, r.year)).copied().unwrap_or(f64::NAN);
    let by_country_year = skill(panel, &rows, id.to_string(), kind, true, &score);
    let h = w.horizon as i32;
    let mut onset_rows = Vec::new();
    for year in w.from + 1..=ev.last_year {
        for unit in 0..panel.countries.len() {
            let onset = ev.onsets.contains_key(&(unit, year));
            onset_rows.push(Row {
                unit,
                year,
                onsets: if onset { vec![year] } else { Vec::new() },
            });
        }
    }
    let latest = |r: &Row| {
        (1..=h)
            .filter_map(|k| preds.get(&(r.unit, r.year - k)).copied())
            .fold(f64::NAN, f64::max)
    };
    let by_onset_year = skill(panel, &onset_rows, id.to_string(), kind, true, &latest);
    let by_year = (w.from + 1..=ev.last_year)
        .map(|year| {
            let of_year: Vec<Row> = onset_rows
                .iter()
                .filter(|r| r.year == year)
                .cloned()
                .collect();
            let s = skill(panel, &of_year, id.to_string(), kind, true, &latest);
            YearSkill {
                year,
                n: s.n,
                positives: s.positives,
                auc_roc: s.auc_roc,
                auc_pr: s.auc_pr,
                brier: s.brier,
                recall: s.recall,
            }
        })
        .filter(|y| y.n > 0)
        .collect();
    let (mut p, mut l) = (Vec::new(), Vec::new());
    for r in &rows {
        let v = score(r);
        if !v.is_nan() {
            p.push(v);
            l.push(r.positive());
        }
    }
    Evaluation {
        by_country_year,
        by_onset_year,
        by_year,
        calibration: metrics::calibration(&p, &l, 10),
    }
}

/// Rolling-origin evaluation of a logistic node: refits (every
/// `cfg.every` years) before each data year `t` from the window's first
/// year, on the rows up to `t - H` (whose outcomes were known in year `t`),
/// and forecasts year `t`. Forecasts run to the year before the last year of
/// the events file, so that every outcome year with known events is scored
/// by onset year; the by-country-year figures keep to the window.
pub fn rolling(
    plan: &crate::compile::Plan,
    panel: &Panel,
    scores: &crate::score::Scores,
    ev: &Events,
    node: usize,
    w: &Window,
    cfg: &Config,
) -> Result<RollingSkill, Diagnostic> {
    if cfg.every == 0 {
        return Err(err("B010", "--refit-every must be at least 1")
            .with_hint("--refit-every 1 refits before every year scored"));
    }
    let h = w.horizon as i32;
    let last = (ev.last_year - 1).min(panel.last_year()).max(w.to);
    let pred = Predictors::new(plan, panel, scores, node);
    let table = Table::of_node(&pred, panel, ev, w, last);
    let id = &plan.nodes[node].id;
    let kind = plan.nodes[node].kind;
    let names: Vec<&str> = plan.nodes[node]
        .children
        .iter()
        .map(|&(c, _)| plan.nodes[c].id.as_str())
        .collect();
    let work = super::fit_work();
    let of = Fitted {
        what: "model",
        names: &names,
    };
    let model = forecast(&table, w.from, last, h, cfg, &of, &work)?;
    let base_table = cfg.baseline.then(|| table.baseline(panel, ev)).flatten();
    let of = Fitted {
        what: "baseline",
        names: &BASELINE_PREDICTORS,
    };
    let base = match &base_table {
        Some(t) => Some(forecast(t, w.from, last, h, cfg, &of, &work)?),
        None => None,
    };
    let map = |f: &Forecasts| -> HashMap<(usize, i32), f64> {
        f.predicted
            .iter()
            .map(|&(i, p, _)| ((table.units[i], table.years[i]), p))
            .collect()
    };
    let base_of: Vec<Option<f64>> = match &base {
        Some(b) => b.predicted.iter().map(|&(_, p, _)| Some(p)).collect(),
        None => vec![None; model.predicted.len()],
    };
    let predictions = model
        .predicted
        .iter()
        .zip(base_of)
        .map(|(&(i, p, k), b)| {
            let (unit, year) = (table.units[i], table.years[i]);
            Prediction {
                unit,
                unit_code: panel.countries[unit].iso3.clone(),
                data_year: year,
                forecast_years: (year + 1, year + h),
                probability: p,
                onset: table.known[i].then_some(table.y[i] > 0.5),
                fit: k + 1,
                trained_through: model.refits[k].trained_through,
                lambda: model.refits[k].lambda,
                baseline: b,
            }
        })
        .collect();
    let model_eval = evaluate(panel, ev, w, id, kind, &map(&model));
    let base_eval = base
        .as_ref()
        .map(|b| evaluate(panel, ev, w, "baseline", kind, &map(b)));
    let mut warnings = model.warnings;
    let mut baseline_refits = Vec::new();
    if let Some(b) = base {
        warnings.extend(b.warnings);
        baseline_refits = b.refits;
    }
    Ok(RollingSkill {
        model: model_eval,
        refits: model.refits,
        baseline: base_eval,
        baseline_refits,
        predictions,
        warnings,
    })
}
