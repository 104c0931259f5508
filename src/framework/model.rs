//! The framework format, version 1: the serde model of a YAML rule file.
//!
//! Every identifier and every reference is wrapped in [`Spanned`] so later
//! stages can point at `file:line:col`. Unknown keys are errors.

use std::collections::{BTreeMap, HashMap};

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A framework: crimes, risk factors, indicators and how they are scored.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "atrisk framework, format 1")]
pub struct Framework {
    /// Format version of this file; must be 1.
    #[schemars(with = "u32")]
    pub format: Spanned<u32>,
    /// Short identifier, such as `un-foa-2014`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Human-readable title.
    pub title: String,
    /// A framework this one builds on: the id of a shipped framework (such as
    /// `un-foa-2014`) or a path relative to this file. Its crimes, risk
    /// factors, indicators, themes, actors and recommendations come first;
    /// this file adds to them and may set its own bands, defaults, overall
    /// and watch list.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub extends: Option<Spanned<String>>,
    /// The data column, or columns, that identify a unit: `iso3` when unset.
    /// Data keyed otherwise (such as `ewp_name`, a Correlates-of-War `ccode`,
    /// a grid cell `gid`, or `[iso3, admin1]` for regions) set it here; a
    /// framework that extends another inherits it unless it sets its own.
    #[serde(default)]
    #[schemars(with = "Option<UnitKey>")]
    pub unit_key: Option<Spanned<UnitKey>>,
    /// Version of this rule set (free text, such as `0.1.0`).
    pub version: String,
    /// What this framework is for, in a few sentences.
    #[serde(default)]
    pub description: Option<String>,
    /// Documents this framework draws on (seed documents, Framework paragraphs, datasets).
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Alert bands used by every node that does not set its own.
    #[serde(default)]
    pub bands: Option<Vec<Band>>,
    /// Defaults for every node.
    #[serde(default)]
    pub defaults: Defaults,
    /// The crimes scored (genocide, crimes against humanity, war crimes).
    #[serde(default)]
    pub crimes: Vec<Crime>,
    /// Risk factors; each bears on one or more crimes.
    #[serde(default)]
    pub risk_factors: Vec<RiskFactor>,
    /// Indicators; each belongs to one risk factor.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// Themes: cross-cutting groups of indicators and risk factors, scored
    /// alongside the crimes (they do not feed the overall score).
    #[serde(default)]
    pub themes: Vec<Theme>,
    /// Who recommendations are addressed to.
    #[serde(default)]
    pub actors: Vec<Actor>,
    /// Recommendations and the risk conditions that call for them.
    #[serde(default)]
    pub recommendations: Vec<Recommendation>,
    /// How the crime scores combine into the overall score (default: the highest crime score).
    #[serde(default)]
    pub overall: Option<Overall>,
    /// Rank-based watch list.
    #[serde(default)]
    pub watchlist: Option<Watchlist>,
    /// Alternatives for `atrisk uncertainty`: how far weights may vary and
    /// which other methods a node may use. Does not change the point scores.
    #[serde(default)]
    pub uncertainty: Option<Uncertainty>,
}

/// The column or columns that identify a unit in the data.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum UnitKey {
    /// One column, such as `ewp_name`.
    One(String),
    /// Several columns, such as `[iso3, admin1]`; their values are joined
    /// with `|` into one unit code.
    Many(Vec<String>),
}

impl UnitKey {
    /// The column names, in order.
    pub fn columns(&self) -> Vec<String> {
        match self {
            UnitKey::One(c) => vec![c.clone()],
            UnitKey::Many(cs) => cs.clone(),
        }
    }
}

/// A document the framework cites.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Identifier other fields cite.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Title of the document.
    pub title: String,
    /// What kind of document it is.
    #[serde(default)]
    pub kind: SourceKind,
    /// Bibliographic reference (symbol, publisher, year).
    #[serde(default)]
    pub reference: Option<String>,
    /// Where to find it.
    #[serde(default)]
    pub url: Option<String>,
}

/// Kinds of cited document.
#[derive(Debug, Default, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// An analytical framework such as the UN Framework of Analysis.
    Framework,
    /// A seed document (a meeting summary, a letter) whose themes the rules encode.
    Seed,
    /// A published dataset.
    Dataset,
    /// Anything else.
    #[default]
    Other,
}

/// One alert band: scores at or above `min` (and below the next band) get this name.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Band name, such as `high`.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Lowest score in the band, from 0 to 1.
    #[schemars(with = "f64", range(min = 0.0, max = 1.0))]
    pub min: Spanned<f64>,
}

/// Framework-wide defaults.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Share of a node's weight that must have data for the node to get a score (0 to 1).
    /// Default 0.5.
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0.0, max = 1.0))]
    pub min_coverage: Option<Spanned<f64>>,
}

/// How a node combines its children.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Aggregate {
    /// The aggregation method. Default `mean`.
    #[serde(default)]
    #[schemars(with = "Option<Method>")]
    pub method: Option<Spanned<Method>>,
    /// For `share_above`: the child score that counts as "above" (0 to 1).
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub threshold: Option<Spanned<f64>>,
    /// For `logistic`: the intercept added to the weighted sum.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub intercept: Option<Spanned<f64>>,
    /// For `logistic`: how a child without a score in a country-year is
    /// counted. Unset: it is left out of the sum (as if it were 0), and the
    /// node needs every child unless `min_coverage` is lowered. `year_mean`:
    /// it takes the mean of that child's scores over the units that have one
    /// in the same year; coverage and `min_coverage` still count only real
    /// scores.
    #[serde(default)]
    #[schemars(with = "Option<Impute>")]
    pub impute: Option<Spanned<Impute>>,
    /// Minimum share of weight with data (0 to 1); below it the node is "insufficient data".
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub min_coverage: Option<Spanned<f64>>,
}

/// Aggregation methods.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Weighted arithmetic mean of the children with data.
    Mean,
    /// Weighted geometric mean of the children with data.
    GeometricMean,
    /// Largest child score.
    Max,
    /// Weighted share of children whose score is at or above `threshold`.
    ShareAbove,
    /// `1 / (1 + e^-(intercept + sum of weight * child))`: a logistic model.
    Logistic,
}

/// How a logistic node counts a child that has no score.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Impute {
    /// The mean of the child's scores over the units that have one that year.
    YearMean,
}

/// A crime type.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Crime {
    /// Identifier, such as `genocide`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Title.
    pub title: String,
    /// Weight in the overall score. Default 1.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub weight: Option<Spanned<f64>>,
    /// How the risk factors bearing on this crime combine.
    #[serde(default)]
    pub aggregate: Aggregate,
    /// Bands for this node (otherwise the framework's).
    #[serde(default)]
    pub bands: Option<Vec<Band>>,
    /// Worked examples: inputs and the expected result, run by `atrisk test`.
    #[serde(default)]
    #[schemars(with = "Vec<Example>")]
    pub examples: Vec<Spanned<Example>>,
}

/// Structural factors change slowly; dynamic ones can change within a year.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    /// Slow-moving conditions.
    Structural,
    /// Fast-moving events and processes.
    Dynamic,
}

/// A risk factor.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskFactor {
    /// Identifier, such as `rf1`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Title.
    pub title: String,
    /// The crimes this factor bears on (crime ids).
    #[schemars(with = "Vec<String>")]
    pub crimes: Vec<Spanned<String>>,
    /// Structural or dynamic.
    pub kind: FactorKind,
    /// Where it comes from, such as `FoA RF1`.
    #[serde(default)]
    pub source: Option<String>,
    /// What the factor is about, in a sentence.
    #[serde(default)]
    pub description: Option<String>,
    /// Weight in the crime scores. Default 1.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub weight: Option<Spanned<f64>>,
    /// How its indicators combine.
    #[serde(default)]
    pub aggregate: Aggregate,
    /// Bands for this node.
    #[serde(default)]
    pub bands: Option<Vec<Band>>,
    /// Worked examples: inputs and the expected result, run by `atrisk test`.
    #[serde(default)]
    #[schemars(with = "Vec<Example>")]
    pub examples: Vec<Spanned<Example>>,
}

/// How certain the wording of an indicator is against its source.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    /// Checked against a public copy of the source.
    Verified,
    /// Recalled; still to be checked against the source.
    Recalled,
    /// Recalled with low confidence.
    Uncertain,
}

/// An indicator of a risk factor.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Identifier, such as `rf1.armed_conflict`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The risk factor this indicator belongs to. May be left out only when a
    /// theme lists the indicator: it then feeds that theme alone.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub risk_factor: Option<Spanned<String>>,
    /// What the indicator looks for, in the framework author's own words.
    pub text: String,
    /// Source reference, such as `FoA 1.1`.
    #[serde(default)]
    pub source: Option<String>,
    /// How certain the indicator's wording is against its source.
    #[serde(default)]
    pub verification: Option<Verification>,
    /// Weight in its risk factor. Default 1.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub weight: Option<Spanned<f64>>,
    /// True when the indicator is read from analyst assessments, not data.
    #[serde(default)]
    pub qualitative: bool,
    /// How the indicator is read from data.
    #[serde(default)]
    pub measures: Vec<Measure>,
    /// Scores of other nodes (risk factors, indicators or themes, of this
    /// file or of one it extends) used as further children, after the
    /// measures: for example the risk factors of a fitted logistic model.
    #[serde(default)]
    pub inputs: Vec<NodeInput>,
    /// How its measures combine.
    #[serde(default)]
    pub aggregate: Aggregate,
    /// Bands for this node.
    #[serde(default)]
    pub bands: Option<Vec<Band>>,
    /// Worked examples: inputs and the expected result, run by `atrisk test`.
    #[serde(default)]
    #[schemars(with = "Vec<Example>")]
    pub examples: Vec<Spanned<Example>>,
}

/// The score of another node, used as a child of an indicator.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeInput {
    /// The node whose score is read: a risk factor, indicator or theme id.
    #[schemars(with = "String")]
    pub node: Spanned<String>,
    /// Weight in the indicator (a coefficient under `method: logistic`). Default 1.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub weight: Option<Spanned<f64>>,
}

impl Indicator {
    /// True when the indicator belongs to the risk factor `rf`.
    pub fn belongs_to(&self, rf: &str) -> bool {
        self.risk_factor.as_ref().is_some_and(|r| r.value == rf)
    }
}

impl RiskFactor {
    /// True when the risk factor bears on the crime `crime`.
    pub fn bears_on(&self, crime: &str) -> bool {
        self.crimes.iter().any(|c| c.value == crime)
    }
}

/// Which way a measure points.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher values mean more risk.
    HigherIsRiskier,
    /// Higher values mean less risk.
    LowerIsRiskier,
}

/// A measure: how an indicator is read from data columns.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// Identifier within the indicator. Default: the column name.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// The data column read.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub column: Option<Spanned<String>>,
    /// Several data columns, summed (a cell is missing if any of them is).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub columns: Option<Vec<Spanned<String>>>,
    /// Transforms applied in order.
    #[serde(default)]
    #[schemars(with = "Vec<Transform>")]
    pub transform: Vec<Spanned<Transform>>,
    /// Which way the measure points; required except for `steps`.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// How the (transformed) value maps onto the 0-1 risk scale.
    #[schemars(with = "Normalise")]
    pub normalise: Spanned<Normalise>,
    /// What to do when the value is missing. Default `skip`.
    #[serde(default)]
    pub missing: Missing,
    /// Weight in its indicator. Default 1.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub weight: Option<Spanned<f64>>,
    /// Why this column is a fair proxy for the indicator.
    #[serde(default)]
    pub rationale: Option<String>,
}

/// A transform of a measure's series, applied per country over years.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// Natural logarithm (missing for values of 0 or below).
    Log,
    /// Natural logarithm of 1 + x (missing for values of -1 or below).
    Log1p,
    /// Square root (missing for negative values).
    Sqrt,
    /// Divide by another column of the same country-year, times `per`.
    PerCapita(PerCapita),
    /// The value `k` years earlier.
    Lag(u32),
    /// The value minus the value `k` years earlier.
    Change(u32),
    /// Mean of the last `k` years (this year included) that have data.
    RollingMean(u32),
    /// Largest value of the last `k` years (this year included) that have data.
    RollingMax(u32),
}

/// Parameters of `per_capita`.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PerCapita {
    /// The denominator column, such as `population`.
    pub column: String,
    /// Multiplier, such as 100000 for "per 100,000 people". Default 1.
    #[serde(default = "one")]
    pub per: f64,
}

fn one() -> f64 {
    1.0
}

/// Normalisation onto the 0-1 risk scale.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Normalise {
    /// Linear between fixed goalposts, clipped; comparable across years.
    Goalposts(Goalposts),
    /// Threshold steps: the score of the highest step whose `min` the value reaches.
    Steps(Vec<Step>),
    /// 1 when the value is at or beyond `threshold` in the risky direction, else 0.
    Binary(Binary),
    /// Percentile rank among the countries with data in the same year.
    Percentile,
    /// z-score within the year, clipped at +-`clip` and mapped onto 0-1.
    Zscore(Zscore),
    /// No normalisation: the transformed value as it is (only under a `logistic` parent).
    Raw,
    /// The transformed value minus the median (or mean) of the values of all
    /// units with one in the same year; like `raw`, not on the 0-1 scale
    /// (only under a `logistic` parent). After `log`, a ratio to the year's
    /// median on a log scale.
    Centre(Centre),
}

/// The centre a `centre` normalisation subtracts.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Centre {
    /// The median of the year's values (the mean of the middle two for an even count).
    Median,
    /// The mean of the year's values.
    Mean,
}

/// Goalposts: `min` maps to no risk, `max` to full risk (or the reverse with `lower_is_riskier`).
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Goalposts {
    /// Lower goalpost.
    pub min: f64,
    /// Upper goalpost.
    pub max: f64,
}

/// One threshold step.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Values at or above this get `score`.
    pub min: f64,
    /// Score from 0 to 1.
    pub score: f64,
}

/// Binary threshold.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Binary {
    /// The threshold.
    pub threshold: f64,
}

/// Clipped z-score.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Zscore {
    /// Clip at this many standard deviations. Default 3.
    #[serde(default = "three")]
    pub clip: f64,
}

fn three() -> f64 {
    3.0
}

/// Missing-data policy of a measure. Whatever is chosen is reported with each value.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// Leave the value missing; the indicator's coverage drops.
    #[default]
    Skip,
    /// Use this (transformed, unnormalised) value instead.
    Fill(f64),
    /// Use the last observed value up to this many years back.
    CarryForward(u32),
}

/// How the overall score is formed from the crime scores.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Overall {
    /// Title. Default "Overall".
    #[serde(default)]
    pub title: Option<String>,
    /// How the crime scores combine. Default `max`.
    #[serde(default)]
    pub aggregate: Aggregate,
    /// Bands for the overall score.
    #[serde(default)]
    pub bands: Option<Vec<Band>>,
    /// Worked examples: inputs and the expected result, run by `atrisk test`.
    #[serde(default)]
    #[schemars(with = "Vec<Example>")]
    pub examples: Vec<Spanned<Example>>,
}

/// A rank-based watch list.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Watchlist {
    /// How many countries the watch list holds.
    #[schemars(range(min = 1))]
    pub top: u32,
}

/// A theme: a cross-cutting concern (such as arms flows) scored from
/// indicators and risk factors anywhere in the framework.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// Identifier, such as `arms_flows`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Title.
    pub title: String,
    /// Where it comes from, such as a seed document id.
    #[serde(default)]
    pub source: Option<String>,
    /// What the theme is about.
    #[serde(default)]
    pub description: Option<String>,
    /// Indicator, risk factor or theme ids scored into the theme, with equal weights.
    #[schemars(with = "Vec<String>")]
    pub members: Vec<Spanned<String>>,
    /// How its members combine. Default `mean`.
    #[serde(default)]
    pub aggregate: Aggregate,
    /// Bands for this node.
    #[serde(default)]
    pub bands: Option<Vec<Band>>,
}

/// Someone a recommendation asks to act.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Identifier, such as `security_council`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Name, such as `Security Council members`.
    pub title: String,
}

/// A recommendation and the conditions that put it on the table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    /// Identifier, such as `rec_a`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// A short title.
    pub title: String,
    /// What is recommended, in a few sentences.
    #[serde(default)]
    pub text: Option<String>,
    /// Where it comes from, such as `S/2015/815 (a)`.
    #[serde(default)]
    pub source: Option<String>,
    /// Actor ids the recommendation asks to act.
    #[schemars(with = "Vec<String>")]
    pub addressed_to: Vec<Spanned<String>>,
    /// Conditions; the recommendation is triggered when any of them holds.
    pub when: Vec<Trigger>,
}

/// One condition on a node's score for a country-year. Set exactly one of
/// `band_at_least` and `score_at_least`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// The node (risk factor, crime, theme, indicator or `overall`).
    #[schemars(with = "String")]
    pub node: Spanned<String>,
    /// Holds when the node's band is this band or a higher one.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub band_at_least: Option<Spanned<String>>,
    /// Holds when the node's score is at least this value (0 to 1).
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub score_at_least: Option<Spanned<f64>>,
}

/// A worked example of a node: inputs and the expected result.
///
/// For an indicator with measures, `given` maps data column names to raw
/// values (a number, `null` for missing, or a list of yearly values, oldest
/// first, ending with the year scored). For a risk factor, crime or the
/// overall score, `given` maps child ids (indicators, risk factors, crimes)
/// to scores from 0 to 1; children not listed have no score.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// Inputs: column name to raw value, or child id to score.
    #[schemars(with = "BTreeMap<String, Option<Given>>")]
    pub given: HashMap<Spanned<String>, Option<Given>>,
    /// Expected score of the node (0 to 1), within `tolerance`.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub value: Option<Spanned<f64>>,
    /// Expected band of the node.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub band: Option<Spanned<String>>,
    /// Largest accepted difference from `value`. Default 1e-6.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub tolerance: Option<Spanned<f64>>,
    /// What the example shows, in a few words.
    #[serde(default)]
    pub note: Option<String>,
}

/// One input of an example.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum Given {
    /// A single value: the raw value of a column in the year scored, or a child's score.
    Value(f64),
    /// Yearly raw values of a column, oldest first; the last is the year scored
    /// (for transforms that look back, such as `lag`, `change`, `rolling_mean`).
    Series(Vec<Option<f64>>),
}

/// Alternatives to the framework's own choices, drawn at random by
/// `atrisk uncertainty` (docs/rule-format.md, "Uncertainty").
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Uncertainty {
    /// Every weight varies by up to this share of itself, either way
    /// (0.25: from 75% to 125% of the weight). Default 0: weights are fixed.
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0.0, max = 1.0))]
    pub weight_share: Option<Spanned<f64>>,
    /// How weights are drawn within their range. Default `uniform`.
    #[serde(default)]
    pub distribution: Option<Distribution>,
    /// Other missing-data policies, tried together for every measure whose own
    /// policy is `skip` or `carry_forward` (a `fill` states a meaning and is kept).
    #[serde(default)]
    #[schemars(with = "Vec<Missing>")]
    pub missing: Vec<Spanned<Missing>>,
    /// Alternatives of single nodes.
    #[serde(default)]
    pub nodes: Vec<NodeAlternatives>,
}

/// How a weight is drawn within its range.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    /// Every value of the range equally likely.
    Uniform,
    /// Triangular, peaking at the framework's own weight.
    Triangular,
}

/// Alternatives of one node.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeAlternatives {
    /// The node: a crime, risk factor or indicator id, `overall`, or a
    /// measure as `indicator/measure`.
    #[schemars(with = "String")]
    pub node: Spanned<String>,
    /// The node's weight in its parents varies by up to this share (overrides `weight_share`).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0.0, max = 1.0))]
    pub weight_share: Option<Spanned<f64>>,
    /// The node's weight in its parents is drawn from this range (overrides any share).
    #[serde(default)]
    #[schemars(with = "Option<WeightRange>")]
    pub weight: Option<Spanned<WeightRange>>,
    /// How this node's weight is drawn (overrides the framework-wide choice).
    #[serde(default)]
    pub distribution: Option<Distribution>,
    /// Other aggregation methods of the node, drawn with equal chance as its own.
    #[serde(default)]
    #[schemars(with = "Vec<Method>")]
    pub aggregate: Vec<Spanned<Method>>,
    /// For a measure: other normalisations, drawn with equal chance as its own.
    #[serde(default)]
    #[schemars(with = "Vec<Normalise>")]
    pub normalise: Vec<Spanned<Normalise>>,
    /// For a measure: other missing-data policies (overrides the framework-wide list).
    #[serde(default)]
    #[schemars(with = "Vec<Missing>")]
    pub missing: Vec<Spanned<Missing>>,
}

/// A range of weights.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WeightRange {
    /// Smallest weight (0 or more).
    pub min: f64,
    /// Largest weight.
    pub max: f64,
}

/// Bands used when a framework defines none.
pub fn default_bands() -> Vec<(String, f64)> {
    vec![
        ("low".to_string(), 0.0),
        ("moderate".to_string(), 0.25),
        ("high".to_string(), 0.5),
        ("very high".to_string(), 0.75),
    ]
}
