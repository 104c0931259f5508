//! The phrases of the summary that text, Markdown and HTML share: numbers,
//! changes, inputs, data age, intervals, analyst assessments and
//! recommendations in words, and the fixed sentences.

use std::fmt::Write;

use crate::analysis::summary::{
    ActorRef, AgeRange, AnalystInput, Brief, ColumnValue, DataAge, DataWarning, FEW_INDICATORS,
    InputChange, InputValue, Mover, NodeScore, OLD_DATA_YEARS, Summary,
};
use crate::analysis::uncertainty::Interval;
use crate::report::uncertainty::fmt_rank;
use crate::report::{fmt_probability, fmt_score};

pub(super) fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), fmt_score)
}

/// A signed change with three decimals, or `n/a`.
pub fn fmt_change(v: Option<f64>) -> String {
    match v {
        None => "n/a".to_string(),
        Some(v) if v.abs() < 0.0005 => "0.000".to_string(),
        Some(v) => format!("{v:+.3}"),
    }
}

/// A raw data value as read (shortest form).
pub fn fmt_value(v: f64) -> String {
    format!("{v}")
}

fn value_year(v: &InputValue, fmt: fn(f64) -> String) -> String {
    format!("{} ({})", fmt(v.value), v.year)
}

/// `column: before -> after` for one input.
pub fn fmt_input_change(i: &InputChange) -> String {
    input_change(i, fmt_value)
}

/// `column: before -> after` for one input, values for people
/// ([`fmt_human`]).
pub fn fmt_input_change_human(i: &InputChange) -> String {
    input_change(i, fmt_human)
}

fn input_change(i: &InputChange, fmt: fn(f64) -> String) -> String {
    let before = if i.before.is_empty() {
        "none".to_string()
    } else {
        i.before
            .iter()
            .map(|v| value_year(v, fmt))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let after = if i.after_cells.is_empty() {
        "none".to_string()
    } else {
        i.after_cells
            .iter()
            .map(|v| value_year(v, fmt))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("{} {before} -> {after}", i.column)
}

/// A raw value for people: `186M`, `80k`, `0.067`, `-1.71`.
pub fn fmt_human(v: f64) -> String {
    let a = v.abs();
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if a >= 1e9 {
        trim(format!("{:.1}", v / 1e9)) + "B"
    } else if a >= 1e6 {
        trim(format!("{:.1}", v / 1e6)) + "M"
    } else if a >= 1e4 {
        trim(format!("{:.1}", v / 1e3)) + "k"
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        trim(format!("{v:.2}"))
    } else {
        trim(format!("{v:.3}"))
    }
}

/// `column value (year)` for one input.
pub fn fmt_column_value(v: &ColumnValue) -> String {
    format!("{} {} ({})", v.column, fmt_value(v.value), v.year)
}

/// One line on coverage and data age.
pub fn fmt_data_age(d: &DataAge) -> String {
    let mut s = format!(
        "{}/{} measured indicators with data",
        d.indicators_with_data, d.indicators_measured
    );
    if !d.risk_factors_without_score.is_empty() {
        let ids: Vec<String> = d
            .risk_factors_without_score
            .iter()
            .map(|r| r.to_uppercase())
            .collect();
        let _ = write!(s, "; no score for {}", ids.join(", "));
    }
    let _ = write!(
        s,
        "; {} of {} measure values carried forward",
        d.carried_forward, d.measure_values
    );
    if let (Some(age), Some(oldest)) = (d.mean_input_age, d.oldest_input_year) {
        let _ = write!(
            s,
            "; inputs on average {age:.1} years old, the oldest from {oldest}"
        );
    }
    let stale = crate::analysis::ValuesBasis {
        stale: d.stale_columns.clone(),
        ..Default::default()
    }
    .stale_text();
    if !stale.is_empty() {
        let _ = write!(s, "; carried forward: {stale}");
    }
    s
}

/// The spread of input ages in words.
pub fn fmt_age_range(a: &AgeRange, year: i32) -> String {
    format!(
        "The inputs of a {year} score are on average {:.2} years old (median over countries; from {:.1} to {:.1}). Countries are flagged for old data from {OLD_DATA_YEARS:.1} years and for few indicators below {:.0} % of the measured indicators.",
        a.median,
        a.min,
        a.max,
        FEW_INDICATORS * 100.0
    )
}

/// The countries per band, highest band first, then those without a
/// score: `very high 12`, ..., `no score 3`.
pub(super) fn band_counts(s: &Summary) -> Vec<String> {
    s.bands
        .iter()
        .rev()
        .map(|b| format!("{} {}", b.band, b.countries))
        .chain(std::iter::once(format!("no score {}", s.no_score)))
        .collect()
}

/// The reasons of a data warning in words.
pub fn fmt_reasons(w: &DataWarning) -> String {
    w.reasons
        .iter()
        .map(|r| match *r {
            "no_score" => "no score (insufficient data)",
            "few_indicators" => "few indicators",
            "old_data" => "old data",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the movers are compared with, in words.
pub fn compared_with(s: &Summary, mean: bool) -> Option<String> {
    if mean {
        match (s.mean_years.first(), s.mean_years.last()) {
            (Some(a), Some(b)) => Some(format!("the mean of {a}-{b}")),
            _ => None,
        }
    } else {
        s.previous_year.map(|p| p.to_string())
    }
}

/// How a rise is judged against the intervals, in words (none without draws).
pub fn movers_note(s: &Summary) -> Option<String> {
    let u = s.uncertainty.as_ref()?;
    Some(format!(
        "A rise counts only when it holds in at least 95% of {} draws of the framework's declared alternatives (seed {}), each draw applying the same choices to both years.",
        u.draws, u.seed
    ))
}

/// How sure a move is, in words: `; rank 3-9, score 0.581-0.702; rose in
/// 98% of draws` (empty without draws).
pub fn fmt_certainty(m: &Mover) -> String {
    let mut out = match m.materiality {
        Some(x) => format!("; {x:.1} times its usual yearly change"),
        None => String::new(),
    };
    if let Some(i) = m.interval {
        let _ = write!(out, "; {}", fmt_interval(&i));
    }
    if let Some(share) = m.rise_share {
        let _ = write!(out, "; rose in {:.0}% of draws", share * 100.0);
    }
    out
}

/// A country's intervals in words, such as `rank 3-9, score 0.581-0.702`.
pub fn fmt_interval(i: &Interval) -> String {
    let score = match (i.score_p05, i.score_p95) {
        (Some(a), Some(b)) => format!("{a:.3}-{b:.3}"),
        _ => "n/a".to_string(),
    };
    format!("rank {}, score {score}", fmt_rank(i))
}

/// The titles of the actors a recommendation addresses, `; `-separated.
pub fn actor_names(a: &[ActorRef]) -> String {
    a.iter()
        .map(|a| a.title.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Said of a mover none of whose risk factors rose by itself.
pub const NO_FACTOR_ROSE: &str = "no risk factor with a score in both years rose enough to stand out: risk factors that gained or lost a score between the years changed the mean";

/// Said of a driver none of whose indicators rose by itself.
pub const NO_INDICATOR_ROSE: &str = " (no indicator with data in both years rose: indicators with data in only one of them changed the mean)";

/// The closing note of every summary.
/// What the forecast column is, for the foot of a summary (none without a
/// forecast).
pub fn forecast_note(s: &Summary) -> Option<String> {
    s.forecast.as_ref().map(|f| {
        format!(
            "Forecast: {} (`{}`), a probability fitted to past onsets; it is not part of the score and does not set the rank (docs/methodology.md, section 14; `atrisk explain --country X` shows what each input adds to it).",
            f.title, f.id
        )
    })
}

pub const FOOTER: &str = "Scores are relative risk on a 0-1 scale for screening, not probabilities and not legal findings. Drivers: the risk factors and indicators whose change (or level) times their weight share in the overall score is largest; input values are the data cells that determine each indicator (docs/rule-format.md, section Which cells are cited).";

/// `rf13.obstructed_aid = 1 (2023; medium confidence; source: ...; note: ...)`.
pub fn fmt_analyst(a: &AnalystInput) -> String {
    let mut parts = vec![a.year.to_string()];
    if let Some(c) = a.analyst.confidence {
        let c = serde_json::to_value(c).unwrap_or_default();
        parts.push(format!("{} confidence", c.as_str().unwrap_or("")));
    }
    if let Some(x) = a.analyst.source.as_deref().filter(|x| !x.is_empty()) {
        parts.push(format!("source: {x}"));
    }
    if let Some(x) = a.analyst.note.as_deref().filter(|x| !x.is_empty()) {
        parts.push(format!("note: {x}"));
    }
    format!("{} = {} ({})", a.indicator, a.value, parts.join("; "))
}

/// Recommendations shown per brief in text and Markdown (JSON has all).
pub const BRIEF_RECOMMENDATIONS: usize = 3;

/// "and N more: (a), (b)" when a brief has more recommendations than shown.
pub fn more_recommendations(b: &Brief) -> Option<String> {
    let rest: Vec<String> = b
        .recommendations
        .iter()
        .skip(BRIEF_RECOMMENDATIONS)
        .map(|r| format!("({})", r.id))
        .collect();
    (!rest.is_empty()).then(|| {
        format!(
            "also triggered, less strongly: {} (see `atrisk explain --country {}`)",
            rest.join(", "),
            b.iso3
        )
    })
}

/// `rf2 0.94 very high, gbv 0.85 very high`.
pub fn fmt_triggers(t: &[NodeScore]) -> String {
    t.iter()
        .map(|n| {
            format!(
                "{} {} {}",
                n.id,
                opt(n.score),
                n.band.as_deref().unwrap_or("-")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The heading of the recommendation tally (none without recommendations).
pub fn tally_heading(s: &Summary) -> Option<String> {
    let of = s.recommendations.first()?.of;
    Some(format!(
        "Recommendations: for how many of the {of} highest-ranked countries each is triggered"
    ))
}

/// What the overall score is called: `probability` or `score`.
pub fn level_name(s: &Summary) -> &'static str {
    if s.probability {
        "probability"
    } else {
        "score"
    }
}

/// An overall score for people: a percentage when it is a probability
/// (`12.3%`), else three decimals.
pub fn fmt_level(s: &Summary, v: f64) -> String {
    fmt_either(s.probability, v)
}

/// A value for people: a percentage when `probability`, else three
/// decimals.
pub fn fmt_either(probability: bool, v: f64) -> String {
    if probability && !v.is_nan() {
        fmt_probability(v)
    } else {
        fmt_score(v)
    }
}

/// The age of the year's data in one sentence, for the top of a summary:
/// how old the inputs of a score are and how many countries are flagged.
/// The one place the year's data age is put in words for the top of the
/// text summary and of the HTML report.
pub fn fmt_year_data_age(s: &Summary) -> String {
    let w = &s.data_warnings;
    let flagged = w
        .countries
        .iter()
        .filter(|d| d.reasons.iter().any(|r| *r != "no_score"))
        .count();
    let age = w.input_age.as_ref().map_or_else(
        || "Data: no input ages.".to_string(),
        |a| {
            format!(
                "Data: the inputs of a score are on average {:.1} years old (median over countries; {:.1} to {:.1}).",
                a.median, a.min, a.max
            )
        },
    );
    match flagged {
        0 => age,
        1 => format!("{age} 1 country rests on old data or few indicators."),
        n => format!("{age} {n} countries rest on old data or few indicators."),
    }
}

/// A short mark for a country whose score rests on old data (`old`) or few
/// indicators (`few`), from the data warnings.
pub fn data_mark(s: &Summary, iso3: &str) -> Option<String> {
    let w = s.data_warnings.countries.iter().find(|d| d.iso3 == iso3)?;
    let marks: Vec<&str> = w
        .reasons
        .iter()
        .filter_map(|r| match *r {
            "old_data" => Some("old"),
            "few_indicators" => Some("few"),
            _ => None,
        })
        .collect();
    (!marks.is_empty()).then(|| marks.join("+"))
}

/// The risk factor that moved a rise most, as `RF4 Motives or incentives`
/// (empty when none stands out).
pub fn rise_driver(m: &Mover) -> String {
    m.drivers
        .first()
        .map(|d| format!("{} {}", d.id.to_uppercase(), d.title))
        .unwrap_or_default()
}

/// A change of the overall score for people: percentage points when it is
/// a probability (`+8.7 pp`), else as [`fmt_change`].
pub fn fmt_level_change(s: &Summary, v: Option<f64>) -> String {
    fmt_either_change(s.probability, v)
}

/// A change for people: percentage points when `probability`, else as
/// [`fmt_change`].
pub fn fmt_either_change(probability: bool, v: Option<f64>) -> String {
    match v {
        Some(v) if probability && v.abs() >= 0.0005 => format!("{:+.1} pp", v * 100.0),
        _ => fmt_change(v),
    }
}
