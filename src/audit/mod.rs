//! The statistical audit of a framework on its data, as composite-indicator
//! practice asks for before a ranking is read (OECD/JRC Handbook on
//! Constructing Composite Indicators, 2008; the JRC's COINr package): double
//! counting, correlations within risk factors and themes, Cronbach's alpha,
//! principal components, effective against nominal weights, and the coverage,
//! outliers and jumps of the data.
//!
//! Everything is computed on the values the framework actually scores: the
//! normalised indicator values of the plan (and for the data-quality checks,
//! the transformed measure values and the raw columns they come from), pooled
//! over the unit-years audited and, where it says so, year by year. A
//! statistic that cannot be computed (one indicator, a constant column, no
//! overlap, too few units) carries the reason instead of a number.
//! `docs/audit.md` describes every statistic and threshold.

pub mod double;
pub mod groups;
pub mod html;
pub mod layout;
pub mod markdown;
pub mod quality;
pub mod stats;
pub mod text;
pub mod weights;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compile::{Kind, Plan};
use crate::data::Panel;
use crate::diagnostic::{Diagnostic, Origin};
use crate::limits::Limit;
use crate::score::Scores;
use stats::Flaw;

/// The thresholds of the audit's findings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    /// Observations a statistic needs at the least.
    pub min_obs: usize,
    /// |Pearson| at or above which two indicators anywhere in the framework
    /// are nearly identical.
    pub duplicate_r: f64,
    /// Pearson or Spearman at or above which two members of a risk factor or
    /// theme are redundant (COINr's `get_corr_flags` default).
    pub redundant_r: f64,
    /// Pearson at or below which two members are shown as a negative pair.
    pub negative_pair_r: f64,
    /// Correlation with the rest of its group at or below which a member
    /// probably points the wrong way.
    pub direction_r: f64,
    /// Cronbach's alpha below which a group's consistency is low.
    pub alpha_low: f64,
    /// Rise of alpha, when an indicator is dropped, from which that indicator
    /// is named.
    pub alpha_gain: f64,
    /// Factor by which effective and nominal weight shares may differ before
    /// they are named (either way).
    pub weight_ratio: f64,
    /// Share of unit-years with a value below which coverage is low (COINr's
    /// `t_avail`).
    pub coverage_low: f64,
    /// Robust z-score (median absolute deviations, scaled) beyond which a
    /// value is an outlier.
    pub outlier_z: f64,
    /// Absolute skewness above which, together with `kurtosis`, a measure is
    /// flagged (COINr's `t_skew`).
    pub skewness: f64,
    /// Excess kurtosis above which, together with `skewness`, a measure is
    /// flagged (COINr's `t_kurt`).
    pub kurtosis: f64,
    /// A value this many times both neighbours (or as small as their share
    /// `1 / jump_ratio`) is a jump, for positive columns.
    pub jump_ratio: f64,
    /// For columns with negative values, where ratios mean nothing: a value
    /// that differs from both neighbours, in the same direction, by this
    /// share of the column's 5-95% spread is a jump.
    pub jump_spread: f64,
}

/// The thresholds used (documented in `docs/audit.md`).
pub const THRESHOLDS: Thresholds = Thresholds {
    min_obs: stats::MIN_OBS,
    duplicate_r: 0.95,
    redundant_r: 0.9,
    negative_pair_r: -0.4,
    direction_r: -0.1,
    alpha_low: 0.6,
    alpha_gain: 0.05,
    weight_ratio: 3.0,
    coverage_low: 0.65,
    outlier_z: 3.5,
    skewness: 2.0,
    kurtosis: 3.5,
    jump_ratio: 10.0,
    jump_spread: 1.0,
};

/// The kinds of finding, in the order reports list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// One data column read by measures that meet in one score, or an
    /// indicator that reaches a theme by two paths.
    DoubleCount,
    /// Two indicators (or two columns) with nearly the same values.
    Duplicate,
    /// A member that correlates negatively with the rest of its group.
    Direction,
    /// Two members of a group that correlate above the redundancy threshold.
    Redundant,
    /// An effective weight far from the nominal one.
    Weight,
    /// Low Cronbach's alpha, or an indicator whose removal raises it.
    Consistency,
    /// Low coverage of an indicator, a unit or a year.
    Coverage,
    /// A value many times its neighbours in a unit's series.
    Jump,
    /// A value far from the median of its measure.
    Outlier,
    /// A measure with high skewness and kurtosis.
    Skew,
}

impl FindingKind {
    /// Every kind, in report order.
    pub const ALL: [FindingKind; 10] = [
        FindingKind::DoubleCount,
        FindingKind::Duplicate,
        FindingKind::Direction,
        FindingKind::Redundant,
        FindingKind::Weight,
        FindingKind::Consistency,
        FindingKind::Coverage,
        FindingKind::Jump,
        FindingKind::Outlier,
        FindingKind::Skew,
    ];

    /// The name used in JSON and by `--deny`.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::DoubleCount => "double_count",
            FindingKind::Duplicate => "duplicate",
            FindingKind::Direction => "direction",
            FindingKind::Redundant => "redundant",
            FindingKind::Weight => "weight",
            FindingKind::Consistency => "consistency",
            FindingKind::Coverage => "coverage",
            FindingKind::Jump => "jump",
            FindingKind::Outlier => "outlier",
            FindingKind::Skew => "skew",
        }
    }

    /// The kind of a name (`double_count`; `double-count` is accepted too).
    pub fn parse(s: &str) -> Option<FindingKind> {
        let s = s.trim().replace('-', "_");
        Self::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// One finding, named by what it is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Kind.
    pub kind: FindingKind,
    /// One sentence that names the indicators, columns, unit and year.
    pub message: String,
    /// The indicators (or measures) it is about.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<String>,
    /// The data columns behind them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// The risk factor, theme or score it is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// The unit, if it is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The year, if it is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// The statistic behind it (a correlation, alpha, share, z-score, value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// How far past its threshold, for ordering (larger first).
    #[serde(skip)]
    pub severity: f64,
}

impl Finding {
    /// A finding with a message only; set the other fields as needed.
    pub fn new(kind: FindingKind, message: String, severity: f64) -> Finding {
        Finding {
            kind,
            message,
            indicators: Vec::new(),
            columns: Vec::new(),
            node: None,
            unit: None,
            year: None,
            value: None,
            severity,
        }
    }
}

/// A statistic over the unit-years of one year, or `reason` when it cannot be
/// computed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearValue {
    /// Year.
    pub year: i32,
    /// Observations used.
    pub n: usize,
    /// The value.
    pub value: Option<f64>,
    /// Why there is no value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An indicator the audit leaves out, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoData {
    /// Indicator id.
    pub id: String,
    /// Why it has no values.
    pub reason: String,
}

/// The framework audited.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameworkInfo {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Version.
    pub version: String,
}

/// The whole audit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audit {
    /// The framework.
    pub framework: FrameworkInfo,
    /// Years audited, ascending.
    pub years: Vec<i32>,
    /// Units of the panel.
    pub units: usize,
    /// Thresholds of the findings.
    pub thresholds: Thresholds,
    /// Findings per kind (every kind, zeros included).
    pub counts: BTreeMap<&'static str, usize>,
    /// Every finding: by kind, the worst first.
    pub findings: Vec<Finding>,
    /// Indicators without values in the years audited.
    pub no_data: Vec<NoData>,
    /// Section 1: double counting.
    pub double_counting: double::Section,
    /// Sections 2-4: correlations, consistency and structure per risk factor and theme.
    pub groups: Vec<groups::Group>,
    /// Section 5: effective weights.
    pub weights: weights::Section,
    /// Section 6: data quality.
    pub quality: quality::Section,
}

impl Audit {
    /// The number of findings of a kind.
    pub fn count(&self, kind: FindingKind) -> usize {
        self.counts.get(kind.name()).copied().unwrap_or(0)
    }

    /// The audit as pretty-printed JSON, ending with a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// What the sections share: the plan, the data, the years, node values over
/// the audited unit-years and the links from child to parent.
pub(crate) struct Ctx<'a> {
    pub plan: &'a Plan,
    pub panel: &'a Panel,
    pub scores: &'a Scores,
    /// Year indices audited, ascending.
    pub years: Vec<usize>,
    /// Units of the panel.
    pub n_units: usize,
    /// Per node (not measures): its values over the audited unit-years,
    /// year-major (`year * n_units + unit`).
    values: Vec<Option<Vec<f64>>>,
    /// Per node: the nodes that list it as a child, in the order their files define them.
    pub parents: Vec<Vec<usize>>,
    /// Per node: the data columns of the measures under it, sorted.
    pub columns: Vec<Vec<String>>,
}

impl<'a> Ctx<'a> {
    fn new(plan: &'a Plan, panel: &'a Panel, scores: &'a Scores, years: &[usize]) -> Ctx<'a> {
        let n_units = panel.countries.len();
        let n = plan.nodes.len();
        let mut parents = vec![Vec::new(); n];
        for (p, node) in plan.nodes.iter().enumerate() {
            for &(c, _) in &node.children {
                parents[c].push(p);
            }
        }
        for p in &mut parents {
            p.sort_unstable();
            p.dedup();
            p.sort_by_key(|&n| (plan.nodes[n].file, plan.nodes[n].line, n));
        }
        let mut columns: Vec<Vec<String>> = vec![Vec::new(); n];
        for (i, node) in plan.nodes.iter().enumerate() {
            if let Some(m) = &node.measure {
                columns[i] = m
                    .columns
                    .iter()
                    .map(|&c| panel.columns[c].name.clone())
                    .collect();
            } else {
                let mut all: Vec<String> = node
                    .children
                    .iter()
                    .flat_map(|&(c, _)| columns[c].iter().cloned())
                    .collect();
                all.sort();
                all.dedup();
                columns[i] = all;
            }
        }
        let values = (0..n)
            .map(|i| {
                (plan.nodes[i].kind != Kind::Measure).then(|| {
                    years
                        .iter()
                        .flat_map(|&y| (0..n_units).map(move |u| scores.value(i, panel.cell(u, y))))
                        .collect()
                })
            })
            .collect();
        Ctx {
            plan,
            panel,
            scores,
            years: years.to_vec(),
            n_units,
            values,
            parents,
            columns,
        }
    }

    /// A node's values over the audited unit-years (empty for measures).
    pub fn values(&self, node: usize) -> &[f64] {
        self.values[node].as_deref().unwrap_or(&[])
    }

    /// True when a node has a value in some audited unit-year.
    pub fn has_data(&self, node: usize) -> bool {
        self.values(node).iter().any(|v| !v.is_nan())
    }

    /// The audited unit-years of year position `yi` within a series.
    pub fn year_slice<'v>(&self, v: &'v [f64], yi: usize) -> &'v [f64] {
        &v[yi * self.n_units..(yi + 1) * self.n_units]
    }

    /// The panel cell of an audited unit-year.
    pub fn cell(&self, k: usize) -> usize {
        self.panel
            .cell(k % self.n_units, self.years[k / self.n_units])
    }

    /// The unit code and year of an audited unit-year.
    pub fn unit_year(&self, k: usize) -> (&str, i32) {
        (
            &self.panel.countries[k % self.n_units].iso3,
            self.panel.year(self.years[k / self.n_units]),
        )
    }

    /// The nodes of a kind in the order their files define them.
    pub fn in_file_order(&self, kind: Kind) -> Vec<usize> {
        let mut v = self.plan.of_kind(kind);
        v.sort_by_key(|&n| (self.plan.nodes[n].file, self.plan.nodes[n].line, n));
        v
    }

    /// Node id.
    pub fn id(&self, node: usize) -> &str {
        &self.plan.nodes[node].id
    }

    /// A statistic of two series (or one), pooled and year by year.
    pub fn per_year(
        &self,
        series: &[&[f64]],
        f: impl Fn(&[&[f64]]) -> (usize, Result<f64, Flaw>),
        names: &[&str],
    ) -> Vec<YearValue> {
        (0..self.years.len())
            .map(|yi| {
                let parts: Vec<&[f64]> = series.iter().map(|s| self.year_slice(s, yi)).collect();
                let (n, r) = f(&parts);
                let (value, reason) = split(r, names);
                YearValue {
                    year: self.panel.year(self.years[yi]),
                    n,
                    value,
                    reason,
                }
            })
            .collect()
    }
}

/// Pairs present in both of two series.
pub(crate) fn overlap(x: &[f64], y: &[f64]) -> usize {
    x.iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .count()
}

/// Why a statistic could not be computed, in words, naming the variables.
pub fn why(flaw: Flaw, names: &[&str]) -> String {
    let name = |i: usize| names.get(i).map_or("a variable", |s| s);
    match flaw {
        Flaw::TooFew { n: 0, .. } => {
            if names.len() > 1 {
                "no unit-year has values for all of them".to_string()
            } else {
                "no values".to_string()
            }
        }
        Flaw::TooFew { n, need } => {
            let what = if names.len() > 1 {
                "unit-years with values for all of them"
            } else {
                "values"
            };
            format!("only {n} {what} ({need} needed)")
        }
        Flaw::Constant(i) => format!("`{}` has the same value everywhere", name(i)),
        Flaw::Single => "fewer than two members with data".to_string(),
        Flaw::NoVariance => "the variances and covariances add up to zero or less".to_string(),
        Flaw::ZeroMad => {
            "more than half of the values are equal (median absolute deviation 0)".to_string()
        }
        Flaw::NoConvergence => "the eigen-decomposition did not converge".to_string(),
    }
}

/// A result as (value, reason).
pub(crate) fn split(r: Result<f64, Flaw>, names: &[&str]) -> (Option<f64>, Option<String>) {
    match r {
        Ok(v) => (Some(v), None),
        Err(f) => (None, Some(why(f, names))),
    }
}

/// The years the audit covers by default: every year in which some indicator
/// has a value.
pub fn years_with_data(plan: &Plan, panel: &Panel, scores: &Scores) -> Vec<usize> {
    let inds = plan.of_kind(Kind::Indicator);
    (0..panel.n_years)
        .filter(|&y| {
            inds.iter().any(|&i| {
                (0..panel.countries.len()).any(|u| !scores.value(i, panel.cell(u, y)).is_nan())
            })
        })
        .collect()
}

/// Why an indicator has no values.
fn no_data_reason(ctx: &Ctx<'_>, node: usize) -> String {
    let n = &ctx.plan.nodes[node];
    if n.children.is_empty() {
        if n.qualitative {
            "qualitative: no analyst assessments given".to_string()
        } else {
            "no measures".to_string()
        }
    } else {
        "no values in the years audited".to_string()
    }
}

/// Pair-cells a group's pair counts for each year it keeps correlations for
/// (its Pearson and Spearman year by year are kept in the report).
const KEPT_PER_YEAR: u64 = 256;

/// Principal-component steps that count as one pair-cell: an analysis of `k`
/// members counts `k^3 / 256` (measured: a step of the eigen-decomposition
/// costs about 1/250 of a correlation over one unit-year).
const EIGEN_STEPS_PER_CELL: u64 = 256;

/// The work of the audit of `plan` over year indices `years`, in pair-cells,
/// counted before it is done: every pair of indicators with data (the check
/// for nearly identical indicators) x the unit-years audited; every pair of
/// members with data of each risk factor and theme x (the unit-years + 256
/// per year, for the correlations it keeps year by year); and for each group
/// of `k` members, `k^3 / 256` for each of its principal component analyses
/// (pooled and one per year). Saturates at `u64::MAX`.
pub fn work(plan: &Plan, panel: &Panel, scores: &Scores, years: &[usize]) -> u64 {
    let ctx = Ctx::new(plan, panel, scores, years);
    work_of(&ctx)
}

fn work_of(ctx: &Ctx<'_>) -> u64 {
    let pairs = |k: u64| k.saturating_mul(k.saturating_sub(1)) / 2;
    let n_years = ctx.years.len() as u64;
    let rows = n_years.saturating_mul(ctx.n_units as u64);
    let inds = ctx
        .in_file_order(Kind::Indicator)
        .into_iter()
        .filter(|&i| ctx.has_data(i))
        .count() as u64;
    let per_pair = rows.saturating_add(KEPT_PER_YEAR.saturating_mul(n_years));
    groups::member_counts(ctx)
        .into_iter()
        .fold(pairs(inds).saturating_mul(rows), |w, k| {
            let eigen = k
                .saturating_mul(k)
                .saturating_mul(k)
                .saturating_mul(n_years + 1)
                / EIGEN_STEPS_PER_CELL;
            w.saturating_add(pairs(k).saturating_mul(per_pair))
                .saturating_add(eigen)
        })
}

/// Runs the audit within the budget `audit-work` (see [`work`]); an audit
/// that would pass it is refused before it starts (L015).
pub fn run_within(
    plan: &Plan,
    panel: &Panel,
    scores: &Scores,
    years: &[usize],
) -> Result<Audit, Diagnostic> {
    let ctx = Ctx::new(plan, panel, scores, years);
    let w = work_of(&ctx);
    if w > Limit::AuditWork.get() {
        let file = plan.files.last().map(String::as_str).unwrap_or("");
        return Err(Limit::AuditWork.breach(
            Origin::Framework,
            format!(
                "the audit of framework `{}` ({file}) over {} years and {} units would take {w} pair-cells: its risk factors and themes have that many pairs of members, or it has that many pairs of indicators",
                plan.id,
                years.len(),
                ctx.n_units
            ),
        ));
    }
    Ok(audit(&ctx))
}

/// Runs the audit of a scored framework over year indices `years`
/// (ascending; [`years_with_data`] gives the default), without a budget:
/// [`run_within`] bounds the work.
pub fn run(plan: &Plan, panel: &Panel, scores: &Scores, years: &[usize]) -> Audit {
    audit(&Ctx::new(plan, panel, scores, years))
}

fn audit(ctx: &Ctx<'_>) -> Audit {
    let (plan, panel, years) = (ctx.plan, ctx.panel, &ctx.years);
    let mut findings = Vec::new();
    let no_data = ctx
        .in_file_order(Kind::Indicator)
        .into_iter()
        .filter(|&i| !ctx.has_data(i))
        .map(|i| NoData {
            id: ctx.id(i).to_string(),
            reason: no_data_reason(ctx, i),
        })
        .collect();
    let double_counting = double::section(ctx, &mut findings);
    let groups = groups::section(ctx, &mut findings);
    let weights = weights::section(ctx, &mut findings);
    let quality = quality::section(ctx, &mut findings);
    findings.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then(b.severity.total_cmp(&a.severity))
            .then_with(|| a.message.cmp(&b.message))
    });
    let mut counts: BTreeMap<&'static str, usize> =
        FindingKind::ALL.iter().map(|k| (k.name(), 0)).collect();
    for f in &findings {
        *counts.entry(f.kind.name()).or_default() += 1;
    }
    Audit {
        framework: FrameworkInfo {
            id: plan.id.clone(),
            title: plan.title.clone(),
            version: plan.version.clone(),
        },
        years: years.iter().map(|&y| panel.year(y)).collect(),
        units: panel.countries.len(),
        thresholds: THRESHOLDS,
        counts,
        findings,
        no_data,
        double_counting,
        groups,
        weights,
        quality,
    }
}

/// Formats a share as a percentage for people (`12%`, `0.4%`).
pub fn pct(v: f64) -> String {
    let p = v * 100.0;
    if p == 0.0 {
        "0%".to_string()
    } else if p.abs() < 0.1 {
        "<0.1%".to_string()
    } else if p.abs() < 1.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// Formats a statistic with two decimals (`-0.00` shown as `0.00`).
pub fn f2(v: f64) -> String {
    let s = format!("{v:.2}");
    if s == "-0.00" { "0.00".to_string() } else { s }
}

/// Formats a data value for people: `186M`, `12.3k`, `0.34`.
pub fn human(v: f64) -> String {
    let a = v.abs();
    let (x, suffix) = if a >= 1e9 {
        (v / 1e9, "B")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e4 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let s = if suffix.is_empty() {
        if a >= 100.0 || v == v.trunc() {
            format!("{x:.0}")
        } else if a >= 1.0 {
            format!("{x:.2}")
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_string()
        } else {
            format!("{x:.3}")
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_string()
        }
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    };
    let s = if s == "-0" { "0".to_string() } else { s };
    format!("{s}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_by_name() {
        for k in FindingKind::ALL {
            assert_eq!(FindingKind::parse(k.name()), Some(k));
        }
        assert_eq!(
            FindingKind::parse("double-count"),
            Some(FindingKind::DoubleCount)
        );
        assert_eq!(FindingKind::parse("nonsense"), None);
    }

    #[test]
    fn numbers_are_formatted_for_people() {
        assert_eq!(human(186_000_000.0), "186M");
        assert_eq!(human(12_345.0), "12.3k");
        assert_eq!(human(0.34), "0.34");
        assert_eq!(human(2.5), "2.5");
        assert_eq!(human(-3.0), "-3");
        assert_eq!(human(4_500.0), "4500");
        assert_eq!(pct(0.123), "12%");
        assert_eq!(pct(0.004), "0.4%");
        assert_eq!(pct(0.0002), "<0.1%");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(f2(-0.001), "0.00");
    }

    #[test]
    fn reasons_name_the_variable() {
        assert_eq!(
            why(Flaw::Constant(1), &["a", "b"]),
            "`b` has the same value everywhere"
        );
        assert_eq!(
            why(Flaw::TooFew { n: 3, need: 5 }, &["a", "b"]),
            "only 3 unit-years with values for all of them (5 needed)"
        );
        assert_eq!(
            why(Flaw::TooFew { n: 0, need: 5 }, &["a", "b"]),
            "no unit-year has values for all of them"
        );
    }
}
