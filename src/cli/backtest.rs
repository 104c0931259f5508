//! `atrisk backtest`: how well a framework's scores would have picked out
//! the country-years before an event (such as a mass-killing onset).

use std::fmt::Write;
use std::path::PathBuf;

use super::{Ctx, EXIT_OK, Failure, InputArgs, Scored, usage, write_output};
use crate::backtest::{self, Config, Events, Penalty, RollingSkill, Skill, TOP_K, Window};
use crate::compile::Kind;
use crate::data::Panel;
use crate::diagnostic::{Diagnostic, Origin, Sources};

/// EWP's own rolling-origin backtest (outcome years 1994-2024, 39 onsets),
/// computed from its published file (`FOOSforecasts_3Sep2025.csv`): AUC 0.825.
pub const EWP_ROLLING_AUC: f64 = 0.825;

/// Output formats of `backtest`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// A table and the missed onsets, for people.
    Text,
    /// Everything, for scripts.
    Json,
    /// One line per node.
    Csv,
}

/// The events and outcome arguments shared by `backtest` and `fit`.
#[derive(Debug, clap::Args)]
pub struct EventArgs {
    /// Events file (CSV: the unit key, year, and optionally event = onset|ongoing).
    #[arg(long, value_name = "FILE")]
    pub events: PathBuf,
    /// A country-year is positive when an onset falls in the next H years.
    #[arg(long, value_name = "H", default_value_t = 2, value_parser = super::numbers::horizon)]
    pub horizon: u32,
    /// Leave out country-years in which an episode is ongoing (`ongoing` rows of the events file).
    #[arg(long)]
    pub exclude_ongoing: bool,
}

/// Arguments of `backtest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub events: EventArgs,
    /// First data year scored (default: the data's first year).
    #[arg(long, value_name = "YEAR", value_parser = super::numbers::year)]
    pub from: Option<i32>,
    /// Last data year scored (default: the last year whose outcome is known).
    #[arg(long, value_name = "YEAR", value_parser = super::numbers::year)]
    pub to: Option<i32>,
    /// The node whose skill is reported first (default: the overall score; with --refit-every, the logistic node).
    #[arg(long, value_name = "ID")]
    pub node: Option<String>,
    /// Require the Brier score of the node (an error when its values are not probabilities).
    #[arg(long)]
    pub brier: bool,
    /// Rolling origin: refit the logistic node every N years on the years whose outcomes were known, and forecast the next years with it.
    #[arg(long, value_name = "N", value_parser = super::numbers::refit)]
    pub refit_every: Option<u32>,
    /// Rolling origin: the first data year forecast by a refitted model (default: the data's first year + horizon + 1, so that the first fit has two years to cross-validate on).
    #[arg(long, value_name = "YEAR", requires = "refit_every", value_parser = super::numbers::year)]
    pub first_fit: Option<i32>,
    /// Rolling origin: elastic-net mixing (1 lasso, 0 ridge).
    #[arg(long, value_name = "A", default_value_t = 0.5)]
    pub alpha: f64,
    /// Rolling origin: a fixed penalty for every fit (default: chosen inside each fit by cross-validation by year on that fit's training years).
    #[arg(long, value_name = "L", conflicts_with = "cv_folds")]
    pub lambda: Option<f64>,
    /// Rolling origin: folds of the cross-validation inside each fit, each a run of consecutive years.
    #[arg(long, value_name = "K", requires = "refit_every", value_parser = super::numbers::folds)]
    pub cv_folds: Option<usize>,
    /// Rolling origin: write every out-of-sample forecast to FILE (CSV; JSON with --format json): unit, data year, forecast years, probability, outcome, the fit it came from, and the baseline's forecast.
    #[arg(long, value_name = "FILE", requires = "refit_every")]
    pub predictions: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write to this file instead of standard output (written whole, or not at all).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Reads the events file against a panel.
pub fn load_events(path: &std::path::Path, panel: &Panel) -> Result<Events, Failure> {
    let name = path.display().to_string();
    let bytes = crate::limits::read_data_file(path, "events file", "--events", "B001")
        .map_err(|d| Failure::new(d, &Sources::default()))?;
    let unit = |vals: &[&str]| panel.unit_of_key(vals);
    Events::parse(
        &name,
        &bytes,
        &panel.unit_key,
        &unit,
        (panel.first_year, panel.last_year()),
    )
    .map_err(|d| {
        let mut s = Sources::default();
        s.add(&name, &String::from_utf8_lossy(&bytes));
        Failure::new(d, &s)
    })
}

/// A diagnostic without a file, as a failure.
pub fn fail(d: Diagnostic) -> Failure {
    Failure::new(d, &Sources::default())
}

/// The whole report.
#[derive(Debug, serde::Serialize)]
struct Report<'a> {
    framework: &'a str,
    events: &'a str,
    unit_key: String,
    horizon: u32,
    from: i32,
    to: i32,
    outcomes_known_through: i32,
    exclude_ongoing: bool,
    event_rows_outside_data_years: usize,
    country_years: usize,
    nodes: Vec<Skill>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rolling: Option<Rolling>,
}

#[derive(Debug, serde::Serialize)]
struct Rolling {
    alpha: f64,
    /// The fixed λ, when one was given; otherwise see each refit.
    #[serde(skip_serializing_if = "Option::is_none")]
    lambda: Option<f64>,
    /// Folds of the cross-validation inside each refit, when λ was chosen so.
    #[serde(skip_serializing_if = "Option::is_none")]
    cv_folds: Option<usize>,
    refit_every: u32,
    first_fit: i32,
    #[serde(flatten)]
    skill: RollingSkill,
    ewp_reference: EwpReference,
}

/// EWP's own rolling-origin backtest, computed from its published file.
#[derive(Debug, serde::Serialize)]
struct EwpReference {
    outcome_years: &'static str,
    country_years: usize,
    onsets: usize,
    auc_roc: f64,
    /// Onsets whose better rank of the two forecasts was within 30.
    top30_best_of_two_ranks: f64,
    /// Onsets whose larger forecast ranked within 30 in its outcome year (as atrisk ranks).
    top30_larger_forecast: f64,
}

impl Default for EwpReference {
    fn default() -> Self {
        EwpReference {
            outcome_years: "1994-2024",
            country_years: 5032,
            onsets: 39,
            auc_roc: EWP_ROLLING_AUC,
            top30_best_of_two_ranks: 27.0 / 39.0,
            top30_larger_forecast: 25.0 / 39.0,
        }
    }
}

/// Runs `backtest`.
pub fn run(ctx: &Ctx, a: &Args) -> Result<u8, Failure> {
    let Scored {
        loaded,
        plan,
        panel,
        scores,
        ..
    } = a.input.score(ctx)?;
    let ev = load_events(&a.events.events, &panel)?;
    let first = a.refit_every.map(|_| {
        let f = a
            .first_fit
            .unwrap_or(panel.first_year + a.events.horizon as i32 + 1);
        a.from.map_or(f, |x| x.max(f))
    });
    let w = backtest::window(
        &panel,
        &ev,
        a.events.horizon,
        first.or(a.from),
        a.to,
        a.events.exclude_ongoing,
    )
    .map_err(fail)?;
    let rows = backtest::rows(&panel, &ev, &w);
    let mut nodes = Vec::new();
    let mut rolling = None;
    let mut predictions = None;
    if let (Some(every), Some(first_fit)) = (a.refit_every, first) {
        let node = backtest::logistic_node(&plan, a.node.as_deref()).map_err(fail)?;
        let penalty = match a.lambda {
            Some(l) => Penalty::Fixed(l),
            None => Penalty::CrossValidated {
                folds: a.cv_folds.unwrap_or(DEFAULT_FOLDS),
            },
        };
        let cfg = Config {
            every,
            alpha: a.alpha,
            penalty,
            baseline: true,
        };
        let rolled =
            backtest::rolling(&plan, &panel, &scores, &ev, node, &w, &cfg).map_err(fail)?;
        if !rolled.warnings.is_empty() {
            super::print_warnings(ctx, &rolled.warnings, &Sources::default())?;
        }
        nodes.push(rolled.model.by_country_year.clone());
        if let Some(path) = &a.predictions {
            predictions = Some((path.clone(), predictions_text(&rolled, &panel, a.format)));
        }
        rolling = Some(Rolling {
            alpha: a.alpha,
            lambda: a.lambda,
            cv_folds: a
                .lambda
                .is_none()
                .then(|| a.cv_folds.unwrap_or(DEFAULT_FOLDS)),
            refit_every: every,
            first_fit,
            skill: rolled,
            ewp_reference: EwpReference::default(),
        });
    } else {
        let main = match &a.node {
            Some(id) => plan.find(id).ok_or_else(|| {
                fail(
                    Diagnostic::error(
                        "B008",
                        Origin::Usage,
                        format!("no node `{id}` in the framework"),
                    )
                    .with_hint("give the id of an indicator, risk factor or crime with --node"),
                )
            })?,
            None => plan.overall(),
        };
        if a.brier && !plan.is_probability(main) {
            return Err(fail(
                Diagnostic::error(
                    "B014",
                    Origin::Usage,
                    format!(
                        "the Brier score needs probabilities, and the values of `{}` are not (its method is not logistic)",
                        plan.nodes[main].id
                    ),
                )
                .with_hint("ask for the Brier score only of a logistic node, or of a node that passes one on unchanged; AUC and top-k recall do not need probabilities"),
            ));
        }
        let mut order = vec![main];
        for kind in [Kind::Crime, Kind::RiskFactor] {
            let mut of = plan.of_kind(kind);
            of.sort_by_key(|&i| (plan.nodes[i].file, plan.nodes[i].line));
            order.extend(of.into_iter().filter(|i| *i != main));
        }
        for i in order {
            nodes.push(backtest::node_skill(&plan, &panel, &scores, &rows, i));
        }
    }
    let events_name = a.events.events.display().to_string();
    let report = Report {
        framework: &loaded.name,
        events: &events_name,
        unit_key: panel.unit_key_label(),
        horizon: w.horizon,
        from: w.from,
        to: w.to,
        outcomes_known_through: ev.last_year,
        exclude_ongoing: w.exclude_ongoing,
        event_rows_outside_data_years: ev.outside_years,
        country_years: rows.len(),
        nodes,
        rolling,
    };
    let out = match a.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&report).expect("serialisable");
            s.push('\n');
            s
        }
        Format::Csv => csv_of(&report),
        Format::Text => text_of(&report, &w),
    };
    let mut inputs = a.input.paths();
    inputs.push(a.events.events.clone());
    if let Some((path, text)) = &predictions {
        if a.output.as_deref() == Some(path.as_path()) {
            return Err(usage(
                "--predictions and -o name the same file",
                "write the forecasts and the report to two files",
            ));
        }
        write_output(Some(path), text, &inputs)?;
    }
    write_output(a.output.as_deref(), &out, &inputs)?;
    Ok(EXIT_OK)
}

/// Folds of the cross-validation inside each refit when none are asked for.
pub const DEFAULT_FOLDS: usize = 5;

/// One forecast as written to the predictions file.
#[derive(Debug, serde::Serialize)]
struct PredictionOut<'a> {
    unit: &'a str,
    country: &'a str,
    data_year: i32,
    forecast_from: i32,
    forecast_to: i32,
    probability: f64,
    onset: Option<bool>,
    fit: usize,
    trained_through: i32,
    lambda: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<f64>,
}

/// The predictions file: CSV (one row per unit and data year), or JSON.
fn predictions_text(r: &RollingSkill, panel: &Panel, format: Format) -> String {
    let rows: Vec<PredictionOut<'_>> = r
        .predictions
        .iter()
        .map(|p| PredictionOut {
            unit: &p.unit_code,
            country: &panel.countries[p.unit].name,
            data_year: p.data_year,
            forecast_from: p.forecast_years.0,
            forecast_to: p.forecast_years.1,
            probability: p.probability,
            onset: p.onset,
            fit: p.fit,
            trained_through: p.trained_through,
            lambda: p.lambda,
            baseline: p.baseline,
        })
        .collect();
    if let Format::Json = format {
        let mut s = serde_json::to_string_pretty(&serde_json::json!({
            "unit_key": panel.unit_key_label(),
            "predictions": rows,
        }))
        .expect("serialisable");
        s.push('\n');
        return s;
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        panel.unit_key_label().as_str(),
        "country",
        "data_year",
        "forecast_from",
        "forecast_to",
        "probability",
        "onset",
        "fit",
        "trained_through",
        "lambda",
        "baseline",
    ]);
    for p in &rows {
        let _ = w.write_record([
            p.unit.to_string(),
            p.country.to_string(),
            p.data_year.to_string(),
            p.forecast_from.to_string(),
            p.forecast_to.to_string(),
            p.probability.to_string(),
            p.onset.map_or(String::new(), |o| u8::from(o).to_string()),
            p.fit.to_string(),
            p.trained_through.to_string(),
            p.lambda.to_string(),
            p.baseline.map_or(String::new(), |b| b.to_string()),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn num(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "n/a".to_string(), |x| format!("{x:.digits$}"))
}

fn share(s: &Skill, i: usize) -> Option<f64> {
    s.recall.get(i).and_then(|r| r.share)
}

fn csv_of(r: &Report<'_>) -> String {
    let mut out = String::from(
        "node,kind,n,positives,unscored,auc_roc,auc_pr,brier,recall_top10,recall_top20,recall_top30\n",
    );
    let f = |v: Option<f64>| v.map_or_else(String::new, |x| format!("{x:.6}"));
    for s in &r.nodes {
        let kind = serde_json::to_value(s.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{},{kind},{},{},{},{},{},{},{},{},{}",
            s.node,
            s.n,
            s.positives,
            s.unscored,
            f(s.auc_roc),
            f(s.auc_pr),
            f(s.brier),
            f(share(s, 0)),
            f(share(s, 1)),
            f(share(s, 2))
        );
    }
    out
}

fn text_of(r: &Report<'_>, w: &Window) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Backtest of {} against {}", r.framework, r.events);
    let _ = writeln!(
        out,
        "Country-years {}-{} ({} rows); positive when an onset falls in the next {} year(s); outcomes known through {}.",
        w.from, w.to, r.country_years, w.horizon, r.outcomes_known_through
    );
    if w.exclude_ongoing {
        out.push_str("Country-years with an ongoing episode are left out.\n");
    }
    if r.event_rows_outside_data_years > 0 {
        let _ = writeln!(
            out,
            "{} event rows lie outside the data's years and are not used.",
            r.event_rows_outside_data_years
        );
    }
    if let Some(ro) = &r.rolling {
        let refits = &ro.skill.refits;
        let penalty = match (ro.lambda, ro.cv_folds) {
            (Some(l), _) => format!("lambda {l}"),
            (None, k) => format!(
                "lambda chosen inside each fit by {}-fold cross-validation by year on that fit's training years only",
                k.unwrap_or(DEFAULT_FOLDS)
            ),
        };
        let _ = writeln!(
            out,
            "Rolling origin: refitted every {} year(s) from {} (alpha {}, {penalty}), {} fits, each on the years whose outcomes were known.",
            ro.refit_every,
            ro.first_fit,
            ro.alpha,
            refits.len()
        );
        if ro.lambda.is_none()
            && let (Some(f), Some(l)) = (refits.first(), refits.last())
        {
            let mut ls: Vec<f64> = refits.iter().map(|r| r.lambda).collect();
            ls.sort_by(f64::total_cmp);
            let folds = |r: &backtest::Refit| {
                r.cv.as_ref().map_or(String::new(), |c| {
                    format!(", {} folds, gap {}", c.folds, c.gap)
                })
            };
            let _ = writeln!(
                out,
                "Chosen lambda: {} in the first fit (through {}{}), {} in the last (through {}{}); median {}.",
                sig(f.lambda),
                f.trained_through,
                folds(f),
                sig(l.lambda),
                l.trained_through,
                folds(l),
                sig(ls[ls.len() / 2])
            );
        }
    }
    out.push('\n');
    let wid = r
        .nodes
        .iter()
        .map(|s| s.node.chars().count())
        .chain([4])
        .max()
        .unwrap_or(4);
    let _ = writeln!(
        out,
        "{:<wid$}  {:>6}  {:>4}  {:>7}  {:>6}  {:>6}  {:>5}  {:>5}  {:>5}",
        "node", "n", "pos", "AUC-ROC", "AUC-PR", "Brier", "top10", "top20", "top30"
    );
    for s in &r.nodes {
        skill_row(&mut out, "", &s.node, (wid, 4), s);
    }
    out.push_str("\ntopK: share of positive country-years ranked in the top K of their year (ties share the best rank); AUC-PR is average precision.\n");
    if let Some(ro) = &r.rolling {
        rolling_text(&mut out, r, ro, w);
    }
    if let Some(main) = r.nodes.first() {
        let k = TOP_K[TOP_K.len() - 1];
        let missed: Vec<_> = main.missed().collect();
        let _ = writeln!(
            out,
            "\nPositive country-years of {} ranked below {k} in their year: {} of {}",
            main.node,
            missed.len(),
            main.positives
        );
        for h in missed {
            let onsets: Vec<String> = h.onset_years.iter().map(i32::to_string).collect();
            let who = if h.name == h.unit {
                h.name.clone()
            } else {
                format!("{} ({})", h.name, h.unit)
            };
            let _ = writeln!(
                out,
                "  {who} {}: rank {} of {}, score {:.4}, onset in {}",
                h.year,
                h.rank,
                h.ranked,
                h.score,
                onsets.join(", ")
            );
        }
    }
    out
}

/// A number to 3 significant figures, for people.
fn sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return v.to_string();
    }
    let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.digits$}")
}

/// Hits within the top `k` of their year, of all onsets, as `hits/onsets`.
fn hits(s: &Skill, i: usize) -> String {
    s.recall
        .get(i)
        .map_or("n/a".to_string(), |r| format!("{}/{}", r.hits, s.positives))
}

/// One row of a skill table: the label in `widths.0` characters, the
/// positives in `widths.1`.
fn skill_row(out: &mut String, indent: &str, label: &str, widths: (usize, usize), s: &Skill) {
    let (wl, wp) = widths;
    let _ = writeln!(
        out,
        "{indent}{label:<wl$}  {:>6}  {:>wp$}  {:>7}  {:>6}  {:>6}  {:>5}  {:>5}  {:>5}",
        s.n,
        s.positives,
        num(s.auc_roc, 3),
        num(s.auc_pr, 3),
        num(s.brier, 4),
        pct(share(s, 0)),
        pct(share(s, 1)),
        pct(share(s, 2)),
    );
}

/// The rolling-origin sections: EWP's count, year by year, calibration.
fn rolling_text(out: &mut String, r: &Report<'_>, ro: &Rolling, w: &Window) {
    let m = &ro.skill.model;
    let base = ro.skill.baseline.as_ref();
    let e = &ro.ewp_reference;
    let first = ro.skill.refits.first().map_or(w.from, |f| f.test_year) + 1;
    let _ = writeln!(
        out,
        "\nCounted as EWP counts, by onset year (each unit and year {first}-{} scored with the larger of the forecasts made 1 to {} years before; positive when an onset falls in that year):",
        r.outcomes_known_through, w.horizon
    );
    let _ = writeln!(
        out,
        "  {:<14}  {:>6}  {:>6}  {:>7}  {:>6}  {:>6}  {:>5}  {:>5}  {:>5}",
        "", "rows", "onsets", "AUC-ROC", "AUC-PR", "Brier", "top10", "top20", "top30"
    );
    skill_row(out, "  ", "atrisk", (14, 6), &m.by_onset_year);
    if let Some(b) = base {
        skill_row(out, "  ", "naive baseline", (14, 6), &b.by_onset_year);
    }
    let _ = writeln!(
        out,
        "  EWP's published backtest, outcome years {}: {} country-years, {} onsets, AUC-ROC {:.3}, top 30 {} ({} by the better of its two ranks)",
        e.outcome_years,
        e.country_years,
        e.onsets,
        e.auc_roc,
        pct(Some(e.top30_larger_forecast)),
        pct(Some(e.top30_best_of_two_ranks))
    );
    if base.is_some() {
        out.push_str("  The naive baseline is fitted the same way on two predictors: an ongoing mass killing in the data year (the events file's `ongoing` rows) and the logarithm of `population`.\n");
    } else {
        out.push_str("  No naive baseline: the data have no `population` column.\n");
    }
    out.push_str("\nBy outcome year (AUC-ROC; onsets ranked in the year's top 30):\n");
    let _ = writeln!(
        out,
        "  {:>4}  {:>5}  {:>6}  {:>7}  {:>8}  {:>6}  {:>8}",
        "year", "units", "onsets", "AUC", "baseline", "top30", "baseline"
    );
    for (k, y) in m.by_year.iter().enumerate() {
        let b = base
            .and_then(|b| b.by_year.get(k))
            .filter(|b| b.year == y.year);
        let top = |r: &[backtest::Recall], pos: usize| {
            r.get(2)
                .map_or("n/a".to_string(), |r| format!("{}/{pos}", r.hits))
        };
        let _ = writeln!(
            out,
            "  {:>4}  {:>5}  {:>6}  {:>7}  {:>8}  {:>6}  {:>8}",
            y.year,
            y.n,
            y.positives,
            num(y.auc_roc, 3),
            b.map_or("".to_string(), |b| num(b.auc_roc, 3)),
            if y.positives > 0 {
                top(&y.recall, y.positives)
            } else {
                "-".to_string()
            },
            b.filter(|b| b.positives > 0)
                .map_or("".to_string(), |b| top(&b.recall, b.positives)),
        );
    }
    let _ = writeln!(
        out,
        "  pooled: top 10 {}, top 20 {}, top 30 {} of the onsets (baseline: {}, {}, {})",
        hits(&m.by_onset_year, 0),
        hits(&m.by_onset_year, 1),
        hits(&m.by_onset_year, 2),
        base.map_or("n/a".to_string(), |b| hits(&b.by_onset_year, 0)),
        base.map_or("n/a".to_string(), |b| hits(&b.by_onset_year, 1)),
        base.map_or("n/a".to_string(), |b| hits(&b.by_onset_year, 2)),
    );
    let _ = writeln!(
        out,
        "\nCalibration of the forecasts by country-year ({}-{}; ten bins of equal count, lowest forecasts first):",
        w.from, w.to
    );
    let _ = writeln!(
        out,
        "  {:>3}  {:>5}  {:>15}  {:>8}  {:>8}  {:>8}  {:>8}",
        "bin", "rows", "forecasts", "mean", "observed", "baseline", "observed"
    );
    for (k, c) in m.calibration.iter().enumerate() {
        let b = base.and_then(|b| b.calibration.get(k));
        let _ = writeln!(
            out,
            "  {:>3}  {:>5}  {:>15}  {:>8}  {:>8}  {:>8}  {:>8}",
            c.bin,
            c.n,
            format!("{}-{}", pct1(c.low), pct1(c.high)),
            pct1(c.mean_forecast),
            pct1(c.observed),
            b.map_or(String::new(), |b| pct1(b.mean_forecast)),
            b.map_or(String::new(), |b| pct1(b.observed)),
        );
    }
    out.push_str("  mean: the bin's mean forecast probability of an onset within the horizon; observed: the share of its country-years followed by one.\n");
}

/// A probability as a percentage with one decimal.
fn pct1(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), |x| format!("{:.0}%", x * 100.0))
}
