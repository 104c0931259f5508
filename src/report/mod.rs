//! Renderers: they write what the scores and the analyses give. A scored
//! [`crate::analysis::Run`] as a text table (`text`), CSV, JSON or
//! Markdown; the early-warning summary ([`crate::analysis::summary`]) as
//! text, Markdown or JSON (`summary`) and as the self-contained HTML report
//! (`html`); the uncertainty table as text, CSV or JSON (`uncertainty`); and
//! the explanation of one score (`explain`).

pub mod csv;
pub mod explain;
pub mod html;
pub mod json;
pub mod markdown;
pub mod summary;
pub mod text;
pub mod uncertainty;
pub mod xlsx;

/// Formats a score with three decimals, or `n/a`.
pub fn fmt_score(v: f64) -> String {
    if v.is_nan() {
        "n/a".to_string()
    } else {
        format!("{v:.3}")
    }
}

/// Formats a probability for people: `12.8%`, `0.41%` below 1%, or `n/a`
/// (none, or NaN).
pub fn fmt_probability(p: impl Into<Option<f64>>) -> String {
    let p = p.into().unwrap_or(f64::NAN);
    if p.is_nan() {
        "n/a".to_string()
    } else if p < 0.01 {
        format!("{:.2}%", p * 100.0)
    } else {
        format!("{:.1}%", p * 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_read_as_percentages() {
        assert_eq!(fmt_probability(0.128), "12.8%");
        assert_eq!(fmt_probability(0.0041), "0.41%");
        assert_eq!(fmt_probability(f64::NAN), "n/a");
        assert_eq!(fmt_probability(None), "n/a");
    }
}
