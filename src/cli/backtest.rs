//! `atrisk backtest`: how well a framework's scores would have picked out
//! the country-years before an event (such as a mass-killing onset).

use std::fmt::Write;
use std::path::PathBuf;

use super::{Ctx, EXIT_OK, Failure, InputArgs, Scored, usage, write_output};
use crate::backtest::{self, Events, Refit, Skill, TOP_K, Window};
use crate::compile::Kind;
use crate::data::{Panel, UNIT_KEY_SEPARATOR};
use crate::diagnostic::{Diagnostic, Origin, Sources};
use crate::fit::Settings;

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
    #[arg(long, value_name = "H", default_value_t = 2)]
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
    #[arg(long, value_name = "YEAR")]
    pub from: Option<i32>,
    /// Last data year scored (default: the last year whose outcome is known).
    #[arg(long, value_name = "YEAR")]
    pub to: Option<i32>,
    /// The node whose skill is reported first (default: the overall score; with --refit-every, the logistic node).
    #[arg(long, value_name = "ID")]
    pub node: Option<String>,
    /// Require the Brier score of the node (an error when its values are not probabilities).
    #[arg(long)]
    pub brier: bool,
    /// Rolling origin: refit the logistic node every N years on the years whose outcomes were known, and score the next years with it.
    #[arg(long, value_name = "N", requires = "first_fit")]
    pub refit_every: Option<u32>,
    /// Rolling origin: the first data year scored by a refitted model.
    #[arg(long, value_name = "YEAR", requires = "refit_every")]
    pub first_fit: Option<i32>,
    /// Rolling origin: elastic-net mixing (1 lasso, 0 ridge).
    #[arg(long, value_name = "A", default_value_t = 0.5)]
    pub alpha: f64,
    /// Rolling origin: penalty strength.
    #[arg(long, value_name = "L")]
    pub lambda: Option<f64>,
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
    let index: std::collections::HashMap<&str, usize> = panel
        .countries
        .iter()
        .enumerate()
        .map(|(i, c)| (c.iso3.as_str(), i))
        .collect();
    let unit = |vals: &[&str]| index.get(vals.join(UNIT_KEY_SEPARATOR).as_str()).copied();
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
    lambda: f64,
    refit_every: u32,
    first_fit: i32,
    refits: Vec<Refit>,
    /// Counted as EWP counts: by unit and outcome year.
    by_onset_year: Skill,
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
    let first = a.first_fit.map(|f| a.from.map_or(f, |x| x.max(f)));
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
    if let (Some(every), Some(first_fit)) = (a.refit_every, a.first_fit) {
        let Some(lambda) = a.lambda else {
            return Err(usage(
                "a rolling-origin backtest needs --lambda",
                "give the penalty, such as --lambda 0.0025864 (see `atrisk fit --cv` to choose one)",
            ));
        };
        let node = backtest::logistic_node(&plan, a.node.as_deref()).map_err(fail)?;
        let rolled = backtest::rolling(
            &plan,
            &panel,
            &scores,
            &ev,
            node,
            &w,
            every,
            &Settings::new(a.alpha, lambda),
        )
        .map_err(fail)?;
        nodes.push(rolled.by_country_year);
        rolling = Some(Rolling {
            alpha: a.alpha,
            lambda,
            refit_every: every,
            first_fit,
            refits: rolled.refits,
            by_onset_year: rolled.by_onset_year,
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
        if a.brier && !backtest::is_probability(&plan, main) {
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
    write_output(a.output.as_deref(), &out, &inputs)?;
    Ok(EXIT_OK)
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
        let _ = writeln!(
            out,
            "Rolling origin: refitted every {} year(s) from {} (alpha {}, lambda {}), {} fits, each on the years whose outcomes were known.",
            ro.refit_every,
            ro.first_fit,
            ro.alpha,
            ro.lambda,
            ro.refits.len()
        );
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
        let _ = writeln!(
            out,
            "{:<wid$}  {:>6}  {:>4}  {:>7}  {:>6}  {:>6}  {:>5}  {:>5}  {:>5}",
            s.node,
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
    out.push_str("\ntopK: share of positive country-years ranked in the top K of their year (ties share the best rank); AUC-PR is average precision.\n");
    if let Some(ro) = &r.rolling {
        let b = &ro.by_onset_year;
        let e = &ro.ewp_reference;
        let first = ro.refits.first().map_or(w.from, |f| f.test_year) + 1;
        let _ = writeln!(
            out,
            "\nCounted as EWP counts, by onset year (each unit and year {first}-{} scored with the larger of the forecasts made 1 to {} years before; positive when an onset falls in that year):",
            r.outcomes_known_through, w.horizon
        );
        let _ = writeln!(
            out,
            "  atrisk: {} country-years, {} onsets, AUC-ROC {}, AUC-PR {}, Brier {}, top 30 {}",
            b.n,
            b.positives,
            num(b.auc_roc, 3),
            num(b.auc_pr, 3),
            num(b.brier, 4),
            pct(share(b, 2))
        );
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

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), |x| format!("{:.0}%", x * 100.0))
}
