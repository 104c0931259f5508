//! Analyses built on scores: the ranking of a year and its data basis
//! ([`ranking`]). They compute what a reader is shown; the renderers write
//! it.

pub mod ranking;

pub use ranking::{Row, Run};

/// Rounds for output, so reports stay readable and stable.
pub fn round(v: f64, places: i32) -> Option<f64> {
    if v.is_nan() {
        return None;
    }
    let f = 10f64.powi(places);
    let r = (v * f).round() / f;
    Some(if r == 0.0 { 0.0 } else { r })
}
