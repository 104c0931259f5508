//! Analyses built on scores: the ranking of a year and its data basis
//! ([`ranking`]), the early-warning summary of a year ([`summary`]) and the
//! uncertainty of its scores over draws of the framework's alternatives
//! ([`uncertainty`]), and which year to assess by default ([`year`]). They compute what a reader is shown, as values; the
//! renderers write them.

pub mod ranking;
pub mod summary;
pub mod uncertainty;
pub mod year;

pub use ranking::{Row, Run, StaleColumn, ValuesBasis};

/// Rounds for output, so reports stay readable and stable.
pub fn round(v: f64, places: i32) -> Option<f64> {
    if v.is_nan() {
        return None;
    }
    let f = 10f64.powi(places);
    let r = (v * f).round() / f;
    Some(if r == 0.0 { 0.0 } else { r })
}

/// Rounded to six decimals, or `None` for NaN.
pub(crate) fn r6(v: f64) -> Option<f64> {
    round(v, 6)
}

/// Rounded to six decimals, NaN as 0.
pub(crate) fn r6f(v: f64) -> f64 {
    round(v, 6).unwrap_or(0.0)
}
