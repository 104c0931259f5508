//! The types of the early-warning summary: what [`Summary`] holds, each
//! serialisable as JSON (field names are documented in docs/summary.md).

use serde::Serialize;

use crate::analysis::StaleColumn;

use crate::analysis::uncertainty::Interval;
use crate::data::Analyst;

/// The early-warning summary of one year.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Version of atrisk that wrote it.
    pub atrisk_version: &'static str,
    /// The framework.
    pub framework: FrameworkRef,
    /// The data files.
    pub data: Vec<String>,
    /// The year summarised.
    pub year: i32,
    /// Why this year, when it was chosen by default (the default-year rule:
    /// docs/methodology.md); absent when the year was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_basis: Option<String>,
    /// The year compared with, if the panel has it.
    pub previous_year: Option<i32>,
    /// The three years whose mean is compared with (oldest first); empty when
    /// the panel does not reach back three years.
    pub mean_years: Vec<i32>,
    /// Size of the watch list and of the other lists.
    pub top: usize,
    /// Countries in the panel.
    pub countries: usize,
    /// Countries per band, lowest band first.
    pub bands: Vec<BandCount>,
    /// Countries without an overall score (insufficient data).
    pub no_score: usize,
    /// The highest-ranked countries, overall and per crime.
    pub watch_list: WatchList,
    /// The largest rises, with their drivers.
    pub movers: Movers,
    /// Countries whose band rose into the top two bands this year.
    pub new_in_top_bands: Vec<NewEntry>,
    /// Countries whose score rests on few indicators or old data.
    pub data_warnings: DataWarnings,
    /// One brief per watch-list country, in rank order.
    pub briefs: Vec<Brief>,
    /// Every recommendation of the framework with the number of the
    /// [`TALLY_TOP`](super::TALLY_TOP) highest-ranked countries it is
    /// triggered for, most often triggered first (empty when the framework
    /// defines none).
    pub recommendations: Vec<RecTally>,
    /// The Monte Carlo draws behind the rank intervals (absent with
    /// `--draws 0` and when the framework declares no alternatives).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<UncertaintyRef>,
    /// Whether the overall score is a probability: the output of a logistic
    /// model, reached from the overall node through nodes of one child each.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub probability: bool,
    /// The framework's forecast, a probability reported beside a relative
    /// overall score (see [`crate::compile::Plan::forecast`]); absent when
    /// there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<ForecastRef>,
    /// A profile of every scored country, in rank order: a brief with every
    /// risk factor, every theme and the trend of the score. Built for the
    /// HTML report ([`Builder::with_profiles`](super::Builder::with_profiles));
    /// empty, and left out of JSON, otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<Brief>,
    /// One part per theme of the framework, in framework order: the
    /// countries that score highest on it, its members and the
    /// recommendations it calls for. Built with the profiles.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<ThemePart>,
}

/// A theme across countries.
#[derive(Debug, Clone, Serialize)]
pub struct ThemePart {
    /// Theme id.
    pub id: String,
    /// Title, as in the framework.
    pub title: String,
    /// What the theme covers, as in the framework.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The countries with the highest theme score, with their change since
    /// the year before.
    pub top: Vec<Entry>,
    /// The theme's members, highest mean over those countries first.
    pub members: Vec<ThemeMember>,
    /// The recommendations with a condition on the theme, in framework order.
    pub recommendations: Vec<ThemeRec>,
}

/// A member of a theme, over the countries that score highest on the theme.
#[derive(Debug, Clone, Serialize)]
pub struct ThemeMember {
    /// Node id.
    pub id: String,
    /// Title or text.
    pub title: String,
    /// `indicator`, `risk factor` or `theme`.
    pub kind: &'static str,
    /// Mean score over the theme's top countries that have one.
    pub mean: Option<f64>,
    /// How many of those countries have it in the `high` band or above (the
    /// two top bands when the member has other bands).
    pub high: usize,
}

/// A recommendation a theme calls for.
#[derive(Debug, Clone, Serialize)]
pub struct ThemeRec {
    /// Recommendation id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Whom it addresses.
    pub addressed_to: Vec<ActorRef>,
    /// The condition on the theme, in words (`band at least high`).
    pub condition: String,
    /// For how many of the theme's top countries the condition holds.
    pub count: usize,
}

/// A score in one year.
#[derive(Debug, Clone, Serialize)]
pub struct YearScore {
    /// Year.
    pub year: i32,
    /// Score (none: insufficient data).
    pub score: Option<f64>,
}

/// The draws behind the intervals of a summary.
#[derive(Debug, Clone, Serialize)]
pub struct UncertaintyRef {
    /// Draws of the framework's declared alternatives.
    pub draws: usize,
    /// Seed.
    pub seed: u64,
    /// What the draws vary, in words (`weights`, `aggregation methods`...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub varied: Vec<String>,
}

/// Someone a recommendation addresses.
#[derive(Debug, Clone, Serialize)]
pub struct ActorRef {
    /// Actor id.
    pub id: String,
    /// Name.
    pub title: String,
}

/// How often a recommendation is triggered among the highest-ranked countries.
#[derive(Debug, Clone, Serialize)]
pub struct RecTally {
    /// Recommendation id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Whom it addresses.
    pub addressed_to: Vec<ActorRef>,
    /// Number of countries it is triggered for.
    pub count: usize,
    /// Number of countries counted: the [`TALLY_TOP`](super::TALLY_TOP)
    /// highest-ranked, or every scored country when fewer.
    pub of: usize,
    /// The countries it is triggered for (ISO3), in rank order.
    pub countries: Vec<String>,
}

/// A recommendation triggered for a country.
#[derive(Debug, Clone, Serialize)]
pub struct BriefRec {
    /// Recommendation id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Whom it addresses.
    pub addressed_to: Vec<ActorRef>,
    /// The highest score among the nodes whose condition holds.
    pub strength: f64,
    /// The conditions that hold: node id, score and band, strongest first.
    pub triggered_by: Vec<NodeScore>,
}

/// Which framework.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkRef {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Version.
    pub version: String,
}

/// How many countries are in a band.
#[derive(Debug, Clone, Serialize)]
pub struct BandCount {
    /// Band name.
    pub band: String,
    /// Lowest score of the band.
    pub min: f64,
    /// Countries in it.
    pub countries: usize,
}

/// The watch list.
#[derive(Debug, Clone, Serialize)]
pub struct WatchList {
    /// Top countries by overall score.
    pub overall: Vec<Entry>,
    /// Top countries by each crime's score, in framework order.
    pub crimes: Vec<CrimeList>,
}

/// The node whose value is the forecast.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastRef {
    /// Node id.
    pub id: String,
    /// Title, as in the framework.
    pub title: String,
}

/// The watch list of one crime.
#[derive(Debug, Clone, Serialize)]
pub struct CrimeList {
    /// Crime id.
    pub id: String,
    /// Crime title.
    pub title: String,
    /// Whether the crime's values are probabilities (a fitted forecast).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub probability: bool,
    /// Top countries by this crime's score.
    pub entries: Vec<Entry>,
}

/// One line of a watch list.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Rank (1 = highest).
    pub rank: usize,
    /// Country code.
    pub iso3: String,
    /// Country name.
    pub country: String,
    /// Score.
    pub score: Option<f64>,
    /// Band.
    pub band: Option<String>,
    /// Change since the previous year.
    pub change: Option<f64>,
    /// Rank and score intervals (overall watch list only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
    /// The forecast's probability (overall watch list of a framework with a
    /// forecast only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// True when most of the country's measure values are carried forward
    /// from earlier years: its rank rests on old data.
    pub old_data: bool,
}

/// The largest rises.
#[derive(Debug, Clone, Serialize)]
pub struct Movers {
    /// Against the previous year.
    pub previous_year: Vec<Mover>,
    /// Against the mean of the three previous years.
    pub three_year_mean: Vec<Mover>,
}

/// A country whose overall score rose.
#[derive(Debug, Clone, Serialize)]
pub struct Mover {
    /// Country code.
    pub iso3: String,
    /// Country name.
    pub country: String,
    /// Score this year.
    pub score: f64,
    /// Band this year.
    pub band: Option<String>,
    /// The score compared with (last year's, or the three-year mean).
    pub before: f64,
    /// `score - before`.
    pub change: f64,
    /// Risk factors whose change moved the score most, largest first.
    pub drivers: Vec<Driver>,
    /// Rank and score intervals this year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
    /// Share of the draws in which the score rose, each draw applying the
    /// same choices to both years; a rise counts as a move only when this
    /// is at least 0.95.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rise_share: Option<f64>,
    /// The country's usual yearly change: the median absolute change of its
    /// score from one year to the next over the ten years before (at least
    /// three changes; not below 0.005).
    pub usual_change: Option<f64>,
    /// `change` in multiples of `usual_change`.
    pub materiality: Option<f64>,
}

/// A risk factor whose change moved the overall score.
#[derive(Debug, Clone, Serialize)]
pub struct Driver {
    /// Risk factor id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Score before (last year's, or the mean of the three years).
    pub before: f64,
    /// Score this year.
    pub after: f64,
    /// Change times the risk factor's weight share in the overall score.
    pub contribution: f64,
    /// Indicators whose change moved the risk factor most.
    pub indicators: Vec<IndicatorChange>,
}

/// An indicator whose change moved its risk factor.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorChange {
    /// Indicator id.
    pub id: String,
    /// Indicator text.
    pub text: String,
    /// Score before.
    pub before: f64,
    /// Score this year.
    pub after: f64,
    /// Change times the indicator's weight share in the overall score.
    pub contribution: f64,
    /// Raw input values per data column: the newest cell read before and now.
    pub inputs: Vec<InputChange>,
}

/// The raw values of one data column before and now.
#[derive(Debug, Clone, Serialize)]
pub struct InputChange {
    /// Column name.
    pub column: String,
    /// Every cell that determines the indicator in the years compared
    /// (deduplicated, oldest first).
    pub before: Vec<InputValue>,
    /// The newest cell that determines it this year (carried-forward values
    /// keep their year).
    pub after: Option<InputValue>,
    /// Every cell that determines it this year, oldest first.
    pub after_cells: Vec<InputValue>,
}

/// A raw data value and its year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputValue {
    /// Year of the data cell.
    pub year: i32,
    /// Value as read.
    pub value: f64,
}

/// A country that entered one of the two top bands.
#[derive(Debug, Clone, Serialize)]
pub struct NewEntry {
    /// Country code.
    pub iso3: String,
    /// Country name.
    pub country: String,
    /// Score this year.
    pub score: f64,
    /// Band this year.
    pub band: String,
    /// Score the year before.
    pub previous_score: Option<f64>,
    /// Band the year before (none: no score).
    pub previous_band: Option<String>,
}

/// Data warnings.
#[derive(Debug, Clone, Serialize)]
pub struct DataWarnings {
    /// Carried-forward values of the year, as a sentence.
    pub note: Option<String>,
    /// Mean input age of the scored countries: the median, lowest and highest.
    pub input_age: Option<AgeRange>,
    /// Countries with few indicators, old data or no score, by country code.
    pub countries: Vec<DataWarning>,
}

/// The spread of countries' mean input ages in a year.
#[derive(Debug, Clone, Serialize)]
pub struct AgeRange {
    /// Median over countries.
    pub median: f64,
    /// Lowest.
    pub min: f64,
    /// Highest.
    pub max: f64,
}

/// Why a country's score needs care.
#[derive(Debug, Clone, Serialize)]
pub struct DataWarning {
    /// Country code.
    pub iso3: String,
    /// Country name.
    pub country: String,
    /// Overall score.
    pub score: Option<f64>,
    /// `no_score`, `few_indicators` and/or `old_data`.
    pub reasons: Vec<&'static str>,
    /// Coverage and data age.
    pub data: DataAge,
}

/// Coverage and age of the data behind a country-year.
#[derive(Debug, Clone, Serialize)]
pub struct DataAge {
    /// Measured indicators with a value.
    pub indicators_with_data: usize,
    /// Measured indicators in all.
    pub indicators_measured: usize,
    /// Risk factors without a score (insufficient data), by id.
    pub risk_factors_without_score: Vec<String>,
    /// Measure values used.
    pub measure_values: usize,
    /// Of those, carried forward from an earlier year.
    pub carried_forward: usize,
    /// Mean age in years of the newest input of each measure value.
    pub mean_input_age: Option<f64>,
    /// The oldest year any measure value's newest input comes from.
    pub oldest_input_year: Option<i32>,
    /// The data columns whose values are carried forward, with the oldest
    /// year each comes from.
    pub stale_columns: Vec<StaleColumn>,
}

/// A brief on one watch-list country.
#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    /// Rank.
    pub rank: usize,
    /// Country code.
    pub iso3: String,
    /// Country name.
    pub country: String,
    /// Overall score.
    pub score: Option<f64>,
    /// Band.
    pub band: Option<String>,
    /// Change since the previous year.
    pub change_previous_year: Option<f64>,
    /// Change against the mean of the three previous years.
    pub change_three_year_mean: Option<f64>,
    /// Crime scores, in framework order (the forecast apart).
    pub crimes: Vec<NodeScore>,
    /// The forecast: its probability and band (absent when the framework
    /// has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<NodeScore>,
    /// The risk factors that weigh most in the score, with their indicators.
    pub drivers: Vec<LevelDriver>,
    /// Coverage and data age.
    pub data: DataAge,
    /// Recommendations its risks call for, strongest first.
    pub recommendations: Vec<BriefRec>,
    /// Analyst assessments that enter the score (none without `--assessments`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub analyst: Vec<AnalystInput>,
    /// Rank and score intervals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
    /// Every risk factor's score, in framework order (profiles only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub risk_factors: Vec<NodeScore>,
    /// Every theme's score, in framework order (profiles only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<NodeScore>,
    /// The overall score over the last [`TREND_YEARS`](super::TREND_YEARS)
    /// years of the panel, oldest first (profiles only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trend: Vec<YearScore>,
}

/// An analyst assessment that enters a country-year's score.
#[derive(Debug, Clone, Serialize)]
pub struct AnalystInput {
    /// The qualitative indicator assessed.
    pub indicator: String,
    /// Its text.
    pub text: String,
    /// The year the assessment was made for (earlier years are carried forward).
    pub year: i32,
    /// The value, from 0 to 1.
    pub value: f64,
    /// Who says so, how sure, and why.
    #[serde(flatten)]
    pub analyst: Analyst,
}

/// A node's score and band.
#[derive(Debug, Clone, Serialize)]
pub struct NodeScore {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Score.
    pub score: Option<f64>,
    /// Band.
    pub band: Option<String>,
}

/// A risk factor that weighs in a score.
#[derive(Debug, Clone, Serialize)]
pub struct LevelDriver {
    /// Risk factor id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Score.
    pub score: f64,
    /// Score times the risk factor's weight share in the overall score.
    pub contribution: f64,
    /// Its indicators that weigh most, with their raw inputs.
    pub indicators: Vec<LevelIndicator>,
}

/// An indicator that weighs in a risk factor, with its raw inputs.
#[derive(Debug, Clone, Serialize)]
pub struct LevelIndicator {
    /// Indicator id.
    pub id: String,
    /// Indicator text.
    pub text: String,
    /// Score.
    pub score: f64,
    /// Newest raw value read per data column.
    pub inputs: Vec<ColumnValue>,
}

/// A raw data value of a column.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnValue {
    /// Column name.
    pub column: String,
    /// Year of the data cell.
    pub year: i32,
    /// Value as read.
    pub value: f64,
}
